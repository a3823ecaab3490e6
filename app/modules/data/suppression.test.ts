// Suppression: worked examples, then properties over random tables — nothing small is shown, and nothing hidden can
// be worked out from what is shown, by one subtraction or by combining every partition an onlooker knows.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildSliceTable, cellKey, type GroupInfo } from "./cube";
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

  it("hides a third group when two small ones hidden together would still be fewer than minN students", () => {
    const t = table(
      [
        ["all", 100, 50],
        ["a", 60, 40],
        ["b", 33, 60],
        ["c", 3, 100],
        ["d", 4, 75],
      ],
      [{ total: "all", members: ["a", "b", "c", "d"] }],
    );
    // c and d alone: all minus a minus b gives the 7 students of c and d together (6 of them at 100 % and 75 %).
    const out = suppressSmallCells(t, 10);
    expect(out.map((c) => [c.key, c.shown ? "shown" : c.reason])).toEqual([
      ["all", "shown"],
      ["a", "shown"],
      ["b", "complementary"],
      ["c", "small"],
      ["d", "small"],
    ]);
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

  it("never lets all students' n × rate minus the shown groups give a banded percentage back exactly", () => {
    // 100 students at 50 %: 40 of them at 2 % ("< 5 %") and 60 at 82 %. Shown all three, 2 % = (5000 − 60·82) / 40.
    const t = table([["all", 100, 50], ["a", 40, 2], ["b", 60, 82]], [{ total: "all", members: ["a", "b"] }], "percent");
    const out = new Map(suppressSmallCells(t, 10).map((c) => [c.key, c]));
    expect(out.get("all")!.shown).toBe(true);
    // b hidden so a's rate stays a band; then a too, since its shown n would give b's n (100 − 40).
    expect(out.get("b")).toMatchObject({ shown: false, reason: "complementary" });
    expect(out.get("a")!.shown).toBe(false);
  });

  it("leaves a banded percentage shown as its band when another unknown sits beside it", () => {
    // a is "< 5 %" and c is a small group already: all − b leaves a and c together, which pins neither.
    const t = table([["all", 100, 50], ["a", 40, 2], ["b", 40, 80], ["c", 20, 63]], [{ total: "all", members: ["a", "b", "c"] }], "percent");
    const hidden = hiddenCells(t, 25);
    expect(hidden.get("c")).toBe("small");
    expect(hidden.has("a")).toBe(false);
    expect(suppressSmallCells(t, 25).find((c) => c.key === "a")).toMatchObject({ shown: true, banded: true, value: null, display: "< 5 %" });
  });

  it("hides cells whose n is zero or whose value is not a number", () => {
    const out = suppressSmallCells(table([["a", 0, 0], ["b", 50, Number.NaN]], []), 5);
    expect(out.map((c) => c.shown)).toEqual([false, false]);
  });
});


describe("partitions whose members do not add up to the total", () => {
  const reasons = (t: SuppressionTable, minN: number) => Object.fromEntries(hiddenCells(t, minN));

  it("protects a small remainder: 3 students with no gender recorded cannot be worked out by subtraction", () => {
    // 40 = 20 + 17 + 3 students in no member. With all three shown, 40·50 − 20·45 − 17·60 = 80 over 3 students.
    const t = table([["all", 40, 50], ["f", 20, 45], ["m", 17, 60]], [{ total: "all", members: ["f", "m"] }]);
    expect(reasons(t, 10)).toEqual({ m: "complementary" });
  });

  it("protects a small overlap: 3 students counted in two members are the members' sum minus the total", () => {
    const t = table([["all", 40, 50], ["a", 22, 45], ["b", 21, 60]], [{ total: "all", members: ["a", "b"] }]);
    expect(reasons(t, 10)).toEqual({ b: "complementary" });
  });

  it("takes nothing from a partition whose remainder is as large as a shown group", () => {
    // 22 students in no member: all − a is b together with them, 30 students, no small group.
    const missing = table([["all", 60, 50], ["a", 30, 45], ["b", 8, 60]], [{ total: "all", members: ["a", "b"] }]);
    expect(reasons(missing, 10)).toEqual({ b: "small" });
    // 13 students counted twice: no member is what is left of the others.
    const overlapping = table([["all", 40, 50], ["a", 45, 45], ["b", 8, 60]], [{ total: "all", members: ["a", "b"] }]);
    expect(reasons(overlapping, 10)).toEqual({ b: "small" });
  });

  it("still treats a partition that adds up as exact", () => {
    const t = table([["all", 40, 50], ["a", 32, 45], ["b", 8, 70]], [{ total: "all", members: ["a", "b"] }]);
    expect(reasons(t, 10)).toEqual({ b: "small", a: "complementary" });
  });

  it("hides around a small remainder that only a combination of partitions gives away", () => {
    // Two partitions over the same members, one counting 3 more students (say, girls by grade, and girls as a school
    // reports them, with 3 whose grade is not recorded). Each leaves two unknowns or more, so no single subtraction
    // works, but t − s is the 3 students: the exact pass must hide around them.
    const cells: [string, number, number][] = [
      ["s", 30, 50],
      ["t", 33, 52],
      ["x", 6, 40],
      ["y", 24, 52.5],
    ];
    const partitions: Partition[] = [
      { total: "s", members: ["x", "y"] },
      { total: "t", members: ["x", "y"] },
    ];
    expect(reasons(table(cells, partitions), 10)).toEqual({ x: "small", y: "complementary", t: "complementary" });
  });

  it("does not cascade from a district grade copied from the one school that reports grades to the district's total", () => {
    // As in the demo district: Maple reports grade × group rows, Oak only its grades' totals. The district's grade 1
    // (Maple's 36 and Oak's 220) has girls, boys and non-binary students from Maple alone: 220 students in no group.
    const groups: GroupInfo[] = [
      { id: "all", name: "All students", category: "all", sortOrder: 0 },
      { id: "f", name: "Female", category: "gender", sortOrder: 1 },
      { id: "m", name: "Male", category: "gender", sortOrder: 2 },
      { id: "nb", name: "Non-binary", category: "gender", sortOrder: 3 },
    ];
    const row = (schoolId: string, grade: string, groupId: string, n: number, value: number) => ({ schoolId, grade, groupId, n, value });
    const rows = [
      row("maple", "all", "all", 72, 20),
      row("maple", "all", "f", 29, 18),
      row("maple", "all", "m", 29, 20),
      row("maple", "all", "nb", 14, 24.14),
      row("maple", "1", "all", 36, 20),
      row("maple", "1", "f", 15, 18),
      row("maple", "1", "m", 15, 20),
      row("maple", "1", "nb", 6, 25),
      row("maple", "2", "all", 36, 20),
      row("maple", "2", "f", 14, 18),
      row("maple", "2", "m", 14, 20),
      row("maple", "2", "nb", 8, 23.5),
      row("oak", "all", "all", 440, 15),
      // 3 students at Oak have no gender recorded: a small remainder of its own.
      row("oak", "all", "f", 210, 14),
      row("oak", "all", "m", 219, 16),
      row("oak", "all", "nb", 8, 12.5),
      row("oak", "1", "all", 220, 15),
      row("oak", "2", "all", 220, 15),
    ];
    const t = buildSliceTable(rows, groups, "percent");
    const hidden = hiddenCells(t, 10);
    const shown = (key: string) => !hidden.has(key);
    expect(shown(cellKey(null, "all", "all"))).toBe(true);
    expect(shown(cellKey("maple", "all", "all"))).toBe(true);
    expect(shown(cellKey("oak", "all", "all"))).toBe(true);
    expect(shown(cellKey(null, "1", "all"))).toBe(true);
    expect(shown(cellKey(null, "2", "all"))).toBe(true);
    // What is hidden besides the small cells protects them, and nothing more: Maple's grade 1 and 2 girls (next to
    // the small non-binary groups there) and the district's copies of them, and the district's non-binary students
    // (its girls, boys and non-binary students leave Oak's 3 ungendered students, who must not be worked out).
    const complementary = [...hidden].filter(([, reason]) => reason === "complementary").map(([key]) => key).sort();
    expect(complementary).toEqual(["district|1|f", "district|2|f", "district|all|nb", "maple|1|f", "maple|2|f"]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties. Tables are built from random "micro" counts (schools × grades × one group per category, each with a
// count of students and a sum of their answers) the way real data come: some students have no group of a category
// recorded, some are counted in two, some schools report no grade × group rows (so the district's grade × group
// figures come from the others alone), and the district may report more students than its schools together.

interface Generated {
  table: SuppressionTable;
  minN: number;
}

type Quirk = "exact" | "missing" | "overlap" | "both";

const tableArbitrary: fc.Arbitrary<Generated> = fc
  .record({
    schools: fc.integer({ min: 1, max: 3 }),
    grades: fc.integer({ min: 1, max: 3 }),
    categories: fc.array(fc.record({ size: fc.integer({ min: 1, max: 4 }), quirk: fc.constantFrom<Quirk>("exact", "missing", "overlap", "both") }), { minLength: 1, maxLength: 2 }),
    crossGradeGroup: fc.boolean(),
    /** Which schools report grade × group rows, when any do. */
    gradeGroupSchools: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    /** Students in the district's own all-students row beyond its schools' (0: the district has no row of its own). */
    districtExtra: fc.integer({ min: 0, max: 14 }),
    minN: fc.integer({ min: 5, max: 15 }),
    seed: fc.array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 9 })), { minLength: 400, maxLength: 400 }),
  })
  .map(({ schools, grades, categories, crossGradeGroup, gradeGroupSchools, districtExtra, minN, seed }) => {
    // Every combination of one group per category is a micro cell.
    const combos: number[][] = categories.reduce<number[][]>((acc, { size }) => acc.flatMap((c) => Array.from({ length: size }, (_, g) => [...c, g])), [[]]);
    const keyOf = (school: string, grade: string, group: string) => `${school}|${grade}|${group}`;
    const agg = new Map<string, { n: number; sum: number }>();
    const bump = (key: string, n: number, sum: number) => {
      const cell = agg.get(key) ?? { n: 0, sum: 0 };
      cell.n += n;
      cell.sum += sum;
      agg.set(key, cell);
    };
    /** The groups a micro cell's students are counted in: theirs, none (not recorded), or theirs and the next. */
    const groupsOf = (combo: number[], draw: number) =>
      combo.flatMap((g, c) => {
        const { size, quirk } = categories[c];
        const d = (draw + 3 * c) % 10;
        if ((quirk === "missing" || quirk === "both") && d < 2) return [];
        if ((quirk === "overlap" || quirk === "both") && d >= 8 && size > 1) return [`c${c}g${g}`, `c${c}g${(g + 1) % size}`];
        return [`c${c}g${g}`];
      });
    let k = 0;
    for (let s = 0; s < schools; s++)
      for (let g = 0; g < grades; g++)
        for (const combo of combos) {
          const [n, v, draw] = seed[k++ % seed.length];
          for (const grade of [`g${g}`, "all"])
            for (const group of ["all", ...groupsOf(combo, draw)]) {
              if (grade !== "all" && group !== "all" && !(crossGradeGroup && gradeGroupSchools[s])) continue;
              bump(keyOf(`s${s}`, grade, group), n, n * v);
            }
        }
    // The district's figures are its schools' together, as the cube adds them up, unless it reports its own.
    for (const [key, { n, sum }] of [...agg]) {
      const [, grade, group] = key.split("|");
      bump(keyOf("district", grade, group), n, sum);
    }
    if (districtExtra > 0) bump(keyOf("district", "all", "all"), districtExtra, districtExtra * 50);

    const cells = [...agg].map(([key, { n, sum }]) => ({ key, n, value: n > 0 ? sum / n : 0 }));
    const has = (key: string) => agg.has(key);
    const partitions: Partition[] = [];
    const schoolKeys = ["district", ...Array.from({ length: schools }, (_, s) => `s${s}`)];
    const gradeKeys = ["all", ...Array.from({ length: grades }, (_, g) => `g${g}`)];
    const groupKeys = ["all", ...categories.flatMap(({ size }, c) => Array.from({ length: size }, (_, g) => `c${c}g${g}`))];
    for (const school of schoolKeys)
      for (const grade of gradeKeys)
        categories.forEach(({ size }, c) => {
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

/** n of the total minus the members' (members missing from the table count as nothing), straight from the cells. */
function remainderOf(table: SuppressionTable, p: Partition): number {
  const n = new Map(table.cells.map((c) => [c.key, c.n]));
  return [...new Set(p.members)].filter((m) => m !== p.total).reduce((r, m) => r - (n.get(m) ?? 0), n.get(p.total) ?? 0);
}

/** Integer row operations over BigInt, each row kept divided by the gcd of its entries so numbers stay small. */
function normalise(row: bigint[]): bigint[] {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
  const g = row.reduce((acc, v) => gcd(acc, v), 0n);
  return g > 1n ? row.map((v) => v / g) : row;
}

/** Rows in echelon form (each row's first non-zero column right of the previous row's): a basis of their span. */
function echelon(rows: bigint[][]): { basis: bigint[][]; pivots: number[] } {
  const m = rows.map((r) => [...r]);
  const basis: bigint[][] = [];
  const pivots: number[] = [];
  const width = m[0]?.length ?? 0;
  for (let c = 0; c < width; c++) {
    const p = m.findIndex((row) => row[c] !== 0n);
    if (p < 0) continue;
    const [pivot] = m.splice(p, 1);
    for (let i = 0; i < m.length; i++) if (m[i][c] !== 0n) m[i] = normalise(m[i].map((v, j) => v * pivot[c] - pivot[j] * m[i][c]));
    basis.push(pivot);
    pivots.push(c);
  }
  return { basis, pivots };
}

/** Whether a vector lies in the span of an echelon basis: eliminate its entries pivot by pivot and see if anything is left. */
function inSpan({ basis, pivots }: { basis: bigint[][]; pivots: number[] }, vector: bigint[]): boolean {
  let v = vector;
  basis.forEach((row, i) => {
    const c = pivots[i];
    if (v[c] !== 0n) v = normalise(v.map((x, j) => x * row[c] - row[j] * v[c]));
  });
  return v.every((x) => x === 0n);
}

/**
 * What an onlooker can work out from what is shown, written apart from the module: every partition is
 * total − Σ members − remainder = 0, the remainder a variable of its own wherever the members do not add up (r ≠ 0),
 * an exact equation where they do. The unknowns are the hidden cells and the remainders. None of the hidden cells
 * may be determined, nor any remainder about fewer than minN students (0 < |r| < minN: students in no member, or
 * counted twice); a larger one may be, as a shown cell could be. Large remainders stay in as free variables here
 * (the module drops their equations instead, which this checks is the same). A hidden cell about nobody (n 0) tells
 * nothing about anyone: the module may leave it determined when nothing around it is shown (the equations then force
 * it to zero). Returns what is determined.
 */
function workedOut(table: SuppressionTable, hidden: ReadonlySet<string>, minN: number): string[] {
  const columns = new Map<string, number>();
  const secret = new Set<string>();
  const column = (key: string) => {
    if (!columns.has(key)) columns.set(key, columns.size);
    return columns.get(key)!;
  };
  const nOf = new Map(table.cells.map((c) => [c.key, c.n]));
  for (const key of hidden) {
    column(key);
    if (nOf.get(key) !== 0) secret.add(key);
  }
  const equations = table.partitions.map((p, i) => {
    const r = remainderOf(table, p);
    const remainder = r === 0 ? null : `(students of ${p.total} in no member of partition ${i})`;
    if (remainder) {
      column(remainder);
      if (Math.abs(r) < minN) secret.add(remainder);
    }
    return { p, remainder };
  });
  const width = columns.size;
  if (width === 0) return [];
  const rows = equations.map(({ p, remainder }) => {
    const row: bigint[] = Array.from({ length: width }, () => 0n);
    if (hidden.has(p.total)) row[columns.get(p.total)!] += 1n;
    for (const m of new Set(p.members)) if (m !== p.total && hidden.has(m)) row[columns.get(m)!] -= 1n;
    if (remainder) row[columns.get(remainder)!] -= 1n;
    return row;
  });
  const span = echelon(rows);
  return [...secret].filter((key) => inSpan(span, Array.from({ length: width }, (_, j) => (j === columns.get(key) ? 1n : 0n))));
}

describe("the generated tables", () => {
  it("hold partitions that add up, small and large remainders, and overlaps", () => {
    const seen = { exact: 0, small: 0, large: 0, smallOverlap: 0, largeOverlap: 0 };
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        for (const p of table.partitions) {
          const r = remainderOf(table, p);
          if (r === 0) seen.exact++;
          else if (r > 0) seen[r < minN ? "small" : "large"]++;
          else seen[-r < minN ? "smallOverlap" : "largeOverlap"]++;
        }
      }),
      { numRuns: 100 },
    );
    for (const [kind, count] of Object.entries(seen)) expect(count, kind).toBeGreaterThan(0);
  });
});

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

  it("leaves no partition that one subtraction opens: not one hidden cell alone, nor a small remainder with everything shown", () => {
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const out = new Map(suppressSmallCells(table, minN).map((c) => [c.key, c]));
        for (const p of table.partitions) {
          const r = remainderOf(table, p);
          // A remainder as large as a shown group: subtracting gives the hidden members together with it, no small group.
          if (Math.abs(r) >= minN) continue;
          const unknown = [p.total, ...p.members].filter((k) => !out.get(k)!.shown).length + (r === 0 ? 0 : 1);
          // What an onlooker would compute: total.value·total.n − Σ shown members' value·n.
          if (unknown === 1) {
            const total = out.get(p.total)!;
            const shownSum = p.members.map((k) => out.get(k)!).reduce((s, c) => s + (c.shown ? (c.value ?? 0) * c.n : 0), 0);
            throw new Error(`${p.total} = ${p.members.join(" + ")} (remainder ${r}) gives its one unknown away: ${total.shown ? (total.value ?? 0) * total.n - shownSum : "total − members"}`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("leaves no partition whose hidden members, taken together with its remainder, are a small group", () => {
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const out = new Map(suppressSmallCells(table, minN).map((c) => [c.key, c]));
        const nOf = new Map(table.cells.map((c) => [c.key, c.n]));
        for (const p of table.partitions) {
          const r = remainderOf(table, p);
          if (Math.abs(r) >= minN || !out.get(p.total)!.shown) continue;
          const hiddenMembers = [...new Set(p.members)].filter((k) => k !== p.total && !out.get(k)!.shown);
          // Subtracting every shown member from the total: the hidden members and the remainder, together.
          const together = hiddenMembers.reduce((sum, k) => sum + nOf.get(k)!, 0) + r;
          const parts = hiddenMembers.length + (r === 0 ? 0 : 1);
          if (parts > 1 && together > 0 && together < minN) throw new Error(`${p.total}: ${hiddenMembers.join(" + ")} (remainder ${r}) are ${together} students together`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("leaves nothing small determined by all the partitions together (exact rank check)", () => {
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const hidden = new Set(suppressSmallCells(table, minN).filter((c) => !c.shown).map((c) => c.key));
        expect(workedOut(table, hidden, minN)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it("leaves no banded percentage (nor anything hidden) determined when banded values are unknowns too", () => {
    let bandedSeen = 0;
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const out = suppressSmallCells(table, minN);
        // An onlooker knows a banded cell's n but not its value: over the values it is one more unknown.
        const unknownValues = new Set(out.filter((c) => !c.shown || c.banded).map((c) => c.key));
        bandedSeen += out.filter((c) => c.shown && c.banded).length;
        expect(workedOut(table, unknownValues, minN)).toEqual([]);
      }),
      { numRuns: 100 },
    );
    expect(bandedSeen).toBeGreaterThan(0);
  });

  it("would have given banded percentages away had bands counted as known (the band rule has teeth)", () => {
    // The same tables suppressed as if their values were means (no bands in the algebra), then read as percentages.
    let leaked = 0;
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const out = suppressSmallCells({ ...table, unit: "mean" }, minN);
        const unknownValues = new Set(out.filter((c, i) => !c.shown || displayValue(table.cells[i].value, "percent").banded).map((c) => c.key));
        if (workedOut(table, unknownValues, minN).length > 0) leaked++;
      }),
      { numRuns: 100 },
    );
    expect(leaked).toBeGreaterThan(0);
  });

  it("would have failed without complementary suppression (the check has teeth)", () => {
    let leaked = 0;
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const primary = new Set(table.cells.filter((c) => c.n < minN).map((c) => c.key));
        if (workedOut(table, primary, minN).length > 0) leaked++;
      }),
      { numRuns: 100 },
    );
    expect(leaked).toBeGreaterThan(0);
  });

  it("would have failed had small remainders been left out of the model (the remainder check has teeth)", () => {
    // Suppression run on the partitions that add up only (every other one taken as no equation): the small
    // remainders it never saw are worked out in some tables.
    let leaked = 0;
    fc.assert(
      fc.property(tableArbitrary, ({ table, minN }) => {
        const blind = { ...table, partitions: table.partitions.filter((p) => remainderOf(table, p) === 0) };
        const hidden = new Set(suppressSmallCells(blind, minN).filter((c) => !c.shown).map((c) => c.key));
        if (workedOut(table, hidden, minN).some((key) => key.startsWith("(students of"))) leaked++;
      }),
      { numRuns: 100 },
    );
    expect(leaked).toBeGreaterThan(0);
  });
});
