// One past version of a plan, read-only as it was, and restoring it (after a confirmation that needs no JavaScript).
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { requireUser } from "~/modules/people/auth.server";
import { dayLabel } from "~/modules/plans/plan-versions";
import { closedPlanMessage, getPlanVersion, restorePlanVersion } from "~/modules/plans/plan-versions.server";
import { CollaborationUnavailable } from "~/modules/plans/server-changes.server";
import { Conflict } from "~/utils/errors";
import { act, load, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.version.title} · Action plan history · Cyclekeeper` : "Plan version · Cyclekeeper" }];

const moment = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const versionId = uuidParam(params, "versionId");
  const found = await load(() => getPlanVersion(context.db, user, cycleId, versionId));
  return {
    heading: found.heading,
    canEdit: found.access === "edit",
    closedMessage: found.closed ? closedPlanMessage : null,
    version: { ...found.version, createdAt: found.version.createdAt.toISOString() },
    html: found.html,
    damage: found.damage,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const versionId = uuidParam(params, "versionId");
  const form = await readForm(request);
  return act(form, async () => {
    try {
      await restorePlanVersion(context.db, user, cycleId, versionId, context.clientIp);
    } catch (error) {
      // The server could not take the change now (shutting down, reloading the document): nothing was changed.
      if (error instanceof CollaborationUnavailable) throw new Conflict(error.message);
      throw error;
    }
    throw redirect(`/cycles/${cycleId}/plan/history?restored=1`);
  });
}

export default function PlanVersion() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const base = `/cycles/${data.heading.id}/plan`;
  const confirming = params.get("restore") === "confirm" || Boolean(failure);
  const { version } = data;
  const saved = `${moment.format(new Date(version.createdAt))} UTC`;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title={`Past version: ${version.title}`} />
      <p>
        <Link to={`${base}/history`}>Back to the plan's history</Link> · <Link to={base}>The plan as it is now</Link>
      </p>
      <Notice tone="warning">
        <strong>This is a past version of the action plan, shown read-only.</strong>{" "}
        {version.kind === "named" ? `Saved as “${version.title}” by ${version.createdBy ?? "a former member"} on ${saved}.` : `How the plan read at the end of ${dayLabel(version.day ?? "")} (UTC), kept automatically.`}{" "}
        Goal titles and statuses are shown as they are today.
      </Notice>

      {data.closedMessage ? <Notice tone="info">{data.closedMessage}</Notice> : null}

      {data.damage ? (
        <Notice tone="error">
          <strong>This version is damaged, so it is not shown and cannot be restored:</strong> {data.damage}. It is kept so that nothing is lost;
          restore another version from <Link to={`${base}/history`}>the plan's history</Link>.
        </Notice>
      ) : null}

      {data.canEdit && !data.damage ? (
        confirming ? (
          <Card title="Restore this version?">
            {failure?.formError ? (
              <Notice tone="error" role="alert">
                {failure.formError}
              </Notice>
            ) : null}
            <p>
              The plan will read as this version does, for everyone editing it now. This is a new change: what the plan says now is first kept as a
              version named “Before restoring …”, so nothing is lost.
            </p>
            <Form method="post" className="ck-actions">
              <input type="hidden" name="intent" value="restore" />
              <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
                Yes, restore this version
              </button>
              <Link to="." className="ck-button ck-button--secondary">
                Cancel
              </Link>
            </Form>
          </Card>
        ) : (
          <p>
            <Link to="?restore=confirm" className="ck-button ck-button--secondary">
              Restore this version…
            </Link>
          </p>
        )
      ) : null}

      {data.html === null ? null : (
        <article className="ck-card ck-document" aria-label={`Action plan: ${version.title}`} dangerouslySetInnerHTML={{ __html: data.html }} />
      )}
    </div>
  );
}
