// Trend across terms and school years (cycles): all students' results over time, against benchmark and target.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/ui/layout";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { LineChart } from "~/modules/data/components/Charts";
import { CellN, CellValue, DataFilters, DownloadLink, SuppressionNote, WithQuestions } from "~/modules/data/components/DataBits";
import { dataTermLabels } from "~/modules/data/data-terms";
import { parseFilters, withFilters } from "~/modules/data/data.schema";
import { trendView } from "~/modules/data/views.server";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Trend · Outcome data · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const filters = parseFilters(new URL(request.url).searchParams);
    const view = await trendView(context.db, user, filters);
    return {
      minN: view.setup.minN,
      options: { years: [], schools: view.setup.schools, districtName: view.setup.districtName, measures: view.setup.measures.map((m) => ({ id: m.id, name: m.name })) },
      place: view.place,
      schoolId: filters.schoolId,
      measureId: filters.measureId,
      series: view.series.map((s) => ({
        measure: { id: s.measure.id, name: s.measure.name, unit: s.measure.unit, direction: s.measure.direction, scaleMin: s.measure.scaleMin, scaleMax: s.measure.scaleMax },
        benchmark: s.benchmark,
        target: s.target,
        points: s.points.map((p) => ({ label: `${dataTermLabels[p.term]} ${schoolYearLabel(p.startYear)}`, cell: p.cell })),
      })),
    };
  });
}

export default function TrendPage() {
  const data = useLoaderData<typeof loader>();
  const query = { school: data.schoolId, measure: data.measureId };
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Outcome data"
        title="Trend across terms and years"
        description={`${data.place.name}: all students' results for each term of each school year with results.`}
        actions={<DownloadLink to={withFilters("/data/export/trend", query)} />}
      />
      <p>
        <Link to={withFilters("/data", { school: data.schoolId })}>All data views</Link>
      </p>
      <DataFilters options={data.options} values={{ startYear: null, term: null, schoolId: data.schoolId, measureId: data.measureId }} />
      <WithQuestions questions={["Are we meeting our goals?", "What changed since last term, and since last year?", "Did anything move after a strategy started?"]}>
        {data.series.length === 0 ? <p>No results for this choice yet.</p> : null}
        {data.series.map((s) => {
          const shown = s.points.filter((p) => p.cell.shown);
          const first = shown[0];
          const last = shown.at(-1);
          const references = [
            ...(s.benchmark !== null ? [{ label: `Benchmark ${s.benchmark}`, value: s.benchmark }] : []),
            ...(s.target !== null ? [{ label: `Target ${s.target}`, value: s.target }] : []),
          ];
          return (
            <section key={s.measure.id} className="ck-card" aria-labelledby={`t-${s.measure.id}`}>
              <h2 id={`t-${s.measure.id}`}>{s.measure.name}</h2>
              <LineChart
                title={`${s.measure.name} over time, ${data.place.name}`}
                description={
                  first && last && first !== last
                    ? `From ${first.cell.display} in ${first.label} to ${last.cell.display} in ${last.label}${s.measure.direction === "lower_is_better" ? " (lower is better)" : ""}.`
                    : "Not enough shown results for a trend."
                }
                points={s.points}
                domain={[s.measure.scaleMin, s.measure.scaleMax]}
                references={references}
              />
              <div className="ck-table-wrap">
                <table className="ck-table">
                  <caption>{s.measure.name}: all students by term</caption>
                  <thead>
                    <tr>
                      <th scope="col">Term</th>
                      <th scope="col">Students (n)</th>
                      <th scope="col">Result</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.points.map((p) => (
                      <tr key={p.label}>
                        <th scope="row">{p.label}</th>
                        <td>
                          <CellN cell={p.cell} />
                        </td>
                        <td>
                          <CellValue cell={p.cell} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })}
        <SuppressionNote minN={data.minN} />
      </WithQuestions>
    </div>
  );
}
