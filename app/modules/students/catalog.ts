// The intervention catalog's rules that need no database: when two names mean the same intervention, which key a new
// item gets, and how a colleague's newer save reads beside what this person typed.

/**
 * What two names share when they name the same intervention: case, accents, spaces and punctuation aside, so
 * "Check-in / check-out" and "check in, check out" clash while "Tutorat élève" and "Tutoring" do not.
 */
export function catalogKey(name: string): string {
  const key = name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "");
  return key || name.trim().toLowerCase();
}

/**
 * The slug of a new item: its name's key, or the key with the first free number after it when a renamed item still
 * holds that key (slugs never change once given, so the starter catalog can find its items after a rename).
 */
export function freeSlug(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = catalogKey(name) || "item";
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}

/** The other item (not `exceptId`) whose name means the same intervention as `name`, if any. */
export function clashingItem<T extends { id: string; name: string }>(items: T[], name: string, exceptId?: string): T | undefined {
  const key = catalogKey(name);
  return items.find((item) => item.id !== exceptId && catalogKey(item.name) === key);
}

export const catalogFieldLabels = { name: "Intervention", description: "Description", active: "Status" } as const;

export const statusInWords = (active: boolean) => (active ? "Offered for new plans" : "Retired");

const words = (value: unknown) => {
  const text = typeof value === "string" ? value.trim() : "";
  return text === "" ? "(empty)" : text;
};

export interface CatalogConflictRow {
  field: string;
  label: string;
  saved: string;
  typed: string;
}

/** The fields of a stale save where the saved version and what was typed differ, in words. */
export function catalogConflictRows(saved: Record<string, unknown>, typed: Record<string, unknown>): CatalogConflictRow[] {
  return (["name", "description"] as const).flatMap((field) => {
    const theirs = words(saved[field]);
    const yours = words(typed[field]);
    return theirs === yours ? [] : [{ field, label: catalogFieldLabels[field], saved: theirs, typed: yours }];
  });
}

/** Every field of the saved version in words, for a retirement or return that met a newer version. */
export function catalogItemInWords(saved: Record<string, unknown>): CatalogConflictRow[] {
  return [
    { field: "name", label: catalogFieldLabels.name, saved: words(saved.name), typed: "" },
    { field: "description", label: catalogFieldLabels.description, saved: words(saved.description), typed: "" },
    { field: "active", label: catalogFieldLabels.active, saved: statusInWords(saved.active !== false), typed: "" },
  ];
}
