// Damaged stored documents against the real app, database and collaboration server: a plan, meeting notes and a report
// draft whose log holds what the editor would never write (a bare text at the top level, an unknown element, a block
// with attributes of the wrong kind), appended straight to doc_update with Yjs's real encoding. Every reader answers a
// clear page naming the document and offering its last good version; restoring brings back a readable one; closing
// the year with a damaged school plan completes and says what it could not carry.
import { and, asc, desc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, docSnapshots, docUpdates, docVersions, planDocuments, publishedReports, reports } from "#db/schema";
import { documentText, readDocument } from "~/editor/document";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { launchNextCycle, startCycle } from "~/modules/cycles/lifecycle.server";
import { loadPlanState } from "~/modules/plans/plan-content.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { meetingSchema } from "~/modules/reflections/reflections.schema";
import { createMeeting, ensureMeetingNotes, listProtocols } from "~/modules/reflections/reflections.server";
import { createReport, submitForReview } from "~/modules/reports/reports.server";
import { actorOf, makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

const dates = (year: number) => ({ baselineDate: `${year}-10-01`, midyearDate: `${year + 1}-01-31`, endyearDate: `${year + 1}-05-31` });

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let districtCycle: string;
let cycleOf: Record<"A" | "B", string>;

/** The three kinds of damage the issue names, each made by a real Yjs change on top of the stored state. */
const damages = {
  "bare text": (fragment: Y.XmlFragment) => {
    const text = new Y.XmlText();
    text.insert(0, "Typed outside any paragraph");
    fragment.insert(fragment.length, [text]);
  },
  "unknown element": (fragment: Y.XmlFragment) => {
    const odd = new Y.XmlElement("marquee");
    odd.insert(0, [new Y.XmlText("Scrolling text")]);
    fragment.insert(fragment.length, [odd]);
  },
  "bad attributes": (fragment: Y.XmlFragment) => {
    const heading = new Y.XmlElement("heading");
    heading.setAttribute("level", { level: "two" } as unknown as string);
    heading.insert(0, [new Y.XmlText("A heading with a level that is an object")]);
    fragment.insert(fragment.length, [heading]);
  },
} satisfies Record<string, (fragment: Y.XmlFragment) => void>;
type Damage = keyof typeof damages;

/** Appends one change to the document's log, as the collaboration server would store it, and returns its seq. */
async function appendChange(documentId: string, userId: string, change: (fragment: Y.XmlFragment) => void) {
  const stored = await loadPlanState(database.db, documentId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, stored.state);
  let update: Uint8Array | null = null;
  doc.on("update", (u: Uint8Array) => (update = u));
  doc.transact(() => change(doc.getXmlFragment("default")));
  doc.destroy();
  const [last] = await database.db.select({ seq: docUpdates.seq }).from(docUpdates).where(eq(docUpdates.documentId, documentId)).orderBy(desc(docUpdates.seq)).limit(1);
  const seq = Math.max(last?.seq ?? 0, stored.seq) + 1;
  await database.db.insert(docUpdates).values({ documentId, seq, update: update!, userId, clientId: doc.clientID });
  return seq;
}

function paragraph(text: string) {
  return (fragment: Y.XmlFragment) => {
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText(text)]);
    fragment.insert(fragment.length, [p]);
  };
}

async function signedIn(email: string) {
  const client = new TestClient(server.url);
  await client.signIn(email, TEST_PASSWORD);
  return client;
}

async function storedText(documentId: string) {
  const reading = readDocument((await loadPlanState(database.db, documentId)).state);
  return reading.ok ? documentText(reading.json) : null;
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database, {}, { compactEvery: 1_000, unloadAfterMs: 100, recheckEveryMs: 60_000 });
  districtCycle = (await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, ...dates(2026) })).id;
  const schoolCycles = await database.db.select().from(cycles).where(eq(cycles.districtCycleId, districtCycle));
  cycleOf = {
    A: schoolCycles.find((c) => c.schoolId === world.schoolA.id)!.id,
    B: schoolCycles.find((c) => c.schoolId === world.schoolB.id)!.id,
  };
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("a damaged action plan", () => {
  // One plan per kind of damage (the district's and each school's), so the server never holds one we write under.
  const cases: [Damage, () => string, () => string][] = [
    ["bare text", () => districtCycle, () => world.district.name],
    ["unknown element", () => cycleOf.A, () => world.schoolA.name],
    ["bad attributes", () => cycleOf.B, () => world.schoolB.name],
  ];
  it.each(cases)("with %s: every reader names it and offers its last good version, and restoring brings it back", async (damage, cycle, organisation) => {
    const cycleId = cycle();
    const lead = await signedIn(world.lead.email);
    const plan = await ensurePlanDocument(database.db, actorOf(world.lead), cycleId);
    await appendChange(plan.id, world.lead.id, paragraph("Agreed with the board in May"));
    expect((await lead.post(`/cycles/${cycleId}/plan/history`, { name: "Approved by board" })).status).toBe(302);
    await appendChange(plan.id, world.team.id, damages[damage]);
    expect(await storedText(plan.id)).toBeNull();
    const label = `${organisation()}’s action plan for 2026–27`;

    // The plan page: 200, the document named, what is wrong, the last good version linked and a restore form; no editor.
    const page = await lead.get(`/cycles/${cycleId}/plan`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${label} cannot be shown`);
    expect(page.text).toContain("“Approved by board”");
    expect(page.text).toContain("Restore the last good version");
    expect(page.text).not.toContain("Export as");
    // A reader is told the same, without the form.
    const board = await signedIn(world.board.email);
    const boardPage = await board.get(`/cycles/${cycleId}/plan`);
    expect(boardPage.status).toBe(200);
    expect(boardPage.text).toContain(`${label} cannot be shown`);
    expect(boardPage.text).not.toContain("Restore the last good version");

    // Exports (HTML, which is also the print view, Markdown, text): 409 in words, never a file with parts missing.
    for (const format of ["html", "md", "txt"]) {
      const file = await lead.get(`/cycles/${cycleId}/plan/export/${format}`);
      expect(file.status, format).toBe(409);
      expect(file.text).toContain(`${label} is damaged`);
      expect(file.text).toContain(`/cycles/${cycleId}/plan/history`);
    }

    // History names it too, and its versions still open.
    const history = await lead.get(`/cycles/${cycleId}/plan/history`);
    expect(history.status).toBe(200);
    expect(history.text).toContain(`${label} cannot be shown`);
    expect(history.text).toContain("Approved by board");

    // Restore: back to the approved text, the damaged state kept as a version that says it is damaged.
    const restored = await lead.post(`/cycles/${cycleId}/plan/history`, { intent: "restore-last-good" });
    expect(restored.status).toBe(302);
    expect(restored.location).toBe(`/cycles/${cycleId}/plan?restored=1`);
    const text = await storedText(plan.id);
    expect(text).toContain("Agreed with the board in May");
    const after = await lead.get(`/cycles/${cycleId}/plan`);
    expect(after.status).toBe(200);
    expect(after.text).not.toContain("cannot be shown");
    expect(after.text).toContain("Agreed with the board in May");
    const [kept] = await database.db
      .select()
      .from(docVersions)
      .where(and(eq(docVersions.documentId, plan.id), eq(docVersions.name, "Before restoring “Approved by board”")));
    expect(readDocument(kept.state).ok).toBe(false);
    const keptPage = await lead.get(`/cycles/${cycleId}/plan/versions/${kept.id}`);
    expect(keptPage.status).toBe(200);
    expect(keptPage.text).toContain("This version is damaged");
    expect(keptPage.text).not.toContain("Restore this version");
    // Restoring a damaged version is refused in words, and changes nothing.
    const refused = await lead.post(`/cycles/${cycleId}/plan/versions/${kept.id}`, { intent: "restore" });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("is damaged too");
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "plan.restore"), eq(auditEvents.actorId, world.lead.id))).orderBy(desc(auditEvents.at)).limit(1);
    expect(audit.details).toMatchObject({ documentId: plan.id, cycleId, version: "Approved by board", keptVersionId: kept.id });
  });

  it("restores from a snapshot when no version reads cleanly, and keeps that snapshot as a version", async () => {
    const lead = actorOf(other.lead);
    const cycleId = (await createDistrictCycle(database.db, lead, { startYear: 2026, ...dates(2026) })).id;
    const plan = await ensurePlanDocument(database.db, lead, cycleId);
    await appendChange(plan.id, other.lead.id, paragraph("Written before compaction"));
    const clean = await loadPlanState(database.db, plan.id);
    await database.db.insert(docSnapshots).values({ documentId: plan.id, seq: clean.seq, state: clean.state });
    await appendChange(plan.id, other.lead.id, damages["bare text"]);
    const client = await signedIn(other.lead.email);
    const page = await client.get(`/cycles/${cycleId}/plan`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("an automatic copy taken");
    expect((await client.post(`/cycles/${cycleId}/plan/history`, { intent: "restore-last-good" })).status).toBe(302);
    expect(await storedText(plan.id)).toContain("Written before compaction");
    const names = (await database.db.select({ name: docVersions.name }).from(docVersions).where(eq(docVersions.documentId, plan.id)).orderBy(asc(docVersions.createdAt))).map((v) => v.name);
    expect(names[0]).toMatch(/^Last readable state, kept \d{4}-\d{2}-\d{2}$/);
    expect(names[1]).toMatch(/^Before restoring “Last readable state/);
    // Another district's lead cannot reach it at all.
    const stranger = await signedIn(world.lead.email);
    expect((await stranger.post(`/cycles/${cycleId}/plan/history`, { intent: "restore-last-good" })).status).toBe(404);
  });

  it("says when nothing earlier reads cleanly, and restoring is refused in words", async () => {
    const lead = actorOf(other.lead);
    const [otherSchool] = await database.db.select().from(cycles).where(and(eq(cycles.districtId, other.district.id), eq(cycles.schoolId, other.schoolA.id)));
    const plan = await ensurePlanDocument(database.db, lead, otherSchool.id);
    await appendChange(plan.id, other.lead.id, damages["unknown element"]);
    const client = await signedIn(other.lead.email);
    const page = await client.get(`/cycles/${otherSchool.id}/plan`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("No earlier version of it reads cleanly");
    const refused = await client.post(`/cycles/${otherSchool.id}/plan/history`, { intent: "restore-last-good" });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("No earlier version of the plan reads cleanly");
  });
});

describe("damaged meeting notes", () => {
  it("leave the meeting page readable, name the notes, and restore their last good version", async () => {
    const lead = actorOf(world.lead);
    const {
      protocols: [protocol],
    } = await listProtocols(database.db, lead);
    const meeting = await createMeeting(database.db, lead, districtCycle, meetingSchema.parse({ protocolId: protocol.id, title: "Spring reflection", checkpoint: "endyear", heldOn: "2027-06-01" }));
    const notes = await ensureMeetingNotes(database.db, lead, districtCycle, meeting.id);
    await appendChange(notes.id, world.lead.id, paragraph("We agreed to keep coaching"));
    const good = await loadPlanState(database.db, notes.id);
    await database.db.insert(docVersions).values({ documentId: notes.id, kind: "daily", day: "2027-06-01", seq: good.seq, state: good.state });
    await appendChange(notes.id, world.team.id, damages["bad attributes"]);
    const client = await signedIn(world.lead.email);
    const page = await client.get(`/cycles/${districtCycle}/reflection/${meeting.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("The shared notes of “Spring reflection” cannot be shown");
    expect(page.text).toContain("Findings");
    const restored = await client.post(`/cycles/${districtCycle}/reflection/${meeting.id}`, { intent: "restore-last-good" });
    expect(restored.status).toBe(302);
    expect(await storedText(notes.id)).toContain("We agreed to keep coaching");
    // The board reads the meeting but cannot restore its notes.
    const board = await signedIn(world.board.email);
    expect((await board.post(`/cycles/${districtCycle}/reflection/${meeting.id}`, { intent: "restore-last-good" })).status).toBe(403);
  });
});

describe("a damaged report draft", () => {
  it("keeps the report page readable, refuses to publish it in words, and restores its last good version", async () => {
    const lead = actorOf(world.lead);
    const report = await createReport(database.db, lead, districtCycle, { audience: "board", language: "en", title: "Annual SEL report" });
    await submitForReview(database.db, lead, report.id, { expectedVersion: 1 });
    const client = await signedIn(world.lead.email);
    expect((await client.post(`/reports/${report.id}/history`, { name: "Sent to the board" })).status).toBe(302);
    await appendChange(report.documentId, world.team.id, damages["bare text"]);

    const page = await client.get(`/reports/${report.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("The draft of “Annual SEL report” cannot be shown");
    expect(page.text).toContain("“Sent to the board”");
    expect(page.text).toContain("Restore the last good version");
    // The board reads a report in review: it is told, without a restore form or a link to the editors' history.
    const board = await signedIn(world.board.email);
    const boardPage = await board.get(`/reports/${report.id}`);
    expect(boardPage.status).toBe(200);
    expect(boardPage.text).toContain("The draft of “Annual SEL report” cannot be shown");
    expect(boardPage.text).not.toContain("Restore the last good version");
    expect(boardPage.text).not.toContain(`/reports/${report.id}/history`);

    const [before] = await database.db.select().from(reports).where(eq(reports.id, report.id));
    const publish = await client.post(`/reports/${report.id}`, { intent: "publish", expectedVersion: String(before.version) });
    expect(publish.status).toBe(409);
    expect(publish.text).toContain("The draft of “Annual SEL report” is damaged");
    expect(await database.db.select().from(publishedReports).where(eq(publishedReports.reportId, report.id))).toHaveLength(0);
    const [unchanged] = await database.db.select().from(reports).where(eq(reports.id, report.id));
    expect(unchanged).toMatchObject({ state: "in_review", version: before.version });

    const restored = await client.post(`/reports/${report.id}`, { intent: "restore-last-good" });
    expect(restored.status).toBe(302);
    expect(restored.location).toBe(`/reports/${report.id}?done=restored`);
    expect(await storedText(report.documentId)).not.toBeNull();
    const published = await client.post(`/reports/${report.id}`, { intent: "publish", expectedVersion: String(before.version) });
    expect(published.status).toBe(302);
    expect(await database.db.select().from(publishedReports).where(eq(publishedReports.reportId, report.id))).toHaveLength(1);
  });
});

describe("closing the year with a damaged school plan", () => {
  it("completes, carries the damaged plan from its last good version or not at all, and says which", async () => {
    const district = await makeDistrictWithPeople(database.db);
    const lead = actorOf(district.lead);
    const created = await createDistrictCycle(database.db, lead, { startYear: 2026, ...dates(2026) });
    await startCycle(database.db, lead, created.id, created.version);
    const schoolCycles = await database.db.select().from(cycles).where(eq(cycles.districtCycleId, created.id));
    const cycleA = schoolCycles.find((c) => c.schoolId === district.schoolA.id)!.id;
    const cycleB = schoolCycles.find((c) => c.schoolId === district.schoolB.id)!.id;
    const districtPlan = await ensurePlanDocument(database.db, lead, created.id);
    await appendChange(districtPlan.id, district.lead.id, paragraph("District plan, readable"));
    // School A: damaged after a named version; school B: damaged with nothing to go back to.
    const planA = await ensurePlanDocument(database.db, lead, cycleA);
    await appendChange(planA.id, district.lead.id, paragraph("School A, approved"));
    const client = await signedIn(district.lead.email);
    expect((await client.post(`/cycles/${cycleA}/plan/history`, { name: "Approved in June" })).status).toBe(302);
    await appendChange(planA.id, district.schoolTeam.id, damages["unknown element"]);
    const planB = await ensurePlanDocument(database.db, lead, cycleB);
    await appendChange(planB.id, district.lead.id, damages["bare text"]);

    const [row] = await database.db.select().from(cycles).where(eq(cycles.id, created.id));
    const result = await launchNextCycle(database.db, lead, created.id, { ...dates(2027), expectedVersion: row.version, confirm: "yes" });
    expect(result.plansCarried).toBe(2);
    expect(result.plansDamaged).toEqual([
      expect.stringMatching(new RegExp(`^${district.schoolA.name}’s action plan for 2026–27 is damaged, so next year’s plan starts from its version “Approved in June”`)),
      expect.stringMatching(new RegExp(`^${district.schoolB.name}’s action plan for 2026–27 could not be copied: it is damaged and no earlier version reads cleanly`)),
    ]);
    // Next year: school A starts from the approved text; school B has no carried plan (the template comes on first open).
    const nextSchools = await database.db.select().from(cycles).where(eq(cycles.districtCycleId, result.nextCycleId));
    const nextA = nextSchools.find((c) => c.schoolId === district.schoolA.id)!.id;
    const nextB = nextSchools.find((c) => c.schoolId === district.schoolB.id)!.id;
    const [docA] = await database.db.select().from(planDocuments).where(eq(planDocuments.cycleId, nextA));
    expect(await storedText(docA.id)).toContain("School A, approved");
    expect(await database.db.select().from(planDocuments).where(eq(planDocuments.cycleId, nextB))).toHaveLength(0);
    // The lead's page after launching lists both, read from the launch's record.
    const overview = await client.get(`/cycles/${result.nextCycleId}?launched=${result.goalsCarried}&plans=${result.plansCarried}`);
    expect(overview.status).toBe(200);
    expect(overview.text).toContain("Some of last year&#x27;s action plans were damaged");
    expect(overview.text).toContain(`${district.schoolB.name}’s action plan for 2026–27 could not be copied`);
    // The closed, damaged plan still answers a page that names it.
    const closedPage = await client.get(`/cycles/${cycleB}/plan`);
    expect(closedPage.status).toBe(200);
    expect(closedPage.text).toContain(`${district.schoolB.name}’s action plan for 2026–27 cannot be shown`);
  });
});
