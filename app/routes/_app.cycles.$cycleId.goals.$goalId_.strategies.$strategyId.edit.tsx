// Changing or removing one strategy, by its own cycle's team: safe against someone else's newer save.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import type { Database } from "#db/client.server";
import { StaleEditNotice } from "~/components/ui/conflict";
import { FormError, SelectField, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { strategyConflictRows, strategyInWords } from "~/modules/cycles/edit-conflict";
import { strategyRemovalSchema, strategySchema, strategyStatuses, strategyStatusLabels } from "~/modules/cycles/goals.schema";
import { closedCycleMessage, getStrategy, removeStrategy, updateStrategy } from "~/modules/cycles/goals.server";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound } from "~/utils/errors";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit strategy: ${data.strategy.title} · Cyclekeeper` : "Edit strategy · Cyclekeeper" }];

/**
 * The strategy at this address, which only exists under the cycle that owns the step and the goal it serves, and
 * the cycle with the edit permission checked: a school never edits the district's steps, nor the district a school's.
 */
async function editableStrategy(db: Database, user: Actor, params: Record<string, string | undefined>) {
  const cycleId = uuidParam(params, "cycleId");
  const goalId = uuidParam(params, "goalId");
  const strategyId = uuidParam(params, "strategyId");
  const strategy = await getStrategy(db, user, strategyId);
  if (strategy.cycleId !== cycleId || strategy.goalId !== goalId) throw new NotFound("strategy");
  const cycle = await getCycle(db, user, cycleId);
  requirePermission(user, "cycle:edit", { districtId: user.districtId, schoolId: cycle.schoolId });
  return { strategy, cycle, back: `/cycles/${cycleId}/goals/${goalId}` };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const { strategy, cycle } = await editableStrategy(context.db, user, params);
    return {
      heading: cycleHeading(cycle, user.districtName),
      // Said by the server module, whose message the action answers with too.
      closedMessage: cycle.status === "closed" ? closedCycleMessage : null,
      goal: { id: strategy.goalId, title: strategy.goalTitle },
      strategy: {
        id: strategy.id,
        title: strategy.title,
        ownerName: strategy.ownerName,
        dueDate: strategy.dueDate ?? "",
        status: strategy.status,
        version: strategy.version,
      },
    };
  });
}

const intent = z.enum(["save", "remove"]);

/**
 * A conflict (or a cycle closed meanwhile) means the page shows an outdated strategy: load it again, though an error
 * answer would normally skip that. The typed values still win in the form.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    const { strategy, cycle, back } = await editableStrategy(context.db, user, params);
    if (cycle.status === "closed") throw new Conflict(closedCycleMessage);
    const chosen = intent.safeParse(form.get("intent"));
    if (!chosen.success) throw new Response("Unknown action", { status: 400 });
    // Stale saves and removals come back from act() as 409 with the newer values; nothing is written.
    if (chosen.data === "save") {
      await updateStrategy(context.db, user, strategy.id, parseForm(form, strategySchema), context.clientIp);
      throw redirect(`${back}?saved=strategy`);
    }
    await removeStrategy(context.db, user, strategy.id, parseForm(form, strategyRemovalSchema).expectedVersion, context.clientIp);
    throw redirect(`${back}?removed=strategy`);
  });
}

export default function EditStrategy() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const stale = failure?.stale;
  const failedIntent = failure?.values?.intent;
  // A failed save keeps what was typed; a removal that met a newer version shows that version to edit or remove.
  const state: FormState | undefined =
    failure && failedIntent === "save" ? { fieldErrors: failure.fieldErrors, formError: stale ? undefined : failure.formError, values: failure.values } : undefined;
  const shown = stale && failedIntent === "remove" ? { ...data.strategy, ...stale, dueDate: String(stale.dueDate ?? "") } : data.strategy;
  const version = typeof stale?.version === "number" ? stale.version : data.strategy.version;
  const back = `/cycles/${data.heading.id}/goals/${data.goal.id}`;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title={`Edit strategy: ${data.strategy.title}`} />
      <p>
        <Link to={back}>Back to the goal “{data.goal.title}”</Link>
      </p>
      {data.closedMessage ? (
        <Notice tone="info" role="status">
          {data.closedMessage} The strategy can be read on the goal page but no longer changed.
        </Notice>
      ) : (
        <>
          {failure && stale && failedIntent === "save" ? (
            <StaleEditNotice message={failure.formError ?? ""} stale={stale} rows={strategyConflictRows(stale, failure.values)}>
              <p>What you typed is still in the form below. Saving it now replaces their version with yours.</p>
            </StaleEditNotice>
          ) : null}
          {failure && stale && failedIntent === "remove" ? (
            <StaleEditNotice
              message="Someone changed this strategy after you opened it, so it was not removed."
              stale={stale}
              rows={strategyInWords(stale).map((r) => ({ field: r.label, label: r.label, saved: r.value, typed: "" }))}
              savedOnly
            >
              <p>Check their version below; remove it again if it should still go.</p>
            </StaleEditNotice>
          ) : null}
          {failure && !stale && failure.formError && failedIntent !== "save" ? <FormError state={failure} /> : null}
          <Card title="Change the strategy">
            <Form method="post" className="ck-form" noValidate key={`save-${version}`}>
              <FormError state={state} />
              <input type="hidden" name="intent" value="save" />
              <input type="hidden" name="expectedVersion" value={version} />
              <TextField name="title" label="Strategy" hint="An action step the team will take." required defaultValue={shown.title} state={state} />
              <TextField name="ownerName" label="Owner" hint="Who makes sure it happens." defaultValue={shown.ownerName} state={state} />
              <TextField name="dueDate" label="Due date" type="date" defaultValue={shown.dueDate} state={state} />
              <SelectField
                name="status"
                label="Status"
                options={strategyStatuses.map((s) => ({ value: s, label: strategyStatusLabels[s] }))}
                defaultValue={shown.status}
                state={state}
              />
              <div>
                <button type="submit" className="ck-button">
                  Save strategy
                </button>
              </div>
            </Form>
          </Card>
          <Card title="Remove the strategy">
            <details className="ck-confirm">
              <summary>Remove this strategy…</summary>
              <Form method="post" className="ck-form" key={`remove-${version}`}>
                <p>
                  “{shown.title}” will be taken off the goal. The record of who added and changed it stays in the district's activity log.
                </p>
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="expectedVersion" value={version} />
                <div>
                  <button type="submit" className="ck-button ck-button--danger">
                    Yes, remove “{shown.title}”
                  </button>
                </div>
              </Form>
            </details>
          </Card>
        </>
      )}
    </div>
  );
}
