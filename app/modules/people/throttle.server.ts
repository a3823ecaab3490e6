// Sign-in throttling keyed by (account, address) and by address, so an attacker elsewhere cannot lock a real user out,
// plus a capped per-account wait between attempts, so rotating addresses cannot buy unlimited guesses (ADR 0030).
import { and, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { signInThrottle } from "#db/schema";
import { accountSlowDown, accountWaitMs, clientAddressKey } from "./throttle";

export const throttlePolicy = {
  /** Attempts of one account from one address, in one window, before it must wait. */
  pairLimit: 5,
  /** Failed attempts from one address, across all accounts, before it must wait. */
  addressLimit: 30,
  windowMs: 15 * 60_000,
  /** First block; doubles with each further attempt, up to blockMaxMs. */
  blockBaseMs: 60_000,
  blockMaxMs: 15 * 60_000,
};

/** Addresses count per client (an IPv6 /64, IPv4-mapped as IPv4); the account's key counts its failures from anywhere. */
function keys(email: string, ip: string) {
  const account = email.trim().toLowerCase();
  const client = clientAddressKey(ip);
  return { pair: `pair:${account}|${client}`, address: `ip:${client}`, account: `account:${account}` };
}

export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts an attempt before the password is checked, atomically, so that many simultaneous guesses
 * cannot all slip past the limit: the one that takes the count over the limit, and every one after it, is refused.
 */
export async function beginSignInAttempt(db: Database, email: string, ip: string): Promise<AttemptDecision> {
  const { pair, address, account } = keys(email, ip);
  const blockedFor = await blockedForMs(db, [pair, address]);
  if (blockedFor > 0) return { allowed: false, retryAfterMs: blockedFor };
  const accountWait = await claimAccountTurn(db, account);
  if (accountWait > 0) return { allowed: false, retryAfterMs: accountWait };
  const pairCount = await bump(db, pair);
  const addressCount = await bump(db, address);
  const over = [
    pairCount > throttlePolicy.pairLimit ? block(db, pair, pairCount - throttlePolicy.pairLimit) : null,
    addressCount > throttlePolicy.addressLimit ? block(db, address, addressCount - throttlePolicy.addressLimit) : null,
  ].filter((p): p is Promise<number> => p !== null);
  if (over.length) return { allowed: false, retryAfterMs: Math.max(...(await Promise.all(over))) };
  return { allowed: true };
}

/** A failed attempt that reached the limit starts the block for the next one. */
export async function signInFailed(db: Database, email: string, ip: string) {
  const { pair, address, account } = keys(email, ip);
  await bump(db, account);
  const rows = await db
    .select({ key: signInThrottle.key, failures: signInThrottle.failures })
    .from(signInThrottle)
    .where(inArray(signInThrottle.key, [pair, address]));
  for (const row of rows) {
    const limit = row.key === pair ? throttlePolicy.pairLimit : throttlePolicy.addressLimit;
    if (row.failures >= limit) await block(db, row.key, row.failures - limit);
  }
}

/**
 * A successful sign-in clears the pair's and the account's counts and takes its own attempt back off the address's count,
 * but keeps the address's earlier failures: one good password must not reset a spray.
 */
export async function signInSucceeded(db: Database, email: string, ip: string) {
  const { pair, address, account } = keys(email, ip);
  await db.delete(signInThrottle).where(inArray(signInThrottle.key, [pair, account]));
  await db
    .update(signInThrottle)
    .set({ failures: sql`greatest(${signInThrottle.failures} - 1, 0)` })
    .where(eq(signInThrottle.key, address));
}

async function blockedForMs(db: Database, keyList: string[]) {
  const rows = await db
    .select({ blockedUntil: signInThrottle.blockedUntil })
    .from(signInThrottle)
    .where(inArray(signInThrottle.key, keyList));
  const now = Date.now();
  return Math.max(0, ...rows.map((r) => (r.blockedUntil ? r.blockedUntil.getTime() - now : 0)));
}

/** Adds one attempt in a single statement and returns the new count; a lapsed window starts again at 1. */
async function bump(db: Database, key: string) {
  const now = new Date();
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const windowStart = sql`${new Date(now.getTime() - throttlePolicy.windowMs).toISOString()}::timestamptz`;
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
  return row.failures;
}

/** Blocks a key for base·2^excess (capped) and returns the block's length. */
async function block(db: Database, key: string, excess: number) {
  const blockMs = Math.min(throttlePolicy.blockMaxMs, throttlePolicy.blockBaseMs * 2 ** Math.max(0, excess));
  await db
    .update(signInThrottle)
    .set({ blockedUntil: new Date(Date.now() + blockMs) })
    .where(eq(signInThrottle.key, key));
  return blockMs;
}

/**
 * Past its free failures, an account takes one attempt at a time from anywhere, each followed by a wait (growing,
 * capped at accountSlowDown.maxMs). The turn is claimed in one conditional update, so attempts sent together from
 * many addresses get one turn between them, not one each. Returns 0 when this attempt may go ahead, else the wait left.
 */
async function claimAccountTurn(db: Database, key: string): Promise<number> {
  const now = new Date();
  const [row] = await db
    .select({ failures: signInThrottle.failures, windowStartedAt: signInThrottle.windowStartedAt, blockedUntil: signInThrottle.blockedUntil })
    .from(signInThrottle)
    .where(eq(signInThrottle.key, key));
  if (!row || row.failures < accountSlowDown.freeFailures) return 0;
  if (row.windowStartedAt.getTime() < now.getTime() - throttlePolicy.windowMs) return 0;
  const claimed = await db
    .update(signInThrottle)
    .set({ blockedUntil: new Date(now.getTime() + accountWaitMs(row.failures + 1)) })
    .where(and(eq(signInThrottle.key, key), or(isNull(signInThrottle.blockedUntil), lte(signInThrottle.blockedUntil, now))))
    .returning({ key: signInThrottle.key });
  if (claimed.length) return 0;
  return Math.max(1, await blockedForMs(db, [key]));
}
