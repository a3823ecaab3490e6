// A cycle at a glance: checkpoints, how the rubric stands in each focus area, and (for the district) each school.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Card, Notice } from "~/components/ui/layout";
import { CheckpointHeaderRow } from "~/modules/cycles/components/CheckpointColumns";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading, latestScoredCheckpoint } from "~/modules/cycles/cycle-view";
import { getRollup, getRubricBoard } from "~/modules/cycles/cycles.server";
import { GoalStatusBadge, SmartieTally } from "~/modules/cycles/components/GoalBits";
import { listGoalsForCycle, overdueStrategies } from "~/modules/cycles/goals.server";
import { rollupMatrix, rubricSummary, type RubricScoreInput } from "~/modules/cycles/rubric-rollup";
import { nextSteps } from "~/modules/cycles/lifecycle";
import { damagedPlansAtLaunch } from "~/modules/cycles/lifecycle.server";
import { checkpointLabels, checkpoints, formatLongDate, type Checkpoint } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";
import { todayFor } from "~/utils/time-zone";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Cycle · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  return load(async () => {
    const board = await getRubricBoard(context.db, user, cycleId);
    const { cycle } = board;
    const items = board.focusAreas.flatMap((a) => a.items);
    const scores: RubricScoreInput[] = items.flatMap((item) =>
      checkpoints.flatMap((c) => (item.scores[c] ? [{ schoolId: "self", itemId: item.id, checkpoint: c, level: item.scores[c]!.level as 1 | 2 | 3 | 4 }] : [])),
    );
    const latest = latestScoredCheckpoint(scores);
    const summaries = checkpoints.map((c) => ({ checkpoint: c, summary: rubricSummary(scores, items, c) }));
    let schools: { cycleId: string; name: string; meanLevel: number | null; scoredCount: number }[] = [];
    let schoolsCheckpoint = latest;
    if (!cycle.schoolId) {
      const rollup = await getRollup(context.db, user, cycleId);
      schoolsCheckpoint = rollup.checkpoint;
      const matrix = rollupMatrix(rollup.scores, rollup.schools, rollup.items, rollup.checkpoint);
      schools = matrix.rows.map((row) => ({
        cycleId: rollup.schools.find((s) => s.id === row.schoolId)!.cycleId,
        name: row.name,
        meanLevel: row.meanLevel,
        scoredCount: row.scoredCount,
      }));
    }
    const goals = await listGoalsForCycle(context.db, user, cycleId);
    const today = todayFor(user);
    const overdue = cycle.status === "closed" ? [] : await overdueStrategies(context.db, user, cycleId, today);
    const allGoals = [...goals.mirrored, ...goals.own];
    const steps = nextSteps({
      today,
      status: cycle.status,
      phase: cycle.phase,
      startYear: cycle.startYear,
      isDistrict: !cycle.schoolId,
      canEdit: cycle.canEdit,
      dates: { baseline: cycle.baselineDate, midyear: cycle.midyearDate, endyear: cycle.endyearDate },
      itemCount: items.length,
      scoredCount: Object.fromEntries(summaries.map(({ checkpoint, summary }) => [checkpoint, summary.overall.scoredCount])) as Record<Checkpoint, number>,
      goalCount: allGoals.length,
      goalsWithoutStrategies: allGoals.filter((g) => g.strategies.length === 0).length,
      undecidedGoals: goals.own.filter((g) => g.decision === null).length,
      overdueStrategies: overdue.length,
    });
    return {
      steps,
      goals: [...goals.mirrored, ...goals.own].map((g) => ({
        id: g.id,
        title: g.title,
        status: g.progress.status,
        smartie: g.smartie,
        shared: goals.mirrored.some((m) => m.id === g.id),
        changed: "changedSinceSeen" in g ? Boolean(g.changedSinceSeen) : false,
      })),
      overdue: overdue.map((o) => ({ id: o.id, title: o.title, goalId: o.goalId, goalTitle: o.goalTitle, daysOverdue: o.daysOverdue, ownerName: o.ownerName })),
      heading: cycleHeading(cycle, user.districtName),
      canEdit: cycle.canEdit,
      itemCount: items.length,
      dates: { baseline: cycle.baselineDate, midyear: cycle.midyearDate, endyear: cycle.endyearDate },
      schoolsCheckpoint,
      focusAreas: board.focusAreas.map((area) => ({
        id: area.id,
        name: area.name,
        byCheckpoint: summaries.map(({ checkpoint, summary }) => ({ checkpoint, ...summary.focusAreas.find((f) => f.focusAreaId === area.id)! })),
      })),
      overall: summaries.map(({ checkpoint, summary }) => ({ checkpoint, ...summary.overall })),
      schools,
      // Read from the launch's own record, not the address: a link cannot make the page claim a plan is damaged.
      plansDamaged: new URL(request.url).searchParams.has("launched") ? await damagedPlansAtLaunch(context.db, user, cycle.id) : [],
    };
  });
}

function Mean({ value }: { value: number | null }) {
  return value === null ? <span className="ck-level ck-level--none">—</span> : <span>{value.toFixed(1)}</span>;
}

export default function CycleOverview() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const launchedParam = params.get("launched");
  const launched = launchedParam && /^\d+$/.test(launchedParam) ? launchedParam : null;
  const countParam = (name: string) => {
    const value = params.get(name);
    return value && /^\d+$/.test(value) ? Number(value) : 0;
  };
  const baselineCarried = countParam("baseline");
  const plansCarried = countParam("plans");
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Cycle overview" />
      {launched !== null ? (
        <Notice tone="success" role="status">
          The {data.heading.yearLabel} cycle is open, in planning, with {launched === "1" ? "1 goal" : `${launched} goals`} carried forward.{" "}
          {baselineCarried
            ? `${baselineCarried === 1 ? "1 end-of-year rubric score" : `${baselineCarried} end-of-year rubric scores`} became baseline scores. `
            : "Last year had no end-of-year rubric scores to carry into the baseline. "}
          {plansCarried ? `${plansCarried === 1 ? "1 action plan starts" : `${plansCarried} action plans start`} from last year's. ` : ""}
          <Link to={`/cycles/${data.heading.id}/carried-over`}>Review the strategies left open</Link>,
          check the dates and goals, then start it from Settings.
        </Notice>
      ) : null}
      {launched !== null && data.plansDamaged.length ? (
        <Notice tone="warning" role="status">
          <strong>Some of last year's action plans were damaged:</strong>
          <ul>
            {data.plansDamaged.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <div className="ck-grid">
        {checkpoints.map((c) => (
          <Card key={c} title={checkpointLabels[c]} headingLevel={2}>
            <p>{formatLongDate(data.dates[c])}</p>
            <p className="ck-muted">
              {data.overall.find((o) => o.checkpoint === c)!.scoredCount} of {data.itemCount} rubric items scored
            </p>
          </Card>
        ))}
      </div>
      <div className="ck-grid">
        <Card title="Goals">
          {data.goals.length === 0 ? (
            <p className="ck-muted">No goals yet.</p>
          ) : (
            <ul className="ck-list">
              {data.goals.map((g) => (
                <li key={g.id}>
                  <Link to={`/cycles/${data.heading.id}/goals/${g.id}`}>{g.title}</Link> <GoalStatusBadge status={g.status} /> <SmartieTally checks={g.smartie} />
                  {g.shared ? <span className="ck-muted"> · from the district</span> : null}
                  {g.changed ? <span className="ck-badge ck-badge--warning">Changed</span> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Needs attention">
          {data.steps.length ? (
            <ul className="ck-list" aria-label="Next steps">
              {data.steps
                .filter((step) => step.id !== "overdue")
                .map((step) => (
                  <li key={step.id}>
                    {step.to ? <Link to={`/cycles/${data.heading.id}/${step.to}`}>{step.text}</Link> : step.text}
                  </li>
                ))}
            </ul>
          ) : null}
          {data.overdue.length === 0 ? (
            <p className="ck-muted">No overdue strategies.</p>
          ) : (
            <ul className="ck-list">
              {data.overdue.map((o) => (
                <li key={o.id}>
                  <Link to={`/cycles/${data.heading.id}/goals/${o.goalId}`}>{o.title}</Link>{" "}
                  <span className="ck-badge ck-badge--danger">{o.daysOverdue === 1 ? "1 day overdue" : `${o.daysOverdue} days overdue`}</span>
                  <div className="ck-muted">
                    {o.goalTitle}
                    {o.ownerName ? ` · ${o.ownerName}` : ""}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <section aria-labelledby="rubric-summary" className="ck-stack">
        <h2 id="rubric-summary">Implementation rubric by focus area</h2>
        <div className="ck-table-wrap">
          <table className="ck-table">
            <caption>Mean level (1–4) of scored items at each checkpoint</caption>
            <thead>
              <CheckpointHeaderRow first="Focus area" />
            </thead>
            <tbody>
              {data.focusAreas.map((area) => (
                <tr key={area.id}>
                  <th scope="row">{area.name}</th>
                  {area.byCheckpoint.map((b) => (
                    <td key={b.checkpoint}>
                      <Mean value={b.meanLevel} /> <span className="ck-muted">({b.scoredCount}/{b.itemCount})</span>
                    </td>
                  ))}
                </tr>
              ))}
              <tr>
                <th scope="row">All items</th>
                {data.overall.map((b) => (
                  <td key={b.checkpoint}>
                    <strong>
                      <Mean value={b.meanLevel} />
                    </strong>
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
        <p>
          <Link to="rubric" className="ck-button ck-button--secondary">
            {data.canEdit ? "Score the rubric" : "See the rubric and evidence"}
          </Link>
        </p>
      </section>
      {data.heading.isDistrict ? (
        <section aria-labelledby="schools-summary" className="ck-stack">
          <h2 id="schools-summary">Schools at the {checkpointLabels[data.schoolsCheckpoint].toLowerCase()} checkpoint</h2>
          {data.schools.length === 0 ? (
            <p className="ck-muted">No school cycles to show.</p>
          ) : (
            <div className="ck-table-wrap">
              <table className="ck-table">
                <caption>Mean rubric level per school</caption>
                <thead>
                  <tr>
                    <th scope="col">School</th>
                    <th scope="col">Mean level</th>
                    <th scope="col">Items scored</th>
                  </tr>
                </thead>
                <tbody>
                  {data.schools.map((s) => (
                    <tr key={s.cycleId}>
                      <th scope="row">
                        <Link to={`/cycles/${s.cycleId}`}>{s.name}</Link>
                      </th>
                      <td>
                        <Mean value={s.meanLevel} />
                      </td>
                      <td>
                        {s.scoredCount} of {data.itemCount}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p>
            <Link to="rollup">See every school and rubric item side by side</Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
