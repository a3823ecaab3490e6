// Proves the session cookie is hardened and that sessions end when they should: on rotation, sign-out, idle
// and absolute timeout, deactivation and password change — and that the database never holds a usable token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { clientWithToken, isSignInRedirect, parseSetCookies, sessionRowsOf, sessionToken, sha256Hex, signedIn } from "./helpers";

let database: TestDatabase;
let server: TestServer;
let secureServer: TestServer;
let district: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

beforeAll(async () => {
  database = await createTestDatabase();
  district = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database);
  secureServer = await startTestServer(database, { COOKIE_SECURE: "1" });
});

afterAll(async () => {
  await server?.close();
  await secureServer?.close();
  await database?.close();
});

/** A new active user of the test district, so each test owns its sessions. */
const newPerson = () => makeUser(database.db, district.district.id, "district_team");

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function setSessionTimes(token: string, times: { lastSeenAt?: string; expiresAt?: string }) {
  if (times.lastSeenAt) await database.query("update session set last_seen_at = $1::timestamptz where id = $2", [times.lastSeenAt, sha256Hex(token)]);
  if (times.expiresAt) await database.query("update session set expires_at = $1::timestamptz where id = $2", [times.expiresAt, sha256Hex(token)]);
}

async function sessionExists(token: string) {
  return (await database.query("select 1 from session where id = $1", [sha256Hex(token)])).length === 1;
}

/** Whether a request carrying only this token is treated as signed in. */
async function tokenWorks(token: string) {
  const res = await clientWithToken(server, token).get("/home");
  if (res.status === 200) return true;
  expect(isSignInRedirect(res), `expected 200 or a sign-in redirect, got ${res.status} → ${res.location}`).toBe(true);
  return false;
}

describe("the session cookie", () => {
  it("is __Host-ck_session, HttpOnly, SameSite=Lax, Secure, Path=/ and without Domain when COOKIE_SECURE=1", async () => {
    const person = await newPerson();
    const res = await new TestClient(secureServer.url).signIn(person.email, TEST_PASSWORD);
    const cookies = parseSetCookies(res.headers);
    expect(cookies.map((c) => c.name)).toEqual(["__Host-ck_session"]);
    const { attributes, value } = cookies[0];
    expect(attributes.has("httponly")).toBe(true);
    expect(attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(attributes.has("secure")).toBe(true);
    expect(attributes.get("path")).toBe("/");
    expect(attributes.has("domain")).toBe(false);
    expect(Number(attributes.get("max-age"))).toBe(secureServer.config.sessionMaxMs / 1000);

    // The server reads only the __Host- name, so a cookie planted under the plain name is ignored.
    expect((await clientWithToken(secureServer, value, "__Host-ck_session").get("/home")).status).toBe(200);
    expect(isSignInRedirect(await clientWithToken(secureServer, value, "ck_session").get("/home"))).toBe(true);
  });

  it("is ck_session without Secure under the test default COOKIE_SECURE=0, still HttpOnly and SameSite=Lax", async () => {
    const person = await newPerson();
    const res = await new TestClient(server.url).signIn(person.email, TEST_PASSWORD);
    const cookies = parseSetCookies(res.headers);
    expect(cookies.map((c) => c.name)).toEqual(["ck_session"]);
    const { attributes } = cookies[0];
    expect(attributes.has("secure")).toBe(false);
    expect(attributes.has("httponly")).toBe(true);
    expect(attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(attributes.get("path")).toBe("/");
    expect(attributes.has("domain")).toBe(false);
  });

  it("carries at least 256 bits of base64url randomness, different at every sign-in", async () => {
    const person = await newPerson();
    const tokens = new Set<string>();
    for (let i = 0; i < 3; i++) tokens.add(sessionToken(await signedIn(server, person.email)));
    expect(tokens.size).toBe(3);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });
});

describe("what the database keeps", () => {
  it("stores the SHA-256 of the token as the session id, and the raw token nowhere in the table", async () => {
    const person = await newPerson();
    const token = sessionToken(await signedIn(server, person.email));
    const rows = await sessionRowsOf(database, person.id);
    expect(rows.map((r) => r.id)).toEqual([sha256Hex(token)]);
    const everything = JSON.stringify(await database.query("select * from session"));
    expect(everything).not.toContain(token);
  });

  it("does not accept the stored hash as a cookie", async () => {
    const person = await newPerson();
    const token = sessionToken(await signedIn(server, person.email));
    expect(await tokenWorks(token)).toBe(true);
    expect(await tokenWorks(sha256Hex(token))).toBe(false);
  });
});

describe("ending sessions", () => {
  it("rotates the session at every sign-in: the browser's old token stops working", async () => {
    const person = await newPerson();
    const client = await signedIn(server, person.email);
    const first = sessionToken(client);
    await client.signIn(person.email, TEST_PASSWORD);
    const second = sessionToken(client);
    expect(second).not.toBe(first);
    expect(await tokenWorks(first)).toBe(false);
    expect(await sessionExists(first)).toBe(false);
    expect(await tokenWorks(second)).toBe(true);
  });

  it("ends the session on the server at sign-out, not only in the browser", async () => {
    const person = await newPerson();
    const client = await signedIn(server, person.email);
    const token = sessionToken(client);
    const out = await client.post("/sign-out", {});
    expect(out.status).toBe(302);
    expect(parseSetCookies(out.headers)).toEqual([expect.objectContaining({ name: "ck_session", value: "" })]);
    expect(await sessionExists(token)).toBe(false);
    expect(await tokenWorks(token)).toBe(false);
  });

  it("keeps a session idle for 29 minutes and refreshes its last use", async () => {
    const person = await newPerson();
    const token = sessionToken(await signedIn(server, person.email));
    await setSessionTimes(token, { lastSeenAt: minutesAgo(29) });
    expect(await tokenWorks(token)).toBe(true);
    const [row] = await sessionRowsOf(database, person.id);
    expect(Date.now() - new Date(row.last_seen_at as string).getTime()).toBeLessThan(60_000);
  });

  it("ends a session idle for 31 minutes: sent to sign in, row deleted", async () => {
    const person = await newPerson();
    const token = sessionToken(await signedIn(server, person.email));
    await setSessionTimes(token, { lastSeenAt: minutesAgo(31) });
    const res = await clientWithToken(server, token).get("/schools");
    expect(res.status).toBe(302);
    expect(res.location).toBe("/sign-in?redirectTo=%2Fschools");
    expect(await sessionExists(token)).toBe(false);
  });

  it("ends a session past its absolute lifetime even if it was just used", async () => {
    const person = await newPerson();
    const token = sessionToken(await signedIn(server, person.email));
    await setSessionTimes(token, { lastSeenAt: minutesAgo(0), expiresAt: minutesAgo(1) });
    expect(await tokenWorks(token)).toBe(false);
    expect(await sessionExists(token)).toBe(false);
  });

  it("sets the absolute lifetime at sign-in to SESSION_MAX_HOURS", async () => {
    const person = await newPerson();
    const token = sessionToken(await signedIn(server, person.email));
    const [row] = await sessionRowsOf(database, person.id);
    const lifetime = new Date(row.expires_at as string).getTime() - Date.now();
    expect(Math.abs(lifetime - server.config.sessionMaxMs)).toBeLessThan(60_000);
    expect(await tokenWorks(token)).toBe(true);
  });

  it("ends every session of a person the lead deactivates, at once, and stops new sign-ins", async () => {
    const person = await newPerson();
    const laptop = sessionToken(await signedIn(server, person.email));
    const phone = sessionToken(await signedIn(server, person.email));
    expect(await tokenWorks(laptop)).toBe(true);

    const lead = await signedIn(server, district.lead.email);
    const res = await lead.post(`/people/${person.id}`, { intent: "deactivate" });
    expect(res.status).toBe(302);

    expect(await tokenWorks(laptop)).toBe(false);
    expect(await tokenWorks(phone)).toBe(false);
    expect(await sessionRowsOf(database, person.id)).toEqual([]);
    const again = await new TestClient(server.url).post("/sign-in", { email: person.email, password: TEST_PASSWORD });
    expect(again.status).toBe(401);
  });

  it("ends the person's other sessions when they change their password, and keeps them signed in here", async () => {
    const person = await newPerson();
    const here = await signedIn(server, person.email);
    const before = sessionToken(here);
    const elsewhere = sessionToken(await signedIn(server, person.email));
    const newPassword = "a brand new passphrase";

    const res = await here.post("/account", { currentPassword: TEST_PASSWORD, password: newPassword, confirmPassword: newPassword });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/home");
    const after = sessionToken(here);

    expect(after).not.toBe(before);
    expect(await tokenWorks(elsewhere)).toBe(false);
    expect(await tokenWorks(before)).toBe(false);
    expect(await tokenWorks(after)).toBe(true);
    expect((await sessionRowsOf(database, person.id)).map((r) => r.id)).toEqual([sha256Hex(after)]);
    await signedIn(server, person.email, newPassword);
  });

  it("leaves every session alone when the current password given is wrong", async () => {
    const person = await newPerson();
    const here = await signedIn(server, person.email);
    const elsewhere = sessionToken(await signedIn(server, person.email));
    const res = await here.post("/account", { currentPassword: "not my password", password: "another passphrase", confirmPassword: "another passphrase" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("That is not your current password.");
    expect(await tokenWorks(elsewhere)).toBe(true);
    expect(await tokenWorks(sessionToken(here))).toBe(true);
  });
});
