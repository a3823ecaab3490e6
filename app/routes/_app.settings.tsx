// District settings, for the lead: the district's name and the small-cell size every aggregate respects.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormError, SelectField, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { districtSettingsSchema } from "~/modules/districts/districts.schema";
import { getDistrict, updateDistrictSettings } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";
import { formatLongDate } from "~/modules/cycles/school-year";
import { localDate, timeZoneChoices } from "~/utils/time-zone";

export const meta: MetaFunction = () => [{ title: "Settings · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    requirePermission(user, "district:manage", { districtId: user.districtId });
    const district = await getDistrict(context.db, user);
    return {
      district: { name: district.name, slug: district.slug, minCellSize: district.minCellSize, timeZone: district.timeZone },
      timeZones: timeZoneChoices(),
      today: localDate(new Date(), district.timeZone),
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "district:manage", { districtId: user.districtId });
    await updateDistrictSettings(context.db, user, parseForm(form, districtSettingsSchema), context.clientIp);
    throw redirect("/settings?saved=1");
  });
}

export default function Settings() {
  const { district, timeZones, today } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  const [params] = useSearchParams();
  return (
    <div className="ck-stack">
      <PageHeader title="Settings" description="District-wide settings. Changes are recorded in the audit log." />
      {params.has("saved") ? (
        <Notice tone="success" role="status">
          Settings saved.
        </Notice>
      ) : null}
      <Card title="District">
        <Form method="post" className="ck-form" noValidate>
          <FormError state={state} />
          <TextField name="name" label="District name" defaultValue={district.name} required state={state} />
          <div className="ck-field">
            <span id="slug-label">
              <strong>Short web name</strong>
            </span>
            <span className="ck-muted" aria-labelledby="slug-label">
              {district.slug} — used in the addresses of published reports; fixed once the district is created.
            </span>
          </div>
          <TextField
            name="minCellSize"
            label="Smallest group shown in aggregates"
            type="number"
            inputMode="numeric"
            min={5}
            max={100}
            defaultValue={String(district.minCellSize)}
            hint="Results for fewer students than this are suppressed everywhere, so no one can be identified. At least 5; 10 is common."
            required
            state={state}
          />
          <SelectField
            name="timeZone"
            label="Time zone"
            options={timeZones.map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }))}
            defaultValue={district.timeZone}
            hint={`What “today” means for due dates, checkpoints and weeks. It is ${formatLongDate(today)} there now.`}
            state={state}
          />
          <div>
            <button type="submit" className="ck-button">
              Save settings
            </button>
          </div>
        </Form>
      </Card>
      <Card title="Implementation rubric">
        <p>Reword the rubric's descriptors or add your district's own items, and publish the result as a new version.</p>
        <p>
          <Link to="/rubric">Adapt the rubric and see its versions</Link>
        </p>
      </Card>
      <Card title="District profile for reports">
        <p>What SEL means in the district, the history of the commitment and its milestones: every annual report starts from it.</p>
        <p>
          <Link to="/reports/profile">Edit the district profile</Link>
        </p>
      </Card>
    </div>
  );
}
