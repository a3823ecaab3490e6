// The text rule at every boundary (ADR 0030): characters PostgreSQL cannot store never reach it, and names cannot
// carry the invisible controls that make text display in a different order from the one stored.
import { z } from "zod";

/** U+0000, which PostgreSQL refuses in text and jsonb, and lone UTF-16 surrogates, which are not characters at all. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Bidirectional embeddings, overrides and isolates: "Report\u202Efdp.exe" shows as "Reportexe.pdf". */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Typed text with what cannot be stored dropped. Nobody types a NUL; it arrives in a paste from a binary source or
 * from a script, is invisible, and dropping it keeps every character the person could see.
 */
export function dropUnstorable(text: string): string {
  return text.replace(UNSTORABLE, (c) => (c === "\u0000" ? "" : "\ufffd"));
}

/** The 1-based line of the first character that cannot be stored, or null: files are refused, not silently changed. */
export function firstUnstorableLine(text: string): number | null {
  const at = text.search(UNSTORABLE);
  if (at < 0) return null;
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < at; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** The message for a file that holds such a character, naming where. */
export function unstorableFileError(line: number) {
  return `Line ${line} of the file contains a NUL character (or another byte that is not text), so the file cannot be read as CSV. Save it again as CSV (UTF-8) and upload it again.`;
}

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/**
 * A single-line name or title (person, school, district, goal, strategy, measure, group, report, plan version,
 * protocol): bidirectional controls removed before the schema's own checks, so a name always reads as it sorts.
 */
export function nameText<S extends z.ZodType>(schema: S) {
  return z.preprocess((value) => (typeof value === "string" ? stripBidiControls(value) : value), schema);
}
