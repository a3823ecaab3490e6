// Pieces every data view shares: the filter form (works without JavaScript), the guiding questions, and a cell's text.
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { dataTermLabels, type DataTerm } from "../data-terms";

export interface FilterOptions {
  years: number[];
  terms?: DataTerm[];
  schools: { id: string; name: string }[];
  districtName: string;
  measures?: { id: string; name: string }[];
  allMeasuresLabel?: string;
}

export interface FilterValues {
  startYear: number | null;
  term: DataTerm | null;
  schoolId: string | null;
  measureId?: string | null;
}

export function DataFilters({ options, values }: { options: FilterOptions; values: FilterValues }) {
  return (
    <Form method="get" className="ck-data-filters" aria-label="Filters">
      {options.years.length ? (
        <div className="ck-field">
          <label htmlFor="f-year">School year</label>
          <select id="f-year" name="year" className="ck-select" defaultValue={values.startYear ?? ""}>
            {options.years.map((y) => (
              <option key={y} value={y}>
                {schoolYearLabel(y)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {options.terms?.length ? (
        <div className="ck-field">
          <label htmlFor="f-term">Term</label>
          <select id="f-term" name="term" className="ck-select" defaultValue={values.term ?? ""}>
            {options.terms.map((t) => (
              <option key={t} value={t}>
                {dataTermLabels[t]}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="ck-field">
        <label htmlFor="f-school">School or district</label>
        <select id="f-school" name="school" className="ck-select" defaultValue={values.schoolId ?? ""}>
          <option value="">{options.districtName} (district)</option>
          {options.schools.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      {options.measures ? (
        <div className="ck-field">
          <label htmlFor="f-measure">Measure</label>
          <select id="f-measure" name="measure" className="ck-select" defaultValue={values.measureId ?? ""}>
            <option value="">{options.allMeasuresLabel ?? "All measures"}</option>
            {options.measures.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div>
        <button type="submit" className="ck-button ck-button--secondary">
          Show
        </button>
      </div>
    </Form>
  );
}

/** The view beside its guiding questions, as the CASEL data-reflection protocols pair them. */
export function WithQuestions({ questions, children }: { questions: string[]; children: ReactNode }) {
  return (
    <div className="ck-data-layout">
      <div className="ck-stack">{children}</div>
      <aside className="ck-card ck-data-questions" aria-labelledby="questions-heading">
        <h2 id="questions-heading">Questions to ask</h2>
        <ul className="ck-list">
          {questions.map((q) => (
            <li key={q}>{q}</li>
          ))}
        </ul>
      </aside>
    </div>
  );
}

export interface CellLike {
  shown: boolean;
  n: number | null;
  display: string;
}

/** A value, or the reason it is hidden, styled so hidden cells never look like numbers. */
export function CellValue({ cell }: { cell: CellLike | null }) {
  if (!cell) return <span className="ck-muted">no results</span>;
  return cell.shown ? <>{cell.display}</> : <span className="ck-data-hidden">{cell.display}</span>;
}

export function CellN({ cell }: { cell: CellLike | null }) {
  return <>{cell?.shown ? cell.n : "—"}</>;
}

export function SuppressionNote({ minN }: { minN: number }) {
  return (
    <p className="ck-muted">
      Results about fewer than {minN} students are hidden, and so is the next smallest result where the hidden one could
      otherwise be worked out from a total. Percentages below 5 % or above 95 % are shown as “&lt; 5 %” and “&gt; 95 %”.
    </p>
  );
}

export function DownloadLink({ to }: { to: string }) {
  return (
    <Link to={to} reloadDocument className="ck-button ck-button--secondary">
      Download CSV
    </Link>
  );
}

export function signed(value: number | null, unit: string) {
  if (value === null) return "—";
  const digits = unit === "percent" ? 1 : 2;
  const text = `${value > 0 ? "+" : value < 0 ? "−" : "±"}${Math.abs(value).toFixed(digits)}`;
  return unit === "percent" ? `${text} pts` : text;
}
