// A plan's history: its saved and daily versions, saving the plan as it is now under a name, and who changed it when.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormError, TextField } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { requireUser } from "~/modules/people/auth.server";
import { ActivityTable, VersionsTable } from "~/modules/plans/components/DocumentHistory";
import { VERSION_NAME_MAX } from "~/modules/plans/plan-versions";
import { DamagedDocumentNotice } from "~/modules/plans/components/DamagedDocumentNotice";
import { closedPlanMessage, planHistory, restoreLastGoodPlan, saveNamedVersion } from "~/modules/plans/plan-versions.server";
import { CollaborationUnavailable } from "~/modules/plans/server-changes.server";
import { Conflict } from "~/utils/errors";
import { act, load, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Plan history · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Plan history · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const history = await load(() => planHistory(context.db, user, cycleId));
  return {
    heading: history.heading,
    canEdit: history.access === "edit",
    closedMessage: history.closed ? closedPlanMessage : null,
    versions: history.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
    activity: history.activity.map((a) => ({ ...a, firstAt: a.firstAt.toISOString(), lastAt: a.lastAt.toISOString() })),
    damage: history.damage,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const form = await readForm(request);
  return act(form, async () => {
    if (form.get("intent") === "restore-last-good") {
      try {
        await restoreLastGoodPlan(context.db, user, cycleId, context.clientIp);
      } catch (error) {
        if (error instanceof CollaborationUnavailable) throw new Conflict(error.message);
        throw error;
      }
      throw redirect(`/cycles/${cycleId}/plan?restored=1`);
    }
    // Who may save is decided before the name is looked at: a reader is refused whatever they send.
    await saveNamedVersion(context.db, user, cycleId, { name: form.get("name") }, context.clientIp);
    throw redirect(`/cycles/${cycleId}/plan/history?saved=1`);
  });
}

export default function PlanHistory() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const base = `/cycles/${data.heading.id}/plan`;
  const restoreFailure = failure?.values.intent === "restore-last-good" ? failure : undefined;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Action plan history" />
      <p>
        <Link to={base}>Back to the action plan</Link>
      </p>
      {params.has("saved") && !failure ? (
        <Notice tone="success" role="status">
          Version saved. It is listed below and can be opened or restored at any time.
        </Notice>
      ) : null}
      {params.has("restored") && !failure ? (
        <Notice tone="success" role="status">
          Version restored as a new change. What the plan said just before is kept as a version too.
        </Notice>
      ) : null}
      {data.closedMessage ? (
        <Notice tone="info" role="status">
          {data.closedMessage}
        </Notice>
      ) : null}
      {data.damage ? (
        <DamagedDocumentNotice
          damage={data.damage}
          canRestore={data.canEdit}
          restoreAction={`${base}/history`}
          versionPath={(id) => `${base}/versions/${id}`}
          error={restoreFailure?.formError}
        />
      ) : null}

      {data.canEdit ? (
        <Card title="Save this version">
          <p className="ck-muted">Keep the plan as it is now under a name, for example after the board approves it. Saving changes nothing in the plan.</p>
          <Form method="post" className="ck-form ck-form--inline" noValidate>
            <FormError state={restoreFailure ? undefined : failure} />
            <TextField
              name="name"
              label="Version name"
              hint={`Up to ${VERSION_NAME_MAX} characters, such as “Approved by board, May 2027”.`}
              maxLength={VERSION_NAME_MAX}
              required
              state={failure}
              key={params.get("saved") ?? "form"}
            />
            <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
              Save this version
            </button>
          </Form>
        </Card>
      ) : null}

      <Card title="Versions">
        <p className="ck-muted">
          Named versions are saved by people. Daily versions are kept automatically: each day the plan changed ends with one, taken when the next day's
          first change arrives (days are UTC). The plan as it is now is always on <Link to={base}>its own page</Link>.
        </p>
        <VersionsTable versions={data.versions} versionPath={(id) => `${base}/versions/${id}`} what="the action plan" />
      </Card>

      <Card title="Who changed this plan">
        <ActivityTable activity={data.activity} what="the action plan" startedBy="Cyclekeeper (the starting template)" />
        <p className="ck-muted">Each change is one edit as the editor sends it (a few typed words, a formatting change, a restore).</p>
      </Card>
    </div>
  );
}
