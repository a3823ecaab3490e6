// Turns one slice of observations (a year, a term, a measure) into the table suppression works on — every school,
// the district, every grade and every student group, with the partitions that tie them — and reads views out of it.
import { suppressSmallCells, type Partition, type SuppressedCell, type SuppressionTable } from "./suppression";

export const DISTRICT = "district";

export interface ObservationRow {
  /** Null for a district-wide row. */
  schoolId: string | null;
  grade: string;
  groupId: string;
  n: number;
  value: number;
}

export type GroupCategory = "all" | "gender" | "race_ethnicity" | "english_learner" | "disability" | "economic" | "custom";

export interface GroupInfo {
  id: string;
  name: string;
  category: GroupCategory;
  sortOrder: number;
}

export const cellKey = (place: string | null, grade: string, groupId: string) => `${place ?? DISTRICT}|${grade}|${groupId}`;

/** Grades in school order: K, 1 … 12, then anything else by name. */
export function compareGrades(a: string, b: string): number {
  const rank = (g: string) => (g === "all" ? -2 : g === "K" ? -1 : /^\d+$/.test(g) ? Number(g) : 100);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** The benchmark band a grade falls in. */
export function gradeBand(grade: string): "all" | "K-2" | "3-5" | "6-8" | "9-12" {
  if (grade === "K") return "K-2";
  const g = Number(grade);
  if (!Number.isInteger(g)) return "all";
  return g <= 2 ? "K-2" : g <= 5 ? "3-5" : g <= 8 ? "6-8" : "9-12";
}

/**
 * The whole slice as one table. Where the district has no row of its own for a grade and group, its figure is the
 * n-weighted sum of its schools', which is what a reader would compute anyway. Partitions: the groups of each
 * category (not custom ones) within "all students"; the grades within "all grades"; the schools within the district.
 */
export function buildSliceTable(rows: readonly ObservationRow[], groups: readonly GroupInfo[], unit: string): SuppressionTable {
  const cells = new Map<string, { key: string; n: number; value: number }>();
  for (const row of rows) cells.set(cellKey(row.schoolId, row.grade, row.groupId), { key: cellKey(row.schoolId, row.grade, row.groupId), n: row.n, value: row.value });
  const sums = new Map<string, { n: number; weighted: number }>();
  for (const row of rows) {
    if (row.schoolId === null) continue;
    const key = cellKey(null, row.grade, row.groupId);
    const sum = sums.get(key) ?? { n: 0, weighted: 0 };
    sum.n += row.n;
    sum.weighted += row.n * row.value;
    sums.set(key, sum);
  }
  for (const [key, sum] of sums) if (!cells.has(key)) cells.set(key, { key, n: sum.n, value: sum.n > 0 ? sum.weighted / sum.n : Number.NaN });

  const places = new Set<string>([DISTRICT]);
  const grades = new Set<string>(["all"]);
  const groupIds = new Set<string>();
  for (const row of rows) {
    if (row.schoolId) places.add(row.schoolId);
    grades.add(row.grade);
    groupIds.add(row.groupId);
  }
  const allGroup = groups.find((g) => g.category === "all");
  const byCategory = new Map<GroupCategory, string[]>();
  for (const g of groups) {
    if (g.category === "all" || g.category === "custom") continue;
    byCategory.set(g.category, [...(byCategory.get(g.category) ?? []), g.id]);
  }
  const has = (key: string) => cells.has(key);
  const partitions: Partition[] = [];
  const push = (total: string, members: string[]) => {
    const present = members.filter(has);
    if (has(total) && present.length) partitions.push({ total, members: present });
  };
  const schoolPlaces = [...places].filter((p) => p !== DISTRICT);
  for (const place of places) {
    for (const grade of grades) {
      if (allGroup) for (const members of byCategory.values()) push(cellKey(place, grade, allGroup.id), members.map((g) => cellKey(place, grade, g)));
    }
    for (const groupId of groupIds) push(cellKey(place, "all", groupId), [...grades].filter((g) => g !== "all").map((g) => cellKey(place, g, groupId)));
  }
  for (const grade of grades) for (const groupId of groupIds) push(cellKey(null, grade, groupId), schoolPlaces.map((s) => cellKey(s, grade, groupId)));
  return { unit, cells: [...cells.values()], partitions };
}

/** One slice, suppressed: the only form in which a slice's numbers leave the data module. */
export function suppressSlice(rows: readonly ObservationRow[], groups: readonly GroupInfo[], unit: string, minN: number): Map<string, SuppressedCell> {
  const table = buildSliceTable(rows, groups, unit);
  return new Map(suppressSmallCells(table, minN).map((c) => [c.key, c]));
}

export interface GapRow {
  label: string;
  cell: SuppressedCell;
  /** Shown value minus all students'; null when either is hidden. */
  gapToAll: number | null;
  /** Shown value minus the best shown row's (in the measure's direction); null when hidden. */
  gapToBest: number | null;
}

/**
 * Rows compared with all students and with the best-reporting row, the largest distance from all students first.
 * Gaps come only from shown values, so they say nothing a reader could not work out from the table.
 */
export function rankGaps(rows: { label: string; cell: SuppressedCell }[], all: SuppressedCell | undefined, direction: "higher_is_better" | "lower_is_better"): { rows: GapRow[]; spread: number | null } {
  // Banded cells carry no number, so they take no part in gaps.
  const values = rows.flatMap((r) => (r.cell.shown && r.cell.value !== null ? [r.cell.value] : []));
  const best = values.length ? (direction === "higher_is_better" ? Math.max(...values) : Math.min(...values)) : null;
  const spread = values.length >= 2 ? Math.max(...values) - Math.min(...values) : null;
  const ranked = rows.map((r) => ({
    label: r.label,
    cell: r.cell,
    gapToAll: r.cell.shown && r.cell.value !== null && all?.shown && all.value !== null ? round(r.cell.value - all.value) : null,
    gapToBest: r.cell.shown && r.cell.value !== null && best !== null ? round(r.cell.value - best) : null,
  }));
  ranked.sort((a, b) => (b.gapToAll === null ? -1 : 0) - (a.gapToAll === null ? -1 : 0) || Math.abs(b.gapToAll ?? 0) - Math.abs(a.gapToAll ?? 0) || a.label.localeCompare(b.label));
  return { rows: ranked, spread: spread === null ? null : round(spread) };
}

const round = (v: number) => Math.round(v * 100) / 100;
