// Competencies against their benchmark, for the district and its schools (or one school beside the district).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/ui/layout";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { BarChart } from "~/modules/data/components/Charts";
import { CellN, CellValue, DataFilters, DownloadLink, signed, SuppressionNote, WithQuestions } from "~/modules/data/components/DataBits";
import { dataTermLabels } from "~/modules/data/data-terms";
import { parseFilters, withFilters } from "~/modules/data/data.schema";
import { competencyView } from "~/modules/data/views.server";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Competencies against benchmark · Outcome data · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const filters = parseFilters(new URL(request.url).searchParams);
    const view = await competencyView(context.db, user, filters);
    return {
      minN: view.setup.minN,
      options: { years: view.setup.years, terms: view.terms, schools: view.setup.schools, districtName: view.setup.districtName },
      place: view.place,
      startYear: view.startYear,
      term: view.term,
      schoolId: filters.schoolId,
      rows: view.rows.map((r) => ({
        measure: { id: r.measure.id, name: r.measure.name, unit: r.measure.unit, direction: r.measure.direction, scaleMin: r.measure.scaleMin, scaleMax: r.measure.scaleMax },
        benchmark: r.benchmark,
        target: r.target,
        places: r.places.map((p) => ({ name: p.place.name, cell: p.cell, vsBenchmark: p.vsBenchmark, meetsBenchmark: p.meetsBenchmark })),
      })),
    };
  });
}

export default function CompetenciesPage() {
  const data = useLoaderData<typeof loader>();
  const when = data.startYear !== null && data.term ? `${dataTermLabels[data.term]} ${schoolYearLabel(data.startYear)}` : "";
  const query = { year: data.startYear, term: data.term, school: data.schoolId };
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Outcome data"
        title="Competencies against benchmark"
        description={`${data.place.name}${when ? `, ${when}` : ""}. Each competency's result for all students beside the provider's benchmark and the district's target.`}
        actions={<DownloadLink to={withFilters("/data/export/competencies", query)} />}
      />
      <p>
        <Link to={withFilters("/data", { year: data.startYear, school: data.schoolId })}>All data views</Link>
      </p>
      <DataFilters options={data.options} values={{ startYear: data.startYear, term: data.term, schoolId: data.schoolId }} />
      <WithQuestions questions={["Which competencies are above benchmark?", "Which are furthest below it?", "Which schools differ most from the district?", "What should we prioritise?"]}>
        {data.rows.length === 0 || !when ? <p>No survey results for this year yet.</p> : null}
        {when
          ? data.rows.map((r) => {
              const above = r.places.filter((p) => p.meetsBenchmark === true).map((p) => p.name);
              const references = [
                ...(r.benchmark ? [{ label: `Benchmark ${r.benchmark.value}`, value: r.benchmark.value }] : []),
                ...(r.target !== null ? [{ label: `Target ${r.target}`, value: r.target }] : []),
              ];
              return (
                <section key={r.measure.id} className="ck-card" aria-labelledby={`m-${r.measure.id}`}>
                  <h2 id={`m-${r.measure.id}`}>{r.measure.name}</h2>
                  <BarChart
                    title={`${r.measure.name}, ${when}`}
                    description={`${r.measure.name} for all students at each place. ${r.benchmark ? `Benchmark ${r.benchmark.value} (${r.benchmark.source}).` : "No benchmark set."} ${above.length ? `Meeting the benchmark: ${above.join(", ")}.` : "No place shown meets the benchmark."}`}
                    data={r.places.map((p) => ({ label: p.name, cell: p.cell ?? { shown: false, value: null, display: "no results" } }))}
                    domain={[r.measure.scaleMin, r.measure.scaleMax]}
                    references={references}
                  />
                  <div className="ck-table-wrap">
                    <table className="ck-table">
                      <caption>
                        {r.measure.name}: values{r.benchmark ? ` against the benchmark of ${r.benchmark.value} (${r.benchmark.source})` : ""}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">School or district</th>
                          <th scope="col">Students (n)</th>
                          <th scope="col">Result</th>
                          <th scope="col">Difference from benchmark</th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.places.map((p) => (
                          <tr key={p.name}>
                            <th scope="row">{p.name}</th>
                            <td>
                              <CellN cell={p.cell} />
                            </td>
                            <td>
                              <CellValue cell={p.cell} />
                            </td>
                            <td>
                              {signed(p.vsBenchmark, r.measure.unit)}
                              {p.meetsBenchmark === null ? null : <span className="ck-muted"> ({p.meetsBenchmark ? "meets benchmark" : "short of benchmark"})</span>}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </section>
              );
            })
          : null}
        <SuppressionNote minN={data.minN} />
      </WithQuestions>
    </div>
  );
}
