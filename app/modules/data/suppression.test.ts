// Suppression: worked examples, then properties over random tables — nothing small is shown, and nothing hidden can
// be worked out from what is shown, by one subtraction or by combining every partition an onlooker knows.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { determinedUnknowns, displayValue, hiddenCells, suppressSmallCells, type Partition, type SuppressionTable } from "./suppression";

const table = (cells: [string, number, number][], partitions: Partition[], unit = "mean"): SuppressionTable => ({
  unit,
  cells: cells.map(([key, n, value]) => ({ key, n, value })),
  partitions,
});

describe("suppressSmallCells", () => {
  it("hides a small group and, so it cannot be subtracted from all students, the next smallest", () => {
    const t = table(
      [
        ["all", 60, 3.5],
        ["a", 30, 3.6],
        ["b", 22, 3.4],
        ["c", 8, 3.375],
      ],
      [{ total: "all", members: ["a", "b", "c"] }],
    );
    // Primary suppression alone would give c away: (60·3.5 − 30·3.6 − 22·3.4) / (60 − 30 − 22) = 3.375.
    const out = suppressSmallCells(t, 10);
    expect(out.map((c) => [c.key, c.shown ? c.display : c.reason])).toEqual([
      ["all", "3.50"],
      ["a", "3.60"],
      ["b", "complementary"],
      ["c", "small"],
    ]);
    expect(out[3]).toMatchObject({ display: "fewer than 10 students", n: null, value: null });
    expect(out[2]).toMatchObject({ display: "hidden so a small group cannot be worked out", n: null });
  });

  it("leaves a table alone when every cell is large enough", () => {
    const out = suppressSmallCells(table([["all", 40, 50], ["a", 20, 40], ["b", 20, 60]], [{ total: "all", members: ["a", "b"] }], "percent"), 10);
    expect(out.every((c) => c.shown)).toBe(true);
  });

  it("hides a total whose only other unknown is itself, when every member is hidden but one is shown", () => {
    const out = suppressSmallCells(table([["all", 12, 2], ["a", 12, 2]], [{ total: "all", members: ["a"] }]), 13);
    expect(out.map((c) => c.shown)).toEqual([false, false]);
  });

  it("follows a hidden cell into the other partitions it sits in", () => {
    // Grade 3 girls is small; hiding grade 3 boys protects the gender partition, but then the grade partition of boys
    // has one unknown left, so a further cell goes there, and so on until every partition has 0 or ≥ 2 unknowns.
    const cells: [string, number, number][] = [
      ["all|all", 100, 50],
      ["all|f", 50, 50],
      ["all|m", 50, 50],
      ["3|all", 30, 50],
      ["3|f", 6, 50],
      ["3|m", 24, 50],
      ["4|all", 70, 50],
      ["4|f", 44, 50],
      ["4|m", 26, 50],
    ];
    const partitions: Partition[] = [
      { total: "all|all", members: ["all|f", "all|m"] },
      { total: "3|all", members: ["3|f", "3|m"] },
      { total: "4|all", members: ["4|f", "4|m"] },
      { total: "all|all", members: ["3|all", "4|all"] },
      { total: "all|f", members: ["3|f", "4|f"] },
      { total: "all|m", members: ["3|m", "4|m"] },
    ];
    const hidden = hiddenCells(table(cells, partitions), 10);
    expect(hidden.get("3|f")).toBe("small");
    expect(hidden.get("3|m")).toBe("complementary");
    expect(hidden.get("4|f")).toBe("complementary");
    expect(hidden.get("4|m")).toBe("complementary");
    expect(determinedUnknowns(partitions, hidden)).toEqual([]);
  });

  it("bands percentages near nobody and everybody, never means", () => {
    expect(displayValue(4.9, "percent")).toEqual({ display: "< 5 %", banded: true });
    expect(displayValue(5, "percent")).toEqual({ display: "5.0 %", banded: false });
    expect(displayValue(95, "percent")).toEqual({ display: "95.0 %", banded: false });
    expect(displayValue(95.1, "percent")).toEqual({ display: "> 95 %", banded: true });
    expect(displayValue(1.2, "mean")).toEqual({ display: "1.20", banded: false });
  });

  it("gives a banded percentage no number, only its band", () => {
    const [low, mid] = suppressSmallCells(table([["a", 40, 2.5], ["b", 40, 50]], [], "percent"), 10);
    expect(low).toMatchObject({ shown: true, value: null, display: "< 5 %", banded: true, n: 40 });
    expect(mid).toMatchObject({ shown: true, value: 50, display: "50.0 %", banded: false });
  });

  it("hides cells whose n is zero or whose value is not a number", () => {
    const out = suppressSmallCells(table([["a", 0, 0], ["b", 50, Number.NaN]], []), 5);
    expect(out.map((c) => c.shown)).toEqual([false, false]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties. Tables are built from random "micro" counts so every partition adds up exactly, as real data would:
// schools × grades × one value per category, each with a count of students and a sum of their answers.

interface Generated {
  table: SuppressionTable;
  minN: number;
}

const tableArbitrary: fc.Arbitrary<Generated> = fc
  .record({
    schools: fc.integer({ min: 1, max: 3 }),
    grades: fc.integer({ min: 1, max: 3 }),
    categories: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
    crossGradeGroup: fc.boolean(),
    minN: fc.integer({ min: 5, max: 15 }),
    seed: fc.array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.double({ min: 0, max: 100, noNaN: true })), { minLength: 400, maxLength: 400 }),
  })
  .map(({ schools, grades, categories, crossGradeGroup, minN, seed }) => {
    // Every combination of one group per category is a micro cell.
    const combos: number[][] = categories.reduce<number[][]>((acc, size) => acc.flatMap((c) => Array.from({ length: size }, (_, g) => [...c, g])), [[]]);
    const micro: { school: number; grade: number; combo: number[]; n: number; sum: number }[] = [];
    let k = 0;
    for (let s = 0; s < schools; s++)
      for (let g = 0; g < grades; g++)
        for (const combo of combos) {
          const [n, v] = seed[k++ % seed.length];
          micro.push({ school: s, grade: g, combo, n, sum: n * v });
        }
    const agg = new Map<string, { n: number; sum: number }>();
    const keyOf = (school: string, grade: string, group: string) => `${school}|${grade}|${group}`;
    const bump = (key: string, n: number, sum: number) => {
      const cell = agg.get(key) ?? { n: 0, sum: 0 };
      cell.n += n;
      cell.sum += sum;
      agg.set(key, cell);
    };
    const groupNames = (combo: number[]) => ["all", ...combo.map((g, c) => `c${c}g${g}`)];
    for (const m of micro) {
      for (const school of [`s${m.school}`, "district"])
        for (const grade of [`g${m.grade}`, "all"])
          for (const group of groupNames(m.combo)) {
            if (!crossGradeGroup && grade !== "all" && group !== "all") continue;
            bump(keyOf(school, grade, group), m.n, m.sum);
          }
    }
    const cells = [...agg].map(([key, { n, sum }]) => ({ key, n, value: n > 0 ? sum / n : 0 }));
    const has = (key: string) => agg.has(key);
    const partitions: Partition[] = [];
    const schoolKeys = ["district", ...Array.from({ length: schools }, (_, s) => `s${s}`)];
    const gradeKeys = ["all", ...Array.from({ length: grades }, (_, g) => `g${g}`)];
    const groupKeys = ["all", ...categories.flatMap((size, c) => Array.from({ length: size }, (_, g) => `c${c}g${g}`))];
    for (const school of schoolKeys)
      for (const grade of gradeKeys)
        categories.forEach((size, c) => {
          partitions.push({ total: keyOf(school, grade, "all"), members: Array.from({ length: size }, (_, g) => keyOf(school, grade, `c${c}g${g}`)).filter(has) });
        });
    for (const school of schoolKeys)
      for (const group of groupKeys)
        partitions.push({ total: keyOf(school, "all", group), members: gradeKeys.slice(1).map((g) => keyOf(school, g, group)).filter(has) });
    for (const grade of gradeKeys)
      for (const group of groupKeys)
        partitions.push({ total: keyOf("district", grade, group), members: schoolKeys.slice(1).map((s) => keyOf(s, grade, group)).filter(has) });
    return { table: { unit: "percent", cells, partitions: partitions.filter((p) => has(p.total) && p.members.length > 0) }, minN };
  });

/** Exact rank over the rationals (integer, fraction-free elimination): an implementation independent of the module's. */
function rank(rows: bigint[][]): number {
  const m = rows.map((r) => [...r]);
  let r = 0;
  const width = m[0]?.length ?? 0;
  for (let c = 0; c < width && r < m.length; c++) {
    const p = m.findIndex((row, i) => i >= r && row[c] !== 0n);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p], m[r]];
    for (let i = 0; i < m.length; i++) {
      if (i === r || m[i][c] === 0n) continue;
      const a = m[r][c];
      const b = m[i][c];
      m[i] = m[i].map((v, j) => v * a - m[r][j] * b);
    }
    r++;
  }
  return r;
}

describe("suppression properties", () => {
  it("never shows a cell about fewer than minN students", () => {
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const out = suppressSmallCells(table, minN);
        table.cells.forEach((cell, i) => {
          if (cell.n < minN) expect(out[i].shown).toBe(false);
          if (out[i].shown) expect(out[i].n).toBeGreaterThanOrEqual(minN);
        });
      }),
      { numRuns: 150 },
    );
  });

  it("leaves no partition with exactly one hidden cell, so no subtraction recovers a value", () => {
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const out = new Map(suppressSmallCells(table, minN).map((c) => [c.key, c]));
        for (const p of table.partitions) {
          const cells = [p.total, ...p.members].map((k) => out.get(k)!);
          const unknown = cells.filter((c) => !c.shown);
          // What an onlooker would compute: total.value·total.n − Σ shown members' value·n.
          if (unknown.length === 1) {
            const total = out.get(p.total)!;
            const shownSum = p.members.map((k) => out.get(k)!).reduce((s, c) => s + (c.shown ? (c.value ?? 0) * c.n : 0), 0);
            throw new Error(`${unknown[0].key} recoverable as ${total.shown ? (total.value ?? 0) * total.n - shownSum : "total − members"}`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("leaves no hidden cell determined by all the partitions together (exact rank check)", () => {
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const out = suppressSmallCells(table, minN);
        const hiddenKeys = out.filter((c) => !c.shown).map((c) => c.key);
        const col = new Map(hiddenKeys.map((k, i) => [k, i]));
        const rows = table.partitions.map((p) => {
          const row = hiddenKeys.map(() => 0n);
          if (col.has(p.total)) row[col.get(p.total)!] += 1n;
          for (const m of p.members) if (col.has(m)) row[col.get(m)!] -= 1n;
          return row;
        });
        const base = rank(rows);
        for (const [key, i] of col) {
          const unit = hiddenKeys.map((_, j) => (j === i ? 1n : 0n));
          // Determined exactly when adding e_i does not raise the rank.
          expect(rank([...rows, unit]), `${key} can be worked out`).toBe(base + 1);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("would have failed without complementary suppression (the check has teeth)", () => {
    let leaked = 0;
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const primary = new Set(table.cells.filter((c) => c.n < minN).map((c) => c.key));
        if (determinedUnknowns(table.partitions, primary).length > 0) leaked++;
      }),
      { numRuns: 100 },
    );
    expect(leaked).toBeGreaterThan(0);
  });
});
