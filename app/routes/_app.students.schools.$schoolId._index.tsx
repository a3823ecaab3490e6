// The weekly data meeting of one school: students newly flagged this week and those with an open plan, one row each.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { startYearOf } from "~/modules/students/indicators";
import { RatesTable, SignalBadges, StudentSupportNav } from "~/modules/students/components/StudentBits";
import { ratingLabels } from "~/modules/students/students.schema";
import { schoolRates, weeklyMeeting } from "~/modules/students/students.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";
import { todayFor } from "~/utils/time-zone";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Weekly meeting · ${data?.school.name ?? "School"} · Cyclekeeper` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const schoolId = uuidParam(params, "schoolId");
  const week = new URL(request.url).searchParams.get("week");
  return load(async () => {
    const meeting = await weeklyMeeting(context.db, user, schoolId, week && /^\d{4}-\d{2}-\d{2}$/.test(week) ? week : null);
    const rates = await schoolRates(context.db, user, schoolId, startYearOf(meeting.week ?? todayFor(user)));
    return { ...meeting, rates };
  });
}

const pct = (n: number | null) => (n === null ? "–" : `${n.toFixed(1)} %`);

export default function WeeklyMeeting() {
  const { school, week, previous, weeks, rows, students, flagged, rates } = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <PageHeader eyebrow="Student support" title={`Weekly meeting — ${school.name}`} actions={<Link to="/students">All schools</Link>} />
      <StudentSupportNav schoolId={school.id} />
      {week ? (
        <>
          <div className="ck-meeting-bar">
            <p>
              Week of <strong>{week}</strong>
              {previous ? <span className="ck-muted"> · compared with {previous}</span> : null} · {students} students with data, {flagged} with at least one signal.
            </p>
            <Form method="get" className="ck-form--inline">
              <label htmlFor="week">Week</label>
              <select id="week" name="week" className="ck-select" defaultValue={week}>
                {weeks.map((w) => (
                  <option key={w} value={w}>
                    {w}
                  </option>
                ))}
              </select>
              <button type="submit" className="ck-button ck-button--secondary">
                Show
              </button>
            </Form>
          </div>
          <div className="ck-table-wrap" tabIndex={0} role="region" aria-label="Students to discuss">
            <table className="ck-table" id="meeting">
              <caption>Newly flagged students and students with an open plan ({rows.length})</caption>
              <thead>
                <tr>
                  <th scope="col">Student</th>
                  <th scope="col">Grade</th>
                  <th scope="col">Signals</th>
                  <th scope="col">Absent</th>
                  <th scope="col">Failing</th>
                  <th scope="col">Incidents (4 wk)</th>
                  <th scope="col">SEL</th>
                  <th scope="col">Trusted adult</th>
                  <th scope="col">Plan</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.studentId}>
                    <th scope="row">
                      <Link to={`/students/${r.studentId}`}>{r.name}</Link>
                      {r.newSignals.length ? <span className="ck-badge ck-badge--danger ck-new">New</span> : null}
                    </th>
                    <td>{r.grade}</td>
                    <td>
                      <SignalBadges signals={r.signals} fresh={r.newSignals} />
                    </td>
                    <td>{pct(r.absencePct)}</td>
                    <td>{r.coursesFailing}</td>
                    <td>{r.recentIncidents}</td>
                    <td>{r.latestSel === null ? "–" : r.latestSel.toFixed(1)}</td>
                    <td>{r.latestTrustedAdult === null ? "–" : r.latestTrustedAdult ? "Yes" : "No"}</td>
                    <td>
                      {r.openPlan ? (
                        <>
                          {r.openPlan.name}
                          <br />
                          <span className="ck-muted">
                            {r.openPlan.ownerName ?? "No owner"}
                            {r.openPlan.lastRating ? ` · ${ratingLabels[r.openPlan.lastRating]}` : " · no check-in yet"}
                          </span>
                        </>
                      ) : (
                        <span className="ck-muted">None</span>
                      )}
                    </td>
                  </tr>
                ))}
                {rows.length === 0 ? (
                  <tr>
                    <td colSpan={9} className="ck-muted">
                      Nobody is newly flagged this week and no plan is open.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        <Card title="No indicators yet">
          <p>
            Import the school's roster and weekly indicators to start. <Link to={`/students/schools/${school.id}/import`}>Import files</Link>
          </p>
        </Card>
      )}
      <Card title="School rates">
        <p className="ck-muted">Rates feed the district's outcome measures. A rate over fewer than {rates.minCellSize} students is not shown.</p>
        <RatesTable rates={rates} />
      </Card>
    </div>
  );
}
