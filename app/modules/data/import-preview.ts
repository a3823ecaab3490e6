// What the preview step shows about a checked file: counts, the first errors and a few rows in the district's words.
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { dataTermLabels, slicesOf, type ImportLookups, type RowError, type ValidationResult } from "./import";

export interface ImportPreviewData {
  total: number;
  valid: number;
  badRows: number;
  errorCount: number;
  errors: RowError[];
  slices: number;
  sample: { row: number; school: string; year: string; term: string; grade: string; group: string; measure: string; n: number; value: number }[];
}

export function describePreview(result: ValidationResult, lookups: ImportLookups, errorLimit: number, sampleSize = 8): ImportPreviewData {
  const school = new Map(lookups.schools.map((s) => [s.id, s.name]));
  const group = new Map(lookups.groups.map((g) => [g.id, g.name]));
  const measure = new Map(lookups.measures.map((m) => [m.id, m.name]));
  return {
    total: result.total,
    valid: result.rows.length,
    badRows: result.badRows,
    errorCount: result.errors.length,
    errors: result.errors.slice(0, errorLimit),
    slices: slicesOf(result.rows).length,
    sample: result.rows.slice(0, sampleSize).map((r) => ({
      row: r.row,
      school: r.schoolId ? (school.get(r.schoolId) ?? "") : "District-wide",
      year: schoolYearLabel(r.startYear),
      term: dataTermLabels[r.term],
      grade: r.grade === "all" ? "All grades" : r.grade,
      group: group.get(r.studentGroupId) ?? "",
      measure: measure.get(r.measureId) ?? "",
      n: r.n,
      value: r.value,
    })),
  };
}
