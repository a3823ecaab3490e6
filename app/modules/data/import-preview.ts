// What the preview step shows about a checked file: counts, a page of errors and a few rows in the district's words.
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { dataTermLabels, type ImportLookups, type ImportRow, type RowError } from "./import";

export interface PreviewRow {
  row: number;
  school: string;
  year: string;
  term: string;
  grade: string;
  group: string;
  measure: string;
  n: number;
  value: number;
}

export interface ImportPreviewData {
  total: number;
  valid: number;
  badRows: number;
  errorCount: number;
  /** The errors of this page. */
  errors: RowError[];
  /** Which page of errors this is (1-based), of how many, listing how many each; errors past ERRORS_KEPT are only counted. */
  errorPage: { page: number; pages: number; perPage: number; kept: number };
  slices: number;
  sample: PreviewRow[];
}

/** Rows as the preview names them: schools, groups and measures by name, the year and term in words. */
export function describeRows(rows: ImportRow[], lookups: ImportLookups): PreviewRow[] {
  const school = new Map(lookups.schools.map((s) => [s.id, s.name]));
  const group = new Map(lookups.groups.map((g) => [g.id, g.name]));
  const measure = new Map(lookups.measures.map((m) => [m.id, m.name]));
  return rows.map((r) => ({
    row: r.row,
    school: r.schoolId ? (school.get(r.schoolId) ?? "") : "District-wide",
    year: schoolYearLabel(r.startYear),
    term: dataTermLabels[r.term],
    grade: r.grade === "all" ? "All grades" : r.grade,
    group: group.get(r.studentGroupId) ?? "",
    measure: measure.get(r.measureId) ?? "",
    n: r.n,
    value: r.value,
  }));
}
