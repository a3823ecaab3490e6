// Where the district's shared goals stand in each school: one status per school from that school's own scores, and the counts the roll-up shows.
import { implementationProgress, type ImplementationStatus } from "./goal-progress";
import type { RubricScoreInput } from "./rubric-rollup";
import { checkpoints, type Checkpoint } from "./school-year";

/** In the order the roll-up shows them: done, moving, not moving, missed, nothing to judge. */
export const schoolGoalStatuses = ["met", "on_track", "not_started", "not_met", "no_data"] as const satisfies readonly ImplementationStatus[];
export type SchoolGoalStatus = (typeof schoolGoalStatuses)[number];

// One character per school keeps a goal's 200 statuses a 200-byte string in the cache and in the page's data.
const codeOf: Record<SchoolGoalStatus, string> = { met: "m", on_track: "o", not_started: "s", not_met: "x", no_data: "-" };
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
}

export interface GoalAcrossSchools {
  id: string;
  title: string;
  kind: "implementation" | "outcome";
  rubricItemId: string | null;
  targetLevel: number | null;
  targetCheckpoint: Checkpoint | null;
  /** One code per school, in the order the schools were given; NOT_SHARED where the goal does not reach the school. */
  statuses: string;
  /** Schools the goal is shared with, by status. */
  counts: Record<SchoolGoalStatus, number>;
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
 * goal's activity, as the school's goal page judges it; an outcome goal has no data until measure values arrive.
 * `memo` may be kept across calls with the same schools and levels: goals with the same activity and target share
 * one pass over the schools.
 */
export function goalsAcrossSchools(
  goals: readonly RollupGoal[],
  schoolIds: readonly string[],
  levels: SchoolLevels,
  memo: Map<string, string> = new Map(),
): GoalAcrossSchools[] {
  return goals
    .filter((goal) => goal.mirrorScope !== "none")
    .map((goal) => {
      const everySchool = statusesForTarget(goal, schoolIds, levels, memo);
      const counts = Object.fromEntries(schoolGoalStatuses.map((s) => [s, 0])) as Record<SchoolGoalStatus, number>;
      let statuses = "";
      let schoolCount = 0;
      schoolIds.forEach((schoolId, i) => {
        if (!sharedWith(goal, schoolId)) {
          statuses += NOT_SHARED;
          return;
        }
        const code = everySchool[i];
        statuses += code;
        counts[decodeGoalStatus(code)!]++;
        schoolCount++;
      });
      return {
        id: goal.id,
        title: goal.title,
        kind: goal.kind,
        rubricItemId: goal.rubricItemId,
        targetLevel: goal.targetLevel,
        targetCheckpoint: goal.targetCheckpoint,
        statuses,
        counts,
        schoolCount,
      };
    });
}

function statusesForTarget(goal: RollupGoal, schoolIds: readonly string[], levels: SchoolLevels, memo: Map<string, string>): string {
  const { rubricItemId, targetLevel, targetCheckpoint } = goal;
  if (goal.kind !== "implementation" || !rubricItemId || targetLevel === null || targetCheckpoint === null) {
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
