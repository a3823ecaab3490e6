// Goals and their strategies, and how a district goal is shared with schools: scoped to the actor's district, audited, safe against stale edits.
import { and, asc, count, desc, eq, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { auditEvents, cycles, goalAdoptions, goalRevisions, goals, goalSchools, measures, rubricItems, rubricScores, schools, strategies, users } from "#db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound, StaleEdit, ValidationFailed, type FieldErrors } from "~/utils/errors";
import { getCycle } from "./cycles.server";
import { outcomeValuesInDistrict } from "~/modules/data/views.server";
import { implementationProgress, outcomeProgress, type ImplementationProgress, type MeasureDirection, type MeasureValue, type OutcomeProgress } from "./goal-progress";
import type { AdoptionInput, GoalInput, StrategyInput } from "./goals.schema";
import { checkpointIndex, isIsoDate, type Checkpoint } from "./school-year";
import { checkSmartie, type GoalDraft, type SmartieCheck } from "./smartie";

export type GoalRow = typeof goals.$inferSelect;
export type StrategyRow = typeof strategies.$inferSelect;
export type GoalAdoptionRow = typeof goalAdoptions.$inferSelect;
type CycleRow = typeof cycles.$inferSelect;
type CycleView = Awaited<ReturnType<typeof getCycle>>;

export const closedCycleMessage = "This cycle is closed and read-only.";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === "string" && uuidPattern.test(value);

const scopeOf = (cycle: Pick<CycleRow, "districtId" | "schoolId">) => ({ districtId: cycle.districtId, schoolId: cycle.schoolId });

/** A cycle the actor may read; a malformed id is as not-found as another district's. */
async function readCycle(db: Database, actor: Actor, cycleId: string): Promise<CycleView> {
  if (!isUuid(cycleId)) throw new NotFound("cycle");
  return getCycle(db, actor, cycleId);
}

/** Writes need cycle:edit on the cycle's scope, and an open cycle. */
function requireWritable(actor: Actor, cycle: Pick<CycleRow, "districtId" | "schoolId" | "status">) {
  requirePermission(actor, "cycle:edit", scopeOf(cycle));
  if (cycle.status === "closed") throw new Conflict(closedCycleMessage);
}

/** A goal of the actor's district with the cycle it belongs to; anything else is not found. */
async function findGoal(db: Database, actor: Actor, goalId: string) {
  if (!isUuid(goalId)) throw new NotFound("goal");
  const [row] = await db
    .select({ goal: goals, cycle: cycles })
    .from(goals)
    .innerJoin(cycles, eq(cycles.id, goals.cycleId))
    .where(and(eq(goals.id, goalId), eq(cycles.districtId, actor.districtId)));
  if (!row) throw new NotFound("goal");
  return row;
}

async function chosenSchoolIds(db: Database, goalIds: string[]) {
  const bySchool = new Map<string, string[]>(goalIds.map((id) => [id, []]));
  if (goalIds.length === 0) return bySchool;
  const rows = await db.select().from(goalSchools).where(inArray(goalSchools.goalId, goalIds));
  for (const row of rows) bySchool.get(row.goalId)?.push(row.schoolId);
  for (const ids of bySchool.values()) ids.sort();
  return bySchool;
}

/** Whether a district goal is shared with the school whose cycle this is. */
async function isMirroredTo(db: Database, goal: GoalRow, goalCycle: Pick<CycleRow, "schoolId">, schoolCycle: Pick<CycleRow, "schoolId" | "districtCycleId">) {
  if (goalCycle.schoolId || !schoolCycle.schoolId || schoolCycle.districtCycleId !== goal.cycleId) return false;
  if (goal.mirrorScope === "all_schools") return true;
  if (goal.mirrorScope !== "chosen_schools") return false;
  const [row] = await db
    .select({ goalId: goalSchools.goalId })
    .from(goalSchools)
    .where(and(eq(goalSchools.goalId, goal.id), eq(goalSchools.schoolId, schoolCycle.schoolId)));
  return Boolean(row);
}

/** Not found unless the goal is the district's in the school cycle's year; a conflict when it is but is not shared with the school. */
async function requireMirroredTo(db: Database, goal: GoalRow, goalCycle: Pick<CycleRow, "schoolId">, schoolCycle: Pick<CycleRow, "schoolId" | "districtCycleId">) {
  if (goalCycle.schoolId || !schoolCycle.schoolId || schoolCycle.districtCycleId !== goal.cycleId) throw new NotFound("goal");
  if (!(await isMirroredTo(db, goal, goalCycle, schoolCycle))) throw new Conflict("This district goal is not shared with this school.");
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshots and their differences

/** The fields of a goal a revision records, in the order a change list reads them. */
export const goalSnapshotFields = [
  "kind",
  "title",
  "description",
  "relevance",
  "population",
  "inclusiveNote",
  "equityNote",
  "rubricItemId",
  "targetLevel",
  "targetCheckpoint",
  "measureId",
  "baselineValue",
  "targetValue",
  "dueDate",
  "mirrorScope",
  "schoolIds",
] as const;

export type GoalSnapshot = Record<string, unknown>;

export interface GoalFieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

type GoalWordingFields = Exclude<(typeof goalSnapshotFields)[number], "schoolIds">;

/** What a goal says (everything a revision records except its schools), for copying a goal into another cycle. */
export function goalWording(goal: Pick<GoalRow, GoalWordingFields>): Pick<GoalRow, GoalWordingFields> {
  return {
    kind: goal.kind,
    title: goal.title,
    description: goal.description,
    relevance: goal.relevance,
    population: goal.population,
    inclusiveNote: goal.inclusiveNote,
    equityNote: goal.equityNote,
    rubricItemId: goal.rubricItemId,
    targetLevel: goal.targetLevel,
    targetCheckpoint: goal.targetCheckpoint,
    measureId: goal.measureId,
    baselineValue: goal.baselineValue,
    targetValue: goal.targetValue,
    dueDate: goal.dueDate,
    mirrorScope: goal.mirrorScope,
  };
}

/** The fields a goal revision keeps, exported so bulk loaders (the benchmark) record revisions the same way. */
export function snapshotOf(goal: Pick<GoalRow, GoalWordingFields>, schoolIds: string[]): GoalSnapshot {
  return { ...goalWording(goal), schoolIds: [...schoolIds].sort() };
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The fields that differ between two snapshots of a goal, known fields first in their usual order. A missing
 * snapshot or field counts as null, so diffing against null lists every field the other one sets.
 */
export function diffGoalSnapshots(a: GoalSnapshot | null | undefined, b: GoalSnapshot | null | undefined): GoalFieldChange[] {
  const before = a ?? {};
  const after = b ?? {};
  const known = new Set<string>(goalSnapshotFields);
  const extra = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => !known.has(key)).sort();
  return [...goalSnapshotFields, ...extra]
    .filter((field) => !sameValue(before[field], after[field]))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

// ---------------------------------------------------------------------------------------------------------------
// Views: what a cycle shows of a goal

export interface StrategyView extends StrategyRow {
  /** A district step shown on a mirrored goal: read-only for the school. */
  fromDistrict: boolean;
  canEdit: boolean;
}

export type GoalProgress = ({ kind: "implementation" } & ImplementationProgress) | ({ kind: "outcome" } & OutcomeProgress);

export interface GoalView extends GoalRow {
  /** The schools a "chosen schools" goal is shared with. */
  schoolIds: string[];
  rubricItem: { id: string; title: string } | null;
  measure: { id: string; name: string; unit: string; direction: MeasureDirection } | null;
  strategies: StrategyView[];
  smartie: SmartieCheck[];
  progress: GoalProgress;
  /** Whether the actor may change the goal itself from this cycle (never a mirrored goal from a school). */
  canEdit: boolean;
}

export interface AdoptionView {
  localTarget: string;
  seenGoalVersion: number;
  version: number;
  updatedAt: Date;
}

export interface MirroredGoalView extends GoalView {
  adoption: AdoptionView | null;
  /** The district's version the school last acknowledged; 1 when it never did. */
  seenGoalVersion: number;
  changedSinceSeen: boolean;
}

const adoptionView = (row: GoalAdoptionRow): AdoptionView => ({
  localTarget: row.localTarget,
  seenGoalVersion: row.seenGoalVersion,
  version: row.version,
  updatedAt: row.updatedAt,
});

/** Goals as one cycle shows them: own goals, or (mirrored) the district's goals in a school cycle. */
async function buildGoalViews(db: Database, cycle: GoalViewCycle, rows: GoalRow[], mirrored: boolean): Promise<GoalView[]> {
  if (rows.length === 0) return [];
  const goalIds = rows.map((g) => g.id);
  const itemIds = [...new Set(rows.map((g) => g.rubricItemId).filter(isUuid))];
  const measureIds = [...new Set(rows.map((g) => g.measureId).filter(isUuid))];
  const strategyCycles = mirrored && cycle.districtCycleId ? [cycle.id, cycle.districtCycleId] : [cycle.id];

  const [schoolIdsByGoal, items, measureRows, strategyRows, scores] = await Promise.all([
    chosenSchoolIds(db, goalIds),
    itemIds.length
      ? db.select({ id: rubricItems.id, title: rubricItems.title, lineageId: rubricItems.lineageId }).from(rubricItems).where(inArray(rubricItems.id, itemIds))
      : [],
    measureIds.length
      ? db
          .select({ id: measures.id, name: measures.name, unit: measures.unit, direction: measures.direction })
          .from(measures)
          .where(inArray(measures.id, measureIds))
      : [],
    db
      .select()
      .from(strategies)
      .where(and(inArray(strategies.goalId, goalIds), inArray(strategies.cycleId, strategyCycles)))
      .orderBy(sql`${strategies.dueDate} asc nulls last`, asc(strategies.createdAt), asc(strategies.id)),
    // By lineage: a score given under an earlier rubric version counts for the item it became.
    itemIds.length
      ? db
          .select({ lineageId: rubricItems.lineageId, checkpoint: rubricScores.checkpoint, level: rubricScores.level })
          .from(rubricScores)
          .innerJoin(rubricItems, eq(rubricItems.id, rubricScores.rubricItemId))
          .where(
            and(
              eq(rubricScores.cycleId, cycle.id),
              inArray(rubricItems.lineageId, db.select({ lineageId: rubricItems.lineageId }).from(rubricItems).where(inArray(rubricItems.id, itemIds))),
            ),
          )
      : [],
  ]);

  const itemById = new Map(items.map((i) => [i.id, i]));
  const measureById = new Map(measureRows.map((m) => [m.id, m]));
  // Outcome goals read their measure at the goal's own place: a school's goal its school, a district goal the district.
  const outcomeGoals = rows.filter((goal) => goal.kind === "outcome" && goal.measureId && measureById.has(goal.measureId));
  const book = outcomeGoals.length
    ? await outcomeValuesInDistrict(db, cycle.districtId, { measureIds: outcomeGoals.map((g) => g.measureId!), startYears: [cycle.startYear] })
    : null;
  const outcomeValues = new Map<string, { minN: number; values: MeasureValue[] }>();
  for (const goal of outcomeGoals) {
    const schoolId = goal.cycleId === cycle.id ? cycle.schoolId : null;
    outcomeValues.set(goal.id, { minN: book!.minN, values: book!.valuesOf(goal.measureId!, cycle.startYear, schoolId) });
  }
  const checkpointDates = { baseline: cycle.baselineDate, midyear: cycle.midyearDate, endyear: cycle.endyearDate };

  return rows.map((goal) => {
    const lineageId = goal.rubricItemId ? itemById.get(goal.rubricItemId)?.lineageId : undefined;
    const itemScores = lineageId ? scores.filter((s) => s.lineageId === lineageId) : [];
    const measure = goal.measureId ? (measureById.get(goal.measureId) ?? null) : null;
    const smartie = checkSmartie(draftOf(goal, itemScores, measure?.direction ?? null), { startYear: cycle.startYear, checkpointDates });
    return {
      ...goal,
      schoolIds: schoolIdsByGoal.get(goal.id) ?? [],
      rubricItem: goal.rubricItemId ? (itemById.get(goal.rubricItemId) ?? null) : null,
      measure,
      strategies: strategyRows
        .filter((s) => s.goalId === goal.id)
        .map((s) => ({ ...s, fromDistrict: mirrored && s.cycleId !== cycle.id, canEdit: s.cycleId === cycle.id && cycle.canEdit })),
      smartie,
      progress: progressOf(goal, itemScores, measure, outcomeValues.get(goal.id)),
      canEdit: !mirrored && goal.cycleId === cycle.id && cycle.canEdit,
    };
  });
}

/**
 * Where the rubric activity stood when the goal was set, for SMARTIE's "ambitious": the baseline score, else the
 * earliest one. Not the latest, or a goal that has been met would read as not ambitious.
 */
function startingLevel(scores: readonly { checkpoint: Checkpoint; level: number }[]): number | null {
  if (scores.length === 0) return null;
  return [...scores].sort((a, b) => checkpointIndex(a.checkpoint) - checkpointIndex(b.checkpoint))[0].level;
}

function draftOf(goal: GoalRow, scores: readonly { checkpoint: Checkpoint; level: number }[], direction: MeasureDirection | null): GoalDraft {
  const common = {
    title: goal.title,
    description: goal.description,
    relevance: goal.relevance,
    population: goal.population,
    inclusiveNote: goal.inclusiveNote,
    equityNote: goal.equityNote,
  };
  if (goal.kind === "implementation") {
    return {
      kind: "implementation",
      ...common,
      rubricItemId: goal.rubricItemId,
      targetLevel: goal.targetLevel,
      targetCheckpoint: goal.targetCheckpoint,
      currentLevel: startingLevel(scores),
    };
  }
  return {
    kind: "outcome",
    ...common,
    measureId: goal.measureId,
    direction,
    baselineValue: goal.baselineValue,
    targetValue: goal.targetValue,
    dueDate: goal.dueDate,
  };
}

function progressOf(
  goal: GoalRow,
  scores: readonly { checkpoint: Checkpoint; level: number }[],
  measure: { direction: MeasureDirection } | null,
  data: { minN: number; values: MeasureValue[] } | undefined,
): GoalProgress {
  if (goal.kind === "implementation") {
    if (goal.targetLevel === null || goal.targetCheckpoint === null) {
      return { kind: "implementation", status: "no_data", latestLevel: null, latestCheckpoint: null, fraction: 0 };
    }
    return {
      kind: "implementation",
      ...implementationProgress({ targetLevel: goal.targetLevel, targetCheckpoint: goal.targetCheckpoint, baselineLevel: null, scores }),
    };
  }
  // Values come already suppressed from the data module; a hidden one arrives with n 0 and counts as held back.
  if (!measure || !data || goal.targetValue === null) return { kind: "outcome", status: "no_data", latest: null, fraction: 0, suppressed: false, suppressedCount: 0 };
  return {
    kind: "outcome",
    ...outcomeProgress({ direction: measure.direction, baselineValue: goal.baselineValue, targetValue: goal.targetValue, values: data.values, minN: data.minN }),
  };
}

async function withAdoptions(db: Database, cycle: GoalViewCycle, views: GoalView[]): Promise<MirroredGoalView[]> {
  if (views.length === 0) return [];
  const rows = await db
    .select()
    .from(goalAdoptions)
    .where(and(eq(goalAdoptions.cycleId, cycle.id), inArray(goalAdoptions.goalId, views.map((v) => v.id))));
  const byGoal = new Map(rows.map((r) => [r.goalId, r]));
  return views.map((view) => {
    const adoption = byGoal.get(view.id);
    const seenGoalVersion = adoption?.seenGoalVersion ?? 1;
    return { ...view, adoption: adoption ? adoptionView(adoption) : null, seenGoalVersion, changedSinceSeen: view.version > seenGoalVersion };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Goals

function goalColumns(input: GoalInput) {
  const base = {
    kind: input.kind,
    title: input.title,
    description: input.description,
    relevance: input.relevance,
    population: input.population,
    inclusiveNote: input.inclusiveNote,
    equityNote: input.equityNote,
    mirrorScope: input.mirrorScope,
  };
  return input.kind === "implementation"
    ? {
        ...base,
        rubricItemId: input.rubricItemId,
        targetLevel: input.targetLevel,
        targetCheckpoint: input.targetCheckpoint,
        measureId: null,
        baselineValue: null,
        targetValue: null,
        dueDate: null,
      }
    : {
        ...base,
        rubricItemId: null,
        targetLevel: null,
        targetCheckpoint: null,
        measureId: input.measureId,
        baselineValue: input.baselineValue,
        targetValue: input.targetValue,
        dueDate: input.dueDate,
      };
}

/**
 * Checks what only the database can: the rubric item is on the cycle's rubric, the measure is the catalog's or
 * the district's, and sharing fits the cycle. Returns the schools a "chosen schools" goal is shared with.
 */
async function validateGoal(db: Database, actor: Actor, cycle: Pick<CycleRow, "schoolId" | "rubricVersionId">, input: GoalInput) {
  const errors: FieldErrors = {};
  let schoolIds: string[] = [];
  if (cycle.schoolId && input.mirrorScope !== "none") {
    errors.mirrorScope = ["Only district goals can be shared with schools; a school's goal stays with its school."];
  }
  if (!cycle.schoolId && input.mirrorScope === "chosen_schools") {
    const wanted = [...new Set(input.schoolIds)];
    if (wanted.length === 0) {
      errors.schoolIds = ["Choose at least one school to share this goal with."];
    } else {
      const found = wanted.every(isUuid)
        ? await db
            .select({ id: schools.id })
            .from(schools)
            .where(and(eq(schools.districtId, actor.districtId), isNull(schools.archivedAt), inArray(schools.id, wanted)))
        : [];
      if (found.length !== wanted.length) errors.schoolIds = ["Choose schools of this district from the list."];
      else schoolIds = wanted.sort();
    }
  }
  if (input.kind === "implementation") {
    const [item] = isUuid(input.rubricItemId)
      ? await db
          .select({ id: rubricItems.id })
          .from(rubricItems)
          .where(and(eq(rubricItems.id, input.rubricItemId), eq(rubricItems.rubricVersionId, cycle.rubricVersionId)))
      : [];
    if (!item) errors.rubricItemId = ["Choose an activity from this cycle's rubric."];
  } else {
    const [measure] = isUuid(input.measureId)
      ? await db
          .select({ id: measures.id, name: measures.name, unit: measures.unit, scaleMin: measures.scaleMin, scaleMax: measures.scaleMax })
          .from(measures)
          .where(and(eq(measures.id, input.measureId), or(isNull(measures.districtId), eq(measures.districtId, actor.districtId))))
      : [];
    if (!measure) errors.measureId = ["Choose a measure from the list: a shared one or one of your district's."];
    else {
      // A value the measure can never take would make progress meaningless (a 120 % target is never met).
      const outside = (value: number | null) => value !== null && (value < measure.scaleMin || value > measure.scaleMax);
      const range = `“${measure.name}” runs from ${measure.scaleMin} to ${measure.scaleMax}${measure.unit === "percent" ? " %" : ""}`;
      if (outside(input.baselineValue)) errors.baselineValue = [`${range}; enter a baseline within it.`];
      if (outside(input.targetValue)) errors.targetValue = [`${range}; enter a target within it.`];
    }
  }
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  return schoolIds;
}

/** Adds a goal to a cycle and records it as version 1. */
export async function createGoal(db: Database, actor: Actor, cycleId: string, input: GoalInput, ip?: string): Promise<GoalRow & { schoolIds: string[] }> {
  const cycle = await readCycle(db, actor, cycleId);
  requireWritable(actor, cycle);
  return db.transaction(async (tx) => {
    const schoolIds = await validateGoal(tx, actor, cycle, input);
    const [goal] = await tx
      .insert(goals)
      .values({ cycleId: cycle.id, ...goalColumns(input), createdBy: actor.id })
      .returning();
    if (schoolIds.length) await tx.insert(goalSchools).values(schoolIds.map((schoolId) => ({ goalId: goal.id, schoolId })));
    const snapshot = snapshotOf(goal, schoolIds);
    await tx.insert(goalRevisions).values({ goalId: goal.id, version: goal.version, snapshot, changedBy: actor.id });
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "goal.create",
      entityType: "goal",
      entityId: goal.id,
      details: { cycleId: cycle.id, version: goal.version, after: snapshot },
      ip,
    });
    return { ...goal, schoolIds };
  });
}

/** Who saved a goal's version and when, so a conflict message can name them. */
async function goalSavedBy(db: Database, goalId: string, version: number): Promise<{ savedBy: string | null; savedAt: string | null }> {
  const [row] = await db
    .select({ name: users.name, at: goalRevisions.changedAt })
    .from(goalRevisions)
    .leftJoin(users, eq(users.id, goalRevisions.changedBy))
    .where(and(eq(goalRevisions.goalId, goalId), eq(goalRevisions.version, version)));
  return { savedBy: row?.name ?? null, savedAt: row?.at.toISOString() ?? null };
}

/**
 * Saves a new version of a goal. The form sends the version it was loaded with; if someone saved in between,
 * nothing is written and StaleEdit carries the saved values. A save that changes nothing writes nothing.
 */
export async function updateGoal(db: Database, actor: Actor, goalId: string, input: GoalInput, ip?: string): Promise<GoalRow & { schoolIds: string[] }> {
  const { cycle } = await findGoal(db, actor, goalId);
  requireWritable(actor, cycle);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(goals).where(eq(goals.id, goalId)).for("update");
    if (!existing) throw new NotFound("goal");
    const existingSchoolIds = (await chosenSchoolIds(tx, [goalId])).get(goalId) ?? [];
    const before = snapshotOf(existing, existingSchoolIds);
    if (existing.version !== input.expectedVersion) {
      throw new StaleEdit({ ...before, version: existing.version, ...(await goalSavedBy(tx, goalId, existing.version)) });
    }
    const schoolIds = await validateGoal(tx, actor, cycle, input);
    const columns = goalColumns(input);
    const after = snapshotOf(columns, schoolIds);
    const changes = diffGoalSnapshots(before, after);
    if (changes.length === 0) return { ...existing, schoolIds: existingSchoolIds };

    const version = existing.version + 1;
    const [goal] = await tx
      .update(goals)
      .set({ ...columns, version, updatedAt: new Date() })
      .where(eq(goals.id, goalId))
      .returning();
    if (changes.some((c) => c.field === "schoolIds")) {
      await tx.delete(goalSchools).where(eq(goalSchools.goalId, goalId));
      if (schoolIds.length) await tx.insert(goalSchools).values(schoolIds.map((schoolId) => ({ goalId, schoolId })));
    }
    await tx.insert(goalRevisions).values({ goalId, version, snapshot: after, changedBy: actor.id });
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "goal.update",
      entityType: "goal",
      entityId: goalId,
      details: { cycleId: cycle.id, version, changes },
      ip,
    });
    return { ...goal, schoolIds };
  });
}

/**
 * The goals a cycle works on: its own, and for a school's cycle the district goals shared with the school, each
 * with the school's adoption and whether the district changed it since the school last looked.
 */
export async function listGoalsForCycle(db: Database, actor: Actor, cycleId: string): Promise<{ own: GoalView[]; mirrored: MirroredGoalView[] }> {
  return goalViewsOfCycle(db, await readCycle(db, actor, cycleId));
}

/** What goal views read of their cycle; `canEdit` is the reader's, so a read-only caller passes false. */
export type GoalViewCycle = Pick<CycleView, "id" | "districtId" | "schoolId" | "districtCycleId" | "startYear" | "baselineDate" | "midyearDate" | "endyearDate" | "canEdit">;

/**
 * The goal views of a cycle its caller has already read with the reader's permissions (listGoalsForCycle), or read
 * on a published report's behalf, where who may see the report was decided before (reports' data blocks).
 */
export async function goalViewsOfCycle(db: Database, cycle: GoalViewCycle): Promise<{ own: GoalView[]; mirrored: MirroredGoalView[] }> {
  const ownRows = await db.select().from(goals).where(eq(goals.cycleId, cycle.id)).orderBy(asc(goals.createdAt), asc(goals.id));
  let mirroredRows: GoalRow[] = [];
  if (cycle.schoolId && cycle.districtCycleId) {
    const chosenForSchool = db.select({ goalId: goalSchools.goalId }).from(goalSchools).where(eq(goalSchools.schoolId, cycle.schoolId));
    mirroredRows = await db
      .select({ goal: goals })
      .from(goals)
      .innerJoin(cycles, eq(cycles.id, goals.cycleId))
      .where(
        and(
          eq(goals.cycleId, cycle.districtCycleId),
          eq(cycles.districtId, cycle.districtId),
          or(eq(goals.mirrorScope, "all_schools"), and(eq(goals.mirrorScope, "chosen_schools"), inArray(goals.id, chosenForSchool))),
        ),
      )
      .orderBy(asc(goals.createdAt), asc(goals.id))
      .then((rows) => rows.map((r) => r.goal));
  }
  const [own, mirrored] = await Promise.all([
    buildGoalViews(db, cycle, ownRows, false),
    buildGoalViews(db, cycle, mirroredRows, true).then((views) => withAdoptions(db, cycle, views)),
  ]);
  return { own, mirrored };
}

export interface GoalRevisionView {
  version: number;
  changedAt: Date;
  changedBy: string | null;
  /** Fields that differ from the previous revision; empty for version 1. */
  changedFields: string[];
}

export interface MirroredSchoolView {
  schoolId: string;
  schoolName: string;
  schoolCycleId: string;
  localTarget: string;
  adoptionVersion: number | null;
  seenGoalVersion: number;
  changedSinceSeen: boolean;
  /** The school's own strategies on this goal. */
  strategyCount: number;
}

export interface GoalDetail extends GoalView {
  /** True when shown in a school's cycle as a district goal shared with it. */
  mirrored: boolean;
  adoption: AdoptionView | null;
  seenGoalVersion: number | null;
  changedSinceSeen: boolean;
  /** Newest first. */
  revisions: GoalRevisionView[];
  /** For a shared district goal: the schools (the actor may read) it is shared with. */
  mirroredTo: MirroredSchoolView[];
}

/**
 * One goal with its history and strategies. With `forCycleId` a school's cycle, a district goal shared with that
 * school is shown as the school sees it (its strategies, adoption and what changed); otherwise as its own cycle does.
 */
export async function getGoal(db: Database, actor: Actor, goalId: string, options: { forCycleId?: string } = {}): Promise<GoalDetail> {
  const { goal, cycle: goalCycle } = await findGoal(db, actor, goalId);
  const mirrored = Boolean(options.forCycleId && options.forCycleId !== goal.cycleId);
  const viewing = await readCycle(db, actor, mirrored ? options.forCycleId! : goal.cycleId);
  if (mirrored && !(await isMirroredTo(db, goal, goalCycle, viewing))) throw new NotFound("goal");

  const [view] = await buildGoalViews(db, viewing, [goal], mirrored);
  const adopted = mirrored ? (await withAdoptions(db, viewing, [view]))[0] : null;

  const revisionRows = await db
    .select({ version: goalRevisions.version, changedAt: goalRevisions.changedAt, snapshot: goalRevisions.snapshot, changedBy: users.name })
    .from(goalRevisions)
    .leftJoin(users, eq(users.id, goalRevisions.changedBy))
    .where(eq(goalRevisions.goalId, goal.id))
    .orderBy(asc(goalRevisions.version));
  const revisions = revisionRows
    .map((row, i) => ({
      version: row.version,
      changedAt: row.changedAt,
      changedBy: row.changedBy,
      changedFields: i === 0 ? [] : diffGoalSnapshots(revisionRows[i - 1].snapshot, row.snapshot).map((c) => c.field),
    }))
    .reverse();

  return {
    ...view,
    mirrored,
    adoption: adopted?.adoption ?? null,
    seenGoalVersion: adopted?.seenGoalVersion ?? null,
    changedSinceSeen: adopted?.changedSinceSeen ?? false,
    revisions,
    mirroredTo: goalCycle.schoolId ? [] : await mirroredSchools(db, actor, goal, view.schoolIds),
  };
}

async function mirroredSchools(db: Database, actor: Actor, goal: GoalRow, chosen: string[]): Promise<MirroredSchoolView[]> {
  if (goal.mirrorScope === "none") return [];
  const schoolCycles = await db
    .select({ cycleId: cycles.id, schoolId: schools.id, schoolName: schools.name })
    .from(cycles)
    .innerJoin(schools, eq(schools.id, cycles.schoolId))
    .where(and(eq(cycles.districtCycleId, goal.cycleId), eq(cycles.districtId, actor.districtId)))
    .orderBy(asc(schools.name));
  const targets = schoolCycles.filter(
    (sc) => (goal.mirrorScope === "all_schools" || chosen.includes(sc.schoolId)) && can(actor, "cycle:read", { districtId: actor.districtId, schoolId: sc.schoolId }),
  );
  if (targets.length === 0) return [];
  const cycleIds = targets.map((t) => t.cycleId);
  const [adoptions, counts] = await Promise.all([
    db
      .select()
      .from(goalAdoptions)
      .where(and(eq(goalAdoptions.goalId, goal.id), inArray(goalAdoptions.cycleId, cycleIds))),
    db
      .select({ cycleId: strategies.cycleId, n: count() })
      .from(strategies)
      .where(and(eq(strategies.goalId, goal.id), inArray(strategies.cycleId, cycleIds)))
      .groupBy(strategies.cycleId),
  ]);
  return targets.map((t) => {
    const adoption = adoptions.find((a) => a.cycleId === t.cycleId);
    const seenGoalVersion = adoption?.seenGoalVersion ?? 1;
    return {
      schoolId: t.schoolId,
      schoolName: t.schoolName,
      schoolCycleId: t.cycleId,
      localTarget: adoption?.localTarget ?? "",
      adoptionVersion: adoption?.version ?? null,
      seenGoalVersion,
      changedSinceSeen: goal.version > seenGoalVersion,
      strategyCount: Number(counts.find((c) => c.cycleId === t.cycleId)?.n ?? 0),
    };
  });
}

/** The school's cycle, the goal, and the checks every school-side write on a mirrored goal needs. */
async function mirroredGoalForWrite(db: Database, actor: Actor, goalId: string, schoolCycleId: string) {
  const schoolCycle = await readCycle(db, actor, schoolCycleId);
  const { goal, cycle: goalCycle } = await findGoal(db, actor, goalId);
  requireWritable(actor, schoolCycle);
  await requireMirroredTo(db, goal, goalCycle, schoolCycle);
  return { schoolCycle, goal };
}

export interface GoalSeenResult {
  goalId: string;
  schoolCycleId: string;
  previousSeenVersion: number;
  seenGoalVersion: number;
  /** What changed between the version the school had seen and the one it now acknowledges. */
  changes: GoalFieldChange[];
}

/** The school acknowledges the district's latest version of a shared goal; returns what it acknowledged. */
export async function markGoalSeen(db: Database, actor: Actor, goalId: string, schoolCycleId: string, ip?: string): Promise<GoalSeenResult> {
  const { schoolCycle } = await mirroredGoalForWrite(db, actor, goalId, schoolCycleId);
  return db.transaction(async (tx) => {
    // Locking the goal keeps its version and the revision read here in step with a district save.
    const [goal] = await tx.select().from(goals).where(eq(goals.id, goalId)).for("update");
    if (!goal) throw new NotFound("goal");
    const [adoption] = await tx
      .select()
      .from(goalAdoptions)
      .where(and(eq(goalAdoptions.goalId, goalId), eq(goalAdoptions.cycleId, schoolCycle.id)))
      .for("update");
    const previousSeenVersion = adoption?.seenGoalVersion ?? 1;
    const result = { goalId, schoolCycleId: schoolCycle.id, previousSeenVersion, seenGoalVersion: goal.version };
    if (previousSeenVersion >= goal.version) return { ...result, changes: [] };

    const snapshots = await tx
      .select({ version: goalRevisions.version, snapshot: goalRevisions.snapshot })
      .from(goalRevisions)
      .where(and(eq(goalRevisions.goalId, goalId), inArray(goalRevisions.version, [previousSeenVersion, goal.version])));
    const changes = diffGoalSnapshots(
      snapshots.find((s) => s.version === previousSeenVersion)?.snapshot,
      snapshots.find((s) => s.version === goal.version)?.snapshot,
    );
    await tx
      .insert(goalAdoptions)
      .values({ goalId, cycleId: schoolCycle.id, seenGoalVersion: goal.version })
      .onConflictDoUpdate({
        target: [goalAdoptions.goalId, goalAdoptions.cycleId],
        // The adoption's own version guards the local target; acknowledging a change leaves it alone.
        set: { seenGoalVersion: goal.version, updatedAt: new Date() },
      });
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "goal.seen",
      entityType: "goal",
      entityId: goalId,
      details: { cycleId: schoolCycle.id, from: previousSeenVersion, to: goal.version, changes: changes.map((c) => c.field) },
      ip,
    });
    return { ...result, changes };
  });
}

/** A school's local target on a district goal shared with it. `expectedVersion` is null before the first save. */
export async function setAdoption(
  db: Database,
  actor: Actor,
  goalId: string,
  schoolCycleId: string,
  input: AdoptionInput,
  ip?: string,
): Promise<GoalAdoptionRow> {
  const { schoolCycle } = await mirroredGoalForWrite(db, actor, goalId, schoolCycleId);
  return db.transaction(async (tx) => {
    const where = and(eq(goalAdoptions.goalId, goalId), eq(goalAdoptions.cycleId, schoolCycle.id));
    const [existing] = await tx.select().from(goalAdoptions).where(where).for("update");
    const stale = (row: GoalAdoptionRow | undefined) =>
      new StaleEdit(row ? { localTarget: row.localTarget, version: row.version } : { localTarget: "", version: null });
    if ((existing?.version ?? null) !== input.expectedVersion) throw stale(existing);
    let saved: GoalAdoptionRow | undefined;
    if (existing) {
      [saved] = await tx
        .update(goalAdoptions)
        .set({ localTarget: input.localTarget, version: existing.version + 1, updatedAt: new Date() })
        .where(where)
        .returning();
    } else {
      [saved] = await tx.insert(goalAdoptions).values({ goalId, cycleId: schoolCycle.id, localTarget: input.localTarget }).onConflictDoNothing().returning();
      // Someone else created it between our read and our insert.
      if (!saved) throw stale((await tx.select().from(goalAdoptions).where(where))[0]);
    }
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "goal.adopt",
      entityType: "goal_adoption",
      entityId: goalId,
      details: { cycleId: schoolCycle.id, before: existing?.localTarget ?? null, after: input.localTarget, version: saved.version },
      ip,
    });
    return saved;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Strategies

const strategyFields = ["title", "ownerName", "dueDate", "status"] as const;

const strategyValues = (row: Pick<StrategyRow, (typeof strategyFields)[number]>) => ({
  title: row.title,
  ownerName: row.ownerName,
  dueDate: row.dueDate,
  status: row.status,
});

/**
 * Adds a step to a goal in a cycle: the goal's own cycle, or a school's cycle adding its own steps to a district
 * goal shared with it.
 */
export async function addStrategy(db: Database, actor: Actor, goalId: string, cycleId: string, input: StrategyInput, ip?: string): Promise<StrategyRow> {
  const cycle = await readCycle(db, actor, cycleId);
  const { goal, cycle: goalCycle } = await findGoal(db, actor, goalId);
  requireWritable(actor, cycle);
  if (goal.cycleId !== cycle.id) await requireMirroredTo(db, goal, goalCycle, cycle);
  return db.transaction(async (tx) => {
    const [strategy] = await tx
      .insert(strategies)
      .values({ goalId, cycleId: cycle.id, ...strategyValues(input) })
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "strategy.create",
      entityType: "strategy",
      entityId: strategy.id,
      details: { goalId, cycleId: cycle.id, after: strategyValues(strategy) },
      ip,
    });
    return strategy;
  });
}

/** A step of the actor's district with the cycle that owns it; anything else is not found. */
async function findStrategy(db: Database, actor: Actor, strategyId: string) {
  if (!isUuid(strategyId)) throw new NotFound("strategy");
  const [found] = await db
    .select({ strategy: strategies, cycle: cycles })
    .from(strategies)
    .innerJoin(cycles, eq(cycles.id, strategies.cycleId))
    .where(and(eq(strategies.id, strategyId), eq(cycles.districtId, actor.districtId)));
  if (!found) throw new NotFound("strategy");
  return found;
}

/**
 * Who last wrote a step and when. Strategies keep no author column, so the audit log (written in the same
 * transaction as every change) is the record of who.
 */
async function strategySavedBy(db: Database, actor: Actor, strategy: StrategyRow): Promise<{ savedBy: string | null; savedAt: string }> {
  const [row] = await db
    .select({ name: users.name })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(eq(auditEvents.districtId, actor.districtId), eq(auditEvents.entityType, "strategy"), eq(auditEvents.entityId, strategy.id)))
    .orderBy(desc(auditEvents.at))
    .limit(1);
  return { savedBy: row?.name ?? null, savedAt: strategy.updatedAt.toISOString() };
}

async function staleStrategy(db: Database, actor: Actor, existing: StrategyRow) {
  return new StaleEdit({ ...strategyValues(existing), version: existing.version, ...(await strategySavedBy(db, actor, existing)) });
}

export interface StrategyDetail extends StrategyRow {
  goalTitle: string;
  /** Whether the actor may change or remove it: its own cycle's editors, while that cycle is open. */
  canEdit: boolean;
  cycleStatus: CycleRow["status"];
}

/** One step as its edit form needs it; readable by whoever may read its cycle. */
export async function getStrategy(db: Database, actor: Actor, strategyId: string): Promise<StrategyDetail> {
  const { strategy } = await findStrategy(db, actor, strategyId);
  const cycle = await readCycle(db, actor, strategy.cycleId);
  const [goal] = await db.select({ title: goals.title }).from(goals).where(eq(goals.id, strategy.goalId));
  return { ...strategy, goalTitle: goal?.title ?? "", canEdit: cycle.canEdit, cycleStatus: cycle.status };
}

/** Changes a step; only its own cycle's team may, so a school never edits the district's steps. Stale saves write nothing. */
export async function updateStrategy(db: Database, actor: Actor, strategyId: string, input: StrategyInput, ip?: string): Promise<StrategyRow> {
  const found = await findStrategy(db, actor, strategyId);
  requireWritable(actor, found.cycle);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(strategies).where(eq(strategies.id, strategyId)).for("update");
    if (!existing) throw new NotFound("strategy");
    if (existing.version !== input.expectedVersion) throw await staleStrategy(tx, actor, existing);
    const before = strategyValues(existing);
    const after = strategyValues(input);
    const changes = strategyFields
      .filter((field) => before[field] !== after[field])
      .map((field) => ({ field, before: before[field], after: after[field] }));
    if (changes.length === 0) return existing;
    const [saved] = await tx
      .update(strategies)
      .set({ ...after, version: existing.version + 1, updatedAt: new Date() })
      .where(eq(strategies.id, strategyId))
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "strategy.update",
      entityType: "strategy",
      entityId: strategyId,
      details: { goalId: existing.goalId, cycleId: existing.cycleId, version: saved.version, changes },
      ip,
    });
    return saved;
  });
}

/**
 * Removes a step, with the same rules as changing it. The version the person looked at must still be the saved
 * one, so nobody removes a step whose newer wording they never saw. The audit keeps what was removed.
 */
export async function removeStrategy(db: Database, actor: Actor, strategyId: string, expectedVersion: number | null, ip?: string): Promise<StrategyRow> {
  const found = await findStrategy(db, actor, strategyId);
  requireWritable(actor, found.cycle);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(strategies).where(eq(strategies.id, strategyId)).for("update");
    if (!existing) throw new NotFound("strategy");
    if (existing.version !== expectedVersion) throw await staleStrategy(tx, actor, existing);
    await tx.delete(strategies).where(eq(strategies.id, strategyId));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "strategy.remove",
      entityType: "strategy",
      entityId: strategyId,
      details: { goalId: existing.goalId, cycleId: existing.cycleId, version: existing.version, before: strategyValues(existing) },
      ip,
    });
    return existing;
  });
}

export interface OverdueStrategy extends StrategyRow {
  goalTitle: string;
  daysOverdue: number;
}

const dayNumber = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;

/** The cycle's own steps not done by their due date, most overdue first. `today` is YYYY-MM-DD, from the caller. */
export async function overdueStrategies(db: Database, actor: Actor, cycleId: string, today: string): Promise<OverdueStrategy[]> {
  if (!isIsoDate(today)) throw new RangeError(`today must be a date written YYYY-MM-DD, not "${today}".`);
  const cycle = await readCycle(db, actor, cycleId);
  const rows = await db
    .select({ strategy: strategies, goalTitle: goals.title })
    .from(strategies)
    .innerJoin(goals, eq(goals.id, strategies.goalId))
    .where(and(eq(strategies.cycleId, cycle.id), ne(strategies.status, "done"), lt(strategies.dueDate, today)))
    .orderBy(asc(strategies.dueDate), asc(strategies.title), asc(strategies.id));
  return rows.map(({ strategy, goalTitle }) => ({
    ...strategy,
    goalTitle,
    daysOverdue: dayNumber(today) - dayNumber(strategy.dueDate!),
  }));
}

/** What the goal form offers: this cycle's rubric items, the measures the district may use, and its schools. */
export async function goalFormOptions(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const items = await db
    .select({ id: rubricItems.id, title: rubricItems.title })
    .from(rubricItems)
    .where(eq(rubricItems.rubricVersionId, cycle.rubricVersionId))
    .orderBy(asc(rubricItems.position));
  const measureRows = await db
    .select({ id: measures.id, name: measures.name, direction: measures.direction })
    .from(measures)
    .where(or(isNull(measures.districtId), eq(measures.districtId, actor.districtId)))
    .orderBy(asc(measures.name));
  const schoolRows = cycle.schoolId
    ? []
    : await db
        .select({ id: schools.id, name: schools.name })
        .from(schools)
        .where(and(eq(schools.districtId, actor.districtId), isNull(schools.archivedAt)))
        .orderBy(asc(schools.name));
  return { cycle, rubricItems: items, measures: measureRows, schools: schoolRows };
}
