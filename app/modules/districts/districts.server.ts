// Queries and commands for a district and its schools, always scoped to the actor's district.
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { districts, schoolMemberships, schools, users } from "#db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { ensureSchoolCycles } from "~/modules/cycles/lifecycle.server";
import { readableSchoolIds, requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound } from "~/utils/errors";
import type { SchoolInput } from "./districts.schema";

export async function getDistrict(db: Database, actor: Actor) {
  requirePermission(actor, "district:read", { districtId: actor.districtId });
  const [district] = await db.select().from(districts).where(eq(districts.id, actor.districtId));
  if (!district) throw new NotFound("district");
  return district;
}

export async function updateDistrictSettings(
  db: Database,
  actor: Actor,
  input: { name: string; minCellSize: number; timeZone?: string },
  ip?: string,
) {
  requirePermission(actor, "district:manage", { districtId: actor.districtId });
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(districts).where(eq(districts.id, actor.districtId));
    if (!before) throw new NotFound("district");
    await tx
      .update(districts)
      .set({ name: input.name, minCellSize: input.minCellSize, timeZone: input.timeZone ?? before.timeZone, updatedAt: new Date() })
      .where(eq(districts.id, actor.districtId));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "district.update",
      entityType: "district",
      entityId: actor.districtId,
      details: {
        from: { name: before.name, minCellSize: before.minCellSize, timeZone: before.timeZone },
        to: { ...input, timeZone: input.timeZone ?? before.timeZone },
      },
      ip,
    });
  });
}

export interface SchoolSummary {
  id: string;
  name: string;
  level: (typeof schools.level.enumValues)[number];
  archivedAt: Date | null;
  teamSize: number;
}

/** Schools the actor may read, active first then archived, by name. */
export async function listSchools(db: Database, actor: Actor, options: { includeArchived?: boolean } = {}): Promise<SchoolSummary[]> {
  requirePermission(actor, "district:read", { districtId: actor.districtId });
  const only = readableSchoolIds(actor);
  if (only && only.length === 0) return [];
  const conditions = [eq(schools.districtId, actor.districtId)];
  if (only) conditions.push(inArray(schools.id, only));
  if (!options.includeArchived) conditions.push(isNull(schools.archivedAt));
  const rows = await db
    .select({
      id: schools.id,
      name: schools.name,
      level: schools.level,
      archivedAt: schools.archivedAt,
      teamSize: sql<number>`(select count(*) from school_membership m join app_user u on u.id = m.user_id where m.school_id = "school"."id" and u.status = 'active')`.mapWith(Number),
    })
    .from(schools)
    .where(and(...conditions))
    .orderBy(sql`${schools.archivedAt} is not null`, asc(schools.name));
  return rows;
}

/** Just the names of the active schools the actor may read: for the navigation shell, which every page loads. */
export async function listSchoolNames(db: Database, actor: Actor, options: { limit?: number } = {}): Promise<{ id: string; name: string }[]> {
  requirePermission(actor, "district:read", { districtId: actor.districtId });
  const only = readableSchoolIds(actor);
  if (only && only.length === 0) return [];
  const conditions = [eq(schools.districtId, actor.districtId), isNull(schools.archivedAt)];
  if (only) conditions.push(inArray(schools.id, only));
  const query = db.select({ id: schools.id, name: schools.name }).from(schools).where(and(...conditions)).orderBy(asc(schools.name));
  return options.limit === undefined ? query : query.limit(options.limit);
}

/** A school of the actor's district; another district's id answers NotFound, a school the actor may not read Forbidden. */
export async function getSchool(db: Database, actor: Actor, schoolId: string) {
  const [school] = await db
    .select()
    .from(schools)
    .where(and(eq(schools.id, schoolId), eq(schools.districtId, actor.districtId)));
  if (!school) throw new NotFound("school");
  requirePermission(actor, "school:read", { districtId: actor.districtId, schoolId });
  return school;
}

export async function getSchoolTeam(db: Database, actor: Actor, schoolId: string) {
  await getSchool(db, actor, schoolId);
  return db
    .select({ id: users.id, name: users.name, email: users.email, status: users.status })
    .from(schoolMemberships)
    .innerJoin(users, eq(users.id, schoolMemberships.userId))
    .where(and(eq(schoolMemberships.schoolId, schoolId), eq(users.districtId, actor.districtId)))
    .orderBy(asc(users.name));
}

async function assertNameFree(db: Pick<Database, "select">, districtId: string, name: string, exceptId?: string) {
  const [clash] = await db
    .select({ id: schools.id })
    .from(schools)
    .where(and(eq(schools.districtId, districtId), sql`lower(${schools.name}) = lower(${name})`));
  if (clash && clash.id !== exceptId) throw new Conflict("Another school in this district already has that name.", "name");
}

export async function createSchool(db: Database, actor: Actor, input: SchoolInput, ip?: string) {
  requirePermission(actor, "school:manage", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    await assertNameFree(tx, actor.districtId, input.name);
    const [school] = await tx.insert(schools).values({ districtId: actor.districtId, ...input }).returning();
    // A school added during a year joins that year's cycle, so its team has somewhere to work straight away.
    const cyclesOpened = await ensureSchoolCycles(tx, actor.districtId, school.id);
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "school.create",
      entityType: "school",
      entityId: school.id,
      details: { ...input, cyclesOpened: cyclesOpened.length },
      ip,
    });
    return school;
  });
}

export async function updateSchool(db: Database, actor: Actor, schoolId: string, input: SchoolInput, ip?: string) {
  const before = await getSchool(db, actor, schoolId);
  requirePermission(actor, "school:manage", { districtId: actor.districtId, schoolId });
  await db.transaction(async (tx) => {
    await assertNameFree(tx, actor.districtId, input.name, schoolId);
    await tx.update(schools).set({ ...input, updatedAt: new Date() }).where(eq(schools.id, schoolId));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "school.update",
      entityType: "school",
      entityId: schoolId,
      details: { from: { name: before.name, level: before.level }, to: input },
      ip,
    });
  });
}

export async function setSchoolArchived(db: Database, actor: Actor, schoolId: string, archived: boolean, ip?: string) {
  const before = await getSchool(db, actor, schoolId);
  requirePermission(actor, "school:manage", { districtId: actor.districtId, schoolId });
  if (Boolean(before.archivedAt) === archived) return;
  await db.transaction(async (tx) => {
    await tx
      .update(schools)
      .set({ archivedAt: archived ? new Date() : null, updatedAt: new Date() })
      .where(eq(schools.id, schoolId));
    if (!archived) await ensureSchoolCycles(tx, actor.districtId, schoolId);
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: archived ? "school.archive" : "school.restore",
      entityType: "school",
      entityId: schoolId,
      details: { name: before.name },
      ip,
    });
  });
}

export async function districtCounts(db: Database, actor: Actor) {
  requirePermission(actor, "district:read", { districtId: actor.districtId });
  const [schoolCount] = await db
    .select({ n: count() })
    .from(schools)
    .where(and(eq(schools.districtId, actor.districtId), isNull(schools.archivedAt)));
  const [peopleCount] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.districtId, actor.districtId), eq(users.status, "active")));
  return { schools: schoolCount.n, people: peopleCount.n };
}
