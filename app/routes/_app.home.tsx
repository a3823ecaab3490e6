// District home: who you are here, the district at a glance, your schools, and (for the lead) recent activity.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/layout";
import { describeAuditEvent } from "~/modules/audit/describe";
import { listRecentAudit } from "~/modules/audit/audit.server";
import { schoolLevelLabels } from "~/modules/districts/districts.schema";
import { districtCounts, getDistrict, listSchools } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { can, roleLabels } from "~/modules/people/permissions";
import { BoardHome } from "~/modules/reports/components/BoardHome";
import { boardOverview } from "~/modules/reports/reports.server";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Home · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const scope = { districtId: user.districtId };
    const [district, counts, schools] = await Promise.all([
      getDistrict(context.db, user),
      districtCounts(context.db, user),
      listSchools(context.db, user),
    ]);
    const activity = can(user, "audit:read", scope) ? await listRecentAudit(context.db, user.districtId, 8) : null;
    // Board members get a "Board" home: the reports to read and the district roll-up, nothing to edit.
    const board = user.role === "board" ? await boardOverview(context.db, user) : null;
    return {
      firstName: user.name.split(" ")[0],
      roleLabel: roleLabels[user.role],
      role: user.role,
      district: { name: district.name, minCellSize: district.minCellSize },
      counts,
      schools: schools.map((s) => ({ id: s.id, name: s.name, level: schoolLevelLabels[s.level], teamSize: s.teamSize })),
      activity: activity?.map((a) => ({ id: a.id, text: describeAuditEvent(a), at: a.at.toISOString() })) ?? null,
      canManage: can(user, "district:manage", scope),
      board,
    };
  });
}

const roleIntro: Record<string, string> = {
  district_lead: "You lead SEL for the district: schools, people, settings and every part of the cycle.",
  district_team: "You work on the district's SEL cycle and can read every school's work.",
  school_team: "You lead SEL in your school and read the district's cycle and plan.",
  board: "You can read the district's cycle, roll-ups and reports. Nothing here can be changed from your account.",
};

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const schoolsTitle = data.role === "school_team" ? "Your schools" : "Schools";
  if (data.board) return <BoardHome firstName={data.firstName} districtName={data.district.name} minCellSize={data.district.minCellSize} overview={data.board} />;
  return (
    <div className="ck-stack">
      <PageHeader eyebrow={data.roleLabel} title={`Welcome, ${data.firstName}`} description={roleIntro[data.role]} />
      <div className="ck-grid">
        <Card title="District">
          <p>
            <strong>{data.district.name}</strong>
          </p>
          <p className="ck-muted">Groups smaller than {data.district.minCellSize} students are never shown in aggregates.</p>
        </Card>
        <Card title="Active schools">
          <p className="ck-stat">{data.counts.schools}</p>
          <p className="ck-stat-label">
            <Link to="/schools">See all schools</Link>
          </p>
        </Card>
        <Card title="People with access">
          <p className="ck-stat">{data.counts.people}</p>
          <p className="ck-stat-label">{data.canManage ? <Link to="/people">Manage people</Link> : "active accounts in the district"}</p>
        </Card>
      </div>
      <Card title={schoolsTitle}>
        {data.schools.length === 0 ? (
          <p className="ck-muted">No schools yet.{data.canManage ? " Add them on the Schools page." : ""}</p>
        ) : (
          <ul className="ck-list">
            {data.schools.map((s) => (
              <li key={s.id}>
                <Link to={`/schools/${s.id}`}>{s.name}</Link> <span className="ck-badge ck-badge--muted">{s.level}</span>{" "}
                <span className="ck-muted">
                  · {s.teamSize === 0 ? "no school team yet" : s.teamSize === 1 ? "1 person on the school team" : `${s.teamSize} people on the school team`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {data.activity ? (
        <Card title="Recent activity">
          {data.activity.length === 0 ? (
            <p className="ck-muted">Nothing has happened yet.</p>
          ) : (
            <ul className="ck-list">
              {data.activity.map((a) => (
                <li key={a.id}>
                  {a.text} <span className="ck-muted">· {formatWhen(a.at)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}
    </div>
  );
}

function formatWhen(iso: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC";
}
