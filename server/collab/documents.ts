// Open documents in memory: one Yjs doc and awareness per document, the durable update queue, compaction and unloading.
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { unsafeHrefInUpdate } from "~/editor/document";
import { checkHref } from "~/editor/links";
import { DeadlineExceeded, withDeadline } from "~/utils/deadline";
import type { DocumentStore, MissedUpdates, StoredUpdate } from "./persistence";
import { ChangeGate, ChangeRefused } from "./validation";
import { colourFor, encodeAwareness, encodeSyncStep2, encodeUpdate, readAwarenessEntries, writeAwarenessEntries, MalformedMessage } from "./protocol";
import { describeError } from "~/utils/log-safe";

/** A connection as a document sees it. */
export interface Peer {
  readonly user: { id: string; name: string };
  readonly readOnly: boolean;
  send(message: Uint8Array): void;
  /** Ends the connection with a close code; used when the server cannot keep its promises to this client. */
  close(code: number, reason: string): void;
}

export interface DocumentOptions {
  /** Updates in the log after which a snapshot is written. */
  compactEvery: number;
  /** How long a document with no connections stays in memory. */
  unloadAfterMs: number;
  /** Largest encoded document (roughly: last snapshot plus the updates since) that still accepts changes. */
  maxDocumentBytes: number;
  /** The clock changes are stamped with and daily versions go by; tests move it to another day. */
  now: () => Date;
  /**
   * After one of a person's changes was refused, how long changes from connections of theirs opened since are turned
   * away unchecked (default 3 s): each refusal rebuilds the gate's copy of the document, and a modified client that
   * reconnects after every refusal could otherwise keep the server rebuilding. Connections opened before keep working.
   */
  refusalCooldownMs?: number;
}

/** The UTC day of a moment, as the database's date type writes it. */
export function utcDay(at: Date) {
  return at.toISOString().slice(0, 10);
}

/** When the UTC day after the one of `at` begins, in ms. */
function nextUtcDayStart(at: Date) {
  return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
}

/** An update that would make the document larger than allowed; the sender is told with close code 4413. */
export class DocumentTooLarge extends Error {
  constructor() {
    super("the document has reached its maximum size");
    this.name = "DocumentTooLarge";
  }
}

/** Told when a change the app submitted (not a client) is stored, or why it was not. */
interface Receipt {
  resolve: (seq: number) => void;
  reject: (error: Error) => void;
}

type Job =
  | { kind: "update"; peer: Peer; update: Uint8Array; clientId: number | null; receipt?: Receipt }
  | { kind: "task"; peer: Peer; run: () => void }
  | { kind: "remote"; change: RemoteChange };

/** Changes another instance stored, as it announced them: log rows `from`..`to`, merged into one update. */
export interface RemoteChange {
  from: number;
  to: number;
  update: Uint8Array;
  /** When they were accepted, in ms since the epoch. */
  at: number;
}

/**
 * How a document tells the other instances about what it stored and who is here (server/collab/cluster.ts); absent
 * when this is the only instance.
 */
export interface DocumentFeed {
  /** Called after the rows `from`..`to` are committed and applied here. */
  stored(documentId: string, change: RemoteChange): void;
  /** An awareness update of this instance's clients (already stamped). */
  awareness(documentId: string, update: Uint8Array): void;
}

/** The origin of changes and awareness that came from another instance: never sent back to the cluster. */
export const REMOTE = Symbol("remote instance");

/** Stands for the app itself when it submits a change on someone's behalf: no socket, so it hears nothing back. */
function serverPeer(userId: string): Peer {
  return { user: { id: userId, name: "" }, readOnly: false, send: () => {}, close: () => {} };
}

/** An update that would store a link target the editor may not hold (links.ts); the sender is told with close code 4422. */
export class UnsafeLink extends Error {
  constructor(href: string) {
    const verdict = checkHref(href);
    // The close reason must fit in 123 bytes, and the href itself is the attacker's text: only the rule is echoed.
    super(`link not allowed: ${verdict.ok ? "unsafe target" : verdict.reason}`.slice(0, 120));
    this.name = "UnsafeLink";
  }
}

/**
 * One open document. Every update goes through a queue: the queue is written to the log in one statement,
 * and only then applied to the in-memory doc, which broadcasts it. Answers to a client's sync step 1 wait in
 * the same queue, so an answer is also a receipt for everything that client sent before it.
 */
export class SharedDocument {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly peers = new Map<Peer, Set<number>>();
  private readonly awarenessOwners = new Map<number, Peer>();
  private queue: Job[] = [];
  /** The batch being written now: taken from the queue, not yet applied. */
  private writing: Job[] = [];
  private flushing: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;
  private nextSeq: number;
  /** The highest seq merged into `doc`: the doc's state is exactly the log up to it. */
  private appliedSeq: number;
  private snapshotSeq: number;
  /** Encoded size of the last full state plus every update since: an upper bound of the document's size. */
  private approxBytes: number;
  private unloadTimer: NodeJS.Timeout | null = null;
  /** Updates applied during a flush, broadcast together when it ends (one message per receiver, not one per update). */
  private batch: { update: Uint8Array; origin: unknown }[] | null = null;
  /** Log rows after which the next snapshot is due; jittered so documents edited together do not compact together. */
  private compactAfter: number;
  /** The UTC day of the newest stored change, and when the next day begins: a later change first keeps that day's version. */
  private lastChangeDay: string | null;
  private nextDayStartsAt: number;
  /** Shared log: rows may have been stored by another instance that this one has not applied; read them at the next flush. */
  private needsCatchUp = false;
  private catchUpRetry: NodeJS.Timeout | null = null;
  broken = false;
  destroyed = false;
  /** Checks client changes against the editor's schema; made on the first change (readers alone never need it). */
  private gate: ChangeGate | null = null;
  /** When each person last had a change refused here, and when each peer joined (see refusalCooldownMs). */
  private readonly refusedAt = new Map<string, number>();
  private readonly joinedAt = new WeakMap<Peer, number>();

  constructor(
    readonly id: string,
    private readonly store: DocumentStore,
    loaded: Awaited<ReturnType<DocumentStore["load"]>>,
    private readonly options: DocumentOptions,
    private readonly onIdle: (document: SharedDocument) => void,
    private readonly feed: DocumentFeed | null = null,
  ) {
    // The server's own awareness state stays empty: it is not a participant.
    this.awareness.setLocalState(null);
    if (loaded.snapshot) Y.applyUpdate(this.doc, loaded.snapshot.state);
    for (const row of loaded.tail) {
      // The live server skipped an update that failed to apply (see flush); loading skips it the same way, so a
      // hostile but well-formed update cannot make the document impossible to open.
      try {
        Y.applyUpdate(this.doc, row.update);
      } catch (error) {
        console.error(`collab: skipping update ${row.seq} of document ${id}: ${describeError(error, { frames: false })}`);
      }
    }
    this.appliedSeq = loaded.lastSeq;
    this.nextSeq = loaded.lastSeq + 1;
    this.snapshotSeq = loaded.snapshot?.seq ?? 0;
    this.approxBytes = (loaded.snapshot?.state.byteLength ?? 0) + loaded.tail.reduce((n, row) => n + row.update.byteLength, 0);
    this.compactAfter = this.nextCompactionDistance();
    this.lastChangeDay = loaded.lastChangeAt ? utcDay(loaded.lastChangeAt) : null;
    this.nextDayStartsAt = loaded.lastChangeAt ? nextUtcDayStart(loaded.lastChangeAt) : Number.POSITIVE_INFINITY;

    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (this.batch) this.batch.push({ update, origin });
      else this.broadcast([{ update, origin }]);
    });
    this.awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const changed = [...added, ...updated, ...removed];
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
      const message = encodeAwareness(update);
      // Back to the sender too: y-websocket clients count any message as a sign of life.
      for (const peer of this.peers.keys()) peer.send(message);
      // Other instances hear about this instance's clients (not about states each instance times out by itself).
      if (this.feed && origin !== REMOTE && origin !== "timeout") this.feed.awareness(this.id, update);
    });
    this.scheduleUnload();
  }

  addPeer(peer: Peer) {
    this.peers.set(peer, new Set());
    this.joinedAt.set(peer, Date.now());
    this.cancelUnload();
  }

  removePeer(peer: Peer) {
    const clientIds = this.peers.get(peer);
    if (!clientIds) return;
    this.peers.delete(peer);
    for (const id of clientIds) this.awarenessOwners.delete(id);
    awarenessProtocol.removeAwarenessStates(this.awareness, [...clientIds], null);
    if (this.peers.size === 0) {
      void this.compact().catch(() => {});
      this.scheduleUnload();
    }
  }

  /** A client's sync step 1: answer with what it lacks, after everything queued before it is durable. */
  answerSyncStep1(peer: Peer, stateVector: Uint8Array) {
    // Checked now: a bad state vector must close its sender, not throw later inside the shared queue.
    try {
      Y.decodeStateVector(stateVector);
    } catch (error) {
      throw new MalformedMessage(`not a state vector: ${(error as Error).message}`);
    }
    const answer = () => peer.send(encodeSyncStep2(this.doc, stateVector));
    // The answer is a receipt for this peer's own earlier messages only, and the doc holds nothing unstored: a peer
    // with nothing queued or being written (a newcomer, say) is answered at once instead of waiting behind everyone
    // else's write — with 100 editors typing the queue is never empty, and opening the plan waited for it (ADR 0033).
    const mine = (job: Job) => "peer" in job && job.peer === peer;
    if (!this.queue.some(mine) && !this.writing.some(mine)) answer();
    else this.enqueue({ kind: "task", peer, run: answer });
  }

  /** A client's document change. Malformed updates throw before anything is stored. */
  receiveUpdate(peer: Peer, update: Uint8Array) {
    if (peer.readOnly) return;
    let clientId: number | null = null;
    try {
      const decoded = Y.decodeUpdate(update);
      // Every client answers the server's sync step 1, usually with nothing new: no log row for that.
      if (!decoded.structs.length && !decoded.ds.clients.size) return;
      clientId = decoded.structs[0]?.id.client ?? null;
    } catch (error) {
      throw new MalformedMessage(`not a Yjs update: ${(error as Error).message}`);
    }
    // Checked before it is queued: a refused link is never stored, applied or broadcast. The editor only ever makes
    // allowed links, so a refusal means a modified client, and only that connection is closed.
    const unsafe = unsafeHrefInUpdate(update);
    if (unsafe !== null) throw new UnsafeLink(unsafe);
    if (this.approxBytes + update.byteLength > this.options.maxDocumentBytes) throw new DocumentTooLarge();
    // The change must leave a document the editor could have made (ADR 0031); a refusal throws ChangeRefused.
    const refusedAt = this.refusedAt.get(peer.user.id);
    if (refusedAt !== undefined && (this.joinedAt.get(peer) ?? 0) >= refusedAt && Date.now() - refusedAt < (this.options.refusalCooldownMs ?? 3_000)) {
      throw new ChangeRefused({ kind: "invalid", reason: "a change of yours was refused moments ago; wait a few seconds, then reload" });
    }
    try {
      this.changeGate().admit(update);
    } catch (error) {
      if (error instanceof ChangeRefused) this.refusedAt.set(peer.user.id, Date.now());
      throw error;
    }
    // Counted when queued, so a burst cannot overshoot the limit while its first part is being written.
    this.approxBytes += update.byteLength;
    this.enqueue({ kind: "update", peer, update, clientId });
  }

  /** The gate, built on first use from the applied state and everything queued behind it. */
  private changeGate(): ChangeGate {
    this.gate ??= new ChangeGate(() => [
      Y.encodeStateAsUpdate(this.doc),
      ...[...this.writing, ...this.queue].flatMap((job) => (job.kind === "update" ? [job.update] : job.kind === "remote" ? [job.change.update] : [])),
    ]);
    return this.gate;
  }

  /**
   * A change made by the app on a person's behalf (a restore), built from the current in-memory state and queued
   * behind every client change received before it: stored, then applied and broadcast like any other. Resolves
   * with its seq once stored.
   */
  submitChange(userId: string, build: (currentState: Uint8Array) => Uint8Array): Promise<number> {
    if (this.broken || this.destroyed) return Promise.reject(new Error("the document is being reloaded; try again"));
    const update = build(Y.encodeStateAsUpdate(this.doc));
    const decoded = Y.decodeUpdate(update);
    if (!decoded.structs.length && !decoded.ds.clients.size) return Promise.resolve(this.appliedSeq);
    if (this.approxBytes + update.byteLength > this.options.maxDocumentBytes) return Promise.reject(new DocumentTooLarge());
    this.approxBytes += update.byteLength;
    this.gate?.follow(update);
    return new Promise((resolve, reject) => {
      this.enqueue({ kind: "update", peer: serverPeer(userId), update, clientId: decoded.structs[0]?.id.client ?? null, receipt: { resolve, reject } });
    });
  }

  /** Whether changes are queued or being stored: such a document must stay in memory until they are applied. */
  get busy() {
    return this.queue.length > 0 || this.flushing !== null;
  }

  /** Applies a client's awareness change with its user name and colour stamped in by the server. */
  receiveAwareness(peer: Peer, update: Uint8Array) {
    const owned = this.peers.get(peer);
    if (!owned) return;
    const entries = readAwarenessEntries(update).filter((entry) => {
      const owner = this.awarenessOwners.get(entry.clientId);
      if (owner && owner !== peer) return false;
      if (!owner) {
        if (owned.size >= 8) return false;
        this.awarenessOwners.set(entry.clientId, peer);
        owned.add(entry.clientId);
      }
      return true;
    });
    if (!entries.length) return;
    const user = { id: peer.user.id, name: peer.user.name, color: colourFor(peer.user.id) };
    // A reader shows where it is reading and who it is, nothing more: whatever else its client sets is not relayed.
    const keep = (state: Record<string, unknown>) => (peer.readOnly ? ("cursor" in state ? { cursor: state.cursor } : {}) : state);
    const stamped = entries.map((entry) => (entry.state ? { ...entry, state: { ...keep(entry.state), user } } : entry));
    awarenessProtocol.applyAwarenessUpdate(this.awareness, writeAwarenessEntries(stamped), peer);
  }

  /** The whole awareness state, for a newly connected client or one that asks. */
  awarenessMessage() {
    const clients = [...this.awareness.getStates().keys()];
    return clients.length ? encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)) : null;
  }

  /** Resolves when everything queued so far is stored and applied. */
  async settle() {
    while (this.flushing || this.queue.length) {
      if (!this.flushing) this.startFlush();
      await this.flushing;
    }
  }

  /**
   * Changes another instance stored and announced. Applied at once when they follow what this instance holds; behind a
   * flush in progress otherwise, so the order of the log is kept. A gap (a lost or overtaken announcement) is applied
   * too (Yjs merges in any order) and then filled from the log.
   */
  receiveRemote(change: RemoteChange) {
    if (this.destroyed || this.broken) return;
    if (this.flushing || this.queue.length) return this.enqueue({ kind: "remote", change });
    this.applyRemote(change);
    if (this.needsCatchUp) this.startFlush();
  }

  /** Presence of another instance's clients, stamped there; shown to this instance's clients, never sent back. */
  receiveRemoteAwareness(update: Uint8Array) {
    if (this.destroyed) return;
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
    } catch (error) {
      console.error(`collab: another instance's awareness for document ${this.id} failed: ${describeError(error, { frames: false })}`);
    }
  }

  /** Another instance says the log of this document reaches `seq`: read what this one lacks (after a Redis outage, say). */
  remoteHead(seq: number) {
    if (seq > this.appliedSeq) this.catchUp();
  }

  /** Reads the log after the last seq this instance holds, applying and broadcasting what others stored. */
  catchUp() {
    if (this.destroyed || this.broken || !this.store.shared) return;
    this.needsCatchUp = true;
    if (!this.flushing) this.startFlush();
  }

  /** The highest seq this instance holds every log row up to (for tests and the cluster's head announcements). */
  get heldSeq() {
    return this.appliedSeq;
  }

  private applyRemote(change: RemoteChange) {
    if (change.to <= this.appliedSeq) return;
    this.gate?.follow(change.update);
    try {
      Y.applyUpdate(this.doc, change.update, REMOTE);
    } catch (error) {
      console.error(`collab: applying another instance's update ${change.from}–${change.to} of document ${this.id} failed: ${describeError(error, { frames: false })}`);
    }
    this.approxBytes += change.update.byteLength;
    this.noteChangeAt(new Date(change.at));
    if (change.from === this.appliedSeq + 1) {
      this.appliedSeq = change.to;
      this.nextSeq = Math.max(this.nextSeq, change.to + 1);
    } else this.needsCatchUp = true;
  }

  /** Applies what the log holds beyond appliedSeq (another instance's snapshot first when compaction took the rows). */
  private applyMissed(missed: MissedUpdates) {
    if (missed.snapshot && missed.snapshot.seq > this.appliedSeq) {
      this.gate?.follow(missed.snapshot.state);
      Y.applyUpdate(this.doc, missed.snapshot.state, REMOTE);
      this.appliedSeq = missed.snapshot.seq;
      this.snapshotSeq = Math.max(this.snapshotSeq, missed.snapshot.seq);
      this.approxBytes += missed.snapshot.state.byteLength;
    }
    for (const row of missed.rows) {
      if (row.seq <= this.appliedSeq) continue;
      this.gate?.follow(row.update);
      // Every read of missed rows is one consistent snapshot of the database, so this should not happen; if it does,
      // the row is still applied (Yjs merges in any order) but the gap is read again in a second, never skipped over.
      if (row.seq !== this.appliedSeq + 1) {
        try {
          Y.applyUpdate(this.doc, row.update, REMOTE);
        } catch {
          // read again below
        }
        this.retryCatchUp();
        continue;
      }
      try {
        Y.applyUpdate(this.doc, row.update, REMOTE);
      } catch (error) {
        console.error(`collab: skipping update ${row.seq} of document ${this.id}: ${describeError(error, { frames: false })}`);
      }
      this.appliedSeq = row.seq;
      this.approxBytes += row.update.byteLength;
      if (row.createdAt) this.noteChangeAt(row.createdAt);
    }
    this.nextSeq = Math.max(this.nextSeq, this.appliedSeq + 1);
  }

  /** A change stored at `at` (here or elsewhere) moves the day of the newest change, which daily versions go by. */
  private noteChangeAt(at: Date) {
    if (this.lastChangeDay === null || at.getTime() >= this.nextDayStartsAt) {
      this.lastChangeDay = utcDay(at);
      this.nextDayStartsAt = nextUtcDayStart(at);
    }
  }

  /** Writes a snapshot of the applied state and drops the log rows it covers. */
  async compact() {
    if (this.compacting || this.broken) return this.compacting ?? undefined;
    if (this.appliedSeq <= this.snapshotSeq) return;
    // State and seq are read together, synchronously: the state is exactly the log up to `seq`.
    const seq = this.appliedSeq;
    const state = Y.encodeStateAsUpdate(this.doc);
    const queuedBytes = [...this.writing, ...this.queue].reduce((n, job) => n + (job.kind === "update" ? job.update.byteLength : 0), 0);
    this.approxBytes = state.byteLength + queuedBytes;
    this.compacting = this.store
      .compact(this.id, seq, state)
      .then(() => {
        this.snapshotSeq = Math.max(this.snapshotSeq, seq);
      })
      .catch((error: Error) => console.error(`collab: compacting document ${this.id} failed: ${describeError(error, { frames: false })}`))
      .finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  destroy() {
    this.destroyed = true;
    this.cancelUnload();
    if (this.catchUpRetry) clearTimeout(this.catchUpRetry);
    this.awareness.destroy();
    this.gate?.destroy();
    this.doc.destroy();
  }

  private enqueue(job: Job) {
    this.queue.push(job);
    if (!this.flushing) this.startFlush();
  }

  private startFlush() {
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      if ((this.queue.length || this.needsCatchUp) && !this.broken && !this.destroyed) this.startFlush();
      else if (!this.peers.size) this.scheduleUnload();
    });
  }

  private async flush() {
    // Everything that arrived while the previous batch was being written goes in one statement.
    await Promise.resolve();
    const jobs = this.queue.splice(0);
    this.writing = jobs;
    const now = this.options.now();
    const rows: (StoredUpdate & { job: Job })[] = [];
    for (const job of jobs) {
      if (job.kind === "update")
        rows.push({ seq: this.nextSeq + rows.length, update: job.update, userId: job.peer.user.id, clientId: job.clientId, createdAt: now, job });
    }
    // Shared log: a flush without updates of its own may still have to read what other instances stored.
    if (!rows.length && this.needsCatchUp) return this.catchUpNow(jobs);
    let missed: MissedUpdates | null = null;
    try {
      // The first change of a new day: the doc holds exactly the log up to appliedSeq, the state the last day with
      // changes ended with. It is kept as that day's version before the change is stored (a retry after a crash
      // finds the version there and adds nothing).
      const stored = rows.map(({ job: _job, ...row }) => row);
      const save = async () => {
        if (rows.length && now.getTime() >= this.nextDayStartsAt && this.lastChangeDay) {
          await this.store.saveDailyVersion(this.id, this.lastChangeDay, this.appliedSeq, Y.encodeStateAsUpdate(this.doc));
        }
        return this.store.append(this.id, stored, this.appliedSeq);
      };
      // One deadline for the whole save: a statement that never returns must not hold this document's queue (and every
      // receipt behind it) forever. Past it the outcome is unknown, so it is handled exactly like a failure below.
      const result = await withDeadline(save(), this.store.saveDeadlineMs, `saving changes to document ${this.id}`);
      // Shared log: the store numbered the rows after whatever other instances had stored, and returned those rows.
      if (this.store.shared && rows.length) {
        stored.forEach((row, i) => (rows[i].seq = row.seq));
        missed = result.missed;
        this.needsCatchUp = false;
      }
    } catch (error) {
      // Not stored, so not applied and not acknowledged. The in-memory doc can no longer be trusted to match the
      // log, so every client is sent away; they reconnect, the document is loaded afresh, and their unsaved
      // changes come back in the sync exchange.
      // A change past the deadline may still be committed later: it was never applied or acknowledged, and the
      // document is loaded again from the log, so whichever way it went, clients and log agree after the reload.
      const late = error instanceof DeadlineExceeded;
      console.error(`collab: storing updates of document ${this.id} failed: ${describeError(error, { frames: false })}${late ? "; sending its clients away to reconnect" : ""}`);
      this.store.noteSave(error);
      this.broken = true;
      for (const job of [...jobs, ...this.queue]) if (job.kind === "update") job.receipt?.reject(new Error("the change could not be stored"));
      this.queue = [];
      this.writing = [];
      // 1011 with a reason the editor can show; y-websocket reconnects by itself and resends what was not receipted.
      for (const peer of [...this.peers.keys()]) peer.close(1011, late ? "saving is taking too long; reconnect" : "could not save changes; reconnect");
      this.onIdle(this);
      return;
    }
    this.nextSeq = rows.length ? rows[rows.length - 1].seq + 1 : this.nextSeq;
    if (rows.length) this.noteChangeAt(now);
    let index = 0;
    this.batch = [];
    try {
      if (missed) this.applyMissed(missed);
      for (const job of jobs) {
        if (job.kind === "remote") {
          this.applyRemote(job.change);
          continue;
        }
        if (job.kind === "task") {
          try {
            if (this.peers.has(job.peer)) job.run();
          } catch (error) {
            job.peer.close(1011, "server error");
            console.error(`collab: answering a client of document ${this.id} failed: ${describeError(error, { frames: false })}`);
          }
          continue;
        }
        const row = rows[index++];
        try {
          Y.applyUpdate(this.doc, job.update, job.peer);
        } catch (error) {
          console.error(`collab: applying update ${row.seq} of document ${this.id} failed: ${describeError(error, { frames: false })}`);
        }
        this.appliedSeq = row.seq;
        job.receipt?.resolve(row.seq);
      }
    } finally {
      const applied = this.batch;
      this.batch = null;
      this.broadcast(applied);
    }
    if (this.feed && rows.length) {
      const own = rows.map((row) => row.update);
      this.feed.stored(this.id, { from: rows[0].seq, to: rows[rows.length - 1].seq, update: own.length === 1 ? own[0] : Y.mergeUpdates(own), at: now.getTime() });
    }
    this.writing = [];
    if (this.appliedSeq - this.snapshotSeq >= this.compactAfter) {
      this.compactAfter = this.nextCompactionDistance();
      void this.compact();
    }
  }

  /**
   * A flush with nothing of its own to store: reads the log after appliedSeq and applies it with the queued jobs (remote
   * announcements, sync answers). A failed read keeps everything this instance has and tries again in a second.
   */
  private async catchUpNow(jobs: Job[]) {
    this.needsCatchUp = false;
    let missed: MissedUpdates;
    try {
      missed = await this.store.missedSince(this.id, this.appliedSeq);
    } catch (error) {
      console.error(`collab: reading document ${this.id}'s log from seq ${this.appliedSeq} failed: ${describeError(error, { frames: false })}`);
      missed = { snapshot: null, rows: [] };
      this.retryCatchUp();
    }
    this.batch = [];
    try {
      this.applyMissed(missed);
      for (const job of jobs) {
        if (job.kind === "remote") this.applyRemote(job.change);
        else if (job.kind === "task" && this.peers.has(job.peer)) {
          try {
            job.run();
          } catch (error) {
            job.peer.close(1011, "server error");
            console.error(`collab: answering a client of document ${this.id} failed: ${describeError(error, { frames: false })}`);
          }
        }
      }
    } finally {
      const applied = this.batch;
      this.batch = null;
      this.broadcast(applied);
      this.writing = [];
    }
  }

  /** Reads the log again in a second (after a failed read): never in a tight loop. */
  private retryCatchUp() {
    if (this.catchUpRetry || this.destroyed) return;
    this.catchUpRetry = setTimeout(() => {
      this.catchUpRetry = null;
      this.catchUp();
    }, 1_000);
    this.catchUpRetry.unref();
  }

  /**
   * Between compactEvery and 1.5 × compactEvery. A compaction holds the database for a transaction; documents that
   * are typed into at the same pace would otherwise all compact in the same moment and stall every append behind them.
   */
  private nextCompactionDistance() {
    return this.options.compactEvery + Math.floor(Math.random() * (this.options.compactEvery / 2));
  }

  /**
   * Sends applied updates to the peers, merged into one message for all. A peer whose own updates are in the batch
   * gets them back with the others' (Yjs ignores what a document already holds), unless they are the whole batch: a
   * merge per sender made fan-out quadratic, and with 100 editors typing it took 43 % of the server's thread and
   * made the plan take 11 s to open (ADR 0033, npm run bench:planopen).
   */
  private broadcast(applied: { update: Uint8Array; origin: unknown }[]) {
    if (!applied.length || !this.peers.size) return;
    const message = encodeUpdate(applied.length === 1 ? applied[0].update : Y.mergeUpdates(applied.map((a) => a.update)));
    const onlySender = applied.every((a) => a.origin === applied[0].origin) ? applied[0].origin : null;
    for (const peer of this.peers.keys()) if (peer !== onlySender) peer.send(message);
  }

  private scheduleUnload() {
    this.cancelUnload();
    this.unloadTimer = setTimeout(() => {
      this.unloadTimer = null;
      if (!this.peers.size && !this.queue.length && !this.flushing) this.onIdle(this);
    }, this.options.unloadAfterMs);
    this.unloadTimer.unref();
  }

  private cancelUnload() {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
  }
}

/** The open documents, loaded on first use and dropped after their last client has been gone a while. */
/** The cluster as the registry sees it: subscribed to a document's channel while it is open here. */
export interface DocumentChannels extends DocumentFeed {
  /** Resolves once this instance hears the document's announcements (or at once when Redis is unreachable). */
  join(documentId: string): Promise<void>;
  leave(documentId: string): void;
}

export class DocumentRegistry {
  private readonly open = new Map<string, Promise<SharedDocument>>();

  constructor(
    readonly store: DocumentStore,
    private readonly options: DocumentOptions,
    private readonly channels: DocumentChannels | null = null,
  ) {}

  /** Adds a connection to its document, loading the document first if needed; a failed load throws. */
  async attach(documentId: string, peer: Peer): Promise<SharedDocument> {
    // An unload may finish between loading and attaching; attaching is synchronous with the check, so retry once gone.
    for (;;) {
      const document = await this.acquire(documentId);
      if (document.destroyed) continue;
      document.addPeer(peer);
      return document;
    }
  }

  /** The open document, loading it first if needed; a failed load throws and leaves nothing behind. */
  acquire(documentId: string): Promise<SharedDocument> {
    let loading = this.open.get(documentId);
    if (!loading) {
      const channels = this.channels;
      // With other instances: listen first, then load, so nothing stored between the two goes unheard (announcements
      // that arrive while loading wait for the document, and those it already holds are ignored by seq).
      const joined = channels ? channels.join(documentId) : Promise.resolve();
      loading = joined
        .then(() => this.store.load(documentId))
        .then((loaded) => new SharedDocument(documentId, this.store, loaded, this.options, (d) => void this.unload(d), channels));
      loading.catch(() => {
        this.open.delete(documentId);
        channels?.leave(documentId);
      });
      this.open.set(documentId, loading);
    }
    return loading;
  }

  /** Documents currently in memory, for tests and shutdown. */
  async loaded(): Promise<SharedDocument[]> {
    const all = await Promise.allSettled(this.open.values());
    return all.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  }

  isLoaded(documentId: string) {
    return this.open.has(documentId);
  }

  /** The document if it is open here (or being opened), for announcements from other instances. */
  whenOpen(documentId: string): Promise<SharedDocument> | undefined {
    return this.open.get(documentId);
  }

  private async unload(document: SharedDocument) {
    if ((await this.open.get(document.id)?.catch(() => null)) !== document) return;
    if (!document.broken) {
      await document.settle();
      await document.compact();
      // A client, or a change the app submitted, arrived meanwhile: stay; the next idle moment tries again.
      if (document.peers.size || document.busy) return;
    }
    this.open.delete(document.id);
    this.channels?.leave(document.id);
    document.destroy();
  }

  /** Stores what is queued, snapshots every open document and forgets them. */
  async close() {
    for (const document of await this.loaded()) {
      if (!document.broken) {
        await document.settle().catch(() => {});
        await document.compact();
      }
      document.destroy();
    }
    this.open.clear();
  }
}
