// What the import pages accept: an upload token, a column mapping (one heading index per field) and undo requests.
import { z } from "zod";
import { importFields, type ColumnMapping } from "./import";

/** Opaque, unguessable: 32 random bytes in base64url. */
export const uploadTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "This upload link is not valid.");

const columnIndex = z
  .union([z.literal(""), z.coerce.number().int().min(0).max(999)])
  .optional()
  .transform((v) => (v === "" || v === undefined ? null : v));

/** The mapping as form fields `col_school`, `col_n`, …: each a heading's index, or empty for "not in this file". */
export const mappingSchema = z.object(Object.fromEntries(importFields.map((f) => [`col_${f}`, columnIndex])) as Record<`col_${(typeof importFields)[number]}`, typeof columnIndex>);

export function mappingFrom(input: Record<string, unknown>): ColumnMapping {
  return Object.fromEntries(importFields.map((f) => [f, (input[`col_${f}`] as number | null | undefined) ?? null])) as ColumnMapping;
}

/** The mapping as query or form fields, the inverse of `mappingFrom`. */
export function mappingParams(mapping: ColumnMapping): Record<string, string> {
  return Object.fromEntries(importFields.map((f) => [`col_${f}`, mapping[f] === null ? "" : String(mapping[f])]));
}

export const commitSchema = mappingSchema.extend({ upload: uploadTokenSchema });

export const undoSchema = z.object({ intent: z.literal("undo"), importId: z.uuid("Choose an import to undo.") });
