// One past version of a report's draft, read-only as it was, and restoring it (after a confirmation that needs no
// JavaScript, carrying the report's version so a step taken meanwhile is noticed).
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Card, Notice } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { dayLabel } from "~/modules/plans/plan-versions";
import { CollaborationUnavailable } from "~/modules/plans/server-changes.server";
import { getReportVersion, restoreReportVersion } from "~/modules/reports/report-versions.server";
import { retractedReportMessage } from "~/modules/reports/reports";
import { Conflict } from "~/utils/errors";
import { act, load, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.version.title} · Draft history · Cyclekeeper` : "Draft version · Cyclekeeper" }];

const moment = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const reportId = uuidParam(params, "reportId");
  const versionId = uuidParam(params, "versionId");
  const found = await load(() => getReportVersion(context.db, user, reportId, versionId));
  return { ...found, version: { ...found.version, createdAt: found.version.createdAt.toISOString() } };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const reportId = uuidParam(params, "reportId");
  const versionId = uuidParam(params, "versionId");
  const form = await readForm(request);
  return act(form, async () => {
    try {
      await restoreReportVersion(context.db, user, reportId, versionId, form.get("expectedVersion"), context.clientIp);
    } catch (error) {
      // The server could not take the change now (shutting down, reloading the document): nothing was changed.
      if (error instanceof CollaborationUnavailable) throw new Conflict(error.message);
      throw error;
    }
    throw redirect(`/reports/${reportId}/history?restored=1`);
  });
}

export default function ReportVersion() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const base = `/reports/${data.report.id}`;
  const confirming = params.get("restore") === "confirm" || Boolean(failure);
  const { version } = data;
  const saved = `${moment.format(new Date(version.createdAt))} UTC`;
  return (
    <div className="ck-stack">
      <div className="ck-page-header">
        <div>
          <p className="ck-eyebrow">
            <Link to={`${base}/history`}>Back to the draft's history</Link> · <Link to={base}>The report as it is now</Link>
          </p>
          <h1>Past version: {version.title}</h1>
        </div>
      </div>
      <Notice tone="warning">
        <strong>This is a past version of the draft of “{data.report.title}”, shown read-only.</strong>{" "}
        {version.kind === "named"
          ? `Saved as “${version.title}” by ${version.createdBy ?? "a former member"} on ${saved}.`
          : `How the draft read at the end of ${dayLabel(version.day ?? "")} (UTC), kept automatically.`}{" "}
        Figures and goals show as they are today; published versions keep theirs.
      </Notice>
      {data.canEdit ? null : <Notice tone="info">{retractedReportMessage}</Notice>}
      {data.damage ? (
        <Notice tone="error">
          <strong>This version is damaged, so it is not shown and cannot be restored:</strong> {data.damage}. It is kept so that nothing is lost;
          restore another version from <Link to={`${base}/history`}>the draft's history</Link>.
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
              The draft will read as this version does, for everyone editing it now. This is a new change: what the draft says now is first kept as a
              version named “Before restoring …”, so nothing is lost. Published versions are not touched.
            </p>
            <Form method="post" className="ck-actions">
              <input type="hidden" name="intent" value="restore" />
              <input type="hidden" name="expectedVersion" value={data.report.version} />
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
        <article className="ck-card ck-document" lang={data.report.language} aria-label={`Draft: ${version.title}`} dangerouslySetInnerHTML={{ __html: data.html }} />
      )}
    </div>
  );
}
