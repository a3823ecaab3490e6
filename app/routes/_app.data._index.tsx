// The data hub: the questions a team asks of its outcome data, and a way into each view with the same filters.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/layout";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { DataFilters, SuppressionNote } from "~/modules/data/components/DataBits";
import { parseFilters, withFilters } from "~/modules/data/data.schema";
import { dataSetup, resolvePlace } from "~/modules/data/views.server";
import { requireUser } from "~/modules/people/auth.server";
import { can } from "~/modules/people/permissions";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Outcome data · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const filters = parseFilters(new URL(request.url).searchParams);
    const setup = await dataSetup(context.db, user);
    const place = await resolvePlace(context.db, user, setup, filters.schoolId);
    const startYear = filters.startYear !== null && setup.years.includes(filters.startYear) ? filters.startYear : (setup.years.at(-1) ?? null);
    return {
      minN: setup.minN,
      years: setup.years,
      schools: setup.schools,
      districtName: setup.districtName,
      place,
      startYear,
      schoolId: filters.schoolId,
      term: filters.term,
      canManage: can(user, "data:manage", { districtId: user.districtId }),
    };
  });
}

const views = [
  {
    path: "/data/competencies",
    title: "Competencies against benchmark",
    questions: ["Which competencies are above benchmark?", "Where do schools differ most from the district?"],
  },
  {
    path: "/data/groups",
    title: "Grades and student groups",
    questions: ["Which grades or groups report higher?", "Which competencies show the largest gaps between groups?"],
  },
  {
    path: "/data/trend",
    title: "Trend across terms and years",
    questions: ["Are we moving toward our goals?", "What changed since last term and last year?"],
  },
  {
    path: "/data/benchmarks",
    title: "Benchmarks and targets",
    questions: ["What are we comparing ourselves with, and where does it come from?"],
  },
];

export default function DataHub() {
  const data = useLoaderData<typeof loader>();
  const keep = { year: data.startYear, term: data.term, school: data.schoolId };
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Improve"
        title="Outcome data"
        description={`Survey, attendance and course results for ${data.place.name}${data.startYear !== null ? `, ${schoolYearLabel(data.startYear)}` : ""}: what they say about our goals, and where to look first.`}
      />
      <DataFilters
        options={{ years: data.years, terms: ["fall", "winter", "spring"], schools: data.schools, districtName: data.districtName }}
        values={{ startYear: data.startYear, term: data.term ?? "spring", schoolId: data.schoolId }}
      />
      {data.years.length === 0 ? <p>No results have been imported yet.</p> : null}
      <Card title="Questions to ask of the data">
        <ul className="ck-list">
          <li>Which competencies are above benchmark?</li>
          <li>Which grades or groups report higher?</li>
          <li>Which competencies show the largest gaps between groups?</li>
          <li>Are we meeting our goals?</li>
          <li>What should we prioritise?</li>
        </ul>
      </Card>
      <div className="ck-grid">
        {views.map((v) => (
          <Card key={v.path} title={v.title}>
            <ul className="ck-list">
              {v.questions.map((q) => (
                <li key={q}>{q}</li>
              ))}
            </ul>
            <p>
              <Link to={v.path === "/data/benchmarks" ? v.path : withFilters(v.path, keep)}>
                Open {v.title.toLowerCase()}
              </Link>
            </p>
          </Card>
        ))}
      </div>
      {data.canManage ? (
        <Card title="Manage the data">
          <ul className="ck-list">
            <li>
              <Link to="/data/import">Import results from a CSV file</Link>
            </li>
            <li>
              <Link to="/data/imports">Import history</Link>
            </li>
            <li>
              <Link to="/data/measures">Measures and student groups</Link>
            </li>
          </ul>
        </Card>
      ) : null}
      <SuppressionNote minN={data.minN} />
    </div>
  );
}
