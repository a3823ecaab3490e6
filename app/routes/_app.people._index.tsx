// People in the district: the lead invites them with a one-time link and sees who has access.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { listSchools } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { PersonAccessFields, StatusBadge } from "~/modules/people/components/PersonFields";
import { inviteSchema } from "~/modules/people/people.schema";
import { inviteLink, invitePerson, listPeople } from "~/modules/people/people.server";
import { requirePermission, roleLabels } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "People · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const people = await listPeople(context.db, user);
    const schools = await listSchools(context.db, user);
    return {
      people: people.map((p) => ({ ...p, roleLabel: roleLabels[p.role] })),
      schools: schools.map((s) => ({ id: s.id, name: s.name })),
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "people:manage", { districtId: user.districtId });
    const input = parseForm(form, inviteSchema);
    const { person, token } = await invitePerson(context.db, user, input, context.clientIp);
    return data({ ok: true as const, invited: { name: person.name, email: person.email, link: inviteLink(request, context.config.publicOrigin, token) } });
  });
}

export default function People() {
  const { people, schools } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const state = result && "fieldErrors" in result ? (result as FormState) : undefined;
  const invited = result && "invited" in result ? result.invited : undefined;
  return (
    <div className="ck-stack">
      <PageHeader title="People" description="Everyone with access to the district's Cyclekeeper, and what they can do." />
      {invited ? (
        <Notice tone="success" role="status">
          <p>
            <strong>{invited.name}</strong> is invited. Send them this one-time link; it works once and expires in 7 days. It will not be shown
            again.
          </p>
          <code className="ck-copy" data-testid="invite-link">
            {invited.link}
          </code>
        </Notice>
      ) : null}
      <div className="ck-table-wrap">
        <table className="ck-table">
          <caption>{people.length} people</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Schools</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <Link to={`/people/${p.id}`}>{p.name}</Link>
                  <div className="ck-muted">{p.email}</div>
                </th>
                <td>
                  {p.roleLabel}
                  {p.studentRecords ? <div className="ck-muted">Student records</div> : null}
                </td>
                <td>{p.role === "school_team" ? p.schools.map((s) => s.name).join(", ") : <span className="ck-muted">District-wide</span>}</td>
                <td>
                  <StatusBadge status={p.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Card title="Invite someone">
        <Form method="post" className="ck-form" noValidate key={invited?.email ?? "invite"}>
          <FormError state={state} />
          <TextField name="name" label="Name" autoComplete="off" required state={state} />
          <TextField name="email" label="Email" type="email" autoComplete="off" required state={state} />
          <PersonAccessFields state={state} schools={schools} />
          <div>
            <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
              Create invitation
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
