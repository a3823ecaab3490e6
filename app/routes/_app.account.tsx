// Your own account: who you are and a password change that signs out your other devices.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { Card, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { changePasswordSchema } from "~/modules/people/people.schema";
import { changeOwnPassword } from "~/modules/people/people.server";
import { roleLabels } from "~/modules/people/permissions";
import { createSession, sessionCookie } from "~/modules/people/session.server";
import { act, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Your account · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return { name: user.name, email: user.email, roleLabel: roleLabels[user.role], districtName: user.districtName };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    const input = parseForm(form, changePasswordSchema);
    await changeOwnPassword(context.db, user, input.currentPassword, input.password, context.clientIp);
    const token = await createSession(context.db, user.id, context.config, { ip: context.clientIp, userAgent: request.headers.get("user-agent") });
    throw redirect("/home", { headers: { "Set-Cookie": sessionCookie(token, context.config) } });
  });
}

export default function Account() {
  const me = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  return (
    <div className="ck-stack">
      <PageHeader eyebrow={me.districtName} title="Your account" description={`${me.email} · ${me.roleLabel}`} />
      <Card title="Change password">
        <Form method="post" className="ck-form" noValidate>
          <FormError state={state} />
          <input type="hidden" name="username" autoComplete="username" value={me.email} />
          <TextField name="currentPassword" label="Current password" type="password" autoComplete="current-password" required state={state} />
          <TextField name="password" label="New password" type="password" autoComplete="new-password" hint="At least 12 characters. Your other devices will be signed out." required state={state} />
          <TextField name="confirmPassword" label="Repeat new password" type="password" autoComplete="new-password" required state={state} />
          <div>
            <button type="submit" className="ck-button">
              Change password
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
