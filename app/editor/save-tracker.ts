// Knows whether this browser's edits are stored: the collaboration server answers a sync step 1 only after storing
// every update the same connection sent before it (ADR 0014), so a step 2 that answers our own probe is a receipt.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { ObservableV2 } from "lib0/observable";
import * as syncProtocol from "y-protocols/sync";
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";

const MESSAGE_SYNC = 0;
const MESSAGE_AUTH = 2;
const READ_ONLY_REASON = "read-only";
const PROBE_DELAY_MS = 250;
/** A receipt slower than this means the connection is probably gone even if the socket has not noticed yet. */
const STALLED_AFTER_MS = 5_000;

export type ConnectionState =
  /** Connected and every local edit is stored. */
  | "saved"
  /** Connected; some edits are on their way to being stored. */
  | "saving"
  /** Connected as far as the browser knows, but no receipt for a while: the network may be gone. */
  | "stalled"
  /** Not connected; nothing of ours is waiting. */
  | "reconnecting"
  /** Not connected, and edits made here wait to be sent. */
  | "offline"
  /** The server closed the connection for good (no access any more, document too large…). */
  | "closed";

export interface SaveStatus {
  state: ConnectionState;
  /** Local changes not yet confirmed as stored. */
  pending: number;
  /** Why the connection ended, when state is "closed". */
  closedReason?: string;
  /** The server said this connection may only read (from the start, or since a role change). */
  readOnly: boolean;
}

/** The server's reason (validity.ts, links.ts) as the start of a sentence, or nothing when it sent none. */
const because = (reason: string) => (reason ? ` (${reason})` : "");

const closeReasons: Record<number, (reason: string) => string> = {
  4401: () => "Your session ended. Sign in again to keep editing.",
  // An idle sign-out: the server's sentence names the district's idle limit ("…after 30 minutes without activity").
  4408: (reason) => `${reason || "You were signed out after a while without activity."} Sign in again to keep editing.`,
  4403: () => "You no longer have access to this plan.",
  4404: () => "This plan no longer exists.",
  4413: (reason) => `Your last change was too large to save${because(reason)}. Reload the page to continue; copy anything you still need first.`,
  4422: (reason) => `Your last change was refused${because(reason)}, so it was not saved. Reload the page to continue.`,
  // ws closes a connection whose message passes 4 MiB: sending the same change again could never work.
  1009: () => "A change was too large to send (over 4 MB), so it was not saved. Copy anything you still need and reload the page.",
  1008: () => "The connection was closed because a change was refused.",
};

/** What the save indicator says when the server ended the connection for good. */
export function closeReasonFor(code: number, reason: string): string {
  return closeReasons[code]?.(reason) ?? (reason || `The connection was closed (${code}).`);
}

/**
 * Which closes end editing for good: y-websocket's own rule (4400–4499), and 1009, because a reconnecting editor
 * would send the same oversized change again in its sync and be closed again, forever.
 */
export function shouldReconnect(event: { code: number }): boolean {
  return !(event.code >= 4400 && event.code < 4500) && event.code !== 1009;
}

export class SaveTracker extends ObservableV2<{ change: (status: SaveStatus) => void }> {
  private localChanges = 0;
  private confirmed = 0;
  /** What each outstanding step 1 on the current socket would confirm; the provider's own opening one confirms nothing. */
  private probes: number[] = [];
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closedReason: string | null = null;
  /** When the oldest change not yet confirmed was made; null when all are. */
  private waitingSince: number | null = null;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private last: SaveStatus | null = null;
  private readOnly = false;

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly doc: Y.Doc,
  ) {
    super();
    // The read-only notice is read below; the provider's own handler would only log it.
    provider.messageHandlers[MESSAGE_AUTH] = () => {};
    doc.on("update", this.onUpdate);
    provider.on("status", this.onStatus);
    provider.on("sync", this.onSynced);
    provider.on("closed", this.onClosed);
    if (provider.wsconnected) this.watch();
  }

  status(): SaveStatus {
    const readOnly = this.readOnly;
    // A read-only connection's changes are dropped by the server: nothing is pending, whatever was typed.
    const pending = readOnly ? 0 : this.localChanges - this.confirmed;
    if (this.closedReason) return { state: "closed", pending, closedReason: this.closedReason, readOnly };
    if (!this.provider.wsconnected || !this.provider.synced) return { state: pending > 0 ? "offline" : "reconnecting", pending, readOnly };
    if (pending === 0) return { state: "saved", pending, readOnly };
    const stalled = this.waitingSince !== null && Date.now() - this.waitingSince >= STALLED_AFTER_MS;
    return { state: stalled ? "stalled" : "saving", pending, readOnly };
  }

  destroy() {
    this.doc.off("update", this.onUpdate);
    this.provider.off("status", this.onStatus);
    this.provider.off("sync", this.onSynced);
    this.provider.off("closed", this.onClosed);
    this.socket?.removeEventListener("message", this.onMessage);
    if (this.timer) clearTimeout(this.timer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    super.destroy();
  }

  private publish() {
    this.watchForStall();
    const next = this.status();
    if (this.last && this.last.state === next.state && this.last.pending === next.pending && this.last.readOnly === next.readOnly) return;
    this.last = next;
    this.emit("change", [next]);
  }

  private watchForStall() {
    const pending = !this.readOnly && this.localChanges > this.confirmed;
    if (!pending) {
      this.waitingSince = null;
      if (this.stallTimer) clearTimeout(this.stallTimer);
      this.stallTimer = null;
      return;
    }
    this.waitingSince ??= Date.now();
    if (this.stallTimer) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null;
      this.publish();
    }, Math.max(0, this.waitingSince + STALLED_AFTER_MS - Date.now()) + 10);
  }

  private onUpdate = (_update: Uint8Array, origin: unknown) => {
    // Changes that came from the server are stored already; only this browser's own count.
    if (origin === this.provider) return;
    this.localChanges += 1;
    this.scheduleProbe();
    this.publish();
  };

  private onStatus = ({ status }: { status: string }) => {
    if (status === "connected") this.watch();
    else this.probes = [];
    this.publish();
  };

  private onSynced = (synced: boolean) => {
    // After a reconnect the provider sends what we made offline in answer to the server's step 1; ask again after it.
    if (synced && this.localChanges > this.confirmed) this.scheduleProbe();
    this.publish();
  };

  private onClosed = ({ code, reason }: { code: number; reason: string }) => {
    this.closedReason = closeReasonFor(code, reason);
    this.publish();
  };

  private watch() {
    const socket = this.provider.ws as WebSocket | null;
    if (!socket || socket === this.socket) return;
    this.socket?.removeEventListener("message", this.onMessage);
    this.socket = socket;
    // The provider sends its own step 1 as the socket opens; its answer says nothing about our edits.
    this.probes = [-1];
    socket.addEventListener("message", this.onMessage);
  }

  private onMessage = (event: MessageEvent) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const decoder = decoding.createDecoder(new Uint8Array(event.data));
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AUTH) return this.onAuth(decoder);
    if (type !== MESSAGE_SYNC) return;
    if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) return;
    const covered = this.probes.shift();
    if (covered !== undefined && covered > this.confirmed) this.confirmed = covered;
    if (this.localChanges > this.confirmed && this.probes.length === 0) this.scheduleProbe();
    this.publish();
  };

  private onAuth(decoder: decoding.Decoder) {
    if (decoding.readVarUint(decoder) !== 0 /* permission denied */) return;
    if (decoding.readVarString(decoder) !== READ_ONLY_REASON) return;
    this.readOnly = true;
    this.publish();
  }

  private scheduleProbe() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.probe();
    }, PROBE_DELAY_MS);
  }

  private probe() {
    const socket = this.provider.ws;
    if (!socket || !this.provider.wsconnected || socket.readyState !== 1) return;
    this.watch();
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.probes.push(this.localChanges);
    socket.send(encoding.toUint8Array(encoder));
  }
}
