// CSV files of the data views: the same suppressed cells the pages show, written by the one CSV writer.
import { toCsv, type CsvCell } from "~/utils/csv";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { dataTermLabels, type DataTerm } from "./data-terms";
import type { SuppressedCell } from "./suppression";

interface MeasureLike {
  name: string;
  unit: string;
}

/** n and value as the page shows them: numbers when shown (a band's text when banded), the reason when hidden. */
function cellColumns(cell: SuppressedCell | null): CsvCell[] {
  if (!cell) return ["", "no results"];
  if (!cell.shown) return ["", cell.display];
  return [cell.n, cell.value ?? cell.display];
}

const when = (startYear: number | null, term: DataTerm | null) => (startYear === null ? "" : `${term ? dataTermLabels[term] + " " : ""}${schoolYearLabel(startYear)}`);

export function competencyCsv(view: {
  startYear: number | null;
  term: DataTerm | null;
  rows: { measure: MeasureLike; benchmark: { value: number; source: string } | null; target: number | null; places: { place: { name: string }; cell: SuppressedCell | null; vsBenchmark: number | null }[] }[];
}) {
  const rows = view.rows.flatMap((r) =>
    r.places.map((p) => [r.measure.name, p.place.name, when(view.startYear, view.term), ...cellColumns(p.cell), r.benchmark?.value ?? "", r.benchmark?.source ?? "", p.vsBenchmark ?? "", r.target ?? ""]),
  );
  return toCsv(["Measure", "School or district", "Term", "Students (n)", "Value", "Benchmark", "Benchmark source", "Difference from benchmark", "District target"], rows);
}

export function disparityCsv(view: {
  startYear: number | null;
  place: { name: string };
  rows: {
    measure: MeasureLike;
    term: DataTerm;
    all: SuppressedCell | null;
    groups: { label: string; cell: SuppressedCell; gapToAll: number | null; gapToBest: number | null }[];
    grades: { label: string; cell: SuppressedCell; gapToAll: number | null; gapToBest: number | null }[];
  }[];
}) {
  const rows: CsvCell[][] = view.rows.flatMap((r) => [
    [r.measure.name, view.place.name, when(view.startYear, r.term), "All students", ...cellColumns(r.all), "", ""],
    ...r.groups.map((g) => [r.measure.name, view.place.name, when(view.startYear, r.term), g.label, ...cellColumns(g.cell), g.gapToAll ?? "", g.gapToBest ?? ""]),
    ...r.grades.map((g) => [r.measure.name, view.place.name, when(view.startYear, r.term), g.label, ...cellColumns(g.cell), g.gapToAll ?? "", g.gapToBest ?? ""]),
  ]);
  return toCsv(["Measure", "School or district", "Term", "Group or grade", "Students (n)", "Value", "Gap to all students", "Gap to highest group"], rows);
}

export function trendCsv(view: { place: { name: string }; series: { measure: MeasureLike; benchmark: number | null; target: number | null; points: { startYear: number; term: DataTerm; cell: SuppressedCell }[] }[] }) {
  const rows = view.series.flatMap((s) => s.points.map((p) => [s.measure.name, view.place.name, when(p.startYear, p.term), ...cellColumns(p.cell), s.benchmark ?? "", s.target ?? ""]));
  return toCsv(["Measure", "School or district", "Term", "Students (n)", "Value", "Benchmark", "District target"], rows);
}
