// Puts a goal or strategy someone else saved beside what this person typed, field by field and in words, so a stale save can be reconciled by eye.
import { goalKindLabels, mirrorScopeLabels, strategyStatusLabels, type GoalKind, type MirrorScope, type StrategyStatus } from "./goals.schema";
import { isRubricLevel, levelLabel } from "./rubric-rollup";
import { checkpointLabels, formatLongDate, isIsoDate, type Checkpoint } from "./school-year";

export interface ConflictRow {
  field: string;
  label: string;
  /** The value saved since the form was opened, in words. */
  saved: string;
  /** What this person sent, in words. */
  typed: string;
}

export interface Option {
  value: string;
  label: string;
}

export interface GoalLabelOptions {
  rubricItems: Option[];
  measures: Option[];
  /** Empty for a school's cycle, whose goals are never shared, so sharing is not compared there. */
  schools: Option[];
}

type Typed = Record<string, string | string[] | undefined>;

export const goalFieldLabels: Record<string, string> = {
  kind: "Kind of goal",
  title: "Goal",
  description: "Specific: what exactly will change",
  rubricItemId: "Rubric activity",
  targetLevel: "Level to reach",
  targetCheckpoint: "By checkpoint",
  measureId: "Measure",
  baselineValue: "Baseline value",
  targetValue: "Target value",
  dueDate: "By date",
  relevance: "Relevant: why this matters",
  population: "Inclusive: which students",
  inclusiveNote: "Inclusive: who shaped it",
  equityNote: "Equitable: how it closes gaps",
  mirrorScope: "Share with schools",
  schoolIds: "Chosen schools",
};

export const strategyFieldLabels: Record<string, string> = {
  title: "Strategy",
  ownerName: "Owner",
  dueDate: "Due date",
  status: "Status",
};

const numericFields = new Set(["targetLevel", "baselineValue", "targetValue"]);
const empty = "(empty)";

const isBlank = (v: unknown) => v === null || v === undefined || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);

/** One comparable string per value: "70" and 70 match, as do "" and null, and school lists in any order. */
function normalise(field: string, value: unknown): string {
  if (isBlank(value)) return "";
  if (Array.isArray(value)) return value.map(String).sort().join(",");
  if (numericFields.has(field)) {
    const n = Number(value);
    if (Number.isFinite(n)) return String(n);
  }
  return String(value).trim();
}

const labelOf = (options: Option[], value: string) => options.find((o) => o.value === value)?.label ?? "(not in the list)";

function goalWords(field: string, value: string, options: GoalLabelOptions): string {
  if (value === "") return empty;
  switch (field) {
    case "kind":
      return goalKindLabels[value as GoalKind] ?? value;
    case "rubricItemId":
      return labelOf(options.rubricItems, value);
    case "measureId":
      return labelOf(options.measures, value);
    case "targetLevel": {
      const level = Number(value);
      return isRubricLevel(level) ? levelLabel(level) : value;
    }
    case "targetCheckpoint":
      return checkpointLabels[value as Checkpoint] ?? value;
    case "dueDate":
      return isIsoDate(value) ? formatLongDate(value) : value;
    case "mirrorScope":
      return mirrorScopeLabels[value as MirrorScope] ?? value;
    case "schoolIds":
      return value
        .split(",")
        .map((id) => labelOf(options.schools, id))
        .join(", ");
    default:
      return value;
  }
}

/** Schools only count while the goal is shared with chosen schools; otherwise ticked boxes are ignored on save. */
function schoolsOf(record: Record<string, unknown>) {
  return normalise("mirrorScope", record.mirrorScope) === "chosen_schools" ? record.schoolIds : [];
}

/**
 * The goal fields where the saved version differs from what was typed. Both kinds' fields are compared, so a
 * switch of kind on either side shows every field it touches.
 */
export function goalConflictRows(saved: Record<string, unknown>, typed: Typed, options: GoalLabelOptions): ConflictRow[] {
  const sharing = options.schools.length > 0;
  const fields = Object.keys(goalFieldLabels).filter((f) => sharing || (f !== "mirrorScope" && f !== "schoolIds"));
  return fields.flatMap((field) => {
    const theirs = normalise(field, field === "schoolIds" ? schoolsOf(saved) : saved[field]);
    const yours = normalise(field, field === "schoolIds" ? schoolsOf(typed) : typed[field]);
    if (theirs === yours) return [];
    return [{ field, label: goalFieldLabels[field], saved: goalWords(field, theirs, options), typed: goalWords(field, yours, options) }];
  });
}

function strategyWords(field: string, value: string): string {
  if (value === "") return empty;
  if (field === "status") return strategyStatusLabels[value as StrategyStatus] ?? value;
  if (field === "dueDate" && isIsoDate(value)) return formatLongDate(value);
  return value;
}

/** The strategy fields where the saved version differs from what was typed (or, for a removal, from what was shown). */
export function strategyConflictRows(saved: Record<string, unknown>, typed: Typed): ConflictRow[] {
  return Object.keys(strategyFieldLabels).flatMap((field) => {
    const theirs = normalise(field, saved[field]);
    const yours = normalise(field, typed[field]);
    if (theirs === yours) return [];
    return [{ field, label: strategyFieldLabels[field], saved: strategyWords(field, theirs), typed: strategyWords(field, yours) }];
  });
}

/** Every strategy field in words, for a removal that met a newer version: there is nothing typed to compare. */
export function strategyInWords(saved: Record<string, unknown>): { label: string; value: string }[] {
  return Object.keys(strategyFieldLabels).map((field) => ({ label: strategyFieldLabels[field], value: strategyWords(field, normalise(field, saved[field])) }));
}
