// What may change on a district measure once results, goals or benchmarks are read by it, and how a stale edit of a
// measure or group is put beside what was typed. Plain functions, so the rules are tested without a database.
import type { FieldErrors } from "~/utils/errors";
import { measureCategoryLabels, measureDirectionLabels, measureUnitLabels } from "./measures.schema";

/** What reads a measure: counts for the messages, and the range of values each kind holds. */
export interface MeasureUse {
  /** Imported results that are current (replaced ones come back only with an undo, and always sit beside current ones). */
  results: number;
  goals: number;
  benchmarks: number;
  /** Lowest and highest value per kind; replaced results count, since an undo can bring them back. */
  ranges: { of: "results" | "goals" | "benchmarks"; min: number; max: number }[];
}

/** The fields that decide how values read; the database keeps the unit as text, the form as one of the units. */
type MeasureShape = { unit: string; direction: string; scaleMin: number; scaleMax: number };

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function listed(parts: string[]) {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** "1,240 imported results and 2 goals", or null when nothing reads the measure yet. */
export function measureUseInWords(use: MeasureUse): string | null {
  const parts = [
    use.results ? plural(use.results, "imported result", "imported results") : "",
    use.goals ? plural(use.goals, "goal", "goals") : "",
    use.benchmarks ? plural(use.benchmarks, "benchmark or target", "benchmarks and targets") : "",
  ].filter(Boolean);
  return parts.length ? listed(parts) : null;
}

const rangeNames: Record<MeasureUse["ranges"][number]["of"], string> = {
  results: "Imported results",
  goals: "Goal baselines and targets",
  benchmarks: "Benchmarks and targets",
};

/**
 * The changes a measure in use must refuse, by field. Its unit and which way is better decide how every value and
 * every goal's progress reads, so they are fixed once anything reads the measure; its scale may move as long as
 * every value already saved stays inside it. Name, description and category only change how it is listed.
 */
export function refusedMeasureChanges(saved: MeasureShape, edit: MeasureShape, use: MeasureUse): FieldErrors {
  const errors: FieldErrors = {};
  const inUse = measureUseInWords(use);
  if (inUse && edit.unit !== saved.unit) {
    errors.unit = [`This measure has ${inUse}; its unit can't change, because they would all be read in the new unit.`];
  }
  if (inUse && edit.direction !== saved.direction) {
    errors.direction = [`This measure has ${inUse}; which way is better can't change, because their progress would read the other way round.`];
  }
  if (edit.scaleMin !== saved.scaleMin || edit.scaleMax !== saved.scaleMax) {
    const lowest = use.ranges.reduce<MeasureUse["ranges"][number] | null>((low, r) => (low && low.min <= r.min ? low : r), null);
    const highest = use.ranges.reduce<MeasureUse["ranges"][number] | null>((high, r) => (high && high.max >= r.max ? high : r), null);
    if (lowest && edit.scaleMin > lowest.min) {
      errors.scaleMin = [`${rangeNames[lowest.of]} go as low as ${lowest.min}, so the lowest value can be ${lowest.min} at most.`];
    }
    if (highest && edit.scaleMax < highest.max) {
      errors.scaleMax = [`${rangeNames[highest.of]} go as high as ${highest.max}, so the highest value must be at least ${highest.max}.`];
    }
  }
  return errors;
}

export interface ConflictRow {
  field: string;
  label: string;
  saved: string;
  typed: string;
}

type Typed = Record<string, string | string[] | undefined>;

/** The labels the edit form uses, so the conflict table names fields as the person just read them. */
export const measureFieldLabels: Record<string, string> = {
  name: "Name",
  description: "Description",
  category: "Category",
  unit: "Unit",
  direction: "Which way is better",
  scaleMin: "Scale: lowest value",
  scaleMax: "Scale: highest value",
};

const numeric = new Set(["scaleMin", "scaleMax"]);

function normalise(field: string, value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = (Array.isArray(value) ? value.join(", ") : String(value)).trim();
  if (numeric.has(field) && text !== "" && Number.isFinite(Number(text))) return String(Number(text));
  return text;
}

function measureWords(field: string, value: string): string {
  if (value === "") return "(empty)";
  if (field === "unit") return measureUnitLabels[value as keyof typeof measureUnitLabels] ?? value;
  if (field === "direction") return measureDirectionLabels[value as keyof typeof measureDirectionLabels] ?? value;
  if (field === "category") return measureCategoryLabels[value as keyof typeof measureCategoryLabels] ?? value;
  return value;
}

/** The measure fields where the version saved since the form was opened differs from what was typed, in words. */
export function measureConflictRows(saved: Record<string, unknown>, typed: Typed): ConflictRow[] {
  return Object.keys(measureFieldLabels).flatMap((field) => {
    const theirs = normalise(field, saved[field]);
    const yours = normalise(field, typed[field]);
    if (theirs === yours) return [];
    return [{ field, label: measureFieldLabels[field], saved: measureWords(field, theirs), typed: measureWords(field, yours) }];
  });
}

/** A group has one field to differ in: its name. */
export function studentGroupConflictRows(saved: Record<string, unknown>, typed: Typed): ConflictRow[] {
  const theirs = normalise("name", saved.name);
  const yours = normalise("name", typed.name);
  return theirs === yours ? [] : [{ field: "name", label: "Group name", saved: theirs || "(empty)", typed: yours || "(empty)" }];
}
