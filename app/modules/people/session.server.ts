// Server-side sessions: a random token in an HttpOnly cookie, its hash in the session table.
import { eq, inArray, lt, or, sql } from "drizzle-orm";
import { parse, serialize } from "cookie";
import type { Database } from "#db/client.server";
import { districts, schoolMemberships, sessions, users } from "#db/schema";
import type { AppConfig } from "~/config";
import { hashToken, newToken } from "~/utils/tokens.server";
import { accessChanged } from "./access-events.server";
import type { Actor, Role } from "./permissions";

export interface SessionUser extends Actor {
  /** The person behind this district membership (ADR 0035); `id` is the membership, what records name as "who". */
  personId: string;
  /** How many districts the person may enter now, this one included: more than one offers a district switch. */
  districtCount: number;
  email: string;
  name: string;
  districtName: string;
  districtSlug: string;
  /** The district's IANA time zone: what "today" means for its people (due dates, checkpoints, weeks). */
  timeZone: string;
}

type CookieConfig = Pick<AppConfig, "secureCookies">;
type SessionConfig = Pick<AppConfig, "sessionIdleMs" | "sessionMaxMs">;

// Only refresh last_seen_at when it is this stale, so reads do not write on every request (a tenth of the idle limit
// when that is shorter, so a test's idle limit of seconds still sees activity).
const TOUCH_AFTER_MS = 60_000;
const touchAfter = (config: SessionConfig) => Math.min(TOUCH_AFTER_MS, config.sessionIdleMs / 10);

export function sessionCookieName(config: CookieConfig) {
  return config.secureCookies ? "__Host-ck_session" : "ck_session";
}

export function readSessionToken(request: Request, config: CookieConfig): string | null {
  return sessionTokenFromCookieHeader(request.headers.get("Cookie"), config);
}

/** The same lookup for callers that hold a raw Cookie header, such as a websocket upgrade. */
export function sessionTokenFromCookieHeader(header: string | null | undefined, config: CookieConfig): string | null {
  if (!header) return null;
  return parse(header)[sessionCookieName(config)] ?? null;
}

export function sessionCookie(token: string, config: CookieConfig & SessionConfig) {
  return serialize(sessionCookieName(config), token, {
    httpOnly: true,
    sameSite: "lax",
    secure: config.secureCookies,
    path: "/",
    maxAge: Math.floor(config.sessionMaxMs / 1000),
  });
}

export function clearSessionCookie(config: CookieConfig) {
  return serialize(sessionCookieName(config), "", {
    httpOnly: true,
    sameSite: "lax",
    secure: config.secureCookies,
    path: "/",
    maxAge: 0,
  });
}

export async function createSession(
  db: Database,
  userId: string,
  config: SessionConfig,
  client: { ip?: string | null; userAgent?: string | null } = {},
) {
  const token = newToken();
  const now = Date.now();
  await db.insert(sessions).values({
    id: hashToken(token),
    userId,
    createdAt: new Date(now),
    lastSeenAt: new Date(now),
    expiresAt: new Date(now + config.sessionMaxMs),
    ip: client.ip ?? null,
    userAgent: client.userAgent?.slice(0, 300) ?? null,
  });
  return token;
}

/** Why a session is no longer valid: unknown (signed out, password changed, swept), idle too long, past its lifetime, person not active. */
export type SessionEnd = "unknown" | "idle" | "expired" | "inactive";

export type SessionCheck =
  | { user: SessionUser; lastSeenAt: Date; expiresAt: Date; ended?: undefined }
  | { ended: SessionEnd; user?: undefined };

/**
 * The signed-in user for a token, or null when the session is unknown, idle too long, expired or the user is
 * inactive. A session belongs to one membership, so it carries its district: only that membership's status counts.
 */
export async function findSessionUser(db: Database, token: string, config: SessionConfig): Promise<SessionUser | null> {
  return (await checkSession(db, token, config, { activity: true })).user ?? null;
}

/**
 * Reads a session and says why it ended when it has. `activity` says whether the caller saw the person act (a page
 * request, an edit): only then does the idle timer restart. A socket's periodic re-check is not activity, or an
 * editor left open on a shared computer would keep its session alive until the absolute limit (ADR 0033).
 */
export async function checkSession(db: Database, token: string, config: SessionConfig, { activity }: { activity: boolean }): Promise<SessionCheck> {
  const id = hashToken(token);
  const [row] = await db
    .select({
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      personId: users.personId,
      // The person's active memberships, counted in the session's one round trip (it decides the district switch).
      districtCount: sql<number>`(select count(*) from ${users} as "sibling" where "sibling"."person_id" = ${users.personId} and "sibling"."status" = 'active')::int`,
      email: users.email,
      name: users.name,
      role: users.role,
      status: users.status,
      studentRecords: users.studentRecords,
      districtId: districts.id,
      districtName: districts.name,
      districtSlug: districts.slug,
      timeZone: districts.timeZone,
      // In the same round trip as the session: every signed-in request needs it, and a second query was a fifth of
      // a light page's cost on the embedded database. Text, not uuid[], so both drivers hand back the same thing.
      schoolIds: sql<string>`array_to_string(array(select ${schoolMemberships.schoolId} from ${schoolMemberships} where ${schoolMemberships.userId} = ${users.id} order by 1), ',')`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(districts, eq(districts.id, users.districtId))
    .where(eq(sessions.id, id));
  if (!row) return { ended: "unknown" };
  const now = Date.now();
  const idleFor = now - row.lastSeenAt.getTime();
  const ended: SessionEnd | null =
    row.status !== "active" ? "inactive" : row.expiresAt.getTime() <= now ? "expired" : idleFor > config.sessionIdleMs ? "idle" : null;
  if (ended) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return { ended };
  }
  let lastSeenAt = row.lastSeenAt;
  if (activity && idleFor > touchAfter(config)) {
    lastSeenAt = new Date(now);
    await db.update(sessions).set({ lastSeenAt }).where(eq(sessions.id, id));
  }
  return {
    lastSeenAt,
    expiresAt: row.expiresAt,
    user: {
      id: row.userId,
      personId: row.personId,
      districtCount: Number(row.districtCount),
      email: row.email,
      name: row.name,
      role: row.role as Role,
      studentRecords: row.studentRecords,
      districtId: row.districtId,
      timeZone: row.timeZone,
      districtName: row.districtName,
      districtSlug: row.districtSlug,
      schoolIds: row.role === "school_team" && row.schoolIds ? row.schoolIds.split(",") : [],
    },
  };
}

/** When a session that is valid now ends unless the person acts: the idle limit or the absolute one, whichever is first. */
export function sessionDeadline(session: { lastSeenAt: Date; expiresAt: Date }, config: SessionConfig): number {
  return Math.min(session.lastSeenAt.getTime() + config.sessionIdleMs, session.expiresAt.getTime());
}

/** Ends one session (signing out, or signing in over it) and tells open sockets of its person at once. */
export async function endSession(db: Database, token: string) {
  const ended = await db.delete(sessions).where(eq(sessions.id, hashToken(token))).returning({ userId: sessions.userId });
  if (ended[0]) await accessChanged(ended[0].userId);
}

/** Ends every session of a person, inside the caller's transaction: the caller announces accessChanged after commit. */
export async function endUserSessions(db: Pick<Database, "delete">, userId: string) {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Ends the person's sessions in every district: their password changed, and it is one password for all. */
export async function endPersonSessions(db: Pick<Database, "delete">, personId: string) {
  await db.delete(sessions).where(inArray(sessions.userId, sql`(select ${users.id} from ${users} where ${users.personId} = ${personId})`));
}

export async function deleteExpiredSessions(db: Database, config: SessionConfig) {
  const now = Date.now();
  await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, new Date(now)), lt(sessions.lastSeenAt, new Date(now - config.sessionIdleMs))));
}

