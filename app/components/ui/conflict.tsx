// The message a stale save answers with: who saved what since the form was opened, beside what this person typed.
import type { ReactNode } from "react";

export interface ConflictRowView {
  field: string;
  label: string;
  saved: string;
  typed: string;
}

const savedWhen = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** "Dana Okafor saved version 3 on Nov 23, 2026, 4:31 PM UTC." — with whatever of that is known. */
export function savedByLine(stale: Record<string, unknown>): string {
  const who = typeof stale.savedBy === "string" && stale.savedBy ? stale.savedBy : "Someone";
  const version = typeof stale.version === "number" ? ` version ${stale.version}` : " a newer version";
  const at = typeof stale.savedAt === "string" && !Number.isNaN(Date.parse(stale.savedAt)) ? ` on ${savedWhen.format(new Date(stale.savedAt))} UTC` : "";
  return `${who} saved${version}${at}.`;
}

export function StaleEditNotice({
  message,
  stale,
  rows,
  savedOnly = false,
  children,
}: {
  message: string;
  stale: Record<string, unknown>;
  rows: ConflictRowView[];
  /** Show the saved values alone, when nothing was typed to set beside them (a removal). */
  savedOnly?: boolean;
  /** What happens next, e.g. that the typed values are kept in the form below. */
  children?: ReactNode;
}) {
  return (
    <div className="ck-notice ck-notice--warning ck-conflict" role="alert">
      <p>
        <strong>{message}</strong>
      </p>
      <p>{savedByLine(stale)}</p>
      {rows.length ? (
        <div className="ck-table-wrap">
          <table className="ck-table">
            <caption>{savedOnly ? "The saved version" : "What differs between the saved version and yours"}</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Saved now</th>
                {savedOnly ? null : <th scope="col">What you typed</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.field}>
                  <th scope="row">{row.label}</th>
                  <td>{row.saved}</td>
                  {savedOnly ? null : <td>{row.typed}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>The saved version already matches what you typed.</p>
      )}
      {children}
    </div>
  );
}
