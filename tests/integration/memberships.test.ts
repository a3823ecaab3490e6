// One person in several districts (ADR 0035), against a real database and server: invitations that reveal nothing,
// accepting with an existing password, choosing and switching districts, scoping, and per-district deactivation.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, persons, sessions, users } from "#db/schema";
import { changeOwnPassword, EXISTING_PASSWORD, invitePerson, setPersonActive, signIn } from "~/modules/people/people.server";
import { findSessionUser } from "~/modules/people/session.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

const config = { sessionIdleMs: 30 * 60_000, sessionMaxMs: 12 * 3_600_000 };

let database: TestDatabase;
let server: TestServer;
let a: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let b: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

beforeAll(async () => {
  database = await createTestDatabase();
  a = await makeDistrictWithPeople(database.db);
  b = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

// Direct sign-ins come from their own addresses, so the throttle of one never meets another's.
let address = 10;
const nextIp = () => `198.51.100.${address++}`;

async function signedIn(email: string, password = TEST_PASSWORD) {
  const client = new TestClient(server.url, server.url);
  const res = await client.post("/sign-in", { email, password });
  expect(res.status).toBe(302);
  return { client, res };
}

async function personOf(userId: string) {
  const [row] = await database.db
    .select({ personId: persons.id, email: persons.email, passwordHash: persons.passwordHash })
    .from(users)
    .innerJoin(persons, eq(persons.id, users.personId))
    .where(eq(users.id, userId));
  return row;
}

/** What the inviting lead's page says, with the parts that differ by nature (typed name, email, one-time link) cut out. */
function inviteAnswer(text: string, name: string, email: string) {
  const start = text.indexOf('<div class="ck-notice');
  const notice = text.slice(start, text.indexOf("</div>", text.indexOf("invite-link")) + 6);
  return notice.replaceAll(name, "NAME").replaceAll(email, "EMAIL").replace(/\/invite\/[A-Za-z0-9_-]+/g, "/invite/TOKEN");
}

describe("inviting a person another district already has", () => {
  it("gives the inviting lead the answer a new address gets, and changes nothing in the other district", async () => {
    const existing = await makeUser(database.db, a.district.id, "district_team", { name: "Alex Existing", email: `alex-${Date.now()}@example.test` });
    const before = await personOf(existing.id);
    const { client: leadB } = await signedIn(b.lead.email);

    const fresh = { name: "Nora New", email: `nora-${Date.now()}@example.test` };
    const known = { name: "Alex in B", email: existing.email.toUpperCase() };
    const newAnswer = await leadB.post("/people", { ...fresh, role: "board" });
    const knownAnswer = await leadB.post("/people", { ...known, role: "board" });
    expect(newAnswer.status).toBe(200);
    expect(knownAnswer.status).toBe(200);
    expect(knownAnswer.text).not.toContain("Alex Existing");
    expect(knownAnswer.text).not.toContain(a.district.name);
    expect(inviteAnswer(knownAnswer.text, known.name, existing.email)).toBe(inviteAnswer(newAnswer.text, fresh.name, fresh.email));
    expect(inviteAnswer(newAnswer.text, fresh.name, fresh.email)).toContain("is invited");

    // One person, two memberships: invited in B under the name B typed, untouched in A.
    const memberships = await database.db.select().from(users).where(eq(users.personId, before.personId));
    expect(memberships.map((m) => [m.districtId, m.name, m.status]).sort()).toEqual(
      [
        [a.district.id, "Alex Existing", "active"],
        [b.district.id, "Alex in B", "invited"],
      ].sort(),
    );
    expect(await personOf(existing.id)).toEqual(before);
    // B's audit records what B typed; nothing about A.
    const inB = memberships.find((m) => m.districtId === b.district.id)!;
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.entityId, inB.id), eq(auditEvents.action, "user.invite")));
    expect(audit.districtId).toBe(b.district.id);
    expect(JSON.stringify(audit.details)).not.toContain(a.district.id);
  });

  it("still refuses an email this district already has, on the email field", async () => {
    await expect(
      invitePerson(database.db, actorOf(b.lead), { name: "Again", email: b.board.email.toUpperCase(), role: "board", schoolIds: [], studentRecords: false }),
    ).rejects.toMatchObject({ name: "Conflict", field: "email" });
  });

  it("shows the same acceptance page for a known and a new address, and needs the existing password, never replacing it", async () => {
    const existing = await makeUser(database.db, a.district.id, "board", { name: "Bea Both", email: `bea-${Date.now()}@example.test` });
    const before = await personOf(existing.id);
    const known = await invitePerson(database.db, actorOf(b.lead), { name: "Bea Both", email: existing.email, role: "district_team", schoolIds: [], studentRecords: false });
    const fresh = await invitePerson(database.db, actorOf(b.lead), { name: "Bea Both", email: `zed-${Date.now()}@example.test`, role: "district_team", schoolIds: [], studentRecords: false });

    const visitor = new TestClient(server.url);
    const knownPage = await visitor.get(`/invite/${known.token}`);
    const freshPage = await visitor.get(`/invite/${fresh.token}`);
    expect(knownPage.status).toBe(200);
    // Byte for byte, once the address, the link's own token and each response's script nonce are set aside.
    const page = (text: string, email: string) =>
      text.replaceAll(email, "EMAIL").replace(/nonce="[^"]*"/g, 'nonce=""').replace(/\/invite\/[A-Za-z0-9_-]+/g, "/invite/TOKEN");
    expect(page(knownPage.text, existing.email)).toBe(page(freshPage.text, fresh.person.email));

    // Someone holding the link cannot set a password for an account that has one.
    const takeover = await visitor.post(`/invite/${known.token}`, { password: "an attacker's choice", confirmPassword: "an attacker's choice" });
    expect(takeover.status).toBe(400);
    expect(takeover.text).toContain(EXISTING_PASSWORD.slice(0, 40));
    expect(await personOf(existing.id)).toEqual(before);
    const [stillInvited] = await database.db.select({ status: users.status }).from(users).where(eq(users.id, known.person.id));
    expect(stillInvited.status).toBe("invited");

    const accepted = await visitor.post(`/invite/${known.token}`, { password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
    expect(accepted.status).toBe(302);
    expect(accepted.location).toBe("/home");
    const home = await visitor.get("/home");
    expect(home.text).toContain(b.district.name);
    expect(await personOf(existing.id)).toEqual(before);
    const [joined] = await database.db.select({ status: users.status, joinedAt: users.joinedAt }).from(users).where(eq(users.id, known.person.id));
    expect(joined.status).toBe("active");
    expect(joined.joinedAt).toBeInstanceOf(Date);
  });
});

describe("signing in to one of several districts", () => {
  it("lands in the last district, offers the others, switches with a new session, and remembers the choice", async () => {
    const email = `sam-${Date.now()}@example.test`;
    const inA = await makeUser(database.db, a.district.id, "district_team", { email, name: "Sam in A" });
    const inB = await makeUser(database.db, b.district.id, "district_lead", { email, name: "Sam in B" });
    await database.db.update(users).set({ lastEnteredAt: new Date() }).where(eq(users.id, inB.id));

    const { client, res } = await signedIn(email);
    expect(res.location).toBe("/switch-district?redirectTo=%2Fhome");
    const chooser = await client.get(res.location!);
    expect(chooser.status).toBe(200);
    expect(chooser.text).toContain(a.district.name);
    expect(chooser.text).toContain(b.district.name);
    expect(chooser.text).toMatch(/Continue in [^"]*/);
    expect((await client.get("/home")).text).toContain(b.district.name);
    expect((await client.get("/home")).text).toContain("Switch district");

    // B's record is there; A's school is not found from a session in B, whatever the person may do in A.
    expect((await client.get(`/schools/${b.schoolA.id}`)).status).toBe(200);
    expect((await client.get(`/schools/${a.schoolA.id}`)).status).toBe(404);
    expect((await client.get(`/people/${inA.id}`)).status).toBe(404);

    const oldCookie = client.cookieHeader();
    const switched = await client.post("/switch-district", { districtId: a.district.id, redirectTo: "/home" });
    expect(switched.status).toBe(302);
    expect(switched.location).toBe("/home");
    expect(client.cookieHeader()).not.toBe(oldCookie);
    expect((await client.get("/home")).text).toContain(a.district.name);
    expect((await client.get(`/schools/${a.schoolA.id}`)).status).toBe(200);
    expect((await client.get(`/schools/${b.schoolA.id}`)).status).toBe(404);
    // The session left behind is over: a page open in B cannot go on as B.
    const stale = await fetch(`${server.url}/home`, { headers: { cookie: oldCookie }, redirect: "manual" });
    expect(stale.status).toBe(302);
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.entityId, inA.id), eq(auditEvents.action, "user.switch_district")));
    expect(audit.districtId).toBe(a.district.id);

    // A district they do not belong to is not found, and a malformed one is a field error; the session stays.
    expect((await client.post("/switch-district", { districtId: crypto.randomUUID() })).status).toBe(404);
    const bad = await client.post("/switch-district", { districtId: "nope" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Choose a district from the list.");
    expect((await client.get("/home")).text).toContain(a.district.name);

    // The next sign-in lands where they were last.
    await client.post("/sign-out", {});
    const again = await signedIn(email);
    expect((await again.client.get("/home")).text).toContain(a.district.name);
  });

  it("sends a person of one district straight on, with no switch offered", async () => {
    const { client, res } = await signedIn(a.board.email);
    expect(res.location).toBe("/home");
    expect((await client.get("/home")).text).not.toContain("Switch district");
    expect((await client.get("/switch-district")).text).toContain("You work in one district.");
  });
});

describe("deactivating a membership", () => {
  it("ends that district's sessions and access only; the person goes on in the other district", async () => {
    const email = `dee-${Date.now()}@example.test`;
    const inA = await makeUser(database.db, a.district.id, "district_team", { email });
    const inB = await makeUser(database.db, b.district.id, "district_team", { email });
    await database.db.update(users).set({ lastEnteredAt: new Date() }).where(eq(users.id, inA.id));
    const sessionA = await signIn(database.db, { email, password: TEST_PASSWORD }, { ip: nextIp() }, config);
    if (!sessionA.ok) throw new Error("sign-in failed");
    expect((await findSessionUser(database.db, sessionA.token, config))?.districtId).toBe(a.district.id);
    const { client: inBrowser } = await signedIn(email);
    expect((await inBrowser.post("/switch-district", { districtId: b.district.id })).status).toBe(302);
    expect((await inBrowser.get("/home")).text).toContain(b.district.name);

    await setPersonActive(database.db, actorOf(a.lead), inA.id, false);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, inA.id))).toHaveLength(0);
    expect((await inBrowser.get("/home")).status).toBe(200);
    const [membershipB] = await database.db.select({ status: users.status }).from(users).where(eq(users.id, inB.id));
    expect(membershipB.status).toBe("active");
    expect(await findSessionUser(database.db, sessionA.token, config)).toBeNull();

    // Sign-in now has one district to offer, and switching to A is refused.
    const { res } = await signedIn(email);
    expect(res.location).toBe("/home");
    expect((await inBrowser.post("/switch-district", { districtId: a.district.id })).status).toBe(404);

    await setPersonActive(database.db, actorOf(a.lead), inA.id, true);
    const [back] = await database.db.select({ status: users.status }).from(users).where(eq(users.id, inA.id));
    expect(back.status).toBe("active");
  });

  it("reactivates a membership never accepted as invited, whatever password the person has elsewhere", async () => {
    const existing = await makeUser(database.db, a.district.id, "board", { email: `ivy-${Date.now()}@example.test` });
    const { person } = await invitePerson(database.db, actorOf(b.lead), { name: "Ivy", email: existing.email, role: "board", schoolIds: [], studentRecords: false });
    await setPersonActive(database.db, actorOf(b.lead), person.id, false);
    await setPersonActive(database.db, actorOf(b.lead), person.id, true);
    const [row] = await database.db.select({ status: users.status }).from(users).where(eq(users.id, person.id));
    expect(row.status).toBe("invited");
    // An invited membership is no way in: sign-in offers A only.
    const result = await signIn(database.db, { email: existing.email, password: TEST_PASSWORD }, { ip: nextIp() }, config);
    expect(result).toMatchObject({ ok: true, districtCount: 1, userId: existing.id });
  });

  it("gives the generic answer to a person with no active membership anywhere", async () => {
    const gone = await makeUser(database.db, a.district.id, "board", { email: `gone-${Date.now()}@example.test`, status: "deactivated" });
    expect(await signIn(database.db, { email: gone.email, password: TEST_PASSWORD }, { ip: nextIp() }, config)).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("one password for every district", () => {
  it("changing it signs the person out in every district", async () => {
    const email = `pat-${Date.now()}@example.test`;
    const inA = await makeUser(database.db, a.district.id, "board", { email });
    const inB = await makeUser(database.db, b.district.id, "board", { email });
    const first = await signIn(database.db, { email, password: TEST_PASSWORD }, { ip: nextIp() }, config);
    const { client } = await signedIn(email);
    await client.post("/switch-district", { districtId: b.district.id });
    expect(first.ok).toBe(true);
    await changeOwnPassword(database.db, actorOf(inB), TEST_PASSWORD, "a brand new password");
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, inA.id))).toHaveLength(0);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, inB.id))).toHaveLength(0);
    expect((await signIn(database.db, { email, password: "a brand new password" }, { ip: nextIp() }, config)).ok).toBe(true);
  });
});
