// Small-cell suppression: the one function every aggregated number passes through before it leaves the data module.
//
// A table is a set of cells (n students, a value) and the partitions that tie them together: members whose
// n-weighted values add up to a total (the groups of one category to "all students", the grades to "all grades",
// the schools to the district). A cell about fewer than minN students is hidden (primary suppression). Then, so no
// hidden value can be worked out by subtraction, every partition that would leave exactly one unknown gets its next
// smallest cell hidden too (complementary suppression), and a final exact check solves the whole linear system an
// onlooker could write down from what is shown and hides more until no hidden cell is determined by it. A banded
// percentage ("< 5 %") shows its n but not its value, so for the values it is an unknown the same rules protect: all
// students' n × rate minus the shown groups must never give it back exactly (ADR 0020, amended by ADR 0034).
// See docs/decisions/0020-small-cell-suppression.md.

export interface CellInput {
  /** Unique within the table. */
  key: string;
  n: number;
  value: number;
}

/**
 * Members whose n-weighted values (and whose n) add up to the total's, give or take the students the total counts
 * and no member does (see hiddenCells).
 */
export interface Partition {
  total: string;
  members: string[];
}

/** total − Σ members = 0, over the unknowns among them. */
interface Equation {
  total: string;
  members: string[];
}

export interface SuppressionTable {
  /** "percent" values near 0 or 100 are shown as a band; other units as numbers. */
  unit: string;
  cells: CellInput[];
  partitions: Partition[];
}

export type SuppressionReason = "small" | "complementary";

export type SuppressedCell =
  /** A banded value (near 0 or 100 %) carries no number at all, so neither a page nor a chart can leak it. */
  | { key: string; shown: true; n: number; value: number | null; display: string; banded: boolean }
  | { key: string; shown: false; n: null; value: null; display: string; reason: SuppressionReason };

/** Shown percentages below this read "< 5 %", above 100 minus it "> 95 %": nobody and everybody are never told. */
export const PERCENT_BAND = 5;

export function suppressedText(reason: SuppressionReason, minN: number): string {
  return reason === "small" ? `fewer than ${minN} students` : "hidden so a small group cannot be worked out";
}

/** How a shown value reads: a percentage with one decimal (or its band near 0 and 100), a mean with two. */
export function displayValue(value: number, unit: string): { display: string; banded: boolean } {
  if (unit === "percent") {
    if (value < PERCENT_BAND) return { display: `< ${PERCENT_BAND} %`, banded: true };
    if (value > 100 - PERCENT_BAND) return { display: `> ${100 - PERCENT_BAND} %`, banded: true };
    return { display: `${value.toFixed(1)} %`, banded: false };
  }
  return { display: value.toFixed(2), banded: false };
}

/**
 * Hides every cell about fewer than `minN` students, and as many more as needed so that none of them can be
 * recovered by subtraction from the cells shown and the partitions they sit in. Returns one result per input cell,
 * in the input order.
 */
export function suppressSmallCells(table: SuppressionTable, minN: number): SuppressedCell[] {
  const hidden = hiddenCells(table, minN);
  return table.cells.map((cell) => {
    const reason = hidden.get(cell.key);
    if (reason) return { key: cell.key, shown: false, n: null, value: null, display: suppressedText(reason, minN), reason };
    const { display, banded } = displayValue(cell.value, table.unit);
    return { key: cell.key, shown: true, n: cell.n, value: banded ? null : cell.value, display, banded };
  });
}

/** The keys to hide and why. Exported for the property tests; callers use suppressSmallCells. */
export function hiddenCells(table: SuppressionTable, minN: number): Map<string, SuppressionReason> {
  const byKey = new Map(table.cells.map((c) => [c.key, c]));
  const hidden = new Map<string, SuppressionReason>();
  for (const cell of table.cells) {
    if (!(cell.n >= minN) || !Number.isFinite(cell.value)) hidden.set(cell.key, "small");
  }

  // Each partition whose total is in the table is one equation: total − Σ members − remainder = 0 (over n·value,
  // and over n), where the remainder is whoever the total counts and no member does (negative when members overlap).
  // Its n, r, is known here. r = 0: an exact equation. 0 < |r| < minN: the remainder is a small group in its own
  // right, an unknown that is never shown and must not be worked out either. |r| ≥ minN: the remainder may be
  // known as well as any shown cell, and as it sits in no other equation, the equation pins down nothing else:
  // dropped. Members missing from the table count as nothing; their students are part of the remainder.
  const remainders = new Map<string, number>();
  const remainderKey = (r: number) => {
    let key = `remainder#${remainders.size}`;
    while (byKey.has(key)) key += "#";
    remainders.set(key, r);
    return key;
  };
  const equations: Equation[] = [];
  for (const p of table.partitions) {
    const total = byKey.get(p.total);
    if (!total) continue;
    const members = [...new Set(p.members)].filter((m) => m !== p.total && byKey.has(m));
    if (members.length === 0) continue;
    const r = members.reduce((rest, m) => rest - byKey.get(m)!.n, total.n);
    // A non-finite n (never from the cube) keeps the equation exact, as before remainders were counted.
    if (r === 0 || !Number.isFinite(r)) equations.push({ total: p.total, members });
    else if (Math.abs(r) < minN) equations.push({ total: p.total, members: [...members, remainderKey(r)] });
  }
  // Banded cells: their n is shown, their value is not. Two systems, then: over the values the unknowns are the
  // hidden cells, the remainders and the banded cells; over the n's only the hidden cells and the remainders. Neither
  // may determine a secret: a banded value (its band is all a reader may learn), a hidden value, or a hidden n.
  const banded = new Set(
    table.cells.filter((c) => !hidden.has(c.key) && Number.isFinite(c.value) && displayValue(c.value, table.unit).banded).map((c) => c.key),
  );
  if (hidden.size === 0 && remainders.size === 0 && banded.size === 0) return hidden;

  /** Unknown over the n's (and so over the values too). */
  const unknown = { has: (key: string) => hidden.has(key) || remainders.has(key) };
  /** Unknown over the values: what `unknown` holds and every banded cell still shown as a band. */
  const unknownValue = { has: (key: string) => unknown.has(key) || banded.has(key) };
  const equationsOf = new Map<string, number[]>();
  equations.forEach((e, i) => {
    for (const key of [e.total, ...e.members]) {
      const list = equationsOf.get(key) ?? [];
      list.push(i);
      equationsOf.set(key, list);
    }
  });

  /** The smallest cell among `keys` that is known to `over` (by default a shown, unbanded cell). */
  const smallestShown = (keys: Iterable<string>, over: { has(key: string): boolean } = unknownValue) => {
    let best: CellInput | undefined;
    for (const key of keys) {
      if (over.has(key)) continue;
      const cell = byKey.get(key)!;
      if (!best || cell.n < best.n || (cell.n === best.n && cell.key < best.key)) best = cell;
    }
    return best?.key;
  };
  /**
   * Next smallest shown member of the equation, else its total; an unbanded one first (hiding it adds an unknown to
   * both systems), a banded one only when the n's need it (hiding that adds an unknown to the n's alone).
   */
  const complementFor = (e: Equation, forN: boolean) =>
    smallestShown(e.members) ??
    (forN ? smallestShown(e.members, unknown) : undefined) ??
    smallestShown([e.total]) ??
    (forN ? smallestShown([e.total], unknown) : undefined);
  /**
   * The smallest shown cell in an equation of the target; if all of those are hidden, one step further out (the
   * equations of the hidden cells met), and so on. Undefined when nothing around the target is shown at all.
   */
  const complementNear = (target: string, over: { has(key: string): boolean }) => {
    const seen = new Set([target]);
    let frontier = [target];
    while (frontier.length > 0) {
      const shown: string[] = [];
      const next: string[] = [];
      for (const key of frontier)
        for (const i of equationsOf.get(key) ?? [])
          for (const k of [equations[i].total, ...equations[i].members]) {
            if (seen.has(k)) continue;
            seen.add(k);
            (over.has(k) ? next : shown).push(k);
          }
      const best = smallestShown(shown, over);
      if (best) return best;
      frontier = next;
    }
    return undefined;
  };

  // Stuck unknowns: determined with every cell around them hidden already, which only equations that force them
  // to zero can do (inconsistent data); never retried.
  const stuck = new Set<string>();
  for (;;) {
    // Cheap pass: any equation with exactly one unknown gives it away; and where the total is shown, subtracting
    // the shown members gives the hidden ones (and the remainder) together, a group that must not be a small one
    // either: two hidden groups of 3 and 4 students would otherwise be read as one of 7.
    let changed = true;
    while (changed) {
      changed = false;
      for (const e of equations) {
        let unknowns = unknown.has(e.total) ? 1 : 0;
        let valueUnknowns = unknownValue.has(e.total) ? 1 : 0;
        let together = 0;
        for (const m of e.members) {
          if (unknownValue.has(m)) valueUnknowns++;
          if (!unknown.has(m)) continue;
          unknowns++;
          together += remainders.get(m) ?? byKey.get(m)!.n;
        }
        const smallTogether = !unknown.has(e.total) && unknowns > 1 && together > 0 && together < minN;
        const forN = unknowns === 1 || smallTogether;
        if (!forN && valueUnknowns !== 1) continue;
        const next = complementFor(e, forN);
        if (next) {
          hidden.set(next, "complementary");
          changed = true;
        }
      }
    }
    // Exact pass: across overlapping partitions an unknown can still be pinned down by combining equations.
    // The values first (banded cells among the unknowns), then the n's (banded cells known).
    let over = unknownValue;
    let determined = determinedUnknowns(equations, unknownValue).filter((k) => !stuck.has(k));
    if (determined.length === 0) {
      over = unknown;
      determined = determinedUnknowns(equations, unknown).filter((k) => !stuck.has(k));
    }
    if (determined.length === 0) return hidden;
    const target = determined[0];
    const next = complementNear(target, over);
    if (next) hidden.set(next, "complementary");
    else stuck.add(target);
  }
}

/**
 * Hidden cells whose value follows from the shown ones: unknown i is determined when the unit vector e_i lies in the
 * row space of the equations' coefficients over the unknowns. Reduced row echelon form answers that for every
 * unknown at once: a pivot column is determined when its row has no other non-zero entry.
 */
export function determinedUnknowns(equations: readonly Equation[], hidden: { has(key: string): boolean }): string[] {
  const isHidden = (k: string) => hidden.has(k);
  const index = new Map<string, number>();
  const rows: Map<number, number>[] = [];
  for (const e of equations) {
    const row = new Map<number, number>();
    const add = (key: string, coefficient: number) => {
      if (!isHidden(key)) return;
      let i = index.get(key);
      if (i === undefined) index.set(key, (i = index.size));
      row.set(i, (row.get(i) ?? 0) + coefficient);
    };
    add(e.total, 1);
    for (const m of e.members) add(m, -1);
    for (const [i, v] of row) if (v === 0) row.delete(i);
    if (row.size > 0) rows.push(row);
  }
  const width = index.size;
  if (width === 0) return [];
  const matrix = rows.map((r) => {
    const dense = new Float64Array(width);
    for (const [i, v] of r) dense[i] = v;
    return dense;
  });
  const EPS = 1e-9;
  const pivotRowOf = new Map<number, number>();
  let rank = 0;
  for (let col = 0; col < width && rank < matrix.length; col++) {
    let pivot = -1;
    for (let r = rank; r < matrix.length; r++) if (Math.abs(matrix[r][col]) > EPS) {
      pivot = r;
      break;
    }
    if (pivot < 0) continue;
    [matrix[rank], matrix[pivot]] = [matrix[pivot], matrix[rank]];
    const p = matrix[rank];
    const scale = p[col];
    for (let c = col; c < width; c++) p[c] /= scale;
    for (let r = 0; r < matrix.length; r++) {
      if (r === rank) continue;
      const f = matrix[r][col];
      if (Math.abs(f) <= EPS) continue;
      const row = matrix[r];
      for (let c = col; c < width; c++) row[c] -= f * p[c];
    }
    pivotRowOf.set(col, rank);
    rank++;
  }
  const keys = [...index.keys()];
  const determined: string[] = [];
  for (const [col, r] of pivotRowOf) {
    const row = matrix[r];
    let alone = true;
    for (let c = 0; c < width; c++) if (c !== col && Math.abs(row[c]) > EPS) {
      alone = false;
      break;
    }
    if (alone) determined.push(keys[col]);
  }
  return determined.sort();
}
