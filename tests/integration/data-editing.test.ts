// Editing the district's own measures and student groups against a real database: renames at the version the form
// showed (audited, short names kept), unit, direction and scale held fixed by the results, goals and benchmarks that
// read a measure, catalog records refused, other districts not found, and roles as the permission module says.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, measures, observations, studentGroups } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { goalSchema } from "~/modules/cycles/goals.schema";
import { createGoal } from "~/modules/cycles/goals.server";
import { addBenchmark } from "~/modules/data/benchmarks.server";
import { commitImport, undoImport } from "~/modules/data/import.server";
import type { MeasureEdit, MeasureInput } from "~/modules/data/measures.schema";
import { createMeasure, createStudentGroup, getMeasureForEdit, getStudentGroupForEdit, updateMeasure, updateStudentGroup } from "~/modules/data/measures.server";
import type { SessionUser } from "~/modules/people/session.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { importRowsOf } from "../factories/imports";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let lead: SessionUser;

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  lead = actorOf(world.lead);
});
afterAll(() => database?.close());

const rowsOf = (lines: string[]) => importRowsOf(database.db, lead, lines);

const measureInput = (name: string, overrides: Partial<MeasureInput> = {}): MeasureInput => ({
  name,
  description: "",
  unit: "mean",
  direction: "higher_is_better",
  category: "custom",
  scaleMin: 1,
  scaleMax: 5,
  ...overrides,
});

/** The saved measure as an edit form would send it back, with some fields changed. */
async function editOf(measureId: string, changes: Partial<MeasureEdit> = {}): Promise<MeasureEdit> {
  const [m] = await database.db.select().from(measures).where(eq(measures.id, measureId));
  return {
    name: m.name,
    description: m.description,
    unit: m.unit as MeasureEdit["unit"],
    direction: m.direction,
    category: m.category,
    scaleMin: m.scaleMin,
    scaleMax: m.scaleMax,
    expectedVersion: m.version,
    ...changes,
  };
}

const measureRow = async (id: string) => (await database.db.select().from(measures).where(eq(measures.id, id)))[0];
const auditsOf = (entityId: string, action: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, entityId), eq(auditEvents.action, action)));

/** Field errors of a refused save, or a failure when it was not refused as one. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationFailed) return error.fieldErrors;
    throw error;
  }
  throw new Error("the save was not refused");
}

describe("editing a district measure", () => {
  it("changes every field while nothing reads it, keeps its short name, bumps the version and audits the changes", async () => {
    const created = await createMeasure(database.db, lead, measureInput("Belonging indx"));
    const saved = await updateMeasure(
      database.db,
      actorOf(world.team),
      created.id,
      await editOf(created.id, { name: "Belonging index", description: "Four survey items", unit: "percent", direction: "lower_is_better", category: "connectedness", scaleMin: 0, scaleMax: 100 }),
    );
    expect(saved).toMatchObject({ name: "Belonging index", slug: "belonging-indx", unit: "percent", direction: "lower_is_better", category: "connectedness", scaleMin: 0, scaleMax: 100, version: 2 });
    const [audit] = await auditsOf(created.id, "measure.update");
    expect(audit).toMatchObject({ districtId: world.district.id, actorId: world.team.id, entityType: "measure" });
    expect(audit.details).toMatchObject({ name: "Belonging index", version: 2 });
    expect((audit.details.changes as { field: string }[]).map((c) => c.field)).toEqual(["name", "description", "category", "unit", "direction", "scaleMin", "scaleMax"]);

    // A save that changes nothing writes nothing.
    await updateMeasure(database.db, lead, created.id, await editOf(created.id));
    expect((await measureRow(created.id)).version).toBe(2);
    expect(await auditsOf(created.id, "measure.update")).toHaveLength(1);
    // Files still find it by its old short name and by its new name.
    const rows = await rowsOf([`district,2026-27,spring,all,all,belonging-indx,25,40`, `district,2026-27,fall,all,all,Belonging Index,25,41`]);
    expect(rows.map((r) => r.measureId)).toEqual([created.id, created.id]);
  });

  it("refuses a save over a newer version with the saved values and who saved them, and writes nothing", async () => {
    const created = await createMeasure(database.db, lead, measureInput("Sense of safety"));
    const stale = await editOf(created.id, { name: "Feeling safe at school" });
    await updateMeasure(database.db, actorOf(world.team), created.id, await editOf(created.id, { name: "Safety at school", scaleMax: 7 }));
    const error = await updateMeasure(database.db, lead, created.id, stale).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleEdit);
    expect((error as StaleEdit).current).toMatchObject({ name: "Safety at school", scaleMax: 7, version: 2, savedBy: world.team.name });
    expect(await measureRow(created.id)).toMatchObject({ name: "Safety at school", scaleMax: 7, version: 2 });
    expect(await auditsOf(created.id, "measure.update")).toHaveLength(1);
  });

  it("with imported results: renames freely, but refuses a new unit, direction or a scale that leaves results out; allows a wider scale", async () => {
    const created = await createMeasure(database.db, lead, measureInput("Hope scale", { scaleMin: 0, scaleMax: 10 }));
    await commitImport(database.db, lead, {
      fileName: "hope.csv",
      rows: await rowsOf([`district,2026-27,fall,all,all,hope-scale,120,2.5`, `${world.schoolA.name},2026-27,fall,all,all,hope-scale,40,8.25`]),
    });
    const before = await measureRow(created.id);
    const refused = await refusal(updateMeasure(database.db, lead, created.id, await editOf(created.id, { unit: "percent", direction: "lower_is_better", scaleMin: 3, scaleMax: 8 })));
    expect(refused.unit).toEqual(["This measure has 2 imported results; its unit can't change, because they would all be read in the new unit."]);
    expect(refused.direction?.[0]).toMatch(/^This measure has 2 imported results; which way is better can't change/);
    expect(refused.scaleMin).toEqual(["Imported results go as low as 2.5, so the lowest value can be 2.5 at most."]);
    expect(refused.scaleMax).toEqual(["Imported results go as high as 8.25, so the highest value must be at least 8.25."]);
    expect(await measureRow(created.id)).toEqual(before);
    expect(await auditsOf(created.id, "measure.update")).toHaveLength(0);

    const saved = await updateMeasure(database.db, lead, created.id, await editOf(created.id, { name: "Hope (Children's Hope Scale)", scaleMin: 0, scaleMax: 12 }));
    expect(saved).toMatchObject({ name: "Hope (Children's Hope Scale)", scaleMax: 12, unit: "mean", version: 2 });
    const { use } = await getMeasureForEdit(database.db, lead, created.id);
    expect(use).toMatchObject({ results: 2, goals: 0, benchmarks: 0, ranges: [{ of: "results", min: 2.5, max: 8.25 }] });
  });

  it("counts results an undo would bring back, and frees the unit once the last import is undone", async () => {
    const created = await createMeasure(database.db, lead, measureInput("Grit", { scaleMin: 0, scaleMax: 10 }));
    const first = await commitImport(database.db, lead, { fileName: "grit.csv", rows: await rowsOf([`district,2026-27,fall,all,all,grit,50,1.5`]) });
    const second = await commitImport(database.db, lead, { fileName: "grit-fixed.csv", rows: await rowsOf([`district,2026-27,fall,all,all,grit,50,4`]) });
    // Only the replacing import's value is current, but undoing it brings 1.5 back: the scale must keep it.
    const refused = await refusal(updateMeasure(database.db, lead, created.id, await editOf(created.id, { scaleMin: 2 })));
    expect(refused.scaleMin).toEqual(["Imported results go as low as 1.5, so the lowest value can be 1.5 at most."]);
    if (second.status !== "committed" || first.status !== "committed") throw new Error("the imports changed nothing");
    await undoImport(database.db, lead, second.importId);
    await undoImport(database.db, lead, first.importId);
    const saved = await updateMeasure(database.db, lead, created.id, await editOf(created.id, { unit: "percent", scaleMin: 0, scaleMax: 100 }));
    expect(saved).toMatchObject({ unit: "percent", version: 2 });
  });

  it("with a goal or a benchmark reading it, refuses a new unit or direction and a scale that leaves their values out", async () => {
    const created = await createMeasure(database.db, lead, measureInput("Adult support", { scaleMin: 0, scaleMax: 10 }));
    const cycle = await createDistrictCycle(database.db, lead, { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-29", endyearDate: "2027-05-28" });
    await createGoal(
      database.db,
      lead,
      cycle.id,
      goalSchema.parse({ kind: "outcome", title: "More students name an adult who supports them", measureId: created.id, baselineValue: "3", targetValue: "6.5", dueDate: "2027-05-31", mirrorScope: "none" }),
    );
    const withGoal = await refusal(updateMeasure(database.db, lead, created.id, await editOf(created.id, { direction: "lower_is_better", scaleMax: 6 })));
    expect(withGoal.direction?.[0]).toMatch(/^This measure has 1 goal; which way is better can't change/);
    expect(withGoal.scaleMax).toEqual(["Goal baselines and targets go as high as 6.5, so the highest value must be at least 6.5."]);

    await addBenchmark(database.db, lead, { measureId: created.id, kind: "benchmark", gradeBand: "all", value: 0.5, source: "Provider" });
    const withBoth = await refusal(updateMeasure(database.db, lead, created.id, await editOf(created.id, { unit: "percent", scaleMin: 1, scaleMax: 10 })));
    expect(withBoth.unit?.[0]).toMatch(/^This measure has 1 goal and 1 benchmark or target; its unit can't change/);
    expect(withBoth.scaleMin).toEqual(["Benchmarks and targets go as low as 0.5, so the lowest value can be 0.5 at most."]);
    expect(await measureRow(created.id)).toMatchObject({ unit: "mean", direction: "higher_is_better", scaleMin: 0, scaleMax: 10, version: 1 });
  });

  it("refuses a name another measure the district can use already has, the catalog's included", async () => {
    const created = await createMeasure(database.db, lead, measureInput("Optimism"));
    await createMeasure(database.db, lead, measureInput("Curiosity"));
    for (const name of ["  curiosity ", "growth mindset (MEAN score)", "sel-growth-mindset-mean"]) {
      const error = await updateMeasure(database.db, lead, created.id, await editOf(created.id, { name })).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(Conflict);
      expect((error as Conflict).field).toBe("name");
    }
    // Another district's measure of that name is no obstacle, and a change of case alone is a rename.
    await createMeasure(database.db, actorOf(elsewhere.lead), measureInput("Kindness"));
    expect((await updateMeasure(database.db, lead, created.id, await editOf(created.id, { name: "Kindness" }))).name).toBe("Kindness");
    expect((await updateMeasure(database.db, lead, created.id, await editOf(created.id, { name: "KINDNESS" }))).name).toBe("KINDNESS");
  });

  it("never edits a catalog measure, never finds another district's, and leaves edits to the district's data managers", async () => {
    const [catalog] = await database.db.select().from(measures).where(eq(measures.slug, "sel-growth-mindset-mean"));
    expect(catalog.districtId).toBeNull();
    await expect(getMeasureForEdit(database.db, lead, catalog.id)).rejects.toThrow(Forbidden);
    await expect(updateMeasure(database.db, lead, catalog.id, await editOf(catalog.id, { name: "Mine now" }))).rejects.toThrow(Forbidden);
    expect((await measureRow(catalog.id)).name).toBe(catalog.name);

    const theirs = await createMeasure(database.db, actorOf(elsewhere.lead), measureInput("Their measure"));
    await expect(getMeasureForEdit(database.db, lead, theirs.id)).rejects.toThrow(NotFound);
    await expect(updateMeasure(database.db, lead, theirs.id, await editOf(theirs.id, { name: "Taken over" }))).rejects.toThrow(NotFound);
    await expect(getMeasureForEdit(database.db, lead, "not-a-uuid")).rejects.toThrow(NotFound);

    const own = await createMeasure(database.db, lead, measureInput("Self-efficacy"));
    for (const user of [actorOf(world.board), actorOf(world.schoolTeam, [world.schoolA.id])]) {
      await expect(getMeasureForEdit(database.db, user, own.id)).rejects.toThrow(Forbidden);
      await expect(updateMeasure(database.db, user, own.id, await editOf(own.id, { name: "Not theirs to change" }))).rejects.toThrow(Forbidden);
    }
    // Another district's board member is told nothing exists, not that it is forbidden.
    await expect(updateMeasure(database.db, actorOf(elsewhere.board), own.id, await editOf(own.id))).rejects.toThrow(NotFound);
    expect(await measureRow(theirs.id)).toMatchObject({ name: "Their measure", version: 1 });
    expect(await measureRow(own.id)).toMatchObject({ name: "Self-efficacy", version: 1 });
  });

  it("refuses an import whose rows were checked against a scale changed since, so no result lands outside its measure's scale", async () => {
    const created = await createMeasure(database.db, lead, measureInput("Engagement", { scaleMin: 0, scaleMax: 10 }));
    const rows = await rowsOf([`district,2026-27,winter,all,all,engagement,30,7.5`]);
    await updateMeasure(database.db, lead, created.id, await editOf(created.id, { scaleMax: 5 }));
    await expect(commitImport(database.db, lead, { fileName: "engagement.csv", rows })).rejects.toThrow(/scale of “Engagement” changed to 0 to 5/);
    expect(await database.db.select().from(observations).where(eq(observations.measureId, created.id))).toEqual([]);
  });
});

describe("editing a district student group", () => {
  it("renames it at the version the form showed, audited; its results keep their group and files still find it", async () => {
    const group = await createStudentGroup(database.db, lead, { name: "Newcomer" });
    await commitImport(database.db, lead, { fileName: "newcomers.csv", rows: await rowsOf([`district,2026-27,fall,all,newcomer,sel-growth-mindset-mean,12,3.1`]) });
    expect((await getStudentGroupForEdit(database.db, lead, group.id)).results).toBe(1);
    const saved = await updateStudentGroup(database.db, actorOf(world.team), group.id, { name: "Newcomers (first two years)", expectedVersion: 1 });
    expect(saved).toMatchObject({ name: "Newcomers (first two years)", slug: "newcomer", category: "custom", version: 2 });
    const [audit] = await auditsOf(group.id, "student_group.update");
    expect(audit).toMatchObject({ actorId: world.team.id, entityType: "student_group" });
    expect(audit.details).toMatchObject({ from: { name: "Newcomer" }, to: { name: "Newcomers (first two years)" }, version: 2 });
    const kept = await database.db.select({ groupId: observations.studentGroupId }).from(observations).where(eq(observations.studentGroupId, group.id));
    expect(kept).toHaveLength(1);
    const rows = await rowsOf([`district,2026-27,winter,all,newcomer,sel-growth-mindset-mean,12,3.2`, `district,2026-27,winter,3,Newcomers (first two years),sel-growth-mindset-mean,5,3`]);
    expect(rows.map((r) => r.studentGroupId)).toEqual([group.id, group.id]);

    const stale = await updateStudentGroup(database.db, lead, group.id, { name: "Recent arrivals", expectedVersion: 1 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(StaleEdit);
    expect((stale as StaleEdit).current).toMatchObject({ name: "Newcomers (first two years)", version: 2, savedBy: world.team.name });
    const [row] = await database.db.select().from(studentGroups).where(eq(studentGroups.id, group.id));
    expect(row).toMatchObject({ name: "Newcomers (first two years)", version: 2 });
  });

  it("refuses a name another group has, a catalog group, another district's group, and roles that do not manage data", async () => {
    const group = await createStudentGroup(database.db, lead, { name: "Students in foster care" });
    const clash = await updateStudentGroup(database.db, lead, group.id, { name: "english learners", expectedVersion: 1 }).catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(Conflict);
    expect((clash as Conflict).field).toBe("name");

    const [catalog] = await database.db.select().from(studentGroups).where(eq(studentGroups.slug, "all"));
    expect(catalog.districtId).toBeNull();
    await expect(getStudentGroupForEdit(database.db, lead, catalog.id)).rejects.toThrow(Forbidden);
    await expect(updateStudentGroup(database.db, lead, catalog.id, { name: "Everyone", expectedVersion: 1 })).rejects.toThrow(Forbidden);

    const theirs = await createStudentGroup(database.db, actorOf(elsewhere.lead), { name: "Their group" });
    await expect(updateStudentGroup(database.db, lead, theirs.id, { name: "Ours now", expectedVersion: 1 })).rejects.toThrow(NotFound);
    for (const user of [actorOf(world.board), actorOf(world.schoolTeam, [world.schoolA.id])]) {
      await expect(updateStudentGroup(database.db, user, group.id, { name: "Renamed", expectedVersion: 1 })).rejects.toThrow(Forbidden);
    }
    const names = await database.db.select({ id: studentGroups.id, name: studentGroups.name, version: studentGroups.version }).from(studentGroups);
    expect(names.find((g) => g.id === group.id)).toEqual({ id: group.id, name: "Students in foster care", version: 1 });
    expect(names.find((g) => g.id === catalog.id)?.name).toBe(catalog.name);
    expect(names.find((g) => g.id === theirs.id)?.name).toBe("Their group");
  });
});
