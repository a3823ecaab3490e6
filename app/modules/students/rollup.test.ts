import { describe, expect, it } from "vitest";
import { defaultThresholds } from "./indicators";
import { termRates, type TermStanding } from "./rollup";

const standing = (over: Partial<TermStanding>): TermStanding => ({
  schoolId: "s-1",
  grade: "3",
  groups: [],
  daysEnrolled: 50,
  daysAbsent: 0,
  coursesFailing: 0,
  trustedAdult: true,
  ...over,
});

describe("termRates", () => {
  const standings = [
    standing({ daysAbsent: 5, groups: ["english-learners"] }), // chronic (10 %)
    standing({ daysAbsent: 4, coursesFailing: 1 }),
    standing({ grade: "4", trustedAdult: false, groups: ["english-learners"] }),
    standing({ grade: "4", trustedAdult: null }),
    standing({ schoolId: "s-2", daysAbsent: 20, daysEnrolled: 50 }),
  ];
  const cells = termRates(standings, defaultThresholds, { district: true });
  const cell = (schoolId: string | null, grade: string, group: string, measure: string) =>
    cells.find((c) => c.schoolId === schoolId && c.grade === grade && c.group === group && c.measure === measure);

  it("computes a school's rates over all its students", () => {
    expect(cell("s-1", "all", "all", "chronic-absenteeism-rate")).toMatchObject({ n: 4, value: 25 });
    expect(cell("s-1", "all", "all", "course-failure-rate")).toMatchObject({ n: 4, value: 25 });
    // Connectedness counts only those who answered.
    expect(cell("s-1", "all", "all", "connectedness-favourable")).toMatchObject({ n: 3, value: 66.7 });
  });

  it("breaks rates down by grade and by student group", () => {
    expect(cell("s-1", "4", "all", "connectedness-favourable")).toMatchObject({ n: 1, value: 0 });
    expect(cell("s-1", "all", "english-learners", "chronic-absenteeism-rate")).toMatchObject({ n: 2, value: 50 });
    expect(cell("s-1", "3", "english-learners", "chronic-absenteeism-rate")).toMatchObject({ n: 1, value: 100 });
  });

  it("adds district rows over every school when asked, and none otherwise", () => {
    expect(cell(null, "all", "all", "chronic-absenteeism-rate")).toMatchObject({ n: 5, value: 40 });
    expect(termRates(standings, defaultThresholds, { district: false }).some((c) => c.schoolId === null)).toBe(false);
  });

  it("skips cells nobody counts in", () => {
    expect(termRates([standing({ trustedAdult: null })], defaultThresholds, { district: false }).map((c) => c.measure)).not.toContain("connectedness-favourable");
  });
});

