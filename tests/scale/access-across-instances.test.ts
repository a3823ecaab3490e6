// Access changes cross instances before the page answers (ADR 0033): signing out on one instance closes that
// session's socket on another, and an edit sent there right after is not stored; a report sent back to draft on one
// instance closes the board member's socket on another, and no draft text typed after reaches them.
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cycles, users } from "#db/schema";
import { readConfig } from "~/config";
import { createSession, sessionCookieName } from "~/modules/people/session.server";
import { createReport, submitForReview } from "~/modules/reports/reports.server";
import { contentOf, rawClient, storedText, textUpdate, updateFrame, waitFor } from "../collab/support";
import { HttpClient, removeTempDirs, type ServerProcess } from "../e2e/support";
import { actorOf } from "../factories";
import { identity, prepareWorld, sharedRedisUrl, startInstances, uniquePrefix, type ScaleWorld } from "./support";

let world: ScaleWorld;
const prefix = uniquePrefix("access");
const running: ServerProcess[] = [];
const cleanups: (() => void)[] = [];
const config = readConfig({ NODE_ENV: "production" });

async function personByEmail(email: string) {
  const [person] = await world.database.db.select().from(users).where(eq(users.email, email));
  return person;
}

async function socketOn(server: ServerProcess, documentId: string, cookie: string) {
  const client = await rawClient(server.url, documentId, identity(cookie, server));
  cleanups.push(() => client.socket.terminate());
  await waitFor(() => client.received.length > 0, "the server's first frame");
  return client;
}

beforeAll(async () => {
  world = await prepareWorld();
  running.push(...(await startInstances(2, { DATABASE_URL: world.url, REDIS_URL: sharedRedisUrl, REDIS_PREFIX: prefix })));
});
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop(10_000)));
  await world?.database.close();
  removeTempDirs();
});

describe("access changes across instances", () => {
  it("signing out on A closes that session's socket on B before the answer arrives; an edit sent to B right after is not stored", async () => {
    const [a, b] = running;
    const browser = new HttpClient(a.url);
    await browser.signIn("team@riverbend.example");
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const socket = await socketOn(b, world.documentId, cookie);
    socket.send(updateFrame(textUpdate("before signing out ")));
    await waitFor(async () => (await storedText(world.database.db, world.documentId)).includes("before signing out"), "the first edit stored");

    const res = await browser.post("/sign-out", {});
    expect(res.status).toBe(302);
    socket.send(updateFrame(textUpdate("sent to B after signing out on A ")));
    expect(await socket.closed(1_000)).toBe(4401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storedText(world.database.db, world.documentId)).not.toContain("sent to B after signing out on A");
  });

  it("a report back to draft on A closes the board member's socket on B; no draft text typed after reaches them", async () => {
    const [a, b] = running;
    const lead = await personByEmail("lead@riverbend.example");
    const team = await personByEmail("team@riverbend.example");
    const board = await personByEmail("board@riverbend.example");
    const [cycle] = await world.database.db.select().from(cycles).where(and(isNull(cycles.schoolId), eq(cycles.startYear, 2026)));
    const actor = actorOf({ ...team, role: "district_team" });
    const report = await createReport(world.database.db, actor, cycle.id, { audience: "board", language: "en" });
    const submitted = await submitForReview(world.database.db, actor, report.id, { expectedVersion: report.version });
    const cookieOf = async (userId: string) => `${sessionCookieName(config)}=${await createSession(world.database.db, userId, config)}`;
    const author = await socketOn(b, report.documentId, await cookieOf(team.id));
    const reader = await socketOn(b, report.documentId, await cookieOf(board.id));
    author.send(updateFrame(textUpdate("in review ")));
    await waitFor(() => reader.received.some((f) => contentOf(f) !== null && f.length > 20), "the board member reads the review text");

    const browser = new HttpClient(a.url);
    await browser.signIn(lead.email);
    const res = await browser.post(`/reports/${report.id}`, { intent: "return", expectedVersion: String(submitted.version) });
    expect(res.status).toBe(302);
    const seen = reader.received.length;
    author.send(updateFrame(textUpdate("draft again: not for the board ")));
    expect(await reader.closed(1_000)).toBe(4403);
    await waitFor(async () => (await storedText(world.database.db, report.documentId)).includes("draft again"), "the author's draft edit stored");
    expect(reader.received.slice(seen).filter((frame) => contentOf(frame) !== null)).toEqual([]);
  });
});
