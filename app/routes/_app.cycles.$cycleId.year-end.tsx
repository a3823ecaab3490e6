// Year-end: the team decides, goal by goal, what carries into next year; the district then closes the year and opens the next.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormError, TextAreaField, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { GoalStatusBadge } from "~/modules/cycles/components/GoalBits";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { carriesForward, goalDecisionLabels, goalDecisions, goalDecisionShortLabels, type GoalDecision } from "~/modules/cycles/lifecycle";
import { launchNextSchema, yearEndDecisionsSchema } from "~/modules/cycles/lifecycle.schema";
import { getYearEnd, launchNextCycle, saveYearEndDecisions } from "~/modules/cycles/lifecycle.server";
import { checkpointLabels, checkpoints, formatLongDate } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Year-end · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Year-end · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const yearEnd = await load(() => getYearEnd(context.db, user, cycleId));
  const { cycle } = yearEnd;
  return {
    heading: cycleHeading(cycle, user.districtName),
    canEdit: cycle.canEdit,
    canClose: yearEnd.canClose,
    status: cycle.status,
    version: cycle.version,
    goals: yearEnd.goals,
    schools: yearEnd.schools,
    nextYear: yearEnd.nextYear,
  };
}

const intent = z.enum(["decide", "launch"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  // Who may change this cycle is settled before the form is read, so readers get 403 whatever they send.
  const form = await readForm(request);
  const chosen = intent.safeParse(form.get("intent"));
  await load(async () => {
    const cycle = await getCycle(context.db, user, cycleId);
    const scope = { districtId: cycle.districtId, schoolId: cycle.schoolId };
    requirePermission(user, chosen.data === "launch" ? "cycle:close" : "cycle:edit", scope);
  });
  if (!chosen.success) throw new Response("Unknown action", { status: 400 });
  return act(form, async () => {
    if (chosen.data === "launch") {
      const input = parseForm(form, launchNextSchema);
      const result = await launchNextCycle(context.db, user, cycleId, input, context.clientIp);
      throw redirect(`/cycles/${result.nextCycleId}?launched=${result.goalsCarried}&baseline=${result.baselineScoresCarried}&plans=${result.plansCarried}`);
    }
    const input = parseForm(form, yearEndDecisionsSchema);
    await saveYearEndDecisions(context.db, user, cycleId, input, context.clientIp);
    throw redirect(`/cycles/${cycleId}/year-end?saved=1`);
  });
}

export default function YearEnd() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  // Both forms post here; the failure says which one it belongs to by the intent it was sent with.
  const decideFailure = result?.values.intent === "decide" ? result : undefined;
  const launchFailure: FormState | (ActionFailure & FormState) | undefined = result?.values.intent === "launch" ? result : undefined;
  const saved = params.has("saved");
  const isDistrict = data.heading.isDistrict;
  const decisionOf = (goal: (typeof data.goals)[number]): GoalDecision => {
    const typed = decideFailure?.values[`decision.${goal.id}`];
    return typeof typed === "string" && (goalDecisions as readonly string[]).includes(typed) ? (typed as GoalDecision) : (goal.decision ?? goal.suggested);
  };
  const carried = data.goals.filter((g) => carriesForward(g.decision ?? g.suggested)).length;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Year-end decisions" />
      {saved && !result ? (
        <Notice tone="success" role="status">
          Decisions saved.
        </Notice>
      ) : null}
      <p>
        Reflect on the year's data, then decide for each goal what happens in {data.nextYear.label}: sustain and scale it, keep it with new strategies, change the implementation focus, or revise it or extend its timeline. A
        suggestion is preselected from each goal's progress; nothing is final until {isDistrict ? "you close the year" : "the district closes the year"}.
      </p>
      {data.status === "closed" ? (
        <Notice tone="info">
          This cycle is closed and read-only.{" "}
          {data.nextYear.cycleId ? <Link to={`/cycles/${data.nextYear.cycleId}`}>Go to the {data.nextYear.label} cycle</Link> : null}
        </Notice>
      ) : null}

      <Card title={isDistrict ? "District goals" : "This school's own goals"}>
        {data.goals.length === 0 ? (
          <p className="ck-muted">No goals of this cycle's own to decide about.</p>
        ) : data.canEdit ? (
          <Form method="post" className="ck-form" noValidate>
            <input type="hidden" name="intent" value="decide" />
            <input type="hidden" name="expectedVersion" value={decideFailure?.stale ? String(decideFailure.stale.version) : data.version} />
            {decideFailure?.stale ? (
              <Notice tone="warning" role="alert">
                Someone saved this cycle while you were deciding. The saved decisions are shown beside each goal; your choices are kept below; save again to
                replace them.
              </Notice>
            ) : (
              <FormError state={decideFailure} />
            )}
            {data.goals.map((goal) => (
              <fieldset key={goal.id} className="ck-fieldset ck-decision">
                <legend>
                  <Link to={`/cycles/${data.heading.id}/goals/${goal.id}`}>{goal.title}</Link>
                </legend>
                <p>
                  <GoalStatusBadge status={goal.status} />{" "}
                  {goal.strategiesOpen ? (
                    <span className="ck-muted">
                      {goal.strategiesOpen === 1 ? "1 strategy" : `${goal.strategiesOpen} strategies`} not done (they carry forward with the goal)
                    </span>
                  ) : null}
                  {goal.decision ? <span className="ck-muted"> · Saved: {goalDecisionShortLabels[goal.decision]}</span> : <span className="ck-muted"> · Not decided yet</span>}
                  {goal.decidedIn ? (
                    <span className="ck-muted">
                      {" "}
                      · Decided in <Link to={`/cycles/${data.heading.id}/reflection/${goal.decidedIn.id}`}>{goal.decidedIn.title}</Link> ({formatLongDate(goal.decidedIn.heldOn)})
                    </span>
                  ) : null}
                </p>
                <div className="ck-choices">
                  {goalDecisions.map((d) => (
                    <label key={d}>
                      <input type="radio" name={`decision.${goal.id}`} value={d} defaultChecked={decisionOf(goal) === d} /> {goalDecisionLabels[d]}
                      {d === goal.suggested && !goal.decision ? <span className="ck-muted"> (suggested)</span> : null}
                    </label>
                  ))}
                </div>
                <TextAreaField name={`note.${goal.id}`} label="Why (optional)" rows={2} state={decideFailure} defaultValue={goal.decisionNote} />
              </fieldset>
            ))}
            <div>
              <button type="submit" className="ck-button">
                Save decisions
              </button>
            </div>
          </Form>
        ) : (
          <div className="ck-table-wrap">
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">Goal</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {data.goals.map((goal) => (
                  <tr key={goal.id}>
                    <th scope="row">
                      <Link to={`/cycles/${data.heading.id}/goals/${goal.id}`}>{goal.title}</Link>
                    </th>
                    <td>
                      <GoalStatusBadge status={goal.status} />
                    </td>
                    <td>
                      {goal.decision ? goalDecisionShortLabels[goal.decision] : <span className="ck-muted">Not decided yet</span>}
                      {goal.decisionNote ? <div className="ck-muted">{goal.decisionNote}</div> : null}
                      {goal.decidedIn ? (
                        <div className="ck-muted">
                          Decided in <Link to={`/cycles/${data.heading.id}/reflection/${goal.decidedIn.id}`}>{goal.decidedIn.title}</Link>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {isDistrict && data.schools.length ? (
        <Card title="Schools' own goals">
          <div className="ck-table-wrap">
            <table className="ck-table">
              <caption>Each school team decides about its own goals on its cycle's year-end page</caption>
              <thead>
                <tr>
                  <th scope="col">School</th>
                  <th scope="col">Own goals</th>
                  <th scope="col">Not decided yet</th>
                  <th scope="col">Would carry forward</th>
                </tr>
              </thead>
              <tbody>
                {data.schools.map((s) => (
                  <tr key={s.cycleId}>
                    <th scope="row">
                      <Link to={`/cycles/${s.cycleId}/year-end`}>{s.name}</Link>
                    </th>
                    <td>{s.goals}</td>
                    <td>{s.undecided}</td>
                    <td>{s.carried}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}

      {isDistrict && data.canClose ? (
        <Card title={`Close ${data.heading.yearLabel} and launch ${data.nextYear.label}`}>
          {data.status === "planning" ? (
            <p>Start this cycle before closing it (in the cycle's settings).</p>
          ) : data.nextYear.cycleId ? (
            <p>The district already has a {data.nextYear.label} cycle.</p>
          ) : (
            <Form method="post" className="ck-form" noValidate>
              <input type="hidden" name="intent" value="launch" />
              <input type="hidden" name="expectedVersion" value={data.version} />
              {launchFailure && "stale" in launchFailure && launchFailure.stale ? (
                <Notice tone="warning" role="alert">
                  Someone changed this cycle while you were here. Reload the page to see their changes before closing the year.
                </Notice>
              ) : (
                <FormError state={launchFailure} />
              )}
              <p>
                Closing makes {data.heading.yearLabel} read-only for the district and then every school; it stays exactly as it is. In the same step{" "}
                {data.nextYear.label} is launched for the district and every school, in planning, on the district's newest published rubric:
              </p>
              <ul>
                <li>
                  {carried === 1 ? "1 district goal" : `${carried} district goals`} and the schools' goals go on as decided, with due dates a year on: sustained and
                  revised goals keep their unfinished strategies, goals kept with new strategies start with none, revised goals are marked for revision, and goals
                  whose focus changes end here. Goals without a decision take the suggested one.
                </li>
                <li>Each end-of-year rubric score becomes the {data.nextYear.label} baseline score of the same item.</li>
                <li>Each action plan is copied into {data.nextYear.label} as the starting point of its new plan.</li>
                <li>The strategies left open are listed in {data.nextYear.label} for the team to review.</li>
              </ul>
              <fieldset className="ck-fieldset">
                <legend>{data.nextYear.label} checkpoint dates</legend>
                {checkpoints.map((c) => (
                  <TextField key={c} type="date" name={`${c}Date`} label={checkpointLabels[c]} state={launchFailure} defaultValue={data.nextYear.dates[c]} />
                ))}
              </fieldset>
              <div className="ck-field">
                <label className="ck-check">
                  <input
                    type="checkbox"
                    name="confirm"
                    value="yes"
                    aria-invalid={launchFailure?.fieldErrors?.confirm ? true : undefined}
                    aria-describedby={launchFailure?.fieldErrors?.confirm ? "confirm-error" : undefined}
                  />{" "}
                  I understand that {data.heading.yearLabel} becomes read-only for the district and every school.
                </label>
                {launchFailure?.fieldErrors?.confirm ? (
                  <p className="ck-field__error" id="confirm-error">
                    {launchFailure.fieldErrors.confirm.join(" ")}
                  </p>
                ) : null}
              </div>
              <div>
                <button type="submit" className="ck-button">
                  Close {data.heading.yearLabel} and launch {data.nextYear.label}
                </button>
              </div>
            </Form>
          )}
        </Card>
      ) : null}
    </div>
  );
}
