// Changing an annual goal in its own cycle: the goal form prefilled, safe against someone else's newer save.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import type { Database } from "#db/client.server";
import { StaleEditNotice } from "~/components/ui/conflict";
import type { FormState } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { SmartieChecklist } from "~/modules/cycles/components/GoalBits";
import { GoalForm, goalFormChoices, GoalKindSwitch, type GoalFormValues } from "~/modules/cycles/components/GoalForm";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { goalConflictRows } from "~/modules/cycles/edit-conflict";
import { goalKinds, goalSchema } from "~/modules/cycles/goals.schema";
import { closedCycleMessage, getGoal, goalFormOptions, updateGoal, type GoalDetail } from "~/modules/cycles/goals.server";
import { requireUser } from "~/modules/people/auth.server";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, Forbidden } from "~/utils/errors";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit: ${data.goal.title} · Goals · Cyclekeeper` : "Edit goal · Cyclekeeper" }];

const sharedGoalMessage = "The district sets the wording of a shared goal. Your school adds its own local target and strategies on the goal page.";

/**
 * The goal, readable in this cycle and editable by this person from it. A district goal seen from a school's cycle
 * is the district's to word: whoever may edit it is sent to its own cycle, anyone else is refused.
 */
async function editableGoal(db: Database, user: Actor, cycleId: string, goalId: string): Promise<GoalDetail> {
  const goal = await getGoal(db, user, goalId, { forCycleId: cycleId });
  if (goal.mirrored) {
    if (can(user, "cycle:edit", { districtId: user.districtId, schoolId: null })) throw redirect(`/cycles/${goal.cycleId}/goals/${goal.id}/edit`);
    throw new Forbidden(sharedGoalMessage);
  }
  return goal;
}

const formValuesOf = (goal: GoalDetail): GoalFormValues => ({
  title: goal.title,
  description: goal.description,
  relevance: goal.relevance,
  population: goal.population,
  inclusiveNote: goal.inclusiveNote,
  equityNote: goal.equityNote,
  rubricItemId: goal.rubricItemId ?? "",
  targetLevel: goal.targetLevel === null ? "" : String(goal.targetLevel),
  targetCheckpoint: goal.targetCheckpoint ?? "",
  measureId: goal.measureId ?? "",
  baselineValue: goal.baselineValue === null ? "" : String(goal.baselineValue),
  targetValue: goal.targetValue === null ? "" : String(goal.targetValue),
  dueDate: goal.dueDate ?? "",
  mirrorScope: goal.mirrorScope,
  schoolIds: goal.schoolIds,
});

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const goalId = uuidParam(params, "goalId");
  return load(async () => {
    const goal = await editableGoal(context.db, user, cycleId, goalId);
    const options = await goalFormOptions(context.db, user, cycleId);
    requirePermission(user, "cycle:edit", { districtId: user.districtId, schoolId: options.cycle.schoolId });
    const asked = z.enum(goalKinds).safeParse(new URL(request.url).searchParams.get("kind"));
    return {
      heading: cycleHeading(options.cycle, user.districtName),
      // Said by the server module, whose message the action answers with too.
      closedMessage: options.cycle.status === "closed" ? closedCycleMessage : null,
      goal: { id: goal.id, title: goal.title, kind: goal.kind, version: goal.version, smartie: goal.smartie },
      kind: asked.success ? asked.data : goal.kind,
      values: formValuesOf(goal),
      options: goalFormChoices(options),
    };
  });
}

/**
 * A conflict (or a cycle closed meanwhile) means the page shows an outdated goal: load it again, though an error
 * answer would normally skip that. The typed values still win in the form.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const goalId = uuidParam(params, "goalId");
  const form = await readForm(request);
  return act(form, async () => {
    await editableGoal(context.db, user, cycleId, goalId);
    const cycle = await getCycle(context.db, user, cycleId);
    requirePermission(user, "cycle:edit", { districtId: user.districtId, schoolId: cycle.schoolId });
    // Said before the form is read: a closed cycle's goal cannot be saved however it is filled in.
    if (cycle.status === "closed") throw new Conflict(closedCycleMessage);
    // A stale save comes back from act() as 409 with the newer values; nothing is written.
    await updateGoal(context.db, user, goalId, parseForm(form, goalSchema), context.clientIp);
    throw redirect(`/cycles/${cycleId}/goals/${goalId}?saved=goal`);
  });
}

export default function EditGoal() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const stale = failure?.stale;
  // After a conflict the field errors are empty and the message shows above the form, not inside it.
  const state: FormState | undefined = failure ? { fieldErrors: failure.fieldErrors, formError: stale ? undefined : failure.formError, values: failure.values } : undefined;
  const kind = z.enum(goalKinds).catch(data.kind).parse(failure?.values?.kind);
  const version = typeof stale?.version === "number" ? stale.version : data.goal.version;
  const back = `/cycles/${data.heading.id}/goals/${data.goal.id}`;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title={`Edit goal: ${data.goal.title}`} />
      <p>
        <Link to={back}>Back to the goal</Link>
      </p>
      {data.closedMessage ? (
        <Notice tone="info" role="status">
          {data.closedMessage} The goal can be read on its page but no longer changed.
        </Notice>
      ) : (
        <>
          {failure && stale ? (
            <StaleEditNotice message={failure.formError ?? ""} stale={stale} rows={goalConflictRows(stale, failure.values, data.options)}>
              <p>
                What you typed is still in the form below. Saving it now replaces their version with yours; change anything you want to keep of
                theirs first.
              </p>
            </StaleEditNotice>
          ) : null}
          <div className="ck-grid ck-grid--form">
            <div>
              <GoalKindSwitch kind={kind} />
              <GoalForm
                kind={kind}
                options={data.options}
                values={data.values}
                state={state}
                expectedVersion={version}
                submitLabel="Save changes"
                formKey={`${kind}-${version}`}
              />
            </div>
            <Card title="SMARTIE, as saved">
              <p className="ck-muted">How the saved goal reads against SMARTIE. Fix anything marked missing before the goal counts as ready.</p>
              <SmartieChecklist checks={data.goal.smartie} />
            </Card>
          </div>
        </>
      )}
    </div>
  );
}
