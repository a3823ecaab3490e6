// Every stakeholder report of the district and its schools that the person may read, by school year.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/layout";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { ReportStateBadge, reportLine } from "~/modules/reports/components/ReportBits";
import { listDistrictReports } from "~/modules/reports/reports.server";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Reports · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const reports = await load(() => listDistrictReports(context.db, user));
  const years = new Map<number, typeof reports>();
  for (const r of reports) years.set(r.startYear, [...(years.get(r.startYear) ?? []), r]);
  return {
    districtSlug: user.districtSlug,
    years: [...years.entries()].map(([startYear, items]) => ({ startYear, label: schoolYearLabel(startYear), items })),
    board: user.role === "board",
  };
}

export default function Reports() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <PageHeader
        title="Reports"
        description={
          data.board
            ? "The district's and schools' reports that are in review or published. You can read them and comment while they are in review."
            : "Annual reports of the district and its schools. Create one from a cycle's Reports page."
        }
      />
      <p>
        Published reports are public: <a href={`/r/${data.districtSlug}`}>the district's reports page</a>.
      </p>
      {data.years.length === 0 ? (
        <Card>
          <p className="ck-muted">No reports you can read yet.</p>
        </Card>
      ) : (
        data.years.map((year) => (
          <Card key={year.startYear} title={`${year.label} school year`}>
            <ul className="ck-list">
              {year.items.map((r) => (
                <li key={r.id}>
                  <Link to={`/reports/${r.id}`} lang={r.language}>
                    {r.title}
                  </Link>{" "}
                  <ReportStateBadge state={r.state} />{" "}
                  <span className="ck-muted">
                    · {r.organisation} · {reportLine(r)}
                    {r.lastPublished ? ` · version ${r.lastPublished.versionNumber} published` : ""}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        ))
      )}
    </div>
  );
}
