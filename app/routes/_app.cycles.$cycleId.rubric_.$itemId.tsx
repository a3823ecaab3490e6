// One rubric item in one cycle: its level descriptors, the scores and evidence so far, and the form to score a checkpoint.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormError, type FormState } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { LevelChip } from "~/modules/cycles/components/LevelChip";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { rubricScoreSchema } from "~/modules/cycles/cycles.schema";
import { getRubricBoard, scoreRubricItem } from "~/modules/cycles/cycles.server";
import { getItemHistory, lineageOfItem } from "~/modules/cycles/rubrics.server";
import { checkpointLabels, checkpoints, type Checkpoint } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.item.title} · Rubric · Cyclekeeper` : "Rubric item · Cyclekeeper" }];

async function loadItem(request: Request, params: Record<string, string | undefined>, context: LoaderFunctionArgs["context"]) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const itemId = uuidParam(params, "itemId");
  const board = await load(() => getRubricBoard(context.db, user, cycleId));
  const items = board.focusAreas.flatMap((a) => a.items);
  const item = items.find((i) => i.id === itemId);
  if (!item) {
    // A link to the item as an earlier rubric version had it leads to the item it became in this cycle's version.
    const lineageId = request.method === "GET" ? await load(() => lineageOfItem(context.db, user, itemId)) : null;
    const successor = lineageId ? items.find((i) => i.lineageId === lineageId) : undefined;
    if (successor) throw redirect(`/cycles/${cycleId}/rubric/${successor.id}${new URL(request.url).search}`);
    throw new Response("Not found", { status: 404 });
  }
  return { user, board, item, cycleId };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, board, item } = await loadItem(request, params, context);
  const earlier = await load(() => getItemHistory(context.db, user, board.cycle, item.lineageId));
  const area = board.focusAreas.find((a) => a.id === item.focusAreaId)!;
  const asked = z.enum(checkpoints).safeParse(new URL(request.url).searchParams.get("checkpoint"));
  // Default to the first checkpoint not yet scored: that is usually the one a team is working on.
  const checkpoint: Checkpoint = asked.success ? asked.data : (checkpoints.find((c) => !item.scores[c]) ?? "endyear");
  return {
    heading: cycleHeading(board.cycle, user.districtName),
    canEdit: board.cycle.canEdit,
    focusArea: { position: area.position, name: area.name },
    item: { id: item.id, title: item.title, levels: item.levels },
    rubricVersion: board.rubricVersion.number,
    checkpoint,
    history: checkpoints.map((c) => {
      const s = item.scores[c];
      return {
        checkpoint: c,
        level: s?.level ?? null,
        evidence: s?.evidence ?? "",
        evidenceLinks: s?.evidenceLinks ?? [],
        scoredBy: s?.scoredBy ?? null,
        scoredAt: s?.scoredAt.toISOString() ?? null,
        version: s?.version ?? null,
        // The words the score was given against, when an earlier rubric version worded this item differently.
        givenUnder: s?.givenUnder.wordingDiffers ? { versionNumber: s.givenUnder.versionNumber, title: s.givenUnder.title, descriptor: s.givenUnder.descriptor } : null,
      };
    }),
    earlier: earlier.map((year) => ({
      cycleId: year.cycleId,
      yearLabel: year.yearLabel,
      closed: year.status === "closed",
      checkpoints: year.checkpoints.map((c) => ({
        checkpoint: c.checkpoint,
        level: c.level,
        evidence: c.evidence,
        scoredBy: c.scoredBy,
        scoredAt: c.scoredAt?.toISOString() ?? null,
        title: c.title,
        descriptor: c.descriptor,
        versionNumber: c.versionNumber,
      })),
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, cycleId, item } = await loadItem(request, params, context);
  const form = await readForm(request);
  return act(form, async () => {
    const input = parseForm(form, rubricScoreSchema);
    if (input.rubricItemId !== item.id) throw new Response("Not found", { status: 404 });
    // A stale save comes back from act() as 409 with the newer values; nothing is overwritten.
    await scoreRubricItem(context.db, user, cycleId, input, context.clientIp);
    throw redirect(`/cycles/${cycleId}/rubric/${item.id}?checkpoint=${input.checkpoint}&saved=1`);
  });
}

function when(iso: string | null) {
  return iso ? new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso)) : "";
}

export default function RubricItemPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const failure = result as ActionFailure | undefined;
  const stale = failure?.stale ? { stale: failure.stale, message: failure.formError ?? "", values: failure.values } : undefined;
  const state = failure && !failure.stale ? (failure as FormState) : undefined;
  const current = data.history.find((h) => h.checkpoint === data.checkpoint)!;
  const typed = stale?.values ?? state?.values;
  const chosenLevel = typed?.level ? String(typed.level) : current.level ? String(current.level) : "";
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title={data.item.title} />
      <p>
        <Link to={`/cycles/${data.heading.id}/rubric`}>Back to the rubric</Link> · Focus area {data.focusArea.position}: {data.focusArea.name} · Rubric version{" "}
        {data.rubricVersion}
      </p>
      {params.has("saved") && !result ? (
        <Notice tone="success" role="status">
          {checkpointLabels[data.checkpoint]} score saved.
        </Notice>
      ) : null}
      <Card title="Scores so far">
        <div className="ck-table-wrap">
          <table className="ck-table">
            <thead>
              <tr>
                <th scope="col">Checkpoint</th>
                <th scope="col">Level</th>
                <th scope="col">Evidence</th>
                <th scope="col">Scored</th>
              </tr>
            </thead>
            <tbody>
              {data.history.map((h) => (
                <tr key={h.checkpoint}>
                  <th scope="row">
                    {data.canEdit ? <Link to={`?checkpoint=${h.checkpoint}`}>{checkpointLabels[h.checkpoint]}</Link> : checkpointLabels[h.checkpoint]}
                  </th>
                  <td>
                    <LevelChip level={h.level} />
                    {h.givenUnder ? (
                      <div className="ck-given-under">
                        <strong>Scored under version {h.givenUnder.versionNumber}</strong>
                        {h.givenUnder.title !== data.item.title ? <>, as “{h.givenUnder.title}”</> : null}: “{h.givenUnder.descriptor}”
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {h.evidence ? <p>{h.evidence}</p> : <span className="ck-muted">—</span>}
                    {h.evidenceLinks.length ? (
                      <ul>
                        {h.evidenceLinks.map((link) => (
                          <li key={link}>
                            <a href={link} rel="noopener noreferrer nofollow" target="_blank">
                              {link}
                            </a>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>{h.scoredBy ? `${h.scoredBy}, ${when(h.scoredAt)}` : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {data.earlier.length ? (
        <Card title="Earlier years">
          {data.earlier.map((year) => (
            <section key={year.cycleId} aria-labelledby={`year-${year.cycleId}`}>
              <h3 id={`year-${year.cycleId}`}>
                {year.yearLabel} cycle{year.closed ? " (closed)" : ""}
              </h3>
              <div className="ck-table-wrap">
                <table className="ck-table">
                  <thead>
                    <tr>
                      <th scope="col">Checkpoint</th>
                      <th scope="col">Level and the descriptor it was given under</th>
                      <th scope="col">Evidence</th>
                      <th scope="col">Scored</th>
                    </tr>
                  </thead>
                  <tbody>
                    {year.checkpoints.map((c) => (
                      <tr key={c.checkpoint}>
                        <th scope="row">{checkpointLabels[c.checkpoint]}</th>
                        <td>
                          <LevelChip level={c.level} />
                          {c.descriptor ? (
                            <div className="ck-given-under">
                              “{c.descriptor}”{" "}
                              <span className="ck-muted">
                                (version {c.versionNumber}
                                {c.title && c.title !== data.item.title ? `, as “${c.title}”` : ""})
                              </span>
                            </div>
                          ) : null}
                        </td>
                        <td>{c.evidence || <span className="ck-muted">—</span>}</td>
                        <td>{c.scoredBy ? `${c.scoredBy}, ${when(c.scoredAt)}` : c.scoredAt ? when(c.scoredAt) : ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
        </Card>
      ) : null}
      {data.canEdit ? (
        <Card title={`Score the ${checkpointLabels[data.checkpoint].toLowerCase()} checkpoint`}>
          {stale ? (
            <Notice tone="warning" role="alert">
              <p>{stale.message}</p>
              <p>
                Saved now: level {String(stale.stale.level ?? "none")}
                {stale.stale.evidence ? ` — “${String(stale.stale.evidence)}”` : ""}. Your choices are kept below.
              </p>
            </Notice>
          ) : null}
          {current.level && current.givenUnder ? (
            <Notice>
              The {checkpointLabels[data.checkpoint].toLowerCase()} score was given under rubric version {current.givenUnder.versionNumber}. Saving scores
              it against version {data.rubricVersion}'s words below and replaces it.
            </Notice>
          ) : null}
          <Form
            method="post"
            // The checkpoint rides in the address too, so a page re-rendered after an error stays on it.
            action={`/cycles/${data.heading.id}/rubric/${data.item.id}?checkpoint=${data.checkpoint}`}
            className="ck-form"
            noValidate
            key={`${data.checkpoint}-${current.version ?? 0}`}
          >
            <FormError state={state} />
            <input type="hidden" name="rubricItemId" value={data.item.id} />
            <input type="hidden" name="checkpoint" value={data.checkpoint} />
            <input type="hidden" name="expectedVersion" value={stale ? String(stale.stale.version ?? "") : String(current.version ?? "")} />
            <fieldset className="ck-fieldset" aria-describedby={state?.fieldErrors?.level ? "level-error" : undefined}>
              <legend>Level</legend>
              <div className="ck-levels">
                {data.item.levels.map((descriptor, index) => (
                  <label key={index}>
                    <input type="radio" name="level" value={index + 1} defaultChecked={chosenLevel === String(index + 1)} required />
                    <span>
                      <LevelChip level={index + 1} /> {descriptor}
                    </span>
                  </label>
                ))}
              </div>
              {state?.fieldErrors?.level ? (
                <p className="ck-field__error" id="level-error">
                  {state.fieldErrors.level.join(" ")}
                </p>
              ) : null}
            </fieldset>
            <div className="ck-field">
              <label htmlFor="evidence">Evidence</label>
              <span className="ck-field__hint" id="evidence-hint">
                What you saw that supports this level: observations, documents, survey results.
              </span>
              <textarea
                id="evidence"
                name="evidence"
                className="ck-input"
                defaultValue={typeof typed?.evidence === "string" ? typed.evidence : current.evidence}
                aria-describedby="evidence-hint"
              />
            </div>
            <div className="ck-field">
              <label htmlFor="evidenceLinks">Links to evidence</label>
              <span className="ck-field__hint" id="links-hint">
                One web address per line.
              </span>
              <textarea
                id="evidenceLinks"
                name="evidenceLinks"
                className="ck-input"
                defaultValue={typeof typed?.evidenceLinks === "string" ? typed.evidenceLinks : current.evidenceLinks.join("\n")}
                aria-invalid={state?.fieldErrors?.evidenceLinks ? true : undefined}
                aria-describedby={state?.fieldErrors?.evidenceLinks ? "links-hint links-error" : "links-hint"}
              />
              {state?.fieldErrors?.evidenceLinks ? (
                <p className="ck-field__error" id="links-error">
                  {state.fieldErrors.evidenceLinks.join(" ")}
                </p>
              ) : null}
            </div>
            <div>
              <button type="submit" className="ck-button">
                Save {checkpointLabels[data.checkpoint].toLowerCase()} score
              </button>
            </div>
          </Form>
        </Card>
      ) : (
        <Card title="Level descriptors">
          <ol className="ck-levels" aria-label="Level descriptors">
            {data.item.levels.map((descriptor, index) => (
              <li key={index} className="ck-card">
                <LevelChip level={index + 1} /> {descriptor}
              </li>
            ))}
          </ol>
        </Card>
      )}
    </div>
  );
}
