// The lead's draft of the next rubric version: its items and changes so far, adding and removing items, publishing or discarding it.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Checkbox, FormError, SelectField, TextAreaField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { WordingFields } from "~/modules/cycles/components/RubricWording";
import { describeRubricChange } from "~/modules/cycles/rubric-versions";
import { newRubricItemSchema, publishRubricSchema } from "~/modules/cycles/rubrics.schema";
import { addDraftItem, discardRubricDraft, getRubricDraft, publishRubricDraft, removeDraftItem } from "~/modules/cycles/rubrics.server";
import { requireUser } from "~/modules/people/auth.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Draft rubric version ${data.number} · Cyclekeeper` : "Draft rubric · Cyclekeeper" }];

const when = (date: Date | string) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(date));

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const draft = await load(() => getRubricDraft(context.db, user));
  // Published or discarded meanwhile (perhaps by someone else): the rubric page says what is current.
  if (!draft) throw redirect("/rubric");
  const changed = new Map(draft.changes.filter((c) => c.kind === "changed").map((c) => [c.lineageId, c]));
  return {
    number: draft.number,
    basedOn: draft.basedOn,
    createdBy: draft.createdBy,
    createdAt: draft.createdAt.toISOString(),
    changes: draft.changes.map(describeRubricChange),
    focusAreas: draft.focusAreas.map((area) => ({
      id: area.id,
      position: area.position,
      name: area.name,
      items: area.items.map((item) => ({
        id: item.id,
        title: item.title,
        addedInDraft: item.addedInDraft,
        reworded: changed.has(item.lineageId),
      })),
    })),
    focusAreaOptions: draft.allFocusAreas.map((a) => ({ value: a.id, label: `Focus area ${a.position}: ${a.name}` })),
    openCycles: draft.openCycles,
  };
}

const intent = z.enum(["add-item", "remove-item", "discard", "publish"]);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    const chosen = intent.safeParse(form.get("intent"));
    if (!chosen.success) throw new Response("Unknown action", { status: 400 });
    switch (chosen.data) {
      case "add-item": {
        const item = await addDraftItem(context.db, user, parseForm(form, newRubricItemSchema), context.clientIp);
        throw redirect(`/rubric/draft?saved=added#item-${item.id}`);
      }
      case "remove-item": {
        const id = uuidParam({ id: String(form.get("itemId") ?? "") }, "id");
        await removeDraftItem(context.db, user, id, context.clientIp);
        throw redirect("/rubric/draft?saved=removed");
      }
      case "discard":
        await discardRubricDraft(context.db, user, context.clientIp);
        throw redirect("/rubric?discarded=1");
      case "publish": {
        const result = await publishRubricDraft(context.db, user, parseForm(form, publishRubricSchema), context.clientIp);
        throw redirect(`/rubric?published=${result.version.number}&switched=${result.switchedCycles}`);
      }
    }
  });
}

const savedMessages: Record<string, string> = {
  item: "Item saved in the draft.",
  added: "Item added to the draft.",
  removed: "Item removed from the draft.",
};

function openCyclesText(open: { yearLabel: string; district: boolean; schools: number }[]) {
  return open
    .map((y) => `${y.yearLabel}: ${[y.district ? "the district" : "", y.schools ? `${y.schools} school${y.schools === 1 ? "" : "s"}` : ""].filter(Boolean).join(" and ")}`)
    .join("; ");
}

export default function RubricDraft() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  // Each form shows only its own errors and keeps only its own typed values.
  const stateFor = (name: string) => (failure && failure.values?.intent === name ? (failure as FormState) : undefined);
  const addState = stateFor("add-item");
  const publishState = stateFor("publish");
  const otherError = failure && !addState && !publishState ? failure.formError : undefined;
  const saved = params.get("saved");
  // A new key after every navigation empties the add form once its item is saved; a failed save keeps what was typed.
  const { key: visit } = useLocation();
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Implementation rubric"
        title={`Draft rubric version ${data.number}`}
        description={`A copy of version ${data.basedOn ?? "1"}${data.createdBy ? ` started by ${data.createdBy}` : ""} on ${when(data.createdAt)}. No cycle uses it until it is published.`}
      />
      <p>
        <Link to="/rubric">Back to the rubric and its versions</Link>
      </p>
      {params.has("started") && !failure ? (
        <Notice tone="success" role="status">
          Draft started. Reword items or add your own, then publish it with a note on what changed and why.
        </Notice>
      ) : null}
      {saved && savedMessages[saved] && !failure ? (
        <Notice tone="success" role="status">
          {savedMessages[saved]}
        </Notice>
      ) : null}
      {otherError ? (
        <Notice tone="error" role="alert">
          {otherError}
        </Notice>
      ) : null}
      <Card title="Changes so far">
        {data.changes.length ? (
          <ul>
            {data.changes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        ) : (
          <p className="ck-muted">No changes yet: this draft reads exactly like version {data.basedOn}.</p>
        )}
      </Card>
      {data.focusAreas.map((area) => (
        <section key={area.id} aria-labelledby={`area-${area.id}`} className="ck-stack">
          <h2 id={`area-${area.id}`}>
            Focus area {area.position}: {area.name}
          </h2>
          <div className="ck-table-wrap">
            <table className="ck-table ck-table--fixed">
              <colgroup>
                <col className="ck-col-main" />
                <col />
                <col />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">In this draft</th>
                  <th scope="col">
                    <span className="ck-visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {area.items.map((item) => (
                  <tr key={item.id} id={`item-${item.id}`}>
                    <th scope="row">{item.title}</th>
                    <td>
                      {item.addedInDraft ? (
                        <span className="ck-badge">Added</span>
                      ) : item.reworded ? (
                        <span className="ck-badge ck-badge--warning">Reworded</span>
                      ) : (
                        <span className="ck-muted">Unchanged</span>
                      )}
                    </td>
                    <td className="ck-actions">
                      <Link to={`/rubric/draft/${item.id}`}>
                        Edit<span className="ck-visually-hidden"> “{item.title}”</span>
                      </Link>
                      {item.addedInDraft ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="remove-item" />
                          <input type="hidden" name="itemId" value={item.id} />
                          <button type="submit" className="ck-button ck-button--secondary">
                            Remove<span className="ck-visually-hidden"> “{item.title}”</span>
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      <Card title="Add an item">
        <Form method="post" className="ck-form" noValidate key={visit}>
          <FormError state={addState} />
          <input type="hidden" name="intent" value="add-item" />
          <SelectField
            name="focusAreaId"
            label="Focus area"
            options={[{ value: "", label: "Choose a focus area…" }, ...data.focusAreaOptions]}
            state={addState}
          />
          <WordingFields state={addState} />
          <div>
            <button type="submit" className="ck-button ck-button--secondary">
              Add item
            </button>
          </div>
        </Form>
      </Card>
      <Card title={`Publish version ${data.number}`}>
        <Form method="post" className="ck-form" noValidate>
          <FormError state={publishState} />
          <input type="hidden" name="intent" value="publish" />
          <TextAreaField
            name="note"
            label="What changed and why"
            hint="Everyone in the district reads this beside the version, including teams looking at scores given under the earlier words."
            state={publishState}
            rows={4}
          />
          {data.openCycles.length ? (
            <Checkbox
              name="applyToOpenCycles"
              label={`Use version ${data.number} in the open cycles now`}
              hint={`Switches ${openCyclesText(data.openCycles)}. Their scores stay and show the words they were given under until rescored. Closed cycles never change. Without this, only cycles opened later use version ${data.number}.`}
              defaultChecked={publishState?.values ? publishState.values.applyToOpenCycles === "on" : false}
            />
          ) : (
            <p className="ck-muted">No cycle is open; the next cycle opened uses version {data.number}.</p>
          )}
          <div>
            <button type="submit" className="ck-button">
              Publish version {data.number}
            </button>
          </div>
        </Form>
      </Card>
      <Card title="Discard the draft">
        <Form method="post" className="ck-form">
          <p>Throws away every change in this draft. Published versions and cycles are not affected.</p>
          <input type="hidden" name="intent" value="discard" />
          <div>
            <button type="submit" className="ck-button ck-button--danger">
              Discard draft
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
