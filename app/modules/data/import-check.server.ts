// One staged upload read and checked against the district: used by the mapping, preview, error download and confirm steps.
import type { Database } from "#db/client.server";
import { requirePermission, type Actor } from "~/modules/people/permissions";
import { guessMapping, isTemplateLayout, parseCsv, validateRecords, type ColumnMapping, type ImportLookups, type ValidationResult } from "./import";
import { loadImportLookups } from "./import.server";
import { readStagedUpload, type StagedUpload } from "./import-staging.server";

export type CheckedUpload =
  | { staged: StagedUpload; ok: false; error: string }
  | {
      staged: StagedUpload;
      ok: true;
      headers: string[];
      mapping: ColumnMapping;
      /** True when the mapping came from the person (or the file has the template's own headings). */
      mappingChosen: boolean;
      result: ValidationResult;
      lookups: ImportLookups;
    };

/**
 * Reads the upload behind a token (only its uploader's, in their district) and checks every row with the given
 * mapping, or with the guessed one when none is given.
 */
export async function checkUpload(db: Database, actor: Actor, token: string, chosen: ColumnMapping | null): Promise<CheckedUpload> {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  const { staged, readText } = await readStagedUpload(db, { userId: actor.id, districtId: actor.districtId }, token);
  const parsed = parseCsv(await readText());
  if (!parsed.ok) return { staged, ok: false, error: parsed.error };
  const guessed = guessMapping(parsed.headers);
  const mapping = chosen ?? guessed;
  const lookups = await loadImportLookups(db, actor);
  const result = validateRecords(parsed, mapping, lookups);
  return { staged, ok: true, headers: parsed.headers, mapping, mappingChosen: chosen !== null || isTemplateLayout(parsed.headers, guessed), result, lookups };
}
