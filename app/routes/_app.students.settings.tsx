// The district's student support settings: indicator thresholds, retention, and the intervention catalog.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { catalogItemSchema, settingsSchema } from "~/modules/students/students.schema";
import { addCatalogItem, ensureInterventionCatalog, getStudentSettings, listInterventionCatalog, updateStudentSettings } from "~/modules/students/students.server";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Student support settings · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    requirePermission(user, "student:settings", { districtId: user.districtId });
    await ensureInterventionCatalog(context.db, user.districtId);
    return { settings: await getStudentSettings(context.db, user.districtId), catalog: await listInterventionCatalog(context.db, user.districtId) };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "student:settings", { districtId: user.districtId });
    if (form.get("intent") === "catalog") {
      await addCatalogItem(context.db, user, parseForm(form, catalogItemSchema), context.clientIp);
      throw redirect("/students/settings?saved=catalog");
    }
    await updateStudentSettings(context.db, user, parseForm(form, settingsSchema), context.clientIp);
    throw redirect("/students/settings?saved=settings");
  });
}

export default function StudentSettings() {
  const { settings, catalog } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  const [params] = useSearchParams();
  const saved = params.get("saved");
  return (
    <div className="ck-stack">
      <PageHeader eyebrow="Student support" title="Thresholds, retention and interventions" actions={<Link to="/students">Student support</Link>} />
      {saved ? (
        <Notice tone="success" role="status">
          {saved === "catalog" ? "Intervention added to the catalog." : "Settings saved."}
        </Notice>
      ) : null}
      <Card title="Indicator thresholds and retention">
        <Form method="post" className="ck-form" noValidate>
          <FormError state={state} />
          <input type="hidden" name="intent" value="settings" />
          <input type="hidden" name="expectedVersion" value={settings.version} />
          <TextField name="absencePercent" label="Chronically absent at (% of enrolled days so far)" type="number" step="0.5" defaultValue={String(settings.absencePercent)} state={state} />
          <TextField name="failingCourses" label="Failing courses that raise a flag" type="number" defaultValue={String(settings.failingCourses)} state={state} />
          <TextField name="behaviourIncidents" label="Flag behaviour above this many incidents in four weeks" type="number" defaultValue={String(settings.behaviourIncidents)} state={state} />
          <TextField name="selBenchmark" label="SEL competency benchmark (1–5)" type="number" step="0.1" defaultValue={String(settings.selBenchmark)} state={state} />
          <TextField
            name="retentionMonths"
            label="Delete student records this many months after their last school year ends"
            hint="Applied by the retention command (npm run students:retention), e.g. nightly."
            type="number"
            defaultValue={String(settings.retentionMonths)}
            state={state}
          />
          <div>
            <button type="submit" className="ck-button">
              Save settings
            </button>
          </div>
        </Form>
      </Card>
      <Card title="Intervention catalog">
        <ul className="ck-list">
          {catalog.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong> <span className="ck-muted">· {c.description}</span>
            </li>
          ))}
        </ul>
        <Form method="post" className="ck-form" noValidate>
          <input type="hidden" name="intent" value="catalog" />
          <TextField name="name" label="New intervention" state={state} />
          <TextField name="description" label="Description" state={state} />
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
