import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthPage } from "~/components/AuthPage";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { getUser } from "~/modules/people/auth.server";
import { signInSchema } from "~/modules/people/people.schema";
import { hasAnyDistrict, signIn } from "~/modules/people/people.server";
import { endSession, readSessionToken, sessionCookie } from "~/modules/people/session.server";
import { formValues, issuesToFieldErrors, readForm, safeRedirectPath } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Cyclekeeper" }];

// Remix keeps only Set-Cookie from an action unless the route passes other headers on: a 429 must say when to retry.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(request, context)) throw redirect("/home");
  if (!(await hasAnyDistrict(context.db))) throw redirect("/setup");
  return null;
}

const GENERIC = "That email and password do not match an active account.";

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const parsed = signInSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return data<FormState>({ fieldErrors: issuesToFieldErrors(parsed.error.issues), values: formValues(form) }, { status: 400 });
  }
  const result = await signIn(
    context.db,
    parsed.data,
    { ip: context.clientIp, userAgent: request.headers.get("user-agent") },
    context.config,
  );
  if (!result.ok && result.reason === "throttled") {
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    const minutes = Math.ceil(seconds / 60);
    // The per-account wait is at most 30 s (ADR 0030); rounding it up to "1 minute" would send people away for nothing.
    const wait = seconds <= 30 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${minutes} minute${minutes === 1 ? "" : "s"}`;
    return data<FormState>(
      { formError: `Too many attempts. Wait ${wait} and try again.`, values: formValues(form) },
      { status: 429, headers: { "Retry-After": String(Math.ceil(result.retryAfterMs / 1000)) } },
    );
  }
  if (!result.ok) return data<FormState>({ formError: GENERIC, values: formValues(form) }, { status: 401 });
  // A fresh session id at every sign-in; any session the browser already had ends here.
  const previous = readSessionToken(request, context.config);
  if (previous) await endSession(context.db, previous);
  const next = safeRedirectPath(parsed.data.redirectTo);
  // Someone in several districts has landed in their last one; they choose before going on (ADR 0035).
  const target = result.districtCount > 1 ? `/switch-district?redirectTo=${encodeURIComponent(next)}` : next;
  throw redirect(target, {
    headers: { "Set-Cookie": sessionCookie(result.token, context.config) },
  });
}

export default function SignIn() {
  const state = useActionData<typeof action>() as FormState | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  return (
    <AuthPage title="Sign in" intro="The workspace for your district's SEL continuous-improvement cycle.">
      <Form method="post" className="ck-form" noValidate>
        <FormError state={state} />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <TextField name="email" label="Email" type="email" autoComplete="username" required state={state} autoFocus />
        <TextField name="password" label="Password" type="password" autoComplete="current-password" required state={state} />
        <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? "Signing in…" : "Sign in"}
        </button>
      </Form>
    </AuthPage>
  );
}
