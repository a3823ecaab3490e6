// Publishing freezes a report's numbers and goals: every data block reads its query once, now, and carries the result
// in attrs.frozen, and so does every goal block with its goal's kind, title and status, so the published version never
// changes when the data or the goals do. One BlockLoader serves the whole document, so blocks that share a cycle share
// its reads (a 200-school district is a handful of queries per block).
import type { JSONContent } from "@tiptap/core";
import type { Database } from "#db/client.server";
import { NotFound, ValidationFailed } from "~/utils/errors";
import { BlockLoader, reportGoals, type BlockOptions } from "./block-data.server";
import { DATA_BLOCK_NODE, dataBlockQuerySchema, type DataBlockAttrs } from "./report-blocks";
import { freezeGoalReferences, hasGoalReferences, type ReportGoal } from "./report-goals";

/** Every data block node of a document, in document order. */
export function dataBlockNodes(content: JSONContent): JSONContent[] {
  const found: JSONContent[] = [];
  const walk = (node: JSONContent) => {
    if (node.type === DATA_BLOCK_NODE) found.push(node);
    node.content?.forEach(walk);
  };
  walk(content);
  return found;
}

/**
 * The document with every data block's `frozen` filled with its numbers as of now. A block whose query is not a
 * valid query fails validation (naming the block); one whose cycle is in another district is NotFound.
 */
export async function freezeDataBlocks(db: Database, districtId: string, content: JSONContent, options: BlockOptions = {}): Promise<JSONContent> {
  return freezeDataBlocksWith(new BlockLoader(db, districtId, options), content);
}

async function freezeDataBlocksWith(loader: BlockLoader, content: JSONContent): Promise<JSONContent> {
  let index = 0;
  const freeze = async (node: JSONContent): Promise<JSONContent> => {
    if (node.type === DATA_BLOCK_NODE) {
      const position = ++index;
      const attrs = (node.attrs ?? {}) as Partial<DataBlockAttrs>;
      const query = dataBlockQuerySchema.safeParse(attrs.query);
      if (!query.success) throw new ValidationFailed({ [`block${position}`]: [`Data block ${position} has no valid query: ${query.error.issues[0]?.message ?? "invalid"}.`] });
      try {
        const frozen = await loader.load(query.data);
        return { ...node, attrs: { query: query.data, note: typeof attrs.note === "string" ? attrs.note : "", frozen } };
      } catch (error) {
        if (error instanceof NotFound) throw new NotFound(`data block ${position}'s cycle in this district`);
        throw error;
      }
    }
    if (!node.content) return node;
    const children: JSONContent[] = [];
    // In order, so block numbers in errors follow the document; reads are shared through the loader anyway.
    for (const child of node.content) children.push(await freeze(child));
    return { ...node, content: children };
  };
  return freeze(content);
}

/**
 * The goals a report's goal blocks may name: its cycle's own and, for a school, the district goals shared with it, read
 * on the report's behalf (whoever publishes it was checked before; the cycle must be in the report's district).
 */
async function reportCycleGoals(loader: BlockLoader, cycleId: string): Promise<ReportGoal[]> {
  return reportGoals(await loader.goals(cycleId)).map(({ goal }) => ({ id: goal.id, kind: goal.kind, title: goal.title, status: goal.progress.status }));
}

/**
 * What publishing stores: the report's content with its data blocks' numbers and its goal blocks' words frozen as of
 * now. Goal words are in the report's language; the cycle's goals are read only if the document has a goal block.
 */
export async function freezeReportContent(
  db: Database,
  report: { districtId: string; cycleId: string; language: string },
  content: JSONContent,
  options: BlockOptions = {},
): Promise<JSONContent> {
  // The figures' titles, labels and notes in the report's own language, as its draft shows them.
  const loader = new BlockLoader(db, report.districtId, { language: report.language, ...options });
  const withData = await freezeDataBlocksWith(loader, content);
  if (!hasGoalReferences(withData)) return withData;
  return freezeGoalReferences(withData, await reportCycleGoals(loader, report.cycleId), report.language);
}
