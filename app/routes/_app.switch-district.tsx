// Choosing the district to work in, for a person who belongs to several: after sign-in and from the account menu.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Card, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { listOwnDistricts, switchDistrict } from "~/modules/people/people.server";
import { readSessionToken, sessionCookie } from "~/modules/people/session.server";
import { act, load, parseForm, readForm, safeRedirectPath } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Choose your district · Cyclekeeper" }];

const switchSchema = z.object({
  districtId: z.uuid({ error: "Choose a district from the list." }),
  redirectTo: z.string().max(2000).optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const redirectTo = new URL(request.url).searchParams.get("redirectTo");
  return load(async () => ({
    districts: await listOwnDistricts(context.db, user),
    redirectTo: redirectTo ? safeRedirectPath(redirectTo) : "",
    continueTo: safeRedirectPath(redirectTo),
  }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    const input = parseForm(form, switchSchema);
    // A page of the district being left would answer 404 in the new one, so only the sign-in's own target is kept.
    const next = safeRedirectPath(input.redirectTo);
    const token = await switchDistrict(
      context.db,
      user,
      readSessionToken(request, context.config) ?? "",
      input.districtId,
      { ip: context.clientIp, userAgent: request.headers.get("user-agent") },
      context.config,
    );
    if (!token) throw redirect(next);
    throw redirect(next, { headers: { "Set-Cookie": sessionCookie(token, context.config) } });
  });
}

export default function SwitchDistrict() {
  const { districts, redirectTo, continueTo } = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <PageHeader
        title="Choose your district"
        description={
          districts.length > 1
            ? "You work in more than one district. Each keeps its own people, cycles and records; you see one at a time."
            : "You work in one district."
        }
      />
      <Card title="Your districts">
        <ul className="ck-list ck-district-list">
          {districts.map((d) => (
            <li key={d.districtId}>
              <span>
                {d.districtName}
                {d.current ? <span className="ck-muted"> · you are here</span> : null}
              </span>
              {d.current ? (
                <Link className="ck-button ck-button--secondary" to={continueTo} aria-label={`Continue in ${d.districtName}`}>
                  Continue
                </Link>
              ) : (
                <Form method="post">
                  <input type="hidden" name="districtId" value={d.districtId} />
                  <input type="hidden" name="redirectTo" value={redirectTo} />
                  <button type="submit" className="ck-button" aria-label={`Switch to ${d.districtName}`}>
                    Switch
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
