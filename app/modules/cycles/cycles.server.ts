// Queries and commands for cycles and their rubric scores, scoped to the actor's district and schools.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { cycles, focusAreas, rubricItems, rubricScores, rubricVersions, schools, users } from "#db/schema";
import { createDefaultRubric, latestRubricVersion } from "#db/seed/catalog.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import type { Checkpoint, NewCycleInput, RubricScoreForm } from "./cycles.schema";
import { wordingDiffers } from "./rubric-versions";
import { checkpointIndex, checkpoints, validateCheckpointDates } from "./school-year";

export type CycleRow = typeof cycles.$inferSelect;

const scopeOf = (cycle: Pick<CycleRow, "districtId" | "schoolId">) => ({ districtId: cycle.districtId, schoolId: cycle.schoolId });

/**
 * Opens the district's cycle for a school year, and with it one cycle per active school, all on the
 * district's current rubric. School cycles follow the district's checkpoint dates.
 */
export async function createDistrictCycle(db: Database, actor: Actor, input: NewCycleInput, ip?: string) {
  requirePermission(actor, "cycle:edit", { districtId: actor.districtId });
  const problems = validateCheckpointDates({ baseline: input.baselineDate, midyear: input.midyearDate, endyear: input.endyearDate }, input.startYear);
  if (problems.length) {
    const fieldErrors: Record<string, string[]> = {};
    for (const p of problems) (fieldErrors[`${p.field}Date`] ??= []).push(p.message);
    throw new ValidationFailed(fieldErrors);
  }
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: cycles.id })
      .from(cycles)
      .where(and(eq(cycles.districtId, actor.districtId), isNull(cycles.schoolId), eq(cycles.startYear, input.startYear)));
    if (existing) throw new Conflict("The district already has a cycle for that school year.", "startYear");
    const rubric = (await latestRubricVersion(tx, actor.districtId)) ?? (await createDefaultRubric(tx, actor.districtId, actor.id)).version;
    const dates = { baselineDate: input.baselineDate, midyearDate: input.midyearDate, endyearDate: input.endyearDate };
    const [districtCycle] = await tx
      .insert(cycles)
      .values({ districtId: actor.districtId, startYear: input.startYear, rubricVersionId: rubric.id, ...dates })
      .returning();
    const activeSchools = await tx
      .select({ id: schools.id })
      .from(schools)
      .where(and(eq(schools.districtId, actor.districtId), isNull(schools.archivedAt)));
    if (activeSchools.length) {
      await tx.insert(cycles).values(
        activeSchools.map((school) => ({
          districtId: actor.districtId,
          schoolId: school.id,
          districtCycleId: districtCycle.id,
          startYear: input.startYear,
          rubricVersionId: rubric.id,
          ...dates,
        })),
      );
    }
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "cycle.create",
      entityType: "cycle",
      entityId: districtCycle.id,
      details: { startYear: input.startYear, schools: activeSchools.length },
      ip,
    });
    return districtCycle;
  });
}

/** The district's cycles, newest first, each with the school cycles the actor may read. */
export async function listCycles(db: Database, actor: Actor) {
  requirePermission(actor, "cycle:read", { districtId: actor.districtId });
  const rows = await db
    .select({ cycle: cycles, schoolName: schools.name })
    .from(cycles)
    .leftJoin(schools, eq(schools.id, cycles.schoolId))
    .where(eq(cycles.districtId, actor.districtId))
    .orderBy(desc(cycles.startYear), asc(schools.name));
  const readable = rows.filter((r) => can(actor, "cycle:read", scopeOf(r.cycle)));
  return readable
    .filter((r) => !r.cycle.schoolId)
    .map((d) => ({
      ...d.cycle,
      schools: readable.filter((s) => s.cycle.districtCycleId === d.cycle.id).map((s) => ({ ...s.cycle, schoolName: s.schoolName ?? "" })),
    }));
}

/** One cycle; another district's id is NotFound, one the actor may not read Forbidden. */
export async function getCycle(db: Database, actor: Actor, cycleId: string) {
  const [row] = await db
    .select({ cycle: cycles, schoolName: schools.name })
    .from(cycles)
    .leftJoin(schools, eq(schools.id, cycles.schoolId))
    .where(and(eq(cycles.id, cycleId), eq(cycles.districtId, actor.districtId)));
  if (!row) throw new NotFound("cycle");
  requirePermission(actor, "cycle:read", scopeOf(row.cycle));
  return { ...row.cycle, schoolName: row.schoolName, canEdit: can(actor, "cycle:edit", scopeOf(row.cycle)) && row.cycle.status !== "closed" };
}

export interface RubricBoardScore {
  level: number;
  evidence: string;
  evidenceLinks: string[];
  scoredBy: string | null;
  scoredAt: Date;
  version: number;
  /** The version this score was given under, and its words when they differ from the item's current ones. */
  givenUnder: { versionNumber: number; wordingDiffers: boolean; title: string; descriptor: string };
}

export interface RubricBoardItem {
  id: string;
  lineageId: string;
  title: string;
  focusAreaId: string;
  levels: [string, string, string, string];
  scores: Partial<Record<Checkpoint, RubricBoardScore>>;
}

/**
 * The cycle's rubric (its current version), grouped by focus area, with every score given so far and who gave it.
 * Scores are matched to items by lineage, so one given under an earlier version shows on the item it became.
 */
export async function getRubricBoard(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const areas = await db.select().from(focusAreas).orderBy(asc(focusAreas.position));
  const [version] = await db.select({ number: rubricVersions.number }).from(rubricVersions).where(eq(rubricVersions.id, cycle.rubricVersionId));
  const items = await db
    .select()
    .from(rubricItems)
    .where(eq(rubricItems.rubricVersionId, cycle.rubricVersionId))
    .orderBy(asc(rubricItems.position));
  const scores = await db
    .select({ score: rubricScores, scorer: users.name, given: rubricItems, versionNumber: rubricVersions.number })
    .from(rubricScores)
    .innerJoin(rubricItems, eq(rubricItems.id, rubricScores.rubricItemId))
    .innerJoin(rubricVersions, eq(rubricVersions.id, rubricItems.rubricVersionId))
    .leftJoin(users, eq(users.id, rubricScores.scoredBy))
    .where(eq(rubricScores.cycleId, cycleId));
  const byLineage = new Map<string, RubricBoardItem>(
    items.map((item) => [
      item.lineageId,
      {
        id: item.id,
        lineageId: item.lineageId,
        title: item.title,
        focusAreaId: item.focusAreaId,
        levels: [item.level1, item.level2, item.level3, item.level4],
        scores: {},
      },
    ]),
  );
  for (const { score, scorer, given, versionNumber } of scores) {
    const item = byLineage.get(given.lineageId);
    if (!item) continue;
    const givenLevels = [given.level1, given.level2, given.level3, given.level4] as const;
    item.scores[score.checkpoint] = {
      level: score.level,
      evidence: score.evidence,
      evidenceLinks: score.evidenceLinks,
      scoredBy: scorer,
      scoredAt: score.scoredAt,
      version: score.version,
      givenUnder: {
        versionNumber,
        wordingDiffers: given.id !== item.id && wordingDiffers({ title: given.title, levels: givenLevels }, item),
        title: given.title,
        descriptor: givenLevels[score.level - 1] ?? "",
      },
    };
  }
  return {
    cycle,
    rubricVersion: { id: cycle.rubricVersionId, number: version?.number ?? 1 },
    focusAreas: areas
      .map((area) => ({ ...area, items: [...byLineage.values()].filter((i) => i.focusAreaId === area.id) }))
      .filter((area) => area.items.length > 0),
  };
}

/**
 * Records a level and its evidence for one rubric item at one checkpoint. The form sends the version it
 * was loaded with; if someone saved in between, nothing is written and StaleEdit carries their values.
 */
export async function scoreRubricItem(db: Database, actor: Actor, cycleId: string, input: RubricScoreForm, ip?: string) {
  const cycle = await getCycle(db, actor, cycleId);
  requirePermission(actor, "cycle:edit", scopeOf(cycle));
  if (cycle.status === "closed") throw new Conflict("This cycle is closed and read-only.");
  return db.transaction(async (tx) => {
    const [item] = await tx
      .select({ id: rubricItems.id, lineageId: rubricItems.lineageId })
      .from(rubricItems)
      .where(and(eq(rubricItems.id, input.rubricItemId), eq(rubricItems.rubricVersionId, cycle.rubricVersionId)));
    if (!item) throw new ValidationFailed({ rubricItemId: ["That item is not on this cycle's rubric."] });
    // By lineage: a score given under an earlier rubric version is this item's score too, and re-scoring replaces it.
    const [existing] = (
      await tx
        .select({ score: rubricScores })
        .from(rubricScores)
        .innerJoin(rubricItems, eq(rubricItems.id, rubricScores.rubricItemId))
        .where(and(eq(rubricScores.cycleId, cycleId), eq(rubricItems.lineageId, item.lineageId), eq(rubricScores.checkpoint, input.checkpoint)))
        .for("update", { of: rubricScores })
    ).map((row) => row.score);
    if ((existing?.version ?? null) !== input.expectedVersion) {
      throw new StaleEdit(
        existing
          ? { level: existing.level, evidence: existing.evidence, evidenceLinks: existing.evidenceLinks, version: existing.version }
          : { level: null, evidence: "", evidenceLinks: [], version: null },
      );
    }
    const values = { level: input.level, evidence: input.evidence, evidenceLinks: input.evidenceLinks, scoredBy: actor.id, scoredAt: new Date() };
    const [saved] = existing
      ? await tx
          .update(rubricScores)
          .set({ ...values, rubricItemId: item.id, version: existing.version + 1 })
          .where(eq(rubricScores.id, existing.id))
          .returning()
      : await tx
          .insert(rubricScores)
          .values({ cycleId, rubricItemId: input.rubricItemId, checkpoint: input.checkpoint, ...values })
          .returning();
    await bumpScoreRevision(tx, cycle);
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "rubric.score",
      entityType: "rubric_score",
      entityId: saved.id,
      details: {
        cycleId,
        rubricItemId: input.rubricItemId,
        checkpoint: input.checkpoint,
        from: existing?.level ?? null,
        to: input.level,
        ...(existing && existing.rubricItemId !== item.id ? { replacedUnderItemId: existing.rubricItemId } : {}),
      },
      ip,
    });
    return saved;
  });
}

/** Marks the district cycle's scores as changed (a school's score changes its district's roll-up too). */
export async function bumpScoreRevision(tx: Pick<Database, "update">, cycle: Pick<CycleRow, "id" | "districtCycleId">) {
  await tx
    .update(cycles)
    .set({ scoreRevision: sql`${cycles.scoreRevision} + 1` })
    .where(eq(cycles.id, cycle.districtCycleId ?? cycle.id));
}

/**
 * The district cycle's schools side by side at one checkpoint (the latest scored one when none is asked for),
 * with the scores of that checkpoint and the one before it — only what the roll-up shows, so a district of
 * hundreds of schools does not load every score of the year.
 */
export async function getRollup(db: Database, actor: Actor, cycleId: string, wanted?: Checkpoint) {
  const cycle = await getCycle(db, actor, cycleId);
  if (cycle.schoolId) throw new NotFound("district cycle");
  const schoolCycles = await db
    .select({ id: cycles.id, schoolId: cycles.schoolId, name: schools.name })
    .from(cycles)
    .innerJoin(schools, eq(schools.id, cycles.schoolId))
    .where(and(eq(cycles.districtCycleId, cycleId), eq(cycles.districtId, actor.districtId)))
    .orderBy(asc(schools.name));
  const readable = schoolCycles.filter((c) => can(actor, "cycle:read", { districtId: actor.districtId, schoolId: c.schoolId }));
  const everySchool = readable.length === schoolCycles.length;
  // Whole-district readers filter by the district cycle; others by the school cycles they may read.
  const inScope = everySchool
    ? inArray(rubricScores.cycleId, db.select({ id: cycles.id }).from(cycles).where(eq(cycles.districtCycleId, cycleId)))
    : inArray(rubricScores.cycleId, readable.length ? readable.map((c) => c.id) : ["00000000-0000-0000-0000-000000000000"]);
  const scored = await db.selectDistinct({ checkpoint: rubricScores.checkpoint }).from(rubricScores).where(inScope);
  const checkpoint = wanted ?? latestOf(scored.map((r) => r.checkpoint));
  const index = checkpointIndex(checkpoint);
  const previous = index > 0 ? checkpoints[index - 1] : null;
  const versionItems = await db
    .select({ id: rubricItems.id, title: rubricItems.title, focusAreaId: rubricItems.focusAreaId, lineageId: rubricItems.lineageId })
    .from(rubricItems)
    .where(eq(rubricItems.rubricVersionId, cycle.rubricVersionId))
    .orderBy(asc(rubricItems.position));
  const items = versionItems.map(({ id, title, focusAreaId }) => ({ id, title, focusAreaId }));
  // Scores given under an earlier rubric version count for the item they became (same lineage).
  const itemOfLineage = new Map(versionItems.map((i) => [i.lineageId, i.id]));
  const raw = await db
    .select({ cycleId: rubricScores.cycleId, lineageId: rubricItems.lineageId, checkpoint: rubricScores.checkpoint, level: rubricScores.level })
    .from(rubricScores)
    .innerJoin(rubricItems, eq(rubricItems.id, rubricScores.rubricItemId))
    .where(and(inScope, inArray(rubricScores.checkpoint, previous ? [previous, checkpoint] : [checkpoint])));
  const schoolOfCycle = new Map(readable.map((c) => [c.id, c.schoolId!]));
  const scores = raw
    .filter((s) => itemOfLineage.has(s.lineageId))
    .map((s) => ({ schoolId: schoolOfCycle.get(s.cycleId)!, itemId: itemOfLineage.get(s.lineageId)!, checkpoint: s.checkpoint, level: s.level as 1 | 2 | 3 | 4 }));
  return { cycle, checkpoint, previous, schools: readable.map((c) => ({ id: c.schoolId!, name: c.name, cycleId: c.id })), items, scores };
}

function latestOf(scored: Checkpoint[]): Checkpoint {
  return [...checkpoints].reverse().find((c) => scored.includes(c)) ?? "baseline";
}
