// Proves sign-in throttling stops password guessing without letting an attacker lock a real user out: the limit
// is per (account, address) and per address, so the victim signing in from their own address is never blocked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDistrict, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

let database: TestDatabase;
/** Sees every request as coming from 127.0.0.1, whatever X-Forwarded-For says. */
let server: TestServer;
/** Behind a (pretend) reverse proxy: TRUST_PROXY=1, so X-Forwarded-For names the client's address. */
let proxied: TestServer;
let districtId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  districtId = (await makeDistrict(database.db)).id;
  server = await startTestServer(database);
  proxied = await startTestServer(database, { TRUST_PROXY: "1" });
});

afterAll(async () => {
  await server?.close();
  await proxied?.close();
  await database?.close();
});

const WRONG = "not the right password";
const newPerson = () => makeUser(database.db, districtId, "district_team");

/** One sign-in attempt from a fresh browser; `from` is the address a trusted proxy would report. */
function attempt(target: TestServer, email: string, password: string, from?: string) {
  return new TestClient(target.url).post("/sign-in", { email, password }, from ? { "X-Forwarded-For": from } : {});
}

async function statuses(count: number, send: (i: number) => Promise<{ status: number }>) {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await send(i)).status);
  return seen;
}

/** Refused for throttling: 429, a message saying how long to wait, and no session. */
function expectThrottled(res: { status: number; headers: Headers; text: string }) {
  expect(res.status).toBe(429);
  expect(res.text).toMatch(/Too many attempts\. Wait \d+ minutes? and try again\./);
  expect(res.headers.getSetCookie()).toEqual([]);
}

// The tests on `server` all come from 127.0.0.1 and together stay below its address limit of 30 failures.
describe("from one address", () => {
  it("blocks an account after 5 wrong passwords, even the right one on the 6th try, with Retry-After", async () => {
    const victim = await newPerson();
    // Changing the email's case does not start a new count.
    const spellings = [victim.email, victim.email.toUpperCase(), ` ${victim.email} `];
    expect(await statuses(5, (i) => attempt(server, spellings[i % 3], WRONG))).toEqual([401, 401, 401, 401, 401]);

    const sixth = await attempt(server, victim.email, TEST_PASSWORD);
    expectThrottled(sixth);
    expect(sixth.text).toContain("Wait 1 minute and try again.");
    // The first block lasts a minute: Retry-After says so in whole seconds.
    expect(sixth.headers.has("retry-after"), "a Retry-After header is sent").toBe(true);
    expect(sixth.headers.get("retry-after")).toMatch(/^\d+$/);
    const retryAfter = Number(sixth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY is set, so the header cannot dodge a block", async () => {
    const victim = await newPerson();
    await statuses(5, () => attempt(server, victim.email, WRONG));
    expectThrottled(await attempt(server, victim.email, TEST_PASSWORD, "10.9.9.9"));
  });

  it("leaves another account at the same address alone", async () => {
    const victim = await newPerson();
    const neighbour = await newPerson();
    await statuses(5, () => attempt(server, victim.email, WRONG));
    expectThrottled(await attempt(server, victim.email, TEST_PASSWORD));
    const res = await attempt(server, neighbour.email, TEST_PASSWORD);
    expect(res.status).toBe(302);
    expect(res.location).toBe("/home");
  });

  it("clears the account's count at this address after a successful sign-in", async () => {
    const person = await newPerson();
    expect(await statuses(4, () => attempt(server, person.email, WRONG))).toEqual([401, 401, 401, 401]);
    expect((await attempt(server, person.email, TEST_PASSWORD)).status).toBe(302);
    // Without the reset these would be failures 5 to 8 and the next sign-in would be refused.
    expect(await statuses(4, () => attempt(server, person.email, WRONG))).toEqual([401, 401, 401, 401]);
    expect((await attempt(server, person.email, TEST_PASSWORD)).status).toBe(302);
  });

  it("blocks the whole address after 30 failures across accounts, and only then", async () => {
    const address = "10.0.1.1";
    const person = await newPerson();
    expect(new Set(await statuses(29, (i) => attempt(proxied, `spray-${i}@example.test`, WRONG, address)))).toEqual(new Set([401]));
    expect((await attempt(proxied, person.email, TEST_PASSWORD, address)).status).toBe(302);
    expect((await attempt(proxied, "spray-30@example.test", WRONG, address)).status).toBe(401);

    expectThrottled(await attempt(proxied, person.email, TEST_PASSWORD, address));
    expect((await attempt(proxied, person.email, TEST_PASSWORD, "10.0.1.2")).status).toBe(302);
  });
});

describe("guesses sent at once", () => {
  it("checks at most 5 of 20 simultaneous wrong passwords for one account from one address", async () => {
    const victim = await newPerson();
    const address = "10.0.2.1";
    const results = await Promise.all(Array.from({ length: 20 }, () => attempt(proxied, victim.email, WRONG, address)));
    const checked = results.filter((r) => r.status === 401).length;
    expect(checked, "passwords actually checked").toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 429).length).toBe(20 - checked);
    expectThrottled(await attempt(proxied, victim.email, TEST_PASSWORD, address));
  });
});

describe("from different addresses", () => {
  it("does not let an attacker at 10.0.0.1 stop the real user signing in from 10.0.0.2", async () => {
    const victim = await newPerson();
    const attacker = "10.0.0.1";
    const hammering = await statuses(10, () => attempt(proxied, victim.email, WRONG, attacker));
    expect(hammering).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    expectThrottled(await attempt(proxied, victim.email, TEST_PASSWORD, attacker));

    const client = new TestClient(proxied.url);
    const res = await client.post("/sign-in", { email: victim.email, password: TEST_PASSWORD }, { "X-Forwarded-For": "10.0.0.2" });
    expect(res.status).toBe(302);
    expect((await client.get("/home", { "X-Forwarded-For": "10.0.0.2" })).status).toBe(200);

    // The real user's success does not lift the attacker's block.
    expectThrottled(await attempt(proxied, victim.email, TEST_PASSWORD, attacker));
  });

  it("counts the address the proxy saw, not made-up addresses the client put in front of it", async () => {
    // A proxy appends the address it saw: "claimed, claimed, real". Only the last entry is the proxy's word.
    const victim = await newPerson();
    const seen = await statuses(8, (i) => attempt(proxied, victim.email, WRONG, `192.0.2.${i + 1}, 10.0.0.3`));
    expect(seen).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expectThrottled(await attempt(proxied, victim.email, TEST_PASSWORD, "198.51.100.7, 10.0.0.3"));
  });
});
