// One intervention plan on the student page: what it is for, its weekly check-ins, and, while it is open, the forms to
// check in and to end it. A failed check-in or ending shows here only, on the plan it was sent for.
import { Form } from "@remix-run/react";
import { StaleEditNotice } from "~/components/ui/conflict";
import { FormError, SelectField, TextAreaField, TextField, type FormState } from "~/components/ui/form";
import { failureFor, type SentForm } from "~/utils/form-failure";
import { planEndConflictRows } from "../interventions";
import { outcomeLabels, ratingLabels } from "../students.schema";

export interface PlanView {
  id: string;
  name: string;
  goal: string;
  ownerName: string | null;
  startDate: string;
  endDate: string | null;
  outcome: keyof typeof outcomeLabels | null;
  outcomeNote: string;
  version: number;
  checkIns: { id: string; weekOf: string; rating: number; note: string }[];
}

/** What the student page's action answers when a form fails (ActionFailure, as the browser receives it). */
export type PlanFormFailure = SentForm & FormState & { stale?: Record<string, unknown> };

const ratingOptions = [{ value: "", label: "Choose…" }, ...[1, 2, 3, 4].map((r) => ({ value: String(r), label: `${r} — ${ratingLabels[r]}` }))];
const outcomeOptions = [{ value: "", label: "Choose…" }, ...Object.entries(outcomeLabels).map(([value, label]) => ({ value, label }))];

export function PlanCard({ plan: p, failure, thisWeek, today }: { plan: PlanView; failure: PlanFormFailure | undefined; thisWeek: string; today: string }) {
  const checkIn = failureFor(failure, "check-in", { planId: p.id });
  const end = failureFor(failure, "end", { planId: p.id });
  const sent = checkIn ?? end;
  const stale = end?.stale;
  const conflictRows = end && stale ? planEndConflictRows(stale, end.values) : [];
  // A message no field owns (the plan was ended meanwhile, or someone saved first) sits on the plan, above its forms:
  // after such an answer the page shows the plan as it is now, and an ended plan has no forms left to hold it.
  const planMessage = sent && !stale && (sent.formError || p.endDate) ? (sent.formError ?? "This plan has ended, so nothing was saved.") : undefined;
  const formState = (state: typeof sent): FormState | undefined => (state ? { ...state, formError: undefined } : undefined);
  return (
    <article id={`plan-${p.id}`} className="ck-plan-card" aria-labelledby={`plan-title-${p.id}`}>
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
      {end && stale ? (
        <div tabIndex={-1} data-failure-notice autoFocus>
          <StaleEditNotice message={end.formError ?? ""} stale={stale} rows={conflictRows}>
            <p>
              {!p.endDate
                ? "What you typed is still in the form below. Ending the plan now replaces their change with yours."
                : conflictRows.length
                  ? "The plan stays as they ended it. What you typed is in the table above: add it as a note if it says something theirs does not."
                  : "The plan stays as they ended it."}
            </p>
          </StaleEditNotice>
        </div>
      ) : null}
      {planMessage ? (
        <div className="ck-notice ck-notice--error" role="alert" tabIndex={-1} data-failure-notice autoFocus>
          {planMessage}
        </div>
      ) : null}
      {!p.endDate ? (
        <div className="ck-grid">
          {/* Keyed by what a save changes, so a form sent with JavaScript starts empty again once its save went through. */}
          <Form key={`check-in-${p.checkIns.length}`} method="post" className="ck-form" noValidate aria-label={`Check in on ${p.name}`}>
            <h4>Weekly check-in</h4>
            <FormError state={formState(checkIn)} />
            <input type="hidden" name="intent" value="check-in" />
            <input type="hidden" name="planId" value={p.id} />
            <TextField name="weekOf" label="Week of" type="date" defaultValue={thisWeek} state={checkIn} />
            <SelectField name="rating" label="Progress" options={ratingOptions} defaultValue="" state={checkIn} />
            <TextAreaField name="note" label="Check-in note" state={checkIn} rows={2} />
            <div>
              <button type="submit" className="ck-button">
                Record check-in
              </button>
            </div>
          </Form>
          <Form key={`end-${p.version}`} method="post" className="ck-form" noValidate aria-label={`End ${p.name}`}>
            <h4>End the plan</h4>
            <FormError state={formState(end)} />
            <input type="hidden" name="intent" value="end" />
            <input type="hidden" name="planId" value={p.id} />
            <input type="hidden" name="expectedVersion" value={p.version} />
            <TextField name="endDate" label="End date" type="date" defaultValue={today} state={end} />
            <SelectField name="outcome" label="Outcome" options={outcomeOptions} defaultValue="" state={end} />
            <TextAreaField name="outcomeNote" label="Outcome note" state={end} rows={2} />
            <div>
              <button type="submit" className="ck-button ck-button--secondary">
                End plan
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </article>
  );
}
