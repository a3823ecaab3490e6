// One goal as a cycle sees it: SMARTIE checks, progress, strategies, and for a shared district goal what changed and the school's target.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { FormError, SelectField, TextField, type FormState } from "~/components/ui/form";
import { StaleEditNotice } from "~/components/ui/conflict";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { GoalStatusBadge, SmartieChecklist } from "~/modules/cycles/components/GoalBits";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { strategyConflictRows } from "~/modules/cycles/edit-conflict";
import { getCycle } from "~/modules/cycles/cycles.server";
import { adoptionSchema, mirrorScopeLabels, strategySchema, strategyStatuses, strategyStatusLabels } from "~/modules/cycles/goals.schema";
import { addStrategy, getGoal, markGoalSeen, setAdoption, updateStrategy } from "~/modules/cycles/goals.server";
import { goalDecisionShortLabels } from "~/modules/cycles/lifecycle";
import { goalAcrossYears } from "~/modules/cycles/lifecycle.server";
import { goalStatusBySchoolCycle, outcomeStandingAtSchool } from "~/modules/cycles/rollup.server";
import { checkpointLabels, formatLongDate, schoolYearLabel } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";
import { displayValue } from "~/modules/data/suppression";
import { dataTermLabels, type DataTerm } from "~/modules/data/data-terms";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.goal.title} · Goals · Cyclekeeper` : "Goal · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const goalId = uuidParam(params, "goalId");
  return load(async () => {
    const cycle = await getCycle(context.db, user, cycleId);
    const goal = await getGoal(context.db, user, goalId, { forCycleId: cycleId });
    const unseen = goal.mirrored ? goal.revisions.filter((r) => r.version > (goal.seenGoalVersion ?? 1)) : [];
    const years = await goalAcrossYears(context.db, user, goal);
    // A shared district goal read at the district: where it stands in each school, as the roll-up judges it.
    const standing = !goal.mirrored && !cycle.schoolId && goal.mirroredTo.length ? await goalStatusBySchoolCycle(context.db, user, cycleId, goal.id) : new Map();
    // A district outcome goal read at a school: the school's own result beside the district's.
    const atSchool =
      goal.mirrored && goal.kind === "outcome" && goal.measure && cycle.schoolId && cycle.districtCycleId
        ? await outcomeStandingAtSchool(context.db, user, { cycleId, districtCycleId: cycle.districtCycleId, schoolId: cycle.schoolId, startYear: cycle.startYear }, { id: goal.id, measureId: goal.measureId! })
        : null;
    return {
      years,
      decision: goal.decision ? { label: goalDecisionShortLabels[goal.decision], note: goal.decisionNote } : null,
      heading: cycleHeading(cycle, user.districtName),
      cycleId,
      canAddStrategy: cycle.canEdit,
      // Only the goal's own cycle edits its wording: never a school looking at a district goal shared with it.
      canEditGoal: goal.canEdit,
      goal: {
        id: goal.id,
        title: goal.title,
        kind: goal.kind,
        description: goal.description,
        relevance: goal.relevance,
        population: goal.population,
        inclusiveNote: goal.inclusiveNote,
        equityNote: goal.equityNote,
        about:
          goal.kind === "implementation"
            ? `Reach level ${goal.targetLevel} on “${goal.rubricItem?.title ?? "?"}” by the ${goal.targetCheckpoint ? checkpointLabels[goal.targetCheckpoint].toLowerCase() : "?"} checkpoint.`
            : `${goal.measure?.name ?? "Measure"}: from ${goal.baselineValue ?? "an unknown baseline"} to ${goal.targetValue ?? "?"} by ${goal.dueDate ? formatLongDate(goal.dueDate) : "?"}.`,
        mirrorScope: goal.mirrorScope,
        mirrored: goal.mirrored,
        status: goal.progress.status,
        outcome:
          goal.progress.kind === "outcome" && goal.measure
            ? {
                unit: goal.measure.unit,
                yearLabel: schoolYearLabel(cycle.startYear),
                baseline: goal.baselineValue === null ? null : displayValue(goal.baselineValue, goal.measure.unit).display,
                target: goal.targetValue === null ? null : displayValue(goal.targetValue, goal.measure.unit).display,
                latest: goal.progress.latest
                  ? { term: dataTermLabels[goal.progress.latest.term as DataTerm] ?? goal.progress.latest.term, display: displayValue(goal.progress.latest.value, goal.measure.unit).display, n: goal.progress.latest.n }
                  : null,
                heldBack: goal.progress.suppressedCount,
                atSchool: atSchool
                  ? {
                      name: cycle.schoolName ?? "this school",
                      status: atSchool.status,
                      latest: atSchool.latest
                        ? { term: dataTermLabels[atSchool.latest.term] ?? atSchool.latest.term, display: displayValue(atSchool.latest.value, goal.measure.unit).display, n: atSchool.latest.n }
                        : null,
                      heldBack: atSchool.heldBack,
                    }
                  : null,
              }
            : null,
        progressFraction: goal.progress.fraction,
        smartie: goal.smartie,
        localTarget: goal.adoption?.localTarget ?? "",
        adoptionVersion: goal.adoption?.version ?? null,
        unseen: unseen.map((r) => ({ version: r.version, changedAt: r.changedAt.toISOString(), changedBy: r.changedBy, fields: r.changedFields })),
        strategies: goal.strategies.map((s) => ({
          id: s.id,
          title: s.title,
          ownerName: s.ownerName,
          dueDate: s.dueDate,
          status: s.status,
          version: s.version,
          fromDistrict: s.fromDistrict,
          canEdit: s.canEdit,
        })),
        mirroredTo: goal.mirroredTo.map((m) => ({
          name: m.schoolName,
          cycleId: m.schoolCycleId,
          status: standing.get(m.schoolCycleId) ?? null,
          localTarget: m.localTarget,
          strategies: m.strategyCount,
          changed: m.changedSinceSeen,
        })),
        revisions: goal.revisions.length,
      },
    };
  });
}

// After a stale save the page reloads, so the forms carry the newer versions and saving again is deliberate, not another conflict.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

const intent = z.enum(["add-strategy", "update-strategy", "mark-seen", "set-local-target"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const goalId = uuidParam(params, "goalId");
  const form = await readForm(request);
  const back = `/cycles/${cycleId}/goals/${goalId}`;
  return act(form, async () => {
    const chosen = intent.safeParse(form.get("intent"));
    if (!chosen.success) throw new Response("Unknown action", { status: 400 });
    switch (chosen.data) {
      case "add-strategy":
        await addStrategy(context.db, user, goalId, cycleId, parseForm(form, strategySchema), context.clientIp);
        throw redirect(`${back}?saved=strategy`);
      case "update-strategy": {
        const id = uuidParam({ id: String(form.get("strategyId") ?? "") }, "id");
        await updateStrategy(context.db, user, id, parseForm(form, strategySchema), context.clientIp);
        throw redirect(`${back}?saved=strategy`);
      }
      case "mark-seen":
        await markGoalSeen(context.db, user, goalId, cycleId, context.clientIp);
        throw redirect(`${back}?saved=seen`);
      case "set-local-target":
        await setAdoption(context.db, user, goalId, cycleId, parseForm(form, adoptionSchema), context.clientIp);
        throw redirect(`${back}?saved=target`);
    }
  });
}

const fieldNames: Record<string, string> = {
  title: "goal",
  description: "description",
  relevance: "relevance",
  population: "students it is for",
  inclusiveNote: "who shaped it",
  equityNote: "equity note",
  targetLevel: "level to reach",
  targetCheckpoint: "checkpoint",
  rubricItemId: "rubric activity",
  measureId: "measure",
  baselineValue: "baseline",
  targetValue: "target",
  dueDate: "date",
  mirrorScope: "sharing",
  schoolIds: "schools",
  kind: "kind",
};

/** The newer values beside the typed ones, for whichever form met a newer version. */
function staleRows(failure: ActionFailure) {
  const stale = failure.stale ?? {};
  if (failure.values.intent === "update-strategy") return strategyConflictRows(stale, failure.values);
  const saved = String(stale.localTarget ?? "");
  const typed = String(failure.values.localTarget ?? "");
  return saved.trim() === typed.trim() ? [] : [{ field: "localTarget", label: "Local target", saved: saved || "(empty)", typed: typed || "(empty)" }];
}

export default function GoalPage() {
  const { heading, goal, canAddStrategy, canEditGoal, cycleId, years, decision } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const state = failure as FormState | undefined;
  const [params] = useSearchParams();
  const statusOptions = strategyStatuses.map((s) => ({ value: s, label: strategyStatusLabels[s] }));
  return (
    <div className="ck-stack">
      <CycleHeader cycle={heading} title={goal.title} />
      <p>
        <Link to={`/cycles/${cycleId}/goals`}>All goals</Link> · {goal.kind === "implementation" ? "Implementation goal" : "Outcome goal"}
        {goal.mirrored ? " · set by the district" : goal.mirrorScope !== "none" ? ` · ${mirrorScopeLabels[goal.mirrorScope]}` : ""}
      </p>
      {params.get("created") ? (
        <Notice tone="success" role="status">
          Goal saved. Check the SMARTIE list below for anything still missing.
        </Notice>
      ) : null}
      {canEditGoal ? (
        <p>
          <Link to={`/cycles/${cycleId}/goals/${goal.id}/edit`} className="ck-button ck-button--secondary">
            Edit goal
          </Link>
        </p>
      ) : null}
      {params.get("saved") && !failure ? (
        <Notice tone="success" role="status">
          {params.get("saved") === "goal" ? "Goal saved." : "Saved."}
        </Notice>
      ) : null}
      {params.get("removed") === "strategy" && !failure ? (
        <Notice tone="success" role="status">
          Strategy removed.
        </Notice>
      ) : null}
      {failure?.stale ? (
        <StaleEditNotice message={failure.formError ?? ""} stale={failure.stale} rows={staleRows(failure)} />
      ) : null}
      {goal.unseen.length ? (
        <Card title="The district changed this goal">
          <ul className="ck-list">
            {goal.unseen.map((r) => (
              <li key={r.version}>
                Version {r.version}
                {r.changedBy ? ` by ${r.changedBy}` : ""}: changed {r.fields.map((f) => fieldNames[f] ?? f).join(", ") || "details"}
              </li>
            ))}
          </ul>
          {canAddStrategy ? (
            <Form method="post">
              <input type="hidden" name="intent" value="mark-seen" />
              <button type="submit" className="ck-button ck-button--secondary">
                We have read the changes
              </button>
            </Form>
          ) : null}
        </Card>
      ) : null}
      <div className="ck-grid">
        <Card title="What we aim for">
          <p>{goal.about}</p>
          {goal.description ? <p>{goal.description}</p> : null}
          <p>
            Status: <GoalStatusBadge status={goal.status} />{" "}
            <span className="ck-muted">{Math.round(goal.progressFraction * 100)}% of the way from the baseline</span>
          </p>
          {goal.outcome ? (
            <dl className="ck-outcome-progress" aria-label="Progress on the measure">
              <div>
                <dt>Baseline</dt>
                <dd>{goal.outcome.baseline ?? "—"}</dd>
              </div>
              <div>
                <dt>Latest{goal.outcome.latest ? ` (${goal.outcome.latest.term} ${goal.outcome.yearLabel})` : ""}</dt>
                <dd>
                  {goal.outcome.latest ? (
                    <>
                      {goal.outcome.latest.display} <span className="ck-muted">({goal.outcome.latest.n.toLocaleString("en-US")} students)</span>
                    </>
                  ) : goal.outcome.heldBack ? (
                    "Hidden: too few students to show"
                  ) : (
                    "No results yet"
                  )}
                </dd>
              </div>
              <div>
                <dt>Target</dt>
                <dd>{goal.outcome.target ?? "—"}</dd>
              </div>
            </dl>
          ) : null}
          {goal.outcome?.atSchool ? (
            <p>
              {`At ${goal.outcome.atSchool.name}: `}
              {goal.outcome.atSchool.latest
                ? `${goal.outcome.atSchool.latest.display} (${goal.outcome.atSchool.latest.term} ${goal.outcome.yearLabel}, ${goal.outcome.atSchool.latest.n.toLocaleString("en-US")} students)`
                : goal.outcome.atSchool.heldBack
                  ? "hidden: too few students to show"
                  : "no results yet"}
              {goal.outcome.atSchool.status ? (
                <>
                  {" "}
                  <GoalStatusBadge status={goal.outcome.atSchool.status} />
                </>
              ) : null}{" "}
              <span className="ck-muted">(the figures above are the district’s)</span>
            </p>
          ) : null}
          {goal.outcome?.heldBack ? <p className="ck-muted">{goal.outcome.heldBack} result{goal.outcome.heldBack === 1 ? " was" : "s were"} held back: too few students to show.</p> : null}
          {goal.population ? <p>For: {goal.population}</p> : null}
          {goal.equityNote ? <p>Equity: {goal.equityNote}</p> : null}
          {years.carriedFrom ? (
            <p>
              Carried forward from {years.carriedFrom.yearLabel}:{" "}
              <Link to={`/cycles/${years.carriedFrom.cycleId}/goals/${years.carriedFrom.goalId}`}>{years.carriedFrom.title}</Link>
              {years.carriedFrom.decision ? ` (${goalDecisionShortLabels[years.carriedFrom.decision].toLowerCase()})` : ""}
              {years.carriedFrom.decisionNote ? <span className="ck-muted"> — {years.carriedFrom.decisionNote}</span> : null}
            </p>
          ) : null}
          {decision ? (
            <p>
              Year-end decision: <strong>{decision.label}</strong>
              {decision.note ? <span className="ck-muted"> — {decision.note}</span> : null}
            </p>
          ) : null}
          {years.carriedInto ? (
            <p>
              Continues in {years.carriedInto.yearLabel} as{" "}
              <Link to={`/cycles/${years.carriedInto.cycleId}/goals/${years.carriedInto.goalId}`}>{years.carriedInto.title}</Link>.
            </p>
          ) : null}
        </Card>
        <Card title="SMARTIE">
          <SmartieChecklist checks={goal.smartie} />
        </Card>
      </div>
      {goal.mirrored ? (
        <Card title="Our local target">
          {canAddStrategy ? (
            <Form method="post" className="ck-form" noValidate>
              <FormError state={failure?.stale ? undefined : state} />
              <input type="hidden" name="intent" value="set-local-target" />
              <input type="hidden" name="expectedVersion" value={goal.adoptionVersion ?? ""} />
              <TextField name="localTarget" label="What this goal means for our school" defaultValue={goal.localTarget} state={state} />
              <div>
                <button type="submit" className="ck-button ck-button--secondary">
                  Save local target
                </button>
              </div>
            </Form>
          ) : (
            <p>{goal.localTarget || <span className="ck-muted">No local target yet.</span>}</p>
          )}
        </Card>
      ) : null}
      <Card title="Strategies">
        {goal.strategies.length === 0 ? (
          <p className="ck-muted">No strategies yet.</p>
        ) : (
          <div className="ck-table-wrap">
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">Strategy</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Due</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {goal.strategies.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">
                      {s.title}
                      {s.fromDistrict ? <div className="ck-muted">District strategy</div> : null}
                      {s.canEdit ? (
                        <div>
                          <Link to={`/cycles/${cycleId}/goals/${goal.id}/strategies/${s.id}/edit`}>
                            Edit or remove<span className="ck-visually-hidden"> “{s.title}”</span>
                          </Link>
                        </div>
                      ) : null}
                    </th>
                    <td>{s.ownerName || "—"}</td>
                    <td>{s.dueDate ? formatLongDate(s.dueDate) : "—"}</td>
                    <td>
                      {s.canEdit ? (
                        <Form method="post" className="ck-form--inline ck-form">
                          <input type="hidden" name="intent" value="update-strategy" />
                          <input type="hidden" name="strategyId" value={s.id} />
                          <input type="hidden" name="expectedVersion" value={s.version} />
                          <input type="hidden" name="title" value={s.title} />
                          <input type="hidden" name="ownerName" value={s.ownerName} />
                          <input type="hidden" name="dueDate" value={s.dueDate ?? ""} />
                          <SelectField name="status" label={`Status of “${s.title}”`} options={statusOptions} defaultValue={s.status} />
                          <button type="submit" className="ck-button ck-button--secondary">
                            Update
                          </button>
                        </Form>
                      ) : (
                        strategyStatusLabels[s.status]
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canAddStrategy ? (
          <Form method="post" className="ck-form" noValidate>
            <h3>Add a strategy</h3>
            <input type="hidden" name="intent" value="add-strategy" />
            <TextField name="title" label="Strategy" hint="An action step, e.g. “Monthly SEL coaching cycle for grade 6 teams”." required state={state} />
            <TextField name="ownerName" label="Owner" state={state} />
            <TextField name="dueDate" label="Due date" type="date" state={state} />
            <div>
              <button type="submit" className="ck-button">
                Add strategy
              </button>
            </div>
          </Form>
        ) : null}
      </Card>
      {goal.mirroredTo.length ? (
        <Card title="At the schools">
          <p className="ck-muted">
            {goal.kind === "implementation"
              ? "Each school is judged on its own rubric scores for this key activity."
              : "Each school is judged on its own latest result for all its students, against this goal’s target and its result the year before."}
          </p>
          <div className="ck-table-wrap">
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">School</th>
                  <th scope="col">Where it stands</th>
                  <th scope="col">Local target</th>
                  <th scope="col">Strategies</th>
                  <th scope="col">Has read the latest version</th>
                </tr>
              </thead>
              <tbody>
                {goal.mirroredTo.map((m) => (
                  <tr key={m.cycleId}>
                    <th scope="row">
                      <Link to={`/cycles/${m.cycleId}/goals/${goal.id}`}>{m.name}</Link>
                    </th>
                    <td>{m.status ? <GoalStatusBadge status={m.status} /> : "—"}</td>
                    <td>{m.localTarget || "—"}</td>
                    <td>{m.strategies}</td>
                    <td>{m.changed ? "Not yet" : "Yes"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}
    </div>
  );
}
