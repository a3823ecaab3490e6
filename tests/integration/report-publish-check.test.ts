// Publishing refuses a report that names a student on the district's roster (ADR 0034), against a real database: the
// places are named, nothing is published, the matched students are logged; an id can never be confirmed away, a name
// can; once the text is fixed the report publishes. Another district's students are not this district's concern.
import type { JSONContent } from "@tiptap/core";
import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, docUpdates, publishedReports, reports } from "#db/schema";
import { updateFromJSON } from "~/editor/document";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { publishSchema } from "~/modules/reports/reports.schema";
import { createReport, publishReport, submitForReview } from "~/modules/reports/reports.server";
import { commitImport } from "~/modules/students/students.server";
import { ValidationFailed } from "~/utils/errors";
import { parseForm } from "~/utils/http.server";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let report: { id: string; documentId: string };
const db = () => database.db;
const lead = () => actorOf(world.lead);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);

const roster = (rows: string[]) => ["student_id,given_name,family_name,grade", ...rows].join("\n");
const paragraph = (text: string): JSONContent => ({ type: "paragraph", content: [{ type: "text", text }] });
const heading = (text: string): JSONContent => ({ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text }] });

/** Replaces the draft's whole body, as an author's edits stored by the collaboration server would. */
async function setDraft(content: JSONContent[]) {
  const rows = await db().select().from(docUpdates).where(eq(docUpdates.documentId, report.documentId));
  const doc = new Y.Doc();
  for (const row of rows) Y.applyUpdate(doc, row.update);
  const before = Y.encodeStateVector(doc);
  const replacement = new Y.Doc();
  Y.applyUpdate(replacement, updateFromJSON({ type: "doc", content }));
  doc.transact(() => {
    const fragment = doc.getXmlFragment("default");
    fragment.delete(0, fragment.length);
  });
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(replacement));
  await db()
    .insert(docUpdates)
    .values({ documentId: report.documentId, seq: rows.length + 1, update: Y.encodeStateAsUpdate(doc, before), userId: null });
}

async function tryPublish(notStudents: string[] = []) {
  const [row] = await db().select({ version: reports.version, state: reports.state }).from(reports).where(eq(reports.id, report.id));
  const expectedVersion = row.state === "draft" ? (await submitForReview(db(), principal(), report.id, { expectedVersion: row.version })).version : row.version;
  try {
    return { published: await publishReport(db(), lead(), report.id, { expectedVersion, notStudents }) };
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    return { refused: error };
  }
}

const placesOf = (error: ValidationFailed) => (error.detail as { places: { where: string; kind: string; match: string; before: string; after: string; confirmed: boolean; studentIds?: unknown }[] }).places;
const accessLog = (studentLocalId: string) =>
  database.query<{ kind: string; context: string; actor_id: string; school_id: string }>(
    "select l.kind, l.context, l.actor_id, l.school_id from student_access_log l join student s on s.id = l.student_id where s.local_id = $1 and l.context like 'publishing check%'",
    [studentLocalId],
  );

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  const imported = await commitImport(db(), principal(), world.schoolA.id, "roster", roster(["RB-20931,Ana María,López García,4", "771204,Jo,O'Brien,5", "12,Hope,Rivers,3"]), "roster.csv");
  expect(imported.ok).toBe(true);
  const theirs = await commitImport(db(), actorOf(elsewhere.schoolTeam, [elsewhere.schoolA.id]), elsewhere.schoolA.id, "roster", roster(["ZZ-1,Zed,Outsider,4"]), "roster.csv");
  expect(theirs.ok).toBe(true);
  const districtCycle = await createDistrictCycle(db(), lead(), { startYear: 2026, ...dates });
  const [schoolCycle] = await db()
    .select({ id: cycles.id })
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, districtCycle.id), eq(cycles.schoolId, world.schoolA.id)));
  report = await createReport(db(), principal(), schoolCycle.id, { audience: "board", language: "en", title: "Alder annual report" });
});

afterAll(async () => {
  await database?.close();
});

describe("publishing a report that names students", () => {
  it("is refused with every place named (names and ids), publishes nothing, and logs the students matched", async () => {
    await setDraft([
      heading("What we learned"),
      paragraph("Attendance rose in every grade."),
      paragraph("ana lopez (RB-20931) moved up a level after mentoring."),
      heading("Thanks"),
      paragraph("Thanks to Jo O’Brien, our counsellor, and to Zed Outsider."),
    ]);
    const { refused } = await tryPublish();
    expect(refused).toBeDefined();
    expect(placesOf(refused!).map((p) => [p.where, p.kind, p.match, p.confirmed])).toEqual([
      ["Section “What we learned”, paragraph 2", "name", "ana lopez", false],
      ["Section “What we learned”, paragraph 2", "id", "RB-20931", false],
      ["Section “Thanks”, paragraph 1", "name", "Jo O’Brien", false],
    ]);
    expect(placesOf(refused!)[0]).toMatchObject({ before: "", after: " (RB-20931) moved up a level after …" });
    expect(placesOf(refused!)[2]).toMatchObject({ before: "Thanks to ", after: ", our counsellor, and to Zed Outsider." });
    // The page gets words and places, never the students' record ids.
    expect(JSON.stringify(refused!.detail)).not.toMatch(/studentIds/);
    expect(refused!.fieldErrors.form[0]).toMatch(/^Not published: 3 places name a student on the district's roster\. Remove every student id/);

    expect(await db().select().from(publishedReports).where(eq(publishedReports.reportId, report.id))).toEqual([]);
    const [row] = await db().select({ state: reports.state }).from(reports).where(eq(reports.id, report.id));
    expect(row.state).toBe("in_review");
    // Ana matched twice (name and id), logged once; Jo once; the other district's Zed never.
    expect(await accessLog("RB-20931")).toEqual([
      { kind: "view", context: 'publishing check of the report "Alder annual report": refused, it names this student', actor_id: world.lead.id, school_id: world.schoolA.id },
    ]);
    expect(await accessLog("771204")).toHaveLength(1);
    expect(await accessLog("ZZ-1")).toHaveLength(0);
  });

  it("never lets the lead confirm an id away: the form refuses it, and confirming the names still leaves the id", async () => {
    const form = new FormData();
    form.set("expectedVersion", "3");
    form.append("notStudents", "name:ana lopez");
    form.append("notStudents", "id:rb-20931");
    expect(() => parseForm(form, publishSchema)).toThrow(ValidationFailed);
    try {
      parseForm(form, publishSchema);
    } catch (error) {
      expect((error as ValidationFailed).fieldErrors.notStudents).toEqual(["Only a name or a short number can be confirmed as not about a student; a student id is never published."]);
    }

    const { refused } = await tryPublish(["name:ana lopez", "name:jo o'brien"]);
    expect(refused).toBeDefined();
    expect(placesOf(refused!).map((p) => [p.kind, p.match, p.confirmed])).toEqual([
      ["name", "ana lopez", true],
      ["id", "RB-20931", false],
      ["name", "Jo O’Brien", true],
    ]);
    expect(refused!.fieldErrors.form[0]).toMatch(/^Not published: one place names a student/);
  });

  it("publishes once the text is fixed, with a confirmed staff name and a short number confirmed as a count", async () => {
    await setDraft([
      heading("What we learned"),
      paragraph("Attendance rose in every grade; one student moved up a level after mentoring."),
      heading("Thanks"),
      paragraph("Thanks to Jo O’Brien, our counsellor, and to the 12 mentors."),
    ]);
    const first = await tryPublish();
    expect(placesOf(first.refused!).map((p) => [p.kind, p.match])).toEqual([
      ["name", "Jo O’Brien"],
      ["number", "12"],
    ]);
    const { published, refused } = await tryPublish(["name:jo o'brien", "number:12"]);
    expect(refused).toBeUndefined();
    expect(published!.version.versionNumber).toBe(1);
    const [version] = await db().select({ html: publishedReports.html }).from(publishedReports).where(eq(publishedReports.reportId, report.id));
    expect(version.html).toContain("Thanks to Jo O’Brien, our counsellor, and to the 12 mentors.");
    expect(version.html).not.toMatch(/RB-20931|López|Lopez/i);
    const [audit] = await db().select({ details: auditEvents.details }).from(auditEvents).where(and(eq(auditEvents.action, "report.publish"), eq(auditEvents.entityId, report.id)));
    expect(audit.details).toMatchObject({ versionNumber: 1, confirmedNotStudents: 2 });
  });
});
