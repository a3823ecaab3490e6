// The district's intervention catalog against a real database: the lead rewords, retires and brings back items, each
// write version-checked and audited without a student's name; a retired item leaves the plan form and is refused by
// the server, while plans that used it keep showing it on the student page, in the meeting and in the export.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addCatalogItem,
  commitImport,
  createIntervention,
  ensureInterventionCatalog,
  exportStudentRecord,
  getCatalogItem,
  getStudentRecord,
  listInterventionCatalog,
  setCatalogItemActive,
  updateCatalogItem,
  weeklyMeeting,
} from "~/modules/students/students.server";
import { Conflict, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let d: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let studentId: string;
const STUDENT = { given: "Ottoline", family: "Catalogtest" };

const lead = () => actorOf(d.lead);
const principal = () => actorOf(d.schoolTeam, [d.schoolA.id]);
const itemNamed = async (name: string, districtId = d.district.id) => {
  const item = (await listInterventionCatalog(database.db, districtId)).find((c) => c.name === name);
  if (!item) throw new Error(`no catalog item named ${name}`);
  return item;
};
const planInput = (catalogId: string) => ({ catalogId, ownerId: d.schoolTeam.id, startDate: "2026-10-12", goal: "Reads with a tutor twice a week." });
const auditRows = (action: string, entityId: string) =>
  database.query<{ actor_id: string; details: Record<string, unknown> }>("select actor_id, details from audit_event where action = $1 and entity_id = $2 order by at", [action, entityId]);
const catalogRow = (id: string) => database.query("select name, description, active, version, slug from intervention_catalog where id = $1", [id]).then((r) => r[0]);

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  d = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  await ensureInterventionCatalog(database.db, d.district.id);
  await ensureInterventionCatalog(database.db, other.district.id);
  const roster = `student_id,given_name,family_name,grade\nC-1,${STUDENT.given},${STUDENT.family},4\n`;
  expect((await commitImport(database.db, principal(), d.schoolA.id, "roster", roster, "roster.csv")).ok).toBe(true);
  [{ id: studentId }] = await database.query<{ id: string }>("select id from student where local_id = 'C-1'");
  const week = "student_id,week_of,days_enrolled,days_absent,courses_failing,behaviour_incidents,sel_score,trusted_adult\nC-1,2026-10-12,30,0,0,0,,\n";
  expect((await commitImport(database.db, principal(), d.schoolA.id, "indicators", week, "week.csv")).ok).toBe(true);
});

afterAll(async () => {
  await database?.close();
});

describe("editing an item", () => {
  it("saves the new words at the next version, audits the change without any student's name, and keeps the slug", async () => {
    const tutoring = await itemNamed("Tutoring");
    expect(tutoring.version).toBe(1);
    await updateCatalogItem(database.db, lead(), tutoring.id, { name: "Academic tutoring", description: "Small groups after school, twice a week.", expectedVersion: 1 }, "203.0.113.9");
    expect(await catalogRow(tutoring.id)).toEqual({ name: "Academic tutoring", description: "Small groups after school, twice a week.", active: true, version: 2, slug: "tutoring" });
    const audits = await auditRows("student.catalog_edit", tutoring.id);
    expect(audits).toHaveLength(1);
    expect(audits[0].actor_id).toBe(d.lead.id);
    expect(audits[0].details).toEqual({
      from: { name: "Tutoring", description: "Small-group or one-to-one academic support in the failing course." },
      to: { name: "Academic tutoring", description: "Small groups after school, twice a week." },
    });
    expect(JSON.stringify(audits[0].details)).not.toContain(STUDENT.family);
    // The starter catalog finds the renamed item by its slug and does not add "Tutoring" again.
    await ensureInterventionCatalog(database.db, d.district.id);
    expect((await listInterventionCatalog(database.db, d.district.id)).filter((c) => /tutoring/i.test(c.name)).map((c) => c.name)).toEqual(["Academic tutoring"]);
    const shown = await getCatalogItem(database.db, lead(), tutoring.id);
    expect(shown).toMatchObject({ name: "Academic tutoring", version: 2, savedBy: d.lead.name });
  });

  it("writes nothing for a save that changes nothing", async () => {
    const item = await itemNamed("Academic tutoring");
    await updateCatalogItem(database.db, lead(), item.id, { name: "Academic tutoring", description: "Small groups after school, twice a week.", expectedVersion: 2 });
    expect(await catalogRow(item.id)).toMatchObject({ version: 2 });
    expect(await auditRows("student.catalog_edit", item.id)).toHaveLength(1);
  });

  it("answers a stale save with the newer values and who saved them, and writes nothing", async () => {
    const item = await itemNamed("Academic tutoring");
    const error = await updateCatalogItem(database.db, lead(), item.id, { name: "Tutoring (old tab)", description: "", expectedVersion: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleEdit);
    expect((error as StaleEdit).current).toMatchObject({ name: "Academic tutoring", description: "Small groups after school, twice a week.", active: true, version: 2, savedBy: d.lead.name });
    expect(await catalogRow(item.id)).toMatchObject({ name: "Academic tutoring", version: 2 });
    expect(await auditRows("student.catalog_edit", item.id)).toHaveLength(1);
  });

  it("refuses a name another item already has, in any case or punctuation, on the name field", async () => {
    const item = await itemNamed("Academic tutoring");
    const error = await updateCatalogItem(database.db, lead(), item.id, { name: "family OUTREACH!", description: "", expectedVersion: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Conflict);
    expect(error).toMatchObject({ field: "name", message: "The catalog already has “Family outreach”." });
    await expect(addCatalogItem(database.db, lead(), { name: "Academic  Tutoring", description: "" })).rejects.toMatchObject({ field: "name" });
    expect(await catalogRow(item.id)).toMatchObject({ name: "Academic tutoring", version: 2 });
  });

  it("lets one of two saves from the same version through and answers the other as stale", async () => {
    const item = await itemNamed("Extracurricular role");
    const results = await Promise.allSettled(
      ["Club role", "Team role"].map((name) => updateCatalogItem(database.db, lead(), item.id, { name, description: "", expectedVersion: 1 })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [rejected] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.reason).toBeInstanceOf(StaleEdit);
    expect(await catalogRow(item.id)).toMatchObject({ version: 2 });
    expect(await auditRows("student.catalog_edit", item.id)).toHaveLength(1);
  });

  it("never lets two items end up with one name, even when both are renamed at once", async () => {
    const [a, b] = [await itemNamed("Small-group relationship skills"), await itemNamed("Family outreach")];
    const results = await Promise.allSettled([a, b].map((item) => updateCatalogItem(database.db, lead(), item.id, { name: "Lunch club", description: "", expectedVersion: 1 })));
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ field: "name" });
    expect(await database.query("select count(*)::int as n from intervention_catalog where district_id = $1 and name = 'Lunch club'", [d.district.id])).toEqual([{ n: 1 }]);
    // Put the one renamed back, for the tests below.
    const renamed = results[0].status === "fulfilled" ? a : b;
    await updateCatalogItem(database.db, lead(), renamed.id, { name: renamed.name, description: renamed.description, expectedVersion: 2 });
  });

  it("adds an item under a name a renamed starter item left free, with a slug of its own", async () => {
    const added = await addCatalogItem(database.db, lead(), { name: "Tutoring", description: "Peer tutoring." });
    expect(await catalogRow(added.id)).toMatchObject({ name: "Tutoring", slug: "tutoring-2", version: 1 });
    expect(await auditRows("student.catalog_add", added.id)).toHaveLength(1);
  });
});

describe("retiring an item", () => {
  let mentor: { id: string };
  let planId: string;

  beforeAll(async () => {
    mentor = await itemNamed("Older-student mentor");
    planId = (await createIntervention(database.db, principal(), studentId, planInput(mentor.id))).id;
  });

  it("takes it off the plan form and the server refuses it by name, on the catalog field", async () => {
    await setCatalogItemActive(database.db, lead(), mentor.id, false, { expectedVersion: 1 });
    expect(await catalogRow(mentor.id)).toMatchObject({ active: false, version: 2 });
    const [audit] = await auditRows("student.catalog_retire", mentor.id);
    expect(audit.details).toEqual({ name: "Older-student mentor" });
    const record = await getStudentRecord(database.db, principal(), studentId);
    expect(record.catalog.map((c) => c.name)).not.toContain("Older-student mentor");
    expect(record.catalog.map((c) => c.name)).toContain("Family outreach");
    const refused = await createIntervention(database.db, principal(), studentId, planInput(mentor.id)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationFailed);
    expect((refused as ValidationFailed).fieldErrors).toEqual({ catalogId: ["“Older-student mentor” has been retired from the district's catalog; choose another intervention."] });
    expect(await database.query("select id from intervention where catalog_id = $1", [mentor.id])).toEqual([{ id: planId }]);
  });

  it("keeps it, with its name, on the plan that used it: student page, weekly meeting and export", async () => {
    const record = await getStudentRecord(database.db, principal(), studentId);
    expect(record.plans.map((p) => [p.id, p.name])).toEqual([[planId, "Older-student mentor"]]);
    const meeting = await weeklyMeeting(database.db, principal(), d.schoolA.id, null);
    expect(meeting.rows.map((r) => [r.name, r.openPlan?.name])).toEqual([[`${STUDENT.given} ${STUDENT.family}`, "Older-student mentor"]]);
    const file = await exportStudentRecord(database.db, principal(), studentId);
    expect(file.csv).toContain("plan,2026-10-12,Older-student mentor,goal: Reads with a tutor twice a week.");
    // The settings page still lists it, marked retired.
    expect((await listInterventionCatalog(database.db, d.district.id)).find((c) => c.id === mentor.id)).toMatchObject({ active: false });
  });

  it("refuses a retirement or return from a page opened before the last change", async () => {
    const error = await setCatalogItemActive(database.db, lead(), mentor.id, true, { expectedVersion: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleEdit);
    expect((error as StaleEdit).current).toMatchObject({ active: false, version: 2 });
    expect(await catalogRow(mentor.id)).toMatchObject({ active: false, version: 2 });
  });

  it("refuses to add an item again under a retired item's name, pointing to bringing it back", async () => {
    await expect(addCatalogItem(database.db, lead(), { name: "older student mentor", description: "" })).rejects.toMatchObject({
      field: "name",
      message: "“Older-student mentor” is in the catalog but retired: bring it back rather than adding it again.",
    });
  });

  it("brings it back: offered and accepted for new plans again", async () => {
    await setCatalogItemActive(database.db, lead(), mentor.id, true, { expectedVersion: 2 });
    expect(await catalogRow(mentor.id)).toMatchObject({ active: true, version: 3 });
    expect(await auditRows("student.catalog_restore", mentor.id)).toHaveLength(1);
    const record = await getStudentRecord(database.db, principal(), studentId);
    expect(record.catalog.map((c) => c.name)).toContain("Older-student mentor");
    const plan = await createIntervention(database.db, principal(), studentId, { ...planInput(mentor.id), startDate: "2026-11-02" });
    expect(plan.catalogId).toBe(mentor.id);
  });
});

describe("who may change the catalog", () => {
  it("allows the lead, grant or not, and refuses every other role", async () => {
    const item = await itemNamed("Schedule change");
    const refusedActors = [actorOf(d.team), actorOf({ ...d.team, studentRecords: true }), principal(), actorOf(d.board)];
    for (const actor of refusedActors) {
      await expect(getCatalogItem(database.db, actor, item.id)).rejects.toThrow("permission");
      await expect(updateCatalogItem(database.db, actor, item.id, { name: "Changed", description: "", expectedVersion: 1 })).rejects.toThrow("permission");
      await expect(setCatalogItemActive(database.db, actor, item.id, false, { expectedVersion: 1 })).rejects.toThrow("permission");
      await expect(addCatalogItem(database.db, actor, { name: "Sneaked in", description: "" })).rejects.toThrow("permission");
    }
    expect(await catalogRow(item.id)).toMatchObject({ name: "Schedule change", active: true, version: 1 });
    expect(await database.query("select 1 from intervention_catalog where name = 'Sneaked in'")).toEqual([]);
  });

  it("answers another district's item, or a made-up one, as not found", async () => {
    const theirs = await itemNamed("Family outreach", other.district.id);
    const outsider = actorOf(other.lead);
    const mine = await itemNamed("Schedule change");
    for (const id of [mine.id, randomUUID()]) {
      await expect(getCatalogItem(database.db, outsider, id)).rejects.toBeInstanceOf(NotFound);
      await expect(updateCatalogItem(database.db, outsider, id, { name: "Theirs now", description: "", expectedVersion: 1 })).rejects.toBeInstanceOf(NotFound);
      await expect(setCatalogItemActive(database.db, outsider, id, false, { expectedVersion: 1 })).rejects.toBeInstanceOf(NotFound);
    }
    await expect(updateCatalogItem(database.db, lead(), theirs.id, { name: "Ours now", description: "", expectedVersion: 1 })).rejects.toBeInstanceOf(NotFound);
    expect(await catalogRow(mine.id)).toMatchObject({ name: "Schedule change", version: 1 });
    expect(await catalogRow(theirs.id)).toMatchObject({ name: "Family outreach", version: 1, active: true });
    // Nor may a plan here use another district's item.
    await expect(createIntervention(database.db, principal(), studentId, planInput(theirs.id))).rejects.toBeInstanceOf(ValidationFailed);
  });
});
