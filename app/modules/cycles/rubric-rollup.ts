// Turns implementation-rubric scores into what teams read: latest levels, focus-area summaries, the district's school-by-activity matrix and movement between checkpoints.
import { checkpointIndex, type Checkpoint } from "./school-year";

export const rubricLevels = [1, 2, 3, 4] as const;
export type RubricLevel = (typeof rubricLevels)[number];

export interface RubricScoreInput {
  schoolId: string;
  itemId: string;
  checkpoint: Checkpoint;
  level: RubricLevel;
}

export interface RubricItemRef {
  id: string;
  focusAreaId: string;
}

export interface RubricItemWithTitle extends RubricItemRef {
  title: string;
}

export interface SchoolRef {
  id: string;
  name: string;
}

const levelDescriptions: Record<RubricLevel, string> = {
  1: "Not yet planned or implemented",
  2: "Partially planned and implemented",
  3: "Mostly planned and implemented",
  4: "Fully planned and implemented",
};

const levelShortLabels: Record<RubricLevel, string> = { 1: "Not yet", 2: "Partially", 3: "Mostly", 4: "Fully" };

/** "3 — Mostly planned and implemented", the rubric's own wording. */
export function levelLabel(level: RubricLevel): string {
  return `${level} — ${levelDescriptions[level]}`;
}

/** "Mostly": for matrix cells and badges where the full wording does not fit. */
export function levelShortLabel(level: RubricLevel): string {
  return levelShortLabels[level];
}

export function isRubricLevel(value: unknown): value is RubricLevel {
  return value === 1 || value === 2 || value === 3 || value === 4;
}

/**
 * A mean to one decimal, null when nothing was counted. Rounding sum×10/count keeps 2.25 from becoming 2.2 through
 * float error; halves round away from zero so a fall of 0.125 shows as −0.13, the mirror of a rise.
 */
function meanOf(sum: number, count: number, decimals = 1): number | null {
  if (count === 0) return null;
  const scale = 10 ** decimals;
  const scaled = (sum * scale) / count;
  // "+ 0" turns −0 into 0, so "no change" never prints as "-0".
  return (Math.sign(scaled) * Math.round(Math.abs(scaled))) / scale + 0;
}

/** school → item → level at one checkpoint; a later entry for the same cell wins, as a later save would. */
function levelsAt(scores: readonly RubricScoreInput[], checkpoint: Checkpoint): Map<string, Map<string, RubricLevel>> {
  const bySchool = new Map<string, Map<string, RubricLevel>>();
  for (const score of scores) {
    if (score.checkpoint !== checkpoint) continue;
    let items = bySchool.get(score.schoolId);
    if (!items) bySchool.set(score.schoolId, (items = new Map()));
    items.set(score.itemId, score.level);
  }
  return bySchool;
}

export interface LatestLevel {
  level: RubricLevel;
  checkpoint: Checkpoint;
}

/**
 * For one cycle's scores, each item's level at the latest checkpoint that scored it.
 * Items never scored are absent from the map; scores for items outside `itemIds` are ignored.
 */
export function latestLevels(scores: readonly RubricScoreInput[], itemIds: readonly string[]): Map<string, LatestLevel> {
  const wanted = new Set(itemIds);
  const latest = new Map<string, LatestLevel>();
  for (const score of scores) {
    if (!wanted.has(score.itemId)) continue;
    const current = latest.get(score.itemId);
    // ">=" so that of two scores at the same checkpoint the later one wins, as in levelsAt.
    if (!current || checkpointIndex(score.checkpoint) >= checkpointIndex(current.checkpoint)) {
      latest.set(score.itemId, { level: score.level, checkpoint: score.checkpoint });
    }
  }
  return latest;
}

export interface RubricTally {
  itemCount: number;
  scoredCount: number;
  /** Mean of the scored items, one decimal; null when none is scored. */
  meanLevel: number | null;
}

export interface FocusAreaSummary extends RubricTally {
  focusAreaId: string;
}

export interface RubricSummary {
  /** In the order the focus areas first appear in the items. */
  focusAreas: FocusAreaSummary[];
  overall: RubricTally;
}

/** How far one cycle's rubric has come at a checkpoint, per focus area and overall. */
export function rubricSummary(scores: readonly RubricScoreInput[], items: readonly RubricItemRef[], checkpoint: Checkpoint): RubricSummary {
  // One cycle means one school's (or the district's own) scores, so the school id does not matter here.
  const levels = new Map<string, RubricLevel>();
  for (const score of scores) if (score.checkpoint === checkpoint) levels.set(score.itemId, score.level);

  const areas = new Map<string, { itemCount: number; scoredCount: number; sum: number }>();
  let itemCount = 0;
  let scoredCount = 0;
  let sum = 0;
  for (const item of items) {
    let area = areas.get(item.focusAreaId);
    if (!area) areas.set(item.focusAreaId, (area = { itemCount: 0, scoredCount: 0, sum: 0 }));
    area.itemCount++;
    itemCount++;
    const level = levels.get(item.id);
    if (level === undefined) continue;
    area.scoredCount++;
    area.sum += level;
    scoredCount++;
    sum += level;
  }

  return {
    focusAreas: [...areas].map(([focusAreaId, area]) => ({
      focusAreaId,
      itemCount: area.itemCount,
      scoredCount: area.scoredCount,
      meanLevel: meanOf(area.sum, area.scoredCount),
    })),
    overall: { itemCount, scoredCount, meanLevel: meanOf(sum, scoredCount) },
  };
}

export type LevelDistribution = Record<RubricLevel | "unscored", number>;

export interface RollupItemColumn {
  itemId: string;
  title: string;
  focusAreaId: string;
  /** How many of the listed schools sit at each level; "unscored" counts schools with no score. */
  distribution: LevelDistribution;
  meanLevel: number | null;
}

export interface RollupCell {
  itemId: string;
  level: RubricLevel | null;
}

export interface RollupRow {
  schoolId: string;
  name: string;
  /** One per item, in the items' order. */
  cells: RollupCell[];
  scoredCount: number;
  meanLevel: number | null;
}

export interface RollupMatrix {
  items: RollupItemColumn[];
  rows: RollupRow[];
  /** Every scored cell in the matrix. */
  overall: { cellCount: number; scoredCount: number; meanLevel: number | null };
}

/** The district view: a row per school, a column per rubric activity, at one checkpoint. */
export function rollupMatrix(
  scores: readonly RubricScoreInput[],
  schools: readonly SchoolRef[],
  items: readonly RubricItemWithTitle[],
  checkpoint: Checkpoint,
): RollupMatrix {
  const levels = levelsAt(scores, checkpoint);
  const columns = items.map((item) => ({
    itemId: item.id,
    title: item.title,
    focusAreaId: item.focusAreaId,
    distribution: { 1: 0, 2: 0, 3: 0, 4: 0, unscored: 0 } as LevelDistribution,
    sum: 0,
    scored: 0,
  }));

  let overallSum = 0;
  let overallScored = 0;
  const rows: RollupRow[] = schools.map((school) => {
    const schoolLevels = levels.get(school.id);
    let sum = 0;
    let scored = 0;
    const cells = items.map((item, i): RollupCell => {
      const level = schoolLevels?.get(item.id) ?? null;
      const column = columns[i];
      if (level === null) {
        column.distribution.unscored++;
      } else {
        column.distribution[level]++;
        column.sum += level;
        column.scored++;
        sum += level;
        scored++;
      }
      return { itemId: item.id, level };
    });
    overallSum += sum;
    overallScored += scored;
    return { schoolId: school.id, name: school.name, cells, scoredCount: scored, meanLevel: meanOf(sum, scored) };
  });

  return {
    items: columns.map(({ sum, scored, ...column }) => ({ ...column, meanLevel: meanOf(sum, scored) })),
    rows,
    overall: { cellCount: schools.length * items.length, scoredCount: overallScored, meanLevel: meanOf(overallSum, overallScored) },
  };
}

export interface SchoolMovement {
  schoolId: string;
  name: string;
  /** Items scored at both checkpoints: only these are compared, so a newly scored item is not counted as a move. */
  comparedCount: number;
  up: number;
  down: number;
  same: number;
  /** Mean level change over the compared items, two decimals; null when nothing can be compared. */
  netChange: number | null;
}

export interface MovementReport {
  /** Every listed school, in the order given. */
  schools: SchoolMovement[];
  /** Schools whose mean rose, biggest rise first (ties by name). */
  movedUp: SchoolMovement[];
  /** Schools whose mean fell, biggest fall first (ties by name). */
  movedDown: SchoolMovement[];
}

/** How each school's rubric levels moved between two checkpoints, and which schools moved up or down overall. */
export function movement(
  scores: readonly RubricScoreInput[],
  schools: readonly SchoolRef[],
  items: readonly RubricItemRef[],
  from: Checkpoint,
  to: Checkpoint,
): MovementReport {
  const before = levelsAt(scores, from);
  const after = levelsAt(scores, to);
  // The exact change, kept aside for sorting and for the sign, since the shown value is rounded.
  const exact = new Map<string, number>();

  const rows = schools.map((school): SchoolMovement => {
    let up = 0;
    let down = 0;
    let same = 0;
    let change = 0;
    for (const item of items) {
      const a = before.get(school.id)?.get(item.id);
      const b = after.get(school.id)?.get(item.id);
      if (a === undefined || b === undefined) continue;
      if (b > a) up++;
      else if (b < a) down++;
      else same++;
      change += b - a;
    }
    const compared = up + down + same;
    if (compared > 0) exact.set(school.id, change / compared);
    // Two decimals: one step on one item out of twenty is 0.05, which one decimal would hide.
    return { schoolId: school.id, name: school.name, comparedCount: compared, up, down, same, netChange: meanOf(change, compared, 2) };
  });

  const byMagnitude = (a: SchoolMovement, b: SchoolMovement) =>
    Math.abs(exact.get(b.schoolId)!) - Math.abs(exact.get(a.schoolId)!) || a.name.localeCompare(b.name);
  return {
    schools: rows,
    movedUp: rows.filter((row) => (exact.get(row.schoolId) ?? 0) > 0).sort(byMagnitude),
    movedDown: rows.filter((row) => (exact.get(row.schoolId) ?? 0) < 0).sort(byMagnitude),
  };
}
