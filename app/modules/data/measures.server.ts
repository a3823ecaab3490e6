// The measures and student groups a district reports by: the shared catalog (read-only) and the district's own.
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { measures, studentGroups } from "#db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound } from "~/utils/errors";
import { slugify, type MeasureInput, type StudentGroupInput } from "./measures.schema";

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
