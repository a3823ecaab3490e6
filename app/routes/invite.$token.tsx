// Accepting an invitation: the one-time link lets a new person choose a password and sign in.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AuthPage } from "~/components/AuthPage";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { roleLabels } from "~/modules/people/permissions";
import { acceptInviteSchema } from "~/modules/people/people.schema";
import { acceptInvite, findOpenInvite } from "~/modules/people/people.server";
import { endSession, readSessionToken, sessionCookie } from "~/modules/people/session.server";
import { formValues, issuesToFieldErrors, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Accept your invitation · Cyclekeeper" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const invite = await findOpenInvite(context.db, params.token ?? "");
  if (!invite) throw new Response("This invitation link is not valid any more.", { status: 404 });
  return { name: invite.name, email: invite.email, role: roleLabels[invite.role], districtName: invite.districtName };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const parsed = acceptInviteSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return data<FormState>({ fieldErrors: issuesToFieldErrors(parsed.error.issues), values: formValues(form) }, { status: 400 });
  }
  const previous = readSessionToken(request, context.config);
  if (previous) await endSession(context.db, previous);
  try {
    const token = await acceptInvite(context.db, params.token ?? "", parsed.data.password, { ip: context.clientIp, userAgent: request.headers.get("user-agent") }, context.config);
    throw redirect("/home", { headers: { "Set-Cookie": sessionCookie(token, context.config) } });
  } catch (error) {
    if (error instanceof Response) throw error;
    throw new Response("This invitation link is not valid any more.", { status: 404 });
  }
}

export default function AcceptInvite() {
  const invite = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  return (
    <AuthPage title={`Welcome, ${invite.name}`} intro={`You are invited to ${invite.districtName} as ${invite.role}. Choose a password to finish.`}>
      <Form method="post" className="ck-form" noValidate>
        <FormError state={state} />
        <p className="ck-muted">
          Your sign-in email is <strong>{invite.email}</strong>.
        </p>
        <input type="hidden" name="username" autoComplete="username" value={invite.email} />
        <TextField name="password" label="Password" type="password" autoComplete="new-password" hint="At least 12 characters." required state={state} />
        <TextField name="confirmPassword" label="Repeat password" type="password" autoComplete="new-password" required state={state} />
        <button type="submit" className="ck-button">
          Set password and sign in
        </button>
      </Form>
    </AuthPage>
  );
}
