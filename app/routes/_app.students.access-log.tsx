// The student record access log: who opened, listed, exported, imported or deleted which records, when and why.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { listAccessLog } from "~/modules/students/students.server";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Student record access log · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const before = new URL(request.url).searchParams.get("before");
  const at = before ? new Date(before) : undefined;
  return load(() => listAccessLog(context.db, user, { before: at && !Number.isNaN(at.getTime()) ? at : undefined }));
}

const kindLabels = { view: "Viewed", list: "Listed", export: "Exported", import: "Imported", delete: "Deleted", retention: "Retention" } as const;

export default function AccessLog() {
  const { entries, more } = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Student support"
        title="Student record access log"
        description="Every view of a student record, every list of students, export, import and deletion, newest first."
        actions={<Link to="/students">Student support</Link>}
      />
      <div className="ck-table-wrap" tabIndex={0} role="region" aria-label="Access log entries">
        <table className="ck-table" id="access-log">
          <caption className="ck-visually-hidden">Access log entries</caption>
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Student</th>
              <th scope="col">School</th>
              <th scope="col">Context</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.at).toISOString().slice(0, 16).replace("T", " ")}</td>
                <td>{e.actorName}</td>
                <td>{kindLabels[e.kind]}</td>
                <td>{e.student ? e.student.id ? <Link to={`/students/${e.student.id}`}>{e.student.name}</Link> : <span className="ck-muted">{`record ${e.student.ref}`}</span> : "–"}</td>
                <td>{e.schoolName ?? "–"}</td>
                <td>{e.context}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more ? <Link to={`?before=${encodeURIComponent(new Date(more).toISOString())}`}>Older entries</Link> : null}
    </div>
  );
}
