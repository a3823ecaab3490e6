// One student: SEL, attendance, grades and behaviour over time, the notes that explain why, trusted adults, and plans
// with their weekly check-ins. Opening it writes the access log.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { FormError, SelectField, TextAreaField, TextField, takesFocus, useFocusOnFailure } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { mondayOf } from "~/modules/students/indicators";
import { PlanCard, type PlanFormFailure } from "~/modules/students/components/PlanCard";
import { SignalBadges } from "~/modules/students/components/StudentBits";
import { checkInSchema, endSchema, interventionSchema, noteSchema } from "~/modules/students/students.schema";
import {
  addCheckIn,
  addNote,
  createIntervention,
  deleteStudentRecord,
  endIntervention,
  getStudentRecord,
  setRelationship,
} from "~/modules/students/students.server";
import { failureFor } from "~/utils/form-failure";
import { act, load, parseForm, readForm } from "~/utils/http.server";
import { ValidationFailed } from "~/utils/errors";
import { uuidParam } from "~/utils/params";
import { todayFor } from "~/utils/time-zone";

export const meta: MetaFunction = () => [{ title: "Student · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const studentId = uuidParam(params, "studentId");
  return load(async () => ({ ...(await getStudentRecord(context.db, user, studentId)), today: todayFor(user) }));
}

/**
 * A conflict (a check-in for a week already recorded, a plan someone ended meanwhile) means the page shows an outdated
 * plan: load it again, though an error answer would normally skip that. Without JavaScript the page is loaded anyway.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

// Every form on the page posts here with its intent, and a plan's forms with the plan's id, so a failed answer
// (which carries what was sent) tells the page which form, on which plan, it belongs to.
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
        if (form.get("confirm") !== "on") throw new ValidationFailed({ confirm: ["Tick the box to confirm the deletion."] });
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
  const failure = useActionData<typeof action>() as PlanFormFailure | undefined;
  useFocusOnFailure(failure);
  // Each form reads only its own answer: its errors, its message and what was typed into it (plans: PlanCard).
  const noteState = failureFor(failure, "note");
  const planState = failureFor(failure, "plan");
  const deleteState = failureFor(failure, "delete");
  const [params] = useSearchParams();
  // A form sent from the page a save led to still carries ?saved=…; its failure is the news now.
  const saved = failure ? null : params.get("saved");
  const latest = weeks.at(-1);
  const thisWeek = mondayOf(today);
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
        <Form key={`note-${notes.length}`} method="post" className="ck-form" noValidate aria-label="Add a note">
          <FormError state={noteState} />
          <input type="hidden" name="intent" value="note" />
          <TextAreaField name="body" label="Add a note" hint="What explains what the data shows, e.g. works late to support family." state={noteState} />
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
          <PlanCard key={p.id} plan={p} failure={failure} thisWeek={thisWeek} today={today} />
        ))}
        <Form key={`plan-${plans.length}`} method="post" className="ck-form" noValidate aria-labelledby="new-plan">
          <h3 id="new-plan">Start a plan</h3>
          <FormError state={planState} />
          <input type="hidden" name="intent" value="plan" />
          <SelectField name="catalogId" label="Intervention" options={[{ value: "", label: "Choose…" }, ...catalog.map((c) => ({ value: c.id, label: c.name }))]} defaultValue="" state={planState} />
          <SelectField name="ownerId" label="Owner" options={[{ value: "", label: "Choose…" }, ...owners.map((o) => ({ value: o.id, label: o.name }))]} defaultValue="" state={planState} />
          <TextField name="startDate" label="Start date" type="date" defaultValue={today} state={planState} />
          <TextAreaField name="goal" label="Goal for the student" hint="What should be different, and by when?" state={planState} />
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
          <Form method="post" className="ck-form" noValidate aria-label="Delete this record">
            <input type="hidden" name="intent" value="delete" />
            <label className="ck-check">
              <input
                type="checkbox"
                name="confirm"
                autoFocus={takesFocus(deleteState, "confirm") || undefined}
                aria-invalid={deleteState?.fieldErrors?.confirm ? true : undefined}
                aria-describedby={deleteState?.fieldErrors?.confirm ? "delete-confirm-error" : undefined}
              />{" "}
              Yes, delete {student.name}'s record for good
            </label>
            {deleteState?.fieldErrors?.confirm ? (
              <p className="ck-field__error" id="delete-confirm-error">
                {deleteState.fieldErrors.confirm.join(" ")}
              </p>
            ) : null}
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
