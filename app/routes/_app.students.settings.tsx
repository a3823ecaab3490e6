// The district's student support settings: indicator thresholds, retention, and the intervention catalog.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { StaleEditNotice } from "~/components/ui/conflict";
import { FormError, TextAreaField, TextField, useFocusOnFailure, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { catalogItemSchema, settingsSchema } from "~/modules/students/students.schema";
import { addCatalogItem, ensureInterventionCatalog, getStudentSettings, listInterventionCatalog, updateStudentSettings } from "~/modules/students/students.server";
import { failureFor } from "~/utils/form-failure";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Student support settings · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    requirePermission(user, "student:settings", { districtId: user.districtId });
    await ensureInterventionCatalog(context.db, user.districtId);
    return { settings: await getStudentSettings(context.db, user.districtId), catalog: await listInterventionCatalog(context.db, user.districtId) };
  });
}

const settingsFieldLabels = {
  absencePercent: "Chronically absent at (% of enrolled days so far)",
  failingCourses: "Failing courses that raise a flag",
  behaviourIncidents: "Flag behaviour above this many incidents in four weeks",
  selBenchmark: "SEL competency benchmark (1–5)",
  retentionMonths: "Delete student records this many months after their last school year ends",
} as const;

/** The thresholds someone else saved beside what this person typed, only where they differ. */
function settingsConflictRows(saved: Record<string, unknown>, typed: Record<string, unknown>) {
  return (Object.keys(settingsFieldLabels) as (keyof typeof settingsFieldLabels)[]).flatMap((field) => {
    const theirs = String(saved[field] ?? "");
    const yours = String(typed[field] ?? "").trim();
    return Number(theirs) === Number(yours) && yours !== "" ? [] : [{ field, label: settingsFieldLabels[field], saved: theirs, typed: yours || "(empty)" }];
  });
}

/** A stale save comes back as 409: load the settings again so the form carries the newer version. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

const intent = z.enum(["settings", "catalog"]);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "student:settings", { districtId: user.districtId });
    const chosen = intent.safeParse(form.get("intent"));
    if (!chosen.success) throw new Response("Unknown action", { status: 400 });
    if (chosen.data === "catalog") {
      await addCatalogItem(context.db, user, parseForm(form, catalogItemSchema), context.clientIp);
      throw redirect("/students/settings?saved=catalog#catalog");
    }
    await updateStudentSettings(context.db, user, parseForm(form, settingsSchema), context.clientIp);
    throw redirect("/students/settings?saved=settings");
  });
}

const savedMessages: Record<string, string> = {
  settings: "Settings saved.",
  catalog: "Intervention added to the catalog.",
  "catalog-item": "Intervention saved.",
  retired: "Intervention retired: it is no longer offered for new plans; plans that used it keep it.",
  restored: "Intervention brought back: school teams can choose it for new plans again.",
};

export default function StudentSettings() {
  const { settings, catalog } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const saved = failure ? null : params.get("saved");
  useFocusOnFailure(failure);
  // Each form shows its own errors and keeps what was typed into it, and only it.
  const settingsFailure = failureFor(failure, "settings");
  const stale = settingsFailure?.stale;
  const settingsState: FormState | undefined = settingsFailure && { ...settingsFailure, formError: stale ? undefined : settingsFailure.formError };
  const catalogState: FormState | undefined = failureFor(failure, "catalog");
  const version = typeof stale?.version === "number" ? stale.version : settings.version;
  return (
    <div className="ck-stack">
      <PageHeader eyebrow="Student support" title="Thresholds, retention and interventions" actions={<Link to="/students">Student support</Link>} />
      {saved && savedMessages[saved] ? (
        <Notice tone="success" role="status">
          {savedMessages[saved]}
        </Notice>
      ) : null}
      <Card title="Indicator thresholds and retention">
        {settingsFailure && stale ? (
          <StaleEditNotice message={settingsFailure.formError ?? ""} stale={stale} rows={settingsConflictRows(stale, settingsFailure.values)}>
            <p>What you typed is still in the form below. Saving it now replaces their settings with yours.</p>
          </StaleEditNotice>
        ) : null}
        <Form method="post" className="ck-form" noValidate key={`settings-${version}`}>
          <FormError state={settingsState} />
          <input type="hidden" name="intent" value="settings" />
          <input type="hidden" name="expectedVersion" value={version} />
          <TextField name="absencePercent" label={settingsFieldLabels.absencePercent} type="number" step="0.5" defaultValue={String(settings.absencePercent)} state={settingsState} />
          <TextField name="failingCourses" label={settingsFieldLabels.failingCourses} type="number" defaultValue={String(settings.failingCourses)} state={settingsState} />
          <TextField name="behaviourIncidents" label={settingsFieldLabels.behaviourIncidents} type="number" defaultValue={String(settings.behaviourIncidents)} state={settingsState} />
          <TextField name="selBenchmark" label={settingsFieldLabels.selBenchmark} type="number" step="0.1" defaultValue={String(settings.selBenchmark)} state={settingsState} />
          <TextField
            name="retentionMonths"
            label={settingsFieldLabels.retentionMonths}
            hint="Applied by the retention command (npm run students:retention), e.g. nightly."
            type="number"
            defaultValue={String(settings.retentionMonths)}
            state={settingsState}
          />
          <div>
            <button type="submit" className="ck-button">
              Save settings
            </button>
          </div>
        </Form>
      </Card>
      <section className="ck-card" id="catalog" aria-labelledby="catalog-title">
        <h2 id="catalog-title">Intervention catalog</h2>
        <p>
          School teams choose from these when they start a plan. Retire an intervention the district no longer uses: it is no longer offered for new plans, and
          plans that used it keep it.
        </p>
        <div className="ck-table-wrap">
          <table className="ck-table">
            <caption className="ck-visually-hidden">Interventions in the district's catalog</caption>
            <thead>
              <tr>
                <th scope="col">Intervention</th>
                <th scope="col">Description</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="ck-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {catalog.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{c.name}</th>
                  <td>{c.description || <span className="ck-muted">–</span>}</td>
                  <td>{c.active ? <span className="ck-badge">Offered</span> : <span className="ck-badge ck-badge--muted">Retired</span>}</td>
                  <td>
                    <Link to={`/students/settings/catalog/${c.id}`}>
                      Edit<span className="ck-visually-hidden"> {c.name}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <Card title="Add an intervention">
        <Form method="post" className="ck-form" noValidate>
          <FormError state={catalogState} />
          <input type="hidden" name="intent" value="catalog" />
          <TextField name="name" label="Intervention" hint="The name school teams choose from when they start a plan." state={catalogState} />
          <TextAreaField name="description" label="Description" hint="What it involves, in a sentence or two." state={catalogState} rows={2} />
          <div>
            <button type="submit" className="ck-button ck-button--secondary">
              Add to catalog
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
