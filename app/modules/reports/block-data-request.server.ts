// Reading one data block's live numbers for a signed-in person: the query from the request (zod), the cycle scoped
// to the person's district and readable by them (another district's cycle is NotFound), data:read at its place.
import type { Database } from "#db/client.server";
import { getCycle } from "~/modules/cycles/cycles.server";
import { requirePermission, type Actor } from "~/modules/people/permissions";
import { ValidationFailed } from "~/utils/errors";
import { loadBlockData } from "./block-data.server";
import { renderDataBlockHTML } from "./block-html";
import { dataBlockQuerySchema, type BlockData } from "./report-blocks";

export async function liveBlock(db: Database, actor: Actor, rawQuery: string | null, language: string | null): Promise<{ data: BlockData; html: string }> {
  let json: unknown;
  try {
    json = JSON.parse(rawQuery ?? "");
  } catch {
    throw new ValidationFailed({ query: ["The block's query is not JSON."] });
  }
  const parsed = dataBlockQuerySchema.safeParse(json);
  if (!parsed.success) throw new ValidationFailed({ query: parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`) });
  const cycle = await getCycle(db, actor, parsed.data.cycleId);
  requirePermission(actor, "data:read", { districtId: actor.districtId, schoolId: cycle.schoolId });
  const lang = language && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language) ? language : "en";
  const data = await loadBlockData(db, actor.districtId, parsed.data, { language: lang });
  return { data, html: renderDataBlockHTML({ query: parsed.data, note: "", frozen: data }, { language: lang }) };
}
