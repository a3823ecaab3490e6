// Renaming one of the district's own student groups; the catalog's groups are shared and never edited here.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { StaleEditNotice } from "~/components/ui/conflict";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { Card, PageHeader } from "~/components/ui/layout";
import { studentGroupConflictRows } from "~/modules/data/measure-edit";
import { studentGroupEditSchema } from "~/modules/data/measures.schema";
import { getStudentGroupForEdit, updateStudentGroup } from "~/modules/data/measures.server";
import { requireUser } from "~/modules/people/auth.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit student group: ${data.group.name} · Cyclekeeper` : "Edit student group · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const groupId = uuidParam(params, "groupId");
  return load(async () => {
    const { group, results } = await getStudentGroupForEdit(context.db, user, groupId);
    return { group: { id: group.id, slug: group.slug, name: group.name, version: group.version }, results };
  });
}

/** A conflict means the form shows an outdated name: load it again (an error answer would skip that); the typed name still wins. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const groupId = uuidParam(params, "groupId");
  const form = await readForm(request);
  return act(form, async () => {
    const saved = await updateStudentGroup(context.db, user, groupId, parseForm(form, studentGroupEditSchema), context.clientIp);
    throw redirect(`/data/student-groups?saved=${saved.slug}`);
  });
}

export default function EditStudentGroup() {
  const { group, results } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const navigation = useNavigation();
  const stale = failure?.stale;
  const state: FormState | undefined = failure ? { fieldErrors: failure.fieldErrors, formError: stale ? undefined : failure.formError, values: failure.values } : undefined;
  const version = typeof stale?.version === "number" ? stale.version : group.version;
  return (
    <div className="ck-stack">
      <PageHeader
        title={`Edit student group: ${group.name}`}
        description="A group the district named. It stands on its own: results by it are never added up with other groups, so renaming it changes no figure."
      />
      <p>
        <Link to="/data/student-groups">Back to the student groups</Link>
      </p>
      {stale ? (
        <StaleEditNotice message={failure?.formError ?? ""} stale={stale} rows={studentGroupConflictRows(stale, failure?.values ?? {})}>
          <p>What you typed is still in the form below. Saving it now replaces their name with yours.</p>
        </StaleEditNotice>
      ) : null}
      <Card title="Rename the group">
        <Form method="post" className="ck-form" noValidate key={`group-${version}`}>
          <FormError state={state} />
          <input type="hidden" name="expectedVersion" value={version} />
          <TextField
            name="name"
            label="Group name"
            required
            state={state}
            defaultValue={group.name}
            hint={
              <>
                Files refer to it as <code>{group.slug}</code> or by its name; the short name stays when the name changes.
                {results ? ` ${results.toLocaleString("en-US")} imported ${results === 1 ? "result is" : "results are"} reported by it and keep their group.` : ""}
              </>
            }
          />
          <div>
            <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
              Save group
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
