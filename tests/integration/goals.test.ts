// Goals against a real database: sharing district goals with schools, what schools see change, strategies, roles, concurrency, closed cycles.
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, goalRevisions, goals, measures, strategies } from "#db/schema";
import { createDistrictCycle, getRubricBoard, scoreRubricItem } from "~/modules/cycles/cycles.server";
import { goalSchema, strategySchema, type GoalInput, type StrategyInput } from "~/modules/cycles/goals.schema";
import {
  addStrategy,
  createGoal,
  diffGoalSnapshots,
  getGoal,
  listGoalsForCycle,
  markGoalSeen,
  overdueStrategies,
  setAdoption,
  updateGoal,
  updateStrategy,
} from "~/modules/cycles/goals.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople, makeUser } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let schoolTeamB: Awaited<ReturnType<typeof makeUser>>;
let districtCycleId: string;
let schoolCycleA: string;
let schoolCycleB: string;
let itemIds: string[];
let foreignItemId: string;
let catalogMeasureId: string;
let ownMeasureId: string;
let foreignMeasureId: string;

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };

const db = () => database.db;
const lead = () => actorOf(world.lead);
const team = () => actorOf(world.team);
const board = () => actorOf(world.board);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);
const principalB = () => actorOf(schoolTeamB, [world.schoolB.id]);
const stranger = () => actorOf(elsewhere.lead);

const text = { description: "", relevance: "", population: "", inclusiveNote: "", equityNote: "" };

function implementationGoal(overrides: Partial<Extract<GoalInput, { kind: "implementation" }>> = {}): GoalInput {
  return {
    kind: "implementation",
    title: "Every school has an SEL team that meets monthly",
    ...text,
    mirrorScope: "none",
    schoolIds: [],
    expectedVersion: null,
    rubricItemId: itemIds[0],
    targetLevel: 3,
    targetCheckpoint: "endyear",
    ...overrides,
  };
}

function outcomeGoal(overrides: Partial<Extract<GoalInput, { kind: "outcome" }>> = {}): GoalInput {
  return {
    kind: "outcome",
    title: "More students feel an adult at school cares",
    ...text,
    mirrorScope: "none",
    schoolIds: [],
    expectedVersion: null,
    measureId: catalogMeasureId,
    baselineValue: 62,
    targetValue: 70,
    dueDate: "2027-05-31",
    ...overrides,
  };
}

const strategy = (overrides: Partial<StrategyInput> = {}): StrategyInput => ({
  title: "Monthly team meeting with a shared agenda",
  ownerName: "Ms. Rivera",
  dueDate: null,
  status: "planned",
  expectedVersion: null,
  ...overrides,
});

async function schoolCycleOf(parentId: string, schoolId: string) {
  const [row] = await db()
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, parentId), eq(cycles.schoolId, schoolId)));
  return row.id;
}

async function auditFor(action: string, entityId: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.entityId, entityId)));
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  schoolTeamB = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id] });

  const districtCycle = await createDistrictCycle(database.db, lead(), { startYear: 2026, ...dates });
  districtCycleId = districtCycle.id;
  schoolCycleA = await schoolCycleOf(districtCycleId, world.schoolA.id);
  schoolCycleB = await schoolCycleOf(districtCycleId, world.schoolB.id);
  itemIds = (await getRubricBoard(database.db, lead(), districtCycleId)).focusAreas.flatMap((a) => a.items.map((i) => i.id));

  const elsewhereCycle = await createDistrictCycle(database.db, stranger(), { startYear: 2026, ...dates });
  foreignItemId = (await getRubricBoard(database.db, stranger(), elsewhereCycle.id)).focusAreas[0].items[0].id;

  const [catalogMeasure] = await database.db.select().from(measures).where(isNull(measures.districtId)).limit(1);
  catalogMeasureId = catalogMeasure.id;
  const measure = { unit: "percent", direction: "higher_is_better" as const, scaleMin: 0, scaleMax: 100 };
  [{ id: ownMeasureId }] = await database.db
    .insert(measures)
    .values({ districtId: world.district.id, slug: "referrals-local", name: "Office referrals (local)", ...measure })
    .returning();
  [{ id: foreignMeasureId }] = await database.db
    .insert(measures)
    .values({ districtId: elsewhere.district.id, slug: "referrals-local", name: "Office referrals (theirs)", ...measure })
    .returning();
});
afterAll(() => database?.close());

describe("goal forms", () => {
  it("reads FormData strings, names each bad field, and treats empty optional fields as null", () => {
    const parsed = goalSchema.parse({
      kind: "outcome",
      title: " Attendance ",
      measureId: "5f41881f-2422-4718-bad9-df7c4568f6e2",
      baselineValue: "",
      targetValue: "12.5",
      dueDate: "2027-05-31",
      mirrorScope: "chosen_schools",
      schoolIds: "6ee1a021-3c18-4958-980c-c3cffcfb2e13",
      expectedVersion: "",
    });
    expect(parsed).toMatchObject({ title: "Attendance", baselineValue: null, targetValue: 12.5, schoolIds: ["6ee1a021-3c18-4958-980c-c3cffcfb2e13"], expectedVersion: null });

    const bad = goalSchema.safeParse({ kind: "implementation", title: "", rubricItemId: "x", targetLevel: "5", targetCheckpoint: "" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0]).sort()).toEqual(["rubricItemId", "targetCheckpoint", "targetLevel", "title"]);
    expect(goalSchema.safeParse({ title: "No kind" }).error!.issues[0]).toMatchObject({ path: ["kind"], message: expect.stringMatching(/kind of goal/) });
    const noSchools = goalSchema.safeParse({ kind: "outcome", title: "T", measureId: catalogMeasureId, targetValue: "1", dueDate: "2027-01-01", mirrorScope: "chosen_schools" });
    expect(noSchools.error!.issues[0]).toMatchObject({ path: ["schoolIds"], message: "Choose at least one school to share this goal with." });

    expect(strategySchema.parse({ title: "Do it", dueDate: "", status: "", expectedVersion: "3" })).toEqual({
      title: "Do it",
      ownerName: "",
      dueDate: null,
      status: "planned",
      expectedVersion: 3,
    });
    expect(strategySchema.safeParse({ title: "Do it", dueDate: "2027-02-30" }).error!.issues[0].path).toEqual(["dueDate"]);
  });

  it("diffs snapshots field by field", () => {
    expect(diffGoalSnapshots({ title: "A", targetLevel: 2, schoolIds: ["x"] }, { title: "B", targetLevel: 2, schoolIds: ["x", "y"] })).toEqual([
      { field: "title", before: "A", after: "B" },
      { field: "schoolIds", before: ["x"], after: ["x", "y"] },
    ]);
    expect(diffGoalSnapshots({ dueDate: null }, {})).toEqual([]);
  });
});

describe("sharing district goals with schools", () => {
  it("a goal for all schools shows in every school's cycle, one for chosen schools only there", async () => {
    const forAll = await createGoal(db(), lead(), districtCycleId, implementationGoal({ mirrorScope: "all_schools" }));
    const forA = await createGoal(db(), lead(), districtCycleId, outcomeGoal({ mirrorScope: "chosen_schools", schoolIds: [world.schoolA.id] }));
    expect(forAll.version).toBe(1);
    expect(forA.schoolIds).toEqual([world.schoolA.id]);

    const district = await listGoalsForCycle(db(), lead(), districtCycleId);
    expect(district.own.map((g) => g.id)).toEqual(expect.arrayContaining([forAll.id, forA.id]));
    expect(district.mirrored).toEqual([]);

    const inA = await listGoalsForCycle(db(), principal(), schoolCycleA);
    expect(inA.own).toEqual([]);
    expect(inA.mirrored.map((g) => g.id)).toEqual([forAll.id, forA.id]);
    expect(inA.mirrored[0]).toMatchObject({ adoption: null, seenGoalVersion: 1, changedSinceSeen: false, canEdit: false });

    const inB = await listGoalsForCycle(db(), principalB(), schoolCycleB);
    expect(inB.mirrored.map((g) => g.id)).toEqual([forAll.id]);

    const detail = await getGoal(db(), lead(), forA.id);
    expect(detail.mirroredTo.map((s) => s.schoolId)).toEqual([world.schoolA.id]);
    expect(detail.revisions).toMatchObject([{ version: 1, changedBy: world.lead.name, changedFields: [] }]);
    expect((await getGoal(db(), lead(), forAll.id)).mirroredTo.map((s) => s.schoolCycleId).sort()).toEqual([schoolCycleA, schoolCycleB].sort());
    // A school team sees only its own school among those a goal is shared with.
    expect((await getGoal(db(), principal(), forAll.id)).mirroredTo.map((s) => s.schoolId)).toEqual([world.schoolA.id]);

    await expect(getGoal(db(), principalB(), forA.id, { forCycleId: schoolCycleB })).rejects.toThrow(NotFound);
    await expect(getGoal(db(), principal(), forA.id, { forCycleId: schoolCycleB })).rejects.toThrow(Forbidden);
    expect((await auditFor("goal.create", forA.id))[0].details).toMatchObject({ cycleId: districtCycleId, after: { mirrorScope: "chosen_schools" } });
  });

  it("a district edit shows as changed in each school, with the difference, until the school marks it seen", async () => {
    const goal = await createGoal(db(), lead(), districtCycleId, implementationGoal({ mirrorScope: "all_schools", title: "Adult SEL learning" }));
    const saved = await updateGoal(
      db(),
      team(),
      goal.id,
      implementationGoal({ mirrorScope: "all_schools", title: "Adult SEL learning for every staff member", targetLevel: 4, expectedVersion: 1 }),
    );
    expect(saved.version).toBe(2);

    const inA = (await listGoalsForCycle(db(), principal(), schoolCycleA)).mirrored.find((g) => g.id === goal.id)!;
    expect(inA).toMatchObject({ version: 2, seenGoalVersion: 1, changedSinceSeen: true });
    const detail = await getGoal(db(), principal(), goal.id, { forCycleId: schoolCycleA });
    expect(detail).toMatchObject({ mirrored: true, changedSinceSeen: true });
    expect(detail.revisions.map((r) => [r.version, r.changedFields])).toEqual([
      [2, ["title", "targetLevel"]],
      [1, []],
    ]);
    expect(detail.revisions[0].changedBy).toBe(world.team.name);

    const seen = await markGoalSeen(db(), principal(), goal.id, schoolCycleA);
    expect(seen).toMatchObject({ previousSeenVersion: 1, seenGoalVersion: 2 });
    expect(seen.changes).toEqual([
      { field: "title", before: "Adult SEL learning", after: "Adult SEL learning for every staff member" },
      { field: "targetLevel", before: 3, after: 4 },
    ]);
    expect((await listGoalsForCycle(db(), principal(), schoolCycleA)).mirrored.find((g) => g.id === goal.id)).toMatchObject({
      seenGoalVersion: 2,
      changedSinceSeen: false,
    });
    expect((await markGoalSeen(db(), principal(), goal.id, schoolCycleA)).changes).toEqual([]);

    // School B has not looked yet; the district sees who has.
    expect((await listGoalsForCycle(db(), principalB(), schoolCycleB)).mirrored.find((g) => g.id === goal.id)!.changedSinceSeen).toBe(true);
    const bySchool = new Map((await getGoal(db(), lead(), goal.id)).mirroredTo.map((s) => [s.schoolId, s]));
    expect(bySchool.get(world.schoolA.id)).toMatchObject({ seenGoalVersion: 2, changedSinceSeen: false });
    expect(bySchool.get(world.schoolB.id)).toMatchObject({ seenGoalVersion: 1, changedSinceSeen: true });

    expect(await auditFor("goal.update", goal.id)).toHaveLength(1);
    expect(await auditFor("goal.seen", goal.id)).toHaveLength(1);
    // A save that changes nothing writes no new version.
    expect((await updateGoal(db(), lead(), goal.id, implementationGoal({ mirrorScope: "all_schools", title: saved.title, targetLevel: 4, expectedVersion: 2 }))).version).toBe(2);
  });

  it("narrowing a goal to chosen schools takes it out of the others' cycles", async () => {
    const goal = await createGoal(db(), lead(), districtCycleId, outcomeGoal({ mirrorScope: "all_schools", title: "Attendance" }));
    await updateGoal(db(), lead(), goal.id, outcomeGoal({ mirrorScope: "chosen_schools", schoolIds: [world.schoolB.id], title: "Attendance", expectedVersion: 1 }));
    expect((await listGoalsForCycle(db(), principal(), schoolCycleA)).mirrored.map((g) => g.id)).not.toContain(goal.id);
    expect((await listGoalsForCycle(db(), principalB(), schoolCycleB)).mirrored.map((g) => g.id)).toContain(goal.id);
    const [revision] = (await getGoal(db(), lead(), goal.id)).revisions;
    expect(revision.changedFields).toEqual(["mirrorScope", "schoolIds"]);
  });

  it("a school keeps its own local target on a shared goal, safe against stale saves", async () => {
    const goal = await createGoal(db(), lead(), districtCycleId, outcomeGoal({ mirrorScope: "chosen_schools", schoolIds: [world.schoolA.id] }));
    const first = await setAdoption(db(), principal(), goal.id, schoolCycleA, { localTarget: "68% at Alder", expectedVersion: null });
    expect(first).toMatchObject({ localTarget: "68% at Alder", version: 1, seenGoalVersion: 1 });
    const stale = setAdoption(db(), principal(), goal.id, schoolCycleA, { localTarget: "other", expectedVersion: null });
    await expect(stale).rejects.toThrow(StaleEdit);
    await expect(stale).rejects.toMatchObject({ current: { localTarget: "68% at Alder", version: 1 } });
    expect(await setAdoption(db(), principal(), goal.id, schoolCycleA, { localTarget: "70% at Alder", expectedVersion: 1 })).toMatchObject({ version: 2 });
    expect((await listGoalsForCycle(db(), principal(), schoolCycleA)).mirrored.find((g) => g.id === goal.id)!.adoption).toMatchObject({
      localTarget: "70% at Alder",
      version: 2,
    });
    expect((await getGoal(db(), lead(), goal.id)).mirroredTo[0]).toMatchObject({ localTarget: "70% at Alder", adoptionVersion: 2 });
    expect(await auditFor("goal.adopt", goal.id)).toHaveLength(2);

    // Not shared with B, not B's team's to set from A, nor anyone's on a district-only goal.
    await expect(setAdoption(db(), lead(), goal.id, schoolCycleB, { localTarget: "x", expectedVersion: null })).rejects.toThrow(
      "This district goal is not shared with this school.",
    );
    await expect(setAdoption(db(), principalB(), goal.id, schoolCycleA, { localTarget: "x", expectedVersion: 2 })).rejects.toThrow(Forbidden);
    const districtOnly = await createGoal(db(), lead(), districtCycleId, outcomeGoal());
    await expect(markGoalSeen(db(), principal(), districtOnly.id, schoolCycleA)).rejects.toThrow(Conflict);
    // A school's own goal is nobody else's to adopt.
    const ownGoal = await createGoal(db(), principalB(), schoolCycleB, outcomeGoal());
    await expect(setAdoption(db(), principal(), ownGoal.id, schoolCycleA, { localTarget: "x", expectedVersion: null })).rejects.toThrow(NotFound);
  });
});

describe("strategies", () => {
  it("a school adds its own steps to a shared goal but cannot change the district's goal or steps", async () => {
    const goal = await createGoal(db(), lead(), districtCycleId, implementationGoal({ mirrorScope: "all_schools", title: "Shared vision" }));
    const districtStep = await addStrategy(db(), lead(), goal.id, districtCycleId, strategy({ title: "Draft the vision with families" }));
    const schoolStep = await addStrategy(db(), principal(), goal.id, schoolCycleA, strategy({ title: "Share the vision at the staff meeting" }));
    expect(schoolStep).toMatchObject({ cycleId: schoolCycleA, version: 1 });

    const inA = (await listGoalsForCycle(db(), principal(), schoolCycleA)).mirrored.find((g) => g.id === goal.id)!;
    expect(inA.strategies.map((s) => [s.title, s.fromDistrict, s.canEdit]).sort()).toEqual([
      ["Draft the vision with families", true, false],
      ["Share the vision at the staff meeting", false, true],
    ]);
    // The district's view lists its own steps, and counts each school's.
    const atDistrict = (await listGoalsForCycle(db(), lead(), districtCycleId)).own.find((g) => g.id === goal.id)!;
    expect(atDistrict.strategies.map((s) => s.id)).toEqual([districtStep.id]);
    expect((await getGoal(db(), lead(), goal.id)).mirroredTo.find((s) => s.schoolId === world.schoolA.id)!.strategyCount).toBe(1);
    // School B does not see A's steps.
    const inB = (await listGoalsForCycle(db(), principalB(), schoolCycleB)).mirrored.find((g) => g.id === goal.id)!;
    expect(inB.strategies.map((s) => s.id)).toEqual([districtStep.id]);

    await expect(updateGoal(db(), principal(), goal.id, implementationGoal({ title: "Mine now", expectedVersion: 1 }))).rejects.toThrow(Forbidden);
    await expect(updateStrategy(db(), principal(), districtStep.id, strategy({ status: "done", expectedVersion: 1 }))).rejects.toThrow(Forbidden);
    await expect(addStrategy(db(), principal(), goal.id, districtCycleId, strategy())).rejects.toThrow(Forbidden);
    await expect(updateStrategy(db(), principalB(), schoolStep.id, strategy({ status: "done", expectedVersion: 1 }))).rejects.toThrow(Forbidden);

    const updated = await updateStrategy(db(), principal(), schoolStep.id, strategy({ title: schoolStep.title, status: "in_progress", expectedVersion: 1 }));
    expect(updated).toMatchObject({ status: "in_progress", version: 2 });
    expect((await auditFor("strategy.update", schoolStep.id))[0].details).toMatchObject({
      changes: [{ field: "status", before: "planned", after: "in_progress" }],
    });
    expect(await auditFor("strategy.create", schoolStep.id)).toHaveLength(1);

    // Steps go only on goals shared with the school.
    const forAOnly = await createGoal(db(), lead(), districtCycleId, implementationGoal({ mirrorScope: "chosen_schools", schoolIds: [world.schoolA.id] }));
    await expect(addStrategy(db(), lead(), forAOnly.id, schoolCycleB, strategy())).rejects.toThrow(Conflict);
    await expect(addStrategy(db(), principalB(), forAOnly.id, schoolCycleB, strategy())).rejects.toThrow(Conflict);
  });

  it("lists the cycle's own steps that are past due and not done", async () => {
    const goal = await createGoal(db(), principal(), schoolCycleA, implementationGoal({ title: "Morning circles" }));
    const late = await addStrategy(db(), principal(), goal.id, schoolCycleA, strategy({ title: "Train staff", dueDate: "2027-01-15" }));
    const blocked = await addStrategy(db(), principal(), goal.id, schoolCycleA, strategy({ title: "Buy books", dueDate: "2027-01-31", status: "blocked" }));
    await addStrategy(db(), principal(), goal.id, schoolCycleA, strategy({ title: "Pilot", dueDate: "2026-12-01", status: "done" }));
    await addStrategy(db(), principal(), goal.id, schoolCycleA, strategy({ title: "Due today", dueDate: "2027-02-01" }));
    await addStrategy(db(), principal(), goal.id, schoolCycleA, strategy({ title: "Someday" }));

    const overdue = await overdueStrategies(db(), principal(), schoolCycleA, "2027-02-01");
    expect(overdue.map((s) => [s.id, s.goalTitle, s.daysOverdue])).toEqual([
      [late.id, "Morning circles", 17],
      [blocked.id, "Morning circles", 1],
    ]);
    expect(await overdueStrategies(db(), lead(), schoolCycleB, "2027-02-01")).toEqual([]);
    await expect(overdueStrategies(db(), principal(), schoolCycleA, "Feb 1")).rejects.toThrow(RangeError);
  });
});

describe("concurrency", () => {
  it("a stale goal save writes nothing and returns the newer values", async () => {
    const goal = await createGoal(db(), lead(), districtCycleId, outcomeGoal({ title: "Fewer course failures" }));
    // Both loaded version 1; the team saves first.
    await updateGoal(db(), team(), goal.id, outcomeGoal({ title: "Fewer course failures in grade 9", expectedVersion: 1 }));
    const stale = updateGoal(db(), lead(), goal.id, outcomeGoal({ title: "Something else", targetValue: 5, expectedVersion: 1 }));
    await expect(stale).rejects.toThrow(StaleEdit);
    await expect(stale).rejects.toMatchObject({ current: { title: "Fewer course failures in grade 9", targetValue: 70, version: 2 } });
    const [row] = await db().select().from(goals).where(eq(goals.id, goal.id));
    expect(row).toMatchObject({ title: "Fewer course failures in grade 9", version: 2 });
    expect(await db().select().from(goalRevisions).where(eq(goalRevisions.goalId, goal.id))).toHaveLength(2);
  });

  it("a stale strategy save writes nothing", async () => {
    const goal = await createGoal(db(), lead(), districtCycleId, outcomeGoal());
    const step = await addStrategy(db(), lead(), goal.id, districtCycleId, strategy());
    await updateStrategy(db(), team(), step.id, strategy({ status: "done", expectedVersion: 1 }));
    await expect(updateStrategy(db(), lead(), step.id, strategy({ status: "blocked", expectedVersion: 1 }))).rejects.toMatchObject({
      current: { status: "done", version: 2 },
    });
    const [row] = await db().select().from(strategies).where(eq(strategies.id, step.id));
    expect(row).toMatchObject({ status: "done", version: 2 });
  });
});

describe("who may do what", () => {
  it("follows the roles: board reads only, district team keeps to district goals, school teams to their own school", async () => {
    await expect(createGoal(db(), board(), districtCycleId, outcomeGoal())).rejects.toThrow(Forbidden);
    await expect(createGoal(db(), principal(), districtCycleId, outcomeGoal())).rejects.toThrow(Forbidden);
    await expect(createGoal(db(), principal(), schoolCycleB, outcomeGoal())).rejects.toThrow(Forbidden);
    expect((await listGoalsForCycle(db(), board(), schoolCycleA)).mirrored.length).toBeGreaterThan(0);

    const schoolGoal = await createGoal(db(), principal(), schoolCycleA, outcomeGoal({ title: "Alder's own goal" }));
    expect((await listGoalsForCycle(db(), principal(), schoolCycleA)).own.find((g) => g.id === schoolGoal.id)!.canEdit).toBe(true);
    const edit = outcomeGoal({ title: "Changed", expectedVersion: 1 });
    await expect(updateGoal(db(), team(), schoolGoal.id, edit)).rejects.toThrow(Forbidden);
    await expect(updateGoal(db(), principalB(), schoolGoal.id, edit)).rejects.toThrow(Forbidden);
    await expect(updateGoal(db(), board(), schoolGoal.id, edit)).rejects.toThrow(Forbidden);
    await expect(addStrategy(db(), team(), schoolGoal.id, schoolCycleA, strategy())).rejects.toThrow(Forbidden);
    expect((await listGoalsForCycle(db(), team(), schoolCycleA)).own.find((g) => g.id === schoolGoal.id)!.canEdit).toBe(false);
    // The district lead may help any school.
    expect((await updateGoal(db(), lead(), schoolGoal.id, edit)).version).toBe(2);

    // School goals are never shared onward.
    await expect(createGoal(db(), principal(), schoolCycleA, outcomeGoal({ mirrorScope: "all_schools" }))).rejects.toMatchObject({
      fieldErrors: { mirrorScope: [expect.any(String)] },
    });
  });

  it("another district's goals, cycles and steps are not found; malformed ids neither", async () => {
    const goal = await createGoal(db(), lead(), districtCycleId, implementationGoal({ mirrorScope: "all_schools" }));
    const step = await addStrategy(db(), lead(), goal.id, districtCycleId, strategy());
    const them = stranger();
    await expect(listGoalsForCycle(db(), them, districtCycleId)).rejects.toThrow(NotFound);
    await expect(getGoal(db(), them, goal.id)).rejects.toThrow(NotFound);
    await expect(createGoal(db(), them, districtCycleId, outcomeGoal())).rejects.toThrow(NotFound);
    await expect(updateGoal(db(), them, goal.id, implementationGoal({ expectedVersion: 1 }))).rejects.toThrow(NotFound);
    await expect(addStrategy(db(), them, goal.id, districtCycleId, strategy())).rejects.toThrow(NotFound);
    await expect(updateStrategy(db(), them, step.id, strategy({ expectedVersion: 1 }))).rejects.toThrow(NotFound);
    await expect(markGoalSeen(db(), them, goal.id, schoolCycleA)).rejects.toThrow(NotFound);
    await expect(setAdoption(db(), them, goal.id, schoolCycleA, { localTarget: "", expectedVersion: null })).rejects.toThrow(NotFound);
    await expect(overdueStrategies(db(), them, schoolCycleA, "2027-01-01")).rejects.toThrow(NotFound);
    await expect(getGoal(db(), lead(), "not-a-uuid")).rejects.toThrow(NotFound);
    await expect(listGoalsForCycle(db(), lead(), "42")).rejects.toThrow(NotFound);
  });

  it("refuses items of another rubric, measures and schools of another district", async () => {
    // The fields a refused save names, or what went wrong otherwise.
    const fieldsOf = (save: Promise<unknown>) =>
      save.then(
        () => null,
        (e: unknown) => (e instanceof ValidationFailed ? Object.keys(e.fieldErrors) : e),
      );
    expect(await fieldsOf(createGoal(db(), lead(), districtCycleId, implementationGoal({ rubricItemId: foreignItemId })))).toEqual(["rubricItemId"]);
    expect(await fieldsOf(createGoal(db(), lead(), districtCycleId, outcomeGoal({ measureId: foreignMeasureId })))).toEqual(["measureId"]);
    expect(await fieldsOf(createGoal(db(), lead(), districtCycleId, outcomeGoal({ mirrorScope: "chosen_schools", schoolIds: [elsewhere.schoolA.id] })))).toEqual([
      "schoolIds",
    ]);
    expect(await fieldsOf(createGoal(db(), lead(), districtCycleId, outcomeGoal({ mirrorScope: "chosen_schools", schoolIds: [] })))).toEqual(["schoolIds"]);
    // Values the measure can never take (a percentage runs 0–100): each named, with the measure's range.
    const outside = await createGoal(db(), lead(), districtCycleId, outcomeGoal({ measureId: ownMeasureId, baselineValue: -3, targetValue: 120 })).catch((e) => e);
    expect(outside).toBeInstanceOf(ValidationFailed);
    expect(outside.fieldErrors).toEqual({
      baselineValue: ["“Office referrals (local)” runs from 0 to 100 %; enter a baseline within it."],
      targetValue: ["“Office referrals (local)” runs from 0 to 100 %; enter a target within it."],
    });
    expect(await fieldsOf(createGoal(db(), lead(), districtCycleId, outcomeGoal({ measureId: ownMeasureId, baselineValue: 0, targetValue: 100 })))).toBeNull();
    const own = await createGoal(db(), lead(), districtCycleId, outcomeGoal({ measureId: ownMeasureId }));
    expect(own.measureId).toBe(ownMeasureId);
    expect(await fieldsOf(updateGoal(db(), lead(), own.id, outcomeGoal({ measureId: ownMeasureId, targetValue: 100.5, expectedVersion: 1 })))).toEqual(["targetValue"]);
    // Switching kind clears the other kind's fields.
    const switched = await updateGoal(db(), lead(), own.id, implementationGoal({ expectedVersion: 1 }));
    expect(switched).toMatchObject({ kind: "implementation", measureId: null, targetValue: null, dueDate: null, rubricItemId: itemIds[0] });
  });
});

describe("closed cycles", () => {
  it("are read-only for goals, adoptions and steps", async () => {
    const next = await createDistrictCycle(db(), lead(), { startYear: 2027, baselineDate: "2027-10-01", midyearDate: "2028-01-31", endyearDate: "2028-05-31" });
    const nextA = await schoolCycleOf(next.id, world.schoolA.id);
    const item = (await getRubricBoard(db(), lead(), next.id)).focusAreas[0].items[0].id;
    const goal = await createGoal(db(), lead(), next.id, implementationGoal({ rubricItemId: item, mirrorScope: "all_schools" }));
    const step = await addStrategy(db(), lead(), goal.id, next.id, strategy());
    await updateGoal(db(), lead(), goal.id, implementationGoal({ rubricItemId: item, mirrorScope: "all_schools", title: "Changed", expectedVersion: 1 }));
    await db()
      .update(cycles)
      .set({ status: "closed", closedAt: new Date() })
      .where(or(eq(cycles.id, next.id), eq(cycles.districtCycleId, next.id)));

    const closed = "This cycle is closed and read-only.";
    await expect(createGoal(db(), lead(), next.id, implementationGoal({ rubricItemId: item }))).rejects.toThrow(closed);
    await expect(updateGoal(db(), lead(), goal.id, implementationGoal({ rubricItemId: item, expectedVersion: 2 }))).rejects.toThrow(closed);
    await expect(addStrategy(db(), lead(), goal.id, next.id, strategy())).rejects.toThrow(closed);
    await expect(updateStrategy(db(), lead(), step.id, strategy({ status: "done", expectedVersion: 1 }))).rejects.toThrow(closed);
    await expect(addStrategy(db(), principal(), goal.id, nextA, strategy())).rejects.toThrow(closed);
    await expect(markGoalSeen(db(), principal(), goal.id, nextA)).rejects.toThrow(closed);
    await expect(setAdoption(db(), principal(), goal.id, nextA, { localTarget: "x", expectedVersion: null })).rejects.toThrow(closed);

    const listed = await listGoalsForCycle(db(), principal(), nextA);
    expect(listed.mirrored[0]).toMatchObject({ id: goal.id, changedSinceSeen: true, canEdit: false });
    expect((await listGoalsForCycle(db(), lead(), next.id)).own[0]).toMatchObject({ canEdit: false, strategies: [{ id: step.id, canEdit: false }] });
    expect(await db().select().from(auditEvents).where(and(eq(auditEvents.entityId, goal.id), inArray(auditEvents.action, ["goal.create", "goal.update"])))).toHaveLength(2);
  });
});

describe("SMARTIE checks and progress", () => {
  it("are computed for each goal from its fields, the cycle's dates and its rubric scores", async () => {
    const outcome = await createGoal(db(), principal(), schoolCycleA, outcomeGoal({ title: "Attendance at Alder", dueDate: "2027-08-15" }));
    // A draft saved before its target was set (the form asks for one; the database allows none).
    const draft = await createGoal(db(), principal(), schoolCycleA, outcomeGoal({ title: "Belonging" }));
    await db().update(goals).set({ targetValue: null }).where(eq(goals.id, draft.id));

    const item = itemIds[5];
    const implementation = await createGoal(
      db(),
      principal(),
      schoolCycleA,
      implementationGoal({ title: "Family partnership", rubricItemId: item, targetLevel: 3, targetCheckpoint: "endyear" }),
    );
    const score = { rubricItemId: item, evidence: "", evidenceLinks: [], expectedVersion: null };
    await scoreRubricItem(db(), principal(), schoolCycleA, { ...score, checkpoint: "baseline", level: 1 });
    await scoreRubricItem(db(), principal(), schoolCycleA, { ...score, checkpoint: "midyear", level: 2 });

    const { own } = await listGoalsForCycle(db(), principal(), schoolCycleA);
    const letters = (id: string) => Object.fromEntries(own.find((g) => g.id === id)!.smartie.map((c) => [c.letter, c.status]));
    const check = (id: string, letter: string) => own.find((g) => g.id === id)!.smartie.find((c) => c.letter === letter)!;

    expect(own.find((g) => g.id === outcome.id)!.smartie.map((c) => c.letter)).toEqual(["S", "M", "A", "R", "T", "I", "E"]);
    expect(letters(outcome.id)).toMatchObject({ M: "met", A: "met", T: "missing" });
    expect(check(draft.id, "M")).toMatchObject({ status: "missing", message: "Not measurable yet: add a target value." });
    expect(own.find((g) => g.id === draft.id)!.progress).toMatchObject({ kind: "outcome", status: "no_data" });

    expect(letters(implementation.id)).toMatchObject({ M: "met", A: "met", T: "met" });
    expect(own.find((g) => g.id === implementation.id)!.progress).toMatchObject({
      kind: "implementation",
      status: "on_track",
      latestLevel: 2,
      fraction: 0.5,
    });
    expect(own.find((g) => g.id === implementation.id)!.rubricItem?.id).toBe(item);
    expect(own.find((g) => g.id === outcome.id)!.measure).toMatchObject({ id: catalogMeasureId, direction: "higher_is_better" });
  });
});
