// Writing a new annual goal, guided through SMARTIE: what changes, by how much, for whom, by when.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CheckboxGroup, FormError, SelectField, TextField, type FormState } from "~/components/ui/form";
import { Card } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { goalKinds, goalSchema, mirrorScopeLabels, mirrorScopes } from "~/modules/cycles/goals.schema";
import { createGoal, goalFormOptions } from "~/modules/cycles/goals.server";
import { levelLabel } from "~/modules/cycles/rubric-rollup";
import { checkpointLabels, checkpoints } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction = () => [{ title: "New goal · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  return load(async () => {
    const options = await goalFormOptions(context.db, user, cycleId);
    requirePermission(user, "cycle:edit", { districtId: user.districtId, schoolId: options.cycle.schoolId });
    const kind = z.enum(goalKinds).catch("implementation").parse(new URL(request.url).searchParams.get("kind"));
    return {
      heading: cycleHeading(options.cycle, user.districtName),
      kind,
      rubricItems: options.rubricItems.map((i) => ({ value: i.id, label: i.title })),
      measures: options.measures.map((m) => ({ value: m.id, label: `${m.name} — ${m.direction === "higher_is_better" ? "higher is better" : "lower is better"}` })),
      schools: options.schools.map((s) => ({ value: s.id, label: s.name })),
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const form = await readForm(request);
  return act(form, async () => {
    const cycle = await getCycle(context.db, user, cycleId);
    requirePermission(user, "cycle:edit", { districtId: user.districtId, schoolId: cycle.schoolId });
    const goal = await createGoal(context.db, user, cycleId, parseForm(form, goalSchema), context.clientIp);
    throw redirect(`/cycles/${cycleId}/goals/${goal.id}?created=1`);
  });
}

export default function NewGoal() {
  const data = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  const kind = (state?.values?.kind as string | undefined) ?? data.kind;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="New annual goal" />
      <nav aria-label="Kind of goal" className="ck-subnav">
        <Link to="?kind=implementation" aria-current={kind === "implementation" ? "page" : undefined}>
          Implementation goal
        </Link>
        <Link to="?kind=outcome" aria-current={kind === "outcome" ? "page" : undefined}>
          Outcome goal
        </Link>
      </nav>
      <Form method="post" className="ck-form" noValidate>
        <FormError state={state} />
        <input type="hidden" name="kind" value={kind} />
        <TextField name="title" label="Goal" hint="One sentence a family member would understand." required state={state} />
        <TextField name="description" label="Specific: what exactly will change" state={state} />
        {kind === "implementation" ? (
          <Card title="Measurable and time-bound">
            <div className="ck-form">
              <SelectField name="rubricItemId" label="Rubric activity" options={[{ value: "", label: "Choose an activity…" }, ...data.rubricItems]} state={state} />
              <SelectField
                name="targetLevel"
                label="Level to reach"
                options={[{ value: "", label: "Choose a level…" }, ...[1, 2, 3, 4].map((l) => ({ value: String(l), label: levelLabel(l as 1 | 2 | 3 | 4) }))]}
                state={state}
              />
              <SelectField
                name="targetCheckpoint"
                label="By checkpoint"
                options={[{ value: "", label: "Choose a checkpoint…" }, ...checkpoints.map((c) => ({ value: c, label: checkpointLabels[c] }))]}
                defaultValue="endyear"
                state={state}
              />
            </div>
          </Card>
        ) : (
          <Card title="Measurable and time-bound">
            <div className="ck-form">
              <SelectField name="measureId" label="Measure" options={[{ value: "", label: "Choose a measure…" }, ...data.measures]} state={state} />
              <TextField name="baselineValue" label="Baseline value" inputMode="decimal" hint="Where the measure stands now, if known." state={state} />
              <TextField name="targetValue" label="Target value" inputMode="decimal" required state={state} />
              <TextField name="dueDate" label="By date" type="date" required state={state} />
            </div>
          </Card>
        )}
        <TextField name="relevance" label="Relevant: why this matters for our vision" state={state} />
        <TextField name="population" label="Inclusive: which students this goal is for" hint="All students, a grade band, or a group." state={state} />
        <TextField name="inclusiveNote" label="Inclusive: who shaped this goal" hint="Students, families and staff whose voices informed it." state={state} />
        <TextField name="equityNote" label="Equitable: how it closes gaps" hint="Which differences between groups it addresses." state={state} />
        {data.schools.length ? (
          <>
            <SelectField name="mirrorScope" label="Share with schools" options={mirrorScopes.map((m) => ({ value: m, label: mirrorScopeLabels[m] }))} state={state} />
            <CheckboxGroup name="schoolIds" legend="Chosen schools (when sharing with chosen schools)" options={data.schools} state={state} />
          </>
        ) : null}
        <p className="ck-muted">After saving, the goal page shows which SMARTIE parts are met and which need more.</p>
        <div>
          <button type="submit" className="ck-button">
            Save goal
          </button>
        </div>
      </Form>
    </div>
  );
}
