// The district profile every annual report starts from: what SEL means here, the history of the commitment and
// its milestones. The lead edits it (carried from year to year); the district's other people read it.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormError, TextAreaField, valueOf, valuesOf, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { parseProfileForm } from "~/modules/reports/profile.schema";
import { getProfile, saveProfile } from "~/modules/reports/profile.server";
import type { ActionFailure } from "~/utils/http.server";
import { act, load, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "District profile · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const profile = await getProfile(context.db, user);
    return { profile: { ...profile, updatedAt: profile.updatedAt?.toISOString() ?? null } };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    await saveProfile(context.db, user, parseProfileForm(form), context.clientIp);
    throw redirect("/reports/profile?saved=1");
  });
}

interface StaleProfile {
  selStatement: string;
  history: string;
  milestones: { startYear: number; text: string }[];
  version: number;
}

export default function DistrictProfilePage() {
  const { profile } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as (ActionFailure & FormState) | undefined;
  const [params] = useSearchParams();
  const stale = failure?.stale as StaleProfile | undefined;

  if (!profile.canEdit) {
    return (
      <div className="ck-stack">
        <PageHeader title="District profile" description="What SEL means in the district and how its commitment grew. Every annual report starts from it; the district SEL lead keeps it." />
        <ProfileReadOnly profile={profile} />
      </div>
    );
  }

  // After a conflict the form keeps what the person typed and carries the newer version, so saving again is deliberate.
  const years = failure ? valuesOf(failure, "milestoneYear") : profile.milestones.map((m) => String(m.startYear));
  const texts = failure ? valuesOf(failure, "milestoneText") : profile.milestones.map((m) => m.text);
  const rows = [...years.map((year, i) => ({ year, text: texts[i] ?? "" })).filter((r) => r.year || r.text), { year: "", text: "" }];
  const version = stale ? stale.version : Number(valueOf(failure, "expectedVersion", String(profile.version)));
  const errors = failure?.fieldErrors ?? {};
  const milestoneErrors = Object.entries(errors).filter(([key]) => key.startsWith("milestones"));

  return (
    <div className="ck-stack">
      <PageHeader
        title="District profile"
        description="What SEL means in your district and how the commitment grew. Every annual report's first section starts from it, and it carries from year to year."
      />
      {params.has("saved") && !failure ? (
        <Notice tone="success" role="status">
          Profile saved.
        </Notice>
      ) : null}
      {stale ? (
        <Notice tone="warning" role="alert">
          <p>
            <strong>Someone saved the profile while you were editing.</strong> Your text is still in the form below. Here is what they saved; combine the two and
            save again.
          </p>
          <ProfileReadOnly profile={stale} headingLevel={3} />
        </Notice>
      ) : null}
      <Card title="Profile">
        <Form method="post" className="ck-form" noValidate>
          {stale ? null : <FormError state={failure} />}
          <input type="hidden" name="expectedVersion" value={version} />
          <TextAreaField
            name="selStatement"
            label="What SEL means here"
            hint="The district's own words: what social and emotional learning is in your schools and why it matters."
            rows={5}
            defaultValue={profile.selStatement}
            state={failure}
          />
          <TextAreaField name="history" label="History of the commitment" hint="How the work began and grew, in a few sentences." rows={5} defaultValue={profile.history} state={failure} />
          <fieldset className="ck-fieldset">
            <legend>Milestones</legend>
            <p className="ck-field__hint" id="milestones-hint">
              One row per milestone: the school year it started in (2019 for 2019–20) and what happened. Fill in the empty row to add one; tick “Remove” to
              delete one.
            </p>
            {milestoneErrors.length ? (
              <ul className="ck-field__error" id="milestones-errors">
                {milestoneErrors.flatMap(([key, messages]) => messages.map((m) => <li key={`${key}-${m}`}>{m}</li>))}
              </ul>
            ) : null}
            <table className="ck-table">
              <caption className="ck-visually-hidden">Milestones</caption>
              <thead>
                <tr>
                  <th scope="col">School year starting</th>
                  <th scope="col">What happened</th>
                  <th scope="col">Remove</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => {
                  const isNew = i === rows.length - 1;
                  return (
                    <tr key={`${i}-${row.year}-${row.text}`}>
                      <td>
                        <input
                          className="ck-input"
                          name="milestoneYear"
                          inputMode="numeric"
                          aria-label={isNew ? "New milestone: school year starting" : `Milestone ${i + 1}: school year starting`}
                          aria-describedby="milestones-hint"
                          defaultValue={row.year}
                          size={6}
                        />
                      </td>
                      <td>
                        <input className="ck-input" name="milestoneText" aria-label={isNew ? "New milestone: what happened" : `Milestone ${i + 1}: what happened`} defaultValue={row.text} />
                      </td>
                      <td>
                        {isNew ? null : (
                          <label>
                            <input type="checkbox" name="removeMilestone" value={i} /> Remove<span className="ck-visually-hidden"> milestone {i + 1}</span>
                          </label>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </fieldset>
          <div>
            <button type="submit" className="ck-button">
              Save profile
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}

function ProfileReadOnly({ profile, headingLevel = 2 }: { profile: { selStatement: string; history: string; milestones: { startYear: number; text: string }[] }; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? "h2" : "h3";
  return (
    <div className="ck-stack">
      <section>
        <H>What SEL means here</H>
        <p>{profile.selStatement || "Not written yet."}</p>
      </section>
      <section>
        <H>History of the commitment</H>
        <p>{profile.history || "Not written yet."}</p>
      </section>
      <section>
        <H>Milestones</H>
        {profile.milestones.length ? (
          <ul>
            {profile.milestones.map((m, i) => (
              <li key={`${m.startYear}-${i}`}>
                <strong>{schoolYearLabel(m.startYear)}</strong>: {m.text}
              </li>
            ))}
          </ul>
        ) : (
          <p>None yet.</p>
        )}
      </section>
    </div>
  );
}
