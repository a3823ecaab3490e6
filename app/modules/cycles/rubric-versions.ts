// Pure rules of a versioned rubric: what changed between two versions, whether a score's wording still holds, and how an item moved across years.
import { checkpointIndex, type Checkpoint } from "./school-year";

export type Descriptors = readonly [string, string, string, string];

export interface ItemWording {
  title: string;
  levels: Descriptors;
}

export interface VersionItem extends ItemWording {
  lineageId: string;
  focusAreaId: string;
}

/** Whether a score given under `given` was read against different words than `current` shows now. */
export function wordingDiffers(given: ItemWording, current: ItemWording): boolean {
  return given.title !== current.title || given.levels.some((text, i) => text !== current.levels[i]);
}

export type ChangedField = "title" | "level1" | "level2" | "level3" | "level4";

export type RubricChange =
  | { kind: "added"; lineageId: string; focusAreaId: string; title: string }
  | { kind: "removed"; lineageId: string; focusAreaId: string; title: string }
  | { kind: "changed"; lineageId: string; focusAreaId: string; title: string; previousTitle: string; fields: ChangedField[] };

/** What a newer version changed, item by item (matched by lineage), in the newer version's order. */
export function diffRubricVersions(before: readonly VersionItem[], after: readonly VersionItem[]): RubricChange[] {
  const earlier = new Map(before.map((item) => [item.lineageId, item]));
  const later = new Set(after.map((item) => item.lineageId));
  const changes: RubricChange[] = [];
  for (const item of after) {
    const old = earlier.get(item.lineageId);
    if (!old) {
      changes.push({ kind: "added", lineageId: item.lineageId, focusAreaId: item.focusAreaId, title: item.title });
      continue;
    }
    const fields: ChangedField[] = [];
    if (old.title !== item.title) fields.push("title");
    item.levels.forEach((text, i) => {
      if (text !== old.levels[i]) fields.push(`level${i + 1}` as ChangedField);
    });
    if (fields.length) changes.push({ kind: "changed", lineageId: item.lineageId, focusAreaId: item.focusAreaId, title: item.title, previousTitle: old.title, fields });
  }
  for (const old of before) {
    if (!later.has(old.lineageId)) changes.push({ kind: "removed", lineageId: old.lineageId, focusAreaId: old.focusAreaId, title: old.title });
  }
  return changes;
}

const fieldWords: Record<ChangedField, string> = {
  title: "title",
  level1: "level 1",
  level2: "level 2",
  level3: "level 3",
  level4: "level 4",
};

/** One change in words: "Added “Family nights”", "Reworded “Staff trust” (level 2, level 3)". */
export function describeRubricChange(change: RubricChange): string {
  switch (change.kind) {
    case "added":
      return `Added “${change.title}”`;
    case "removed":
      return `Removed “${change.title}”`;
    case "changed": {
      const renamed = change.fields.includes("title") ? `“${change.previousTitle}” is now “${change.title}”` : `Reworded “${change.title}”`;
      const levels = change.fields.filter((f) => f !== "title").map((f) => fieldWords[f]);
      return levels.length ? `${renamed} (${levels.join(", ")})` : renamed;
    }
  }
}

export interface CheckpointLevel {
  checkpoint: Checkpoint;
  level: number;
}

/** Where an item ended a year: its end-of-year level, or the latest checkpoint scored when the year stopped short. */
export function yearEndLevel<T extends CheckpointLevel>(scores: readonly T[]): T | null {
  let best: T | null = null;
  for (const score of scores) {
    if (!best || checkpointIndex(score.checkpoint) > checkpointIndex(best.checkpoint)) best = score;
  }
  return best;
}

export type Direction = "up" | "down" | "same";

/** How this year's level compares with last year's, in words that do not lean on colour. */
export function yearOverYear(previous: number | null, current: number | null): { direction: Direction; text: string } | null {
  if (previous === null || current === null) return null;
  const step = current - previous;
  if (step === 0) return { direction: "same", text: "Same as last year" };
  const levels = Math.abs(step) === 1 ? "1 level" : `${Math.abs(step)} levels`;
  return step > 0 ? { direction: "up", text: `Up ${levels} on last year` } : { direction: "down", text: `Down ${levels} on last year` };
}

/** The start of a long text, cut at a word boundary, for tables that show many of them. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:–—-]+$/, "")}…`;
}
