// Editing goals and strategies against a real database: stale saves write nothing and name who saved what, strategies
// are changed and removed only by their own cycle's team, closed cycles refuse, other districts see nothing.
import { and, eq, or } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, goalRevisions, goals, strategies } from "#db/schema";
import { describeAuditEvent } from "~/modules/audit/describe";
import { createDistrictCycle, getRubricBoard } from "~/modules/cycles/cycles.server";
import type { GoalInput, StrategyInput } from "~/modules/cycles/goals.schema";
import { addStrategy, createGoal, getGoal, getStrategy, removeStrategy, updateGoal, updateStrategy } from "~/modules/cycles/goals.server";
import { Forbidden, NotFound, StaleEdit } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople, makeUser } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let schoolTeamB: Awaited<ReturnType<typeof makeUser>>;
let districtCycleId: string;
let schoolCycleA: string;
let itemIds: string[];

const db = () => database.db;
const lead = () => actorOf(world.lead);
const team = () => actorOf(world.team);
const board = () => actorOf(world.board);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);
const principalB = () => actorOf(schoolTeamB, [world.schoolB.id]);
const stranger = () => actorOf(elsewhere.lead);

function goal(overrides: Partial<Extract<GoalInput, { kind: "implementation" }>> = {}): GoalInput {
  return {
    kind: "implementation",
    title: "Every school has an SEL team that meets monthly",
    description: "",
    relevance: "",
    population: "",
    inclusiveNote: "",
    equityNote: "",
    mirrorScope: "none",
    schoolIds: [],
    expectedVersion: null,
    rubricItemId: itemIds[0],
    targetLevel: 3,
    targetCheckpoint: "endyear",
    ...overrides,
  };
}

const step = (overrides: Partial<StrategyInput> = {}): StrategyInput => ({
  title: "Monthly team meeting with a shared agenda",
  ownerName: "Ms. Rivera",
  dueDate: null,
  status: "planned",
  expectedVersion: null,
  ...overrides,
});

const auditFor = (action: string, entityId: string) =>
  db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.entityId, entityId)));

const strategyRow = (id: string) =>
  db()
    .select()
    .from(strategies)
    .where(eq(strategies.id, id))
    .then((rows) => rows[0]);

/** The error a promise rejects with, to look at more than one of its properties. */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  schoolTeamB = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id] });
  const districtCycle = await createDistrictCycle(database.db, lead(), {
    startYear: 2026,
    baselineDate: "2026-10-01",
    midyearDate: "2027-01-31",
    endyearDate: "2027-05-31",
  });
  districtCycleId = districtCycle.id;
  const [a] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, districtCycleId), eq(cycles.schoolId, world.schoolA.id)));
  schoolCycleA = a.id;
  itemIds = (await getRubricBoard(database.db, lead(), districtCycleId)).focusAreas.flatMap((f) => f.items.map((i) => i.id));
});
afterAll(() => database?.close());

describe("editing a goal", () => {
  it("a stale save writes nothing and answers with the newer values, who saved them and when", async () => {
    const created = await createGoal(db(), lead(), districtCycleId, goal({ title: "Adult SEL learning", description: "Two sessions a term" }));
    // Both opened version 1; the team saves first.
    const before = Date.now();
    await updateGoal(db(), team(), created.id, goal({ title: "Adult SEL learning for all staff", targetLevel: 4, description: "Two sessions a term", expectedVersion: 1 }));

    const error = await rejection(updateGoal(db(), lead(), created.id, goal({ title: "Lead's wording", targetLevel: 2, expectedVersion: 1 })));
    expect(error).toBeInstanceOf(StaleEdit);
    const current = (error as StaleEdit).current;
    expect(current).toMatchObject({
      version: 2,
      title: "Adult SEL learning for all staff",
      targetLevel: 4,
      description: "Two sessions a term",
      savedBy: world.team.name,
    });
    expect(Date.parse(String(current.savedAt))).toBeGreaterThanOrEqual(before - 1_000);

    const [row] = await db().select().from(goals).where(eq(goals.id, created.id));
    expect(row).toMatchObject({ title: "Adult SEL learning for all staff", targetLevel: 4, version: 2 });
    expect(await db().select().from(goalRevisions).where(eq(goalRevisions.goalId, created.id))).toHaveLength(2);
    expect(await auditFor("goal.update", created.id)).toHaveLength(1);

    // Saving again on the newer version is a deliberate overwrite, and it counts.
    expect((await updateGoal(db(), lead(), created.id, goal({ title: "Lead's wording", targetLevel: 2, expectedVersion: 2 }))).version).toBe(3);
  });

  it("a district goal shared with schools records each edit as a revision the schools see as a change", async () => {
    const shared = await createGoal(db(), lead(), districtCycleId, goal({ title: "Shared vision", mirrorScope: "all_schools" }));
    await updateGoal(db(), lead(), shared.id, goal({ title: "A shared SEL vision", mirrorScope: "all_schools", targetCheckpoint: "midyear", expectedVersion: 1 }));
    const atSchool = await getGoal(db(), principal(), shared.id, { forCycleId: schoolCycleA });
    expect(atSchool).toMatchObject({ mirrored: true, canEdit: false, changedSinceSeen: true, version: 2 });
    expect(atSchool.revisions[0]).toMatchObject({ version: 2, changedBy: world.lead.name, changedFields: ["title", "targetCheckpoint"] });
    // The school reads the district's wording but may not change it.
    await expect(updateGoal(db(), principal(), shared.id, goal({ title: "Ours now", mirrorScope: "all_schools", expectedVersion: 2 }))).rejects.toThrow(Forbidden);
    expect((await getGoal(db(), lead(), shared.id)).canEdit).toBe(true);
  });

  it("another district's goal is not found, and the board and other teams may not edit", async () => {
    const created = await createGoal(db(), principal(), schoolCycleA, goal({ title: "Alder's goal" }));
    await expect(updateGoal(db(), stranger(), created.id, goal({ expectedVersion: 1 }))).rejects.toThrow(NotFound);
    await expect(getGoal(db(), stranger(), created.id)).rejects.toThrow(NotFound);
    for (const actor of [board(), team(), principalB()]) {
      await expect(updateGoal(db(), actor, created.id, goal({ title: "Not theirs", expectedVersion: 1 }))).rejects.toThrow(Forbidden);
    }
    expect((await db().select().from(goals).where(eq(goals.id, created.id)))[0]).toMatchObject({ title: "Alder's goal", version: 1 });
  });
});

describe("editing a strategy", () => {
  it("changes every field in one save, audited field by field", async () => {
    const g = await createGoal(db(), lead(), districtCycleId, goal({ title: "Coaching" }));
    const s = await addStrategy(db(), lead(), g.id, districtCycleId, step({ title: "Hire coaches" }));
    const saved = await updateStrategy(
      db(),
      team(),
      s.id,
      step({ title: "Hire two coaches", ownerName: "Luis", dueDate: "2026-11-30", status: "in_progress", expectedVersion: 1 }),
    );
    expect(saved).toMatchObject({ title: "Hire two coaches", ownerName: "Luis", dueDate: "2026-11-30", status: "in_progress", version: 2 });
    const [audit] = await auditFor("strategy.update", s.id);
    expect((audit.details as { changes: { field: string }[] }).changes.map((c) => c.field)).toEqual(["title", "ownerName", "dueDate", "status"]);
  });

  it("a stale save writes nothing and answers with the newer values and who saved them", async () => {
    const g = await createGoal(db(), lead(), districtCycleId, goal({ title: "Family nights" }));
    const s = await addStrategy(db(), lead(), g.id, districtCycleId, step({ title: "Plan the first night" }));
    await updateStrategy(db(), team(), s.id, step({ title: "Plan the first night with families", status: "in_progress", expectedVersion: 1 }));
    const error = await rejection(updateStrategy(db(), lead(), s.id, step({ title: "Cancel it", status: "blocked", expectedVersion: 1 })));
    expect(error).toBeInstanceOf(StaleEdit);
    expect((error as StaleEdit).current).toMatchObject({
      title: "Plan the first night with families",
      status: "in_progress",
      version: 2,
      savedBy: world.team.name,
      savedAt: expect.any(String),
    });
    expect(await strategyRow(s.id)).toMatchObject({ title: "Plan the first night with families", status: "in_progress", version: 2 });
    expect(await auditFor("strategy.update", s.id)).toHaveLength(1);
  });

  it("on a shared district goal, each side edits and removes only its own steps", async () => {
    const shared = await createGoal(db(), lead(), districtCycleId, goal({ title: "Morning meetings", mirrorScope: "all_schools" }));
    const districtStep = await addStrategy(db(), team(), shared.id, districtCycleId, step({ title: "Write the meeting guide" }));
    const schoolStep = await addStrategy(db(), principal(), shared.id, schoolCycleA, step({ title: "Train Alder's teachers" }));

    expect(await getStrategy(db(), principal(), districtStep.id)).toMatchObject({ canEdit: false, goalTitle: "Morning meetings" });
    expect(await getStrategy(db(), principal(), schoolStep.id)).toMatchObject({ canEdit: true });
    expect(await getStrategy(db(), team(), schoolStep.id)).toMatchObject({ canEdit: false });
    expect(await getStrategy(db(), board(), districtStep.id)).toMatchObject({ canEdit: false });
    await expect(getStrategy(db(), principalB(), schoolStep.id)).rejects.toThrow(Forbidden);

    // The school may not touch the district's step, nor the district team the school's; school B neither.
    await expect(updateStrategy(db(), principal(), districtStep.id, step({ title: "Ours", expectedVersion: 1 }))).rejects.toThrow(Forbidden);
    await expect(removeStrategy(db(), principal(), districtStep.id, 1)).rejects.toThrow(Forbidden);
    await expect(updateStrategy(db(), team(), schoolStep.id, step({ title: "District's", expectedVersion: 1 }))).rejects.toThrow(Forbidden);
    await expect(removeStrategy(db(), team(), schoolStep.id, 1)).rejects.toThrow(Forbidden);
    await expect(removeStrategy(db(), principalB(), schoolStep.id, 1)).rejects.toThrow(Forbidden);
    await expect(removeStrategy(db(), board(), districtStep.id, 1)).rejects.toThrow(Forbidden);
    expect(await strategyRow(districtStep.id)).toMatchObject({ title: "Write the meeting guide", version: 1 });
    expect(await strategyRow(schoolStep.id)).toMatchObject({ title: "Train Alder's teachers", version: 1 });

    // Each side on its own step.
    expect(await updateStrategy(db(), principal(), schoolStep.id, step({ title: "Train every Alder teacher", expectedVersion: 1 }))).toMatchObject({ version: 2 });
    await removeStrategy(db(), principal(), schoolStep.id, 2);
    expect(await strategyRow(schoolStep.id)).toBeUndefined();
    await removeStrategy(db(), team(), districtStep.id, 1);
    expect(await strategyRow(districtStep.id)).toBeUndefined();

    const [removed] = await auditFor("strategy.remove", schoolStep.id);
    expect(removed).toMatchObject({ actorId: world.schoolTeam.id, districtId: world.district.id });
    expect(removed.details).toMatchObject({ goalId: shared.id, cycleId: schoolCycleA, version: 2, before: { title: "Train every Alder teacher" } });
    expect(describeAuditEvent({ action: removed.action, actorName: world.schoolTeam.name, details: removed.details })).toBe(
      `${world.schoolTeam.name} removed the strategy “Train every Alder teacher”`,
    );
    expect((await getGoal(db(), principal(), shared.id, { forCycleId: schoolCycleA })).strategies).toEqual([]);
  });

  it("a removal based on an older version removes nothing and shows the newer one", async () => {
    const g = await createGoal(db(), lead(), districtCycleId, goal({ title: "Peer mentoring" }));
    const s = await addStrategy(db(), lead(), g.id, districtCycleId, step({ title: "Match mentors" }));
    await updateStrategy(db(), team(), s.id, step({ title: "Match mentors by October", expectedVersion: 1 }));
    const error = await rejection(removeStrategy(db(), lead(), s.id, 1));
    expect(error).toBeInstanceOf(StaleEdit);
    expect((error as StaleEdit).current).toMatchObject({ title: "Match mentors by October", version: 2, savedBy: world.team.name });
    await expect(removeStrategy(db(), lead(), s.id, null)).rejects.toThrow(StaleEdit);
    expect(await strategyRow(s.id)).toMatchObject({ title: "Match mentors by October" });
    expect(await auditFor("strategy.remove", s.id)).toHaveLength(0);
  });

  it("another district's step, or a made-up one, is not found", async () => {
    const g = await createGoal(db(), lead(), districtCycleId, goal({ title: "Quiet corners" }));
    const s = await addStrategy(db(), lead(), g.id, districtCycleId, step());
    await expect(getStrategy(db(), stranger(), s.id)).rejects.toThrow(NotFound);
    await expect(updateStrategy(db(), stranger(), s.id, step({ expectedVersion: 1 }))).rejects.toThrow(NotFound);
    await expect(removeStrategy(db(), stranger(), s.id, 1)).rejects.toThrow(NotFound);
    await expect(removeStrategy(db(), lead(), "not-a-uuid", 1)).rejects.toThrow(NotFound);
    await expect(getStrategy(db(), lead(), "00000000-0000-4000-8000-000000000000")).rejects.toThrow(NotFound);
    expect(await strategyRow(s.id)).toBeDefined();
  });
});

describe("a closed cycle", () => {
  it("refuses goal edits and strategy edits and removals, with a clear message", async () => {
    const next = await createDistrictCycle(db(), lead(), { startYear: 2027, baselineDate: "2027-10-01", midyearDate: "2028-01-31", endyearDate: "2028-05-31" });
    const item = (await getRubricBoard(db(), lead(), next.id)).focusAreas[0].items[0].id;
    const g = await createGoal(db(), lead(), next.id, goal({ rubricItemId: item }));
    const s = await addStrategy(db(), lead(), g.id, next.id, step());
    await db()
      .update(cycles)
      .set({ status: "closed", closedAt: new Date() })
      .where(or(eq(cycles.id, next.id), eq(cycles.districtCycleId, next.id)));

    const closed = "This cycle is closed and read-only.";
    await expect(updateGoal(db(), lead(), g.id, goal({ rubricItemId: item, title: "Too late", expectedVersion: 1 }))).rejects.toThrow(closed);
    await expect(updateStrategy(db(), lead(), s.id, step({ status: "done", expectedVersion: 1 }))).rejects.toThrow(closed);
    await expect(removeStrategy(db(), lead(), s.id, 1)).rejects.toThrow(closed);
    expect(await getStrategy(db(), lead(), s.id)).toMatchObject({ canEdit: false, cycleStatus: "closed" });
    expect((await getGoal(db(), lead(), g.id)).canEdit).toBe(false);
    expect(await strategyRow(s.id)).toMatchObject({ status: "planned", version: 1 });
  });
});
