// One person: change their role and schools, renew an invitation, deactivate or reactivate.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { listSchools } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { PersonAccessFields, StatusBadge } from "~/modules/people/components/PersonFields";
import { updatePersonSchema } from "~/modules/people/people.schema";
import { getPerson, inviteLink, renewInvite, setPersonActive, updatePerson } from "~/modules/people/people.server";
import { roleLabels } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.person.name ?? "Person"} · People · Cyclekeeper` }];

function userIdOf(params: { userId?: string }) {
  const parsed = z.uuid().safeParse(params.userId);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  return parsed.data;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const userId = userIdOf(params);
  return load(async () => {
    const person = await getPerson(context.db, user, userId);
    const schools = await listSchools(context.db, user);
    return { person: { ...person, roleLabel: roleLabels[person.role] }, schools: schools.map((s) => ({ id: s.id, name: s.name })), isSelf: user.id === userId };
  });
}

const intentSchema = z.enum(["update", "deactivate", "reactivate", "renew-invite"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const userId = userIdOf(params);
  const form = await readForm(request);
  return act(form, async () => {
    const intent = intentSchema.safeParse(form.get("intent"));
    await getPerson(context.db, user, userId); // 404 for another district's person, 403 for anyone but the lead
    if (!intent.success) throw new Response("Unknown action", { status: 400 });
    switch (intent.data) {
      case "update":
        await updatePerson(context.db, user, userId, parseForm(form, updatePersonSchema), context.clientIp);
        throw redirect(`/people/${userId}?saved=1`);
      case "deactivate":
      case "reactivate":
        await setPersonActive(context.db, user, userId, intent.data === "reactivate", context.clientIp);
        throw redirect(`/people/${userId}?${intent.data}d=1`);
      case "renew-invite": {
        const token = await renewInvite(context.db, user, userId, context.clientIp);
        return data({ ok: true as const, link: inviteLink(request, context.config.publicOrigin, token) });
      }
    }
  });
}

export default function Person() {
  const { person, schools, isSelf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const state = result && "fieldErrors" in result ? (result as FormState) : undefined;
  const link = result && "link" in result ? result.link : undefined;
  const [params] = useSearchParams();
  const message = params.has("saved") ? "Changes saved." : params.has("deactivated") ? "Account deactivated and signed out everywhere." : params.has("reactivated") ? "Account reactivated." : null;
  return (
    <div className="ck-stack">
      <PageHeader eyebrow={person.roleLabel} title={person.name} description={person.email} actions={<Link to="/people">All people</Link>} />
      <p>
        Status: <StatusBadge status={person.status} />
      </p>
      {message ? (
        <Notice tone="success" role="status">
          {message}
        </Notice>
      ) : null}
      {state?.formError && !Object.keys(state.fieldErrors ?? {}).length ? <FormError state={state} /> : null}
      <Card title="Access">
        <Form method="post" className="ck-form" noValidate>
          {state && Object.keys(state.fieldErrors ?? {}).length ? <FormError state={state} /> : null}
          <input type="hidden" name="intent" value="update" />
          <TextField name="name" label="Name" defaultValue={person.name} required state={state} />
          <PersonAccessFields
            state={state}
            schools={schools}
            defaults={{ role: person.role, schoolIds: person.schools.map((s) => s.id), studentRecords: person.studentRecords }}
          />
          <div>
            <button type="submit" className="ck-button">
              Save changes
            </button>
          </div>
        </Form>
      </Card>
      {person.status === "invited" ? (
        <Card title="Invitation">
          {link ? (
            <Notice tone="success" role="status">
              <p>A new one-time link is ready. Earlier links no longer work.</p>
              <code className="ck-copy" data-testid="invite-link">
                {link}
              </code>
            </Notice>
          ) : (
            <p className="ck-muted">{person.name} has not accepted yet. Make a new link if the first one was lost or expired.</p>
          )}
          <Form method="post">
            <input type="hidden" name="intent" value="renew-invite" />
            <button type="submit" className="ck-button ck-button--secondary">
              Make a new invitation link
            </button>
          </Form>
        </Card>
      ) : null}
      {!isSelf ? (
        <Card title={person.status === "deactivated" ? "Reactivate account" : "Deactivate account"}>
          <p className="ck-muted">
            {person.status === "deactivated"
              ? "Reactivating lets this person sign in again with their password."
              : "Deactivating signs this person out everywhere at once and stops them signing in. Their work is kept."}
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value={person.status === "deactivated" ? "reactivate" : "deactivate"} />
            <button type="submit" className={person.status === "deactivated" ? "ck-button" : "ck-button ck-button--danger"}>
              {person.status === "deactivated" ? "Reactivate" : "Deactivate"}
            </button>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}
