// The relationship map: which students no adult has named, and how that number changes over the year.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { StudentSupportNav } from "~/modules/students/components/StudentBits";
import { relationshipMap } from "~/modules/students/students.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction = () => [{ title: "Relationship map · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const schoolId = uuidParam(params, "schoolId");
  return load(() => relationshipMap(context.db, user, schoolId));
}

export default function RelationshipMap() {
  const { school, total, withoutAdult, withAdult, trend } = useLoaderData<typeof loader>();
  const max = Math.max(1, ...trend.map((t) => t.withoutAdult));
  return (
    <div className="ck-stack">
      <PageHeader eyebrow="Student support" title={`Relationship map — ${school.name}`} actions={<Link to="/students">All schools</Link>} />
      <StudentSupportNav schoolId={school.id} />
      <p>
        <strong>{withoutAdult.length}</strong> of {total} students have no adult who has named a strong relationship with them. Staff mark relationships on a
        student's page.
      </p>
      <section className="ck-card" aria-labelledby="trend-title">
        <h2 id="trend-title">Students with no adult named, month by month</h2>
        <table className="ck-table ck-trend" id="relationship-trend">
          <caption className="ck-visually-hidden">Students with no adult named at the end of each month</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Students with no adult</th>
            </tr>
          </thead>
          <tbody>
            {trend.map((t) => (
              <tr key={t.month}>
                <th scope="row">{t.month}</th>
                <td>
                  <span className="ck-bar" style={{ width: `${(t.withoutAdult / max) * 12}rem` }} aria-hidden="true" /> {t.withoutAdult}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="ck-grid">
        <section className="ck-card" aria-labelledby="none-title">
          <h2 id="none-title">No adult named ({withoutAdult.length})</h2>
          <ul className="ck-list">
            {withoutAdult.map((s) => (
              <li key={s.id}>
                <Link to={`/students/${s.id}`}>{s.name}</Link> <span className="ck-muted">· grade {s.grade}</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="ck-card" aria-labelledby="some-title">
          <h2 id="some-title">With an adult ({withAdult.length})</h2>
          <ul className="ck-list">
            {withAdult.map((s) => (
              <li key={s.id}>
                <Link to={`/students/${s.id}`}>{s.name}</Link> <span className="ck-muted">· {s.adults.join(", ")}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
