import { describe, expect, it } from "vitest";
import { measureConflictRows, measureUseInWords, refusedMeasureChanges, studentGroupConflictRows, type MeasureUse } from "./measure-edit";

const unused: MeasureUse = { results: 0, goals: 0, benchmarks: 0, ranges: [] };
const saved = { unit: "mean", direction: "higher_is_better", scaleMin: 1, scaleMax: 5 };

describe("what a measure in use may not change", () => {
  it("lets everything change while nothing reads the measure", () => {
    expect(refusedMeasureChanges(saved, { unit: "percent", direction: "lower_is_better", scaleMin: 0, scaleMax: 100 }, unused)).toEqual({});
  });

  it("names what reads it, with counts in the district's words", () => {
    expect(measureUseInWords(unused)).toBeNull();
    expect(measureUseInWords({ ...unused, results: 1240 })).toBe("1,240 imported results");
    expect(measureUseInWords({ ...unused, results: 1, goals: 2 })).toBe("1 imported result and 2 goals");
    expect(measureUseInWords({ results: 3, goals: 1, benchmarks: 2, ranges: [] })).toBe("3 imported results, 1 goal and 2 benchmarks and targets");
  });

  it("fixes unit and direction once anything reads the measure, and says why", () => {
    const use = { results: 1240, goals: 2, benchmarks: 0, ranges: [{ of: "results" as const, min: 1.2, max: 4.8 }] };
    const refused = refusedMeasureChanges(saved, { ...saved, unit: "percent", direction: "lower_is_better" }, use);
    expect(refused.unit).toEqual(["This measure has 1,240 imported results and 2 goals; its unit can't change, because they would all be read in the new unit."]);
    expect(refused.direction).toEqual(["This measure has 1,240 imported results and 2 goals; which way is better can't change, because their progress would read the other way round."]);
    // Unchanged unit and direction are never refused.
    expect(refusedMeasureChanges(saved, saved, use)).toEqual({});
  });

  it("moves the scale only as far as every saved value stays inside, naming the kind that holds the extreme", () => {
    const use: MeasureUse = {
      results: 10,
      goals: 1,
      benchmarks: 1,
      ranges: [
        { of: "results", min: 1.5, max: 4.2 },
        { of: "goals", min: 2, max: 4.6 },
        { of: "benchmarks", min: 1.8, max: 3 },
      ],
    };
    expect(refusedMeasureChanges(saved, { ...saved, scaleMin: 0, scaleMax: 10 }, use)).toEqual({});
    expect(refusedMeasureChanges(saved, { ...saved, scaleMin: 1.5, scaleMax: 4.6 }, use)).toEqual({});
    expect(refusedMeasureChanges(saved, { ...saved, scaleMin: 1.6, scaleMax: 4.5 }, use)).toEqual({
      scaleMin: ["Imported results go as low as 1.5, so the lowest value can be 1.5 at most."],
      scaleMax: ["Goal baselines and targets go as high as 4.6, so the highest value must be at least 4.6."],
    });
    // Goals or benchmarks alone (no results yet) hold the scale just the same.
    expect(refusedMeasureChanges(saved, { ...saved, scaleMin: 2 }, { ...unused, benchmarks: 1, ranges: [{ of: "benchmarks", min: 1.8, max: 3 }] })).toEqual({
      scaleMin: ["Benchmarks and targets go as low as 1.8, so the lowest value can be 1.8 at most."],
    });
  });
});

describe("a measure or group saved meanwhile, beside what was typed", () => {
  it("lists only the fields that differ, in the form's words, numbers compared as numbers", () => {
    const theirs = { name: "Belonging index", description: "", category: "connectedness", unit: "mean", direction: "higher_is_better", scaleMin: 1, scaleMax: 5 };
    const typed = { name: "Belonging index", description: "", category: "custom", unit: "mean", direction: "lower_is_better", scaleMin: "1.0", scaleMax: "5" };
    expect(measureConflictRows(theirs, typed)).toEqual([
      { field: "category", label: "Category", saved: "Connectedness", typed: "Other" },
      { field: "direction", label: "Which way is better", saved: "Higher is better", typed: "Lower is better" },
    ]);
    expect(studentGroupConflictRows({ name: "Newcomers" }, { name: " Newcomers " })).toEqual([]);
    expect(studentGroupConflictRows({ name: "Newcomers" }, { name: "Recent arrivals" })).toEqual([{ field: "name", label: "Group name", saved: "Newcomers", typed: "Recent arrivals" }]);
  });
});
