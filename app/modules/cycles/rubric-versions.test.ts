import { describe, expect, it } from "vitest";
import { describeRubricChange, diffRubricVersions, excerpt, wordingDiffers, yearEndLevel, yearOverYear, type VersionItem } from "./rubric-versions";

const item = (lineageId: string, title: string, levels: [string, string, string, string] = ["a", "b", "c", "d"], focusAreaId = "fa1"): VersionItem => ({
  lineageId,
  title,
  levels,
  focusAreaId,
});

describe("wordingDiffers", () => {
  it("is false for the same words and true for any changed title or descriptor", () => {
    expect(wordingDiffers(item("x", "Vision"), item("y", "Vision"))).toBe(false);
    expect(wordingDiffers(item("x", "Vision"), item("x", "Shared vision"))).toBe(true);
    expect(wordingDiffers(item("x", "Vision"), item("x", "Vision", ["a", "b", "c", "D"]))).toBe(true);
  });
});

describe("diffRubricVersions", () => {
  it("matches items by lineage and names what changed, added and removed", () => {
    const before = [item("l1", "Vision"), item("l2", "Staff trust"), item("l3", "Gone")];
    const after = [item("l2", "Staff trust", ["a", "B", "C", "d"]), item("l1", "Shared vision"), item("l4", "Family nights", undefined, "fa3")];
    expect(diffRubricVersions(before, after)).toEqual([
      { kind: "changed", lineageId: "l2", focusAreaId: "fa1", title: "Staff trust", previousTitle: "Staff trust", fields: ["level2", "level3"] },
      { kind: "changed", lineageId: "l1", focusAreaId: "fa1", title: "Shared vision", previousTitle: "Vision", fields: ["title"] },
      { kind: "added", lineageId: "l4", focusAreaId: "fa3", title: "Family nights" },
      { kind: "removed", lineageId: "l3", focusAreaId: "fa1", title: "Gone" },
    ]);
  });

  it("finds nothing when only the order differs", () => {
    expect(diffRubricVersions([item("l1", "A"), item("l2", "B")], [item("l2", "B"), item("l1", "A")])).toEqual([]);
  });
});

describe("describeRubricChange", () => {
  it("says each kind of change in words", () => {
    expect(describeRubricChange({ kind: "added", lineageId: "l", focusAreaId: "fa1", title: "Family nights" })).toBe("Added “Family nights”");
    expect(describeRubricChange({ kind: "removed", lineageId: "l", focusAreaId: "fa1", title: "Old" })).toBe("Removed “Old”");
    expect(
      describeRubricChange({ kind: "changed", lineageId: "l", focusAreaId: "fa1", title: "Trust", previousTitle: "Trust", fields: ["level2", "level4"] }),
    ).toBe("Reworded “Trust” (level 2, level 4)");
    expect(
      describeRubricChange({ kind: "changed", lineageId: "l", focusAreaId: "fa1", title: "Shared vision", previousTitle: "Vision", fields: ["title", "level1"] }),
    ).toBe("“Vision” is now “Shared vision” (level 1)");
  });
});

describe("yearEndLevel", () => {
  it("prefers the end of year, else the latest checkpoint scored", () => {
    expect(
      yearEndLevel([
        { checkpoint: "midyear" as const, level: 3 },
        { checkpoint: "endyear" as const, level: 4 },
        { checkpoint: "baseline" as const, level: 1 },
      ]),
    ).toEqual({ checkpoint: "endyear", level: 4 });
    expect(yearEndLevel([{ checkpoint: "baseline" as const, level: 1 }, { checkpoint: "midyear" as const, level: 2 }])).toEqual({ checkpoint: "midyear", level: 2 });
    expect(yearEndLevel([])).toBeNull();
  });
});

describe("yearOverYear", () => {
  it("puts the movement in words, and says nothing without both levels", () => {
    expect(yearOverYear(2, 3)).toEqual({ direction: "up", text: "Up 1 level on last year" });
    expect(yearOverYear(4, 2)).toEqual({ direction: "down", text: "Down 2 levels on last year" });
    expect(yearOverYear(3, 3)).toEqual({ direction: "same", text: "Same as last year" });
    expect(yearOverYear(null, 3)).toBeNull();
    expect(yearOverYear(2, null)).toBeNull();
  });
});

describe("excerpt", () => {
  it("keeps short text, flattens whitespace and cuts long text at a word", () => {
    expect(excerpt("  Team notes\n\nand walkthroughs ")).toBe("Team notes and walkthroughs");
    const long = "Observed in three classrooms, with the counsellor, over two weeks of morning meetings and advisory periods.";
    expect(excerpt(long, 40)).toBe("Observed in three classrooms, with the…");
    expect(excerpt(long, 40).length).toBeLessThanOrEqual(40);
  });
});
