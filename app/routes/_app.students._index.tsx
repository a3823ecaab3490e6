// Student support: the schools whose student records the person may open, and the lead's settings and access log.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { can, requirePermission, seesStudentRecords } from "~/modules/people/permissions";
import { studentSupportSchools } from "~/modules/students/students.server";
import { Forbidden } from "~/utils/errors";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Student support · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const scope = { districtId: user.districtId };
    const lead = can(user, "student:settings", scope);
    // The board and district roles without the grant have nothing here; the lead still reaches settings and the log.
    if (!seesStudentRecords(user) && !lead) throw new Forbidden();
    if (!lead) requirePermission(user, "district:read", scope);
    return {
      schools: seesStudentRecords(user) ? await studentSupportSchools(context.db, user) : [],
      canSettings: lead,
      canLog: can(user, "student:access-log", scope),
    };
  });
}

export default function StudentSupport() {
  const { schools, canSettings, canLog } = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Student support"
        title="Weekly data meetings"
        description="Find students who need support, understand why, plan a tailored intervention and check it weekly. Student records are private: every view is logged."
      />
      <Card title="Schools">
        {schools.length ? (
          <ul className="ck-list">
            {schools.map((s) => (
              <li key={s.id}>
                <Link to={`/students/schools/${s.id}`}>{s.name}</Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="ck-muted">You do not have the “student records” permission, so no school's student records are open to you.</p>
        )}
      </Card>
      {canSettings || canLog ? (
        <Card title="For the district lead">
          <ul className="ck-list">
            {canSettings ? (
              <li>
                <Link to="/students/settings">Thresholds, retention and the intervention catalog</Link>
              </li>
            ) : null}
            {canLog ? (
              <li>
                <Link to="/students/access-log">Student record access log</Link>
              </li>
            ) : null}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
