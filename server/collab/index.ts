// The collaboration server: y-websocket-compatible sockets on /collab/<documentId>, on the app's own HTTP server.
import type http from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { DatabaseHandle } from "#db/client.server";
import type { AppConfig } from "~/config";
import { onAccessChanged, type AccessChange } from "~/modules/people/access-events.server";
import { CollaborationUnavailable, onServerChange } from "~/modules/plans/server-changes.server";
import { authorizeUpgrade, recheckGrant, Refusal, type Grant } from "./auth";
import { encodeReadOnlyNotice } from "./protocol";
import { CLOSE, Connection, type ConnectionLimits } from "./connection";
import { DocumentRegistry, type DocumentOptions } from "./documents";
import { DocumentStore, type SaveHealth } from "./persistence";
import type { Cluster, ClusterHandlers } from "./cluster";
import { describeError } from "~/utils/log-safe";

export interface CollabOptions extends DocumentOptions, ConnectionLimits {
  /** Largest frame accepted; bigger ones close the connection with 1009. */
  maxMessageBytes: number;
  /** How often every open connection's session and permission are re-read, whatever else happens. */
  recheckEveryMs: number;
  /** A save (or load) of a document not done by then fails the document over; config.timeouts.collabSaveMs when left out. */
  saveDeadlineMs?: number;
}

export const defaultCollabOptions: CollabOptions = {
  maxMessageBytes: 4 * 1024 * 1024,
  messagesPerSecond: 100,
  messageBurst: 500,
  compactEvery: 500,
  unloadAfterMs: 30_000,
  maxDocumentBytes: 16 * 1024 * 1024,
  recheckEveryMs: 30_000,
  now: () => new Date(),
};

export const COLLAB_PATH = /^\/collab\/([^/?#]+)$/;

export interface CollabServer {
  documents: DocumentRegistry;
  connections: Set<Connection>;
  /** Re-reads the session and permission of every open connection of this person. */
  recheckUser(userId: string): Promise<void>;
  /** "ok" or "degraded" when several instances share the work over Redis; null for a single instance. */
  clusterStatus(): "ok" | "degraded" | null;
  /** Whether collaborative saves are failing now, for readiness. */
  saveHealth(): SaveHealth;
  /** Closes every socket, stores what is queued and snapshots open documents. */
  close(): Promise<void>;
}

/**
 * The cluster link once it can be handed its handlers: connectCluster() resolves before the registry exists, so the
 * collaboration server binds itself afterwards.
 */
export interface ClusterLink extends Cluster {
  serve(handlers: ClusterHandlers): void;
}

/** How often every instance says how far it holds each open document's log: a lost announcement heals within this. */
const HEAD_EVERY_MS = 15_000;

/** Whether an access change concerns a connection with this grant. */
export function concerns(change: AccessChange, grant: Pick<Grant, "documentId"> & { user: { id: string } }) {
  if ("everyone" in change) return true;
  if ("userId" in change) return change.userId === grant.user.id;
  return change.documentId === grant.documentId;
}

/** How long a connection's traffic may wait for the re-check of an access change before the connection is closed. */
const HOLD_AT_MOST_MS = 10_000;

/** Longest wait before a connection is re-checked at its session's deadline (timers beyond ~24 days overflow). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function attachCollab(
  server: http.Server,
  database: DatabaseHandle,
  config: AppConfig,
  overrides: Partial<CollabOptions> = {},
  cluster: ClusterLink | null = null,
): CollabServer {
  const options = { ...defaultCollabOptions, ...overrides };
  const db = database.db;
  if (cluster && database.kind !== "postgres") throw new Error("several instances need one shared PostgreSQL database (DATABASE_URL)");
  // With a cluster the log is shared: the database numbers each document's rows (ADR 0017); alone, this process does.
  const documents = new DocumentRegistry(
    new DocumentStore(db, { shared: cluster !== null, saveDeadlineMs: options.saveDeadlineMs ?? config.timeouts.collabSaveMs }),
    options,
    cluster,
  );
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  let closing = false;
  /**
   * Access changes seen while sockets are being accepted: a change that lands between a socket's authorisation and its
   * joining `connections` would miss it, so such a socket is re-checked as it joins.
   */
  const changesDuringAccept = new Set<AccessChange[]>();
  /** Each connection's timer for the moment its session would end unless its person acts. */
  const deadlines = new Map<Connection, NodeJS.Timeout>();

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const match = COLLAB_PATH.exec((req.url ?? "/").split("?")[0]);
    if (!match) {
      // Other paths may belong to another listener; when there is none, Node would leave the socket open forever.
      if (server.listenerCount("upgrade") === 1) refuse(socket, 404, "nothing to upgrade to here");
      return;
    }
    socket.on("error", () => socket.destroy());
    // A throw here would be an uncaught exception in an event listener, which ends the process: never let one out.
    let documentId: string;
    try {
      documentId = decodeURIComponent(match[1]);
    } catch {
      return refuse(socket, 404, "no such document");
    }
    accept(req, socket, head, documentId).catch((error: Error) => {
      console.error(`collab: accepting a socket failed: ${describeError(error, { frames: false })}`);
      socket.destroy();
    });
  };

  async function accept(req: http.IncomingMessage, socket: Duplex, head: Buffer, documentId: string) {
    if (closing) return refuse(socket, 503, "shutting down");
    const changes: AccessChange[] = [];
    changesDuringAccept.add(changes);
    try {
      await acceptWatched(req, socket, head, documentId, changes);
    } finally {
      changesDuringAccept.delete(changes);
    }
  }

  async function acceptWatched(req: http.IncomingMessage, socket: Duplex, head: Buffer, documentId: string, changes: AccessChange[]) {
    let grant: Grant;
    try {
      grant = await authorizeUpgrade(db, config, req, documentId);
    } catch (error) {
      if (error instanceof Refusal) return refuse(socket, error.status, error.message);
      console.error(`collab: authorizing a socket failed: ${describeError(error, { frames: false })}`);
      return refuse(socket, 503, "try again later");
    }
    // The document is loaded before the upgrade completes: if it cannot be, the client hears 503, never an empty document.
    try {
      await documents.acquire(documentId);
    } catch (error) {
      console.error(`collab: loading document ${documentId} failed: ${describeError(error, { frames: false })}`);
      return refuse(socket, 503, "the document cannot be loaded now");
    }
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, grant, options);
      connections.add(connection);
      ws.on("error", () => connection.close(CLOSE.serverError, "socket error"));
      ws.on("close", () => {
        connection.closed = true;
        connections.delete(connection);
        clearTimeout(deadlines.get(connection));
        deadlines.delete(connection);
        connection.document?.removePeer(connection);
      });
      if (changes.some((change) => concerns(change, grant))) void recheckHeld(connection);
      else watchDeadline(connection, grant.deadline);
      const early: [Buffer, boolean][] = [];
      ws.on("message", (data: Buffer, isBinary) => (connection.document ? connection.receive(data, isBinary) : early.push([data, isBinary])));
      documents.attach(documentId, connection).then(
        (document) => {
          if (connection.closed) return document.removePeer(connection);
          connection.start(document);
          for (const [data, isBinary] of early.splice(0)) connection.receive(data, isBinary);
        },
        () => connection.close(CLOSE.serverError, "the document cannot be loaded now"),
      );
    });
  }

  async function recheck(connection: Connection) {
    if (connection.closed) return;
    // Re-checks can overlap (a role change during the periodic sweep); only the newest one's answer counts.
    const ticket = ++connection.rechecks;
    // Edits since the last re-check are activity and restart the session's idle timer; the re-check itself is not.
    const edited = connection.edited;
    connection.edited = false;
    let result;
    try {
      result = await recheckGrant(db, config, connection.grant, { edited });
    } catch {
      connection.edited ||= edited;
      return; // The database is unreachable: keep the connection, the next re-check decides.
    }
    if (ticket !== connection.rechecks) return;
    if (result instanceof Refusal) {
      const code =
        result.status === 401
          ? result.sessionEnd === "idle"
            ? CLOSE.sessionIdle
            : CLOSE.sessionEnded
          : result.status === 404
            ? CLOSE.notFound
            : CLOSE.forbidden;
      return connection.close(code, result.message);
    }
    const wasEditing = !connection.readOnly;
    connection.access = result.access;
    connection.user = { id: result.user.id, name: result.user.name };
    watchDeadline(connection, result.deadline);
    // Tell the editor, so it stops taking input instead of showing edits the server now drops.
    if (wasEditing && connection.readOnly) connection.send(encodeReadOnlyNotice());
  }

  /**
   * Re-checks a connection whose access may just have changed, holding its traffic meanwhile: no text goes out to
   * someone who may no longer read it, and no edit comes in from someone who may no longer write, in between.
   */
  async function recheckHeld(connection: Connection) {
    connection.hold();
    // A database that does not answer must not hold a socket's traffic forever: past this, fail closed. The editor
    // reconnects (1011 is not final) and its upgrade asks again.
    const stuck = setTimeout(() => connection.close(CLOSE.serverError, "could not confirm access; reconnect"), HOLD_AT_MOST_MS);
    try {
      await recheck(connection);
    } finally {
      clearTimeout(stuck);
      connection.release();
    }
  }

  /**
   * The idle (or absolute) limit ends a session at a known moment: re-check the connection right then, so an editor
   * left open is closed when its session ends, not up to a sweep later. Activity elsewhere (a page request on another
   * tab) moves the deadline; the re-check then finds the session alive and waits for the new one.
   */
  function watchDeadline(connection: Connection, deadline: number) {
    clearTimeout(deadlines.get(connection));
    if (connection.closed) return deadlines.delete(connection);
    // At least a second: a deadline already past while the session is still valid (another instance's clock running
    // behind this one's) must not turn into a re-check every few milliseconds.
    const timer = setTimeout(() => void recheckHeld(connection), Math.min(MAX_TIMER_MS, Math.max(1_000, deadline - Date.now() + 50)));
    timer.unref();
    deadlines.set(connection, timer);
  }

  function recheckChanged(change: AccessChange) {
    for (const changes of changesDuringAccept) changes.push(change);
    // Hold every affected connection before anything else runs, then re-check them.
    return Promise.all([...connections].filter((c) => concerns(change, c.grant)).map(recheckHeld));
  }

  async function recheckUser(userId: string) {
    await recheckChanged({ userId });
  }

  // A change the app makes (a restore) goes through the document's queue like any client's: the document is loaded
  // first if nobody has it open, so the log's seq order has one keeper.
  const stopServing = onServerChange(db, async (documentId, userId, build) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (closing) break;
      const document = await documents.acquire(documentId);
      // Being unloaded or reloaded after a failed write: the next acquire gives the fresh one.
      if (document.destroyed || document.broken) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      if (cluster) {
        // The change is built from this instance's copy: first read what other instances stored, so a restore
        // replaces the plan as it stands, not as this instance last heard of it.
        document.catchUp();
        await document.settle();
        if (document.destroyed || document.broken) continue;
      }
      return document.submitChange(userId, build);
    }
    throw new CollaborationUnavailable();
  });
  // A change saved on this instance re-checks the affected connections here and on every other instance; the page
  // that made it answers once both are done (bounded in access-events.server.ts).
  const stopListening = onAccessChanged((change) => Promise.all([recheckChanged(change), cluster?.accessChanged(change)]));

  const announceHeads = async () => {
    for (const document of await documents.loaded()) if (!document.destroyed && !document.broken) cluster?.head(document.id, document.heldSeq);
  };
  const whenOpen = (documentId: string, act: (document: Awaited<ReturnType<DocumentRegistry["acquire"]>>) => void) =>
    void documents.whenOpen(documentId)?.then(act, () => {});
  cluster?.serve({
    change: (documentId, change) => whenOpen(documentId, (d) => d.receiveRemote(change)),
    awareness: (documentId, update) => whenOpen(documentId, (d) => d.receiveRemoteAwareness(update)),
    head: (documentId, seq) => whenOpen(documentId, (d) => d.remoteHead(seq)),
    accessChanged: (change) => void recheckChanged(change),
    resynchronise: () => {
      void (async () => {
        const open = await documents.loaded();
        for (const document of open) document.catchUp();
        await Promise.allSettled(open.map((d) => d.settle()));
        console.log(`collab cluster: resynchronised ${open.length} open document(s) from the database`);
        await announceHeads();
      })();
    },
  });
  const heads = cluster ? setInterval(() => void announceHeads(), HEAD_EVERY_MS) : null;
  heads?.unref();
  // The periodic sweep goes one connection at a time and lets the event loop turn between them. On PGlite a chain of
  // queries resolves in microtasks without ever yielding, so re-checking 200 connections at once held the event loop
  // (sockets, appends, fan-out) for one to two seconds every 30 s on a busy 2-core machine (bench:collab). A role change
  // or a closed year still re-checks at once (above), because there the answer must arrive promptly.
  let sweeping = false;
  const sweepConnections = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const connection of [...connections]) {
        if (closing) break;
        await recheck(connection);
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      sweeping = false;
    }
  };
  const sweep = setInterval(() => void sweepConnections(), options.recheckEveryMs);
  sweep.unref();
  server.on("upgrade", onUpgrade);

  return {
    documents,
    connections,
    recheckUser,
    clusterStatus: () => cluster?.status() ?? null,
    saveHealth: () => documents.store.saveHealth(),
    async close() {
      closing = true;
      stopServing();
      stopListening();
      clearInterval(sweep);
      if (heads) clearInterval(heads);
      server.off("upgrade", onUpgrade);
      for (const timer of deadlines.values()) clearTimeout(timer);
      deadlines.clear();
      for (const connection of connections) connection.close(CLOSE.goingAway, "server shutting down");
      await documents.close();
      for (const connection of connections) connection.ws.terminate();
      wss.close();
      await cluster?.close();
    },
  };
}

function refuse(socket: Duplex, status: number, message: string) {
  if (socket.destroyed) return;
  const reason = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 503: "Service Unavailable" }[status] ?? "Error";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}
