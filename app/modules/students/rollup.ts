// From students to rates: a term's chronic absenteeism, course failure and connectedness for each school (and the
// district) by grade and student group — the aggregated rows the outcome measures read. Pure and unit-tested.
import { isChronicallyAbsent, type Thresholds } from "./indicators";

export const rollupMeasures = ["chronic-absenteeism-rate", "course-failure-rate", "connectedness-favourable"] as const;
export type RollupMeasure = (typeof rollupMeasures)[number];

/** One student's standing at the end of a term (the term's last week; the term's latest connectedness answer). */
export interface TermStanding {
  schoolId: string;
  grade: string;
  groups: string[];
  daysEnrolled: number;
  daysAbsent: number;
  coursesFailing: number;
  trustedAdult: boolean | null;
}

export interface RateCell {
  /** Null for the district as a whole. */
  schoolId: string | null;
  grade: string;
  group: string;
  measure: RollupMeasure;
  n: number;
  /** Percent, one decimal. */
  value: number;
}

/** Rates for every school, grade ("all" and each) and group ("all" and each a student is in); the district too if asked. */
export function termRates(standings: TermStanding[], thresholds: Thresholds, options: { district: boolean }): RateCell[] {
  const tallies = new Map<string, { schoolId: string | null; grade: string; group: string; counts: Record<RollupMeasure, [number, number]> }>();
  for (const s of standings) {
    const schools = options.district ? [s.schoolId, null] : [s.schoolId];
    for (const schoolId of schools) {
      for (const grade of ["all", s.grade]) {
        for (const group of ["all", ...s.groups]) {
          const key = `${schoolId ?? ""}|${grade}|${group}`;
          let tally = tallies.get(key);
          if (!tally) {
            tally = { schoolId, grade, group, counts: { "chronic-absenteeism-rate": [0, 0], "course-failure-rate": [0, 0], "connectedness-favourable": [0, 0] } };
            tallies.set(key, tally);
          }
          if (s.daysEnrolled > 0) {
            tally.counts["chronic-absenteeism-rate"][0] += 1;
            if (isChronicallyAbsent(s, thresholds)) tally.counts["chronic-absenteeism-rate"][1] += 1;
          }
          tally.counts["course-failure-rate"][0] += 1;
          if (s.coursesFailing > 0 && s.coursesFailing >= thresholds.failingCourses) tally.counts["course-failure-rate"][1] += 1;
          if (s.trustedAdult !== null) {
            tally.counts["connectedness-favourable"][0] += 1;
            if (s.trustedAdult) tally.counts["connectedness-favourable"][1] += 1;
          }
        }
      }
    }
  }
  const cells: RateCell[] = [];
  for (const tally of tallies.values()) {
    for (const measure of rollupMeasures) {
      const [n, hits] = tally.counts[measure];
      if (n === 0) continue;
      cells.push({ schoolId: tally.schoolId, grade: tally.grade, group: tally.group, measure, n, value: Math.round((hits / n) * 1000) / 10 });
    }
  }
  return cells;
}

