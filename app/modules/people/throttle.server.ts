// Sign-in throttling keyed by (account, address) and by address, so an attacker elsewhere cannot lock a real user out.
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { signInThrottle } from "#db/schema";

export const throttlePolicy = {
  /** Failures of one account from one address before it must wait. */
  pairLimit: 5,
  /** Failures from one address, across all accounts, before it must wait. */
  addressLimit: 30,
  windowMs: 15 * 60_000,
  /** First block; doubles with each further failure, up to blockMaxMs. */
  blockBaseMs: 60_000,
  blockMaxMs: 15 * 60_000,
};

function keys(email: string, ip: string) {
  return { pair: `pair:${email.trim().toLowerCase()}|${ip}`, address: `ip:${ip}` };
}

/** Milliseconds until this account may try again from this address, or 0. */
export async function signInBlockedFor(db: Database, email: string, ip: string): Promise<number> {
  const { pair, address } = keys(email, ip);
  const rows = await db
    .select({ blockedUntil: signInThrottle.blockedUntil })
    .from(signInThrottle)
    .where(inArray(signInThrottle.key, [pair, address]));
  const now = Date.now();
  return Math.max(0, ...rows.map((r) => (r.blockedUntil ? r.blockedUntil.getTime() - now : 0)));
}

export async function recordSignInFailure(db: Database, email: string, ip: string) {
  const { pair, address } = keys(email, ip);
  await bump(db, pair, throttlePolicy.pairLimit);
  await bump(db, address, throttlePolicy.addressLimit);
}

/** A successful sign-in clears the pair's count but not the address's: one good password must not reset a spray. */
export async function recordSignInSuccess(db: Database, email: string, ip: string) {
  await db.delete(signInThrottle).where(eq(signInThrottle.key, keys(email, ip).pair));
}

async function bump(db: Database, key: string, limit: number) {
  const { windowMs, blockBaseMs, blockMaxMs } = throttlePolicy;
  const now = new Date();
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const windowStart = sql`${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
  // One statement: a window that has lapsed starts again at 1.
  const [row] = await db
    .insert(signInThrottle)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: {
        failures: sql`case when ${signInThrottle.windowStartedAt} < ${windowStart} then 1 else ${signInThrottle.failures} + 1 end`,
        windowStartedAt: sql`case when ${signInThrottle.windowStartedAt} < ${windowStart} then ${nowSql} else ${signInThrottle.windowStartedAt} end`,
      },
    })
    .returning({ failures: signInThrottle.failures });
  if (row.failures >= limit) {
    const blockMs = Math.min(blockMaxMs, blockBaseMs * 2 ** (row.failures - limit));
    await db
      .update(signInThrottle)
      .set({ blockedUntil: new Date(now.getTime() + blockMs) })
      .where(eq(signInThrottle.key, key));
  }
}
