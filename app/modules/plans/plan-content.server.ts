// Reads a plan's content as it is stored (the newest snapshot merged with the log after it), for pages that render,
// export or version a plan without going through the collaboration server.
import { and, asc, desc, eq, gt } from "drizzle-orm";
import * as Y from "yjs";
import type { Database } from "#db/client.server";
import { docSnapshots, docUpdates } from "#db/schema";

export interface StoredPlanState {
  /** The whole document as one Yjs update. */
  state: Uint8Array;
  /** The highest seq the state covers. */
  seq: number;
}

/**
 * The stored state of a document. Both reads run in one repeatable-read transaction: compaction replaces log rows by
 * a snapshot in one commit, and reading the snapshot and the log at different moments could miss the rows between.
 * Every accepted change is stored before anyone sees it, so this is at least what any editor has been shown.
 */
export async function loadPlanState(db: Database, documentId: string): Promise<StoredPlanState> {
  return db.transaction(
    async (tx) => {
      const [snapshot] = await tx
        .select({ seq: docSnapshots.seq, state: docSnapshots.state })
        .from(docSnapshots)
        .where(eq(docSnapshots.documentId, documentId))
        .orderBy(desc(docSnapshots.seq))
        .limit(1);
      const from = snapshot?.seq ?? 0;
      const tail = await tx
        .select({ seq: docUpdates.seq, update: docUpdates.update })
        .from(docUpdates)
        .where(and(eq(docUpdates.documentId, documentId), gt(docUpdates.seq, from)))
        .orderBy(asc(docUpdates.seq));
      const parts = [...(snapshot ? [snapshot.state] : []), ...tail.map((row) => row.update)];
      return {
        state: parts.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : Y.mergeUpdates(parts),
        seq: tail.length ? tail[tail.length - 1].seq : from,
      };
    },
    { isolationLevel: "repeatable read" },
  );
}
