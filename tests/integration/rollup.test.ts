// The district roll-up against a real database: goals across schools, and a cache that never shows one reader another's schools or yesterday's scores.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles, measures } from "#db/schema";
import { createDistrictCycle, getRubricBoard, scoreRubricItem } from "~/modules/cycles/cycles.server";
import type { GoalInput } from "~/modules/cycles/goals.schema";
import { createGoal, updateGoal } from "~/modules/cycles/goals.server";
import { addDraftItem, publishRubricDraft, startRubricDraft } from "~/modules/cycles/rubrics.server";
import { goalStatusBySchoolCycle, outcomeStandingAtSchool, rollupCacheSize, getRollupView } from "~/modules/cycles/rollup.server";
import { decodeGoalStatus } from "~/modules/cycles/rollup-goals";
import { commitImport, undoImport } from "~/modules/data/import.server";
import { createMeasure, updateMeasure } from "~/modules/data/measures.server";
import { updateSchool } from "~/modules/districts/districts.server";
import { Forbidden, NotFound } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople, makeUser } from "../factories";
import { importRowsOf } from "../factories/imports";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let schoolTeamB: Awaited<ReturnType<typeof makeUser>>;
let districtCycleId: string;
let cycleA: string;
let cycleB: string;
let itemIds: string[];

const db = () => database.db;
const lead = () => actorOf(world.lead);
const board = () => actorOf(world.board);
const principalA = () => actorOf(world.schoolTeam, [world.schoolA.id]);
const principalB = () => actorOf(schoolTeamB, [world.schoolB.id]);
const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
const text = { description: "", relevance: "", population: "", inclusiveNote: "", equityNote: "" };

const score = (cycleId: string, actor: ReturnType<typeof lead>, itemId: string, checkpoint: "baseline" | "midyear" | "endyear", level: number) =>
  scoreRubricItem(db(), actor, cycleId, { rubricItemId: itemId, checkpoint, level, evidence: "", evidenceLinks: [], expectedVersion: null });

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  schoolTeamB = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id] });
  districtCycleId = (await createDistrictCycle(db(), lead(), { startYear: 2026, ...dates })).id;
  const schoolCycles = await db().select().from(cycles).where(eq(cycles.districtCycleId, districtCycleId));
  cycleA = schoolCycles.find((c) => c.schoolId === world.schoolA.id)!.id;
  cycleB = schoolCycles.find((c) => c.schoolId === world.schoolB.id)!.id;
  itemIds = (await getRubricBoard(db(), lead(), districtCycleId)).focusAreas.flatMap((a) => a.items.map((i) => i.id));
});
afterAll(() => database?.close());

const rowOf = (view: Awaited<ReturnType<typeof getRollupView>>, cycleId: string) => view.rows.find((r) => r.cycleId === cycleId);

describe("the roll-up cache", () => {
  it("shows each reader only the schools they may read, whoever asked first", async () => {
    await score(cycleA, principalA(), itemIds[0], "baseline", 2);
    await score(cycleB, principalB(), itemIds[0], "baseline", 3);

    // The whole district first, then one school's team: the second must not be served the first's entry.
    const forLead = await getRollupView(db(), lead(), districtCycleId);
    expect(forLead.rows.map((r) => r.cycleId).sort()).toEqual([cycleA, cycleB].sort());
    const forA = await getRollupView(db(), principalA(), districtCycleId);
    expect(forA.rows.map((r) => r.cycleId)).toEqual([cycleA]);
    expect(forA.items[0].distribution).toMatchObject({ 2: 1, 3: 0 });

    // And the other way round: a school's entry first, then another school's, then the board's.
    const forB = await getRollupView(db(), principalB(), districtCycleId);
    expect(forB.rows.map((r) => r.cycleId)).toEqual([cycleB]);
    expect(rowOf(forB, cycleB)!.levels[0]).toBe("3");
    expect((await getRollupView(db(), board(), districtCycleId)).rows).toHaveLength(2);
    expect((await getRollupView(db(), principalA(), districtCycleId)).rows.map((r) => r.cycleId)).toEqual([cycleA]);

    // A reader from another district, or asking for a school's cycle, gets nothing from the cache.
    await expect(getRollupView(db(), actorOf(elsewhere.lead), districtCycleId)).rejects.toThrow(NotFound);
    await expect(getRollupView(db(), lead(), cycleA)).rejects.toThrow(NotFound);
  });

  it("a school team member who loses a school stops seeing it on the next request", async () => {
    const both = actorOf(world.schoolTeam, [world.schoolA.id, world.schoolB.id]);
    expect((await getRollupView(db(), both, districtCycleId)).rows).toHaveLength(2);
    expect((await getRollupView(db(), principalA(), districtCycleId)).rows).toHaveLength(1);
    // A role with no school at all, were one to read the roll-up, would see no row rather than someone else's.
    expect((await getRollupView(db(), actorOf(world.schoolTeam, []), districtCycleId)).rows).toEqual([]);
  });

  it("shows a score on the very next request after it is saved", async () => {
    const before = await getRollupView(db(), lead(), districtCycleId, "baseline");
    expect(rowOf(before, cycleA)!.levels[1]).toBe("-");
    const cachedAgain = await getRollupView(db(), lead(), districtCycleId, "baseline");
    expect(rowOf(cachedAgain, cycleA)!.levels).toBe(rowOf(before, cycleA)!.levels);

    await score(cycleA, principalA(), itemIds[1], "baseline", 4);
    const after = await getRollupView(db(), lead(), districtCycleId, "baseline");
    expect(rowOf(after, cycleA)!.levels[1]).toBe("4");
    expect(after.items[1].distribution[4]).toBe(1);

    // A changed score, too, and in the school's own scoped view.
    await scoreRubricItem(db(), principalA(), cycleA, {
      rubricItemId: itemIds[1],
      checkpoint: "baseline",
      level: 1,
      evidence: "",
      evidenceLinks: [],
      expectedVersion: 1,
    });
    expect(rowOf(await getRollupView(db(), principalA(), districtCycleId, "baseline"), cycleA)!.levels[1]).toBe("1");
    expect(rowOf(await getRollupView(db(), lead(), districtCycleId, "baseline"), cycleA)!.levels[1]).toBe("1");
  });

  it("shows a renamed school's new name on the next request", async () => {
    await getRollupView(db(), lead(), districtCycleId);
    await updateSchool(db(), lead(), world.schoolB.id, { name: "Birch Middle (renamed)", level: "middle" });
    const view = await getRollupView(db(), lead(), districtCycleId);
    expect(rowOf(view, cycleB)!.name).toBe("Birch Middle (renamed)");
  });

  it("keeps its size bounded however many views are asked for", async () => {
    for (let n = 0; n < 60; n++) {
      const member = actorOf(world.schoolTeam, [world.schoolA.id, `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`]);
      await getRollupView(db(), member, districtCycleId);
    }
    expect(rollupCacheSize().entries).toBeLessThanOrEqual(48);
    expect(rollupCacheSize().goalLists).toBeLessThanOrEqual(48);
  });

  it("still checks permission on every request", async () => {
    const outsider = { ...actorOf(world.board), role: "nobody" as never };
    await expect(getRollupView(db(), outsider, districtCycleId)).rejects.toThrow(Forbidden);
  });
});

describe("goals across schools", () => {
  let measureId: string;
  beforeAll(async () => {
    [{ id: measureId }] = await db().select({ id: measures.id }).from(measures).limit(1);
  });

  const implementation = (overrides: Partial<Extract<GoalInput, { kind: "implementation" }>> = {}): GoalInput => ({
    kind: "implementation",
    title: "Every school has an SEL team that meets monthly",
    ...text,
    mirrorScope: "all_schools",
    schoolIds: [],
    expectedVersion: null,
    rubricItemId: itemIds[2],
    targetLevel: 3,
    targetCheckpoint: "endyear",
    ...overrides,
  });

  it("gives each shared goal a status per school from that school's scores, and counts them", async () => {
    const forAll = await createGoal(db(), lead(), districtCycleId, implementation());
    const forB = await createGoal(db(), lead(), districtCycleId, implementation({ title: "Birch's goal", mirrorScope: "chosen_schools", schoolIds: [world.schoolB.id] }));
    await createGoal(db(), lead(), districtCycleId, implementation({ title: "The district's own", mirrorScope: "none" }));
    const outcome = await createGoal(db(), lead(), districtCycleId, {
      kind: "outcome",
      title: "More students feel an adult cares",
      ...text,
      mirrorScope: "all_schools",
      schoolIds: [],
      expectedVersion: null,
      measureId,
      baselineValue: 62,
      targetValue: 70,
      dueDate: "2027-05-31",
    });
    await score(cycleA, principalA(), itemIds[2], "baseline", 1);
    await score(cycleA, principalA(), itemIds[2], "midyear", 3);
    await score(cycleB, principalB(), itemIds[2], "baseline", 2);

    const view = await getRollupView(db(), lead(), districtCycleId);
    expect(view.goals.map((g) => g.title)).toEqual([forAll.title, forB.title, outcome.title]);
    const byId = new Map(view.goals.map((g) => [g.id, g]));
    const statusIn = (goalId: string, cycleId: string) => decodeGoalStatus(byId.get(goalId)!.statuses[view.rows.findIndex((r) => r.cycleId === cycleId)]);
    expect(statusIn(forAll.id, cycleA)).toBe("met");
    expect(statusIn(forAll.id, cycleB)).toBe("not_started");
    expect(byId.get(forAll.id)!.counts).toMatchObject({ met: 1, not_started: 1 });
    expect(statusIn(forB.id, cycleA)).toBeNull();
    expect(byId.get(forB.id)!.schoolCount).toBe(1);
    expect(byId.get(outcome.id)!.counts).toMatchObject({ no_data: 2 });

    // A school's team sees only its own school in the counts.
    const forPrincipal = await getRollupView(db(), principalA(), districtCycleId);
    expect(forPrincipal.goals.find((g) => g.id === forB.id)!.schoolCount).toBe(0);
    expect(forPrincipal.goals.find((g) => g.id === forAll.id)!.counts).toMatchObject({ met: 1, not_started: 0 });
  });

  it("follows a goal's edits and new scores on the next request", async () => {
    const view = await getRollupView(db(), lead(), districtCycleId);
    const goal = view.goals.find((g) => g.title === "Every school has an SEL team that meets monthly")!;
    await updateGoal(db(), lead(), goal.id, implementation({ targetLevel: 4, expectedVersion: 1 }));
    const raised = (await getRollupView(db(), lead(), districtCycleId)).goals.find((g) => g.id === goal.id)!;
    expect(raised.counts).toMatchObject({ met: 0, on_track: 1, not_started: 1 });

    await score(cycleB, principalB(), itemIds[2], "midyear", 4);
    const later = (await getRollupView(db(), lead(), districtCycleId)).goals.find((g) => g.id === goal.id)!;
    expect(later.counts).toMatchObject({ met: 1, on_track: 1, not_started: 0 });
  });

  it("keeps counting scores given under the old rubric after a new version is published into the open year", async () => {
    const goal = (await getRollupView(db(), lead(), districtCycleId)).goals.find((g) => g.title === "Every school has an SEL team that meets monthly")!;
    const before = goal.counts;
    await startRubricDraft(db(), lead());
    await addDraftItem(db(), lead(), { focusAreaId: "fa4", title: "Students help read the data", level1: "a", level2: "b", level3: "c", level4: "d" });
    await publishRubricDraft(db(), lead(), { note: "One new item", applyToOpenCycles: true });
    const after = (await getRollupView(db(), lead(), districtCycleId)).goals.find((g) => g.id === goal.id)!;
    expect(after.counts).toEqual(before);
    expect(after.counts).toMatchObject({ met: 1, on_track: 1 });
  });

  it("judges an outcome goal in each school on that school's own results, and follows imports and undo", async () => {
    const importCsv = async (fileName: string, lines: string[]) => {
      const result = await commitImport(db(), lead(), { fileName, rows: await importRowsOf(db(), lead(), lines) });
      if (result.status !== "committed") throw new Error(`expected ${fileName} to change something`);
      return result.importId;
    };
    const measure = "chronic-absenteeism-rate";
    const [absenteeism] = await db().select().from(measures).where(eq(measures.slug, measure));
    const goal = await createGoal(db(), lead(), districtCycleId, {
      kind: "outcome",
      title: "Fewer students miss school",
      ...text,
      mirrorScope: "all_schools",
      schoolIds: [],
      expectedVersion: null,
      measureId: absenteeism.id,
      baselineValue: 22,
      targetValue: 12,
      dueDate: "2027-05-31",
    });
    const statusesNow = async (actor = lead()) => {
      const view = await getRollupView(db(), actor, districtCycleId);
      const g = view.goals.find((x) => x.id === goal.id)!;
      return { a: decodeGoalStatus(g.statuses[view.rows.findIndex((r) => r.cycleId === cycleA)]), b: decodeGoalStatus(g.statuses[view.rows.findIndex((r) => r.cycleId === cycleB)]), counts: g.counts, goal: g };
    };
    expect((await statusesNow()).counts).toMatchObject({ no_data: 2, met: 0 });
    expect((await statusesNow()).goal).toMatchObject({ kind: "outcome", measureName: absenteeism.name, unit: "percent", direction: "lower_is_better", targetValue: 12 });

    // A: 20 % last year, 15 % this fall — better, not yet at 12 %. B: 14 % this fall and nothing before.
    const a = world.schoolA.name;
    const b = "Birch Middle (renamed)";
    await importCsv("last-year.csv", [`${a},2025-26,year,all,all,${measure},300,20`]);
    const fall = await importCsv("fall.csv", [`${a},2026-27,fall,all,all,${measure},310,15`, `${b},2026-27,fall,all,all,${measure},200,14`]);
    expect(await statusesNow()).toMatchObject({ a: "improving", b: "one_value", counts: { improving: 1, one_value: 1, no_data: 0 } });

    // B reaches the target in winter; A slips back above last year.
    const winter = await importCsv("winter.csv", [`${b},2026-27,winter,all,all,${measure},200,11.5`, `${a},2026-27,winter,all,all,${measure},305,21`]);
    expect(await statusesNow()).toMatchObject({ a: "worsening", b: "met" });
    // B's team, on the goal at its school, reads B's own latest result and the roll-up's verdict.
    const atB = await outcomeStandingAtSchool(db(), principalB(), { cycleId: cycleB, districtCycleId, schoolId: world.schoolB.id, startYear: 2026 }, { id: goal.id, measureId: absenteeism.id });
    expect(atB).toMatchObject({ status: "met", latest: { term: "winter", value: 11.5, n: 200 }, heldBack: false });
    // A school's team sees its own school only.
    const forB = await getRollupView(db(), principalB(), districtCycleId);
    expect(forB.goals.find((x) => x.id === goal.id)!.counts).toMatchObject({ met: 1, worsening: 0 });

    // Undoing the winter file brings back what the fall showed, on the next request.
    await undoImport(db(), lead(), winter);
    expect(await statusesNow()).toMatchObject({ a: "improving", b: "one_value" });
    // The goal page's "At the schools" reads the same statuses, per school cycle, scoped to the reader.
    expect(await goalStatusBySchoolCycle(db(), lead(), districtCycleId, goal.id)).toEqual(new Map([[cycleA, "improving"], [cycleB, "one_value"]]));
    expect(await goalStatusBySchoolCycle(db(), principalB(), districtCycleId, goal.id)).toEqual(new Map([[cycleB, "one_value"]]));
    await expect(goalStatusBySchoolCycle(db(), actorOf(elsewhere.lead), districtCycleId, goal.id)).rejects.toThrow(NotFound);
    await undoImport(db(), lead(), fall);
    expect(await statusesNow()).toMatchObject({ a: "no_data", b: "no_data" });
  });

  it("shows a district measure's new name on the next request after it is renamed", async () => {
    const fields = { description: "", unit: "percent" as const, direction: "higher_is_better" as const, category: "custom" as const, scaleMin: 0, scaleMax: 100 };
    const measure = await createMeasure(db(), lead(), { name: "Belonging indx", ...fields });
    const goal = await createGoal(db(), lead(), districtCycleId, {
      kind: "outcome",
      title: "More students feel they belong",
      ...text,
      mirrorScope: "all_schools",
      schoolIds: [],
      expectedVersion: null,
      measureId: measure.id,
      baselineValue: 60,
      targetValue: 70,
      dueDate: "2027-05-31",
    });
    const nameNow = async () => (await getRollupView(db(), lead(), districtCycleId)).goals.find((g) => g.id === goal.id)!.measureName;
    expect(await nameNow()).toBe("Belonging indx");
    await updateMeasure(db(), lead(), measure.id, { name: "Belonging index", ...fields, expectedVersion: measure.version });
    expect(await nameNow()).toBe("Belonging index");
  });
});

