// A report draft's history for its editors: saved and daily versions, saving the draft as it is now under a name, who
// changed it when, and — for a damaged draft — restoring its last good version.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormError, TextField } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { DamagedDocumentNotice } from "~/modules/plans/components/DamagedDocumentNotice";
import { ActivityTable, VersionsTable } from "~/modules/plans/components/DocumentHistory";
import { VERSION_NAME_MAX } from "~/modules/plans/plan-versions";
import { CollaborationUnavailable } from "~/modules/plans/server-changes.server";
import { ReportStateBadge } from "~/modules/reports/components/ReportBits";
import { retractedReportMessage } from "~/modules/reports/reports";
import { reportHistory, restoreLastGoodReport, saveReportVersion } from "~/modules/reports/report-versions.server";
import { Conflict } from "~/utils/errors";
import { act, load, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Draft history · ${data.report.title} · Cyclekeeper` : "Draft history · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const reportId = uuidParam(params, "reportId");
  const history = await load(() => reportHistory(context.db, user, reportId));
  return {
    ...history,
    versions: history.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
    activity: history.activity.map((a) => ({ ...a, firstAt: a.firstAt.toISOString(), lastAt: a.lastAt.toISOString() })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const reportId = uuidParam(params, "reportId");
  const form = await readForm(request);
  return act(form, async () => {
    if (form.get("intent") === "restore-last-good") {
      try {
        await restoreLastGoodReport(context.db, user, reportId, context.clientIp);
      } catch (error) {
        if (error instanceof CollaborationUnavailable) throw new Conflict(error.message);
        throw error;
      }
      throw redirect(`/reports/${reportId}?done=restored`);
    }
    // Who may save is decided before the name is looked at: a reader is refused whatever they send.
    await saveReportVersion(context.db, user, reportId, { name: form.get("name") }, context.clientIp);
    throw redirect(`/reports/${reportId}/history?saved=1`);
  });
}

export default function ReportHistory() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const base = `/reports/${data.report.id}`;
  const restoreFailure = failure?.values.intent === "restore-last-good" ? failure : undefined;
  return (
    <div className="ck-stack">
      <div className="ck-page-header">
        <div>
          <p className="ck-eyebrow">
            <Link to={base}>Back to the report</Link>
          </p>
          <h1>
            Draft history: <span lang={data.report.language}>{data.report.title}</span>
          </h1>
          <p>
            <ReportStateBadge state={data.report.state} />
          </p>
        </div>
      </div>
      {params.has("saved") && !failure ? (
        <Notice tone="success" role="status">
          Version saved. It is listed below and can be opened or restored at any time.
        </Notice>
      ) : null}
      {params.has("restored") && !failure ? (
        <Notice tone="success" role="status">
          Version restored as a new change. What the draft said just before is kept as a version too.
        </Notice>
      ) : null}
      {data.canEdit ? null : (
        <Notice tone="info" role="status">
          {retractedReportMessage}
        </Notice>
      )}
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
          <p className="ck-muted">Keep the draft as it is now under a name, for example before the board reviews it. Saving changes nothing in the draft.</p>
          <Form method="post" className="ck-form ck-form--inline" noValidate>
            <FormError state={restoreFailure ? undefined : failure} />
            <TextField
              name="name"
              label="Version name"
              hint={`Up to ${VERSION_NAME_MAX} characters, such as “Sent to the board, June 2027”.`}
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
          Named versions are saved by people. Daily versions are kept automatically: each day the draft changed ends with one, taken when the next day's
          first change arrives (days are UTC). Published versions are listed on <Link to={base}>the report's page</Link>.
        </p>
        <VersionsTable versions={data.versions} versionPath={(id) => `${base}/versions/${id}`} what="the report's draft" />
      </Card>

      <Card title="Who changed this draft">
        <ActivityTable activity={data.activity} what="the draft" startedBy="Cyclekeeper (the generated first draft)" />
      </Card>
    </div>
  );
}
