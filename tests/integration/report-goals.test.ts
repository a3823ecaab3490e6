// Goal blocks in a school's report against a real database and server: the draft shows the cycle's goals (the school's
// own and the district's shared with it) as they are now, to whoever may read the cycle; publishing freezes each
// block's kind, title and status, so the public page and the PDF keep them after the goal is renamed; a block naming a
// goal of another school's cycle or of another district publishes as a goal no longer in this cycle, never by name.
import type { JSONContent } from "@tiptap/core";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles, docUpdates, measures, publishedReports, reports } from "#db/schema";
import { documentJSONFromUpdate, updateFromJSON } from "~/editor/document";
import { DOCUMENT_FIELD } from "~/editor/extensions";
import { createDistrictCycle, getRubricBoard } from "~/modules/cycles/cycles.server";
import type { GoalInput } from "~/modules/cycles/goals.schema";
import { createGoal, updateGoal } from "~/modules/cycles/goals.server";
import { publicReportPath } from "~/modules/reports/reports";
import { addReviewer, createReport, getReportPage, publishReport, submitForReview } from "~/modules/reports/reports.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
const text = { description: "", relevance: "", population: "", inclusiveNote: "", equityNote: "" };
const MISSING = "A goal that is no longer in this cycle";

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let reviewerUser: Awaited<ReturnType<typeof makeUser>>;
const db = () => database.db;
const lead = () => actorOf(world.lead);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);
/** A school team member of the other school, named reviewer of school A's report: reads the report, not A's cycle. */
const reviewer = () => actorOf(reviewerUser, [world.schoolB.id]);

let districtGoal: { id: string; title: string };
let schoolGoal: { id: string; title: string };
let otherSchoolGoal: { id: string; title: string };
let otherDistrictGoal: { id: string; title: string };
let itemId: string;
let reportId: string;
let reportSlug: string;

async function schoolCycleOf(parentId: string, schoolId: string) {
  const [row] = await db()
    .select({ id: cycles.id })
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, parentId), eq(cycles.schoolId, schoolId)));
  return row.id;
}

const implementation = (title: string, overrides: Partial<Extract<GoalInput, { kind: "implementation" }>> = {}): GoalInput => ({
  kind: "implementation",
  title,
  ...text,
  mirrorScope: "none",
  schoolIds: [],
  expectedVersion: null,
  rubricItemId: itemId,
  targetLevel: 3,
  targetCheckpoint: "endyear",
  ...overrides,
});

async function outcome(title: string): Promise<GoalInput> {
  const [measure] = await db().select({ id: measures.id }).from(measures).where(isNull(measures.districtId)).limit(1);
  return { kind: "outcome", title, ...text, mirrorScope: "none", schoolIds: [], expectedVersion: null, measureId: measure.id, baselineValue: 62, targetValue: 70, dueDate: "2027-05-31" };
}

/** Appends blocks to a report's draft as the collaboration server would store an author's edit. */
async function appendToDraft(documentId: string, blocks: JSONContent[]) {
  const rows = await db().select().from(docUpdates).where(eq(docUpdates.documentId, documentId));
  const doc = new Y.Doc();
  for (const row of rows) Y.applyUpdate(doc, row.update);
  const before = Y.encodeStateVector(doc);
  const current = documentJSONFromUpdate(Y.encodeStateAsUpdate(doc));
  const replacement = new Y.Doc();
  Y.applyUpdate(replacement, updateFromJSON({ ...current, content: [...(current.content ?? []), ...blocks] }));
  doc.transact(() => {
    const fragment = doc.getXmlFragment(DOCUMENT_FIELD);
    fragment.delete(0, fragment.length);
  });
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(replacement));
  await db()
    .insert(docUpdates)
    .values({ documentId, seq: rows.length + 1, update: Y.encodeStateAsUpdate(doc, before), userId: null });
}

function pdfText(bytes: ArrayBuffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-goal-pdf-"));
  try {
    const file = path.join(dir, "report.pdf");
    fs.writeFileSync(file, Buffer.from(bytes));
    return execFileSync("pdftotext", ["-raw", "-enc", "UTF-8", file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const publicPath = (version?: number) => publicReportPath(world.district.slug, reportSlug, version);
const squash = (html: string) => html.replace(/\s+/g, " ");

async function publish() {
  const [row] = await db().select({ version: reports.version, state: reports.state }).from(reports).where(eq(reports.id, reportId));
  const expectedVersion = row.state === "draft" ? (await submitForReview(db(), principal(), reportId, { expectedVersion: row.version })).version : row.version;
  return publishReport(db(), lead(), reportId, { expectedVersion });
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  reviewerUser = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id], name: "Rita Reviewer" });
  server = await startTestServer(database);

  const districtCycle = await createDistrictCycle(db(), lead(), { startYear: 2026, ...dates });
  itemId = (await getRubricBoard(db(), lead(), districtCycle.id)).focusAreas[0].items[0].id;
  const schoolA = await schoolCycleOf(districtCycle.id, world.schoolA.id);
  const schoolB = await schoolCycleOf(districtCycle.id, world.schoolB.id);
  // Created before the goals, so its generated prose names none of them: only the goal blocks do.
  const report = await createReport(db(), principal(), schoolA, { audience: "board", language: "en", title: "Alder goals report" });
  reportId = report.id;
  reportSlug = report.slug;
  districtGoal = await createGoal(db(), lead(), districtCycle.id, implementation("Every school has an SEL team that meets monthly", { mirrorScope: "all_schools" }));
  schoolGoal = await createGoal(db(), principal(), schoolA, await outcome("More Alder students feel an adult cares"));
  otherSchoolGoal = await createGoal(db(), lead(), schoolB, await outcome("Birch's own attendance goal"));
  const theirCycle = await createDistrictCycle(db(), actorOf(elsewhere.lead), { startYear: 2026, ...dates });
  otherDistrictGoal = await createGoal(db(), actorOf(elsewhere.lead), theirCycle.id, await outcome("Another district's confidential goal"));

  await addReviewer(db(), principal(), reportId, reviewerUser.id);
  await appendToDraft(report.documentId, [
    { type: "paragraph", content: [{ type: "text", text: "Our goals this year:" }] },
    { type: "goalReference", attrs: { goalId: schoolGoal.id } },
    { type: "goalReference", attrs: { goalId: districtGoal.id } },
    { type: "goalReference", attrs: { goalId: otherSchoolGoal.id } },
    { type: "goalReference", attrs: { goalId: otherDistrictGoal.id } },
  ]);
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("a report's draft", () => {
  it("offers the school cycle's own and shared district goals, with their current status, to its authors", async () => {
    const page = await getReportPage(db(), principal(), reportId);
    expect(page.goals?.map((g) => [g.id, g.kindLabel])).toEqual([
      [schoolGoal.id, "Outcome"],
      [districtGoal.id, "Implementation"],
    ]);
    expect(page.goals?.every((g) => g.statusLabel.length > 0)).toBe(true);
  });

  it("shows the live titles in the page's first paint, and the other school's and district's goals as missing", async () => {
    const client = new TestClient(server.url);
    await client.signIn(world.schoolTeam.email, TEST_PASSWORD);
    const res = await client.get(`/reports/${reportId}`);
    expect(res.status).toBe(200);
    const html = squash(res.text);
    expect(html).toContain("More Alder students feel an adult cares");
    expect(html).toContain("Every school has an SEL team that meets monthly");
    expect(html).toContain('<span class="goal-ref-kind">Outcome goal</span><strong class="goal-ref-title">More Alder students feel an adult cares</strong>');
    // Escaped quotes in the page's loader data do not match: these count the drawn blocks only.
    expect(html.match(new RegExp(`<strong class="goal-ref-title">${MISSING}</strong>`, "g"))).toHaveLength(2);
    expect(html).not.toMatch(/own attendance goal|confidential goal/);
  });

  it("hides the goals from a named reviewer who may not read the school's cycle, without calling them gone", async () => {
    await submitForReview(db(), principal(), reportId, { expectedVersion: 1 });
    const page = await getReportPage(db(), reviewer(), reportId);
    expect(page.goals).toBeNull();
    const client = new TestClient(server.url);
    await client.signIn(reviewerUser.email, TEST_PASSWORD);
    const res = await client.get(`/reports/${reportId}`);
    expect(res.status).toBe(200);
    expect(res.text.match(/<strong class="goal-ref-title">A goal of a cycle you cannot open<\/strong>/g)).toHaveLength(4);
    expect(res.text).not.toMatch(/More Alder students|SEL team that meets monthly|own attendance goal|confidential goal/);
    expect(res.text).not.toContain(MISSING);
  });
});

describe("publishing a report with goal blocks", () => {
  let statusOf: Map<string, string>;

  beforeAll(async () => {
    statusOf = new Map(((await getReportPage(db(), lead(), reportId)).goals ?? []).map((g) => [g.id, g.statusLabel]));
    await publish();
  });

  it("freezes each block's kind, title and status in the stored version", async () => {
    const [version] = await db().select().from(publishedReports).where(eq(publishedReports.reportId, reportId));
    const content = version.content as JSONContent;
    const frozen = (content.content ?? []).filter((node) => node.type === "goalReference").map((node) => node.attrs?.frozen);
    const missing = { kind: null, status: null, kindLabel: "Goal", title: MISSING, statusLabel: "Unknown status" };
    expect(frozen).toEqual([
      { kind: "outcome", status: expect.any(String), kindLabel: "Outcome goal", title: schoolGoal.title, statusLabel: statusOf.get(schoolGoal.id) },
      { kind: "implementation", status: expect.any(String), kindLabel: "Implementation goal", title: districtGoal.title, statusLabel: statusOf.get(districtGoal.id) },
      missing,
      missing,
    ]);
    expect(JSON.stringify(content)).not.toMatch(/own attendance goal|confidential goal/);
  });

  it("shows the goals with kind, title and status on the public page and in the PDF; other ids read as missing", async () => {
    const page = await fetch(server.url + publicPath());
    expect(page.status).toBe(200);
    const html = squash(await page.text());
    for (const [goal, kind] of [
      [schoolGoal, "Outcome goal"],
      [districtGoal, "Implementation goal"],
    ] as const) {
      expect(html).toContain(
        `<span class="goal-ref-kind">${kind}</span><strong class="goal-ref-title">${goal.title}</strong><span class="goal-ref-status">${statusOf.get(goal.id)}</span>`,
      );
    }
    expect(html.match(new RegExp(`<strong class="goal-ref-title">${MISSING}</strong>`, "g"))).toHaveLength(2);
    expect(html).not.toMatch(/own attendance goal|confidential goal|data-goal-id/);

    const pdf = await fetch(`${server.url}${publicPath()}.pdf`);
    expect(pdf.status).toBe(200);
    const pdfWords = pdfText(await pdf.arrayBuffer());
    expect(pdfWords).toContain(`Outcome goal: More Alder students feel an adult cares — ${statusOf.get(schoolGoal.id)}`);
    expect(pdfWords).toContain(`Implementation goal: Every school has an SEL team that meets monthly — ${statusOf.get(districtGoal.id)}`);
    expect(pdfWords.match(new RegExp(`Goal: ${MISSING} — Unknown status`, "g"))).toHaveLength(2);
    expect(pdfWords).not.toMatch(/own attendance goal|confidential goal/);
  });

  it("keeps the published title after the goal is renamed, while the draft shows the new one; the next version takes it", async () => {
    await updateGoal(db(), lead(), districtGoal.id, implementation("Every school runs an SEL team", { mirrorScope: "all_schools", expectedVersion: 1 }));
    const page = await getReportPage(db(), principal(), reportId);
    expect(page.goals?.find((g) => g.id === districtGoal.id)?.title).toBe("Every school runs an SEL team");
    // Renaming a goal does not change the draft's document, only what its block shows.
    expect(page.draftChanged).toBe(false);

    const v1 = squash(await (await fetch(server.url + publicPath(1))).text());
    expect(v1).toContain('<strong class="goal-ref-title">Every school has an SEL team that meets monthly</strong>');
    expect(v1).not.toContain("Every school runs an SEL team");
    const v1Pdf = pdfText(await (await fetch(`${server.url}${publicPath()}.pdf`)).arrayBuffer());
    expect(v1Pdf).toContain("Every school has an SEL team that meets monthly");
    expect(v1Pdf).not.toContain("Every school runs an SEL team");

    await publish();
    const v2 = squash(await (await fetch(server.url + publicPath())).text());
    expect(v2).toContain('<strong class="goal-ref-title">Every school runs an SEL team</strong>');
    const v1Again = squash(await (await fetch(server.url + publicPath(1))).text());
    expect(v1Again).toContain('<strong class="goal-ref-title">Every school has an SEL team that meets monthly</strong>');
    expect(v1Again).not.toContain("Every school runs an SEL team");
  });
});
