// One stakeholder report: its draft co-edited live, the workflow (review, publish, retract), published versions with
// their public addresses, language versions, reviewers and comments. Readers see it all without edit controls.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { documentHTML } from "~/editor/document";
import { colourFor } from "~/editor/presence";
import { roleLabels } from "~/modules/people/permissions";
import { requireUser } from "~/modules/people/auth.server";
import { PlanEditor } from "~/modules/plans/components/PlanEditor";
import { DataBlockLanguage } from "~/modules/reports/components/DataBlockView";
import { PublishingCheck, studentsNamedOf } from "~/modules/reports/components/PublishingCheck";
import { ReportStateBadge, reportLine } from "~/modules/reports/components/ReportBits";
import { languageLabel, publicReportPath, reportLanguageCodes, reportLanguages } from "~/modules/reports/reports";
import { commentIdSchema, commentSchema, languageVersionSchema, publishSchema, retractSchema, reviewerSchema, transitionSchema } from "~/modules/reports/reports.schema";
import {
  addComment,
  addLanguageVersion,
  addReviewer,
  authorizeReportAction,
  getReportPage,
  publishReport,
  removeReviewer,
  resolveComment,
  retractReport,
  returnToDraft,
  submitForReview,
} from "~/modules/reports/reports.server";
import { restoreLastGoodReport } from "~/modules/reports/report-versions.server";
import { CollaborationUnavailable } from "~/modules/plans/server-changes.server";
import { DamagedDocumentNotice } from "~/modules/plans/components/DamagedDocumentNotice";
import { Conflict } from "~/utils/errors";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.report.title} · Reports · Cyclekeeper` : "Report · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const reportId = uuidParam(params, "reportId");
  const page = await load(() => getReportPage(context.db, user, reportId));
  const { content, goals, ...rest } = page;
  const byId = new Map((goals ?? []).map((goal) => [goal.id, goal]));
  return {
    ...rest,
    goals: goals ?? [],
    goalsHidden: goals === null,
    html: content ? documentHTML(content, { lookupGoal: (id) => byId.get(id), goalsHidden: goals === null }) : "",
    presence: { id: user.id, name: user.name, color: colourFor(user.id) },
  };
}

const intents = z.enum(["submit", "return", "publish", "retract", "add-reviewer", "remove-reviewer", "comment", "resolve", "add-language", "restore-last-good"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const reportId = uuidParam(params, "reportId");
  const form = await readForm(request);
  const chosen = intents.safeParse(form.get("intent"));
  if (!chosen.success) throw new Response("Unknown action", { status: 400 });
  const db = context.db;
  const ip = context.clientIp;
  const back = (notice: string) => redirect(`/reports/${reportId}?done=${notice}`);
  const needs = chosen.data === "publish" || chosen.data === "retract" ? "publish" : chosen.data === "comment" ? "comment" : "edit";
  await load(() => authorizeReportAction(db, user, reportId, needs));
  return act(form, async () => {
    switch (chosen.data) {
      case "submit":
        await submitForReview(db, user, reportId, parseForm(form, transitionSchema), ip);
        throw back("submitted");
      case "return":
        await returnToDraft(db, user, reportId, parseForm(form, transitionSchema), ip);
        throw back("returned");
      case "publish":
        await publishReport(db, user, reportId, parseForm(form, publishSchema), ip);
        throw back("published");
      case "retract":
        await retractReport(db, user, reportId, parseForm(form, retractSchema), ip);
        throw back("retracted");
      case "add-reviewer":
        await addReviewer(db, user, reportId, parseForm(form, reviewerSchema).userId, ip);
        throw back("reviewer-added");
      case "remove-reviewer":
        await removeReviewer(db, user, reportId, parseForm(form, reviewerSchema).userId, ip);
        throw back("reviewer-removed");
      case "comment":
        await addComment(db, user, reportId, parseForm(form, commentSchema), ip);
        throw back("commented");
      case "resolve":
        await resolveComment(db, user, reportId, parseForm(form, commentIdSchema).commentId, ip);
        throw back("resolved");
      case "restore-last-good":
        try {
          await restoreLastGoodReport(db, user, reportId, ip);
        } catch (error) {
          if (error instanceof CollaborationUnavailable) throw new Conflict(error.message);
          throw error;
        }
        throw back("restored");
      case "add-language": {
        const created = await addLanguageVersion(db, user, reportId, parseForm(form, languageVersionSchema), ip);
        throw redirect(`/reports/${created.id}?created=1`);
      }
    }
  });
}

const notices: Record<string, string> = {
  created: "The report was created from the cycle's data. Edit it with your team, then submit it for review.",
  submitted: "Submitted for review: board members and the named reviewers can now read it and comment.",
  returned: "The report is a draft again; only its authors read it.",
  published: "Published. The public page now shows this version.",
  retracted: "The report was retracted. Its public pages say so, with your reason.",
  "reviewer-added": "Reviewer added.",
  "reviewer-removed": "Reviewer removed.",
  commented: "Your comment was added.",
  resolved: "Comment marked resolved.",
  restored: "The draft was restored from its last good version. The damaged state is kept in its history as “Before restoring …”.",
};

function formatDateTime(value: string | Date) {
  return new Date(value).toLocaleString("en-US", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }) + " UTC";
}

function StepForm({ intent, version, label, secondary }: { intent: string; version: number; label: string; secondary?: boolean }) {
  return (
    <Form method="post" className="ck-inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="expectedVersion" value={version} />
      <button type="submit" className={secondary ? "ck-button ck-button--secondary" : "ck-button"}>
        {label}
      </button>
    </Form>
  );
}

const stateExplanations = {
  draft: "A draft: only its authors (and the district SEL lead) can read it.",
  in_review: "In review: board members and the named reviewers can read it and comment. The lead publishes it.",
  published: "Published. The draft stays editable; publishing again makes a new version and keeps the earlier ones.",
  retracted: "Retracted: it is no longer offered to readers, and it can no longer be edited.",
} as const;

export default function ReportPage() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [search] = useSearchParams();
  const done = search.get("created") ? "created" : search.get("done");
  const failed = (intent: string) => (failure?.values.intent === intent ? failure : undefined);
  const { report, abilities } = data;
  const stepFailure = failure && ["submit", "return", "publish"].includes(String(failure.values.intent)) ? failure : undefined;
  const studentsNamed = studentsNamedOf(stepFailure);
  const current = data.versions.find((v) => !v.supersededAt) ?? data.versions[0];
  return (
    <div className="ck-stack">
      <div className="ck-page-header">
        <div>
          <p className="ck-eyebrow">
            <Link to={`/cycles/${data.cycle.id}/reports`}>
              {data.cycle.organisation} · {data.cycle.yearLabel} cycle
            </Link>
          </p>
          <h1 lang={report.language}>{report.title}</h1>
          <p>
            <ReportStateBadge state={report.state} /> <span className="ck-muted">{reportLine(report)}</span>
          </p>
        </div>
      </div>
      {done && notices[done] ? (
        <Notice tone="success" role="status">
          {notices[done]}
        </Notice>
      ) : null}

      <Card title="State and next steps">
        <p>{stateExplanations[report.state]}</p>
        {studentsNamed ? null : <FormError state={stepFailure} />}
        {abilities.submit || abilities.return || abilities.publishNow ? (
          <div className="ck-actions">
            {abilities.submit ? <StepForm intent="submit" version={report.version} label="Submit for review" /> : null}
            {abilities.publishNow ? <StepForm intent="publish" version={report.version} label={data.versions.length ? "Publish a new version" : "Publish"} /> : null}
            {abilities.return ? <StepForm intent="return" version={report.version} label="Back to draft" secondary /> : null}
          </div>
        ) : null}
        {studentsNamed && abilities.publishNow ? <PublishingCheck detail={studentsNamed} message={stepFailure?.fieldErrors.form?.join(" ") ?? ""} version={report.version} /> : null}
        {abilities.retract ? (
          <details className="ck-details">
            <summary>Retract this report</summary>
            <Form method="post" className="ck-form" noValidate>
              <input type="hidden" name="intent" value="retract" />
              <input type="hidden" name="expectedVersion" value={report.version} />
              <FormError state={failed("retract")} />
              <TextAreaField
                name="reason"
                label="Why it is retracted"
                rows={2}
                state={failed("retract")}
                hint="Readers of the public page see this reason. Retracting cannot be undone."
              />
              <div>
                <button type="submit" className="ck-button ck-button--danger">
                  Retract report
                </button>
              </div>
            </Form>
          </details>
        ) : null}
      </Card>

      <Card title="Published versions">
        {data.versions.length === 0 ? (
          <p className="ck-muted">Not published yet.</p>
        ) : (
          <>
            {data.draftChanged !== null && report.state !== "retracted" ? (
              <p>
                {data.draftChanged
                  ? `The draft has changed since version ${current.versionNumber} was published.`
                  : `The draft is the same as version ${current.versionNumber}.`}
              </p>
            ) : null}
            <ul className="ck-list">
              {data.versions.map((v) => (
                <li key={v.id}>
                  <a href={publicReportPath(data.districtSlug, v.slug, v.versionNumber)}>Version {v.versionNumber}</a>{" "}
                  {v.retractedAt ? (
                    <span className="ck-badge ck-badge--danger">Retracted</span>
                  ) : v.supersededAt ? (
                    <span className="ck-badge ck-badge--muted">Superseded</span>
                  ) : (
                    <span className="ck-badge">Current</span>
                  )}{" "}
                  <span className="ck-muted">
                    · published {formatDateTime(v.publishedAt)}
                    {v.publishedBy ? ` by ${v.publishedBy}` : ""}
                    {v.retractReason ? ` · retracted: ${v.retractReason}` : ""}
                  </span>
                </li>
              ))}
            </ul>
            {report.state === "published" ? (
              <p>
                Public address: <a href={publicReportPath(data.districtSlug, report.slug)}>{publicReportPath(data.districtSlug, report.slug)}</a>
              </p>
            ) : null}
          </>
        )}
      </Card>

      <section aria-labelledby="report-draft-heading" className="ck-stack">
        <h2 id="report-draft-heading">Draft</h2>
        {abilities.manage ? (
          <p>
            <Link to={`/reports/${report.id}/history`}>Versions of the draft</Link>
          </p>
        ) : null}
        {data.damage ? (
          <DamagedDocumentNotice
            damage={data.damage}
            canRestore={abilities.edit}
            restoreAction={`/reports/${report.id}`}
            versionPath={(id) => `/reports/${report.id}/versions/${id}`}
            error={failed("restore-last-good")?.formError}
          />
        ) : (
        <div lang={report.language}>
          <DataBlockLanguage.Provider value={report.language}>
            <PlanEditor
              documentId={report.documentId}
              cycleId={data.cycle.id}
              readOnly={!abilities.edit}
              user={data.presence}
              goals={data.goals}
              goalsHidden={data.goalsHidden}
              initialHtml={data.html}
              kind="report"
            />
          </DataBlockLanguage.Provider>
        </div>
        )}
      </section>

      <Card title="Language versions">
        {data.languageVersions.length === 0 ? (
          <p className="ck-muted">Only in {languageLabel(report.language).split(" (")[0]} so far.</p>
        ) : (
          <ul className="ck-list">
            {data.languageVersions.map((v) => (
              <li key={v.id}>
                <Link to={`/reports/${v.id}`} lang={v.language} hrefLang={v.language}>
                  {v.title}
                </Link>{" "}
                <span className="ck-muted">({languageLabel(v.language)})</span> <ReportStateBadge state={v.state} />
              </li>
            ))}
          </ul>
        )}
        {abilities.manage && report.state !== "retracted" ? (
          <Form method="post" className="ck-form" noValidate>
            <input type="hidden" name="intent" value="add-language" />
            <FormError state={failed("add-language")} />
            <SelectField
              name="language"
              label="Add a language version"
              hint="The team writes it; it starts from the cycle's data in that language and is published with its own address."
              state={failed("add-language")}
              defaultValue="es"
              options={reportLanguageCodes.filter((c) => c !== report.language && !data.languageVersions.some((v) => v.language === c)).map((c) => ({ value: c, label: reportLanguages[c] }))}
            />
            <TextField name="title" label="Title in that language (optional)" state={failed("add-language")} maxLength={160} />
            <TextField name="slug" label="Public address (optional)" state={failed("add-language")} hint={`Left empty: ${report.slug}-<language code>.`} maxLength={80} />
            <div>
              <button type="submit" className="ck-button ck-button--secondary">
                Add language version
              </button>
            </div>
          </Form>
        ) : null}
      </Card>

      <Card title="Reviewers">
        <p className="ck-muted">Named reviewers, like board members, read the report and comment once it is in review.</p>
        {data.reviewers.length === 0 ? (
          <p>No named reviewers.</p>
        ) : (
          <ul className="ck-list">
            {data.reviewers.map((r) => (
              <li key={r.userId}>
                {r.name} <span className="ck-muted">· {roleLabels[r.role]}</span>
                {abilities.manage ? (
                  <Form method="post" className="ck-inline-form">
                    <input type="hidden" name="intent" value="remove-reviewer" />
                    <input type="hidden" name="userId" value={r.userId} />
                    <button type="submit" className="ck-button ck-button--secondary" aria-label={`Remove ${r.name} as reviewer`}>
                      Remove
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {abilities.manage && data.candidates.length > 0 ? (
          <Form method="post" className="ck-form" noValidate>
            <input type="hidden" name="intent" value="add-reviewer" />
            <FormError state={failed("add-reviewer")} />
            <SelectField
              name="userId"
              label="Name a reviewer"
              state={failed("add-reviewer")}
              options={data.candidates.map((c) => ({ value: c.id, label: `${c.name} (${roleLabels[c.role]}, ${c.email})` }))}
            />
            <div>
              <button type="submit" className="ck-button ck-button--secondary">
                Add reviewer
              </button>
            </div>
          </Form>
        ) : null}
      </Card>

      <Card title="Comments">
        {data.comments.length === 0 ? (
          <p className="ck-muted">No comments yet.</p>
        ) : (
          <ol className="ck-comments">
            {data.comments.map((c) => (
              <li key={c.id} className={c.resolvedAt ? "ck-comment ck-comment--resolved" : "ck-comment"}>
                <p className="ck-muted">
                  <strong>{c.author ?? "Former user"}</strong> · {formatDateTime(c.createdAt)}
                  {c.resolvedAt ? (
                    <>
                      {" "}
                      <span className="ck-badge ck-badge--muted">Resolved</span>
                    </>
                  ) : null}
                </p>
                {c.quote ? <blockquote>{c.quote}</blockquote> : null}
                <p className="ck-comment__body">{c.body}</p>
                {abilities.resolve && !c.resolvedAt ? (
                  <Form method="post" className="ck-inline-form">
                    <input type="hidden" name="intent" value="resolve" />
                    <input type="hidden" name="commentId" value={c.id} />
                    <button type="submit" className="ck-button ck-button--secondary">
                      Mark resolved
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {abilities.comment ? (
          <Form method="post" className="ck-form" noValidate>
            <input type="hidden" name="intent" value="comment" />
            <FormError state={failed("comment")} />
            <TextAreaField name="body" label="Your comment" rows={3} state={failed("comment")} />
            <TextField name="quote" label="Passage it is about (optional)" state={failed("comment")} hint="Copy a few words from the report so the authors find the place." />
            <div>
              <button type="submit" className="ck-button">
                Add comment
              </button>
            </div>
          </Form>
        ) : null}
      </Card>
    </div>
  );
}
