// The district roll-up: every school × rubric item at a checkpoint, how levels are spread, and who moved.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Card } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { GoalStatusBadge } from "~/modules/cycles/components/GoalBits";
import { LevelChip } from "~/modules/cycles/components/LevelChip";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { matrixRowsHtml } from "~/modules/cycles/rollup-matrix-html";
import { decodeGoalStatus, statusesOfKind, type SchoolGoalStatus } from "~/modules/cycles/rollup-goals";
import { getRollupView, type RollupView } from "~/modules/cycles/rollup.server";
import { checkpointLabels, checkpoints } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Roll-up · ${data.heading.yearLabel} · Cyclekeeper` : "Roll-up · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  return load(async () => {
    const search = new URL(request.url).searchParams;
    const asked = z.enum(checkpoints).safeParse(search.get("checkpoint"));
    const view = await getRollupView(context.db, user, cycleId, asked.success ? asked.data : undefined);
    const itemTitle = new Map(view.items.map((item) => [item.id, item.title]));
    // One goal's schools at a time, on request: every goal's full list would be 10,000 lines for a large district.
    const open = view.goals.find((goal) => goal.id === search.get("goal"));
    return {
      heading: cycleHeading(view.cycle, user.districtName),
      checkpoint: view.checkpoint,
      previous: view.previous,
      // Compact on purpose: Remix writes loader data into the page, where an object per cell took about 60 KiB.
      items: view.items,
      rows: view.rows.map((row) => ({ cycleId: row.cycleId, name: row.name, levels: row.levels, meanLevel: row.meanLevel })),
      overallMean: view.overallMean,
      moved: view.moved
        ? {
            movedUp: view.moved.movedUp.map(({ name, netChange, up, down }) => ({ name, netChange, up, down })),
            movedDown: view.moved.movedDown.map(({ name, netChange, up, down }) => ({ name, netChange, up, down })),
          }
        : null,
      goals: view.goals.map((goal) => ({
        id: goal.id,
        kind: goal.kind,
        title: goal.title,
        target: goal.kind === "implementation" ? implementationTarget(goal, itemTitle) : outcomeTarget(goal),
        counts: goal.counts,
        schoolCount: goal.schoolCount,
      })),
      open: open
        ? {
            id: open.id,
            title: open.title,
            byStatus: statusesOfKind(open.kind)
              .map((status) => ({
                status,
                schools: view.rows.filter((_, i) => decodeGoalStatus(open.statuses[i]) === status).map((row) => ({ cycleId: row.cycleId, name: row.name })),
              }))
              .filter((group) => group.schools.length > 0),
          }
        : null,
    };
  });
}

function implementationTarget(goal: RollupView["goals"][number], itemTitle: Map<string, string>) {
  if (!goal.targetLevel || !goal.targetCheckpoint) return "Target not set yet";
  return `Level ${goal.targetLevel} on “${(goal.rubricItemId && itemTitle.get(goal.rubricItemId)) || "a key activity"}” by ${checkpointLabels[goal.targetCheckpoint].toLowerCase()}`;
}

function outcomeTarget(goal: RollupView["goals"][number]) {
  if (goal.targetValue === null || !goal.direction) return `${goal.measureName ?? "A measure"}: target not set yet`;
  return `${goal.measureName ?? "A measure"}: target ${goal.targetValue}${goal.unit === "percent" ? " %" : ""} or ${goal.direction === "lower_is_better" ? "lower" : "higher"}`;
}

const goalStatusHeadings: Record<SchoolGoalStatus, string> = {
  met: "Met",
  on_track: "On track",
  not_started: "Not started",
  not_met: "Not met",
  no_data: "No data yet",
  improving: "Improving",
  flat: "No change",
  worsening: "Worsening",
  one_value: "One result so far",
  held_back: "Held back",
};

type GoalRow = ReturnType<typeof useLoaderData<typeof loader>>["goals"][number];

/** One table per kind of goal: their statuses differ. */
function GoalsTable(props: { kind: "implementation" | "outcome"; goals: GoalRow[]; caption: string; cycleId: string; checkpointQuery: string; openId: string | null }) {
  const { kind, goals, caption, cycleId, checkpointQuery, openId } = props;
  const here = `/cycles/${cycleId}/rollup`;
  const statuses = statusesOfKind(kind);
  return (
    <div className="ck-table-wrap">
      <table className="ck-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Goal</th>
            {statuses.map((status) => (
              <th scope="col" key={status}>
                {goalStatusHeadings[status]}
              </th>
            ))}
            <th scope="col">Schools</th>
          </tr>
        </thead>
        <tbody>
          {goals.map((goal) => (
            <tr key={goal.id}>
              <th scope="row">
                <a href={`/cycles/${cycleId}/goals/${goal.id}`}>{goal.title}</a>
                <br />
                <small className="ck-muted">{goal.target}</small>
              </th>
              {statuses.map((status) => (
                <td key={status}>{goal.counts[status] ?? 0}</td>
              ))}
              <td>
                {goal.schoolCount > 0 ? (
                  <a href={`${here}?${checkpointQuery}&goal=${goal.id}#goal-schools`} aria-current={openId === goal.id ? "true" : undefined}>
                    {`${goal.schoolCount} schools`}
                    <span className="ck-visually-hidden">{` for ${goal.title}`}</span>
                  </a>
                ) : (
                  "0"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Rollup() {
  const data = useLoaderData<typeof loader>();
  const { items, rows } = data;
  const checkpointQuery = `checkpoint=${data.checkpoint}`;
  // Plain links in the long lists and tables: a router Link costs the server render more than its row.
  const here = `/cycles/${data.heading.id}/rollup`;
  const implementationGoals = data.goals.filter((goal) => goal.kind === "implementation");
  const outcomeGoals = data.goals.filter((goal) => goal.kind === "outcome");
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Schools roll-up" />
      <Form method="get" className="ck-form ck-form--inline">
        <div className="ck-field">
          <label htmlFor="checkpoint">Checkpoint</label>
          <select id="checkpoint" name="checkpoint" className="ck-select" defaultValue={data.checkpoint}>
            {checkpoints.map((c) => (
              <option key={c} value={c}>
                {checkpointLabels[c]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="ck-button ck-button--secondary">
          Show
        </button>
      </Form>
      <div className="ck-table-wrap">
        <table className="ck-table ck-matrix">
          <caption>
            Rubric levels by school and key activity at the {checkpointLabels[data.checkpoint].toLowerCase()} checkpoint (1 not yet · 4 fully)
          </caption>
          <thead>
            <tr>
              <th scope="col">School</th>
              {items.map((item) => (
                <th scope="col" key={item.id}>
                  {item.title}
                </th>
              ))}
              <th scope="col">Mean</th>
            </tr>
          </thead>
          {/* Built as a string from the same compact rows on server and client (see rollup-matrix-html.ts). */}
          <tbody dangerouslySetInnerHTML={{ __html: matrixRowsHtml(rows, items.length) }} />
          <tbody>
            <tr>
              <th scope="row">Mean across schools</th>
              {items.map((item) => (
                <td key={item.id}>{item.meanLevel?.toFixed(1) ?? "–"}</td>
              ))}
              <td>
                <strong>{data.overallMean?.toFixed(1) ?? "–"}</strong>
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <Card title="How levels are spread">
        <div className="ck-table-wrap">
          <table className="ck-table">
            <caption>Number of schools at each level, per key activity</caption>
            <thead>
              <tr>
                <th scope="col">Key activity</th>
                {[1, 2, 3, 4].map((l) => (
                  <th scope="col" key={l}>
                    <LevelChip level={l} />
                  </th>
                ))}
                <th scope="col">Not scored</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <th scope="row">{item.title}</th>
                  <td>{item.distribution[1]}</td>
                  <td>{item.distribution[2]}</td>
                  <td>{item.distribution[3]}</td>
                  <td>{item.distribution[4]}</td>
                  <td>{item.distribution.unscored}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {data.moved && data.previous ? (
        <Card title={`Movement since ${checkpointLabels[data.previous].toLowerCase()}`}>
          {data.moved.movedUp.length === 0 && data.moved.movedDown.length === 0 ? (
            <p className="ck-muted">No school has scores at both checkpoints yet.</p>
          ) : (
            <div className="ck-grid">
              <div>
                <h3>Moved up</h3>
                <ul className="ck-list">
                  {data.moved.movedUp.map((s, i) => (
                    <li key={i}>{`${s.name}: +${s.netChange?.toFixed(2)} mean level (${s.up} items up, ${s.down} down)`}</li>
                  ))}
                  {data.moved.movedUp.length === 0 ? <li className="ck-muted">None</li> : null}
                </ul>
              </div>
              <div>
                <h3>Moved down</h3>
                <ul className="ck-list">
                  {data.moved.movedDown.map((s, i) => (
                    <li key={i}>{`${s.name}: ${s.netChange?.toFixed(2)} mean level (${s.down} items down, ${s.up} up)`}</li>
                  ))}
                  {data.moved.movedDown.length === 0 ? <li className="ck-muted">None</li> : null}
                </ul>
              </div>
            </div>
          )}
        </Card>
      ) : null}
      <Card title="Goals across schools">
        {data.goals.length === 0 ? (
          <p className="ck-muted">No district goal is shared with schools yet.</p>
        ) : (
          <div className="ck-stack">
            {implementationGoals.length ? (
              <div className="ck-stack">
                <p className="ck-muted">Implementation goals: each school is judged on its own scores for the goal’s key activity.</p>
                <GoalsTable
                  kind="implementation"
                  goals={implementationGoals}
                  caption="Implementation goals shared with schools: how many schools stand where"
                  cycleId={data.heading.id}
                  checkpointQuery={checkpointQuery}
                  openId={data.open?.id ?? null}
                />
              </div>
            ) : null}
            {outcomeGoals.length ? (
              <div className="ck-stack">
                <p className="ck-muted">
                  Outcome goals: each school’s latest result this year for all its students, against the district’s target and against
                  the school’s result the year before (or its first this year). Results about too few students are held back.
                </p>
                <GoalsTable
                  kind="outcome"
                  goals={outcomeGoals}
                  caption="Outcome goals shared with schools: how many schools stand where"
                  cycleId={data.heading.id}
                  checkpointQuery={checkpointQuery}
                  openId={data.open?.id ?? null}
                />
              </div>
            ) : null}
            {data.open ? (
              <section id="goal-schools" aria-labelledby="goal-schools-heading" className="ck-stack" tabIndex={-1}>
                <h3 id="goal-schools-heading">Schools for “{data.open.title}”</h3>
                {data.open.byStatus.map((group) => (
                  <div key={group.status}>
                    <h4>
                      <GoalStatusBadge status={group.status} /> {group.schools.length} {group.schools.length === 1 ? "school" : "schools"}
                    </h4>
                    <ul className="ck-inline-list">
                      {group.schools.map((school) => (
                        <li key={school.cycleId}>
                          <a href={`/cycles/${school.cycleId}`}>{school.name}</a>
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
                <p>
                  <a href={`${here}?${checkpointQuery}`}>Hide the schools list</a>
                </p>
              </section>
            ) : null}
          </div>
        )}
      </Card>
    </div>
  );
}
