// The district roll-up: every school × rubric item at a checkpoint, how levels are spread, and who moved.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Card } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { LevelChip } from "~/modules/cycles/components/LevelChip";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getRollup } from "~/modules/cycles/cycles.server";
import { movement, rollupMatrix } from "~/modules/cycles/rubric-rollup";
import { checkpointLabels, checkpoints } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Roll-up · ${data.heading.yearLabel} · Cyclekeeper` : "Roll-up · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  return load(async () => {
    const asked = z.enum(checkpoints).safeParse(new URL(request.url).searchParams.get("checkpoint"));
    const first = await getRollup(context.db, user, cycleId, asked.success ? asked.data : undefined);
    const { checkpoint, previous } = first;
    const matrix = rollupMatrix(first.scores, first.schools, first.items, checkpoint);
    const moved = previous ? movement(first.scores, first.schools, first.items, previous, checkpoint) : null;
    return {
      heading: cycleHeading(first.cycle, user.districtName),
      checkpoint,
      previous,
      cycleBySchool: Object.fromEntries(first.schools.map((s) => [s.id, s.cycleId])),
      matrix,
      // Only the schools that moved are shown; the per-school list would only weigh down the page.
      moved: moved ? { movedUp: moved.movedUp, movedDown: moved.movedDown } : null,
    };
  });
}

export default function Rollup() {
  const data = useLoaderData<typeof loader>();
  const { matrix } = data;
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
              {matrix.items.map((item) => (
                <th scope="col" key={item.itemId}>
                  {item.title}
                </th>
              ))}
              <th scope="col">Mean</th>
            </tr>
          </thead>
          <tbody>
            {matrix.rows.map((row) => (
              <tr key={row.schoolId}>
                <th scope="row">
                  <Link to={`/cycles/${data.cycleBySchool[row.schoolId]}`}>{row.name}</Link>
                </th>
                {row.cells.map((cell) => (
                  <td key={cell.itemId}>{cell.level ? <span className={`ck-level ck-level--${cell.level}`}>{cell.level}</span> : <span className="ck-level ck-level--none">–</span>}</td>
                ))}
                <td>
                  <strong>{row.meanLevel?.toFixed(1) ?? "–"}</strong>
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row">Mean across schools</th>
              {matrix.items.map((item) => (
                <td key={item.itemId}>{item.meanLevel?.toFixed(1) ?? "–"}</td>
              ))}
              <td>
                <strong>{matrix.overall.meanLevel?.toFixed(1) ?? "–"}</strong>
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
              {matrix.items.map((item) => (
                <tr key={item.itemId}>
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
                  {data.moved.movedUp.map((s) => (
                    <li key={s.schoolId}>
                      {s.name}: +{s.netChange?.toFixed(2)} mean level ({s.up} items up, {s.down} down)
                    </li>
                  ))}
                  {data.moved.movedUp.length === 0 ? <li className="ck-muted">None</li> : null}
                </ul>
              </div>
              <div>
                <h3>Moved down</h3>
                <ul className="ck-list">
                  {data.moved.movedDown.map((s) => (
                    <li key={s.schoolId}>
                      {s.name}: {s.netChange?.toFixed(2)} mean level ({s.down} items down, {s.up} up)
                    </li>
                  ))}
                  {data.moved.movedDown.length === 0 ? <li className="ck-muted">None</li> : null}
                </ul>
              </div>
            </div>
          )}
        </Card>
      ) : null}
    </div>
  );
}
