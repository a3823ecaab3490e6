// The tables of a document's history, shared by a plan's and a report draft's history pages: its versions (newest
// first, each a link to read it) and who changed it on which day.
import { Link } from "@remix-run/react";
import { dayLabel, type VersionKind } from "~/modules/plans/plan-versions";

const moment = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const time = new Intl.DateTimeFormat("en-US", { timeStyle: "short", timeZone: "UTC" });

export interface VersionRow {
  id: string;
  kind: VersionKind;
  title: string;
  createdAt: string;
  createdBy: string | null;
}

export interface ActivityRow {
  person: string | null;
  day: string;
  changes: number;
  firstAt: string;
  lastAt: string;
}

/** `what` names the document in captions ("the action plan", "the draft"). */
export function VersionsTable({ versions, versionPath, what }: { versions: VersionRow[]; versionPath: (id: string) => string; what: string }) {
  if (versions.length === 0) return <p>No versions yet.</p>;
  return (
    <div className="ck-table-wrap">
      <table className="ck-table">
        <caption className="ck-visually-hidden">Versions of {what}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Kind</th>
            <th scope="col">Saved by</th>
            <th scope="col">Saved</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id}>
              <th scope="row">
                <Link to={versionPath(v.id)}>{v.title}</Link>
              </th>
              <td>{v.kind === "named" ? "Named" : "Daily"}</td>
              <td>{v.kind === "daily" ? "Automatic" : (v.createdBy ?? "A former member")}</td>
              <td>{moment.format(new Date(v.createdAt))} UTC</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ActivityTable({ activity, what, startedBy }: { activity: ActivityRow[]; what: string; startedBy: string }) {
  if (activity.length === 0) return <p>Nobody has changed {what} yet.</p>;
  return (
    <div className="ck-table-wrap">
      <table className="ck-table">
        <caption className="ck-visually-hidden">Changes to {what} by person and day (UTC), newest day first</caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Day</th>
            <th scope="col">Changes</th>
            <th scope="col">First change</th>
            <th scope="col">Last change</th>
          </tr>
        </thead>
        <tbody>
          {activity.map((a) => (
            <tr key={`${a.day}-${a.person ?? ""}-${a.firstAt}`}>
              <th scope="row">{a.person ?? startedBy}</th>
              <td>{dayLabel(a.day)}</td>
              <td>{a.changes}</td>
              <td>{time.format(new Date(a.firstAt))} UTC</td>
              <td>{time.format(new Date(a.lastAt))} UTC</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
