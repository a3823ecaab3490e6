// Proves rotating addresses buys no extra guesses: IPv6 addresses count per /64 and IPv4-mapped ones as IPv4, and an
// account failing from many addresses makes each next attempt wait a few seconds (capped), while the right password
// after the wait still signs in: slowed, never locked (ADR 0030).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDistrict, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { accountSlowDown } from "~/modules/people/throttle";

let database: TestDatabase;
/** Behind a (pretend) reverse proxy: X-Forwarded-For names the client's address. */
let proxied: TestServer;
let districtId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  districtId = (await makeDistrict(database.db)).id;
  proxied = await startTestServer(database, { TRUST_PROXY: "1" });
});

afterAll(async () => {
  await proxied?.close();
  await database?.close();
});

const WRONG = "not the right password";
const newPerson = () => makeUser(database.db, districtId, "district_team");
let prefix = 0;
/** A fresh IPv6 /64 each call, as an attacker with a /48 (65 536 of them) would rotate. */
const fresh64 = () => `2001:db8:${(++prefix).toString(16)}:${(prefix * 7).toString(16)}::${prefix}`;

function attempt(email: string, password: string, from: string) {
  return new TestClient(proxied.url).post("/sign-in", { email, password }, { "X-Forwarded-For": from });
}

async function statuses(count: number, send: (i: number) => Promise<{ status: number }>) {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await send(i)).status);
  return seen;
}

describe("addresses of one client count as one", () => {
  it("blocks the account's sixth guess from anywhere in the same IPv6 /64", async () => {
    const victim = await newPerson();
    const seen = await statuses(8, (i) => attempt(victim.email, WRONG, `2001:db8:77:1:${i.toString(16)}:${(i * 31).toString(16)}::${i + 1}`));
    expect(seen).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Another /64 is another client: its own count, no block.
    expect((await attempt(victim.email, TEST_PASSWORD, "2001:db8:77:2::1")).status).toBe(302);
  });

  it("counts ::ffff:192.0.2.9 and 192.0.2.9 as one address", async () => {
    const victim = await newPerson();
    const seen = await statuses(6, (i) => attempt(victim.email, WRONG, i % 2 ? "192.0.2.9" : "::ffff:192.0.2.9"));
    expect(seen).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe("an account attacked from many addresses", () => {
  it(`takes ${accountSlowDown.freeFailures} failures freely, then makes each next attempt wait, and the right password after the wait works`, async () => {
    const victim = await newPerson();
    const free = await statuses(accountSlowDown.freeFailures, () => attempt(victim.email, WRONG, fresh64()));
    expect(free).toEqual(Array(accountSlowDown.freeFailures).fill(401));

    // The next attempt has its turn; the one right after it, from yet another address, must wait.
    expect((await attempt(victim.email, WRONG, fresh64())).status).toBe(401);
    const waiting = await attempt(victim.email, TEST_PASSWORD, fresh64());
    expect(waiting.status).toBe(429);
    expect(waiting.text).toMatch(/Too many attempts\. Wait \d+ seconds? and try again\./);
    const retryAfter = Number(waiting.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(accountSlowDown.maxMs / 1000);
    expect(waiting.headers.getSetCookie()).toEqual([]);

    // After the wait (a real one: two seconds), the real user's right password signs in, from any address.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    const client = new TestClient(proxied.url);
    const res = await client.post("/sign-in", { email: victim.email, password: TEST_PASSWORD }, { "X-Forwarded-For": fresh64() });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/home");

    // And the success starts the account's count again: the next wrong guess is checked, not held.
    expect((await attempt(victim.email, WRONG, fresh64())).status).toBe(401);
  });

  it("gives guesses sent together from many addresses one turn between them", async () => {
    const victim = await newPerson();
    await statuses(accountSlowDown.freeFailures, () => attempt(victim.email, WRONG, fresh64()));
    const together = await Promise.all(Array.from({ length: 12 }, () => attempt(victim.email, WRONG, fresh64())));
    expect(together.filter((r) => r.status === 401).length, "guesses actually checked").toBe(1);
    expect(together.filter((r) => r.status === 429).length).toBe(11);
  });

  it("leaves other accounts alone while one is being slowed", async () => {
    const victim = await newPerson();
    const neighbour = await newPerson();
    await statuses(accountSlowDown.freeFailures + 1, () => attempt(victim.email, WRONG, fresh64()));
    expect((await attempt(neighbour.email, TEST_PASSWORD, fresh64())).status).toBe(302);
  });
});
