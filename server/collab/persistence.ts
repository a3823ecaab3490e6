// Stores collaborative documents: appends accepted Yjs updates to the log, loads snapshot + tail, compacts.
import { and, asc, desc, eq, gt, lt, lte } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { docSnapshots, docUpdates } from "#db/schema";

export interface StoredUpdate {
  seq: number;
  update: Uint8Array;
  userId: string | null;
  clientId: number | null;
}

export interface LoadedDocument {
  /** The newest snapshot's state, if there is one. */
  snapshot: { seq: number; state: Uint8Array } | null;
  /** Every update after the snapshot, in log order. */
  tail: StoredUpdate[];
  /** The highest seq stored (snapshot or log); the next append uses lastSeq + 1. */
  lastSeq: number;
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
      .select({ seq: docSnapshots.seq, state: docSnapshots.state })
      .from(docSnapshots)
      .where(eq(docSnapshots.documentId, documentId))
      .orderBy(desc(docSnapshots.seq))
      .limit(1);
    const from = snapshot?.seq ?? 0;
    const tail = await this.db
      .select({ seq: docUpdates.seq, update: docUpdates.update, userId: docUpdates.userId, clientId: docUpdates.clientId })
      .from(docUpdates)
      .where(and(eq(docUpdates.documentId, documentId), gt(docUpdates.seq, from)))
      .orderBy(asc(docUpdates.seq));
    return { snapshot: snapshot ?? null, tail, lastSeq: tail.length ? tail[tail.length - 1].seq : from };
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
      .values(batch.flatMap(({ documentId, updates }) => updates.map((u) => ({ documentId, seq: u.seq, update: u.update, userId: u.userId, clientId: u.clientId }))));
  }

  /**
   * Replaces the log up to `seq` by a snapshot of the state at `seq`. Appends made meanwhile have higher
   * seqs, so they are neither deleted nor covered.
   */
  async compact(documentId: string, seq: number, state: Uint8Array) {
    await this.db.transaction(async (tx) => {
      await tx.insert(docSnapshots).values({ documentId, seq, state }).onConflictDoNothing();
      await tx.delete(docUpdates).where(and(eq(docUpdates.documentId, documentId), lte(docUpdates.seq, seq)));
      await tx.delete(docSnapshots).where(and(eq(docSnapshots.documentId, documentId), lt(docSnapshots.seq, seq)));
    });
  }
}
