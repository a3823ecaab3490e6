// Queries and commands about people: sign-in, district choice, first run, invites, roles, deactivation.
import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { districts, invites, persons, schoolMemberships, schools, users } from "#db/schema";
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
import { createSession, endPersonSessions, endSession, endUserSessions, type SessionUser } from "./session.server";
import { beginSignInAttempt, signInFailed, signInSucceeded } from "./throttle.server";

export const INVITE_LIFETIME_MS = 7 * 24 * 3_600_000;

type SessionConfig = Pick<AppConfig, "sessionIdleMs" | "sessionMaxMs">;
interface Client {
  ip: string;
  userAgent?: string | null;
}

export type SignInResult =
  /** districtCount > 1: the person may choose another district than the one they landed in (their last one). */
  | { ok: true; token: string; userId: string; districtCount: number }
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
  const person = await findPersonByEmail(db, input.email);
  const passwordOk = await verifyPassword(person?.passwordHash ?? null, input.password);
  const memberships = person && passwordOk ? await activeMemberships(db, person.id) : [];
  // One answer for an unknown email, a wrong password and a person with no active membership anywhere (ADR 0004).
  if (memberships.length === 0) {
    await signInFailed(db, input.email, client.ip);
    return { ok: false, reason: "invalid" };
  }
  await signInSucceeded(db, input.email, client.ip);
  // The district they were in last; the sign-in page then offers the others.
  const user = memberships[0];
  const token = await enterDistrict(db, user, "user.sign_in", config, client);
  return { ok: true, token, userId: user.id, districtCount: memberships.length };
}

async function findPersonByEmail(db: Pick<Database, "select">, email: string) {
  const [row] = await db
    .select({ id: persons.id, email: persons.email, passwordHash: persons.passwordHash })
    .from(persons)
    .where(sql`lower(${persons.email}) = ${email.toLowerCase()}`);
  return row;
}

export interface MembershipChoice {
  id: string;
  districtId: string;
  districtName: string;
}

/** The districts a person may enter now, the one entered most recently first. */
async function activeMemberships(db: Pick<Database, "select">, personId: string): Promise<MembershipChoice[]> {
  return db
    .select({ id: users.id, districtId: users.districtId, districtName: districts.name })
    .from(users)
    .innerJoin(districts, eq(districts.id, users.districtId))
    .where(and(eq(users.personId, personId), eq(users.status, "active")))
    .orderBy(sql`${users.lastEnteredAt} desc nulls last`, desc(users.joinedAt), asc(districts.name));
}

/** A new session in one membership's district, remembered as the person's last district and audited there. */
async function enterDistrict(
  db: Database,
  membership: { id: string; districtId: string },
  action: "user.sign_in" | "user.switch_district",
  config: SessionConfig,
  client: Client,
) {
  const token = await createSession(db, membership.id, config, client);
  await db.update(users).set({ lastEnteredAt: new Date() }).where(eq(users.id, membership.id));
  await recordAudit(db, {
    districtId: membership.districtId,
    actorId: membership.id,
    action,
    entityType: "user",
    entityId: membership.id,
    ip: client.ip,
  });
  return token;
}

/** The districts the signed-in person may switch to, marking the one the session is in. */
export async function listOwnDistricts(db: Database, user: SessionUser) {
  const memberships = await activeMemberships(db, user.personId);
  return memberships
    .map((m) => ({ districtId: m.districtId, districtName: m.districtName, current: m.districtId === user.districtId }))
    .sort((a, b) => a.districtName.localeCompare(b.districtName));
}

/**
 * Moves the signed-in person into another district they belong to: a new session for that membership replaces the
 * current one (no session ever changes district), so sockets and pages opened in the old district lose it.
 */
export async function switchDistrict(
  db: Database,
  user: SessionUser,
  currentToken: string,
  districtId: string,
  client: Client,
  config: SessionConfig,
): Promise<string | null> {
  if (districtId === user.districtId) return null;
  const target = (await activeMemberships(db, user.personId)).find((m) => m.districtId === districtId);
  // Not a member (or deactivated there): the same answer as a district that does not exist.
  if (!target) throw new NotFound("district");
  const token = await enterDistrict(db, target, "user.switch_district", config, client);
  await endSession(db, currentToken);
  accessChanged(user.id);
  return token;
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
    const person = await findOrCreatePerson(tx, input.email, passwordHash);
    const [lead] = await tx
      .insert(users)
      .values({
        personId: person.id,
        districtId: district.id,
        email: person.email,
        name: input.name,
        role: "district_lead",
        status: "active",
        joinedAt: new Date(),
        lastEnteredAt: new Date(),
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

/**
 * The person with this email, created (without a password) when there is none. Insert-or-nothing, so two districts
 * inviting the same new address at once share one person rather than one of them failing.
 */
export async function findOrCreatePerson(db: Pick<Database, "select" | "insert">, email: string, passwordHash: string | null = null) {
  await db.insert(persons).values({ email: email.toLowerCase(), passwordHash }).onConflictDoNothing();
  const person = await findPersonByEmail(db, email);
  if (!person) throw new Error("person vanished after insert");
  return person;
}

const EMAIL_IN_DISTRICT = "Someone in this district already has this email.";

/**
 * Creates an invited membership and a one-time link; the token is returned once and only its hash is kept. The email
 * may already belong to a person of another district: the invitation then adds this district to that person, and
 * the lead sees exactly what a new address would show (ADR 0035) — no 409, no name, nothing from the other district.
 */
export async function invitePerson(db: Database, actor: Actor, input: InviteInput, ip?: string) {
  requirePermission(actor, "people:manage", { districtId: actor.districtId });
  const token = newToken();
  const person = await db.transaction(async (tx) => {
    const [here] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.districtId, actor.districtId), sql`lower(${users.email}) = ${input.email.toLowerCase()}`));
    if (here) throw new Conflict(EMAIL_IN_DISTRICT, "email");
    const schoolIds = input.role === "school_team" ? input.schoolIds : [];
    await checkSchools(tx, actor.districtId, schoolIds);
    const identity = await findOrCreatePerson(tx, input.email);
    const [user] = await tx
      .insert(users)
      .values({
        personId: identity.id,
        districtId: actor.districtId,
        email: identity.email,
        name: input.name,
        role: input.role,
        studentRecords: input.role === "board" ? false : input.studentRecords,
        status: "invited",
      })
      // A concurrent invitation of the same address in this district got there first.
      .onConflictDoNothing()
      .returning();
    if (!user) throw new Conflict(EMAIL_IN_DISTRICT, "email");
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

export const EXISTING_PASSWORD =
  "That is not the password already used with this email. If you sign in to Cyclekeeper for another district, enter that password.";

export type AcceptResult = { ok: true; token: string } | { ok: false; reason: "throttled"; retryAfterMs: number };

/**
 * Accepting an invitation. A person new to Cyclekeeper chooses their password here; a person who already has one
 * (from another district) must enter it, guarded by the sign-in throttle: a link never sets or replaces a password
 * that exists, so another district's invitation cannot take over an account.
 */
export async function acceptInvite(db: Database, token: string, password: string, client: Client, config: SessionConfig): Promise<AcceptResult> {
  const invite = await findOpenInvite(db, token);
  if (!invite) throw new NotFound("invitation");
  const [person] = await db
    .select({ id: persons.id, email: persons.email, passwordHash: persons.passwordHash })
    .from(persons)
    .innerJoin(users, eq(users.personId, persons.id))
    .where(eq(users.id, invite.userId));
  if (!person) throw new NotFound("invitation");
  let newHash: string | null = null;
  if (person.passwordHash) {
    const attempt = await beginSignInAttempt(db, person.email, client.ip);
    if (!attempt.allowed) return { ok: false, reason: "throttled", retryAfterMs: attempt.retryAfterMs };
    if (!(await verifyPassword(person.passwordHash, password))) {
      await signInFailed(db, person.email, client.ip);
      throw new ValidationFailed({ password: [EXISTING_PASSWORD] });
    }
    await signInSucceeded(db, person.email, client.ip);
  } else {
    newHash = await hashPassword(password);
  }
  await db.transaction(async (tx) => {
    const used = await tx
      .update(invites)
      .set({ usedAt: new Date() })
      .where(and(eq(invites.id, invite.inviteId), isNull(invites.usedAt)))
      .returning({ id: invites.id });
    if (used.length === 0) throw new NotFound("invitation");
    if (newHash) {
      // Only while there is still none: another district's invitation may have been accepted a moment ago.
      const set = await tx
        .update(persons)
        .set({ passwordHash: newHash, updatedAt: new Date() })
        .where(and(eq(persons.id, person.id), isNull(persons.passwordHash)))
        .returning({ id: persons.id });
      if (set.length === 0) throw new ValidationFailed({ password: [EXISTING_PASSWORD] });
    }
    const now = new Date();
    await tx.update(users).set({ status: "active", joinedAt: now, updatedAt: now }).where(eq(users.id, invite.userId));
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
  const session = await createSession(db, invite.userId, config, client);
  await db.update(users).set({ lastEnteredAt: new Date() }).where(eq(users.id, invite.userId));
  return { ok: true, token: session };
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
    const [membership] = await tx.select({ joinedAt: users.joinedAt }).from(users).where(eq(users.id, userId));
    await tx
      .update(users)
      .set({
        // Back to where they were in this district: a person who never accepted this district's invitation is
        // still invited here, whatever password they use elsewhere.
        status: active ? (membership?.joinedAt ? "active" : "invited") : "deactivated",
        deactivatedAt: active ? null : new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, userId), eq(users.districtId, actor.districtId)));
    if (!active) {
      // This district's sessions only: the person's sessions in their other districts go on.
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

/** One password for all of a person's districts: changing it signs them out everywhere, in every district. */
export async function changeOwnPassword(db: Database, actor: Actor, currentPassword: string, password: string, ip?: string) {
  const [row] = await db
    .select({ personId: persons.id, passwordHash: persons.passwordHash })
    .from(users)
    .innerJoin(persons, eq(persons.id, users.personId))
    .where(eq(users.id, actor.id));
  if (!row || !(await verifyPassword(row.passwordHash, currentPassword))) {
    throw new ValidationFailed({ currentPassword: ["That is not your current password."] });
  }
  const passwordHash = await hashPassword(password);
  const memberships = await db.select({ id: users.id }).from(users).where(eq(users.personId, row.personId));
  await db.transaction(async (tx) => {
    await tx.update(persons).set({ passwordHash, updatedAt: new Date() }).where(eq(persons.id, row.personId));
    // Other devices must sign in again with the new password, whichever district they were in.
    await endPersonSessions(tx, row.personId);
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "user.change_password", entityType: "user", entityId: actor.id, ip });
  });
  // Every district's open editors of this person learn at once (ADR 0033).
  await Promise.all(memberships.map((membership) => accessChanged(membership.id)));
}

/** The address a person opens to accept an invitation. */
export function inviteLink(request: Request, publicOrigin: string | undefined, token: string) {
  return `${publicOrigin ?? new URL(request.url).origin}/invite/${token}`;
}
