// Stores collaborative documents: appends accepted Yjs updates to the log, loads snapshot + tail, compacts.
import { and, asc, count, desc, eq, gt, lt, lte, max, min, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
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

interface PendingAppend {
  documentId: string;
  updates: StoredUpdate[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class DocumentStore {
  private pending: PendingAppend[] = [];
  private writing: Promise<void> | null = null;

  constructor(private readonly db: Database) {}

  /** Throws when the database cannot answer: a failed load must never look like an empty document. */
  async load(documentId: string): Promise<LoadedDocument> {
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
  append(documentId: string, updates: StoredUpdate[]): Promise<void> {
    if (!updates.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ documentId, updates, resolve, reject });
      if (!this.writing) this.startWriting();
    });
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
        await this.insert(batch);
        for (const entry of batch) entry.resolve();
      } catch (error) {
        if (batch.length === 1) {
          batch[0].reject(error);
          continue;
        }
        // One statement is all or nothing: retry each document alone, so one bad batch does not fail the others.
        for (const entry of batch) {
          try {
            await this.insert([entry]);
            entry.resolve();
          } catch (single) {
            entry.reject(single);
          }
        }
      }
    }
  }

  private async insert(batch: PendingAppend[]) {
    await this.db
      .insert(docUpdates)
      .values(
        batch.flatMap(({ documentId, updates }) =>
          updates.map((u) => ({ documentId, seq: u.seq, update: u.update, userId: u.userId, clientId: u.clientId, createdAt: u.createdAt })),
        ),
      );
  }

  /**
   * Stores the state of a document as the daily version of `day` (the last day it was changed), unless that day
   * has one already: taking it again after a crash stores nothing new.
   */
  async saveDailyVersion(documentId: string, day: string, seq: number, state: Uint8Array) {
    await this.db.insert(docVersions).values({ documentId, kind: "daily", day, seq, state }).onConflictDoNothing();
  }

  /**
   * Replaces the log up to `seq` by a snapshot of the state at `seq`. Appends made meanwhile have higher
   * seqs, so they are neither deleted nor covered. Who changed the document and when is summed into
   * doc_activity in the same transaction, so it outlives the rows.
   */
  async compact(documentId: string, seq: number, state: Uint8Array) {
    const covered = and(eq(docUpdates.documentId, documentId), lte(docUpdates.seq, seq));
    const day = sql<string>`(${docUpdates.createdAt} at time zone 'UTC')::date`;
    await this.db.transaction(async (tx) => {
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
