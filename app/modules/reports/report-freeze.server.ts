// SCAFFOLDING (replaced by the data-block work): fills every data block's `frozen` attribute with its numbers.
import type { JSONContent } from "@tiptap/core";
import type { Database } from "#db/client.server";

export async function freezeDataBlocks(_db: Database, _districtId: string, content: JSONContent): Promise<JSONContent> {
  return content;
}
