// A slice as suppression sees it: district figures from schools, the partitions that tie cells together, gap ranking.
import { describe, expect, it } from "vitest";
import { buildSliceTable, cellKey, compareGrades, gradeBand, rankGaps, suppressSlice, type GroupInfo } from "./cube";
import { suppressSmallCells } from "./suppression";

const groups: GroupInfo[] = [
  { id: "all", name: "All students", category: "all", sortOrder: 0 },
  { id: "f", name: "Female", category: "gender", sortOrder: 1 },
  { id: "m", name: "Male", category: "gender", sortOrder: 2 },
  { id: "club", name: "Robotics club", category: "custom", sortOrder: 3 },
];
const row = (schoolId: string | null, grade: string, groupId: string, n: number, value: number) => ({ schoolId, grade, groupId, n, value });

describe("buildSliceTable", () => {
  it("adds a district figure from the schools, n-weighted, unless the district has its own row", () => {
    const table = buildSliceTable([row("a", "all", "all", 30, 60), row("b", "all", "all", 10, 80), row(null, "all", "f", 5, 1), row("a", "all", "f", 4, 50)], groups, "percent");
    const cell = (key: string) => table.cells.find((c) => c.key === key);
    expect(cell(cellKey(null, "all", "all"))).toMatchObject({ n: 40, value: 65 });
    // The district's own row wins over the sum of schools.
    expect(cell(cellKey(null, "all", "f"))).toMatchObject({ n: 5, value: 1 });
  });

  it("ties groups of a category to all students, grades to all grades and schools to the district, but not custom groups", () => {
    const table = buildSliceTable(
      [row("a", "all", "all", 20, 1), row("a", "all", "f", 10, 1), row("a", "all", "m", 10, 1), row("a", "all", "club", 5, 1), row("a", "3", "all", 20, 1)],
      groups,
      "mean",
    );
    const partitions = table.partitions.map((p) => `${p.total} = ${p.members.join(" + ")}`);
    expect(partitions).toContain("a|all|all = a|all|f + a|all|m");
    expect(partitions).toContain("a|all|all = a|3|all");
    expect(partitions).toContain("district|all|all = a|all|all");
    expect(partitions.some((p) => p.includes("club") && !p.startsWith("district|all|club"))).toBe(false);
  });

  it("suppresses through the school partition: a small school cannot be subtracted from the district", () => {
    const rows = [row("a", "all", "all", 50, 70), row("b", "all", "all", 40, 60), row("c", "all", "all", 6, 20)];
    const cells = suppressSlice(rows, groups, "percent", 10);
    expect(cells.get(cellKey("c", "all", "all"))).toMatchObject({ shown: false, reason: "small" });
    expect(cells.get(cellKey("b", "all", "all"))).toMatchObject({ shown: false, reason: "complementary" });
    expect(cells.get(cellKey(null, "all", "all"))).toMatchObject({ shown: true, n: 96 });
  });
});

describe("rankGaps", () => {
  const [all, a, b, hidden, banded] = suppressSmallCells(
    {
      unit: "percent",
      cells: [
        { key: "all", n: 100, value: 50 },
        { key: "a", n: 40, value: 58 },
        { key: "b", n: 40, value: 44 },
        { key: "h", n: 3, value: 10 },
        { key: "z", n: 17, value: 2 },
      ],
      partitions: [],
    },
    10,
  );
  it("puts the largest distance from all students first, hidden and banded rows last with no gaps", () => {
    const ranked = rankGaps(
      [
        { label: "A", cell: a },
        { label: "H", cell: hidden },
        { label: "B", cell: b },
        { label: "Z", cell: banded },
      ],
      all,
      "higher_is_better",
    );
    expect(ranked.rows.map((r) => [r.label, r.gapToAll, r.gapToBest])).toEqual([
      ["A", 8, 0],
      ["B", -6, -14],
      ["H", null, null],
      ["Z", null, null],
    ]);
    expect(ranked.spread).toBe(14);
  });

  it("measures the gap to the best group in the measure's direction", () => {
    const ranked = rankGaps([{ label: "A", cell: a }, { label: "B", cell: b }], all, "lower_is_better");
    expect(ranked.rows.find((r) => r.label === "A")?.gapToBest).toBe(14);
  });
});

describe("grades", () => {
  it("orders K before 1 before 10 and bands them", () => {
    expect(["10", "K", "all", "2", "1"].sort(compareGrades)).toEqual(["all", "K", "1", "2", "10"]);
    expect(["K", "2", "3", "5", "6", "8", "9", "12", "all"].map(gradeBand)).toEqual(["K-2", "K-2", "3-5", "3-5", "6-8", "6-8", "9-12", "9-12", "all"]);
  });
});
