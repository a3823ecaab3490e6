// Small pieces the student support pages share: the school's sub-navigation and the signal badges.
import { NavLink } from "@remix-run/react";
import { signalLabels, type Signal } from "../indicators";

export function StudentSupportNav({ schoolId }: { schoolId: string }) {
  const base = `/students/schools/${schoolId}`;
  return (
    <nav className="ck-subnav" aria-label="Student support">
      <NavLink to={base} end>
        Weekly meeting
      </NavLink>
      <NavLink to={`${base}/relationships`}>Relationship map</NavLink>
      <NavLink to={`${base}/import`}>Import</NavLink>
    </nav>
  );
}

export function SignalBadges({ signals, fresh = [] }: { signals: Signal[]; fresh?: Signal[] }) {
  if (!signals.length) return <span className="ck-muted">None</span>;
  return (
    <ul className="ck-signals">
      {signals.map((s) => (
        <li key={s} className={`ck-badge ${fresh.includes(s) ? "ck-badge--danger" : "ck-badge--warning"}`}>
          {signalLabels[s]}
          {fresh.includes(s) ? <span className="ck-visually-hidden"> (new this week)</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function RatesTable({ rates }: { rates: { minCellSize: number; terms: string[]; measures: { slug: string; label: string; byTerm: { term: string; display: string | null }[] }[] } }) {
  if (!rates.terms.length) return <p className="ck-muted">No rates yet: they are computed when weekly indicators are imported.</p>;
  const termName = (t: string) => t[0].toUpperCase() + t.slice(1);
  return (
    <div className="ck-table-wrap" tabIndex={0} role="region" aria-label="School rates">
      <table className="ck-table" id="school-rates">
        <caption>School rates this year, all students</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            {rates.terms.map((t) => (
              <th scope="col" key={t}>
                {termName(t)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rates.measures.map((m) => (
            <tr key={m.slug}>
              <th scope="row">{m.label}</th>
              {m.byTerm.map((c) => (
                <td key={c.term} data-measure={m.slug} data-term={c.term}>
                  {c.display ?? "–"}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
