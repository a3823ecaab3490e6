// Accepting an invitation: a new person chooses a password, one who already uses Cyclekeeper enters theirs (ADR 0035).
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AuthPage } from "~/components/AuthPage";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { roleLabels } from "~/modules/people/permissions";
import { acceptInviteSchema } from "~/modules/people/people.schema";
import { acceptInvite, findOpenInvite } from "~/modules/people/people.server";
import { ValidationFailed } from "~/utils/errors";
import { endSession, readSessionToken, sessionCookie } from "~/modules/people/session.server";
import { formValues, issuesToFieldErrors, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Accept your invitation · Cyclekeeper" }];

// As on the sign-in page: a 429 must say when to retry, and Remix passes on only Set-Cookie unless told.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

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
    const result = await acceptInvite(context.db, params.token ?? "", parsed.data.password, { ip: context.clientIp, userAgent: request.headers.get("user-agent") }, context.config);
    if (!result.ok) {
      const minutes = Math.max(1, Math.ceil(result.retryAfterMs / 60_000));
      return data<FormState>(
        { formError: `Too many attempts. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`, values: {} },
        { status: 429, headers: { "Retry-After": String(Math.ceil(result.retryAfterMs / 1000)) } },
      );
    }
    throw redirect("/home", { headers: { "Set-Cookie": sessionCookie(result.token, context.config) } });
  } catch (error) {
    if (error instanceof Response) throw error;
    // A wrong existing password: shown beside the field, nothing typed is echoed back.
    if (error instanceof ValidationFailed) return data<FormState>({ fieldErrors: error.fieldErrors, values: {} }, { status: 400 });
    throw new Response("This invitation link is not valid any more.", { status: 404 });
  }
}

export default function AcceptInvite() {
  const invite = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  return (
    <AuthPage title={`Welcome, ${invite.name}`} intro={`You are invited to ${invite.districtName} as ${invite.role}. Enter a password to finish.`}>
      <Form method="post" className="ck-form" noValidate>
        <FormError state={state} />
        <p className="ck-muted">
          Your sign-in email is <strong>{invite.email}</strong>.
        </p>
        <input type="hidden" name="username" autoComplete="username" value={invite.email} />
        {/* One page for everyone: whoever holds the link learns nothing about whether the address is known (ADR 0035). */}
        <TextField
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="If you already sign in to Cyclekeeper with this email, enter that password. Otherwise choose one of at least 12 characters."
          required
          state={state}
        />
        <TextField name="confirmPassword" label="Repeat password" type="password" autoComplete="new-password" required state={state} />
        <button type="submit" className="ck-button">
          Accept and sign in
        </button>
      </Form>
    </AuthPage>
  );
}
