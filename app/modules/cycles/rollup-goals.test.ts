import { describe, expect, it } from "vitest";
import type { MeasureValue } from "./goal-progress";
import { decodeGoalStatus, goalsAcrossSchools, NOT_SHARED, outcomeMemoKey, SchoolLevels, schoolOutcomeStatus, type RollupGoal, type SchoolResults } from "./rollup-goals";
import type { RubricScoreInput } from "./rubric-rollup";

const schools = ["a", "b", "c", "d"];
const items = ["team", "plan"];

// a met level 3 at mid-year; b is climbing (2 after 1); c has not moved; d has no score for "team".
const scores: RubricScoreInput[] = [
  { schoolId: "a", itemId: "team", checkpoint: "baseline", level: 2 },
  { schoolId: "a", itemId: "team", checkpoint: "midyear", level: 3 },
  { schoolId: "b", itemId: "team", checkpoint: "baseline", level: 1 },
  { schoolId: "b", itemId: "team", checkpoint: "midyear", level: 2 },
  { schoolId: "c", itemId: "team", checkpoint: "baseline", level: 2 },
  { schoolId: "c", itemId: "team", checkpoint: "midyear", level: 2 },
  { schoolId: "d", itemId: "plan", checkpoint: "baseline", level: 4 },
];

const goal = (overrides: Partial<RollupGoal> = {}): RollupGoal => ({
  id: "g1",
  title: "Every school has an SEL team",
  kind: "implementation",
  rubricItemId: "team",
  targetLevel: 3,
  targetCheckpoint: "endyear",
  mirrorScope: "all_schools",
  chosenSchoolIds: [],
  measureId: null,
  measureName: null,
  unit: null,
  direction: null,
  targetValue: null,
  ...overrides,
});

const statusesOf = (codes: string) => [...codes].map(decodeGoalStatus);

describe("goalsAcrossSchools", () => {
  const levels = new SchoolLevels(scores, items);

  it("judges each school on its own scores for the goal's activity, as the goal page does", () => {
    const [view] = goalsAcrossSchools([goal()], schools, levels);
    expect(statusesOf(view.statuses)).toEqual(["met", "on_track", "not_started", "no_data"]);
    expect(view.counts).toEqual({ met: 1, on_track: 1, not_started: 1, not_met: 0, no_data: 1 });
    expect(view.schoolCount).toBe(4);
  });

  it("counts a missed deadline as not met", () => {
    const [view] = goalsAcrossSchools([goal({ targetCheckpoint: "midyear", targetLevel: 4 })], schools, levels);
    expect(statusesOf(view.statuses)).toEqual(["not_met", "not_met", "not_met", "no_data"]);
  });

  it("counts only the chosen schools of a goal shared with some, and leaves out goals kept at the district", () => {
    const views = goalsAcrossSchools(
      [goal({ id: "some", mirrorScope: "chosen_schools", chosenSchoolIds: ["b", "d"] }), goal({ id: "own", mirrorScope: "none" })],
      schools,
      levels,
    );
    expect(views.map((v) => v.id)).toEqual(["some"]);
    expect(views[0].statuses).toBe(`${NOT_SHARED}o${NOT_SHARED}-`);
    expect(statusesOf(views[0].statuses)).toEqual([null, "on_track", null, "no_data"]);
    expect(views[0].counts).toEqual({ met: 0, on_track: 1, not_started: 0, not_met: 0, no_data: 1 });
    expect(views[0].schoolCount).toBe(2);
  });

  it("has no data for goals without a target, and for an activity outside the rubric", () => {
    const views = goalsAcrossSchools(
      [
        goal({ id: "draft", targetLevel: null }),
        goal({ id: "foreign", rubricItemId: "not-in-this-rubric" }),
      ],
      schools,
      levels,
    );
    for (const view of views) expect(view.counts).toEqual({ met: 0, on_track: 0, not_started: 0, not_met: 0, no_data: 4 });
  });

  it("works out each target once when goals share it, and reuses a kept memo", () => {
    const memo = new Map<string, string>();
    const first = goalsAcrossSchools([goal({ id: "x" }), goal({ id: "y", title: "Same target, other words" })], schools, levels, memo);
    expect(memo.size).toBe(1);
    expect(first[0].statuses).toBe(first[1].statuses);
    // A memo entry is what later calls read: change it and the answer follows, so nothing was recomputed.
    memo.set([...memo.keys()][0], "mmmm");
    expect(goalsAcrossSchools([goal()], schools, levels, memo)[0].counts.met).toBe(4);
  });

  it("takes the later of two scores at one checkpoint, and ignores items it was not given", () => {
    const packed = new SchoolLevels(
      [
        { schoolId: "a", itemId: "team", checkpoint: "midyear", level: 2 },
        { schoolId: "a", itemId: "team", checkpoint: "midyear", level: 3 },
        { schoolId: "a", itemId: "other", checkpoint: "midyear", level: 4 },
      ],
      items,
    );
    expect(packed.scoresOf("a", "team")).toEqual([{ checkpoint: "midyear", level: 3 }]);
    expect(packed.scoresOf("a", "other")).toEqual([]);
    expect(packed.scoresOf("nobody", "team")).toEqual([]);
  });
});

describe("outcome goals across schools", () => {
  const v = (term: string, value: number, n = 100): MeasureValue => ({ term, value, n });
  const heldBack = (term: string): MeasureValue => ({ term, value: Number.NaN, n: 0 });
  const lower = { direction: "lower_is_better" as const, targetValue: 12, minN: 10 };

  it("meets the target on the latest shown result, whatever came before", () => {
    expect(schoolOutcomeStatus({ ...lower, before: [], values: [v("fall", 11.9)] })).toBe("met");
    expect(schoolOutcomeStatus({ ...lower, before: [v("year", 30)], values: [v("fall", 20), v("winter", 12)] })).toBe("met");
    expect(schoolOutcomeStatus({ direction: "higher_is_better", targetValue: 70, minN: 10, before: [], values: [v("fall", 70)] })).toBe("met");
  });

  it("judges direction against the school's last shown result of the year before, else its first of this year", () => {
    expect(schoolOutcomeStatus({ ...lower, before: [v("fall", 10), v("year", 20)], values: [v("fall", 15)] })).toBe("improving");
    expect(schoolOutcomeStatus({ ...lower, before: [v("year", 20)], values: [v("fall", 25)] })).toBe("worsening");
    expect(schoolOutcomeStatus({ ...lower, before: [v("year", 20)], values: [v("fall", 20)] })).toBe("flat");
    expect(schoolOutcomeStatus({ ...lower, before: [], values: [v("fall", 20), v("winter", 18)] })).toBe("improving");
    // A hidden result the year before is not a baseline.
    expect(schoolOutcomeStatus({ ...lower, before: [heldBack("year")], values: [v("fall", 20), v("winter", 22)] })).toBe("worsening");
  });

  it("says so when there is one result and nothing to compare it with, rather than calling it no change", () => {
    expect(schoolOutcomeStatus({ ...lower, before: [], values: [v("fall", 20)] })).toBe("one_value");
    expect(schoolOutcomeStatus({ ...lower, before: [heldBack("year")], values: [v("fall", 20)] })).toBe("one_value");
  });

  it("holds back a school whose results are all about too few students, and has no data before any result", () => {
    expect(schoolOutcomeStatus({ ...lower, before: [v("year", 20)], values: [heldBack("fall")] })).toBe("held_back");
    expect(schoolOutcomeStatus({ ...lower, before: [v("year", 20)], values: [v("fall", 20, 9)] })).toBe("held_back");
    expect(schoolOutcomeStatus({ ...lower, before: [v("year", 20)], values: [] })).toBe("no_data");
  });

  const outcomeGoal = goal({ id: "absent", kind: "outcome", rubricItemId: null, targetLevel: null, targetCheckpoint: null, measureId: "absenteeism", direction: "lower_is_better", targetValue: 12 });
  const results = (stamp: string, values: Record<string, Record<number, MeasureValue[]>>): SchoolResults => ({
    startYear: 2026,
    minN: 10,
    stamp,
    valuesOf: (measureId, year, schoolId) => (measureId === "absenteeism" ? (values[schoolId]?.[year] ?? []) : []),
  });

  it("counts each school's status for a shared outcome goal, and has no data without results or a target", () => {
    const data = results("s1", { a: { 2026: [v("fall", 10)] }, b: { 2025: [v("year", 20)], 2026: [v("fall", 15)] }, c: { 2026: [heldBack("fall")] } });
    const [view] = goalsAcrossSchools([outcomeGoal], schools, new SchoolLevels([], items), new Map(), data);
    expect([...view.statuses].map(decodeGoalStatus)).toEqual(["met", "improving", "held_back", "no_data"]);
    expect(view.counts).toEqual({ met: 1, improving: 1, flat: 0, worsening: 0, one_value: 0, held_back: 1, no_data: 1 });
    expect(goalsAcrossSchools([outcomeGoal], schools, new SchoolLevels([], items))[0].counts.no_data).toBe(4);
    expect(goalsAcrossSchools([{ ...outcomeGoal, targetValue: null }], schools, new SchoolLevels([], items), new Map(), data)[0].counts.no_data).toBe(4);
  });

  it("keeps an outcome goal's statuses per data stamp, so a new import is never answered from the memo", () => {
    const memo = new Map<string, string>();
    const before = results("s1", { a: { 2026: [v("fall", 20)] } });
    goalsAcrossSchools([outcomeGoal], schools, new SchoolLevels([], items), memo, before);
    expect(memo.get(outcomeMemoKey(outcomeGoal, before))).toBe("1---");
    const after = results("s2", { a: { 2026: [v("fall", 20), v("winter", 11)] } });
    const [view] = goalsAcrossSchools([outcomeGoal], schools, new SchoolLevels([], items), memo, after);
    expect(decodeGoalStatus(view.statuses[0])).toBe("met");
  });
});
