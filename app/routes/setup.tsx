// First run on an empty database: create the district and its first SEL lead.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { AuthPage } from "~/components/AuthPage";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { firstRunSchema } from "~/modules/people/people.schema";
import { createFirstDistrict, hasAnyDistrict } from "~/modules/people/people.server";
import { createSession, sessionCookie } from "~/modules/people/session.server";
import { Conflict } from "~/utils/errors";
import { formValues, issuesToFieldErrors, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Set up your district · Cyclekeeper" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (await hasAnyDistrict(context.db)) throw redirect("/sign-in");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const parsed = firstRunSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return data<FormState>({ fieldErrors: issuesToFieldErrors(parsed.error.issues), values: formValues(form) }, { status: 400 });
  }
  try {
    const { lead } = await createFirstDistrict(context.db, parsed.data, context.clientIp);
    const token = await createSession(context.db, lead.id, context.config, {
      ip: context.clientIp,
      userAgent: request.headers.get("user-agent"),
    });
    throw redirect("/home", { headers: { "Set-Cookie": sessionCookie(token, context.config) } });
  } catch (error) {
    if (error instanceof Conflict) throw redirect("/sign-in");
    throw error;
  }
}

export default function Setup() {
  const state = useActionData<typeof action>() as FormState | undefined;
  const navigation = useNavigation();
  return (
    <AuthPage title="Set up your district" intro="This Cyclekeeper is empty. Create your district and your own account as its SEL lead.">
      <Form method="post" className="ck-form" noValidate>
        <FormError state={state} />
        <TextField name="districtName" label="District name" autoComplete="organization" required state={state} />
        <TextField
          name="districtSlug"
          label="Short web name"
          hint="Used in public report addresses, e.g. riverbend. Lowercase letters, digits and hyphens."
          required
          state={state}
        />
        <TextField name="name" label="Your name" autoComplete="name" required state={state} />
        <TextField name="email" label="Your email" type="email" autoComplete="username" required state={state} />
        <TextField name="password" label="Password" type="password" autoComplete="new-password" hint="At least 12 characters." required state={state} />
        <TextField name="confirmPassword" label="Repeat password" type="password" autoComplete="new-password" required state={state} />
        <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
          Create district
        </button>
      </Form>
    </AuthPage>
  );
}
