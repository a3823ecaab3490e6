// Queries and commands about people: sign-in, first run, invites, roles, deactivation.
import { and, asc, count, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { districts, invites, schoolMemberships, schools, users } from "#db/schema";
import { createDefaultRubric } from "#db/seed/catalog.server";
import { ensureDefaultProtocols } from "~/modules/reflections/reflections.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { AppConfig } from "~/config";
import { Conflict, NotFound, ValidationFailed } from "~/utils/errors";
import { hashToken, newToken } from "~/utils/tokens.server";
import { hashPassword, verifyPassword } from "./password.server";
import { requirePermission, type Actor, type Role } from "./permissions";
import type { InviteInput, UpdatePersonInput } from "./people.schema";
import { accessChanged } from "./access-events.server";
import { createSession, endUserSessions } from "./session.server";
import { beginSignInAttempt, signInFailed, signInSucceeded } from "./throttle.server";

export const INVITE_LIFETIME_MS = 7 * 24 * 3_600_000;

type SessionConfig = Pick<AppConfig, "sessionIdleMs" | "sessionMaxMs">;
interface Client {
  ip: string;
  userAgent?: string | null;
}

export type SignInResult =
  | { ok: true; token: string; userId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

export async function signIn(
  db: Database,
  input: { email: string; password: string },
  client: Client,
  config: SessionConfig,
): Promise<SignInResult> {
  const attempt = await beginSignInAttempt(db, input.email, client.ip);
  if (!attempt.allowed) return { ok: false, reason: "throttled", retryAfterMs: attempt.retryAfterMs };
  const [user] = await db
    .select({ id: users.id, districtId: users.districtId, status: users.status, passwordHash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.email}) = ${input.email.toLowerCase()}`);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !passwordOk || user.status !== "active") {
    await signInFailed(db, input.email, client.ip);
    return { ok: false, reason: "invalid" };
  }
  await signInSucceeded(db, input.email, client.ip);
  const token = await createSession(db, user.id, config, client);
  await recordAudit(db, {
    districtId: user.districtId,
    actorId: user.id,
    action: "user.sign_in",
    entityType: "user",
    entityId: user.id,
    ip: client.ip,
  });
  return { ok: true, token, userId: user.id };
}

export async function hasAnyDistrict(db: Database) {
  const [row] = await db.select({ n: count() }).from(districts);
  return row.n > 0;
}

/** First run on an empty database: the district and its first lead, in one transaction. */
export async function createFirstDistrict(
  db: Database,
  input: { districtName: string; districtSlug: string; name: string; email: string; password: string },
  ip?: string,
) {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    // Serialise concurrent first runs: only one may create the first district.
    await tx.execute(sql`lock table ${districts} in exclusive mode`);
    const [existing] = await tx.select({ n: count() }).from(districts);
    if (existing.n > 0) throw new Conflict("This Cyclekeeper already has a district. Sign in instead.");
    const [district] = await tx.insert(districts).values({ name: input.districtName, slug: input.districtSlug }).returning();
    const [lead] = await tx
      .insert(users)
      .values({
        districtId: district.id,
        email: input.email,
        name: input.name,
        role: "district_lead",
        status: "active",
        passwordHash,
      })
      .returning();
    await createDefaultRubric(tx, district.id, lead.id);
    await ensureDefaultProtocols(tx, district.id);
    await recordAudit(tx, {
      districtId: district.id,
      actorId: lead.id,
      action: "district.create",
      entityType: "district",
      entityId: district.id,
      details: { name: district.name, slug: district.slug },
      ip,
    });
    return { district, lead };
  });
}

export interface PersonRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: "invited" | "active" | "deactivated";
  studentRecords: boolean;
  schools: { id: string; name: string }[];
}

export async function listPeople(db: Database, actor: Actor): Promise<PersonRow[]> {
  requirePermission(actor, "people:manage", { districtId: actor.districtId });
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      status: users.status,
      studentRecords: users.studentRecords,
    })
    .from(users)
    .where(eq(users.districtId, actor.districtId))
    .orderBy(sql`${users.status} = 'deactivated'`, asc(users.name));
  const memberships = await schoolsOf(db, actor.districtId, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, schools: memberships.get(r.id) ?? [] }));
}

async function schoolsOf(db: Database, districtId: string, userIds: string[]) {
  const map = new Map<string, { id: string; name: string }[]>();
  if (userIds.length === 0) return map;
  const rows = await db
    .select({ userId: schoolMemberships.userId, id: schools.id, name: schools.name })
    .from(schoolMemberships)
    .innerJoin(schools, eq(schools.id, schoolMemberships.schoolId))
    .where(and(inArray(schoolMemberships.userId, userIds), eq(schools.districtId, districtId)))
    .orderBy(asc(schools.name));
  for (const row of rows) {
    const list = map.get(row.userId) ?? [];
    list.push({ id: row.id, name: row.name });
    map.set(row.userId, list);
  }
  return map;
}

export async function getPerson(db: Database, actor: Actor, userId: string): Promise<PersonRow> {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      status: users.status,
      studentRecords: users.studentRecords,
    })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.districtId, actor.districtId)));
  if (!row) throw new NotFound("person");
  requirePermission(actor, "people:manage", { districtId: actor.districtId });
  const memberships = await schoolsOf(db, actor.districtId, [row.id]);
  return { ...row, schools: memberships.get(row.id) ?? [] };
}

/** Every chosen school must be an active school of the actor's district. */
async function checkSchools(db: Pick<Database, "select">, districtId: string, schoolIds: string[]) {
  if (schoolIds.length === 0) return;
  const found = await db
    .select({ id: schools.id })
    .from(schools)
    .where(and(eq(schools.districtId, districtId), inArray(schools.id, schoolIds), isNull(schools.archivedAt)));
  if (found.length !== new Set(schoolIds).size) {
    throw new ValidationFailed({ schoolIds: ["Choose schools from the list."] });
  }
}

async function emailTaken(db: Pick<Database, "select">, email: string) {
  const [row] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return Boolean(row);
}

/** Creates an invited person and a one-time link; the token is returned once and only its hash is kept. */
export async function invitePerson(db: Database, actor: Actor, input: InviteInput, ip?: string) {
  requirePermission(actor, "people:manage", { districtId: actor.districtId });
  const token = newToken();
  const person = await db.transaction(async (tx) => {
    if (await emailTaken(tx, input.email)) throw new Conflict("Someone already has an account with this email.", "email");
    const schoolIds = input.role === "school_team" ? input.schoolIds : [];
    await checkSchools(tx, actor.districtId, schoolIds);
    const [user] = await tx
      .insert(users)
      .values({
        districtId: actor.districtId,
        email: input.email,
        name: input.name,
        role: input.role,
        studentRecords: input.role === "board" ? false : input.studentRecords,
        status: "invited",
      })
      .returning();
    if (schoolIds.length) await tx.insert(schoolMemberships).values(schoolIds.map((schoolId) => ({ userId: user.id, schoolId })));
    await tx.insert(invites).values({
      districtId: actor.districtId,
      userId: user.id,
      tokenHash: hashToken(token),
      createdBy: actor.id,
      expiresAt: new Date(Date.now() + INVITE_LIFETIME_MS),
    });
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "user.invite",
      entityType: "user",
      entityId: user.id,
      details: { email: input.email, role: input.role, schoolIds },
      ip,
    });
    return user;
  });
  return { person, token };
}

/** A fresh link for someone still invited; earlier links stop working. */
export async function renewInvite(db: Database, actor: Actor, userId: string, ip?: string) {
  const person = await getPerson(db, actor, userId);
  if (person.status !== "invited") throw new Conflict("This person has already accepted their invitation.");
  const token = newToken();
  await db.transaction(async (tx) => {
    await tx.update(invites).set({ usedAt: new Date() }).where(and(eq(invites.userId, userId), isNull(invites.usedAt)));
    await tx.insert(invites).values({
      districtId: actor.districtId,
      userId,
      tokenHash: hashToken(token),
      createdBy: actor.id,
      expiresAt: new Date(Date.now() + INVITE_LIFETIME_MS),
    });
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "user.invite_renew", entityType: "user", entityId: userId, ip });
  });
  return token;
}

/** The invitation behind a link, if it is unused and unexpired. */
export async function findOpenInvite(db: Database, token: string) {
  const [row] = await db
    .select({
      inviteId: invites.id,
      expiresAt: invites.expiresAt,
      usedAt: invites.usedAt,
      userId: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      status: users.status,
      districtName: districts.name,
    })
    .from(invites)
    .innerJoin(users, eq(users.id, invites.userId))
    .innerJoin(districts, eq(districts.id, invites.districtId))
    .where(eq(invites.tokenHash, hashToken(token)));
  if (!row || row.usedAt || row.expiresAt.getTime() < Date.now() || row.status !== "invited") return null;
  return row;
}

export async function acceptInvite(db: Database, token: string, password: string, client: Client, config: SessionConfig) {
  const invite = await findOpenInvite(db, token);
  if (!invite) throw new NotFound("invitation");
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const used = await tx
      .update(invites)
      .set({ usedAt: new Date() })
      .where(and(eq(invites.id, invite.inviteId), isNull(invites.usedAt)))
      .returning({ id: invites.id });
    if (used.length === 0) throw new NotFound("invitation");
    await tx.update(users).set({ passwordHash, status: "active", updatedAt: new Date() }).where(eq(users.id, invite.userId));
    const [user] = await tx.select({ districtId: users.districtId }).from(users).where(eq(users.id, invite.userId));
    await recordAudit(tx, {
      districtId: user.districtId,
      actorId: invite.userId,
      action: "user.accept_invite",
      entityType: "user",
      entityId: invite.userId,
      ip: client.ip,
    });
  });
  return createSession(db, invite.userId, config, client);
}

async function otherActiveLeads(db: Pick<Database, "select">, districtId: string, userId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.districtId, districtId), eq(users.role, "district_lead"), eq(users.status, "active"), ne(users.id, userId)));
  return row.n;
}

export async function updatePerson(db: Database, actor: Actor, userId: string, input: UpdatePersonInput, ip?: string) {
  const before = await getPerson(db, actor, userId);
  await db.transaction(async (tx) => {
    if (before.role === "district_lead" && input.role !== "district_lead" && (await otherActiveLeads(tx, actor.districtId, userId)) === 0) {
      throw new Conflict("The district needs at least one active SEL lead. Make someone else a lead first.", "role");
    }
    const schoolIds = input.role === "school_team" ? input.schoolIds : [];
    await checkSchools(tx, actor.districtId, schoolIds);
    await tx
      .update(users)
      .set({
        name: input.name,
        role: input.role,
        studentRecords: input.role === "board" ? false : input.studentRecords,
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, userId), eq(users.districtId, actor.districtId)));
    await tx.delete(schoolMemberships).where(eq(schoolMemberships.userId, userId));
    if (schoolIds.length) await tx.insert(schoolMemberships).values(schoolIds.map((schoolId) => ({ userId, schoolId })));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "user.update",
      entityType: "user",
      entityId: userId,
      details: {
        from: { name: before.name, role: before.role, studentRecords: before.studentRecords, schoolIds: before.schools.map((s) => s.id) },
        to: { name: input.name, role: input.role, studentRecords: input.studentRecords, schoolIds },
      },
      ip,
    });
  });
  await accessChanged(userId);
}

/** Deactivation ends every session of the person at once; reactivation lets them sign in again. */
export async function setPersonActive(db: Database, actor: Actor, userId: string, active: boolean, ip?: string) {
  const before = await getPerson(db, actor, userId);
  if (!active && userId === actor.id) throw new Conflict("You cannot deactivate your own account.");
  if (active && before.status !== "deactivated") return;
  if (!active && before.status === "deactivated") return;
  await db.transaction(async (tx) => {
    if (!active && before.role === "district_lead" && (await otherActiveLeads(tx, actor.districtId, userId)) === 0) {
      throw new Conflict("The district needs at least one active SEL lead.");
    }
    const [withPassword] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
    await tx
      .update(users)
      .set({
        status: active ? (withPassword?.passwordHash ? "active" : "invited") : "deactivated",
        deactivatedAt: active ? null : new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, userId), eq(users.districtId, actor.districtId)));
    if (!active) {
      await endUserSessions(tx, userId);
      await tx.update(invites).set({ usedAt: new Date() }).where(and(eq(invites.userId, userId), isNull(invites.usedAt)));
    }
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: active ? "user.reactivate" : "user.deactivate",
      entityType: "user",
      entityId: userId,
      details: { email: before.email },
      ip,
    });
  });
  await accessChanged(userId);
}

export async function changeOwnPassword(db: Database, actor: Actor, currentPassword: string, password: string, ip?: string) {
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.id));
  if (!(await verifyPassword(row?.passwordHash ?? null, currentPassword))) {
    throw new ValidationFailed({ currentPassword: ["That is not your current password."] });
  }
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, actor.id));
    // Other devices must sign in again with the new password.
    await endUserSessions(tx, actor.id);
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "user.change_password", entityType: "user", entityId: actor.id, ip });
  });
  await accessChanged(actor.id);
}

/** The address a person opens to accept an invitation. */
export function inviteLink(request: Request, publicOrigin: string | undefined, token: string) {
  return `${publicOrigin ?? new URL(request.url).origin}/invite/${token}`;
}
