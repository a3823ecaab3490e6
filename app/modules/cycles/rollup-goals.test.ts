import { describe, expect, it } from "vitest";
import { decodeGoalStatus, goalsAcrossSchools, NOT_SHARED, SchoolLevels, type RollupGoal } from "./rollup-goals";
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

  it("has no data for outcome goals, for goals without a target, and for an activity outside the rubric", () => {
    const views = goalsAcrossSchools(
      [
        goal({ id: "outcome", kind: "outcome", rubricItemId: null, targetLevel: null, targetCheckpoint: null }),
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
