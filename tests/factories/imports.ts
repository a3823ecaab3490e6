// Outcome-data rows for tests, read the way the import page reads a file: the CSV lines below a standard heading,
// mapped and validated against the district's schools, groups and measures; a file with errors throws.
import type { Database } from "#db/client.server";
import { guessMapping, parseCsv, validateRecords, type ImportRow } from "~/modules/data/import";
import { loadImportLookups } from "~/modules/data/import.server";
import type { SessionUser } from "~/modules/people/session.server";

export const IMPORT_HEADER = "school,school_year,term,grade,student_group,measure,n,value";

export async function importRowsOf(db: Database, actor: SessionUser, lines: string[]): Promise<ImportRow[]> {
  const parsed = parseCsv([IMPORT_HEADER, ...lines].join("\n"));
  if (!parsed.ok) throw new Error(parsed.error);
  const result = validateRecords(parsed, guessMapping(parsed.headers), await loadImportLookups(db, actor));
  if (result.errors.length) throw new Error(JSON.stringify(result.errors));
  return result.rows;
}
