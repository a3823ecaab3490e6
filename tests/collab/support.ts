// Helpers for collaboration tests: signed-in websocket classes, real y-websocket providers and raw protocol sockets.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebSocket } from "ws";
import * as syncProtocol from "y-protocols/sync";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { Database } from "#db/client.server";
import type { AppConfig } from "~/config";
import { createSession, sessionCookieName } from "~/modules/people/session.server";
import { loadPlanState } from "~/modules/plans/plan-content.server";

export interface Identity {
  cookie: string;
  origin: string;
}

/** A session for the user, as the cookie a browser would send. */
export async function identityOf(db: Database, config: AppConfig, userId: string, baseUrl: string): Promise<Identity> {
  const token = await createSession(db, userId, config);
  return { cookie: `${sessionCookieName(config)}=${token}`, origin: baseUrl };
}

/** The `ws` WebSocket with a browser's handshake headers (cookie and Origin), for WebsocketProvider's polyfill slot. */
export function socketClass(identity: Identity) {
  return class SignedInSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie: identity.cookie, origin: identity.origin } });
    }
  };
}

export function collabUrl(baseUrl: string) {
  return baseUrl.replace(/^http/, "ws") + "/collab";
}

/** A real y-websocket client; resolves once the first sync with the server is done. */
export async function connectProvider(baseUrl: string, documentId: string, identity: Identity, doc = new Y.Doc()) {
  const provider = new WebsocketProvider(collabUrl(baseUrl), documentId, doc, {
    WebSocketPolyfill: socketClass(identity) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
  });
  await waitFor(() => provider.synced, "provider synced");
  return { provider, doc };
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RawResult {
  socket: WebSocket | null;
  status: number | null;
  /** Every frame received, from the first one (the server speaks as soon as the upgrade completes). */
  received: Uint8Array[];
}

/** Opens a bare socket; resolves with the socket once open, or the HTTP status the server answered instead. */
export function openRaw(baseUrl: string, documentId: string, headers: Record<string, string>): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${collabUrl(baseUrl)}/${documentId}`, { headers });
    const received: Uint8Array[] = [];
    socket.on("message", (data: Buffer) => received.push(new Uint8Array(data)));
    socket.once("open", () => resolve({ socket, status: null, received }));
    socket.once("unexpected-response", (_req, res) => {
      resolve({ socket: null, status: res.statusCode ?? null, received });
      res.resume();
      socket.terminate();
    });
    socket.once("error", (error) => reject(error));
  });
}

/** A raw client that records every frame it receives. */
export async function rawClient(baseUrl: string, documentId: string, identity: Identity) {
  const { socket, status, received } = await openRaw(baseUrl, documentId, { cookie: identity.cookie, origin: identity.origin });
  if (!socket) throw new Error(`upgrade refused with ${status}`);
  let closeCode: number | null = null;
  socket.on("close", (code) => (closeCode = code));
  return {
    socket,
    received,
    closeCode: () => closeCode,
    send: (bytes: Uint8Array | string) => socket.send(bytes),
    /** Waits for the socket to close and returns its close code. */
    closed: (timeoutMs = 5_000) =>
      new Promise<number>((resolve, reject) => {
        if (closeCode !== null) return resolve(closeCode);
        const timer = setTimeout(() => reject(new Error("socket did not close")), timeoutMs);
        socket.once("close", (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      }),
  };
}

/** A sync-update frame carrying a Yjs update, as a provider would send it. */
export function updateFrame(update: Uint8Array) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** The Yjs update a frame carries (sync step 2 or update: the ways document content reaches a client), or null. */
export function contentOf(frame: Uint8Array): Uint8Array | null {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== 0) return null;
  const step = decoding.readVarUint(decoder);
  return step === 1 || step === 2 ? decoding.readVarUint8Array(decoder) : null;
}

/** An update that inserts text into a fresh document: a valid change from someone else's point of view. */
export function textUpdate(text: string) {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** An awareness frame setting one client's state, hand-encoded so a test can claim any client id. */
export function awarenessFrame(clientId: number, clock: number, state: Record<string, unknown>) {
  const payload = encoding.createEncoder();
  encoding.writeVarUint(payload, 1);
  encoding.writeVarUint(payload, clientId);
  encoding.writeVarUint(payload, clock);
  encoding.writeVarString(payload, JSON.stringify(state));
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, 1);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(payload));
  return encoding.toUint8Array(frame);
}

/**
 * The text a test wrote with textUpdate, as the database holds it (newest snapshot and the log after it). Counting log
 * rows is not enough: when a document's last client leaves, compaction folds them into a snapshot.
 */
export async function storedText(db: Database, documentId: string) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await loadPlanState(db, documentId)).state);
  return doc.getText("t").toString();
}
