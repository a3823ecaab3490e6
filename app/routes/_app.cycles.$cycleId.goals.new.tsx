// Writing a new annual goal, guided through SMARTIE: what changes, by how much, for whom, by when.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import type { FormState } from "~/components/ui/form";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { GoalForm, goalFormChoices, GoalKindSwitch } from "~/modules/cycles/components/GoalForm";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { goalKinds, goalSchema } from "~/modules/cycles/goals.schema";
import { createGoal, goalFormOptions } from "~/modules/cycles/goals.server";
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
    return { heading: cycleHeading(options.cycle, user.districtName), kind, options: goalFormChoices(options) };
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
  const kind = z.enum(goalKinds).catch(data.kind).parse(state?.values?.kind);
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="New annual goal" />
      <GoalKindSwitch kind={kind} />
      <GoalForm kind={kind} options={data.options} state={state} submitLabel="Save goal" />
      <p className="ck-muted">After saving, the goal page shows which SMARTIE parts are met and which need more.</p>
    </div>
  );
}
