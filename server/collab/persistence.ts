// Stores collaborative documents: appends accepted Yjs updates to the log, loads snapshot + tail, compacts.
import { and, asc, count, desc, eq, gt, lt, lte, max, min, sql, type SQL } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { withDeadline } from "~/utils/deadline";
import { docActivity, docSnapshots, docUpdates, docVersions } from "#db/schema";

export interface StoredUpdate {
  seq: number;
  update: Uint8Array;
  userId: string | null;
  clientId: number | null;
  /** When the change was accepted; the database's clock when left out. */
  createdAt?: Date;
}

export interface LoadedDocument {
  /** The newest snapshot's state, if there is one. */
  snapshot: { seq: number; state: Uint8Array } | null;
  /** Every update after the snapshot, in log order. */
  tail: StoredUpdate[];
  /** The highest seq stored (snapshot or log); the next append uses lastSeq + 1. */
  lastSeq: number;
  /** When the newest stored change was accepted (null for a document nobody has changed), for daily versions. */
  lastChangeAt: Date | null;
}

/** What another instance stored after the seq an instance knew: the rows, or a snapshot first when compaction took them. */
export interface MissedUpdates {
  snapshot: { seq: number; state: Uint8Array } | null;
  rows: StoredUpdate[];
}

/** What an append did: the seq its first update was given, and (shared log) what it found stored before it. */
export interface AppendResult {
  firstSeq: number;
  missed: MissedUpdates;
}

interface PendingAppend {
  documentId: string;
  updates: StoredUpdate[];
  /** Shared log: the highest seq the appending instance holds; rows after it are handed back as missed. */
  knownSeq: number;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

const nothingMissed = (): MissedUpdates => ({ snapshot: null, rows: [] });

/**
 * The advisory-lock namespace of document logs (the lock's first key; the second is a hash of the document id). Holding
 * it for a document serialises compactions of that document across instances (shared log only).
 */
const DOCUMENT_LOCK = 0x636b_6c67; // "cklg"

export interface StoreOptions {
  /**
   * Several instances write the same log (REDIS_URL set, PostgreSQL): each append numbers its rows after the highest
   * stored seq in the statement that inserts them (retried on a primary-key collision) and hands back what others
   * stored meanwhile; compactions take a per-document advisory lock. Off (one instance): the instance numbers rows itself, exactly as before.
   */
  shared?: boolean;
  /**
   * How long one write of the group commit may take before its batches are failed and the writer moves on (ADR 0037):
   * without it, one statement that never returns holds every later save of every document.
   */
  saveDeadlineMs?: number;
}

/** How saves are going, for readiness: when the latest failure happened and whether a save has succeeded since. */
export interface SaveHealth {
  /** When the oldest failure not yet followed by a success happened (ms since the epoch), or null. */
  failingSince: number | null;
  /** When the latest failure happened (ms since the epoch), or null. */
  lastFailureAt: number | null;
  /** The latest failure's code (failureCode), never its message. */
  lastFailure: string | null;
}

export class DocumentStore {
  private pending: PendingAppend[] = [];
  private writing: Promise<void> | null = null;
  readonly shared: boolean;
  readonly saveDeadlineMs: number;
  private health: SaveHealth = { failingSince: null, lastFailureAt: null, lastFailure: null };

  constructor(
    private readonly db: Database,
    options: StoreOptions = {},
  ) {
    this.shared = options.shared ?? false;
    this.saveDeadlineMs = options.saveDeadlineMs ?? 10_000;
  }

  /** Whether saves are failing now (a success clears it), for /healthz/ready. */
  saveHealth(): SaveHealth {
    return { ...this.health };
  }

  /** Saves of any kind (appends, daily versions) report here; documents.ts reports its own deadline too. */
  noteSave(error: unknown) {
    if (error === null) {
      if (this.health.failingSince !== null) this.health = { failingSince: null, lastFailureAt: null, lastFailure: null };
      return;
    }
    const at = Date.now();
    this.health = { failingSince: this.health.failingSince ?? at, lastFailureAt: at, lastFailure: failureCode(error) };
  }

  /** A write bounded by the save deadline. */
  private bounded<T>(work: Promise<T>, what: string) {
    return withDeadline(work, this.saveDeadlineMs, what);
  }

  /** Throws when the database cannot answer (or not within the save deadline): a failed load must never look like an empty document. */
  load(documentId: string): Promise<LoadedDocument> {
    return this.bounded(this.loadOnce(documentId), "loading a document");
  }

  private async loadOnce(documentId: string): Promise<LoadedDocument> {
    const [snapshot] = await this.db
      .select({ seq: docSnapshots.seq, state: docSnapshots.state, createdAt: docSnapshots.createdAt })
      .from(docSnapshots)
      .where(eq(docSnapshots.documentId, documentId))
      .orderBy(desc(docSnapshots.seq))
      .limit(1);
    const from = snapshot?.seq ?? 0;
    const tail = await this.db
      .select({ seq: docUpdates.seq, update: docUpdates.update, userId: docUpdates.userId, clientId: docUpdates.clientId, createdAt: docUpdates.createdAt })
      .from(docUpdates)
      .where(and(eq(docUpdates.documentId, documentId), gt(docUpdates.seq, from)))
      .orderBy(asc(docUpdates.seq));
    let lastChangeAt = tail.length ? tail[tail.length - 1].createdAt : null;
    if (!lastChangeAt && snapshot) {
      // Everything is compacted: the activity compaction kept says when the last change was.
      const [activity] = await this.db.select({ at: max(docActivity.lastAt) }).from(docActivity).where(eq(docActivity.documentId, documentId));
      lastChangeAt = activity?.at ? new Date(activity.at) : snapshot.createdAt;
    }
    return {
      snapshot: snapshot ? { seq: snapshot.seq, state: snapshot.state } : null,
      tail,
      lastSeq: tail.length ? tail[tail.length - 1].seq : from,
      lastChangeAt,
    };
  }

  /**
   * Stores a document's batch of updates; resolves once committed. Group commit: batches of every document that
   * arrive while a write is in flight (or in the same turn of the event loop) go to the database in one statement.
   */
  append(documentId: string, updates: StoredUpdate[], knownSeq = 0): Promise<AppendResult> {
    if (!updates.length) return Promise.resolve({ firstSeq: updates[0]?.seq ?? 0, missed: nothingMissed() });
    return new Promise((resolve, reject) => {
      this.pending.push({ documentId, updates, knownSeq, resolve, reject });
      if (!this.writing) this.startWriting();
    });
  }

  /**
   * Shared log: what is stored after `knownSeq` (a snapshot first when compaction has taken some of those rows). Read
   * without the lock but in one repeatable-read snapshot, so a compaction committing between the two reads cannot
   * hide rows: rows are only ever added after the highest seq, and a compaction leaves a snapshot covering them.
   */
  async missedSince(documentId: string, knownSeq: number): Promise<MissedUpdates> {
    const missed = await this.db.transaction((tx) => this.readMissed(tx, [{ documentId, knownSeq }]), { isolationLevel: "repeatable read", accessMode: "read only" });
    return missed.get(documentId) ?? nothingMissed();
  }

  private startWriting() {
    this.writing = this.write().finally(() => {
      this.writing = null;
      if (this.pending.length) this.startWriting();
    });
  }

  private async write() {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length) {
      const batch = this.pending.splice(0);
      try {
        const results = await this.bounded(this.insert(batch), "storing collaborative changes");
        this.noteSave(null);
        batch.forEach((entry, i) => entry.resolve(results[i]));
      } catch (error) {
        this.noteSave(error);
        // Past the deadline the statement's outcome is unknown: fail every batch in it (their documents reload from
        // the log, which then says what was stored) rather than try each again behind a connection that may be dead.
        if (batch.length === 1 || (error as { code?: string }).code === "DEADLINE_EXCEEDED") {
          for (const entry of batch) entry.reject(error);
          continue;
        }
        // One statement is all or nothing: retry each document alone, so one bad batch does not fail the others.
        for (const entry of batch) {
          try {
            const [result] = await this.bounded(this.insert([entry]), "storing collaborative changes");
            this.noteSave(null);
            entry.resolve(result);
          } catch (single) {
            this.noteSave(single);
            entry.reject(single);
          }
        }
      }
    }
  }

  private async insert(batch: PendingAppend[]): Promise<AppendResult[]> {
    if (this.shared) return this.insertShared(batch);
    await this.db
      .insert(docUpdates)
      .values(
        batch.flatMap(({ documentId, updates }) =>
          updates.map((u) => ({ documentId, seq: u.seq, update: u.update, userId: u.userId, clientId: u.clientId, createdAt: u.createdAt })),
        ),
      );
    return batch.map((entry) => ({ firstSeq: entry.updates[0].seq, missed: nothingMissed() }));
  }

  /**
   * Shared log: one statement (one round trip, autocommit) reads each document's highest stored seq (log or snapshot),
   * inserts the batch numbered after it, and returns the rows stored after the seq the appending instance knew (after
   * the newest snapshot, when compaction has taken some of them), all from one snapshot of the database. Two instances
   * numbering the same document at once collide on the primary key (document, seq): the later statement waits for the
   * earlier one to commit, fails with a unique violation and is run again, now seeing the other's rows. Conflicts need
   * two instances writing one document in the same few milliseconds, so retries are rare and short.
   */
  private async insertShared(batch: PendingAppend[]): Promise<AppendResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insertSharedOnce(batch);
      } catch (error) {
        const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
        if (code !== "23505" || attempt >= 50) throw error;
      }
    }
  }

  private async insertSharedOnce(batch: PendingAppend[]): Promise<AppendResult[]> {
    const known = new Map<string, number>();
    for (const entry of batch) known.set(entry.documentId, Math.min(known.get(entry.documentId) ?? Infinity, entry.knownSeq));
    const ids = [...known.keys()];
    const ordinal = new Map<string, number>();
    const rows = batch.flatMap(({ documentId, updates }) =>
      updates.map((u) => {
        const ord = (ordinal.get(documentId) ?? 0) + 1;
        ordinal.set(documentId, ord);
        return { documentId, ord, u };
      }),
    );
    const text = (values: (string | number | null)[]) => sql.param(values.map((v) => (v === null ? null : String(v))));
    const answer = rowsOf<{
      kind: number;
      document_id: string;
      seq: string | number;
      bytes: Uint8Array | null;
      user_id: string | null;
      client_id: string | number | null;
      created_at: Date | string | null;
    }>(
      await this.db.execute(
        sql`with w(document_id, known) as (select * from unnest(${sql.param(ids)}::uuid[], ${sql.param(ids.map((id) => known.get(id)!))}::bigint[])),
            snap as (select w.document_id, w.known, x.seq, x.state from w
                     join lateral (select seq, state from doc_snapshot where document_id = w.document_id order by seq desc limit 1) x on true),
            head as (select w.document_id,
                            greatest(coalesce((select max(u.seq) from doc_update u where u.document_id = w.document_id), 0), coalesce(snap.seq, 0)) as head
                     from w left join snap on snap.document_id = w.document_id),
            ins as (insert into doc_update (document_id, seq, update, user_id, client_id, created_at)
                    select r.document_id::uuid, head.head + r.ord::bigint, decode(r.update, 'hex'), r.user_id::uuid, r.client_id::bigint,
                           coalesce(r.created_at::timestamptz, now())
                    from unnest(${text(rows.map((r) => r.documentId))}::text[], ${text(rows.map((r) => r.ord))}::text[], ${text(rows.map((r) => Buffer.from(r.u.update.buffer, r.u.update.byteOffset, r.u.update.byteLength).toString("hex")))}::text[],
                                ${text(rows.map((r) => r.u.userId))}::text[], ${text(rows.map((r) => r.u.clientId))}::text[], ${text(rows.map((r) => r.u.createdAt?.toISOString() ?? null))}::text[])
                         as r(document_id, ord, update, user_id, client_id, created_at)
                    join head on head.document_id = r.document_id::uuid
                    returning document_id, seq)
            select 2 as kind, document_id::text as document_id, min(seq) as seq, null::bytea as bytes, null::uuid as user_id, null::bigint as client_id, null::timestamptz as created_at
              from ins group by document_id
            union all
            select 0, snap.document_id::text, snap.seq, snap.state, null, null, null from snap where snap.seq > snap.known
            union all
            select 1, u.document_id::text, u.seq, u.update, u.user_id, u.client_id, u.created_at
              from w left join snap on snap.document_id = w.document_id
              join doc_update u on u.document_id = w.document_id and u.seq > greatest(w.known, coalesce(snap.seq, 0))
            order by 1, 2, 3`,
      ),
    );
    const missed = new Map<string, MissedUpdates>(ids.map((id) => [id, nothingMissed()]));
    const first = new Map<string, number>();
    for (const row of answer) {
      const kind = Number(row.kind);
      if (kind === 2) first.set(row.document_id, Number(row.seq));
      else if (kind === 0) missed.get(row.document_id)!.snapshot = { seq: Number(row.seq), state: new Uint8Array(row.bytes!) };
      else
        missed.get(row.document_id)!.rows.push({
          seq: Number(row.seq),
          update: new Uint8Array(row.bytes!),
          userId: row.user_id,
          clientId: row.client_id === null ? null : Number(row.client_id),
          createdAt: new Date(row.created_at!),
        });
    }
    // Rows of a document are numbered in batch order, the first one after the highest seq stored before.
    const next = new Map(first);
    return batch.map((entry) => {
      const firstSeq = next.get(entry.documentId)!;
      next.set(entry.documentId, firstSeq + entry.updates.length);
      entry.updates.forEach((u, i) => (u.seq = firstSeq + i));
      return { firstSeq, missed: missed.get(entry.documentId) ?? nothingMissed() };
    });
  }

  /**
   * Rows stored after each document's known seq, and the newest snapshot where it covers more than was known (then the
   * rows after that snapshot): one statement, so one round trip and one consistent view.
   */
  private async readMissed(db: Pick<Database, "execute">, wanted: { documentId: string; knownSeq: number }[]): Promise<Map<string, MissedUpdates>> {
    const ids = wanted.map((w) => w.documentId);
    const knownSeqs = wanted.map((w) => w.knownSeq);
    const result = new Map<string, MissedUpdates>(ids.map((id) => [id, nothingMissed()]));
    const rows = rowsOf<{
      kind: number;
      document_id: string;
      seq: string | number;
      bytes: Uint8Array;
      user_id: string | null;
      client_id: string | number | null;
      created_at: Date | string | null;
    }>(
      await db.execute(
        sql`with w(document_id, known) as (select * from unnest(${sql.param(ids)}::uuid[], ${sql.param(knownSeqs)}::bigint[])),
            s as (select w.document_id, x.seq, x.state from w
                  join lateral (select seq, state from doc_snapshot where document_id = w.document_id order by seq desc limit 1) x on x.seq > w.known)
            select 0 as kind, s.document_id::text as document_id, s.seq, s.state as bytes, null::uuid as user_id, null::bigint as client_id, null::timestamptz as created_at from s
            union all
            select 1, u.document_id::text, u.seq, u.update, u.user_id, u.client_id, u.created_at
              from w left join s on s.document_id = w.document_id
              join doc_update u on u.document_id = w.document_id and u.seq > greatest(w.known, coalesce(s.seq, 0))
            order by 1, 2, 3`,
      ),
    );
    for (const row of rows) {
      const missed = result.get(row.document_id)!;
      if (Number(row.kind) === 0) {
        missed.snapshot = { seq: Number(row.seq), state: new Uint8Array(row.bytes) };
        continue;
      }
      missed.rows.push({
        seq: Number(row.seq),
        update: new Uint8Array(row.bytes),
        userId: row.user_id,
        clientId: row.client_id === null ? null : Number(row.client_id),
        createdAt: new Date(row.created_at!),
      });
    }
    return result;
  }

  /**
   * Stores the state of a document as the daily version of `day` (the last day it was changed), unless that day
   * has one already: taking it again after a crash stores nothing new.
   */
  async saveDailyVersion(documentId: string, day: string, seq: number, state: Uint8Array) {
    try {
      await this.bounded(this.db.insert(docVersions).values({ documentId, kind: "daily", day, seq, state }).onConflictDoNothing().then(() => {}), "keeping the day's version");
    } catch (error) {
      this.noteSave(error);
      throw error;
    }
  }

  /**
   * Replaces the log up to `seq` by a snapshot of the state at `seq`. Appends made meanwhile have higher
   * seqs, so they are neither deleted nor covered. Who changed the document and when is summed into
   * doc_activity in the same transaction, so it outlives the rows.
   */
  async compact(documentId: string, seq: number, state: Uint8Array) {
    const covered = and(eq(docUpdates.documentId, documentId), lte(docUpdates.seq, seq));
    const day = sql<string>`(${docUpdates.createdAt} at time zone 'UTC')::date`;
    // Bounded so a hung compaction cannot hold a document in memory (and shutdown) forever; past the deadline the
    // transaction may still commit or roll back, and either leaves the log consistent (the snapshot and the deletes
    // are one transaction).
    await this.bounded(this.compactOnce(documentId, seq, state, covered, day), "compacting a document");
  }

  private async compactOnce(documentId: string, seq: number, state: Uint8Array, covered: SQL | undefined, day: SQL<string>) {
    await this.db.transaction(async (tx) => {
      if (this.shared) {
        // Another instance may be compacting the same document: one at a time, and a compaction that an equal or newer
        // snapshot has overtaken does nothing (its rows are gone; summing them into doc_activity twice would be wrong).
        await tx.execute(sql`select pg_advisory_xact_lock(${DOCUMENT_LOCK}, hashtext(${documentId}))`);
        const [newest] = await tx.select({ seq: max(docSnapshots.seq) }).from(docSnapshots).where(eq(docSnapshots.documentId, documentId));
        if (newest?.seq !== null && newest?.seq !== undefined && Number(newest.seq) >= seq) return;
      }
      await tx.insert(docSnapshots).values({ documentId, seq, state }).onConflictDoNothing();
      await tx.insert(docActivity).select(
        tx
          .select({
            id: sql`gen_random_uuid()`.as("id"),
            documentId: docUpdates.documentId,
            userId: docUpdates.userId,
            day: day.as("day"),
            firstAt: min(docUpdates.createdAt).as("first_at"),
            lastAt: max(docUpdates.createdAt).as("last_at"),
            changes: count().as("changes"),
          })
          .from(docUpdates)
          .where(covered)
          .groupBy(docUpdates.documentId, docUpdates.userId, day),
      );
      await tx.delete(docUpdates).where(covered);
      await tx.delete(docSnapshots).where(and(eq(docSnapshots.documentId, documentId), lt(docSnapshots.seq, seq)));
    });
  }
}

/**
 * What readiness may say about a failure: its code (a SQLSTATE such as 53100, or ECONNREFUSED, DEADLINE_EXCEEDED) and
 * never its message, which for a failed insert carries the query's parameters — people's changes and ids — and
 * /healthz/ready answers anyone.
 */
export function failureCode(error: unknown): string {
  const seen = new Set<unknown>();
  let e = error as { code?: unknown; cause?: unknown; name?: unknown } | null | undefined;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    if (typeof e.code === "string" && e.code) return e.code;
    e = e.cause as typeof e;
  }
  return typeof (error as { name?: unknown })?.name === "string" ? String((error as { name: string }).name) : "unknown";
}

/** Rows of a raw statement: postgres.js answers with the row list itself, PGlite with `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}
