// Several instances, one collaboration: announcements of stored changes, presence and access changes over Redis
// pub/sub (ADR 0017). Loaded only when REDIS_URL is set; PostgreSQL stays the only place an edit is kept.
import { randomUUID } from "node:crypto";
import * as decoding from "lib0/decoding";
import { withDeadline } from "~/utils/deadline";
import * as encoding from "lib0/encoding";
import type { AccessChange } from "~/modules/people/access-events.server";
import type { DocumentChannels, RemoteChange } from "./documents";
import { describeError } from "~/utils/log-safe";

/** What the cluster hands to this instance. */
export interface ClusterHandlers {
  /** Another instance stored and applied these rows of a document open here. */
  change(documentId: string, change: RemoteChange): void;
  /** Another instance's clients' presence in a document open here. */
  awareness(documentId: string, update: Uint8Array): void;
  /** Another instance holds a document's log up to `seq` (sent after it reconnects to Redis). */
  head(documentId: string, seq: number): void;
  /** Someone's access changed on another instance: a person's, a document's readers', or anyone's. */
  accessChanged(change: AccessChange): void;
  /**
   * Redis is reachable again after an outage (or a failed subscription): announcements may have been lost both
   * ways, so every open document reads its log from the last seq it holds and says how far it got.
   */
  resynchronise(): void;
}

export interface Cluster extends DocumentChannels {
  readonly instanceId: string;
  /** "ok" while both Redis connections are up and every open document is subscribed; "degraded" otherwise. */
  status(): "ok" | "degraded";
  head(documentId: string, seq: number): void;
  /** Tells the other instances; resolves once Redis has taken the message (or at once when Redis is away). */
  accessChanged(change: AccessChange): Promise<void>;
  close(): Promise<void>;
}

const KIND = { change: 1, awareness: 2, head: 3, access: 4 } as const;

export interface ClusterOptions {
  url: string;
  /** Prepended to every channel name, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  log?: (message: string) => void;
  /**
   * A subscribe not answered by then counts as an outage (ADR 0037): a document being opened never waits on a hung
   * Redis longer than this. 2 s by default.
   */
  commandTimeoutMs?: number;
}

/**
 * Connects the publishing and the subscribing connection (Redis needs one of its own for SUBSCRIBE). Fails when Redis
 * cannot be reached at start (the operator asked for several instances; starting alone would split the collaboration
 * silently); once running, outages are survived: the instance keeps serving its own clients and catches up after.
 */
export async function connectCluster(options: ClusterOptions): Promise<Cluster & { serve(handlers: ClusterHandlers): void }> {
  // Until the collaboration server binds itself, nothing is open here: announcements have no one to go to.
  let handlers: ClusterHandlers = { change() {}, awareness() {}, head() {}, accessChanged() {}, resynchronise() {} };
  const { createClient } = await import("@redis/client");
  const log = options.log ?? ((message: string) => console.log(message));
  const instanceId = randomUUID();
  const documentChannel = (documentId: string) => `${options.prefix}doc:${documentId}`;
  const accessChannel = `${options.prefix}access`;

  const client = createClient({
    url: options.url,
    // Publishing into a dead connection must fail at once, not be replayed minutes later: the log is the record, and
    // whoever missed an announcement catches up from it.
    disableOfflineQueue: true,
    pingInterval: 5_000,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
  });
  const subscriber = client.duplicate();

  /** Documents open here: their channels must be subscribed. */
  const wanted = new Set<string>();
  /** Channels the subscriber holds (node-redis resubscribes these by itself after a reconnect). */
  const subscribed = new Set<string>();
  let degraded = false;
  let closing = false;

  const setDegraded = (why: string) => {
    if (degraded || closing) return;
    degraded = true;
    log(`collab cluster: Redis unreachable (${why}); serving this instance's clients alone, will resynchronise when it returns`);
  };
  for (const c of [client, subscriber]) {
    c.on("error", (error: Error) => setDegraded(error.message || "connection error"));
    c.on("end", () => setDegraded("connection closed"));
    c.on("reconnecting", () => setDegraded("reconnecting"));
    c.on("ready", () => void recovered());
  }

  let recovering: Promise<void> | null = null;
  async function recovered() {
    if (!degraded || closing || !client.isReady || !subscriber.isReady) return;
    if (recovering) return recovering;
    recovering = (async () => {
      try {
        await subscribeMissing();
        degraded = false;
        log("collab cluster: Redis reachable again; resynchronising open documents from the database");
        handlers.resynchronise();
      } catch (error) {
        setDegraded((error as Error).message);
      } finally {
        recovering = null;
      }
    })();
    return recovering;
  }

  function onMessage(message: Buffer) {
    try {
      const decoder = decoding.createDecoder(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      const kind = decoding.readVarUint(decoder);
      if (decoding.readVarString(decoder) === instanceId) return;
      if (kind === KIND.access) {
        return handlers.accessChanged(decodeAccessChange(decoding.readVarString(decoder)));
      }
      const documentId = decoding.readVarString(decoder);
      if (!wanted.has(documentId)) return;
      if (kind === KIND.change) {
        const from = decoding.readVarUint(decoder);
        const to = decoding.readVarUint(decoder);
        const at = decoding.readFloat64(decoder);
        handlers.change(documentId, { from, to, at, update: decoding.readVarUint8Array(decoder) });
      } else if (kind === KIND.awareness) handlers.awareness(documentId, decoding.readVarUint8Array(decoder));
      else if (kind === KIND.head) handlers.head(documentId, decoding.readVarUint(decoder));
    } catch (error) {
      console.error(`collab cluster: ignoring an undecodable message: ${describeError(error, { frames: false })}`);
    }
  }

  async function subscribeTo(documentId: string) {
    const channel = documentChannel(documentId);
    if (subscribed.has(channel)) return;
    await subscriber.subscribe(channel, onMessage, true);
    subscribed.add(channel);
  }

  async function subscribeMissing() {
    for (const documentId of wanted) await subscribeTo(documentId);
  }

  function publish(channel: string, write: (encoder: encoding.Encoder) => void): Promise<void> {
    // While Redis is away nothing is sent (and nothing may throw into the document's flush): the log has it all, and
    // the others read it when the connection is back.
    if (closing || !client.isReady) return Promise.resolve();
    const encoder = encoding.createEncoder();
    write(encoder);
    try {
      return client.publish(channel, Buffer.from(encoding.toUint8Array(encoder))).then(
        () => {},
        (error: Error) => setDegraded(error.message),
      );
    } catch (error) {
      setDegraded((error as Error).message);
      return Promise.resolve();
    }
  }

  try {
    await client.connect();
    await subscriber.connect();
    await subscriber.subscribe(accessChannel, onMessage, true);
  } catch (error) {
    await Promise.allSettled([client.destroy(), subscriber.destroy()]);
    throw new Error(`cannot reach Redis at ${redact(options.url)}: ${(error as Error).message}`);
  }
  log(`collab cluster: connected to Redis at ${redact(options.url)} as instance ${instanceId.slice(0, 8)}`);

  return {
    instanceId,
    serve(bound) {
      handlers = bound;
    },
    status: () => (degraded || !client.isReady || !subscriber.isReady ? "degraded" : "ok"),
    async join(documentId) {
      wanted.add(documentId);
      try {
        await withDeadline(subscribeTo(documentId), options.commandTimeoutMs ?? 2_000, "subscribing to a document's channel on Redis");
      } catch (error) {
        // The document opens anyway; when Redis returns, the subscription is made and the document catches up.
        setDegraded((error as Error).message);
      }
    },
    leave(documentId) {
      wanted.delete(documentId);
      const channel = documentChannel(documentId);
      if (!subscribed.delete(channel)) return;
      subscriber.unsubscribe(channel, onMessage, true).catch(() => {});
    },
    stored(documentId, change) {
      void publish(documentChannel(documentId), (e) => {
        encoding.writeVarUint(e, KIND.change);
        encoding.writeVarString(e, instanceId);
        encoding.writeVarString(e, documentId);
        encoding.writeVarUint(e, change.from);
        encoding.writeVarUint(e, change.to);
        encoding.writeFloat64(e, change.at);
        encoding.writeVarUint8Array(e, change.update);
      });
    },
    awareness(documentId, update) {
      void publish(documentChannel(documentId), (e) => {
        encoding.writeVarUint(e, KIND.awareness);
        encoding.writeVarString(e, instanceId);
        encoding.writeVarString(e, documentId);
        encoding.writeVarUint8Array(e, update);
      });
    },
    head(documentId, seq) {
      void publish(documentChannel(documentId), (e) => {
        encoding.writeVarUint(e, KIND.head);
        encoding.writeVarString(e, instanceId);
        encoding.writeVarString(e, documentId);
        encoding.writeVarUint(e, seq);
      });
    },
    accessChanged(change) {
      return publish(accessChannel, (e) => {
        encoding.writeVarUint(e, KIND.access);
        encoding.writeVarString(e, instanceId);
        encoding.writeVarString(e, encodeAccessChange(change));
      });
    },
    async close() {
      closing = true;
      await Promise.allSettled([subscriber.close(), client.close()]);
    },
  };
}

// On the wire an access change is one string, as it was when it could only name a person: a user id, "" for anyone,
// or "document:<id>". An instance of the previous version reads a document's change as an unknown person's and leaves
// it to its periodic re-check.
const DOCUMENT_PREFIX = "document:";

export function encodeAccessChange(change: AccessChange) {
  if ("everyone" in change) return "";
  if ("userId" in change) return change.userId;
  return `${DOCUMENT_PREFIX}${change.documentId}`;
}

export function decodeAccessChange(text: string): AccessChange {
  if (text === "") return { everyone: true };
  if (text.startsWith(DOCUMENT_PREFIX)) return { documentId: text.slice(DOCUMENT_PREFIX.length) };
  return { userId: text };
}

function redact(url: string) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
