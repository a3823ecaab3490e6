// Where a goal stands: an implementation goal by its rubric levels, an outcome goal by its measure's values, with small groups held back for privacy.
import { checkpointIndex, type Checkpoint } from "./school-year";

export type MeasureDirection = "higher_is_better" | "lower_is_better";

export const measureDirectionLabels: Record<MeasureDirection, string> = {
  higher_is_better: "higher is better",
  lower_is_better: "lower is better",
};

/** Whether going from one value to another is a change for the better. Equal values are not. */
export function improves(direction: MeasureDirection, from: number, to: number): boolean {
  return direction === "higher_is_better" ? to > from : to < from;
}

/** Whether a value has reached the target: at or beyond it, in the measure's direction. */
function reaches(direction: MeasureDirection, value: number, target: number): boolean {
  return direction === "higher_is_better" ? value >= target : value <= target;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Share of the way from baseline to target; 0 when the target asks for no change, since there is no way to go. */
function share(baseline: number, target: number, value: number): number {
  if (target === baseline) return 0;
  return clamp01((value - baseline) / (target - baseline));
}

export type ImplementationStatus = "not_started" | "on_track" | "met" | "not_met" | "no_data";
export type OutcomeStatus = "met" | "improving" | "worsening" | "flat" | "no_data";
export type GoalStatus = ImplementationStatus | OutcomeStatus;

export interface ImplementationProgressInput {
  targetLevel: number;
  targetCheckpoint: Checkpoint;
  /** The level the goal started from; when null, the baseline checkpoint's score, else level 1 ("not yet"). */
  baselineLevel: number | null;
  /** The goal's rubric item's scores in its cycle, in any order. */
  scores: readonly { checkpoint: Checkpoint; level: number }[];
}

export interface ImplementationProgress {
  status: ImplementationStatus;
  latestLevel: number | null;
  latestCheckpoint: Checkpoint | null;
  /** 0..1 of the way from baseline to target level; 1 when met. */
  fraction: number;
}

/**
 * Where an implementation goal ("reach level L on activity X by checkpoint C") stands.
 * Met when any score at or before C reaches L. Not met once C has passed without it: C was scored below L,
 * or a later checkpoint was scored while C was not. Otherwise on track when the latest level is above the
 * baseline, not started when it is not, and no data before the first score.
 */
export function implementationProgress(input: ImplementationProgressInput): ImplementationProgress {
  const { targetLevel, targetCheckpoint } = input;
  const target = checkpointIndex(targetCheckpoint);
  // One level per checkpoint, the later entry winning, in the order of the year.
  const byCheckpoint = new Map<Checkpoint, number>();
  for (const score of input.scores) byCheckpoint.set(score.checkpoint, score.level);
  const ordered = [...byCheckpoint].sort(([a], [b]) => checkpointIndex(a) - checkpointIndex(b));

  if (ordered.length === 0) return { status: "no_data", latestLevel: null, latestCheckpoint: null, fraction: 0 };

  const [latestCheckpoint, latestLevel] = ordered[ordered.length - 1];
  const baseline = input.baselineLevel ?? byCheckpoint.get("baseline") ?? 1;
  const byDeadline = ordered.filter(([checkpoint]) => checkpointIndex(checkpoint) <= target);

  if (byDeadline.some(([, level]) => level >= targetLevel)) {
    return { status: "met", latestLevel, latestCheckpoint, fraction: 1 };
  }

  const deadlinePassed = ordered.some(([checkpoint]) => checkpointIndex(checkpoint) >= target);
  if (deadlinePassed) {
    // Judged on where it stood by the deadline, so reaching the level afterwards does not fill the bar.
    const atDeadline = byDeadline.length > 0 ? byDeadline[byDeadline.length - 1][1] : baseline;
    return { status: "not_met", latestLevel, latestCheckpoint, fraction: share(baseline, targetLevel, atDeadline) };
  }

  return {
    status: latestLevel > baseline ? "on_track" : "not_started",
    latestLevel,
    latestCheckpoint,
    fraction: share(baseline, targetLevel, latestLevel),
  };
}

export interface MeasureValue {
  term: string;
  value: number;
  /** How many students the value is about. */
  n: number;
}

export interface OutcomeProgressInput {
  direction: MeasureDirection;
  /** When null, the oldest value shown stands in for the baseline. */
  baselineValue: number | null;
  targetValue: number;
  /** Oldest first. */
  values: readonly MeasureValue[];
  /** Values about fewer students than this are not shown, so no one can be singled out. */
  minN: number;
}

export interface OutcomeProgress {
  status: OutcomeStatus;
  /** The newest value that may be shown. */
  latest: MeasureValue | null;
  /** 0..1 of the way from baseline to target; 1 when met. */
  fraction: number;
  /** True when any value was held back for having too few students. */
  suppressed: boolean;
  suppressedCount: number;
}

/**
 * Where an outcome goal stands, from the newest value that may be shown: met when it reaches the target,
 * otherwise improving, worsening or flat against the baseline.
 */
export function outcomeProgress(input: OutcomeProgressInput): OutcomeProgress {
  const { direction, targetValue } = input;
  const shown = input.values.filter((v) => v.n >= input.minN && Number.isFinite(v.value));
  const suppressedCount = input.values.filter((v) => v.n < input.minN).length;
  const suppressed = suppressedCount > 0;

  if (shown.length === 0) return { status: "no_data", latest: null, fraction: 0, suppressed, suppressedCount };

  const latest = shown[shown.length - 1];
  if (reaches(direction, latest.value, targetValue)) {
    return { status: "met", latest, fraction: 1, suppressed, suppressedCount };
  }

  const baseline = input.baselineValue ?? shown[0].value;
  const status: OutcomeStatus = improves(direction, baseline, latest.value)
    ? "improving"
    : improves(direction, latest.value, baseline)
      ? "worsening"
      : "flat";
  return { status, latest, fraction: share(baseline, targetValue, latest.value), suppressed, suppressedCount };
}

/** Statuses only the roll-up gives an outcome goal in one school (see rollup-goals.ts). */
export type SchoolOnlyStatus = "one_value" | "held_back";

const statusLabels: Record<GoalStatus | SchoolOnlyStatus, string> = {
  not_started: "Not started",
  on_track: "On track",
  met: "Met",
  not_met: "Not met",
  no_data: "No data yet",
  improving: "Improving",
  worsening: "Worsening",
  flat: "No change",
  one_value: "One result so far",
  held_back: "Held back for privacy",
};

/** How a goal's status reads on a badge. */
export function goalStatusLabel(status: GoalStatus | SchoolOnlyStatus): string {
  return statusLabels[status];
}
