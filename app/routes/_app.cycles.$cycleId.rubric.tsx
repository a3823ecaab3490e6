// The cycle's implementation rubric: every item by focus area with its level at each checkpoint.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CheckpointHeaderRow } from "~/modules/cycles/components/CheckpointColumns";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { LevelChip } from "~/modules/cycles/components/LevelChip";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getRubricBoard } from "~/modules/cycles/cycles.server";
import { checkpointLabels, checkpoints } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Rubric · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Rubric · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  return load(async () => {
    const board = await getRubricBoard(context.db, user, cycleId);
    return {
      heading: cycleHeading(board.cycle, user.districtName),
      canEdit: board.cycle.canEdit,
      focusAreas: board.focusAreas.map((area) => ({
        id: area.id,
        position: area.position,
        name: area.name,
        summary: area.summary,
        items: area.items.map((item) => ({
          id: item.id,
          title: item.title,
          scores: checkpoints.map((c) => ({ checkpoint: c, level: item.scores[c]?.level ?? null, hasEvidence: Boolean(item.scores[c]?.evidence) })),
        })),
      })),
    };
  });
}

export default function Rubric() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Implementation rubric" />
      <p className="ck-muted">
        Levels: 1 not yet planned or implemented · 2 partially · 3 mostly · 4 fully planned and implemented.{" "}
        {data.canEdit ? "Open an item to score it with evidence." : "Open an item to read its descriptors and evidence."}
      </p>
      {data.focusAreas.map((area) => (
        <section key={area.id} aria-labelledby={`fa-${area.id}`} className="ck-stack">
          <div>
            <h2 id={`fa-${area.id}`}>
              Focus area {area.position}: {area.name}
            </h2>
            <p className="ck-muted">{area.summary}</p>
          </div>
          <div className="ck-table-wrap">
            <table className="ck-table">
              <thead>
                <CheckpointHeaderRow first="Key activity" />
              </thead>
              <tbody>
                {area.items.map((item) => (
                  <tr key={item.id}>
                    <th scope="row">
                      <Link to={item.id}>{item.title}</Link>
                    </th>
                    {item.scores.map((s) => (
                      <td key={s.checkpoint}>
                        <LevelChip level={s.level} />
                        {s.hasEvidence ? <span className="ck-muted"> · evidence</span> : null}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
