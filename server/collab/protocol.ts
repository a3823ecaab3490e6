// The y-websocket wire format: message framing for sync and awareness, and the server's awareness stamping.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as authProtocol from "y-protocols/auth";
import * as syncProtocol from "y-protocols/sync";
import type * as Y from "yjs";

// Message types as y-websocket's WebsocketProvider numbers them.
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

export const SYNC_STEP_1 = syncProtocol.messageYjsSyncStep1;
export const SYNC_STEP_2 = syncProtocol.messageYjsSyncStep2;
export const SYNC_UPDATE = syncProtocol.messageYjsUpdate;

export type ClientMessage =
  | { kind: "syncStep1"; stateVector: Uint8Array }
  | { kind: "update"; update: Uint8Array; step2: boolean }
  | { kind: "awareness"; update: Uint8Array }
  | { kind: "queryAwareness" };

/** Largest presence state a client may send, as JSON: a name, a caret and a selection need well under 1 KiB. */
export const MAX_PRESENCE_STATE_BYTES = 8 * 1024;

/** A presence update past a cap: the connection is closed with 1008 and this message as the reason. */
export class PresenceRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PresenceRefused";
  }
}

export class MalformedMessage extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedMessage";
  }
}

/** Decodes one client frame; anything we do not understand is MalformedMessage (the connection is closed). */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MESSAGE_SYNC: {
        const step = decoding.readVarUint(decoder);
        if (step === SYNC_STEP_1) return { kind: "syncStep1", stateVector: decoding.readVarUint8Array(decoder) };
        if (step === SYNC_STEP_2 || step === SYNC_UPDATE) return { kind: "update", update: decoding.readVarUint8Array(decoder), step2: step === SYNC_STEP_2 };
        throw new MalformedMessage(`unknown sync step ${step}`);
      }
      case MESSAGE_AWARENESS:
        return { kind: "awareness", update: decoding.readVarUint8Array(decoder) };
      case MESSAGE_QUERY_AWARENESS:
        return { kind: "queryAwareness" };
      default:
        throw new MalformedMessage(`unknown message type ${type}`);
    }
  } catch (error) {
    if (error instanceof MalformedMessage) throw error;
    throw new MalformedMessage(`cannot decode the message: ${(error as Error).message}`);
  }
}

export function encodeSyncStep1(doc: Y.Doc) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

export function encodeSyncStep2(doc: Y.Doc, stateVector?: Uint8Array) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

/** What the server says so to a connection that may only read: y-protocols' "permission denied", reason "read-only". */
export const READ_ONLY_REASON = "read-only";

export function encodeReadOnlyNotice() {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AUTH);
  authProtocol.writePermissionDenied(encoder, READ_ONLY_REASON);
  return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function encodeAwareness(update: Uint8Array) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/** Reads an awareness update (the payload y-protocols/awareness encodes): a count, then client id, clock, JSON state. */
export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  // Refused before anything is decoded or parsed: a connection owns at most 8 client ids, each with one capped state.
  if (update.byteLength > 8 * (MAX_PRESENCE_STATE_BYTES + 32)) throw new PresenceRefused(`presence update larger than ${(8 * MAX_PRESENCE_STATE_BYTES) / 1024} KiB`);
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > 64) throw new MalformedMessage("too many awareness entries");
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      if (json.length > MAX_PRESENCE_STATE_BYTES) throw new PresenceRefused(`presence state larger than ${MAX_PRESENCE_STATE_BYTES / 1024} KiB`);
      const state = JSON.parse(json) as unknown;
      if (state !== null && (typeof state !== "object" || Array.isArray(state))) throw new MalformedMessage("an awareness state must be an object or null");
      entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
    }
    return entries;
  } catch (error) {
    if (error instanceof MalformedMessage || error instanceof PresenceRefused) throw error;
    throw new MalformedMessage(`cannot decode the awareness update: ${(error as Error).message}`);
  }
}

export function writeAwarenessEntries(entries: AwarenessEntry[]) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}

// Caret colours are the editor's, so the browser and the server agree on them.
export { colourFor } from "~/editor/presence";
