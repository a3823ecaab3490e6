// A report draft's history against the real app, database and collaboration server: its editors save, read and
// restore versions (audited, the report's version checked); board members and reviewers read the report but not its
// history; another district's report is not found; a retracted report's history is read-only; daily versions are
// the collaboration server's, as for plans.
import { and, asc, desc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, docVersions, reports } from "#db/schema";
import { documentJSON, documentText, readDocument } from "~/editor/document";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { loadPlanState } from "~/modules/plans/plan-content.server";
import { addReviewer, createReport, publishReport, retractReport, submitForReview } from "~/modules/reports/reports.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { connectProvider, identityOf, waitFor } from "./support";

const dates = (year: number) => ({ baselineDate: `${year}-10-01`, midyearDate: `${year + 1}-01-31`, endyearDate: `${year + 1}-05-31` });
const DAY = 86_400_000;
let clock = new Date(Math.floor(Date.now() / DAY) * DAY + DAY / 2);

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let reviewer: Awaited<ReturnType<typeof makeUser>>;
let districtCycle: string;
const cleanups: (() => void)[] = [];

async function signedIn(email: string) {
  const client = new TestClient(server.url);
  await client.signIn(email, TEST_PASSWORD);
  return client;
}

function addParagraph(doc: Y.Doc, text: string) {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment("default").push([p]);
}

async function draftText(documentId: string) {
  const reading = readDocument((await loadPlanState(database.db, documentId)).state);
  return reading.ok ? documentText(reading.json) : "(damaged)";
}

async function newReport(title: string) {
  return createReport(database.db, actorOf(world.lead), districtCycle, { audience: "board", language: "en", title });
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  reviewer = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id], name: "Rae Reviewer" });
  server = await startTestServer(database, {}, { compactEvery: 1_000, unloadAfterMs: 100, recheckEveryMs: 60_000, now: () => clock });
  districtCycle = (await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, ...dates(2026) })).id;
});
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("a report draft's history", () => {
  it("lets editors save, read and restore versions while someone edits live; the restore is audited and keeps what it replaced", async () => {
    const report = await newReport("History report");
    const team = await signedIn(world.team.email);
    const saved = await team.post(`/reports/${report.id}/history`, { name: "Before the board read it" });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`/reports/${report.id}/history?saved=1`);
    const [version] = await database.db.select().from(docVersions).where(and(eq(docVersions.documentId, report.documentId), eq(docVersions.name, "Before the board read it")));
    expect(version).toMatchObject({ kind: "named", createdBy: world.team.id });
    const [savedAudit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "report.version.create"), eq(auditEvents.entityId, version.id)));
    expect(savedAudit.details).toMatchObject({ reportId: report.id, documentId: report.documentId, name: "Before the board read it" });

    // Someone edits the draft live; the history lists the version and the person.
    const doc = new Y.Doc();
    const live = await connectProvider(server.url, report.documentId, await identityOf(database.db, server.config, world.lead.id, server.url), doc);
    cleanups.push(() => live.provider.destroy());
    await waitFor(() => live.provider.synced, "the editor synced");
    doc.transact(() => addParagraph(doc, "Added after the version was saved"));
    await waitFor(async () => (await draftText(report.documentId)).includes("Added after the version was saved"), "the edit stored");

    const history = await team.get(`/reports/${report.id}/history`);
    expect(history.status).toBe(200);
    expect(history.text).toContain("Before the board read it");
    expect(history.text).toContain(world.lead.name);
    const preview = await team.get(`/reports/${report.id}/versions/${version.id}`);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain("This is a past version of the draft");
    expect(preview.text).toContain("Restore this version");
    expect(preview.text).not.toContain("Added after the version was saved");

    // A restore made on a page older than the report's state is refused in words, and changes nothing.
    const [row] = await database.db.select().from(reports).where(eq(reports.id, report.id));
    const stale = await team.post(`/reports/${report.id}/versions/${version.id}`, { intent: "restore", expectedVersion: String(row.version - 1) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("Someone changed this report");
    expect(await draftText(report.documentId)).toContain("Added after the version was saved");
    const missing = await team.post(`/reports/${report.id}/versions/${version.id}`, { intent: "restore" });
    expect(missing.status).toBe(400);

    const restored = await team.post(`/reports/${report.id}/versions/${version.id}`, { intent: "restore", expectedVersion: String(row.version) });
    expect(restored.status).toBe(302);
    expect(restored.location).toBe(`/reports/${report.id}/history?restored=1`);
    expect(await draftText(report.documentId)).not.toContain("Added after the version was saved");
    // The open editor sees the restore at once.
    await waitFor(() => !JSON.stringify(documentJSON(doc)).includes("Added after the version was saved"), "the live editor received the restore");
    const [kept] = await database.db.select().from(docVersions).where(and(eq(docVersions.documentId, report.documentId), eq(docVersions.name, "Before restoring “Before the board read it”")));
    const keptReading = readDocument(kept.state);
    expect(keptReading.ok && documentText(keptReading.json)).toContain("Added after the version was saved");
    const [audit] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "report.restore")).orderBy(desc(auditEvents.at)).limit(1);
    expect(audit).toMatchObject({ actorId: world.team.id, districtId: world.district.id, entityId: version.id });
    expect(audit.details).toMatchObject({ reportId: report.id, version: "Before the board read it", keptVersionId: kept.id });
  });

  it("keeps a daily version of each day the draft changed, taken by the next day's first change", async () => {
    const report = await newReport("Daily report");
    const doc = new Y.Doc();
    const live = await connectProvider(server.url, report.documentId, await identityOf(database.db, server.config, world.lead.id, server.url), doc);
    cleanups.push(() => live.provider.destroy());
    await waitFor(() => live.provider.synced, "the editor synced");
    doc.transact(() => addParagraph(doc, "Monday's words"));
    await waitFor(async () => (await draftText(report.documentId)).includes("Monday's words"), "the first day's edit stored");
    const firstDay = clock.toISOString().slice(0, 10);
    clock = new Date(clock.getTime() + DAY);
    doc.transact(() => addParagraph(doc, "Tuesday's words"));
    await waitFor(async () => (await draftText(report.documentId)).includes("Tuesday's words"), "the second day's edit stored");
    const versions = await database.db.select().from(docVersions).where(eq(docVersions.documentId, report.documentId)).orderBy(asc(docVersions.createdAt));
    expect(versions.map((v) => [v.kind, v.day])).toEqual([["daily", firstDay]]);
    const state = readDocument(versions[0].state);
    expect(state.ok && documentText(state.json)).toContain("Monday's words");
    expect(state.ok && documentText(state.json)).not.toContain("Tuesday's words");
    const lead = await signedIn(world.lead.email);
    expect((await lead.get(`/reports/${report.id}/history`)).text).toContain("Daily");
  });

  it("is its editors' alone: the board and a named reviewer read the report but not its history, and cannot restore", async () => {
    const report = await newReport("Reviewed report");
    await addReviewer(database.db, actorOf(world.lead), report.id, reviewer.id);
    await submitForReview(database.db, actorOf(world.lead), report.id, { expectedVersion: 1 });
    const lead = await signedIn(world.lead.email);
    expect((await lead.post(`/reports/${report.id}/history`, { name: "In review" })).status).toBe(302);
    const [version] = await database.db.select().from(docVersions).where(eq(docVersions.documentId, report.documentId));
    const before = (await database.db.select().from(docVersions).where(eq(docVersions.documentId, report.documentId))).length;
    for (const email of [world.board.email, reviewer.email]) {
      const reader = await signedIn(email);
      const page = await reader.get(`/reports/${report.id}`);
      expect(page.status, `${email} reads the report`).toBe(200);
      expect(page.text).not.toContain(`/reports/${report.id}/history`);
      expect((await reader.get(`/reports/${report.id}/history`)).status).toBe(403);
      expect((await reader.get(`/reports/${report.id}/versions/${version.id}`)).status).toBe(403);
      expect((await reader.post(`/reports/${report.id}/history`, { name: "Mine" })).status).toBe(403);
      expect((await reader.post(`/reports/${report.id}/versions/${version.id}`, { intent: "restore", expectedVersion: "2" })).status).toBe(403);
      expect((await reader.post(`/reports/${report.id}`, { intent: "restore-last-good" })).status).toBe(403);
    }
    // The report page links its editors to the history.
    expect((await lead.get(`/reports/${report.id}`)).text).toContain(`/reports/${report.id}/history`);
    // Another district: not found, whether the report or the version is asked for.
    const stranger = await signedIn(other.lead.email);
    expect((await stranger.get(`/reports/${report.id}/history`)).status).toBe(404);
    expect((await stranger.get(`/reports/${report.id}/versions/${version.id}`)).status).toBe(404);
    expect((await stranger.post(`/reports/${report.id}/versions/${version.id}`, { intent: "restore", expectedVersion: "2" })).status).toBe(404);
    // A version of one report cannot be opened or restored under another.
    const second = await newReport("Second report");
    expect((await lead.get(`/reports/${second.id}/versions/${version.id}`)).status).toBe(404);
    expect((await lead.post(`/reports/${second.id}/versions/${version.id}`, { intent: "restore", expectedVersion: "1" })).status).toBe(404);
    expect(await database.db.select().from(docVersions).where(eq(docVersions.documentId, report.documentId))).toHaveLength(before);
  });

  it("refuses a missing name in words, and keeps a retracted report's history read-only", async () => {
    const report = await newReport("Retracted report");
    const lead = await signedIn(world.lead.email);
    const empty = await lead.post(`/reports/${report.id}/history`, { name: "  " });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Give the version a name");
    expect((await lead.post(`/reports/${report.id}/history`, { name: "Final" })).status).toBe(302);
    const [version] = await database.db.select().from(docVersions).where(eq(docVersions.documentId, report.documentId));
    await submitForReview(database.db, actorOf(world.lead), report.id, { expectedVersion: 1 });
    await publishReport(database.db, actorOf(world.lead), report.id, { expectedVersion: 2 });
    await retractReport(database.db, actorOf(world.lead), report.id, { expectedVersion: 3, reason: "Figures were wrong" });
    const history = await lead.get(`/reports/${report.id}/history`);
    expect(history.status).toBe(200);
    expect(history.text).toContain("This report was retracted");
    expect(history.text).not.toContain("Save this version</button>");
    const refused = await lead.post(`/reports/${report.id}/versions/${version.id}`, { intent: "restore", expectedVersion: "4" });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("This report was retracted");
    expect((await lead.post(`/reports/${report.id}/history`, { name: "After" })).status).toBe(409);
  });
});
