// A cycle's life: settings (phase, checkpoint dates), starting it, year-end decisions per goal, and closing a year
// so the next one opens with what the teams decided to carry forward.
import { and, asc, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { auditEvents, cycles, districts, docUpdates, goalAdoptions, goalRevisions, goals, goalSchools, planDocuments, reflectionMeetings, rubricItems, rubricScores, schools, strategies } from "#db/schema";
import { latestRubricVersion } from "#db/seed/catalog.server";
import type { JSONContent } from "@tiptap/core";
import { readDocument, updateFromJSON } from "~/editor/document";
import { recordAudit } from "~/modules/audit/audit.server";
import { accessChanged } from "~/modules/people/access-events.server";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import { lastGoodState, readStoredDocument, stateOf } from "~/modules/plans/document-versions.server";
import { carryPlanContent, damagedPlanCarried, damagedPlanNotCarried } from "~/modules/plans/plan-carry";
import { planDamageLabel } from "~/modules/plans/plan-versions";
import { carriedScoreEvidence } from "~/modules/reflections/reflections";
import { Conflict, NotFound, StaleEdit, ValidationFailed, type FieldErrors } from "~/utils/errors";
import { getCycle, type CycleRow } from "./cycles.server";
import { implementationProgress, type GoalStatus } from "./goal-progress";
import { goalWording, snapshotOf } from "./goals.server";
import { carriesForward, carriesStrategies, sameDayNextYear, suggestedDecision, type GoalDecision } from "./lifecycle";
import type { CycleSettingsInput, LaunchNextInput, YearEndDecisionsInput } from "./lifecycle.schema";
import { checkpoints, defaultCheckpointDates, schoolYearLabel, validateCheckpointDates } from "./school-year";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
type GoalRow = typeof goals.$inferSelect;

const scopeOf = (cycle: Pick<CycleRow, "districtId" | "schoolId">) => ({ districtId: cycle.districtId, schoolId: cycle.schoolId });

async function writableCycle(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  requirePermission(actor, "cycle:edit", scopeOf(cycle));
  if (cycle.status === "closed") throw new Conflict("This cycle is closed and read-only.");
  return cycle;
}

/** Locks the cycle row and checks the version the form was loaded with; a stale form gets the saved values back. */
async function lockAtVersion(tx: Tx, cycleId: string, expectedVersion: number) {
  const [row] = await tx.select().from(cycles).where(eq(cycles.id, cycleId)).for("update");
  if (!row) throw new NotFound("cycle");
  if (row.status === "closed") throw new Conflict("This cycle was closed in the meantime and is now read-only.");
  if (row.version !== expectedVersion) {
    throw new StaleEdit({
      phase: row.phase,
      status: row.status,
      baselineDate: row.baselineDate,
      midyearDate: row.midyearDate,
      endyearDate: row.endyearDate,
      version: row.version,
    });
  }
  return row;
}

// ---------------------------------------------------------------------------------------------------------------
// Settings and start

/**
 * Saves a cycle's phase and, for the district's cycle, its checkpoint dates, which every school cycle of the year
 * follows. A school team moves its own school's phase; its dates are the district's.
 */
export async function updateCycleSettings(db: Database, actor: Actor, cycleId: string, input: CycleSettingsInput, ip?: string) {
  const cycle = await writableCycle(db, actor, cycleId);
  const dates = { baseline: input.baselineDate, midyear: input.midyearDate, endyear: input.endyearDate };
  const datesChanged = dates.baseline !== cycle.baselineDate || dates.midyear !== cycle.midyearDate || dates.endyear !== cycle.endyearDate;
  if (cycle.schoolId && datesChanged) {
    throw new ValidationFailed({ baselineDate: ["Checkpoint dates are set by the district for every school; ask the district team to change them."] });
  }
  const problems = validateCheckpointDates(dates, cycle.startYear);
  if (problems.length) {
    const fieldErrors: FieldErrors = {};
    for (const p of problems) (fieldErrors[`${p.field}Date`] ??= []).push(p.message);
    throw new ValidationFailed(fieldErrors);
  }
  return db.transaction(async (tx) => {
    const row = await lockAtVersion(tx, cycleId, input.expectedVersion);
    const changes: Record<string, { from: string; to: string }> = {};
    if (row.phase !== input.phase) changes.phase = { from: row.phase, to: input.phase };
    for (const c of checkpoints) {
      const key = `${c}Date` as const;
      if (row[key] !== input[key]) changes[key] = { from: row[key], to: input[key] };
    }
    if (Object.keys(changes).length === 0) return row;
    const [saved] = await tx
      .update(cycles)
      .set({
        phase: input.phase,
        baselineDate: input.baselineDate,
        midyearDate: input.midyearDate,
        endyearDate: input.endyearDate,
        version: row.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(cycles.id, cycleId))
      .returning();
    if (!row.schoolId && datesChanged) {
      await tx
        .update(cycles)
        .set({ baselineDate: input.baselineDate, midyearDate: input.midyearDate, endyearDate: input.endyearDate, updatedAt: new Date() })
        .where(and(eq(cycles.districtCycleId, cycleId), ne(cycles.status, "closed")));
    }
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "cycle.update",
      entityType: "cycle",
      entityId: cycleId,
      details: { changes, schoolId: row.schoolId },
      ip,
    });
    return saved;
  });
}

/** Moves the district's cycle, and every school cycle of its year still being planned, from planning to active. */
export async function startCycle(db: Database, actor: Actor, cycleId: string, expectedVersion: number, ip?: string) {
  const cycle = await writableCycle(db, actor, cycleId);
  if (cycle.schoolId) throw new Conflict("A school's cycle starts with the district's; ask the district team.");
  if (cycle.status !== "planning") throw new Conflict("This cycle has already started.");
  return db.transaction(async (tx) => {
    const row = await lockAtVersion(tx, cycleId, expectedVersion);
    const [saved] = await tx
      .update(cycles)
      .set({ status: "active", version: row.version + 1, updatedAt: new Date() })
      .where(eq(cycles.id, cycleId))
      .returning();
    const started = await tx
      .update(cycles)
      .set({ status: "active", version: sql`${cycles.version} + 1`, updatedAt: new Date() })
      .where(and(eq(cycles.districtCycleId, cycleId), eq(cycles.status, "planning")))
      .returning({ id: cycles.id });
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "cycle.start",
      entityType: "cycle",
      entityId: cycleId,
      details: { startYear: row.startYear, schools: started.length },
      ip,
    });
    return saved;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Year-end decisions

interface GoalForDecision {
  id: string;
  title: string;
  kind: GoalRow["kind"];
  status: GoalStatus;
  decision: GoalDecision | null;
  decisionNote: string;
  suggested: GoalDecision;
  strategiesOpen: number;
  /** The reflection meeting the decision was taken in, when it was. */
  decidedIn: { id: string; title: string; heldOn: string } | null;
}

/** Progress of each goal from its own cycle's scores, in bulk: what a suggested decision stands on. */
async function statusesOf(db: Pick<Database, "select">, rows: GoalRow[]): Promise<Map<string, GoalStatus>> {
  const result = new Map<string, GoalStatus>();
  const implementation = rows.filter((g) => g.kind === "implementation" && g.rubricItemId && g.targetLevel !== null && g.targetCheckpoint !== null);
  const scoreRows = implementation.length
    ? await db
        .select({ cycleId: rubricScores.cycleId, itemId: rubricScores.rubricItemId, checkpoint: rubricScores.checkpoint, level: rubricScores.level })
        .from(rubricScores)
        .where(
          and(
            inArray(rubricScores.cycleId, [...new Set(implementation.map((g) => g.cycleId))]),
            inArray(rubricScores.rubricItemId, [...new Set(implementation.map((g) => g.rubricItemId!))]),
          ),
        )
    : [];
  for (const goal of rows) {
    if (!implementation.includes(goal)) {
      // Outcome goals wait for imported measure values; until then there is nothing to call them met on.
      result.set(goal.id, "no_data");
      continue;
    }
    const scores = scoreRows.filter((s) => s.cycleId === goal.cycleId && s.itemId === goal.rubricItemId);
    result.set(goal.id, implementationProgress({ targetLevel: goal.targetLevel!, targetCheckpoint: goal.targetCheckpoint!, baselineLevel: null, scores }).status);
  }
  return result;
}

async function goalsForDecision(db: Database, cycleIds: string[]): Promise<(GoalForDecision & { cycleId: string })[]> {
  if (cycleIds.length === 0) return [];
  const rows = await db.select().from(goals).where(inArray(goals.cycleId, cycleIds)).orderBy(asc(goals.createdAt), asc(goals.id));
  const statuses = await statusesOf(db, rows);
  const open = rows.length
    ? await db
        .select({ goalId: strategies.goalId, n: sql<number>`count(*)::int` })
        .from(strategies)
        .where(and(inArray(strategies.goalId, rows.map((g) => g.id)), ne(strategies.status, "done")))
        .groupBy(strategies.goalId)
    : [];
  const openByGoal = new Map(open.map((o) => [o.goalId, Number(o.n)]));
  const meetingIds = [...new Set(rows.map((g) => g.decisionMeetingId).filter((id): id is string => id !== null))];
  const meetings = meetingIds.length
    ? await db
        .select({ id: reflectionMeetings.id, title: reflectionMeetings.title, heldOn: reflectionMeetings.heldOn })
        .from(reflectionMeetings)
        .where(inArray(reflectionMeetings.id, meetingIds))
    : [];
  const meetingById = new Map(meetings.map((m) => [m.id, m]));
  return rows.map((g) => {
    const status = statuses.get(g.id) ?? "no_data";
    return {
      id: g.id,
      cycleId: g.cycleId,
      title: g.title,
      kind: g.kind,
      status,
      decision: g.decision,
      decisionNote: g.decisionNote,
      suggested: suggestedDecision(status),
      strategiesOpen: openByGoal.get(g.id) ?? 0,
      decidedIn: g.decisionMeetingId ? (meetingById.get(g.decisionMeetingId) ?? null) : null,
    };
  });
}

/**
 * The year-end page: the cycle's own goals with their progress and decision, and, for the district, where each
 * school stands and what opening next year would carry.
 */
export async function getYearEnd(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const own = await goalsForDecision(db, [cycle.id]);
  const nextYear = cycle.startYear + 1;
  let schoolsSummary: { cycleId: string; name: string; goals: number; undecided: number; carried: number }[] = [];
  let nextCycleId: string | null = null;
  if (!cycle.schoolId) {
    const schoolCycles = await db
      .select({ id: cycles.id, schoolId: cycles.schoolId, name: schools.name })
      .from(cycles)
      .innerJoin(schools, eq(schools.id, cycles.schoolId))
      .where(and(eq(cycles.districtCycleId, cycle.id), eq(cycles.districtId, actor.districtId)))
      .orderBy(asc(schools.name));
    const readable = schoolCycles.filter((s) => can(actor, "cycle:read", { districtId: actor.districtId, schoolId: s.schoolId }));
    const schoolGoals = await goalsForDecision(db, readable.map((s) => s.id));
    schoolsSummary = readable.map((s) => {
      const mine = schoolGoals.filter((g) => g.cycleId === s.id);
      return {
        cycleId: s.id,
        name: s.name,
        goals: mine.length,
        undecided: mine.filter((g) => g.decision === null).length,
        carried: mine.filter((g) => carriesForward(g.decision ?? g.suggested)).length,
      };
    });
    const [next] = await db
      .select({ id: cycles.id })
      .from(cycles)
      .where(and(eq(cycles.districtId, actor.districtId), isNull(cycles.schoolId), eq(cycles.startYear, nextYear)));
    nextCycleId = next?.id ?? null;
  } else if (cycle.districtCycleId) {
    const [next] = await db
      .select({ id: cycles.id })
      .from(cycles)
      .where(and(eq(cycles.districtId, actor.districtId), eq(cycles.schoolId, cycle.schoolId), eq(cycles.startYear, nextYear)));
    nextCycleId = next?.id ?? null;
  }
  return {
    cycle,
    canClose: cycle.canEdit && can(actor, "cycle:close", scopeOf(cycle)),
    goals: own.map(({ cycleId: _cycleId, ...g }) => g),
    schools: schoolsSummary,
    nextYear: { startYear: nextYear, label: schoolYearLabel(nextYear), dates: defaultCheckpointDates(nextYear), cycleId: nextCycleId },
  };
}

/** Records the team's decision for each of the cycle's own goals (a district goal shared with a school is the district's to decide). */
export async function saveYearEndDecisions(
  db: Database,
  actor: Actor,
  cycleId: string,
  input: YearEndDecisionsInput,
  ip?: string,
  /** The reflection meeting the decisions were taken in, when they were (the year-end page decides outside any meeting). */
  options: { meetingId?: string } = {},
) {
  await writableCycle(db, actor, cycleId);
  const meetingId = options.meetingId ?? null;
  return db.transaction(async (tx) => {
    const row = await lockAtVersion(tx, cycleId, input.expectedVersion);
    const own = await tx.select().from(goals).where(eq(goals.cycleId, cycleId));
    const byId = new Map(own.map((g) => [g.id, g]));
    const errors: FieldErrors = {};
    for (const [index, d] of input.decisions.entries()) {
      if (!byId.has(d.goalId)) (errors[`decisions.${index}`] ??= []).push("That goal is not one of this cycle's own goals.");
    }
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
    const changed: { goalId: string; from: GoalDecision | null; to: GoalDecision; note: string }[] = [];
    for (const d of input.decisions) {
      const goal = byId.get(d.goalId)!;
      if (goal.decision === d.decision && goal.decisionNote === d.note && (meetingId === null || goal.decisionMeetingId === meetingId)) continue;
      // A decision is about next year, not the goal's wording: the goal's version (what schools track) stays.
      await tx
        .update(goals)
        .set({ decision: d.decision, decisionNote: d.note, decisionMeetingId: meetingId, decidedBy: actor.id, decidedAt: new Date() })
        .where(eq(goals.id, d.goalId));
      changed.push({ goalId: d.goalId, from: goal.decision, to: d.decision, note: d.note });
    }
    if (changed.length === 0) return { saved: 0 };
    await tx
      .update(cycles)
      .set({ version: row.version + 1, updatedAt: new Date() })
      .where(eq(cycles.id, cycleId));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "cycle.decide",
      entityType: "cycle",
      entityId: cycleId,
      details: meetingId ? { decisions: changed, meetingId } : { decisions: changed },
      ip,
    });
    return { saved: changed.length };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Closing a year and launching the next

export interface LaunchResult {
  closedCycleId: string;
  nextCycleId: string;
  schoolsClosed: number;
  schoolsOpened: number;
  goalsCarried: number;
  goalsClosed: number;
  strategiesCarried: number;
  /** Goals that could not be carried (their rubric activity is not on next year's rubric), by title. */
  notCarried: string[];
  /** End-of-year scores that became next year's baseline. */
  baselineScoresCarried: number;
  /** Action plans next year starts from (one per cycle that had one). */
  plansCarried: number;
  /** Damaged plans, each a sentence for the lead: carried from an earlier version, or not carried at all. */
  plansDamaged: string[];
}

/**
 * The action plans of a district cycle and its school cycles, as JSON, for next year's plans to start from. A plan
 * that is damaged does not stop the year from closing: it is carried from its last version that reads cleanly, or not
 * at all (next year's plan then starts from the template when first opened), and either way it is named in `damaged`.
 */
async function plansOf(db: Database, districtCycleId: string, districtName: string) {
  const docs = await db
    .select({ id: planDocuments.id, cycleId: planDocuments.cycleId, schoolName: schools.name, startYear: cycles.startYear })
    .from(planDocuments)
    .innerJoin(cycles, eq(cycles.id, planDocuments.cycleId))
    .leftJoin(schools, eq(schools.id, cycles.schoolId))
    .where(and(eq(planDocuments.kind, "action_plan"), or(eq(cycles.id, districtCycleId), eq(cycles.districtCycleId, districtCycleId))));
  const plans: { cycleId: string; json: JSONContent }[] = [];
  const damaged: string[] = [];
  for (const doc of docs) {
    const reading = await readStoredDocument(db, doc.id);
    if (reading.ok) {
      plans.push({ cycleId: doc.cycleId, json: reading.json });
      continue;
    }
    const { documentLabel } = planDamageLabel({ id: doc.cycleId, schoolName: doc.schoolName, startYear: doc.startYear }, districtName);
    const good = await lastGoodState(db, doc.id);
    const goodState = good ? await stateOf(db, doc.id, good) : null;
    const goodReading = goodState ? readDocument(goodState) : null;
    if (good && goodReading?.ok) {
      plans.push({ cycleId: doc.cycleId, json: goodReading.json });
      damaged.push(damagedPlanCarried(documentLabel, good.kind === "version" ? `its version “${good.title}”` : `an automatic copy of ${good.createdAt.toISOString().slice(0, 10)}`));
    } else {
      damaged.push(damagedPlanNotCarried(documentLabel));
    }
  }
  return { plans, damaged };
}

/**
 * Closes the district's cycle and every school cycle of its year, then opens next year's cycles on the newest
 * published rubric, carrying forward each goal the teams decided to continue (undecided goals take the suggested
 * decision, which is recorded): the goal with its due date a year on, its unfinished strategies, its sharing with
 * schools and each school's local target. Everything happens in one transaction, or nothing does.
 */
export async function launchNextCycle(db: Database, actor: Actor, cycleId: string, input: LaunchNextInput, ip?: string): Promise<LaunchResult> {
  const cycle = await writableCycle(db, actor, cycleId);
  if (cycle.schoolId) throw new Conflict("The district closes the year for every school; a school cannot close it on its own.");
  requirePermission(actor, "cycle:close", scopeOf(cycle));
  if (cycle.status !== "active") throw new Conflict("Start this cycle before closing it: a cycle still being planned has nothing to carry forward.");
  const nextYear = cycle.startYear + 1;
  const dates = { baseline: input.baselineDate, midyear: input.midyearDate, endyear: input.endyearDate };
  const problems = validateCheckpointDates(dates, nextYear);
  if (problems.length) {
    const fieldErrors: FieldErrors = {};
    for (const p of problems) (fieldErrors[`${p.field}Date`] ??= []).push(p.message);
    throw new ValidationFailed(fieldErrors);
  }
  // This year's action plans, read as stored before the year closes: next year's plans start from them. (An edit typed
  // in the instant between this read and the close is kept in the closed plan, not in the copy.)
  const [district] = await db.select({ name: districts.name }).from(districts).where(eq(districts.id, actor.districtId));
  const { plans: previousPlans, damaged: plansDamaged } = await plansOf(db, cycleId, district?.name ?? "The district");
  const launched = await db.transaction(async (tx) => {
    const row = await lockAtVersion(tx, cycleId, input.expectedVersion);
    const [taken] = await tx
      .select({ id: cycles.id })
      .from(cycles)
      .where(and(eq(cycles.districtId, actor.districtId), isNull(cycles.schoolId), eq(cycles.startYear, nextYear)));
    if (taken) throw new Conflict(`The district already has a ${schoolYearLabel(nextYear)} cycle.`, "baselineDate");

    const oldSchoolCycles = await tx.select().from(cycles).where(eq(cycles.districtCycleId, cycleId));
    const now = new Date();

    // 1. Decide what nobody decided, so the closed year records why each goal did or did not go on.
    const allGoals = await tx
      .select()
      .from(goals)
      .where(inArray(goals.cycleId, [cycleId, ...oldSchoolCycles.map((c) => c.id)]))
      .orderBy(asc(goals.createdAt), asc(goals.id));
    const statuses = await statusesOf(tx, allGoals);
    for (const goal of allGoals) {
      if (goal.decision) continue;
      goal.decision = suggestedDecision(statuses.get(goal.id) ?? "no_data");
      await tx.update(goals).set({ decision: goal.decision }).where(eq(goals.id, goal.id));
    }

    // 2. Close the year.
    await tx.update(cycles).set({ status: "closed", closedAt: now, version: row.version + 1, updatedAt: now }).where(eq(cycles.id, cycleId));
    const closedSchools = await tx
      .update(cycles)
      .set({ status: "closed", closedAt: now, version: sql`${cycles.version} + 1`, updatedAt: now })
      .where(and(eq(cycles.districtCycleId, cycleId), ne(cycles.status, "closed")))
      .returning({ id: cycles.id });

    // 3. Open next year: the district's cycle and one per active school, on the newest published rubric.
    const rubric = await latestRubricVersion(tx, actor.districtId);
    if (!rubric) throw new Conflict("The district has no published rubric to open the next cycle on.");
    const newDates = { baselineDate: input.baselineDate, midyearDate: input.midyearDate, endyearDate: input.endyearDate };
    const [next] = await tx
      .insert(cycles)
      .values({ districtId: actor.districtId, startYear: nextYear, rubricVersionId: rubric.id, ...newDates })
      .returning();
    const activeSchools = await tx
      .select({ id: schools.id })
      .from(schools)
      .where(and(eq(schools.districtId, actor.districtId), isNull(schools.archivedAt)));
    const nextSchoolCycles = activeSchools.length
      ? await tx
          .insert(cycles)
          .values(
            activeSchools.map((s) => ({
              districtId: actor.districtId,
              schoolId: s.id,
              districtCycleId: next.id,
              startYear: nextYear,
              rubricVersionId: rubric.id,
              ...newDates,
            })),
          )
          .returning({ id: cycles.id, schoolId: cycles.schoolId })
      : [];

    // Where each of this year's cycles continues next year (a school archived since has nowhere to go).
    const nextCycleOf = new Map<string, string>([[cycleId, next.id]]);
    const nextBySchool = new Map(nextSchoolCycles.map((c) => [c.schoolId!, c.id]));
    for (const old of oldSchoolCycles) {
      const target = nextBySchool.get(old.schoolId!);
      if (target) nextCycleOf.set(old.id, target);
    }
    const oldSchoolOf = new Map(oldSchoolCycles.map((c) => [c.id, c.schoolId!]));

    // Rubric items follow their lineage into the new version; a goal on an item that is gone cannot go on as it was.
    const oldItemIds = [...new Set(allGoals.map((g) => g.rubricItemId).filter((id): id is string => id !== null))];
    const lineageOf = new Map(
      oldItemIds.length
        ? (await tx.select({ id: rubricItems.id, lineageId: rubricItems.lineageId }).from(rubricItems).where(inArray(rubricItems.id, oldItemIds))).map((i) => [
            i.id,
            i.lineageId,
          ])
        : [],
    );
    const newItemOfLineage = new Map(
      (await tx.select({ id: rubricItems.id, lineageId: rubricItems.lineageId }).from(rubricItems).where(eq(rubricItems.rubricVersionId, rubric.id))).map(
        (i) => [i.lineageId, i.id],
      ),
    );

    // 4. Carry the goals forward.
    const carriedGoal = new Map<string, string>();
    // Goals whose unfinished strategies go with them ("new strategies" leaves them behind to be rewritten).
    const strategiesFollow = new Set<string>();
    const notCarried: string[] = [];
    let goalsClosed = 0;
    for (const goal of allGoals) {
      if (!carriesForward(goal.decision!)) {
        goalsClosed++;
        continue;
      }
      const targetCycle = nextCycleOf.get(goal.cycleId);
      let rubricItemId: string | null = null;
      if (goal.rubricItemId) {
        rubricItemId = newItemOfLineage.get(lineageOf.get(goal.rubricItemId) ?? "") ?? null;
      }
      if (!targetCycle || (goal.kind === "implementation" && !rubricItemId)) {
        notCarried.push(goal.title);
        continue;
      }
      // The same goal a year on: its activity on the new rubric, its due date moved with it.
      const columns = { ...goalWording(goal), rubricItemId, dueDate: sameDayNextYear(goal.dueDate) };
      const [copy] = await tx
        .insert(goals)
        .values({ cycleId: targetCycle, ...columns, carriedFromId: goal.id, needsRevision: goal.decision === "revise", createdBy: actor.id })
        .returning();
      let schoolIds: string[] = [];
      if (goal.mirrorScope === "chosen_schools") {
        const chosen = await tx.select({ schoolId: goalSchools.schoolId }).from(goalSchools).where(eq(goalSchools.goalId, goal.id));
        schoolIds = chosen.map((c) => c.schoolId).filter((id) => nextBySchool.has(id)).sort();
        if (schoolIds.length) await tx.insert(goalSchools).values(schoolIds.map((schoolId) => ({ goalId: copy.id, schoolId })));
      }
      await tx.insert(goalRevisions).values({ goalId: copy.id, version: 1, snapshot: snapshotOf(copy, schoolIds), changedBy: actor.id });
      carriedGoal.set(goal.id, copy.id);
      if (carriesStrategies(goal.decision!)) strategiesFollow.add(goal.id);
    }

    // 5. Unfinished strategies and schools' local targets follow their goals.
    const carriedIds = [...carriedGoal.keys()];
    let strategiesCarried = 0;
    if (strategiesFollow.size) {
      const open = await tx
        .select()
        .from(strategies)
        .where(and(inArray(strategies.goalId, [...strategiesFollow]), ne(strategies.status, "done")))
        .orderBy(asc(strategies.createdAt), asc(strategies.id));
      const values = open.flatMap((s) => {
        const cycleTarget = nextCycleOf.get(s.cycleId);
        if (!cycleTarget) return [];
        return [
          {
            goalId: carriedGoal.get(s.goalId)!,
            cycleId: cycleTarget,
            title: s.title,
            ownerName: s.ownerName,
            ownerId: s.ownerId,
            dueDate: sameDayNextYear(s.dueDate),
            status: s.status,
          },
        ];
      });
      if (values.length) await tx.insert(strategies).values(values);
      strategiesCarried = values.length;
    }
    if (carriedIds.length) {
      const adoptions = await tx.select().from(goalAdoptions).where(inArray(goalAdoptions.goalId, carriedIds));
      const adoptionValues = adoptions.flatMap((a) => {
        const cycleTarget = nextCycleOf.get(a.cycleId);
        return cycleTarget && a.localTarget && oldSchoolOf.has(a.cycleId) ? [{ goalId: carriedGoal.get(a.goalId)!, cycleId: cycleTarget, localTarget: a.localTarget }] : [];
      });
      if (adoptionValues.length) await tx.insert(goalAdoptions).values(adoptionValues);
    }

    // 6. End-of-year scores become next year's baseline, item by item along the rubric's lineage.
    const yearLabel = schoolYearLabel(row.startYear);
    const endScores = await tx
      .select({ score: rubricScores, lineageId: rubricItems.lineageId })
      .from(rubricScores)
      .innerJoin(rubricItems, eq(rubricItems.id, rubricScores.rubricItemId))
      .where(and(inArray(rubricScores.cycleId, [...nextCycleOf.keys()]), eq(rubricScores.checkpoint, "endyear")));
    const baselineValues = endScores.flatMap(({ score, lineageId }) => {
      const cycleTarget = nextCycleOf.get(score.cycleId);
      const item = newItemOfLineage.get(lineageId);
      if (!cycleTarget || !item) return [];
      return [
        {
          cycleId: cycleTarget,
          rubricItemId: item,
          checkpoint: "baseline" as const,
          level: score.level,
          evidence: carriedScoreEvidence(yearLabel, score.evidence),
          evidenceLinks: score.evidenceLinks,
          scoredBy: score.scoredBy,
          scoredAt: now,
        },
      ];
    });
    if (baselineValues.length) await tx.insert(rubricScores).values(baselineValues);

    // 7. Each action plan continues as next year's plan, its goal blocks pointing at the goals that carried on.
    const titles = new Map(allGoals.map((g) => [g.id, g.title]));
    let plansCarried = 0;
    for (const plan of previousPlans) {
      const cycleTarget = nextCycleOf.get(plan.cycleId);
      if (!cycleTarget) continue;
      const [created] = await tx.insert(planDocuments).values({ districtId: actor.districtId, cycleId: cycleTarget, createdBy: actor.id }).returning();
      const content = carryPlanContent(plan.json, { next: carriedGoal, titles }, yearLabel, schoolYearLabel(nextYear));
      await tx.insert(docUpdates).values({ documentId: created.id, seq: 1, update: updateFromJSON(content), userId: null });
      plansCarried++;
    }

    const result: LaunchResult = {
      closedCycleId: cycleId,
      nextCycleId: next.id,
      schoolsClosed: closedSchools.length,
      schoolsOpened: nextSchoolCycles.length,
      goalsCarried: carriedGoal.size,
      goalsClosed,
      strategiesCarried,
      notCarried,
      baselineScoresCarried: baselineValues.length,
      plansCarried,
      plansDamaged,
    };
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "cycle.close",
      entityType: "cycle",
      entityId: cycleId,
      details: { startYear: row.startYear, schools: closedSchools.length, goalsClosed, nextCycleId: next.id },
      ip,
    });
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "cycle.launch",
      entityType: "cycle",
      entityId: next.id,
      details: {
        startYear: nextYear,
        fromCycleId: cycleId,
        schools: nextSchoolCycles.length,
        goalsCarried: carriedGoal.size,
        strategiesCarried,
        notCarried,
        baselineScoresCarried: baselineValues.length,
        plansCarried,
        plansDamaged,
      },
      ip,
    });
    return result;
  });
  // The closed year's plans are read-only now: open editors are downgraded at once, not at the next periodic check.
  await accessChanged(null);
  return launched;
}

/**
 * What the launch that opened this cycle said about damaged plans (its audit record holds the sentences), for the
 * notice the lead sees after launching. Scoped to the actor's district; nothing for a cycle no launch opened.
 */
export async function damagedPlansAtLaunch(db: Database, actor: Actor, cycleId: string): Promise<string[]> {
  const [event] = await db
    .select({ details: auditEvents.details })
    .from(auditEvents)
    .where(and(eq(auditEvents.districtId, actor.districtId), eq(auditEvents.action, "cycle.launch"), eq(auditEvents.entityType, "cycle"), eq(auditEvents.entityId, cycleId)))
    .limit(1);
  const notes = event?.details.plansDamaged;
  return Array.isArray(notes) ? notes.filter((note): note is string => typeof note === "string") : [];
}

// ---------------------------------------------------------------------------------------------------------------
// Schools that join mid-year

/**
 * Gives a school a cycle in each of the district's open cycles it has none in: a school added (or brought back)
 * after a year was opened takes part in that year from then on, with the district's dates and rubric.
 */
export async function ensureSchoolCycles(tx: Pick<Database, "select" | "insert">, districtId: string, schoolId: string): Promise<string[]> {
  const open = await tx
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtId, districtId), isNull(cycles.schoolId), ne(cycles.status, "closed")));
  if (open.length === 0) return [];
  const existing = await tx
    .select({ districtCycleId: cycles.districtCycleId })
    .from(cycles)
    .where(and(eq(cycles.schoolId, schoolId), inArray(cycles.districtCycleId, open.map((c) => c.id))));
  const have = new Set(existing.map((e) => e.districtCycleId));
  const missing = open.filter((c) => !have.has(c.id));
  if (missing.length === 0) return [];
  const created = await tx
    .insert(cycles)
    .values(
      missing.map((c) => ({
        districtId,
        schoolId,
        districtCycleId: c.id,
        startYear: c.startYear,
        status: c.status,
        rubricVersionId: c.rubricVersionId,
        baselineDate: c.baselineDate,
        midyearDate: c.midyearDate,
        endyearDate: c.endyearDate,
      })),
    )
    .returning({ id: cycles.id });
  return created.map((c) => c.id);
}

// ---------------------------------------------------------------------------------------------------------------
// A goal across years

export interface GoalYearLink {
  goalId: string;
  cycleId: string;
  title: string;
  yearLabel: string;
  decision: GoalDecision | null;
  decisionNote: string;
}

/**
 * Where a goal came from and where it went: the previous year's goal it continues (with the decision that carried
 * it) and the next year's goal that continues it. Only goals of the actor's district, in cycles the actor may read.
 */
export async function goalAcrossYears(db: Database, actor: Actor, goal: { id: string; carriedFromId: string | null }) {
  const link = async (where: ReturnType<typeof eq>): Promise<GoalYearLink | null> => {
    const [row] = await db
      .select({ goal: goals, cycle: cycles })
      .from(goals)
      .innerJoin(cycles, eq(cycles.id, goals.cycleId))
      .where(and(where, eq(cycles.districtId, actor.districtId)))
      .limit(1);
    if (!row || !can(actor, "cycle:read", scopeOf(row.cycle))) return null;
    return {
      goalId: row.goal.id,
      cycleId: row.cycle.id,
      title: row.goal.title,
      yearLabel: schoolYearLabel(row.cycle.startYear),
      decision: row.goal.decision,
      decisionNote: row.goal.decisionNote,
    };
  };
  return {
    carriedFrom: goal.carriedFromId ? await link(eq(goals.id, goal.carriedFromId)) : null,
    carriedInto: await link(eq(goals.carriedFromId, goal.id)),
  };
}
