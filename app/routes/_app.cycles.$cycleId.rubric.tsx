// The cycle's implementation rubric: every item by focus area with its level at each checkpoint.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { LevelChip } from "~/modules/cycles/components/LevelChip";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getRubricBoard } from "~/modules/cycles/cycles.server";
import { yearEndLevel, yearOverYear } from "~/modules/cycles/rubric-versions";
import { previousYearLevels } from "~/modules/cycles/rubrics.server";
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
    const lastYear = await previousYearLevels(context.db, user, board.cycle);
    return {
      heading: cycleHeading(board.cycle, user.districtName),
      canEdit: board.cycle.canEdit,
      rubricVersion: board.rubricVersion.number,
      lastYear: lastYear ? { yearLabel: lastYear.yearLabel, cycleId: lastYear.cycleId } : null,
      focusAreas: board.focusAreas.map((area) => ({
        id: area.id,
        position: area.position,
        name: area.name,
        summary: area.summary,
        items: area.items.map((item) => {
          const before = lastYear?.levels[item.lineageId] ?? null;
          const scored = checkpoints.flatMap((c) => (item.scores[c] ? [{ checkpoint: c, level: item.scores[c]!.level }] : []));
          return {
            id: item.id,
            title: item.title,
            lastYear: before,
            movement: yearOverYear(before?.level ?? null, yearEndLevel(scored)?.level ?? null),
            scores: checkpoints.map((c) => ({
              checkpoint: c,
              level: item.scores[c]?.level ?? null,
              hasEvidence: Boolean(item.scores[c]?.evidence),
              // Only worth saying when the words it was scored against differ from what the page shows now.
              underVersion: item.scores[c]?.givenUnder.wordingDiffers ? item.scores[c]!.givenUnder.versionNumber : null,
            })),
          };
        }),
      })),
    };
  });
}

const movementMarks = { up: "▲", down: "▼", same: "=" } as const;

export default function Rubric() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Implementation rubric" />
      <p className="ck-muted">
        Levels: 1 not yet planned or implemented · 2 partially · 3 mostly · 4 fully planned and implemented.{" "}
        {data.canEdit ? "Open an item to score it with evidence." : "Open an item to read its descriptors and evidence."}
      </p>
      <p>
        Scored against the district's rubric version {data.rubricVersion}. <Link to="/rubric">About the rubric and its versions</Link>
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
                <tr>
                  <th scope="col">Key activity</th>
                  {data.lastYear ? <th scope="col">Last year ({data.lastYear.yearLabel})</th> : null}
                  {checkpoints.map((c) => (
                    <th scope="col" key={c}>
                      {checkpointLabels[c]}
                    </th>
                  ))}
                  {data.lastYear ? <th scope="col">Since last year</th> : null}
                </tr>
              </thead>
              <tbody>
                {area.items.map((item) => (
                  <tr key={item.id}>
                    <th scope="row">
                      <Link to={item.id}>{item.title}</Link>
                    </th>
                    {data.lastYear ? (
                      <td>
                        {item.lastYear ? (
                          <>
                            <LevelChip level={item.lastYear.level} />
                            <span className="ck-muted"> · {item.lastYear.checkpoint === "endyear" ? "end of year" : `${checkpointLabels[item.lastYear.checkpoint].toLowerCase()} (latest)`}</span>
                          </>
                        ) : (
                          <span className="ck-muted">Not scored</span>
                        )}
                      </td>
                    ) : null}
                    {item.scores.map((s) => (
                      <td key={s.checkpoint}>
                        <LevelChip level={s.level} />
                        {s.hasEvidence ? <span className="ck-muted"> · evidence</span> : null}
                        {s.underVersion ? <span className="ck-muted"> · scored under version {s.underVersion}</span> : null}
                      </td>
                    ))}
                    {data.lastYear ? (
                      <td>
                        {item.movement ? (
                          <span className={`ck-movement ck-movement--${item.movement.direction}`}>
                            <span aria-hidden="true">{movementMarks[item.movement.direction]} </span>
                            {item.movement.text}
                          </span>
                        ) : (
                          <span className="ck-muted">—</span>
                        )}
                      </td>
                    ) : null}
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
