// Every access change reaches open sockets before the page that made it answers (ADR 0033): a report back to draft
// closes the board member's socket and not one more draft keystroke reaches it; removing a reviewer closes theirs; a
// role change downgrades an editor and a school change closes the old school's plan — all through the app's pages.
import * as decoding from "lib0/decoding";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cycles, reports } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { addReviewer, createReport, publishReport, submitForReview } from "~/modules/reports/reports.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { contentOf, identityOf, rawClient, storedText, textUpdate, updateFrame, waitFor, type Identity } from "./support";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
// The periodic sweep is made slow on purpose: what is tested here must not depend on it.
const collabOptions = { maxMessageBytes: 64 * 1024, maxDocumentBytes: 256 * 1024, compactEvery: 1000, unloadAfterMs: 200, recheckEveryMs: 60_000 };

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let cycleId: string;
let lead: TestClient;
const cleanups: (() => void)[] = [];

const id = (userId: string) => identityOf(database.db, server.config, userId, server.url);

async function open(documentId: string, who: Identity) {
  const client = await rawClient(server.url, documentId, who);
  cleanups.push(() => client.socket.terminate());
  // The server speaks first (its step 1); wait for it so the socket has joined the document.
  await waitFor(() => client.received.length > 0, "the server's first frame");
  return client;
}

function isReadOnlyNotice(frame: Uint8Array) {
  const decoder = decoding.createDecoder(frame);
  return decoding.readVarUint(decoder) === 2 && decoding.readVarUint(decoder) === 0 && decoding.readVarString(decoder) === "read-only";
}

/** A report of the district cycle, written by the team, in review: the board and a named reviewer may read it. */
async function reportInReview(reviewerId?: string) {
  const report = await createReport(database.db, actorOf(world.team), cycleId, { audience: "board", language: "en" });
  if (reviewerId) await addReviewer(database.db, actorOf(world.team), report.id, reviewerId);
  const submitted = await submitForReview(database.db, actorOf(world.team), report.id, { expectedVersion: report.version });
  return { id: report.id, documentId: report.documentId, version: submitted.version };
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database, {}, collabOptions);
  cycleId = (await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, ...dates })).id;
  lead = new TestClient(server.url);
  await lead.signIn(world.lead.email, TEST_PASSWORD);
});
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("a report's state and reviewers", () => {
  it("closes the board member's socket before 'Back to draft' answers; no draft text typed after it reaches them", async () => {
    const report = await reportInReview();
    const author = await open(report.documentId, await id(world.team.id));
    const board = await open(report.documentId, await id(world.board.id));
    author.send(updateFrame(textUpdate("in review ")));
    await waitFor(() => board.received.some((f) => contentOf(f) !== null && f.length > 20), "the board member reads the review text");

    const res = await lead.post(`/reports/${report.id}`, { intent: "return", expectedVersion: String(report.version) });
    expect(res.status).toBe(302);
    const seen = board.received.length;
    author.send(updateFrame(textUpdate("back in draft: the board must not read this ")));
    expect(await board.closed(500)).toBe(4403);
    await waitFor(async () => (await storedText(database.db, report.documentId)).includes("back in draft"), "the author's draft edit stored");
    expect(board.received.slice(seen).filter((frame) => contentOf(frame) !== null)).toEqual([]);
    expect(author.closeCode()).toBeNull();
    const [row] = await database.db.select({ state: reports.state }).from(reports).where(eq(reports.id, report.id));
    expect(row.state).toBe("draft");
  });

  it("closes a named reviewer's socket before their removal answers", async () => {
    const reviewer = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id], name: "Removed Reviewer" });
    const report = await reportInReview(reviewer.id);
    const socket = await open(report.documentId, await id(reviewer.id));
    const stays = await open(report.documentId, await id(world.board.id));

    const res = await lead.post(`/reports/${report.id}`, { intent: "remove-reviewer", userId: reviewer.id });
    expect(res.status).toBe(302);
    expect(await socket.closed(500)).toBe(4403);
    expect(stays.closeCode()).toBeNull();
  });

  it("turns the authors' sockets read-only before a retraction answers; a change sent after it is not stored", async () => {
    const inReview = await reportInReview();
    const { report: published } = await publishReport(database.db, actorOf(world.lead), inReview.id, { expectedVersion: inReview.version });
    const author = await open(inReview.documentId, await id(world.team.id));
    expect(author.received.some(isReadOnlyNotice)).toBe(false);

    const res = await lead.post(`/reports/${inReview.id}`, { intent: "retract", expectedVersion: String(published.version), reason: "Figures were wrong" });
    expect(res.status).toBe(302);
    // Sent before the page answered; on its own TCP connection it may land a moment after the answer.
    await waitFor(() => author.received.some(isReadOnlyNotice), "the read-only notice", 500);
    author.send(updateFrame(textUpdate("typed after the retraction ")));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await storedText(database.db, inReview.documentId)).not.toContain("typed after the retraction");
  });
});

describe("a person's role and schools", () => {
  it("downgrades an editor who becomes a board member before the people page answers: the next edit is dropped", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const plan = (await ensurePlanDocument(database.db, actorOf(world.lead), cycleId)).id;
    const socket = await open(plan, await id(person.id));
    expect(socket.received.some(isReadOnlyNotice)).toBe(false);

    const res = await lead.post(`/people/${person.id}`, { intent: "update", name: person.name, role: "board" });
    expect(res.status).toBe(302);
    await waitFor(() => socket.received.some(isReadOnlyNotice), "the read-only notice", 500);
    socket.send(updateFrame(textUpdate("a board member cannot write this ")));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await storedText(database.db, plan)).not.toContain("a board member cannot write this");
    expect(socket.closeCode()).toBeNull();
  });

  it("closes a school team member's socket on their old school's plan when they move to another school", async () => {
    const person = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolA.id] });
    const [schoolCycle] = await database.db
      .select()
      .from(cycles)
      .where(and(eq(cycles.districtCycleId, cycleId), eq(cycles.schoolId, world.schoolA.id)));
    const plan = (await ensurePlanDocument(database.db, actorOf(world.lead), schoolCycle.id)).id;
    const socket = await open(plan, await id(person.id));

    const res = await lead.post(`/people/${person.id}`, { intent: "update", name: person.name, role: "school_team", schoolIds: [world.schoolB.id] });
    expect(res.status).toBe(302);
    expect(await socket.closed(500)).toBe(4403);
  });
});
