// One student: SEL, attendance, grades and behaviour over time, the notes that explain why, trusted adults, and plans
// with their weekly check-ins. Opening it writes the access log.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormError, SelectField, TextAreaField, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { mondayOf } from "~/modules/students/indicators";
import { SignalBadges } from "~/modules/students/components/StudentBits";
import { checkInSchema, endSchema, interventionSchema, noteSchema, outcomeLabels, ratingLabels } from "~/modules/students/students.schema";
import {
  addCheckIn,
  addNote,
  createIntervention,
  deleteStudentRecord,
  endIntervention,
  getStudentRecord,
  setRelationship,
} from "~/modules/students/students.server";
import { act, load, parseForm, readForm } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction = () => [{ title: "Student · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const studentId = uuidParam(params, "studentId");
  return load(async () => ({ ...(await getStudentRecord(context.db, user, studentId)), today: new Date().toISOString().slice(0, 10) }));
}

const intentSchema = z.enum(["note", "mark", "unmark", "plan", "check-in", "end", "delete"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const studentId = uuidParam(params, "studentId");
  const form = await readForm(request);
  return act(form, async () => {
    const intent = intentSchema.safeParse(form.get("intent"));
    if (!intent.success) throw new Response("Unknown action", { status: 400 });
    const ip = context.clientIp;
    const back = (saved: string, anchor = "") => redirect(`/students/${studentId}?saved=${saved}${anchor}`);
    switch (intent.data) {
      case "note":
        await addNote(context.db, user, studentId, parseForm(form, noteSchema), ip);
        throw back("note", "#notes");
      case "mark":
      case "unmark":
        await setRelationship(context.db, user, studentId, intent.data === "mark", ip);
        throw back("relationship", "#adults");
      case "plan": {
        const plan = await createIntervention(context.db, user, studentId, parseForm(form, interventionSchema), ip);
        throw back("plan", `#plan-${plan.id}`);
      }
      case "check-in":
      case "end": {
        const planId = z.uuid().safeParse(form.get("planId"));
        if (!planId.success) throw new Response("Not found", { status: 404 });
        if (intent.data === "check-in") await addCheckIn(context.db, user, studentId, planId.data, parseForm(form, checkInSchema), ip);
        else await endIntervention(context.db, user, studentId, planId.data, parseForm(form, endSchema), ip);
        throw back(intent.data, `#plan-${planId.data}`);
      }
      case "delete": {
        if (form.get("confirm") !== "on") return { ok: false as const, fieldErrors: { confirm: ["Tick the box to confirm the deletion."] }, values: {} };
        await deleteStudentRecord(context.db, user, studentId, ip);
        throw redirect("/students?deleted=1");
      }
    }
  });
}

const messages: Record<string, string> = {
  note: "Note added.",
  relationship: "Relationship updated.",
  plan: "Plan started.",
  "check-in": "Check-in recorded.",
  end: "Plan ended.",
};

const pct = (n: number | null) => (n === null ? "–" : `${n.toFixed(1)} %`);

export default function StudentPage() {
  const { student, weeks, notes, plans, adults, markedByMe, owners, catalog, canDelete, today } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const latest = weeks.at(-1);
  const thisWeek = mondayOf(today);
  const ratingOptions = [{ value: "", label: "Choose…" }, ...[1, 2, 3, 4].map((r) => ({ value: String(r), label: `${r} — ${ratingLabels[r]}` }))];
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow={`${student.schoolName} · Grade ${student.grade}`}
        title={student.name}
        description="Private student record: every view and export is logged."
        actions={
          <div className="ck-actions">
            <Link to={`/students/schools/${student.schoolId}`}>Weekly meeting</Link>
            <a href={`/students/${student.id}/export`} download>
              Export record (CSV)
            </a>
          </div>
        }
      />
      {saved && messages[saved] ? (
        <Notice tone="success" role="status">
          {messages[saved]}
        </Notice>
      ) : null}
      <Card title="This week">
        {latest ? (
          <>
            <p>
              Week of {latest.weekOf}: <SignalBadges signals={latest.signals} />
            </p>
            {student.groups.length ? <p className="ck-muted">Groups: {student.groups.map((g) => g.replace(/-/g, " ")).join(", ")}</p> : null}
          </>
        ) : (
          <p className="ck-muted">No indicators imported yet.</p>
        )}
      </Card>
      <section className="ck-card" aria-labelledby="over-time">
        <h2 id="over-time">SEL, attendance, grades and behaviour over time</h2>
        <div className="ck-table-wrap" tabIndex={0} role="region" aria-label="Weekly indicators">
          <table className="ck-table" id="weeks">
            <caption className="ck-visually-hidden">Weekly indicators, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col">Absent so far</th>
                <th scope="col">Courses failing</th>
                <th scope="col">Incidents</th>
                <th scope="col">SEL score</th>
                <th scope="col">Trusted adult</th>
                <th scope="col">Signals</th>
              </tr>
            </thead>
            <tbody>
              {weeks.map((w) => (
                <tr key={w.weekOf}>
                  <th scope="row">{w.weekOf}</th>
                  <td>
                    {pct(w.absencePct)} <span className="ck-muted">({w.daysAbsent} of {w.daysEnrolled} days)</span>
                  </td>
                  <td>{w.coursesFailing}</td>
                  <td>{w.behaviourIncidents}</td>
                  <td>{w.selScore === null ? "–" : w.selScore.toFixed(1)}</td>
                  <td>{w.trustedAdult === null ? "–" : w.trustedAdult ? "Yes" : "No"}</td>
                  <td>
                    <SignalBadges signals={w.signals} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="ck-card" id="notes" aria-labelledby="notes-title">
        <h2 id="notes-title">Notes: the why behind the numbers</h2>
        {notes.length ? (
          <ul className="ck-list">
            {notes.map((n) => (
              <li key={n.id}>
                <p className="ck-note">{n.body}</p>
                <span className="ck-muted">
                  {n.author ?? "Someone"} · {new Date(n.createdAt).toISOString().slice(0, 10)}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="ck-muted">No notes yet.</p>
        )}
        <Form method="post" className="ck-form" noValidate>
          <input type="hidden" name="intent" value="note" />
          <TextAreaField name="body" label="Add a note" hint="What explains what the data shows, e.g. works late to support family." state={state} />
          <div>
            <button type="submit" className="ck-button ck-button--secondary">
              Add note
            </button>
          </div>
        </Form>
      </section>
      <section className="ck-card" id="adults" aria-labelledby="adults-title">
        <h2 id="adults-title">Adults with a strong relationship</h2>
        {adults.length ? <p>{adults.map((a) => a.name).join(", ")}</p> : <p className="ck-muted">No adult has named a strong relationship with {student.givenName} yet.</p>}
        <Form method="post">
          <input type="hidden" name="intent" value={markedByMe ? "unmark" : "mark"} />
          <button type="submit" className="ck-button ck-button--secondary">
            {markedByMe ? "I no longer have a strong relationship" : `I have a strong relationship with ${student.givenName}`}
          </button>
        </Form>
      </section>
      <section className="ck-card" aria-labelledby="plans-title">
        <h2 id="plans-title">Intervention plans</h2>
        {plans.length === 0 ? <p className="ck-muted">No plans yet.</p> : null}
        {plans.map((p) => (
          <article key={p.id} id={`plan-${p.id}`} className="ck-plan-card" aria-labelledby={`plan-title-${p.id}`}>
            <h3 id={`plan-title-${p.id}`}>
              {p.name} {p.endDate ? <span className="ck-badge ck-badge--muted">Ended</span> : <span className="ck-badge">Open</span>}
            </h3>
            <dl className="ck-dl">
              <dt>Goal</dt>
              <dd>{p.goal}</dd>
              <dt>Owner</dt>
              <dd>{p.ownerName ?? "–"}</dd>
              <dt>Started</dt>
              <dd>{p.startDate}</dd>
              {p.endDate ? (
                <>
                  <dt>Ended</dt>
                  <dd>
                    {p.endDate}: {p.outcome ? outcomeLabels[p.outcome] : ""}
                    {p.outcomeNote ? ` — ${p.outcomeNote}` : ""}
                  </dd>
                </>
              ) : null}
            </dl>
            {p.checkIns.length ? (
              <table className="ck-table">
                <caption>Weekly check-ins</caption>
                <thead>
                  <tr>
                    <th scope="col">Week of</th>
                    <th scope="col">Progress</th>
                    <th scope="col">Note</th>
                  </tr>
                </thead>
                <tbody>
                  {p.checkIns.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">{c.weekOf}</th>
                      <td>{ratingLabels[c.rating]}</td>
                      <td>{c.note}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="ck-muted">No check-ins yet.</p>
            )}
            {!p.endDate ? (
              <div className="ck-grid">
                <Form method="post" className="ck-form" noValidate aria-label={`Check in on ${p.name}`}>
                  <h4>Weekly check-in</h4>
                  <input type="hidden" name="intent" value="check-in" />
                  <input type="hidden" name="planId" value={p.id} />
                  <TextField name="weekOf" label="Week of" type="date" defaultValue={thisWeek} state={state} />
                  <SelectField name="rating" label="Progress" options={ratingOptions} defaultValue="" state={state} />
                  <TextAreaField name="note" label="Check-in note" state={state} rows={2} />
                  <div>
                    <button type="submit" className="ck-button">
                      Record check-in
                    </button>
                  </div>
                </Form>
                <Form method="post" className="ck-form" noValidate aria-label={`End ${p.name}`}>
                  <h4>End the plan</h4>
                  <input type="hidden" name="intent" value="end" />
                  <input type="hidden" name="planId" value={p.id} />
                  <input type="hidden" name="expectedVersion" value={p.version} />
                  <TextField name="endDate" label="End date" type="date" defaultValue={today} state={state} />
                  <SelectField
                    name="outcome"
                    label="Outcome"
                    options={[{ value: "", label: "Choose…" }, ...Object.entries(outcomeLabels).map(([value, label]) => ({ value, label }))]}
                    defaultValue=""
                    state={state}
                  />
                  <TextAreaField name="outcomeNote" label="Outcome note" state={state} rows={2} />
                  <div>
                    <button type="submit" className="ck-button ck-button--secondary">
                      End plan
                    </button>
                  </div>
                </Form>
              </div>
            ) : null}
          </article>
        ))}
        <Form method="post" className="ck-form" noValidate aria-labelledby="new-plan">
          <h3 id="new-plan">Start a plan</h3>
          <FormError state={state} />
          <input type="hidden" name="intent" value="plan" />
          <SelectField name="catalogId" label="Intervention" options={[{ value: "", label: "Choose…" }, ...catalog.map((c) => ({ value: c.id, label: c.name }))]} defaultValue="" state={state} />
          <SelectField name="ownerId" label="Owner" options={[{ value: "", label: "Choose…" }, ...owners.map((o) => ({ value: o.id, label: o.name }))]} defaultValue="" state={state} />
          <TextField name="startDate" label="Start date" type="date" defaultValue={today} state={state} />
          <TextAreaField name="goal" label="Goal for the student" hint="What should be different, and by when?" state={state} />
          <div>
            <button type="submit" className="ck-button">
              Start plan
            </button>
          </div>
        </Form>
      </section>
      {canDelete ? (
        <Card title="Delete this record">
          <p className="ck-muted">On a family's request: deletes the student, their indicators, notes, plans and relationships. The access log keeps an opaque reference only.</p>
          <Form method="post" className="ck-form" noValidate>
            <input type="hidden" name="intent" value="delete" />
            <label className="ck-check">
              <input type="checkbox" name="confirm" /> Yes, delete {student.name}'s record for good
            </label>
            {state?.fieldErrors?.confirm ? <p className="ck-field__error">{state.fieldErrors.confirm.join(" ")}</p> : null}
            <div>
              <button type="submit" className="ck-button ck-button--danger">
                Delete record
              </button>
            </div>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}
