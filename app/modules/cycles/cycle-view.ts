// Shapes a cycle for its pages: the heading every cycle page shows and which checkpoint is the latest scored.
import type { CycleHeading } from "./components/CycleHeader";
import { checkpoints, schoolYearLabel, type Checkpoint } from "./school-year";

export function cycleHeading(
  cycle: { id: string; startYear: number; status: CycleHeading["status"]; phase: CycleHeading["phase"]; schoolId: string | null; schoolName: string | null },
  districtName: string,
): CycleHeading {
  return {
    id: cycle.id,
    yearLabel: schoolYearLabel(cycle.startYear),
    organisation: cycle.schoolId ? (cycle.schoolName ?? "School") : districtName,
    status: cycle.status,
    phase: cycle.phase,
    isDistrict: !cycle.schoolId,
  };
}

/** The last checkpoint with any score, or the baseline when nothing is scored yet. */
export function latestScoredCheckpoint(scores: readonly { checkpoint: Checkpoint }[]): Checkpoint {
  const seen = new Set(scores.map((s) => s.checkpoint));
  return [...checkpoints].reverse().find((c) => seen.has(c)) ?? "baseline";
}
