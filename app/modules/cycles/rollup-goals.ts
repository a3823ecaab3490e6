// Where the district's shared goals stand in each school: one status per school from that school's own scores (an
// implementation goal) or its own results (an outcome goal), and the counts the roll-up shows.
import { implementationProgress, outcomeProgress, type ImplementationStatus, type MeasureDirection, type MeasureValue, type OutcomeStatus } from "./goal-progress";
import type { RubricScoreInput } from "./rubric-rollup";
import { checkpoints, type Checkpoint } from "./school-year";

/** In the order the roll-up shows them: done, moving, not moving, missed, nothing to judge. */
export const implementationGoalStatuses = ["met", "on_track", "not_started", "not_met", "no_data"] as const satisfies readonly ImplementationStatus[];

/**
 * An outcome goal in one school: its latest result this year against the district's target and against where the
 * school stood before. "one_value": a single result this year and none the year before, so no direction yet;
 * "held_back": results exist but too few students for any to be shown.
 */
export const outcomeGoalStatuses = ["met", "improving", "flat", "worsening", "one_value", "held_back", "no_data"] as const satisfies readonly (
  | OutcomeStatus
  | "one_value"
  | "held_back"
)[];

export type SchoolGoalStatus = (typeof implementationGoalStatuses)[number] | (typeof outcomeGoalStatuses)[number];

/** The statuses a goal of this kind can take in a school, in the order the roll-up shows them. */
export function statusesOfKind(kind: "implementation" | "outcome"): readonly SchoolGoalStatus[] {
  return kind === "implementation" ? implementationGoalStatuses : outcomeGoalStatuses;
}

// One character per school keeps a goal's 200 statuses a 200-byte string in the cache and in the page's data.
const codeOf: Record<SchoolGoalStatus, string> = {
  met: "m",
  on_track: "o",
  not_started: "s",
  not_met: "x",
  no_data: "-",
  improving: "i",
  flat: "f",
  worsening: "w",
  one_value: "1",
  held_back: "h",
};
const statusOfCode = new Map(Object.entries(codeOf).map(([status, code]) => [code, status as SchoolGoalStatus]));
/** The code for a school the goal is not shared with. */
export const NOT_SHARED = " ";

/** The status a code stands for, or null for a school the goal is not shared with. */
export function decodeGoalStatus(code: string): SchoolGoalStatus | null {
  return statusOfCode.get(code) ?? null;
}

export interface RollupGoal {
  id: string;
  title: string;
  kind: "implementation" | "outcome";
  rubricItemId: string | null;
  targetLevel: number | null;
  targetCheckpoint: Checkpoint | null;
  mirrorScope: "none" | "all_schools" | "chosen_schools";
  /** The schools a "chosen schools" goal is shared with. */
  chosenSchoolIds: readonly string[];
  /** Outcome goals: the measure, which way is better, and the district's target. */
  measureId: string | null;
  measureName: string | null;
  unit: string | null;
  direction: MeasureDirection | null;
  targetValue: number | null;
}

/** Outcome results by school, already suppressed (a held-back value has n 0), for a cycle's year and the one before. */
export interface SchoolResults {
  startYear: number;
  minN: number;
  /** Oldest first. */
  valuesOf(measureId: string, startYear: number, schoolId: string): readonly MeasureValue[];
  /** Changes whenever any result may have: part of each outcome goal's memo key. */
  stamp: string;
}

export interface GoalAcrossSchools {
  id: string;
  title: string;
  kind: "implementation" | "outcome";
  rubricItemId: string | null;
  targetLevel: number | null;
  targetCheckpoint: Checkpoint | null;
  measureName: string | null;
  unit: string | null;
  direction: MeasureDirection | null;
  targetValue: number | null;
  /** One code per school, in the order the schools were given; NOT_SHARED where the goal does not reach the school. */
  statuses: string;
  /** Schools the goal is shared with, by status (the statuses of the goal's kind, see statusesOfKind). */
  counts: Partial<Record<SchoolGoalStatus, number>>;
  schoolCount: number;
}

/**
 * Every school's levels for every item at every checkpoint, packed: a byte per (item, checkpoint), 0 when unscored.
 * Built once per score revision, so each goal's statuses cost lookups rather than another pass over the scores.
 */
export class SchoolLevels {
  private readonly itemIndex: Map<string, number>;
  private readonly bySchool = new Map<string, Uint8Array>();

  constructor(scores: readonly RubricScoreInput[], itemIds: readonly string[]) {
    this.itemIndex = new Map(itemIds.map((id, i) => [id, i]));
    const width = itemIds.length * checkpoints.length;
    for (const score of scores) {
      const item = this.itemIndex.get(score.itemId);
      if (item === undefined) continue;
      let levels = this.bySchool.get(score.schoolId);
      if (!levels) this.bySchool.set(score.schoolId, (levels = new Uint8Array(width)));
      levels[item * checkpoints.length + checkpoints.indexOf(score.checkpoint)] = score.level;
    }
  }

  /** A school's scores for one item, in the order of the year. */
  scoresOf(schoolId: string, itemId: string): { checkpoint: Checkpoint; level: number }[] {
    const item = this.itemIndex.get(itemId);
    const levels = this.bySchool.get(schoolId);
    if (item === undefined || !levels) return [];
    const found: { checkpoint: Checkpoint; level: number }[] = [];
    checkpoints.forEach((checkpoint, c) => {
      const level = levels[item * checkpoints.length + c];
      if (level) found.push({ checkpoint, level });
    });
    return found;
  }
}

function sharedWith(goal: RollupGoal, schoolId: string): boolean {
  return goal.mirrorScope === "all_schools" || (goal.mirrorScope === "chosen_schools" && goal.chosenSchoolIds.includes(schoolId));
}

/**
 * Each shared goal's status in each school. An implementation goal is judged on the school's own scores for the
 * goal's activity, as the school's goal page judges it; an outcome goal on the school's own results (see
 * schoolOutcomeStatus), which need `results` — without them it reads "no data". `memo` may be kept across calls
 * with the same schools and levels: goals with the same target share one pass over the schools.
 */
export function goalsAcrossSchools(
  goals: readonly RollupGoal[],
  schoolIds: readonly string[],
  levels: SchoolLevels,
  memo: Map<string, string> = new Map(),
  results?: SchoolResults,
): GoalAcrossSchools[] {
  return goals
    .filter((goal) => goal.mirrorScope !== "none")
    .map((goal) => {
      const everySchool = goal.kind === "outcome" ? outcomeStatuses(goal, schoolIds, memo, results) : statusesForTarget(goal, schoolIds, levels, memo);
      const counts = Object.fromEntries(statusesOfKind(goal.kind).map((s) => [s, 0])) as Partial<Record<SchoolGoalStatus, number>>;
      let statuses = "";
      let schoolCount = 0;
      schoolIds.forEach((schoolId, i) => {
        if (!sharedWith(goal, schoolId)) {
          statuses += NOT_SHARED;
          return;
        }
        const code = everySchool[i];
        statuses += code;
        const status = decodeGoalStatus(code)!;
        counts[status] = (counts[status] ?? 0) + 1;
        schoolCount++;
      });
      return {
        id: goal.id,
        title: goal.title,
        kind: goal.kind,
        rubricItemId: goal.rubricItemId,
        targetLevel: goal.targetLevel,
        targetCheckpoint: goal.targetCheckpoint,
        measureName: goal.measureName,
        unit: goal.unit,
        direction: goal.direction,
        targetValue: goal.targetValue,
        statuses,
        counts,
        schoolCount,
      };
    });
}

function statusesForTarget(goal: RollupGoal, schoolIds: readonly string[], levels: SchoolLevels, memo: Map<string, string>): string {
  const { rubricItemId, targetLevel, targetCheckpoint } = goal;
  if (!rubricItemId || targetLevel === null || targetCheckpoint === null) {
    return codeOf.no_data.repeat(schoolIds.length);
  }
  const key = `${rubricItemId}|${targetLevel}|${targetCheckpoint}`;
  let codes = memo.get(key);
  if (codes === undefined) {
    codes = schoolIds
      .map((schoolId) => {
        const scores = levels.scoresOf(schoolId, rubricItemId);
        return codeOf[implementationProgress({ targetLevel, targetCheckpoint, baselineLevel: null, scores }).status as SchoolGoalStatus];
      })
      .join("");
    memo.set(key, codes);
  }
  return codes;
}

/** The memo key of an outcome goal's statuses: everything they depend on besides the schools. */
export function outcomeMemoKey(goal: Pick<RollupGoal, "measureId" | "direction" | "targetValue">, results: Pick<SchoolResults, "stamp" | "startYear">) {
  return `outcome|${goal.measureId}|${goal.direction}|${goal.targetValue}|${results.startYear}|${results.stamp}`;
}

function outcomeStatuses(goal: RollupGoal, schoolIds: readonly string[], memo: Map<string, string>, results: SchoolResults | undefined): string {
  const { measureId, direction, targetValue } = goal;
  if (!results || !measureId || !direction || targetValue === null) return codeOf.no_data.repeat(schoolIds.length);
  const key = outcomeMemoKey(goal, results);
  let codes = memo.get(key);
  if (codes === undefined) {
    codes = schoolIds
      .map((schoolId) =>
        codeOf[
          schoolOutcomeStatus({
            direction,
            targetValue,
            minN: results.minN,
            before: results.valuesOf(measureId, results.startYear - 1, schoolId),
            values: results.valuesOf(measureId, results.startYear, schoolId),
          })
        ],
      )
      .join("");
    memo.set(key, codes);
  }
  return codes;
}

/**
 * Where a district outcome goal stands in one school, on the school's own "all students" results of the cycle's
 * year: met when the latest shown result reaches the district's target; otherwise improving, flat or worsening
 * against the school's latest shown result of the year before, or its first of this year when there is none.
 * The district's baseline is the district's, not the school's, so it is not used here.
 */
export function schoolOutcomeStatus(input: {
  direction: MeasureDirection;
  targetValue: number;
  minN: number;
  /** The school's results the year before, oldest first. */
  before: readonly MeasureValue[];
  /** This year's, oldest first. */
  values: readonly MeasureValue[];
}): (typeof outcomeGoalStatuses)[number] {
  const { direction, targetValue, minN } = input;
  const isShown = (v: MeasureValue) => v.n >= minN && Number.isFinite(v.value);
  const shown = input.values.filter(isShown);
  if (shown.length === 0) return input.values.length > 0 ? "held_back" : "no_data";
  const earlier = input.before.filter(isShown);
  const baseline = earlier.length > 0 ? earlier[earlier.length - 1].value : shown.length > 1 ? shown[0].value : null;
  const progress = outcomeProgress({ direction, baselineValue: baseline, targetValue, values: shown, minN });
  if (progress.status === "met" || baseline !== null) return progress.status as "met" | "improving" | "flat" | "worsening";
  return "one_value";
}
