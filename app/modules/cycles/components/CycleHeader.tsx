// The heading every cycle page shares: which organisation and year, status, the phase path and the cycle's pages.
import { NavLink } from "@remix-run/react";

const phases = [
  { id: "organize", label: "Organize", focus: "Focus area 1" },
  { id: "implement", label: "Implement", focus: "Focus areas 2 and 3" },
  { id: "improve", label: "Improve", focus: "Focus area 4" },
] as const;

const statusLabels = { planning: "Planning", active: "Active", closed: "Closed (read-only)" } as const;

export interface CycleHeading {
  id: string;
  yearLabel: string;
  organisation: string;
  status: keyof typeof statusLabels;
  phase: (typeof phases)[number]["id"];
  isDistrict: boolean;
}

export function CycleHeader({ cycle, title }: { cycle: CycleHeading; title: string }) {
  const current = phases.findIndex((p) => p.id === cycle.phase);
  return (
    <div className="ck-cycle-header">
      <p className="ck-eyebrow">
        {cycle.organisation} · {cycle.yearLabel} cycle{" "}
        <span className={`ck-badge${cycle.status === "closed" ? " ck-badge--muted" : ""}`}>{statusLabels[cycle.status]}</span>
      </p>
      <h1>{title}</h1>
      <ol className="ck-phases" aria-label="Phases of the cycle">
        {phases.map((phase, index) => (
          <li key={phase.id} className={index === current ? "ck-phases__current" : index < current ? "ck-phases__done" : undefined} aria-current={index === current ? "step" : undefined}>
            <strong>{phase.label}</strong>
            <span>{phase.focus}</span>
            {index === current ? <span className="ck-visually-hidden"> (current phase)</span> : null}
          </li>
        ))}
      </ol>
      <nav className="ck-subnav" aria-label="This cycle">
        <NavLink to={`/cycles/${cycle.id}`} end>
          Overview
        </NavLink>
        <NavLink to={`/cycles/${cycle.id}/goals`}>Goals</NavLink>
        <NavLink to={`/cycles/${cycle.id}/plan`}>Action plan</NavLink>
        <NavLink to={`/cycles/${cycle.id}/rubric`}>Implementation rubric</NavLink>
        {cycle.isDistrict ? <NavLink to={`/cycles/${cycle.id}/rollup`}>Schools roll-up</NavLink> : null}
        <NavLink to={`/cycles/${cycle.id}/reflection`}>Reflection</NavLink>
        <NavLink to={`/cycles/${cycle.id}/year-end`}>Year-end</NavLink>
        <NavLink to={`/cycles/${cycle.id}/reports`}>Reports</NavLink>
        <NavLink to={`/cycles/${cycle.id}/settings`}>Settings</NavLink>
      </nav>
    </div>
  );
}
