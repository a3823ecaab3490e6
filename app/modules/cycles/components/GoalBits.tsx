// Small pieces every goal view shares: its status, its SMARTIE score, and the SMARTIE checklist.
import { goalStatusLabel, type GoalStatus, type SchoolOnlyStatus } from "../goal-progress";
import type { SmartieCheck } from "../smartie";

const statusTone: Partial<Record<GoalStatus | SchoolOnlyStatus, string>> = {
  met: "",
  on_track: "",
  improving: "",
  not_met: " ck-badge--danger",
  worsening: " ck-badge--danger",
  not_started: " ck-badge--warning",
  no_data: " ck-badge--muted",
  flat: " ck-badge--muted",
  one_value: " ck-badge--muted",
  held_back: " ck-badge--muted",
};

export function GoalStatusBadge({ status }: { status: GoalStatus | SchoolOnlyStatus }) {
  return <span className={`ck-badge${statusTone[status] ?? ""}`}>{goalStatusLabel(status)}</span>;
}

export function SmartieTally({ checks }: { checks: SmartieCheck[] }) {
  const met = checks.filter((c) => c.status === "met").length;
  const missing = checks.filter((c) => c.status === "missing").length;
  return (
    <span className={`ck-badge${missing ? " ck-badge--warning" : ""}`}>
      SMARTIE {met}/{checks.length}
      {missing ? ` · ${missing} to fix` : ""}
    </span>
  );
}

export function SmartieChecklist({ checks }: { checks: SmartieCheck[] }) {
  return (
    <ul className="ck-smartie">
      {checks.map((check) => (
        <li key={check.letter} className={`ck-smartie__${check.status}`}>
          <span className="ck-smartie__letter" aria-hidden="true">
            {check.letter}
          </span>
          <span>
            <strong>{check.name}</strong>{" "}
            <span className="ck-visually-hidden">({check.status === "met" ? "met" : check.status === "missing" ? "missing" : "worth a look"})</span>
            <br />
            {check.message}
          </span>
        </li>
      ))}
    </ul>
  );
}
