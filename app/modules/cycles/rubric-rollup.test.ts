import { describe, expect, it } from "vitest";
import {
  isRubricLevel,
  latestLevels,
  levelLabel,
  levelShortLabel,
  movement,
  rollupMatrix,
  rubricSummary,
  type RubricLevel,
  type RubricScoreInput,
} from "./rubric-rollup";
import type { Checkpoint } from "./school-year";

const score = (schoolId: string, itemId: string, checkpoint: Checkpoint, level: RubricLevel): RubricScoreInput => ({
  schoolId,
  itemId,
  checkpoint,
  level,
});

// Two focus areas: adult SEL (a1, a2, a3) and classroom practice (c1, c2).
const items = [
  { id: "a1", focusAreaId: "adult", title: "Staff learning" },
  { id: "a2", focusAreaId: "adult", title: "Adult SEL" },
  { id: "c1", focusAreaId: "classroom", title: "Explicit SEL instruction" },
  { id: "a3", focusAreaId: "adult", title: "Trust among staff" },
  { id: "c2", focusAreaId: "classroom", title: "Integrated into academics" },
];

const schools = [
  { id: "s-oak", name: "Oak Elementary" },
  { id: "s-elm", name: "Elm Middle" },
  { id: "s-ash", name: "Ash High" },
];

describe("levelLabel and levelShortLabel", () => {
  it("use the rubric's wording for every level", () => {
    expect([1, 2, 3, 4].map((l) => levelLabel(l as RubricLevel))).toEqual([
      "1 — Not yet planned or implemented",
      "2 — Partially planned and implemented",
      "3 — Mostly planned and implemented",
      "4 — Fully planned and implemented",
    ]);
    expect([1, 2, 3, 4].map((l) => levelShortLabel(l as RubricLevel))).toEqual(["Not yet", "Partially", "Mostly", "Fully"]);
  });

  it("isRubricLevel accepts 1 to 4 only", () => {
    expect([1, 2, 3, 4].every(isRubricLevel)).toBe(true);
    for (const value of [0, 5, 2.5, "2", null, undefined]) expect(isRubricLevel(value)).toBe(false);
  });
});

describe("latestLevels", () => {
  it("takes each item's latest scored checkpoint, whatever the input order", () => {
    const scores = [
      score("s-oak", "a1", "endyear", 3),
      score("s-oak", "a1", "baseline", 1),
      score("s-oak", "a1", "midyear", 2),
      score("s-oak", "a2", "baseline", 2),
      score("s-oak", "c1", "midyear", 4),
      score("s-oak", "c1", "baseline", 1),
    ];
    const latest = latestLevels(scores, ["a1", "a2", "c1", "c2"]);
    expect(latest.get("a1")).toEqual({ level: 3, checkpoint: "endyear" });
    expect(latest.get("a2")).toEqual({ level: 2, checkpoint: "baseline" });
    expect(latest.get("c1")).toEqual({ level: 4, checkpoint: "midyear" });
  });

  it("leaves out items never scored and items not asked for", () => {
    const latest = latestLevels([score("s-oak", "a1", "baseline", 2), score("s-oak", "zz", "endyear", 4)], ["a1", "c2"]);
    expect([...latest.keys()]).toEqual(["a1"]);
    expect(latest.has("c2")).toBe(false);
    expect(latest.has("zz")).toBe(false);
  });

  it("returns an empty map for no scores or no items", () => {
    expect(latestLevels([], ["a1"]).size).toBe(0);
    expect(latestLevels([score("s-oak", "a1", "baseline", 2)], []).size).toBe(0);
  });

  it("lets the later of two scores at the same checkpoint win, as a later save would", () => {
    const latest = latestLevels([score("s-oak", "a1", "midyear", 2), score("s-oak", "a1", "midyear", 3)], ["a1"]);
    expect(latest.get("a1")).toEqual({ level: 3, checkpoint: "midyear" });
  });
});

describe("rubricSummary", () => {
  it("counts and averages per focus area and overall, at the chosen checkpoint only", () => {
    const scores = [
      score("s-oak", "a1", "midyear", 2),
      score("s-oak", "a2", "midyear", 3),
      score("s-oak", "c1", "midyear", 4),
      // Other checkpoints must not leak in.
      score("s-oak", "a3", "baseline", 1),
      score("s-oak", "c2", "endyear", 4),
    ];
    const summary = rubricSummary(scores, items, "midyear");
    expect(summary.focusAreas).toEqual([
      { focusAreaId: "adult", itemCount: 3, scoredCount: 2, meanLevel: 2.5 },
      { focusAreaId: "classroom", itemCount: 2, scoredCount: 1, meanLevel: 4 },
    ]);
    expect(summary.overall).toEqual({ itemCount: 5, scoredCount: 3, meanLevel: 3 });
  });

  it("gives a null mean, not zero, where nothing is scored", () => {
    const summary = rubricSummary([score("s-oak", "a1", "baseline", 2)], items, "baseline");
    expect(summary.focusAreas[1]).toEqual({ focusAreaId: "classroom", itemCount: 2, scoredCount: 0, meanLevel: null });
    expect(rubricSummary([], items, "baseline").overall).toEqual({ itemCount: 5, scoredCount: 0, meanLevel: null });
  });

  it("rounds the mean to one decimal, halves up", () => {
    // (1 + 2 + 2) / 3 = 1.666…
    const thirds = rubricSummary([score("s", "a1", "baseline", 1), score("s", "a2", "baseline", 2), score("s", "a3", "baseline", 2)], items, "baseline");
    expect(thirds.focusAreas[0].meanLevel).toBe(1.7);
    // (2 + 2 + 2 + 3) / 4 = 2.25, which naive float rounding turns into 2.2.
    const quarter = rubricSummary(
      [score("s", "a1", "baseline", 2), score("s", "a2", "baseline", 2), score("s", "a3", "baseline", 2), score("s", "c1", "baseline", 3)],
      items,
      "baseline",
    );
    expect(quarter.overall.meanLevel).toBe(2.3);
  });

  it("ignores scores for items that are not on the rubric", () => {
    const summary = rubricSummary([score("s", "retired", "baseline", 4), score("s", "a1", "baseline", 1)], items, "baseline");
    expect(summary.overall).toEqual({ itemCount: 5, scoredCount: 1, meanLevel: 1 });
  });

  it("has no focus areas for a rubric with no items", () => {
    expect(rubricSummary([score("s", "a1", "baseline", 1)], [], "baseline")).toEqual({
      focusAreas: [],
      overall: { itemCount: 0, scoredCount: 0, meanLevel: null },
    });
  });
});

describe("rollupMatrix", () => {
  const scores = [
    score("s-oak", "a1", "midyear", 4),
    score("s-oak", "a2", "midyear", 3),
    score("s-oak", "c1", "midyear", 3),
    score("s-elm", "a1", "midyear", 1),
    score("s-elm", "c2", "midyear", 2),
    score("s-oak", "c2", "baseline", 1), // another checkpoint
    score("s-pine", "a1", "midyear", 4), // a school not in the list
  ];
  const matrix = rollupMatrix(scores, schools, items, "midyear");

  it("gives each school a row with a cell per item in the items' order", () => {
    expect(matrix.rows.map((r) => r.schoolId)).toEqual(["s-oak", "s-elm", "s-ash"]);
    expect(matrix.rows[0].cells).toEqual([
      { itemId: "a1", level: 4 },
      { itemId: "a2", level: 3 },
      { itemId: "c1", level: 3 },
      { itemId: "a3", level: null },
      { itemId: "c2", level: null },
    ]);
    expect(matrix.rows[2].cells.every((c) => c.level === null)).toBe(true);
  });

  it("averages each school over what it scored", () => {
    expect(matrix.rows.map((r) => [r.name, r.scoredCount, r.meanLevel])).toEqual([
      ["Oak Elementary", 3, 3.3],
      ["Elm Middle", 2, 1.5],
      ["Ash High", 0, null],
    ]);
  });

  it("counts each level per item across the listed schools, with unscored schools counted too", () => {
    const a1 = matrix.items[0];
    expect(a1).toEqual({
      itemId: "a1",
      title: "Staff learning",
      focusAreaId: "adult",
      distribution: { 1: 1, 2: 0, 3: 0, 4: 1, unscored: 1 },
      meanLevel: 2.5,
    });
    expect(matrix.items[3].distribution).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0, unscored: 3 });
    expect(matrix.items[3].meanLevel).toBeNull();
    for (const column of matrix.items) {
      const d = column.distribution;
      expect(d[1] + d[2] + d[3] + d[4] + d.unscored).toBe(schools.length);
    }
  });

  it("summarises the whole matrix", () => {
    expect(matrix.overall).toEqual({ cellCount: 15, scoredCount: 5, meanLevel: 2.6 });
  });

  it("copes with no schools, no items and no scores", () => {
    expect(rollupMatrix(scores, [], items, "midyear")).toMatchObject({ rows: [], overall: { cellCount: 0, scoredCount: 0, meanLevel: null } });
    expect(rollupMatrix(scores, [], items, "midyear").items[0].distribution).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0, unscored: 0 });
    const noItems = rollupMatrix(scores, schools, [], "midyear");
    expect(noItems.items).toEqual([]);
    expect(noItems.rows[0]).toEqual({ schoolId: "s-oak", name: "Oak Elementary", cells: [], scoredCount: 0, meanLevel: null });
    const empty = rollupMatrix([], schools, items, "endyear");
    expect(empty.items.every((c) => c.distribution.unscored === 3)).toBe(true);
  });
});

describe("movement", () => {
  const scores = [
    // Oak: a1 1→3, a2 2→2, c1 3→2 → net (+2 + 0 − 1) / 3 = 0.33
    score("s-oak", "a1", "baseline", 1),
    score("s-oak", "a1", "endyear", 3),
    score("s-oak", "a2", "baseline", 2),
    score("s-oak", "a2", "endyear", 2),
    score("s-oak", "c1", "baseline", 3),
    score("s-oak", "c1", "endyear", 2),
    // Oak's c2 is only scored at the end: not a move.
    score("s-oak", "c2", "endyear", 4),
    // Elm: a1 4→2 → net −2
    score("s-elm", "a1", "baseline", 4),
    score("s-elm", "a1", "endyear", 2),
    // Ash: a1 2→3, a2 1→2 → net +1
    score("s-ash", "a1", "baseline", 2),
    score("s-ash", "a1", "endyear", 3),
    score("s-ash", "a2", "baseline", 1),
    score("s-ash", "a2", "endyear", 2),
  ];

  it("counts ups, downs and sames over items scored at both checkpoints", () => {
    const report = movement(scores, schools, items, "baseline", "endyear");
    expect(report.schools).toEqual([
      { schoolId: "s-oak", name: "Oak Elementary", comparedCount: 3, up: 1, down: 1, same: 1, netChange: 0.33 },
      { schoolId: "s-elm", name: "Elm Middle", comparedCount: 1, up: 0, down: 1, same: 0, netChange: -2 },
      { schoolId: "s-ash", name: "Ash High", comparedCount: 2, up: 2, down: 0, same: 0, netChange: 1 },
    ]);
  });

  it("lists schools that moved up and down, biggest change first", () => {
    const report = movement(scores, schools, items, "baseline", "endyear");
    expect(report.movedUp.map((s) => s.schoolId)).toEqual(["s-ash", "s-oak"]);
    expect(report.movedDown.map((s) => s.schoolId)).toEqual(["s-elm"]);
  });

  it("reverses when the checkpoints are swapped", () => {
    const report = movement(scores, schools, items, "endyear", "baseline");
    expect(report.movedUp.map((s) => s.schoolId)).toEqual(["s-elm"]);
    expect(report.movedDown.map((s) => s.schoolId)).toEqual(["s-ash", "s-oak"]);
    expect(report.schools[0].netChange).toBe(-0.33);
  });

  it("leaves out of both lists a school with nothing to compare or no net change", () => {
    const flat = [score("s-oak", "a1", "baseline", 1), score("s-oak", "a1", "midyear", 2), score("s-oak", "a2", "baseline", 3), score("s-oak", "a2", "midyear", 2)];
    const report = movement(flat, schools, items, "baseline", "midyear");
    expect(report.schools[0]).toMatchObject({ up: 1, down: 1, same: 0, netChange: 0 });
    expect(Object.is(report.schools[0].netChange, 0)).toBe(true);
    expect(report.schools[1]).toMatchObject({ comparedCount: 0, netChange: null });
    expect(report.movedUp).toEqual([]);
    expect(report.movedDown).toEqual([]);
  });

  it("breaks ties in size of change by school name", () => {
    const tied = [
      score("s-oak", "a1", "baseline", 1),
      score("s-oak", "a1", "endyear", 2),
      score("s-ash", "a1", "baseline", 2),
      score("s-ash", "a1", "endyear", 3),
      score("s-elm", "a1", "baseline", 3),
      score("s-elm", "a1", "endyear", 4),
    ];
    expect(movement(tied, schools, items, "baseline", "endyear").movedUp.map((s) => s.name)).toEqual(["Ash High", "Elm Middle", "Oak Elementary"]);
  });

  it("sorts by the exact change even when the rounded ones look alike", () => {
    // 1 step over 3 items (0.333) beats 1 step over 4 items (0.25) and shows to two decimals.
    const close = [
      ...["a1", "a2", "a3"].flatMap((id, i) => [score("s-oak", id, "baseline", 2), score("s-oak", id, "endyear", (i === 0 ? 3 : 2) as RubricLevel)]),
      ...["a1", "a2", "a3", "c1"].flatMap((id, i) => [score("s-ash", id, "baseline", 2), score("s-ash", id, "endyear", (i === 0 ? 3 : 2) as RubricLevel)]),
    ];
    const report = movement(close, schools, items, "baseline", "endyear");
    expect(report.movedUp.map((s) => [s.schoolId, s.netChange])).toEqual([
      ["s-oak", 0.33],
      ["s-ash", 0.25],
    ]);
  });

  it("rounds a small fall the same way as a small rise", () => {
    // One step down over eight items is −0.125.
    const eight = Array.from({ length: 8 }, (_, i) => ({ id: `i${i}`, focusAreaId: "f" }));
    const fall = eight.flatMap((item, i) => [score("s-oak", item.id, "baseline", 3), score("s-oak", item.id, "midyear", (i === 0 ? 2 : 3) as RubricLevel)]);
    expect(movement(fall, schools, eight, "baseline", "midyear").schools[0].netChange).toBe(-0.13);
    expect(movement(fall, schools, eight, "midyear", "baseline").schools[0].netChange).toBe(0.13);
  });

  it("returns empty lists for no schools or no scores", () => {
    expect(movement(scores, [], items, "baseline", "endyear")).toEqual({ schools: [], movedUp: [], movedDown: [] });
    const none = movement([], schools, items, "baseline", "endyear");
    expect(none.schools.every((s) => s.comparedCount === 0 && s.netChange === null)).toBe(true);
    expect(none.movedUp).toEqual([]);
  });
});
