// A slice as suppression sees it: district figures from schools, the partitions that tie cells together, gap ranking.
import fc from "fast-check";
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

describe("the district's partitions, where its figures are its schools' added up", () => {
  // Suppression drops a partition whose members leave a large remainder (docs/decisions/0020). For the district
  // that loses nothing: its category partition is the sum of its schools' category partitions and of the
  // school partitions of each of its cells, so the district's remainder is its schools' remainders together, and
  // whatever the district's partition tells is told by those already.
  const rowsArbitrary = fc
    .uniqueArray(
      fc.record({
        schoolId: fc.constantFrom("a", "b", "c"),
        grade: fc.constantFrom("all", "1", "2"),
        groupId: fc.constantFrom("all", "f", "m", "club"),
        n: fc.integer({ min: 0, max: 30 }),
        value: fc.double({ min: 0, max: 100, noNaN: true }),
      }),
      { selector: (r) => `${r.schoolId}|${r.grade}|${r.groupId}`, maxLength: 36 },
    );

  it("is its schools' partitions and the school partitions of its cells added up, coefficient by coefficient", () => {
    let checked = 0;
    fc.assert(
      fc.property(rowsArbitrary, (rows) => {
        const table = buildSliceTable(rows, groups, "mean");
        const n = new Map(table.cells.map((c) => [c.key, c.n]));
        /** A partition as coefficients: +1 for its total, −1 for each member. */
        const vector = (total: string, members: string[]) => {
          const v = new Map<string, number>([[total, 1]]);
          for (const m of members) v.set(m, (v.get(m) ?? 0) - 1);
          return v;
        };
        const add = (into: Map<string, number>, v: Map<string, number>, times: number) => {
          for (const [k, c] of v) into.set(k, (into.get(k) ?? 0) + times * c);
        };
        const partitionOf = (total: string, member: (key: string) => boolean) => table.partitions.find((p) => p.total === total && p.members.every(member));
        const schoolsOf = (grade: string, group: string) => ["a", "b", "c"].map((s) => cellKey(s, grade, group)).filter((k) => n.has(k));
        for (const grade of ["all", "1", "2"]) {
          const total = cellKey(null, grade, "all");
          const district = partitionOf(total, (k) => k.startsWith("district|") && !k.endsWith("|all"));
          if (!district) continue;
          checked++;
          // Every district cell of the partition is the sum of its schools' cells, as a partition of the table.
          const combination = new Map<string, number>();
          for (const [key, sign] of [[total, 1], ...district.members.map((m) => [m, -1] as const)] as const) {
            const [, , group] = key.split("|");
            const sum = partitionOf(key, (k) => !k.startsWith("district|"));
            expect(sum?.members.sort(), key).toEqual(schoolsOf(grade, group).sort());
            add(combination, vector(key, sum!.members), sign);
          }
          // Plus each school's own partition, whether the table holds it or not (a school with no total or no member
          // has none, and the difference is all remainder).
          let schoolRemainders = 0;
          for (const s of ["a", "b", "c"]) {
            const schoolTotal = cellKey(s, grade, "all");
            const members = district.members.map((m) => cellKey(s, grade, m.split("|")[2])).filter((k) => n.has(k));
            const own = vector(schoolTotal, members);
            if (!n.has(schoolTotal)) own.delete(schoolTotal);
            add(combination, own, 1);
            schoolRemainders += (n.get(schoolTotal) ?? 0) - members.reduce((r, m) => r + n.get(m)!, 0);
          }
          const expected = vector(total, district.members);
          const nonZero = (v: Map<string, number>) => [...v].filter(([, c]) => c !== 0).sort(([a], [b]) => a.localeCompare(b));
          expect(nonZero(combination), total).toEqual(nonZero(expected));
          // So, over n: the district's remainder is its schools' together.
          expect(n.get(total)! - district.members.reduce((r, m) => r + n.get(m)!, 0), total).toBe(schoolRemainders);
        }
      }),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(100);
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
