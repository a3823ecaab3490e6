// Publishing freezes a report's numbers: every data block reads its query once, now, and carries the result in
// attrs.frozen, so the published version never changes when the data do. One BlockLoader serves the whole document,
// so blocks that share a cycle share its reads (a 200-school district is a handful of queries per block).
import type { JSONContent } from "@tiptap/core";
import type { Database } from "#db/client.server";
import { NotFound, ValidationFailed } from "~/utils/errors";
import { BlockLoader, type BlockOptions } from "./block-data.server";
import { DATA_BLOCK_NODE, dataBlockQuerySchema, type DataBlockAttrs } from "./report-blocks";

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
  const loader = new BlockLoader(db, districtId, options);
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
