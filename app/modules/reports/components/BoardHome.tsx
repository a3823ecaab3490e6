// A board member's home: the reports to read (latest published, and those in review to comment on) and the
// district's current roll-up. Nothing here edits anything.
import { Link } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/layout";
import type { ReportAudience } from "../report-blocks";
import type { ReportState } from "../reports";
import { ReportStateBadge, reportLine } from "./ReportBits";

interface Item {
  id: string;
  title: string;
  state: ReportState;
  audience: ReportAudience;
  language: string;
  organisation: string;
  lastPublished: { versionNumber: number } | null;
}

export interface BoardHomeProps {
  firstName: string;
  districtName: string;
  minCellSize: number;
  overview: { published: Item[]; inReview: Item[]; currentCycle: { id: string; yearLabel: string } | null };
}

function ReportList({ items, empty }: { items: Item[]; empty: string }) {
  if (items.length === 0) return <p className="ck-muted">{empty}</p>;
  return (
    <ul className="ck-list">
      {items.map((r) => (
        <li key={r.id}>
          <Link to={`/reports/${r.id}`} lang={r.language}>
            {r.title}
          </Link>{" "}
          <ReportStateBadge state={r.state} />{" "}
          <span className="ck-muted">
            · {r.organisation} · {reportLine(r)}
            {r.lastPublished ? ` · version ${r.lastPublished.versionNumber}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function BoardHome({ firstName, districtName, minCellSize, overview }: BoardHomeProps) {
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Board"
        title={`Welcome, ${firstName}`}
        description={`${districtName}'s SEL reports and the district roll-up. You read and comment; nothing here can be changed from your account.`}
      />
      <Card title="Reports in review">
        <p className="ck-muted">The team asks for your comments before the lead publishes them.</p>
        <ReportList items={overview.inReview} empty="No report is waiting for review." />
      </Card>
      <Card title="Latest published reports">
        <ReportList items={overview.published} empty="Nothing published yet." />
        <p>
          <Link to="/reports">All reports</Link>
        </p>
      </Card>
      <Card title="District roll-up">
        {overview.currentCycle ? (
          <p>
            How the schools stand on the implementation rubric in the {overview.currentCycle.yearLabel} cycle:{" "}
            <Link to={`/cycles/${overview.currentCycle.id}/rollup`}>see the {overview.currentCycle.yearLabel} roll-up</Link>.
          </p>
        ) : (
          <p className="ck-muted">The district has no current cycle.</p>
        )}
        <p className="ck-muted">Groups smaller than {minCellSize} students are never shown in aggregates.</p>
      </Card>
    </div>
  );
}
