// Collaboration sockets of a person in two districts (ADR 0035): a socket lives on one membership's session, so
// switching district or losing that membership closes it, and what happens in the other district does not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { setPersonActive } from "~/modules/people/people.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { identityOf, openRaw, rawClient, textUpdate, updateFrame, waitFor } from "./support";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
const RECHECK_MS = 500;

let database: TestDatabase;
let server: TestServer;
let a: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let b: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let planA: string;
let planB: string;

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  a = await makeDistrictWithPeople(database.db);
  b = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database, {}, { recheckEveryMs: RECHECK_MS, unloadAfterMs: 200 });
  const cycleA = await createDistrictCycle(database.db, actorOf(a.lead), { startYear: 2026, ...dates });
  planA = (await ensurePlanDocument(database.db, actorOf(a.lead), cycleA.id)).id;
  const cycleB = await createDistrictCycle(database.db, actorOf(b.lead), { startYear: 2026, ...dates });
  planB = (await ensurePlanDocument(database.db, actorOf(b.lead), cycleB.id)).id;
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function twoDistrictPerson() {
  const email = `both-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const inA = await makeUser(database.db, a.district.id, "district_team", { email });
  const inB = await makeUser(database.db, b.district.id, "district_team", { email });
  return { email, inA, inB };
}

describe("a person in two districts on collaboration sockets", () => {
  it("opens only the current district's documents: another district's plan is not found", async () => {
    const { inA } = await twoDistrictPerson();
    const inADistrict = await identityOf(database.db, server.config, inA.id, server.url);
    expect((await openRaw(server.url, planB, { cookie: inADistrict.cookie, origin: server.url })).status).toBe(404);
    const open = await openRaw(server.url, planA, { cookie: inADistrict.cookie, origin: server.url });
    expect(open.status).toBeNull();
    open.socket?.close();
  });

  it("closes the sockets of the district left when the person switches district", async () => {
    const { email, inA } = await twoDistrictPerson();
    const browser = new TestClient(server.url);
    await browser.post("/sign-in", { email, password: TEST_PASSWORD });
    // Wherever sign-in landed, go to A and open A's plan with that session.
    await browser.post("/switch-district", { districtId: a.district.id });
    expect((await browser.get("/home")).text).toContain(a.district.name);
    const raw = await rawClient(server.url, planA, { cookie: browser.cookieHeader(), origin: server.url });
    await waitFor(() => [...server.collab.connections].some((c) => c.user.id === inA.id && !c.readOnly), "connected as an editor in A");

    const started = Date.now();
    expect((await browser.post("/switch-district", { districtId: b.district.id })).status).toBe(302);
    expect(await raw.closed(5_000)).toBe(4401);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("keeps a socket open when the person is deactivated in the other district, and closes it when deactivated in this one", async () => {
    const { inA, inB } = await twoDistrictPerson();
    const raw = await rawClient(server.url, planA, await identityOf(database.db, server.config, inA.id, server.url));
    const conn = () => [...server.collab.connections].find((c) => c.user.id === inA.id);
    await waitFor(() => conn()?.readOnly === false, "connected as an editor in A");

    await setPersonActive(database.db, actorOf(b.lead), inB.id, false);
    // Several periodic re-checks later the socket is still open and still an editor.
    await new Promise((resolve) => setTimeout(resolve, RECHECK_MS * 4));
    expect(raw.closeCode()).toBeNull();
    expect(conn()?.readOnly).toBe(false);
    raw.send(updateFrame(textUpdate("still editing in A")));

    await setPersonActive(database.db, actorOf(a.lead), inA.id, false);
    expect(await raw.closed(5_000)).toBe(4401);
  });
});
