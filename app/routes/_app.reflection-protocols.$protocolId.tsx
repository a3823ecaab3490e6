// One reflection protocol: the district's SEL roles reword, reorder (by position numbers, so it works without
// JavaScript), add and remove questions, choose its data views, and archive it; everyone else reads it.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { CheckboxGroup, FormError, TextAreaField, TextField } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { dataViewKeys, dataViewLinks, dataViews } from "~/modules/reflections/reflections";
import { protocolSchema } from "~/modules/reflections/reflections.schema";
import { getProtocol, setProtocolArchived, updateProtocol } from "~/modules/reflections/reflections.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.protocol.name} · Reflection protocols · Cyclekeeper` : "Reflection protocol · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const protocolId = uuidParam(params, "protocolId");
  const protocol = await load(() => getProtocol(context.db, user, protocolId));
  return {
    protocol: {
      id: protocol.id,
      name: protocol.name,
      purpose: protocol.purpose,
      questions: protocol.questions,
      dataViews: protocol.dataViews,
      archived: protocol.archivedAt !== null,
      version: protocol.version,
    },
    views: dataViewLinks(protocol.dataViews),
    canManage: protocol.canManage,
  };
}

const intent = z.enum(["save", "archive", "restore"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const protocolId = uuidParam(params, "protocolId");
  const form = await readForm(request);
  await load(async () => {
    await getProtocol(context.db, user, protocolId);
    requirePermission(user, "reflection:manage", { districtId: user.districtId });
  });
  const chosen = intent.safeParse(form.get("intent"));
  if (!chosen.success) throw new Response("Unknown action", { status: 400 });
  return act(form, async () => {
    if (chosen.data === "save") {
      await updateProtocol(context.db, user, protocolId, parseForm(form, protocolSchema), context.clientIp);
      throw redirect(`/reflection-protocols/${protocolId}?saved=1`);
    }
    const { expectedVersion } = parseForm(form, z.object({ expectedVersion: z.coerce.number().int().positive() }));
    await setProtocolArchived(context.db, user, protocolId, chosen.data === "archive", expectedVersion, context.clientIp);
    throw redirect(`/reflection-protocols/${protocolId}?saved=${chosen.data}`);
  });
}

export default function Protocol() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const { protocol } = data;
  return (
    <div className="ck-stack">
      <PageHeader eyebrow="Reflection protocol" title={protocol.name} description={protocol.purpose} />
      <p>
        <Link to="/reflection-protocols">All protocols</Link>
      </p>
      {saved && !failure ? (
        <Notice tone="success" role="status">
          {saved === "archive" ? "Protocol archived: new meetings can no longer use it." : saved === "restore" ? "Protocol restored." : "Protocol saved."}
        </Notice>
      ) : null}
      {protocol.archived ? <Notice tone="info">This protocol is archived. Meetings planned with it keep their questions.</Notice> : null}

      {data.canManage ? (
        <Card title="Questions and data views">
          <Form method="post" className="ck-form" noValidate>
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="expectedVersion" value={failure?.stale ? String(failure.stale.version) : protocol.version} />
            {failure?.stale ? (
              <Notice tone="warning" role="alert">
                Someone saved this protocol while you were editing it. Reload the page to see their version before saving again; your changes are kept below until
                you do.
              </Notice>
            ) : (
              <FormError state={failure} />
            )}
            <TextField name="name" label="Name" state={failure} defaultValue={protocol.name} />
            <TextAreaField name="purpose" label="Purpose" rows={2} state={failure} defaultValue={protocol.purpose} />
            <fieldset className="ck-fieldset">
              <legend>Guiding questions</legend>
              <p className="ck-field__hint">Change the position numbers to reorder. Rewording a question keeps past meetings' answers with it.</p>
              {failure?.fieldErrors?.questions ? <p className="ck-field__error">{failure.fieldErrors.questions.join(" ")}</p> : null}
              {protocol.questions.map((q, index) => (
                <div key={q.id} className="ck-protocol-question">
                  <TextAreaField name={`question.${q.id}`} label={`Question ${index + 1}`} rows={2} state={failure} defaultValue={q.text} />
                  <TextField name={`position.${q.id}`} type="number" label={`Position of question ${index + 1}`} state={failure} defaultValue={String(index + 1)} />
                  <label className="ck-check">
                    <input type="checkbox" name={`remove.${q.id}`} /> Remove question {index + 1}
                  </label>
                </div>
              ))}
              <TextAreaField name="newQuestion" label="Add a question (optional)" rows={2} state={failure} />
            </fieldset>
            <CheckboxGroup
              name="dataViews"
              legend="Data views to look at"
              state={failure}
              defaultChecked={protocol.dataViews}
              options={dataViewKeys.map((k) => ({ value: k, label: dataViews[k].label }))}
            />
            <div>
              <button type="submit" className="ck-button">
                Save protocol
              </button>
            </div>
          </Form>
          <Form method="post" className="ck-form">
            <input type="hidden" name="intent" value={protocol.archived ? "restore" : "archive"} />
            <input type="hidden" name="expectedVersion" value={protocol.version} />
            <div>
              <button type="submit" className="ck-button ck-button--secondary">
                {protocol.archived ? "Restore protocol" : "Archive protocol"}
              </button>
            </div>
          </Form>
        </Card>
      ) : (
        <Card title="Guiding questions">
          <ol>
            {protocol.questions.map((q) => (
              <li key={q.id}>{q.text}</li>
            ))}
          </ol>
          {data.views.length ? (
            <>
              <h3>Data to look at</h3>
              <ul>
                {data.views.map((v) => (
                  <li key={v.key}>
                    <a href={v.path}>{v.label}</a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </Card>
      )}
    </div>
  );
}
