// Sessions end when they should, for open sockets too (ADR 0033): the socket's re-check is not activity, an idle
// session closes its sockets with the sentence the editor shows, edits are activity, and signing out or changing one's
// password closes that person's sockets before the page answers — an edit sent right after is never stored.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { sha256Hex } from "../security/helpers";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { identityOf, rawClient, storedText, textUpdate, updateFrame, waitFor, type Identity } from "./support";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
// Re-checks every 200 ms: over a test, dozens of them — none may count as activity.
const collabOptions = { maxMessageBytes: 64 * 1024, maxDocumentBytes: 256 * 1024, compactEvery: 1000, unloadAfterMs: 200, recheckEveryMs: 200 };
const IDLE_SECONDS = 3;

let database: TestDatabase;
/** Sessions go idle after 3 s here, so a test can watch it happen in real time. */
let shortIdle: TestServer;
/** The usual 30 minutes, and a periodic re-check only every minute. */
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let plan: string;
const cleanups: (() => void)[] = [];

const tokenOf = (who: Identity) => who.cookie.split("=")[1];

async function sessionRow(token: string) {
  const [row] = await database.db.select().from(sessions).where(eq(sessions.id, sha256Hex(token)));
  return row ?? null;
}

/** A raw socket that remembers the close reason as well as the code. */
async function open(on: TestServer, who: Identity) {
  const client = await rawClient(on.url, plan, who);
  let reason: string | null = null;
  client.socket.on("close", (_code, why) => (reason = why.toString()));
  cleanups.push(() => client.socket.terminate());
  return { ...client, reason: () => reason };
}

/** Signs in over HTTP, as a browser would, and hands back the client and its cookie for a socket. */
async function browserOf(on: TestServer, email: string) {
  const browser = new TestClient(on.url);
  await browser.signIn(email, TEST_PASSWORD);
  return { browser, identity: { cookie: browser.cookieHeader(), origin: on.url } satisfies Identity };
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  shortIdle = await startTestServer(database, { SESSION_IDLE_MINUTES: String(IDLE_SECONDS / 60) }, collabOptions);
  // Its periodic sweep is slow on purpose: sign-out and password change must not depend on it.
  server = await startTestServer(database, {}, { ...collabOptions, recheckEveryMs: 60_000 });
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, ...dates });
  plan = (await ensurePlanDocument(database.db, actorOf(world.lead), cycle.id)).id;
});
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
afterAll(async () => {
  await shortIdle?.close();
  await server?.close();
  await database?.close();
});

describe("an idle session and its sockets", () => {
  it("closes an untouched editor's socket when the idle limit passes, with the sentence the editor shows; re-checks never moved last_seen_at", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const who = await identityOf(database.db, shortIdle.config, person.id, shortIdle.url);
    const openedAt = Date.now();
    const socket = await open(shortIdle, who);
    // Opening the editor is a request the person made (it may touch the session); everything after it is not.
    const before = await sessionRow(tokenOf(who));
    // Half the idle limit, with a re-check every 200 ms: the session must not have been touched by any of them.
    await new Promise((resolve) => setTimeout(resolve, (IDLE_SECONDS * 1000) / 2));
    expect(socket.closeCode()).toBeNull();
    expect((await sessionRow(tokenOf(who)))?.lastSeenAt.getTime()).toBe(before!.lastSeenAt.getTime());

    expect(await socket.closed(IDLE_SECONDS * 1000 + 3_000)).toBe(4408);
    const closedAfter = Date.now() - openedAt;
    expect(socket.reason()).toBe(`You were signed out after ${IDLE_SECONDS} seconds without activity.`);
    // Closed because the idle limit passed, counted from the sign-in: not before it, and not a periodic sweep later.
    expect(closedAfter).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 400);
    expect(await sessionRow(tokenOf(who))).toBeNull();
  });

  it("counts edits sent over the socket as activity: an editor typing past the idle limit stays signed in, then goes idle when they stop", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const who = await identityOf(database.db, shortIdle.config, person.id, shortIdle.url);
    const socket = await open(shortIdle, who);
    const typingUntil = Date.now() + IDLE_SECONDS * 1000 * 2;
    let n = 0;
    while (Date.now() < typingUntil) {
      socket.send(updateFrame(textUpdate(`keystroke ${n++} `)));
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(socket.closeCode(), "typing for twice the idle limit keeps the session").toBeNull();
    const row = await sessionRow(tokenOf(who));
    expect(Date.now() - row!.lastSeenAt.getTime()).toBeLessThan(IDLE_SECONDS * 1000);
    const stoppedAt = Date.now();
    expect(await socket.closed(IDLE_SECONDS * 1000 + 3_000)).toBe(4408);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 1_500);
  });

  it("keeps the socket of a person who is active on pages in another tab: their requests move the deadline", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const who = await identityOf(database.db, shortIdle.config, person.id, shortIdle.url);
    const socket = await open(shortIdle, who);
    const tab = new TestClient(shortIdle.url);
    tab.cookies.set(who.cookie.split("=")[0], tokenOf(who));
    const until = Date.now() + IDLE_SECONDS * 1000 * 2;
    while (Date.now() < until) {
      expect((await tab.get("/home")).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(socket.closeCode()).toBeNull();
    expect(await socket.closed(IDLE_SECONDS * 1000 + 3_000)).toBe(4408);
  });
});

describe("signing out and changing one's password", () => {
  it("closes the socket of the session that signed out before the page answers; an edit sent right after is not stored; another device stays", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const { browser, identity } = await browserOf(server, person.email);
    const otherDevice = await identityOf(database.db, server.config, person.id, server.url);
    const socket = await open(server, identity);
    const stays = await open(server, otherDevice);
    socket.send(updateFrame(textUpdate("before signing out ")));
    await waitFor(async () => (await storedText(database.db, plan)).includes("before signing out"), "the first edit stored");

    const res = await browser.post("/sign-out", {});
    expect(res.status).toBe(302);
    // The very next thing this browser does: an edit on the socket it had open.
    socket.send(updateFrame(textUpdate("after signing out ")));
    expect(await socket.closed(500)).toBe(4401);
    // Signing out ends one session, not the person's others: that device's edit is stored, the signed-out one's is not.
    expect(stays.closeCode()).toBeNull();
    stays.send(updateFrame(textUpdate("still here ")));
    await waitFor(async () => (await storedText(database.db, plan)).includes("still here"), "the other device's edit stored");
    expect(await storedText(database.db, plan)).not.toContain("after signing out");
  });

  it("closes every socket of the person before the password change answers, and stores nothing sent after", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const { browser, identity } = await browserOf(server, person.email);
    const laptop = await identityOf(database.db, server.config, person.id, server.url);
    const here = await open(server, identity);
    const there = await open(server, laptop);

    const newPassword = "a new passphrase for the test";
    const res = await browser.post("/account", { currentPassword: TEST_PASSWORD, password: newPassword, confirmPassword: newPassword });
    expect(res.status).toBeLessThan(400);
    there.send(updateFrame(textUpdate("from the laptop after the change ")));
    here.send(updateFrame(textUpdate("from here after the change ")));
    expect(await there.closed(500)).toBe(4401);
    expect(await here.closed(500)).toBe(4401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const text = await storedText(database.db, plan);
    expect(text).not.toContain("from the laptop after the change");
    expect(text).not.toContain("from here after the change");
    // This browser got a new session with the new password; the old ones are gone.
    expect(await sessionRow(tokenOf(laptop))).toBeNull();
    expect((await browser.get("/home")).status).toBe(200);
  });
});
