// One reflection meeting: the protocol's questions with the group's answers, shared notes edited live, findings tied to
// goals or rubric items and their evidence (added, edited and removed), and the group's decision per goal. Every form
// works without JavaScript.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { StaleEditNotice } from "~/components/ui/conflict";
import { CheckboxGroup, FormError, SelectField, TextAreaField, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { colourFor } from "~/editor/presence";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { goalDecisionLabels, goalDecisions, goalDecisionShortLabels } from "~/modules/cycles/lifecycle";
import { checkpointLabels, checkpoints, formatLongDate } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { PlanEditor } from "~/modules/plans/components/PlanEditor";
import { goalBlockSummaries } from "~/modules/plans/goal-summaries.server";
import { DamagedDocumentNotice } from "~/modules/plans/components/DamagedDocumentNotice";
import { damageNotice, readStoredDocument } from "~/modules/plans/document-versions.server";
import { planDocumentAccess } from "~/modules/plans/plan-document.server";
import { restoreLastGoodNotes } from "~/modules/plans/plan-versions.server";
import { CollaborationUnavailable } from "~/modules/plans/server-changes.server";
import {
  dataViewLinks,
  findingConflictRows,
  findingKindLabels,
  findingKinds,
  stakeholderGroupLabels,
  stakeholderGroups,
  type StakeholderGroup,
} from "~/modules/reflections/reflections";
import { answerSchema, findingEditSchema, findingSchema, meetingDecisionsSchema, meetingDetailsSchema, removeFindingSchema } from "~/modules/reflections/reflections.schema";
import { addFinding, decideInMeeting, ensureMeetingNotes, getMeeting, removeFinding, saveAnswer, updateFinding, updateMeeting } from "~/modules/reflections/reflections.server";
import { Conflict, ValidationFailed, type FieldErrors } from "~/utils/errors";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.meeting.title} · Reflection · Cyclekeeper` : "Reflection meeting · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const meetingId = uuidParam(params, "meetingId");
  const page = await load(() => getMeeting(context.db, user, cycleId, meetingId));
  const notes = await load(async () => {
    const document = await ensureMeetingNotes(context.db, user, cycleId, meetingId, context.clientIp);
    const [{ access }, goals] = await Promise.all([planDocumentAccess(context.db, user, document.id), goalBlockSummaries(context.db, user, cycleId)]);
    const byId = new Map(goals.map((goal) => [goal.id, goal]));
    const reading = await readStoredDocument(context.db, document.id, { lookupGoal: (id) => byId.get(id) });
    return {
      documentId: document.id,
      access,
      goals,
      html: reading.ok ? reading.html : "",
      damage: await damageNotice(context.db, document.id, reading, { documentLabel: `The shared notes of “${page.meeting.title}”`, historyPath: null }),
    };
  });
  return {
    heading: cycleHeading(page.cycle, user.districtName),
    closed: page.cycle.status === "closed",
    meeting: page.meeting,
    views: dataViewLinks(page.meeting.dataViews, cycleId),
    participants: page.participants,
    people: page.people,
    questions: page.questions,
    findings: page.findings,
    targets: page.targets,
    evidenceOptions: page.evidenceOptions,
    decisionGoals: page.decisionGoals,
    canEdit: page.canEdit,
    cycleVersion: page.cycleVersion,
    notes,
    presence: { id: user.id, name: user.name, color: colourFor(user.id) },
  };
}

const intent = z.enum(["details", "answer", "finding", "edit-finding", "remove-finding", "decide", "restore-last-good"]);

/**
 * A conflict means the page shows something outdated (a finding changed or removed meanwhile): load it again, though
 * an error answer would normally skip that. Typed values still win in the forms.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const meetingId = uuidParam(params, "meetingId");
  const form = await readForm(request);
  await load(async () => {
    const cycle = await getCycle(context.db, user, cycleId);
    requirePermission(user, "cycle:edit", { districtId: cycle.districtId, schoolId: cycle.schoolId });
  });
  const chosen = intent.safeParse(form.get("intent"));
  if (!chosen.success) throw new Response("Unknown action", { status: 400 });
  const here = `/cycles/${cycleId}/reflection/${meetingId}`;
  return act(form, async () => {
    switch (chosen.data) {
      case "restore-last-good": {
        const notes = await ensureMeetingNotes(context.db, user, cycleId, meetingId, context.clientIp);
        try {
          await restoreLastGoodNotes(context.db, user, notes.id, context.clientIp);
        } catch (error) {
          if (error instanceof CollaborationUnavailable) throw new Conflict(error.message);
          throw error;
        }
        throw redirect(`${here}?saved=notes-restored#notes`);
      }
      case "details": {
        await updateMeeting(context.db, user, cycleId, meetingId, parseForm(form, meetingDetailsSchema), context.clientIp);
        throw redirect(`${here}?saved=details`);
      }
      case "answer": {
        const input = parseForm(form, answerSchema);
        await saveAnswer(context.db, user, cycleId, meetingId, input, context.clientIp);
        throw redirect(`${here}?saved=answer#question-${input.questionId}`);
      }
      case "finding": {
        await addFinding(context.db, user, cycleId, meetingId, parseForm(form, findingSchema), context.clientIp);
        throw redirect(`${here}?saved=finding#findings`);
      }
      case "edit-finding": {
        const input = parseForm(form, findingEditSchema);
        await updateFinding(context.db, user, cycleId, meetingId, input, context.clientIp);
        throw redirect(`${here}?saved=finding-edited#finding-${input.findingId}`);
      }
      case "remove-finding": {
        const input = parseForm(form, removeFindingSchema);
        await removeFinding(context.db, user, cycleId, meetingId, input.findingId, input.expectedVersion, context.clientIp);
        throw redirect(`${here}?saved=removed#findings`);
      }
      case "decide": {
        const raw = Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));
        const parsed = meetingDecisionsSchema.safeParse(raw);
        if (!parsed.success) {
          // Name the goal each problem belongs to, so the message sits beside its rationale box.
          const goalIds = Object.keys(raw).filter((k) => k.startsWith("decision.")).map((k) => k.slice("decision.".length));
          const errors: FieldErrors = {};
          for (const issue of parsed.error.issues) {
            const [, index, field] = issue.path;
            const key = typeof index === "number" && goalIds[index] ? `${field === "decision" ? "decision" : "note"}.${goalIds[index]}` : "decisions";
            (errors[key] ??= []).push(issue.message);
          }
          throw new ValidationFailed(errors);
        }
        await decideInMeeting(context.db, user, cycleId, meetingId, parsed.data, context.clientIp);
        throw redirect(`${here}?saved=decisions#decisions`);
      }
    }
  });
}

const savedMessages: Record<string, string> = {
  created: "Meeting created. Answer the questions together, take notes, then record findings and decisions.",
  answer: "Answer saved.",
  finding: "Finding added.",
  "finding-edited": "Finding saved.",
  "notes-restored": "The notes were restored from their last good version. The damaged state is kept as a version too.",
  removed: "Finding removed.",
  details: "Meeting details saved.",
  decisions: "Decisions saved. They show on the year-end page and carry into next year when the district launches it.",
};

export default function ReflectionMeeting() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const saved = params.get("saved") ?? (params.has("created") ? "created" : null);
  const failed = (name: string) => (failure?.values.intent === name ? failure : undefined);
  const base = `/cycles/${data.heading.id}`;
  const editFailure = failed("edit-finding");
  // An edit of a finding removed meanwhile has no form left to show it in: the add form takes what was typed.
  const orphanEdit = editFailure && !data.findings.some((f) => f.id === editFailure.values.findingId) ? editFailure : undefined;
  const addState = orphanEdit ?? failed("finding");
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title={data.meeting.title} />
      <p>
        <Link to={`${base}/reflection`}>All reflection meetings</Link>
      </p>
      {saved && savedMessages[saved] && !failure ? (
        <Notice tone="success" role="status">
          {savedMessages[saved]}
        </Notice>
      ) : null}
      {data.closed ? <Notice tone="info">This cycle is closed: the meeting is kept as it was, read-only.</Notice> : null}

      <Card title="About the meeting">
        <dl className="ck-meeting-facts">
          <dt>Date</dt>
          <dd>{formatLongDate(data.meeting.heldOn)}</dd>
          <dt>Checkpoint</dt>
          <dd>{checkpointLabels[data.meeting.checkpoint]}</dd>
          <dt>Participants</dt>
          <dd>{data.participants.length ? data.participants.map((p) => p.name).join(", ") : <span className="ck-muted">None recorded</span>}</dd>
          <dt>Stakeholder groups</dt>
          <dd>
            {data.meeting.stakeholderGroups.length ? (
              data.meeting.stakeholderGroups.map((g) => stakeholderGroupLabels[g as StakeholderGroup] ?? g).join(", ")
            ) : (
              <span className="ck-muted">None recorded</span>
            )}
            {data.meeting.stakeholderNote ? <div>{data.meeting.stakeholderNote}</div> : null}
          </dd>
        </dl>
        {data.canEdit ? <DetailsForm data={data} failure={failed("details")} /> : null}
        {data.views.length ? (
          <>
            <h3>Data to look at</h3>
            <ul>
              {data.views.map((v) => (
                <li key={v.key}>
                  <a href={v.path}>{v.label}</a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Card>

      <Card title="Guiding questions">
        <ol className="ck-questions">
          {data.questions.map((q) => {
            const state = failure?.values.intent === "answer" && failure.values.questionId === q.id ? failure : undefined;
            const stale = state?.stale as { answer: string; version: number } | undefined;
            return (
              <li key={q.id} id={`question-${q.id}`}>
                {data.canEdit ? (
                  <Form method="post" className="ck-form" noValidate>
                    <input type="hidden" name="intent" value="answer" />
                    <input type="hidden" name="questionId" value={q.id} />
                    <input type="hidden" name="expectedVersion" value={stale ? stale.version : q.version} />
                    {stale ? (
                      <Notice tone="warning" role="alert">
                        Someone saved an answer to this question while you were writing. Theirs: “{stale.answer || "(empty)"}”. Yours is kept below; save again to replace theirs.
                      </Notice>
                    ) : (
                      <FormError state={state} />
                    )}
                    <TextAreaField name="answer" label={q.text} rows={3} state={state} defaultValue={q.answer} />
                    <div>
                      <button type="submit" className="ck-button ck-button--secondary">
                        Save answer
                      </button>
                    </div>
                  </Form>
                ) : (
                  <>
                    <p className="ck-question">{q.text}</p>
                    {q.answer ? <p className="ck-answer">{q.answer}</p> : <p className="ck-muted">Not answered.</p>}
                  </>
                )}
              </li>
            );
          })}
        </ol>
      </Card>

      <Card title="Shared notes">
        {data.notes.damage ? (
          <DamagedDocumentNotice damage={data.notes.damage} canRestore={data.notes.access === "edit"} restoreAction={`/cycles/${data.heading.id}/reflection/${data.meeting.id}`} />
        ) : (
        <PlanEditor
          documentId={data.notes.documentId}
          cycleId={data.heading.id}
          readOnly={data.notes.access !== "edit"}
          user={data.presence}
          goals={data.notes.goals}
          initialHtml={data.notes.html}
          kind="notes"
        />
        )}
      </Card>

      <section id="findings" aria-labelledby="findings-heading" className="ck-card">
        <h2 id="findings-heading">Findings</h2>
        {data.findings.length === 0 ? (
          <p className="ck-muted">No findings yet.</p>
        ) : (
          <ul className="ck-findings">
            {data.findings.map((f) => (
              <li key={f.id} id={`finding-${f.id}`} className={`ck-finding ck-finding--${f.kind}`}>
                <span className="ck-badge">{findingKindLabels[f.kind]}</span> {f.summary}
                <div className="ck-muted">
                  {f.about}
                  {f.evidence ? (
                    <>
                      {" · Evidence: "}
                      {f.evidence.kind === "view" ? (
                        <a href={f.evidence.path}>{f.evidence.label}</a>
                      ) : (
                        <Link to={`${base}/rubric/${f.evidence.itemId}`}>{f.evidence.label}</Link>
                      )}
                    </>
                  ) : null}
                </div>
                {data.canEdit ? (
                  <>
                    <Form method="post" className="ck-inline-form">
                      <input type="hidden" name="intent" value="remove-finding" />
                      <input type="hidden" name="findingId" value={f.id} />
                      <input type="hidden" name="expectedVersion" value={f.version} />
                      <button type="submit" className="ck-button ck-button--secondary">
                        Remove<span className="ck-visually-hidden"> finding: {f.summary}</span>
                      </button>
                    </Form>
                    <FindingEditForm data={data} finding={f} failure={editFailure?.values.findingId === f.id ? editFailure : undefined} />
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {data.canEdit ? (
          <Form method="post" className="ck-form" noValidate>
            <h3>Add a finding</h3>
            <input type="hidden" name="intent" value="finding" />
            <FormError state={addState} />
            <SelectField name="kind" label="Kind" state={addState} options={findingKinds.map((k) => ({ value: k, label: findingKindLabels[k] }))} />
            <TextAreaField name="summary" label="What the group found" rows={2} state={addState} />
            <SelectField name="target" label="About (a goal or rubric item)" state={addState} options={[{ value: "", label: "Choose…" }, ...data.targets]} />
            <SelectField name="evidence" label="Evidence" state={addState} options={[{ value: "", label: "Choose…" }, ...data.evidenceOptions]} />
            <TextField name="evidenceLabel" label="Evidence note (optional)" state={addState} hint="For example: grade 7, spring survey" />
            <div>
              <button type="submit" className="ck-button">
                Add finding
              </button>
            </div>
          </Form>
        ) : null}
      </section>

      <section id="decisions" aria-labelledby="decisions-heading" className="ck-card">
        <h2 id="decisions-heading">Decisions per goal</h2>
        {data.decisionGoals.length === 0 ? (
          <p className="ck-muted">This cycle has no goals of its own to decide about.</p>
        ) : data.canEdit ? (
          <DecisionForm data={data} failure={failed("decide")} />
        ) : (
          <div className="ck-table-wrap">
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">Goal</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Rationale</th>
                </tr>
              </thead>
              <tbody>
                {data.decisionGoals.map((g) => (
                  <tr key={g.id}>
                    <th scope="row">
                      <Link to={`${base}/goals/${g.id}`}>{g.title}</Link>
                    </th>
                    <td>
                      {g.decision ? goalDecisionShortLabels[g.decision] : <span className="ck-muted">Not decided yet</span>}
                      {g.decision && !g.decidedHere ? <div className="ck-muted">Decided elsewhere</div> : null}
                    </td>
                    <td>{g.decisionNote}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function FindingEditForm({
  data,
  finding,
  failure,
}: {
  data: ReturnType<typeof useLoaderData<typeof loader>>;
  finding: ReturnType<typeof useLoaderData<typeof loader>>["findings"][number];
  failure?: FormState & ActionFailure;
}) {
  const stale = failure?.stale;
  const state: FormState | undefined = failure ? { fieldErrors: failure.fieldErrors, formError: stale ? undefined : failure.formError, values: failure.values } : undefined;
  const version = typeof stale?.version === "number" ? stale.version : finding.version;
  const saved = finding.form;
  return (
    <details className="ck-details ck-finding__edit" open={failure ? true : undefined}>
      <summary>
        Edit<span className="ck-visually-hidden"> finding: {finding.summary}</span>
      </summary>
      <Form method="post" className="ck-form" noValidate key={`edit-${finding.id}-${version}`}>
        <input type="hidden" name="intent" value="edit-finding" />
        <input type="hidden" name="findingId" value={finding.id} />
        <input type="hidden" name="expectedVersion" value={version} />
        {stale ? (
          <StaleEditNotice
            message={failure?.formError ?? ""}
            stale={stale}
            rows={findingConflictRows(stale, failure?.values ?? {}, { targets: data.targets, evidenceOptions: data.evidenceOptions })}
          >
            <p>What you typed is still in the form below. Saving it now replaces their version with yours.</p>
          </StaleEditNotice>
        ) : (
          <FormError state={state} />
        )}
        <SelectField name="kind" label="Kind" state={state} defaultValue={saved.kind} options={findingKinds.map((k) => ({ value: k, label: findingKindLabels[k] }))} />
        <TextAreaField name="summary" label="What the group found" rows={2} state={state} defaultValue={saved.summary} />
        <SelectField
          name="target"
          label="About (a goal or rubric item)"
          state={state}
          defaultValue={saved.target}
          options={[{ value: "", label: "Choose…" }, ...data.targets]}
        />
        <SelectField name="evidence" label="Evidence" state={state} defaultValue={saved.evidence} options={[{ value: "", label: "Choose…" }, ...data.evidenceOptions]} />
        <TextField name="evidenceLabel" label="Evidence note (optional)" state={state} defaultValue={saved.evidenceLabel} hint="For example: grade 7, spring survey" />
        <div>
          <button type="submit" className="ck-button ck-button--secondary">
            Save finding<span className="ck-visually-hidden">: {finding.summary}</span>
          </button>
        </div>
      </Form>
    </details>
  );
}

function DecisionForm({ data, failure }: { data: ReturnType<typeof useLoaderData<typeof loader>>; failure?: FormState & ActionFailure }) {
  const chosen = (goalId: string, saved: string | null) => {
    const typed = failure?.values[`decision.${goalId}`];
    return typeof typed === "string" ? typed : saved;
  };
  return (
    <Form method="post" className="ck-form" noValidate>
      <input type="hidden" name="intent" value="decide" />
      <input type="hidden" name="expectedVersion" value={failure?.stale ? String(failure.stale.version) : data.cycleVersion} />
      {failure?.stale ? (
        <Notice tone="warning" role="alert">
          Someone changed this cycle's decisions while you were deciding. Your choices are kept below; save again to replace theirs.
        </Notice>
      ) : (
        <FormError state={failure} />
      )}
      <p>For each goal, the group's decision for next year and why. Closing the year carries each goal forward as decided here.</p>
      {data.decisionGoals.map((g) => {
        const errors = failure?.fieldErrors?.[`decision.${g.id}`];
        return (
          <fieldset key={g.id} className="ck-fieldset ck-decision" aria-describedby={errors ? `decision-${g.id}-error` : undefined}>
            <legend>{g.title}</legend>
            <p className="ck-muted">
              {g.decision ? `Saved: ${goalDecisionShortLabels[g.decision]}${g.decidedHere ? " (in this meeting)" : " (decided elsewhere)"}` : "Not decided yet"}
            </p>
            <div className="ck-choices">
              {goalDecisions.map((d) => (
                <label key={d}>
                  <input type="radio" name={`decision.${g.id}`} value={d} defaultChecked={chosen(g.id, g.decision) === d} /> {goalDecisionLabels[d]}
                </label>
              ))}
            </div>
            {errors ? (
              <p className="ck-field__error" id={`decision-${g.id}-error`}>
                {errors.join(" ")}
              </p>
            ) : null}
            <TextAreaField name={`note.${g.id}`} label="Rationale" rows={2} state={failure} defaultValue={g.decisionNote} />
          </fieldset>
        );
      })}
      <div>
        <button type="submit" className="ck-button">
          Save decisions
        </button>
      </div>
    </Form>
  );
}

function DetailsForm({ data, failure }: { data: ReturnType<typeof useLoaderData<typeof loader>>; failure?: FormState & ActionFailure }) {
  const stale = failure?.stale;
  return (
    <details className="ck-details" open={failure ? true : undefined}>
      <summary>Change the meeting's details</summary>
      <Form method="post" className="ck-form" noValidate>
        <input type="hidden" name="intent" value="details" />
        <input type="hidden" name="expectedVersion" value={stale ? String(stale.version) : data.meeting.version} />
        {stale ? (
          <Notice tone="warning" role="alert">
            Someone changed these details while you were editing. Their title: “{String(stale.title)}”, date {String(stale.heldOn)}. Your changes are kept below;
            save again to replace theirs.
          </Notice>
        ) : (
          <FormError state={failure} />
        )}
        <TextField name="title" label="Title" state={failure} defaultValue={data.meeting.title} />
        <SelectField
          name="checkpoint"
          label="Checkpoint it reflects on"
          state={failure}
          defaultValue={data.meeting.checkpoint}
          options={checkpoints.map((c) => ({ value: c, label: checkpointLabels[c] }))}
        />
        <TextField name="heldOn" type="date" label="Date" state={failure} defaultValue={data.meeting.heldOn} />
        <CheckboxGroup
          name="participantIds"
          legend="Participants from Cyclekeeper"
          state={failure}
          defaultChecked={data.participants.map((p) => p.id)}
          options={data.people.map((p) => ({ value: p.id, label: p.name }))}
        />
        <CheckboxGroup
          name="stakeholderGroups"
          legend="Stakeholder groups taking part"
          state={failure}
          defaultChecked={data.meeting.stakeholderGroups}
          options={stakeholderGroups.map((g) => ({ value: g, label: stakeholderGroupLabels[g] }))}
        />
        <TextAreaField name="stakeholderNote" label="Who came from outside Cyclekeeper (optional)" rows={2} state={failure} defaultValue={data.meeting.stakeholderNote} />
        <div>
          <button type="submit" className="ck-button ck-button--secondary">
            Save details
          </button>
        </div>
      </Form>
    </details>
  );
}
