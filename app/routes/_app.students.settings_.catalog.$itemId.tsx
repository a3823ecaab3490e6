// One intervention of the district's catalog: reword it, retire it, or bring it back; safe against a colleague's newer save.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { StaleEditNotice } from "~/components/ui/conflict";
import { FormError, TextAreaField, TextField, useFocusOnFailure, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { catalogConflictRows, catalogItemInWords } from "~/modules/students/catalog";
import { catalogItemEditSchema, catalogItemStatusSchema } from "~/modules/students/students.schema";
import { getCatalogItem, setCatalogItemActive, updateCatalogItem } from "~/modules/students/students.server";
import { failureFor } from "~/utils/form-failure";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Edit ${data.item.name} · Intervention catalog · Cyclekeeper` : "Intervention · Intervention catalog · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const itemId = uuidParam(params, "itemId");
  return load(async () => {
    const item = await getCatalogItem(context.db, user, itemId);
    return { item: { id: item.id, name: item.name, description: item.description, active: item.active, version: item.version } };
  });
}

/** A conflict means the page shows an outdated item: load it again, though an error answer would normally skip that. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

const intent = z.enum(["save", "retire", "restore"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const itemId = uuidParam(params, "itemId");
  const form = await readForm(request);
  // Another district's item, or none, is a 404 (and a role without the settings a 403) before the form is read.
  await load(() => getCatalogItem(context.db, user, itemId));
  return act(form, async () => {
    const chosen = intent.safeParse(form.get("intent"));
    if (!chosen.success) throw new Response("Unknown action", { status: 400 });
    // Stale saves come back from act() as 409 with the newer values; nothing is written.
    if (chosen.data === "save") {
      await updateCatalogItem(context.db, user, itemId, parseForm(form, catalogItemEditSchema), context.clientIp);
      throw redirect("/students/settings?saved=catalog-item#catalog");
    }
    await setCatalogItemActive(context.db, user, itemId, chosen.data === "restore", parseForm(form, catalogItemStatusSchema), context.clientIp);
    throw redirect(`/students/settings?saved=${chosen.data === "retire" ? "retired" : "restored"}#catalog`);
  });
}

export default function EditCatalogItem() {
  const { item } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const stale = failure?.stale;
  const failedIntent = failure?.values?.intent;
  useFocusOnFailure(failure);
  // A failed save keeps what was typed; after a stale save the form carries the newer version, so saving again is deliberate.
  const saveFailure = failureFor(failure, "save");
  const state: FormState | undefined = saveFailure && { ...saveFailure, formError: stale ? undefined : saveFailure.formError };
  const version = typeof stale?.version === "number" ? stale.version : item.version;
  return (
    <div className="ck-stack">
      <PageHeader eyebrow="Student support · Intervention catalog" title={`Edit “${item.name}”`} />
      <p>
        <Link to="/students/settings#catalog">Back to the intervention catalog</Link>
      </p>
      {item.active ? null : (
        <Notice tone="info" role="status">
          Retired: school teams cannot choose “{item.name}” for a new plan. Plans that used it still show it, in the student's history and export.
        </Notice>
      )}
      {failure && stale && failedIntent === "save" ? (
        <StaleEditNotice message={failure.formError ?? ""} stale={stale} rows={catalogConflictRows(stale, failure.values)}>
          <p>What you typed is still in the form below. Saving it now replaces their version with yours.</p>
        </StaleEditNotice>
      ) : null}
      {failure && stale && failedIntent !== "save" ? (
        <StaleEditNotice
          message={`Someone changed this intervention after you opened it, so it was not ${failedIntent === "retire" ? "retired" : "brought back"}.`}
          stale={stale}
          rows={catalogItemInWords(stale)}
          savedOnly
        >
          <p>Check their version below, then try again if it still should be.</p>
        </StaleEditNotice>
      ) : null}
      {failure && !stale && failedIntent !== "save" ? <FormError state={failure} /> : null}
      <Card title="Change the intervention">
        <Form method="post" className="ck-form" noValidate key={`save-${version}`}>
          <FormError state={state} />
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="expectedVersion" value={version} />
          <TextField
            name="name"
            label="Intervention"
            hint="The name school teams choose from when they start a plan. A new name also shows on every plan that used it, open or ended."
            required
            defaultValue={item.name}
            state={state}
          />
          <TextAreaField name="description" label="Description" hint="What it involves, in a sentence or two." defaultValue={item.description} state={state} rows={3} />
          <div>
            <button type="submit" className="ck-button">
              Save intervention
            </button>
          </div>
        </Form>
      </Card>
      {item.active ? (
        <Card title="Retire the intervention">
          <p>When the district stops using “{item.name}”, retire it: it is no longer offered for new plans. Plans that used it keep it, with its name, in the student's history and export. You can bring it back later.</p>
          <Form method="post" key={`retire-${version}`}>
            <input type="hidden" name="intent" value="retire" />
            <input type="hidden" name="expectedVersion" value={version} />
            <button type="submit" className="ck-button ck-button--secondary">
              Retire “{item.name}”
            </button>
          </Form>
        </Card>
      ) : (
        <Card title="Bring the intervention back">
          <p>School teams will be able to choose “{item.name}” for new plans again.</p>
          <Form method="post" key={`restore-${version}`}>
            <input type="hidden" name="intent" value="restore" />
            <input type="hidden" name="expectedVersion" value={version} />
            <button type="submit" className="ck-button ck-button--secondary">
              Bring back “{item.name}”
            </button>
          </Form>
        </Card>
      )}
    </div>
  );
}
