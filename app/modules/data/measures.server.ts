// The measures and student groups a district reports by: the shared catalog (read-only) and the district's own,
// which it adds and edits.
import { and, asc, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { benchmarks, districts, goals, measures, observations, studentGroups } from "#db/schema";
import { lastSavedBy, recordAudit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { refusedMeasureChanges, type MeasureUse } from "./measure-edit";
import { slugify, type MeasureEdit, type MeasureInput, type StudentGroupEdit, type StudentGroupInput } from "./measures.schema";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const normalize = (s: string) => s.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();

/** Catalog measures first, then the district's own, each by name. */
export async function listMeasures(db: Database, actor: Actor) {
  requirePermission(actor, "data:read", { districtId: actor.districtId });
  const rows = await db
    .select()
    .from(measures)
    .where(or(isNull(measures.districtId), eq(measures.districtId, actor.districtId)))
    .orderBy(sql`${measures.districtId} is not null`, asc(measures.category), asc(measures.name));
  return rows.map((m) => ({ ...m, own: m.districtId !== null }));
}

export async function getMeasureBySlug(db: Database, actor: Actor, slug: string) {
  requirePermission(actor, "data:read", { districtId: actor.districtId });
  const [found] = await db
    .select()
    .from(measures)
    .where(and(eq(measures.slug, slug), or(isNull(measures.districtId), eq(measures.districtId, actor.districtId))))
    .orderBy(sql`${measures.districtId} is null`)
    .limit(1);
  if (!found) throw new NotFound("measure");
  return found;
}

/** Adds a district measure; its name and short name must differ from every measure the district can import into. */
export async function createMeasure(db: Database, actor: Actor, input: MeasureInput, ip?: string) {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const existing = await tx
      .select({ slug: measures.slug, name: measures.name })
      .from(measures)
      .where(or(isNull(measures.districtId), eq(measures.districtId, actor.districtId)));
    if (existing.some((m) => normalize(m.name) === normalize(input.name) || m.slug === normalize(input.name))) {
      throw new Conflict("A measure with this name already exists.", "name");
    }
    const base = slugify(input.name);
    const taken = new Set(existing.map((m) => m.slug));
    let slug = base;
    for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
    const [created] = await tx
      .insert(measures)
      .values({
        districtId: actor.districtId,
        slug,
        name: input.name,
        description: input.description,
        unit: input.unit,
        direction: input.direction,
        category: input.category,
        scaleMin: input.scaleMin,
        scaleMax: input.scaleMax,
      })
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "measure.create",
      entityType: "measure",
      entityId: created.id,
      details: { name: created.name, slug, unit: input.unit, scaleMin: input.scaleMin, scaleMax: input.scaleMax },
      ip,
    });
    return created;
  });
}

/** Catalog groups in their order, then the district's own by name. */
export async function listStudentGroups(db: Database, actor: Actor) {
  requirePermission(actor, "data:read", { districtId: actor.districtId });
  const rows = await db
    .select()
    .from(studentGroups)
    .where(or(isNull(studentGroups.districtId), eq(studentGroups.districtId, actor.districtId)))
    .orderBy(sql`${studentGroups.districtId} is not null`, asc(studentGroups.sortOrder), asc(studentGroups.name));
  return rows.map((g) => ({ ...g, own: g.districtId !== null }));
}

/** Adds a group the district reports by (category "custom"): complementary suppression never treats it as a partition. */
export async function createStudentGroup(db: Database, actor: Actor, input: StudentGroupInput, ip?: string) {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const existing = await tx
      .select({ slug: studentGroups.slug, name: studentGroups.name })
      .from(studentGroups)
      .where(or(isNull(studentGroups.districtId), eq(studentGroups.districtId, actor.districtId)));
    if (existing.some((g) => normalize(g.name) === normalize(input.name) || g.slug === normalize(input.name))) {
      throw new Conflict("A student group with this name already exists.", "name");
    }
    const base = slugify(input.name);
    const taken = new Set(existing.map((g) => g.slug));
    let slug = base;
    for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
    const [created] = await tx
      .insert(studentGroups)
      .values({ districtId: actor.districtId, slug, name: input.name, category: "custom", sortOrder: 1000 })
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "student_group.create",
      entityType: "student_group",
      entityId: created.id,
      details: { name: created.name, slug },
      ip,
    });
    return created;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Editing the district's own measures and groups. The catalog's are shared by every district: a district reads them
// but never changes them (403, as for anything it may read but not edit); another district's are not found (404).

const catalogMeasure = "Catalog measures are shared by every district and can't be changed; add a measure of the district's own instead.";
const catalogGroup = "Catalog student groups are shared by every district and can't be changed; name a group of the district's own instead.";

/** Everything that reads a measure, and the values it holds; replaced results count, since an undo brings them back. */
async function measureUse(db: Pick<Database, "select">, districtId: string, measureId: string): Promise<MeasureUse> {
  const [[results], [goalRow], [benchmarkRow]] = await Promise.all([
    db
      .select({
        current: sql<number>`(count(*) filter (where ${observations.replacedByImportId} is null))::int`,
        min: sql<number | null>`min(${observations.value})::float8`,
        max: sql<number | null>`max(${observations.value})::float8`,
      })
      .from(observations)
      .where(and(eq(observations.districtId, districtId), eq(observations.measureId, measureId))),
    db
      .select({
        n: sql<number>`count(*)::int`,
        // least/greatest skip nulls, so a goal with a target and no baseline yet still counts its target.
        min: sql<number | null>`min(least(${goals.baselineValue}, ${goals.targetValue}))::float8`,
        max: sql<number | null>`max(greatest(${goals.baselineValue}, ${goals.targetValue}))::float8`,
      })
      .from(goals)
      .where(eq(goals.measureId, measureId)),
    db
      .select({ n: sql<number>`count(*)::int`, min: sql<number | null>`min(${benchmarks.value})::float8`, max: sql<number | null>`max(${benchmarks.value})::float8` })
      .from(benchmarks)
      .where(and(eq(benchmarks.districtId, districtId), eq(benchmarks.measureId, measureId))),
  ]);
  const ranges: MeasureUse["ranges"] = [];
  const range = (of: MeasureUse["ranges"][number]["of"], min: number | null, max: number | null) => {
    if (min !== null && max !== null) ranges.push({ of, min: Number(min), max: Number(max) });
  };
  range("results", results.min, results.max);
  range("goals", goalRow.min, goalRow.max);
  range("benchmarks", benchmarkRow.min, benchmarkRow.max);
  return { results: Number(results.current), goals: Number(goalRow.n), benchmarks: Number(benchmarkRow.n), ranges };
}

async function findMeasure(db: Pick<Database, "select">, actor: Actor, measureId: string, lock = false) {
  if (!UUID.test(measureId)) throw new NotFound("measure");
  const query = db
    .select()
    .from(measures)
    .where(and(eq(measures.id, measureId), or(isNull(measures.districtId), eq(measures.districtId, actor.districtId))));
  const [found] = lock ? await query.for("update") : await query;
  if (!found) throw new NotFound("measure");
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  if (found.districtId === null) throw new Forbidden(catalogMeasure);
  return found;
}

const measureValues = (m: Pick<typeof measures.$inferSelect, "name" | "description" | "category" | "unit" | "direction" | "scaleMin" | "scaleMax">) => ({
  name: m.name,
  description: m.description,
  category: m.category,
  unit: m.unit,
  direction: m.direction,
  scaleMin: m.scaleMin,
  scaleMax: m.scaleMax,
});
const measureFields = ["name", "description", "category", "unit", "direction", "scaleMin", "scaleMax"] as const;

/** One of the district's own measures as its edit form needs it, with what reads it (which fixes its unit and direction). */
export async function getMeasureForEdit(db: Database, actor: Actor, measureId: string) {
  const measure = await findMeasure(db, actor, measureId);
  return { measure, use: await measureUse(db, actor.districtId, measure.id) };
}

/**
 * Changes a district measure at the version its form showed. Its short name in files stays, so files and links that
 * use it keep working after a rename. Unit, direction and scale are checked against what already reads the measure
 * under the district's import lock, so an import or undo cannot slip in between the check and the change.
 */
export async function updateMeasure(db: Database, actor: Actor, measureId: string, input: MeasureEdit, ip?: string) {
  await findMeasure(db, actor, measureId);
  return db.transaction(async (tx) => {
    await lockDistrictData(tx, actor.districtId);
    const existing = await findMeasure(tx, actor, measureId, true);
    if (existing.version !== input.expectedVersion) {
      throw new StaleEdit({ ...measureValues(existing), version: existing.version, ...(await lastSavedBy(tx, actor.districtId, "measure", existing.id)) });
    }
    const before = measureValues(existing);
    const after = measureValues(input);
    const changes = measureFields.filter((f) => before[f] !== after[f]).map((field) => ({ field, before: before[field], after: after[field] }));
    if (changes.length === 0) return existing;
    if (before.name !== after.name) await assertNameFree(tx, actor, measures, existing.id, input.name, "A measure with this name already exists.");
    const refused = refusedMeasureChanges(before, after, await measureUse(tx, actor.districtId, existing.id));
    if (Object.keys(refused).length) throw new ValidationFailed(refused);
    const [saved] = await tx
      .update(measures)
      .set({ ...after, version: existing.version + 1 })
      .where(eq(measures.id, existing.id))
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "measure.update",
      entityType: "measure",
      entityId: saved.id,
      details: { name: saved.name, slug: saved.slug, version: saved.version, changes },
      ip,
    });
    return saved;
  });
}

/** The lock imports and undos of the district take: a measure's use cannot change while it is being checked. */
async function lockDistrictData(tx: Tx, districtId: string) {
  await tx.select({ id: districts.id }).from(districts).where(eq(districts.id, districtId)).for("update");
}

/** A new name must differ from every other measure (or group) the district can import into, by name and short name. */
async function assertNameFree(tx: Tx, actor: Actor, table: typeof measures | typeof studentGroups, ownId: string, name: string, message: string) {
  const others = await tx
    .select({ slug: table.slug, name: table.name })
    .from(table)
    .where(and(ne(table.id, ownId), or(isNull(table.districtId), eq(table.districtId, actor.districtId))));
  if (others.some((o) => normalize(o.name) === normalize(name) || o.slug === normalize(name))) throw new Conflict(message, "name");
}

async function findStudentGroup(db: Pick<Database, "select">, actor: Actor, groupId: string, lock = false) {
  if (!UUID.test(groupId)) throw new NotFound("student group");
  const query = db
    .select()
    .from(studentGroups)
    .where(and(eq(studentGroups.id, groupId), or(isNull(studentGroups.districtId), eq(studentGroups.districtId, actor.districtId))));
  const [found] = lock ? await query.for("update") : await query;
  if (!found) throw new NotFound("student group");
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  if (found.districtId === null) throw new Forbidden(catalogGroup);
  return found;
}

/** One of the district's own groups as its edit form needs it. */
export async function getStudentGroupForEdit(db: Database, actor: Actor, groupId: string) {
  const group = await findStudentGroup(db, actor, groupId);
  const [results] = await db
    .select({ n: sql<number>`(count(*) filter (where ${observations.replacedByImportId} is null))::int` })
    .from(observations)
    .where(and(eq(observations.districtId, actor.districtId), eq(observations.studentGroupId, group.id)));
  return { group, results: Number(results.n) };
}

/**
 * Renames a district group at the version its form showed; its short name in files stays. A district group is always
 * "custom" (never part of a suppression partition), and the form offers no category, so its partition cannot move.
 */
export async function updateStudentGroup(db: Database, actor: Actor, groupId: string, input: StudentGroupEdit, ip?: string) {
  await findStudentGroup(db, actor, groupId);
  return db.transaction(async (tx) => {
    const existing = await findStudentGroup(tx, actor, groupId, true);
    if (existing.version !== input.expectedVersion) {
      throw new StaleEdit({ name: existing.name, version: existing.version, ...(await lastSavedBy(tx, actor.districtId, "student_group", existing.id)) });
    }
    if (existing.name === input.name) return existing;
    await assertNameFree(tx, actor, studentGroups, existing.id, input.name, "A student group with this name already exists.");
    const [saved] = await tx
      .update(studentGroups)
      .set({ name: input.name, version: existing.version + 1 })
      .where(eq(studentGroups.id, existing.id))
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "student_group.update",
      entityType: "student_group",
      entityId: saved.id,
      details: { name: saved.name, slug: saved.slug, version: saved.version, from: { name: existing.name }, to: { name: saved.name } },
      ip,
    });
    return saved;
  });
}
