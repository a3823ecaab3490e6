// The report workflow against a real database: creating a report from a cycle (its draft starting from the generated
// content), the address's uniqueness, language versions, the state machine and who may take each step, stale
// versions, what reviewers and board members read, comments, immutable published versions, retraction, school
// teams limited to their school, and another district's reports out of reach.
import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, docUpdates, planDocuments, publishedReports, reports } from "#db/schema";
import { documentJSONFromUpdate, updateFromJSON } from "~/editor/document";
import { DOCUMENT_FIELD } from "~/editor/extensions";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { planDocumentAccess } from "~/modules/plans/plan-document.server";
import { generateReportContent } from "~/modules/reports/report-generate.server";
import { createReportSchema, retractSchema } from "~/modules/reports/reports.schema";
import {
  addComment,
  addLanguageVersion,
  addReviewer,
  boardOverview,
  createReport,
  getReportPage,
  listCycleReports,
  listDistrictReports,
  loadReport,
  publishReport,
  removeReviewer,
  reportDocumentAccess,
  resolveComment,
  retractReport,
  returnToDraft,
  submitForReview,
} from "~/modules/reports/reports.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople, makeUser } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let reviewerUser: Awaited<ReturnType<typeof makeUser>>;
const db = () => database.db;
const lead = () => actorOf(world.lead);
const team = () => actorOf(world.team);
const board = () => actorOf(world.board);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);
const reviewer = () => actorOf(reviewerUser, [world.schoolB.id]);
const stranger = () => actorOf(elsewhere.lead);
const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-29", endyearDate: "2027-05-28" };

let districtCycleId: string;
let schoolACycleId: string;
let schoolBCycleId: string;

/** Appends a change to a report's draft as the collaboration server would store it. */
async function appendToDraft(documentId: string, text: string) {
  const rows = await db().select().from(docUpdates).where(eq(docUpdates.documentId, documentId));
  const doc = new Y.Doc();
  for (const row of rows) Y.applyUpdate(doc, row.update);
  const before = Y.encodeStateVector(doc);
  const current = documentJSONFromUpdate(Y.encodeStateAsUpdate(doc));
  const next = { ...current, content: [...(current.content ?? []), { type: "paragraph", content: [{ type: "text", text }] }] };
  // Rebuild from JSON in a fresh doc, then express it as a diff against the stored state by replacing the fragment.
  const replacement = new Y.Doc();
  Y.applyUpdate(replacement, updateFromJSON(next));
  doc.transact(() => {
    const fragment = doc.getXmlFragment(DOCUMENT_FIELD);
    fragment.delete(0, fragment.length);
  });
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(replacement));
  const update = Y.encodeStateAsUpdate(doc, before);
  await db().insert(docUpdates).values({ documentId, seq: rows.length + 1, update, userId: null });
}

async function draftText(reportId: string) {
  const [row] = await db().select({ documentId: reports.documentId }).from(reports).where(eq(reports.id, reportId));
  const rows = await db().select().from(docUpdates).where(eq(docUpdates.documentId, row.documentId));
  return JSON.stringify(documentJSONFromUpdate(Y.mergeUpdates(rows.map((r) => r.update))));
}

async function reportRow(id: string) {
  return (await db().select().from(reports).where(eq(reports.id, id)))[0];
}

async function audits(entityId: string) {
  return db().select().from(auditEvents).where(eq(auditEvents.entityId, entityId));
}

const create = (input: Record<string, string>) => createReportSchema.parse(input);

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  reviewerUser = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id], name: "Rita Reviewer" });
  const created = await createDistrictCycle(db(), lead(), { startYear: 2026, ...dates });
  districtCycleId = created.id;
  const schoolCycles = await db().select().from(cycles).where(eq(cycles.districtCycleId, created.id));
  schoolACycleId = schoolCycles.find((c) => c.schoolId === world.schoolA.id)!.id;
  schoolBCycleId = schoolCycles.find((c) => c.schoolId === world.schoolB.id)!.id;
});

afterAll(async () => {
  await database?.close();
});

describe("creating a report", () => {
  it("creates a report document whose first log entry is the generated content, with a default title and address, audited", async () => {
    const report = await createReport(db(), lead(), districtCycleId, create({ audience: "board", language: "en" }));
    expect(report.title).toBe(`${world.district.name} SEL annual report 2026–27`);
    expect(report.slug).toBe(`${world.district.name.toLowerCase().replace(/ /g, "-")}-sel-annual-report-2026-27`);
    expect(report.state).toBe("draft");
    expect(report.translationGroupId).toBe(report.id);
    const [document] = await db().select().from(planDocuments).where(eq(planDocuments.id, report.documentId));
    expect(document.kind).toBe("report");
    const log = await db().select().from(docUpdates).where(eq(docUpdates.documentId, report.documentId));
    expect(log).toHaveLength(1);
    expect(log[0].seq).toBe(1);
    const generated = await generateReportContent(db(), lead(), districtCycleId, { audience: "board", language: "en" });
    expect(documentJSONFromUpdate(log[0].update)).toEqual(documentJSONFromUpdate(updateFromJSON(generated)));
    const events = await audits(report.id);
    expect(events.map((e) => e.action)).toEqual(["report.create"]);
    expect(events[0].details).toMatchObject({ audience: "board", language: "en" });
  });

  it("adds a number to a default address already taken, and refuses a chosen address already taken with a field error", async () => {
    const first = await createReport(db(), team(), districtCycleId, create({ audience: "families", language: "en", title: "Our year together" }));
    expect(first.slug).toBe("our-year-together");
    const second = await createReport(db(), team(), districtCycleId, create({ audience: "staff", language: "en", title: "Our year together" }));
    expect(second.slug).toBe("our-year-together-2");
    const error = await createReport(db(), team(), districtCycleId, create({ audience: "staff", language: "en", title: "Another", slug: "our-year-together" })).catch((e) => e);
    expect(error).toBeInstanceOf(Conflict);
    expect(error.field).toBe("slug");
    expect(error.message).toContain("our-year-together");
  });

  it("rejects a malformed address and an unknown audience or language, naming the field", () => {
    const bad = createReportSchema.safeParse({ audience: "press", language: "xx", slug: "Not A Slug!" });
    expect(bad.success).toBe(false);
    const fields = new Set(bad.error!.issues.map((i) => String(i.path[0])));
    expect(fields).toEqual(new Set(["audience", "language", "slug"]));
  });

  it("lets a school team create its own school's report but not another school's or the district's; board members create none", async () => {
    const own = await createReport(db(), principal(), schoolACycleId, create({ audience: "families", language: "en" }));
    expect(own.schoolId).toBe(world.schoolA.id);
    expect(own.title).toContain(world.schoolA.name);
    await expect(createReport(db(), principal(), schoolBCycleId, create({ audience: "families", language: "en" }))).rejects.toBeInstanceOf(Forbidden);
    await expect(createReport(db(), principal(), districtCycleId, create({ audience: "board", language: "en" }))).rejects.toBeInstanceOf(Forbidden);
    await expect(createReport(db(), board(), districtCycleId, create({ audience: "board", language: "en" }))).rejects.toBeInstanceOf(Forbidden);
    await expect(createReport(db(), stranger(), districtCycleId, create({ audience: "board", language: "en" }))).rejects.toBeInstanceOf(NotFound);
  });
});

describe("language versions", () => {
  it("creates a linked version in the same group from the content generated for that language, once per language", async () => {
    const english = await createReport(db(), lead(), districtCycleId, create({ audience: "families", language: "en", title: "Families report" }));
    const spanish = await addLanguageVersion(db(), lead(), english.id, { language: "es" });
    expect(spanish.translationGroupId).toBe(english.id);
    expect(spanish.language).toBe("es");
    expect(spanish.audience).toBe("families");
    expect(spanish.slug).toBe("families-report-es");
    expect(spanish.documentId).not.toBe(english.documentId);
    const page = await getReportPage(db(), lead(), english.id);
    expect(page.languageVersions.map((v) => v.id)).toEqual([spanish.id]);
    const back = await getReportPage(db(), lead(), spanish.id);
    expect(back.languageVersions.map((v) => [v.id, v.language])).toEqual([[english.id, "en"]]);
    const again = await addLanguageVersion(db(), lead(), spanish.id, { language: "es" }).catch((e) => e);
    expect(again).toBeInstanceOf(Conflict);
    expect(again.field).toBe("language");
    const english2 = await addLanguageVersion(db(), lead(), spanish.id, { language: "en" }).catch((e) => e);
    expect(english2).toBeInstanceOf(Conflict);
    expect((await audits(spanish.id)).map((e) => e.action)).toEqual(["report.language.add"]);
  });
});

describe("states, reviewers and comments", () => {
  let reportId: string;
  const version = async () => (await reportRow(reportId)).version;

  beforeAll(async () => {
    reportId = (await createReport(db(), team(), districtCycleId, create({ audience: "board", language: "en", title: "State machine report" }))).id;
  });

  it("keeps a draft from the board and from named reviewers (Forbidden, as other records of their district), and another district gets NotFound", async () => {
    await addReviewer(db(), team(), reportId, reviewerUser.id);
    await expect(loadReport(db(), board(), reportId)).rejects.toBeInstanceOf(Forbidden);
    await expect(loadReport(db(), reviewer(), reportId)).rejects.toBeInstanceOf(Forbidden);
    await expect(loadReport(db(), principal(), reportId)).rejects.toBeInstanceOf(Forbidden);
    await expect(loadReport(db(), stranger(), reportId)).rejects.toBeInstanceOf(NotFound);
    await expect(addComment(db(), board(), reportId, { body: "Early", quote: "" })).rejects.toBeInstanceOf(Forbidden);
    expect((await listDistrictReports(db(), board())).map((r) => r.id)).not.toContain(reportId);
    expect((await listDistrictReports(db(), team())).map((r) => r.id)).toContain(reportId);
    expect((await listDistrictReports(db(), stranger())).map((r) => r.id)).not.toContain(reportId);
  });

  it("refuses every step out of order, and every step by someone whose role may not take it", async () => {
    const v = await version();
    // From draft: only submit.
    await expect(returnToDraft(db(), team(), reportId, { expectedVersion: v })).rejects.toThrow("already a draft");
    await expect(publishReport(db(), lead(), reportId, { expectedVersion: v })).rejects.toThrow("Submit this report for review");
    await expect(retractReport(db(), lead(), reportId, { expectedVersion: v, reason: "Wrong numbers" })).rejects.toThrow("Only a published report");
    // Roles: board and reviewers never submit; a school team cannot reach a district report.
    await expect(submitForReview(db(), board(), reportId, { expectedVersion: v })).rejects.toBeInstanceOf(Forbidden);
    await expect(submitForReview(db(), principal(), reportId, { expectedVersion: v })).rejects.toBeInstanceOf(Forbidden);
    await expect(submitForReview(db(), stranger(), reportId, { expectedVersion: v })).rejects.toBeInstanceOf(NotFound);
    expect((await reportRow(reportId)).state).toBe("draft");
  });

  it("moves draft → in review → draft → in review with version checks, auditing each step; a stale step is a conflict", async () => {
    const v = await version();
    const submitted = await submitForReview(db(), team(), reportId, { expectedVersion: v });
    expect(submitted.state).toBe("in_review");
    expect(submitted.version).toBe(v + 1);
    const stale = await returnToDraft(db(), team(), reportId, { expectedVersion: v }).catch((e) => e);
    expect(stale).toBeInstanceOf(StaleEdit);
    expect(stale.message).toContain("in review");
    await expect(submitForReview(db(), team(), reportId, { expectedVersion: v + 1 })).rejects.toThrow("already in review");
    const back = await returnToDraft(db(), team(), reportId, { expectedVersion: v + 1 });
    expect(back.state).toBe("draft");
    await submitForReview(db(), team(), reportId, { expectedVersion: v + 2 });
    const actions = (await audits(reportId)).map((e) => e.action);
    expect(actions.filter((a) => a === "report.submit")).toHaveLength(2);
    expect(actions.filter((a) => a === "report.return")).toHaveLength(1);
  });

  it("lets the board and named reviewers read and comment once in review, with no editing; others of the district still may not", async () => {
    const forBoard = await getReportPage(db(), board(), reportId);
    expect(forBoard.abilities).toMatchObject({ edit: false, comment: true, submit: false, publishNow: false, resolve: false });
    const forReviewer = await getReportPage(db(), reviewer(), reportId);
    expect(forReviewer.abilities).toMatchObject({ edit: false, comment: true });
    await expect(loadReport(db(), principal(), reportId)).rejects.toBeInstanceOf(Forbidden);
    const comment = await addComment(db(), board(), reportId, { body: "Please explain the rubric scale.", quote: "Implementation rubric" });
    await addComment(db(), reviewer(), reportId, { body: "Looks good.", quote: "" });
    const page = await getReportPage(db(), team(), reportId);
    expect(page.comments.map((c) => [c.body, c.quote, c.author])).toEqual([
      ["Please explain the rubric scale.", "Implementation rubric", world.board.name],
      ["Looks good.", "", "Rita Reviewer"],
    ]);
    // Only editors resolve; a board member cannot.
    await expect(resolveComment(db(), board(), reportId, comment.id)).rejects.toBeInstanceOf(Forbidden);
    await resolveComment(db(), team(), reportId, comment.id);
    await expect(resolveComment(db(), team(), reportId, comment.id)).rejects.toThrow("already resolved");
    await expect(resolveComment(db(), team(), reportId, "00000000-0000-4000-8000-000000000000")).rejects.toBeInstanceOf(NotFound);
    const actions = (await audits(reportId)).map((e) => e.action);
    expect(actions.filter((a) => a === "report.comment.add")).toHaveLength(2);
    expect(actions).toContain("report.comment.resolve");
  });

  it("lets only editors name and remove reviewers, people of the district only, and a removed reviewer loses access", async () => {
    await expect(addReviewer(db(), board(), reportId, world.schoolTeam.id)).rejects.toBeInstanceOf(Forbidden);
    await expect(addReviewer(db(), team(), reportId, elsewhere.team.id)).rejects.toBeInstanceOf(ValidationFailed);
    const twice = await addReviewer(db(), team(), reportId, reviewerUser.id).catch((e) => e);
    expect(twice).toBeInstanceOf(Conflict);
    expect(twice.field).toBe("userId");
    await addReviewer(db(), team(), reportId, world.schoolTeam.id);
    expect((await getReportPage(db(), principal(), reportId)).abilities.comment).toBe(true);
    await removeReviewer(db(), team(), reportId, world.schoolTeam.id);
    await expect(loadReport(db(), principal(), reportId)).rejects.toBeInstanceOf(Forbidden);
    expect((await audits(reportId)).map((e) => e.action)).toEqual(expect.arrayContaining(["report.reviewer.add", "report.reviewer.remove"]));
  });

  it("publishes only for the lead: the team, board and reviewers may not", async () => {
    const v = await version();
    await expect(publishReport(db(), team(), reportId, { expectedVersion: v })).rejects.toBeInstanceOf(Forbidden);
    await expect(publishReport(db(), board(), reportId, { expectedVersion: v })).rejects.toBeInstanceOf(Forbidden);
    await expect(publishReport(db(), reviewer(), reportId, { expectedVersion: v })).rejects.toBeInstanceOf(Forbidden);
    await expect(publishReport(db(), lead(), reportId, { expectedVersion: v - 1 })).rejects.toBeInstanceOf(StaleEdit);
    expect((await reportRow(reportId)).state).toBe("in_review");
  });

  it("publishes v1; a later draft edit leaves v1 as it was; republishing makes v2 and marks v1 superseded", async () => {
    const v = await version();
    const first = await publishReport(db(), lead(), reportId, { expectedVersion: v });
    expect(first.version.versionNumber).toBe(1);
    expect(first.report.state).toBe("published");
    const [v1] = await db().select().from(publishedReports).where(eq(publishedReports.id, first.version.id));
    expect(v1).toMatchObject({ title: "State machine report", language: "en", audience: "board", districtId: world.district.id, publishedBy: world.lead.id, supersededAt: null, retractedAt: null });
    expect(v1.slug).toBe((await reportRow(reportId)).slug);
    expect(v1.html).toContain("What SEL means here");
    expect(v1.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(JSON.stringify(v1.content)).toContain("What SEL means here");

    // The team writes on in the draft; the published row does not change.
    const row = await reportRow(reportId);
    await appendToDraft(row.documentId, "A sentence added after publishing.");
    expect(await draftText(reportId)).toContain("A sentence added after publishing.");
    const [v1After] = await db().select().from(publishedReports).where(eq(publishedReports.id, v1.id));
    expect(v1After).toEqual(v1);
    const page = await getReportPage(db(), lead(), reportId);
    expect(page.draftChanged).toBe(true);
    expect(page.versions.map((x) => x.versionNumber)).toEqual([1]);

    const second = await publishReport(db(), lead(), reportId, { expectedVersion: row.version });
    expect(second.version.versionNumber).toBe(2);
    const versions = await db().select().from(publishedReports).where(eq(publishedReports.reportId, reportId));
    const byNumber = new Map(versions.map((x) => [x.versionNumber, x]));
    expect(byNumber.get(1)!.supersededAt).not.toBeNull();
    expect(byNumber.get(1)!.html).toBe(v1.html);
    expect(byNumber.get(2)!.supersededAt).toBeNull();
    expect(byNumber.get(2)!.html).toContain("A sentence added after publishing.");
    expect(byNumber.get(2)!.etag).not.toBe(v1.etag);
    expect((await getReportPage(db(), lead(), reportId)).draftChanged).toBe(false);
    const publishes = (await audits(reportId)).filter((e) => e.action === "report.publish");
    expect(publishes.map((e) => (e.details as { versionNumber: number }).versionNumber)).toEqual([1, 2]);
  });

  it("retracts only with a reason, marking every published version retracted, audited; after that nothing more happens", async () => {
    expect(retractSchema.safeParse({ expectedVersion: "3", reason: "" }).success).toBe(false);
    expect(retractSchema.safeParse({ expectedVersion: "3", reason: "  " }).error?.issues[0].path).toEqual(["reason"]);
    const v = await version();
    await expect(retractReport(db(), team(), reportId, { expectedVersion: v, reason: "Numbers were wrong" })).rejects.toBeInstanceOf(Forbidden);
    const retracted = await retractReport(db(), lead(), reportId, { expectedVersion: v, reason: "Numbers were wrong" });
    expect(retracted.state).toBe("retracted");
    const versions = await db().select().from(publishedReports).where(eq(publishedReports.reportId, reportId));
    expect(versions.every((x) => x.retractedAt && x.retractReason === "Numbers were wrong" && x.retractedBy === world.lead.id)).toBe(true);
    const [event] = (await audits(reportId)).filter((e) => e.action === "report.retract");
    expect(event.details).toMatchObject({ reason: "Numbers were wrong", versions: [1, 2] });
    await expect(publishReport(db(), lead(), reportId, { expectedVersion: v + 1 })).rejects.toThrow("retracted");
    await expect(submitForReview(db(), team(), reportId, { expectedVersion: v + 1 })).rejects.toThrow("retracted");
    await expect(addComment(db(), board(), reportId, { body: "Late", quote: "" })).rejects.toThrow("retracted");
    const row = await reportRow(reportId);
    expect((await reportDocumentAccess(db(), team(), row.documentId)).access).toBe("read");
  });
});

describe("document access for the collaboration server", () => {
  it("gives editors edit, readers read, a draft's non-authors Forbidden and another district NotFound, through planDocumentAccess", async () => {
    const report = await createReport(db(), principal(), schoolACycleId, create({ audience: "families", language: "en", title: "Alder access" }));
    expect((await planDocumentAccess(db(), principal(), report.documentId)).access).toBe("edit");
    expect((await planDocumentAccess(db(), lead(), report.documentId)).access).toBe("edit");
    // The district team reads a school's work as it reads the school's cycle, but the school writes its own report.
    expect((await planDocumentAccess(db(), team(), report.documentId)).access).toBe("read");
    await expect(planDocumentAccess(db(), board(), report.documentId)).rejects.toBeInstanceOf(Forbidden);
    await expect(planDocumentAccess(db(), reviewer(), report.documentId)).rejects.toBeInstanceOf(Forbidden);
    await expect(planDocumentAccess(db(), stranger(), report.documentId)).rejects.toBeInstanceOf(NotFound);
    await addReviewer(db(), principal(), report.id, reviewerUser.id);
    await submitForReview(db(), principal(), report.id, { expectedVersion: 1 });
    expect((await planDocumentAccess(db(), board(), report.documentId)).access).toBe("read");
    expect((await planDocumentAccess(db(), reviewer(), report.documentId)).access).toBe("read");
    expect((await planDocumentAccess(db(), team(), report.documentId)).access).toBe("read");
    expect((await planDocumentAccess(db(), principal(), report.documentId)).access).toBe("edit");
  });

  it("keeps a school team to its own school's reports in lists too", async () => {
    const visible = await listDistrictReports(db(), principal());
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((r) => r.schoolId === world.schoolA.id || r.state !== "draft")).toBe(true);
    expect(visible.some((r) => r.schoolId === null && r.state === "draft")).toBe(false);
    const cycleList = await listCycleReports(db(), principal(), schoolACycleId);
    expect(cycleList.canCreate).toBe(true);
    expect(cycleList.reports.every((r) => r.schoolId === world.schoolA.id)).toBe(true);
    expect((await listCycleReports(db(), board(), districtCycleId)).canCreate).toBe(false);
  });

  it("shows the board the reports in review and published, and the current district cycle", async () => {
    const overview = await boardOverview(db(), board());
    expect(overview.currentCycle?.id).toBe(districtCycleId);
    expect(overview.inReview.length).toBeGreaterThan(0);
    expect(overview.inReview.every((r) => r.state === "in_review")).toBe(true);
    const rows = await db().select({ id: reports.id }).from(reports).where(and(eq(reports.districtId, world.district.id), eq(reports.state, "draft")));
    const shown = new Set([...overview.inReview, ...overview.published].map((r) => r.id));
    expect(rows.some((r) => shown.has(r.id))).toBe(false);
  });
});
