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

export class DocumentStore {
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

  /** One statement for a whole batch, so a burst of updates costs one round trip and commits (or fails) together. */
  async append(documentId: string, updates: StoredUpdate[]) {
    if (!updates.length) return;
    await this.db.insert(docUpdates).values(updates.map((u) => ({ documentId, seq: u.seq, update: u.update, userId: u.userId, clientId: u.clientId })));
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
