// One item of the draft rubric: reword its title and level descriptors, with the published words beside them for reference.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormError, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { DescriptorList, WordingFields } from "~/modules/cycles/components/RubricWording";
import { rubricItemEditSchema } from "~/modules/cycles/rubrics.schema";
import { getDraftItem, updateDraftItem } from "~/modules/cycles/rubrics.server";
import { requireUser } from "~/modules/people/auth.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit ${data.item.title} · Draft rubric · Cyclekeeper` : "Draft rubric item · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const itemId = uuidParam(params, "itemId");
  return load(async () => {
    const view = await getDraftItem(context.db, user, itemId);
    return {
      draftNumber: view.draftNumber,
      focusArea: view.focusArea,
      item: { id: view.item.id, title: view.item.title, levels: [...view.item.levels], version: view.item.version },
      published: view.published ? { number: view.published.number, title: view.published.title, levels: [...view.published.levels] } : null,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const itemId = uuidParam(params, "itemId");
  const form = await readForm(request);
  // The item must be one of this district's draft: anything else is a 404 before the form is read.
  await load(() => getDraftItem(context.db, user, itemId));
  return act(form, async () => {
    // A stale save comes back from act() as 409 with the newer words; nothing is overwritten.
    await updateDraftItem(context.db, user, itemId, parseForm(form, rubricItemEditSchema), context.clientIp);
    throw redirect(`/rubric/draft?saved=item#item-${itemId}`);
  });
}

export default function DraftItem() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const stale = failure?.stale;
  const state = failure as FormState | undefined;
  const newer = stale ? [stale.level1, stale.level2, stale.level3, stale.level4].map(String) : null;
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow={`Draft rubric version ${data.draftNumber} · Focus area ${data.focusArea.position}: ${data.focusArea.name}`}
        title={`Edit “${data.item.title}”`}
      />
      <p>
        <Link to="/rubric/draft">Back to the draft</Link>
      </p>
      {stale && newer ? (
        <Notice tone="warning" role="alert">
          <p>{failure.formError}</p>
          <p>
            Saved now: <strong>{String(stale.title)}</strong>
          </p>
          <DescriptorList levels={newer} label="The newer level descriptors" />
          <p>Your words are kept in the form below. Saving again replaces the newer words with yours.</p>
        </Notice>
      ) : null}
      <Card title="Wording in the draft">
        <Form method="post" className="ck-form" noValidate>
          <FormError state={stale ? undefined : state} />
          <input type="hidden" name="expectedVersion" value={stale ? String(stale.version) : String(data.item.version)} />
          <WordingFields defaults={{ title: data.item.title, levels: data.item.levels }} state={state} />
          <div>
            <button type="submit" className="ck-button">
              Save item
            </button>
          </div>
        </Form>
      </Card>
      {data.published ? (
        <Card title={`Version ${data.published.number} says`}>
          <p>
            <strong>{data.published.title}</strong>
          </p>
          <DescriptorList levels={data.published.levels} label={`Level descriptors in version ${data.published.number}`} />
        </Card>
      ) : (
        <Notice>This item is new in this draft: no cycle has scored it yet.</Notice>
      )}
    </div>
  );
}
