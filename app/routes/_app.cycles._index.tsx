// Every school year's cycle for the district and its schools; leads and the district team open the next one.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { Card, PageHeader } from "~/components/ui/layout";
import { newCycleSchema } from "~/modules/cycles/cycles.schema";
import { createDistrictCycle, listCycles } from "~/modules/cycles/cycles.server";
import { defaultCheckpointDates, schoolYearLabel } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { can, requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Cycles · Cyclekeeper" }];

const statusLabel = { planning: "Planning", active: "Active", closed: "Closed" } as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const cycles = await listCycles(context.db, user);
    const nextYear = cycles.length ? Math.max(...cycles.map((c) => c.startYear)) + 1 : new Date().getUTCFullYear() - (new Date().getUTCMonth() < 6 ? 1 : 0);
    return {
      districtName: user.districtName,
      canOpen: can(user, "cycle:edit", { districtId: user.districtId }),
      next: { startYear: nextYear, label: schoolYearLabel(nextYear), dates: defaultCheckpointDates(nextYear) },
      cycles: cycles.map((c) => ({
        id: c.id,
        label: schoolYearLabel(c.startYear),
        status: c.status,
        schools: c.schools.map((s) => ({ id: s.id, name: s.schoolName, status: s.status })),
      })),
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "cycle:edit", { districtId: user.districtId });
    const cycle = await createDistrictCycle(context.db, user, parseForm(form, newCycleSchema), context.clientIp);
    throw redirect(`/cycles/${cycle.id}`);
  });
}

export default function Cycles() {
  const data = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  return (
    <div className="ck-stack">
      <PageHeader title="Cycles" description="One continuous-improvement cycle per school year, for the district and for each school." />
      {data.cycles.length === 0 ? <p className="ck-muted">No cycles yet.</p> : null}
      {data.cycles.map((cycle) => (
        <Card key={cycle.id} title={`${cycle.label}`}>
          <p>
            <Link to={`/cycles/${cycle.id}`}>{data.districtName} — district cycle</Link>{" "}
            <span className={`ck-badge${cycle.status === "closed" ? " ck-badge--muted" : ""}`}>{statusLabel[cycle.status]}</span>
          </p>
          {cycle.schools.length ? (
            <ul className="ck-list">
              {cycle.schools.map((s) => (
                <li key={s.id}>
                  <Link to={`/cycles/${s.id}`}>{s.name}</Link>
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
      ))}
      {data.canOpen ? (
        <Card title={`Open the ${data.next.label} cycle`}>
          <p className="ck-muted">Opens the district's cycle and one for every active school, all with these checkpoint dates.</p>
          <Form method="post" className="ck-form" noValidate>
            <FormError state={state} />
            <input type="hidden" name="startYear" value={data.next.startYear} />
            <TextField name="baselineDate" label="Baseline checkpoint" type="date" defaultValue={data.next.dates.baseline} required state={state} />
            <TextField name="midyearDate" label="Mid-year checkpoint" type="date" defaultValue={data.next.dates.midyear} required state={state} />
            <TextField name="endyearDate" label="End-of-year checkpoint" type="date" defaultValue={data.next.dates.endyear} required state={state} />
            <div>
              <button type="submit" className="ck-button">
                Open {data.next.label} cycle
              </button>
            </div>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}
