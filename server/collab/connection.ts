// One client socket: limits, decoding, and routing its messages to its document according to its access.
import type { WebSocket } from "ws";
import type { PlanAccess } from "~/modules/plans/plan-document.server";
import type { Grant } from "./auth";
import { DocumentTooLarge, UnsafeLink, type Peer, type SharedDocument } from "./documents";
import { decodeClientMessage, encodeReadOnlyNotice, encodeSyncStep1, MalformedMessage, PresenceRefused } from "./protocol";
import { ChangeRefused } from "./validation";
import { describeError } from "~/utils/log-safe";

export interface ConnectionLimits {
  /** Sustained messages per second a connection may send… */
  messagesPerSecond: number;
  /** …and how many it may send in a burst above that. */
  messageBurst: number;
  /** Presence (awareness) messages per second a connection may send (a caret moves with every keystroke)… */
  presencePerSecond?: number;
  /** …and in a burst above that. */
  presenceBurst?: number;
}

/** Defaults for presence: a fast typist's caret, with room for a held key; far below what it takes to flood others. */
export const PRESENCE_RATE = { perSecond: 30, burst: 120 } as const;

// Close codes: the standard ones where they fit, 4xxx (application range) for access decisions.
export const CLOSE = {
  unsupportedData: 1003,
  invalidPayload: 1007,
  policy: 1008,
  tooBig: 1009,
  serverError: 1011,
  goingAway: 1001,
  sessionEnded: 4401,
  forbidden: 4403,
  notFound: 4404,
  /** The session ended for lack of activity; the reason is the sentence the editor shows. */
  sessionIdle: 4408,
  documentTooLarge: 4413,
  /** A change the editor could not have made (a link it would refuse, a node the schema lacks): the reason says which. */
  unsafeLink: 4422,
  invalidChange: 4422,
} as const;

export class Connection implements Peer {
  user: { id: string; name: string };
  access: PlanAccess;
  document: SharedDocument | null = null;
  private tokens: number;
  private refilledAt = Date.now();
  private readonly presence: { tokens: number; refilledAt: number; perSecond: number; burst: number };
  closed = false;
  /** Counts re-checks of this connection's access, so a slow, older one cannot overwrite a newer answer. */
  rechecks = 0;
  /** The client sent an edit since the session was last re-checked: that is activity, and keeps the session alive. */
  edited = false;
  /**
   * While an access change is being re-checked, frames both ways wait here: nothing the person may no longer see goes
   * out, and nothing they may no longer write goes in, between the change being committed and the answer (ADR 0033).
   */
  private held: { depth: number; incoming: Buffer[]; outgoing: Uint8Array[] } | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly grant: Grant,
    private readonly limits: ConnectionLimits,
  ) {
    this.user = { id: grant.user.id, name: grant.user.name };
    this.access = grant.access;
    this.tokens = limits.messageBurst;
    const perSecond = limits.presencePerSecond ?? PRESENCE_RATE.perSecond;
    const burst = limits.presenceBurst ?? PRESENCE_RATE.burst;
    this.presence = { tokens: burst, refilledAt: Date.now(), perSecond, burst };
  }

  get readOnly() {
    return this.access !== "edit";
  }

  /** Starts the sync exchange: the server's state vector (so the client sends what the server lacks) and who is here. */
  start(document: SharedDocument) {
    this.document = document;
    this.send(encodeSyncStep1(document.doc));
    // The editor may have been opened with edit rights that are gone by now: the socket's answer is what counts.
    if (this.readOnly) this.send(encodeReadOnlyNotice());
    const awareness = document.awarenessMessage();
    if (awareness) this.send(awareness);
  }

  send(message: Uint8Array) {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.held) return void this.held.outgoing.push(message);
    this.ws.send(message, (error) => {
      if (error) this.close(CLOSE.serverError, "send failed");
    });
  }

  /** Holds this connection's traffic until the matching release(); holds nest. */
  hold() {
    if (this.closed) return;
    this.held ??= { depth: 0, incoming: [], outgoing: [] };
    this.held.depth += 1;
  }

  /** Ends one hold; when the last ends, what waited goes out and what arrived is handled, under the access now known. */
  release() {
    const held = this.held;
    if (!held || --held.depth > 0) return;
    this.held = null;
    if (this.closed) return;
    for (const message of held.outgoing) this.send(message);
    for (const bytes of held.incoming) this.handle(bytes);
  }

  close(code: number, reason: string) {
    if (this.closed) return;
    this.closed = true;
    this.held = null;
    this.ws.close(code, reason);
    // A client that never answers the closing handshake must not hold its slot.
    setTimeout(() => this.ws.terminate(), 2_000).unref();
  }

  /** Handles one frame; whatever goes wrong ends this connection only. */
  receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) {
    if (this.closed || !this.document) return;
    if (!isBinary) return this.close(CLOSE.unsupportedData, "binary frames only");
    if (!this.takeToken()) return this.close(CLOSE.policy, "too many messages");
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    // Counted against the rate limit above, so a held connection cannot pile up more than it could send anyway.
    if (this.held) return void this.held.incoming.push(bytes);
    this.handle(bytes);
  }

  private handle(bytes: Buffer) {
    if (this.closed || !this.document) return;
    try {
      const message = decodeClientMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      switch (message.kind) {
        case "syncStep1":
          return this.document.answerSyncStep1(this, message.stateVector);
        case "update":
          // A read-only client's changes are dropped here: not applied, not stored, not broadcast.
          if (this.readOnly) return;
          // An empty update (two bytes: no structs, no deletions) is every client's answer to the server's step 1.
          if (message.update.byteLength > 2) this.edited = true;
          return this.document.receiveUpdate(this, message.update);
        case "awareness":
          if (!this.takePresenceToken()) return this.close(CLOSE.policy, "too many presence updates");
          return this.document.receiveAwareness(this, message.update);
        case "queryAwareness": {
          const awareness = this.document.awarenessMessage();
          if (awareness) this.send(awareness);
          return;
        }
      }
    } catch (error) {
      if (error instanceof MalformedMessage) return this.close(CLOSE.invalidPayload, error.message.slice(0, 120));
      if (error instanceof DocumentTooLarge) return this.close(CLOSE.documentTooLarge, error.message);
      if (error instanceof UnsafeLink) return this.close(CLOSE.unsafeLink, error.message);
      if (error instanceof ChangeRefused) return this.close(error.refusal.kind === "too-large" ? CLOSE.documentTooLarge : CLOSE.invalidChange, error.message);
      if (error instanceof PresenceRefused) return this.close(CLOSE.policy, error.message);
      console.error(`collab: message from ${this.user.id} failed: ${describeError(error, { frames: false })}`);
      this.close(CLOSE.serverError, "server error");
    }
  }

  private takePresenceToken() {
    const bucket = this.presence;
    const now = Date.now();
    bucket.tokens = Math.min(bucket.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * bucket.perSecond);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private takeToken() {
    const now = Date.now();
    this.tokens = Math.min(this.limits.messageBurst, this.tokens + ((now - this.refilledAt) / 1000) * this.limits.messagesPerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
