// Grades and student groups: each result beside all students' and the best group's, largest disparities first.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/ui/layout";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { BarChart } from "~/modules/data/components/Charts";
import { CellN, CellValue, DataFilters, DownloadLink, signed, SuppressionNote, WithQuestions } from "~/modules/data/components/DataBits";
import { dataTermLabels } from "~/modules/data/data-terms";
import { parseFilters, withFilters } from "~/modules/data/data.schema";
import { disparityView } from "~/modules/data/views.server";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Grades and student groups · Outcome data · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const filters = parseFilters(new URL(request.url).searchParams);
    const view = await disparityView(context.db, user, filters);
    return {
      minN: view.setup.minN,
      options: {
        years: view.setup.years,
        terms: view.terms,
        schools: view.setup.schools,
        districtName: view.setup.districtName,
        measures: view.setup.measures.map((m) => ({ id: m.id, name: m.name })),
      },
      place: view.place,
      startYear: view.startYear,
      term: view.term,
      schoolId: filters.schoolId,
      measureId: filters.measureId,
      rows: view.rows.map((r) => ({
        measure: { id: r.measure.id, name: r.measure.name, unit: r.measure.unit, direction: r.measure.direction, scaleMin: r.measure.scaleMin, scaleMax: r.measure.scaleMax },
        term: r.term,
        all: r.all,
        groups: r.groups,
        grades: r.grades,
        spread: r.spread,
      })),
    };
  });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

function GapTable({ caption, rows, measure, firstColumn }: { caption: string; rows: Row["groups"]; measure: Row["measure"]; firstColumn: string }) {
  return (
    <div className="ck-table-wrap">
      <table className="ck-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{firstColumn}</th>
            <th scope="col">Students (n)</th>
            <th scope="col">Result</th>
            <th scope="col">Gap to all students</th>
            <th scope="col">Gap to highest</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.label}>
              <th scope="row">{g.label}</th>
              <td>
                <CellN cell={g.cell} />
              </td>
              <td>
                <CellValue cell={g.cell} />
              </td>
              <td>{signed(g.gapToAll, measure.unit)}</td>
              <td>{signed(g.gapToBest, measure.unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function GroupsPage() {
  const data = useLoaderData<typeof loader>();
  const query = { year: data.startYear, term: data.term, school: data.schoolId, measure: data.measureId };
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Outcome data"
        title="Grades and student groups"
        description={`${data.place.name}${data.startYear !== null ? `, ${schoolYearLabel(data.startYear)}` : ""}. Measures with the widest spread between groups come first; within each, the groups furthest from all students.`}
        actions={<DownloadLink to={withFilters("/data/export/groups", query)} />}
      />
      <p>
        <Link to={withFilters("/data", { year: data.startYear, school: data.schoolId })}>All data views</Link>
      </p>
      <DataFilters options={data.options} values={{ startYear: data.startYear, term: data.term, schoolId: data.schoolId, measureId: data.measureId }} />
      <WithQuestions
        questions={[
          "Which grades or groups report higher?",
          "Which competencies show the largest gaps between groups?",
          "Whose voices are missing because their groups are too small to show?",
          "What should we prioritise?",
        ]}
      >
        {data.rows.length === 0 ? <p>No results for this choice yet.</p> : null}
        {data.rows.map((r, index) => {
          const when = data.startYear !== null ? `${dataTermLabels[r.term]} ${schoolYearLabel(data.startYear)}` : "";
          const references = r.all?.shown && r.all.value !== null ? [{ label: `All students ${r.all.display}`, value: r.all.value }] : [];
          const largest = r.groups.find((g) => g.gapToAll !== null);
          return (
            <section key={r.measure.id} className="ck-card" aria-labelledby={`d-${r.measure.id}`}>
              <h2 id={`d-${r.measure.id}`}>
                {index + 1}. {r.measure.name}
              </h2>
              <p className="ck-muted">
                {when}. All students: <CellValue cell={r.all} />. Spread between groups: {r.spread === null ? "not enough groups shown" : signed(r.spread, r.measure.unit).replace(/^[+±]/, "")}
                {r.measure.direction === "lower_is_better" ? " (lower is better)" : ""}.
              </p>
              <BarChart
                title={`${r.measure.name} by student group, ${when}`}
                description={`Each group's result beside all students'. ${largest ? `Largest gap: ${largest.label}, ${signed(largest.gapToAll, r.measure.unit)} from all students.` : "No gaps can be shown."} Hidden groups are named with the reason.`}
                data={r.groups.map((g) => ({ label: g.label, cell: g.cell }))}
                domain={[r.measure.scaleMin, r.measure.scaleMax]}
                references={references}
              />
              <GapTable caption={`${r.measure.name}: student groups, largest gap first`} rows={r.groups} measure={r.measure} firstColumn="Student group" />
              {r.grades.length ? <GapTable caption={`${r.measure.name}: grades, largest gap first`} rows={r.grades} measure={r.measure} firstColumn="Grade" /> : null}
            </section>
          );
        })}
        <SuppressionNote minN={data.minN} />
      </WithQuestions>
    </div>
  );
}
