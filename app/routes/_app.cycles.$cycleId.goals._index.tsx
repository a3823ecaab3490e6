// A cycle's annual goals: its own, and for a school the district goals shared with it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { GoalStatusBadge, SmartieTally } from "~/modules/cycles/components/GoalBits";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { mirrorScopeLabels } from "~/modules/cycles/goals.schema";
import { listGoalsForCycle, type GoalView } from "~/modules/cycles/goals.server";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Goals · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Goals · Cyclekeeper" }];

function summary(goal: GoalView) {
  return {
    id: goal.id,
    title: goal.title,
    kind: goal.kind,
    mirrorScope: goal.mirrorScope,
    status: goal.progress.status,
    smartie: goal.smartie,
    strategies: goal.strategies.length,
    about: goal.kind === "implementation" ? `Reach level ${goal.targetLevel} on ${goal.rubricItem?.title ?? "a rubric activity"}` : `${goal.measure?.name ?? "A measure"}: ${goal.baselineValue ?? "?"} → ${goal.targetValue ?? "?"}`,
  };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  return load(async () => {
    const cycle = await getCycle(context.db, user, cycleId);
    const { own, mirrored } = await listGoalsForCycle(context.db, user, cycleId);
    return {
      heading: cycleHeading(cycle, user.districtName),
      canEdit: cycle.canEdit,
      own: own.map(summary),
      mirrored: mirrored.map((g) => ({ ...summary(g), changed: g.changedSinceSeen, localTarget: g.adoption?.localTarget ?? "" })),
    };
  });
}

type Row = ReturnType<typeof summary> & { changed?: boolean; localTarget?: string };

function GoalList({ goals, cycleId, shared }: { goals: Row[]; cycleId: string; shared?: boolean }) {
  return (
    <ul className="ck-goal-list">
      {goals.map((g) => (
        <li key={g.id} className="ck-card">
          <Link to={`/cycles/${cycleId}/goals/${g.id}`}>{g.title}</Link>
          <GoalStatusBadge status={g.status} />
          <SmartieTally checks={g.smartie} />
          {g.changed ? <span className="ck-badge ck-badge--warning">Changed by the district</span> : null}
          <span className="ck-muted">
            {g.about} · {g.strategies === 1 ? "1 strategy" : `${g.strategies} strategies`}
            {!shared && g.mirrorScope !== "none" ? ` · ${mirrorScopeLabels[g.mirrorScope]}` : ""}
            {shared && g.localTarget ? ` · Our target: ${g.localTarget}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

export default function Goals() {
  const data = useLoaderData<typeof loader>();
  const implementation = data.own.filter((g) => g.kind === "implementation");
  const outcome = data.own.filter((g) => g.kind === "outcome");
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Annual goals" />
      {data.canEdit ? (
        <p>
          <Link to={`/cycles/${data.heading.id}/goals/new`} className="ck-button">
            Add a goal
          </Link>
        </p>
      ) : null}
      {data.mirrored.length ? (
        <Card title="District goals shared with this school">
          <p className="ck-muted">The district's wording is read-only here; add your own strategies and local target on each goal.</p>
          <GoalList goals={data.mirrored} cycleId={data.heading.id} shared />
        </Card>
      ) : null}
      <Card title="Implementation goals">
        {implementation.length ? <GoalList goals={implementation} cycleId={data.heading.id} /> : <p className="ck-muted">No implementation goals yet.</p>}
      </Card>
      <Card title="Outcome goals">
        {outcome.length ? <GoalList goals={outcome} cycleId={data.heading.id} /> : <p className="ck-muted">No outcome goals yet.</p>}
      </Card>
    </div>
  );
}
