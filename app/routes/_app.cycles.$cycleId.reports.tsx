// A cycle's stakeholder reports: the list with their state, and (for those who may write them) "Create annual report".
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormError, SelectField, TextField } from "~/components/ui/form";
import { Card } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { formatLongDate } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { ReportStateBadge, audienceShort } from "~/modules/reports/components/ReportBits";
import { reportAudienceLabels, reportAudiences } from "~/modules/reports/report-blocks";
import { languageLabel, reportLanguageCodes, reportLanguages } from "~/modules/reports/reports";
import { createReportSchema } from "~/modules/reports/reports.schema";
import { authorizeReportCreation, createReport, listCycleReports, reportDefaults } from "~/modules/reports/reports.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Reports · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Reports · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const { cycle, reports, canCreate } = await load(() => listCycleReports(context.db, user, cycleId));
  const defaults = canCreate ? await load(() => reportDefaults(context.db, user, cycle.id)) : null;
  return { heading: cycleHeading(cycle, user.districtName), reports, canCreate, defaults };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const form = await readForm(request);
  await load(() => authorizeReportCreation(context.db, user, cycleId));
  return act(form, async () => {
    const input = parseForm(form, createReportSchema);
    const report = await createReport(context.db, user, cycleId, input, context.clientIp);
    throw redirect(`/reports/${report.id}?created=1`);
  });
}

export default function CycleReports() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Reports" />
      <p>
        Annual reports tell the board, families and staff what the {data.heading.isDistrict ? "district" : "school"} did this year and what it learned. Each starts from
        this cycle's own data, is written together, reviewed and then published as a page anyone can read. <Link to="/reports">All the district's reports</Link>
      </p>
      <Card title="This cycle's reports">
        {data.reports.length === 0 ? (
          <p className="ck-muted">No reports for this cycle yet{data.canCreate ? "." : " that you can read."}</p>
        ) : (
          <div className="ck-table-wrap">
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">Report</th>
                  <th scope="col">State</th>
                  <th scope="col">Audience</th>
                  <th scope="col">Language</th>
                  <th scope="col">Last published</th>
                </tr>
              </thead>
              <tbody>
                {data.reports.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      <Link to={`/reports/${r.id}`} lang={r.language}>
                        {r.title}
                      </Link>
                    </th>
                    <td>
                      <ReportStateBadge state={r.state} />
                    </td>
                    <td>{audienceShort(r.audience)}</td>
                    <td>{languageLabel(r.language)}</td>
                    <td>{r.lastPublished ? `Version ${r.lastPublished.versionNumber}, ${formatLongDate(new Date(r.lastPublished.publishedAt).toISOString().slice(0, 10))}` : "Not yet"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {data.canCreate && data.defaults ? (
        <Card title="Create annual report">
          <p>The draft starts with seven sections filled from this cycle: goals, data, rubric roll-ups, reflection and decisions. Edit it freely before review.</p>
          <Form method="post" className="ck-form" noValidate>
            <FormError state={failure} />
            <SelectField
              name="audience"
              label="Audience"
              state={failure}
              defaultValue="board"
              options={reportAudiences.map((a) => ({ value: a, label: reportAudienceLabels[a] }))}
            />
            <SelectField name="language" label="Language" state={failure} defaultValue="en" options={reportLanguageCodes.map((c) => ({ value: c, label: reportLanguages[c] }))} />
            <TextField name="title" label="Title" state={failure} defaultValue={data.defaults.title} maxLength={160} />
            <TextField
              name="slug"
              label="Public address"
              state={failure}
              hint={`The last part of the report's public address. Leave it empty to make it from the title (${data.defaults.slug}). Lower-case letters, digits and hyphens.`}
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              maxLength={80}
            />
            <div>
              <button type="submit" className="ck-button">
                Create annual report
              </button>
            </div>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}
