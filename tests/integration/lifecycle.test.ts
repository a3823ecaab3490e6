// A cycle's life against a real database: settings and start, year-end decisions, closing a year and opening the
// next with what was carried forward, and schools that join mid-year.
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, goalAdoptions, goalRevisions, goals, goalSchools, rubricItems, strategies } from "#db/schema";
import { createDistrictCycle, getRubricBoard, scoreRubricItem } from "~/modules/cycles/cycles.server";
import type { GoalInput } from "~/modules/cycles/goals.schema";
import { addStrategy, createGoal, listGoalsForCycle, setAdoption, updateStrategy } from "~/modules/cycles/goals.server";
import { getYearEnd, goalAcrossYears, launchNextCycle, saveYearEndDecisions, startCycle, updateCycleSettings } from "~/modules/cycles/lifecycle.server";
import { yearEndDecisionsSchema } from "~/modules/cycles/lifecycle.schema";
import { addDraftItem, publishRubricDraft, startRubricDraft, updateDraftItem } from "~/modules/cycles/rubrics.server";
import { createSchool, setSchoolArchived } from "~/modules/districts/districts.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

const db = () => database.db;
const lead = () => actorOf(world.lead);
const board = () => actorOf(world.board);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);
const stranger = () => actorOf(elsewhere.lead);
const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-29", endyearDate: "2027-05-28" };
const nextDates = { baselineDate: "2027-10-01", midyearDate: "2028-01-28", endyearDate: "2028-05-26" };
const text = { description: "", relevance: "", population: "", inclusiveNote: "", equityNote: "" };

async function cycleRow(id: string) {
  const [row] = await db().select().from(cycles).where(eq(cycles.id, id));
  return row;
}
async function schoolCycleOf(districtCycleId: string, schoolId: string) {
  const [row] = await db()
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, districtCycleId), eq(cycles.schoolId, schoolId)));
  return row;
}
function implementationGoal(rubricItemId: string, overrides: Partial<GoalInput> = {}): GoalInput {
  return {
    kind: "implementation",
    title: "Implementation goal",
    ...text,
    mirrorScope: "none",
    schoolIds: [],
    expectedVersion: null,
    rubricItemId,
    targetLevel: 3,
    targetCheckpoint: "endyear",
    ...overrides,
  } as GoalInput;
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
});
afterAll(() => database?.close());

describe("settings and start", () => {
  let districtCycleId: string;
  beforeAll(async () => {
    districtCycleId = (await createDistrictCycle(db(), lead(), { startYear: 2030, baselineDate: "2030-10-01", midyearDate: "2031-01-31", endyearDate: "2031-05-30" })).id;
  });

  it("the district moves its dates, and every school cycle of the year follows them; a stale form writes nothing", async () => {
    const before = await cycleRow(districtCycleId);
    const saved = await updateCycleSettings(db(), lead(), districtCycleId, {
      phase: "organize",
      baselineDate: "2030-09-20",
      midyearDate: "2031-01-31",
      endyearDate: "2031-06-05",
      expectedVersion: before.version,
    });
    expect(saved).toMatchObject({ baselineDate: "2030-09-20", endyearDate: "2031-06-05", version: before.version + 1 });
    expect(await schoolCycleOf(districtCycleId, world.schoolA.id)).toMatchObject({ baselineDate: "2030-09-20", endyearDate: "2031-06-05" });

    const stale = updateCycleSettings(db(), lead(), districtCycleId, { ...dates, phase: "implement", baselineDate: "2030-10-02", midyearDate: "2031-01-31", endyearDate: "2031-06-05", expectedVersion: before.version });
    await expect(stale).rejects.toThrow(StaleEdit);
    await stale.catch((e: StaleEdit) => expect(e.current).toMatchObject({ baselineDate: "2030-09-20", version: before.version + 1 }));
    expect(await cycleRow(districtCycleId)).toMatchObject({ phase: "organize", baselineDate: "2030-09-20" });
  });

  it("refuses checkpoints out of order or outside the school year, naming the field", async () => {
    const row = await cycleRow(districtCycleId);
    const bad = updateCycleSettings(db(), lead(), districtCycleId, { phase: "organize", baselineDate: "2031-02-01", midyearDate: "2031-01-31", endyearDate: "2031-06-05", expectedVersion: row.version });
    await expect(bad).rejects.toThrow(ValidationFailed);
    await bad.catch((e: ValidationFailed) => expect(Object.keys(e.fieldErrors)).toContain("midyearDate"));
  });

  it("a school team moves its own school's phase but not the district's dates, nor another school", async () => {
    const mine = await schoolCycleOf(districtCycleId, world.schoolA.id);
    const own = { phase: "implement" as const, baselineDate: mine.baselineDate, midyearDate: mine.midyearDate, endyearDate: mine.endyearDate, expectedVersion: mine.version };
    expect(await updateCycleSettings(db(), principal(), mine.id, own)).toMatchObject({ phase: "implement" });
    const datesMoved = updateCycleSettings(db(), principal(), mine.id, { ...own, phase: "improve", baselineDate: "2030-10-05", expectedVersion: mine.version + 1 });
    await expect(datesMoved).rejects.toThrow(ValidationFailed);
    await datesMoved.catch((e: ValidationFailed) => expect(e.fieldErrors.baselineDate?.[0]).toMatch(/set by the district/));
    const other = await schoolCycleOf(districtCycleId, world.schoolB.id);
    await expect(updateCycleSettings(db(), principal(), other.id, { ...own, expectedVersion: other.version })).rejects.toThrow(Forbidden);
    await expect(updateCycleSettings(db(), board(), districtCycleId, { ...own, expectedVersion: 1 })).rejects.toThrow(Forbidden);
    await expect(updateCycleSettings(db(), stranger(), districtCycleId, { ...own, expectedVersion: 1 })).rejects.toThrow(NotFound);
  });

  it("starting the district's cycle starts every school cycle with it, once", async () => {
    const row = await cycleRow(districtCycleId);
    await expect(startCycle(db(), principal(), (await schoolCycleOf(districtCycleId, world.schoolA.id)).id, 1)).rejects.toThrow(Conflict);
    await startCycle(db(), lead(), districtCycleId, row.version);
    expect((await cycleRow(districtCycleId)).status).toBe("active");
    expect((await schoolCycleOf(districtCycleId, world.schoolB.id)).status).toBe("active");
    await expect(startCycle(db(), lead(), districtCycleId, row.version + 1)).rejects.toThrow(/already started/);
    const [event] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "cycle.start"), eq(auditEvents.entityId, districtCycleId)));
    expect(event.details).toMatchObject({ startYear: 2030, schools: 2 });
  });
});

describe("closing a year and opening the next", () => {
  let districtCycleId: string;
  let schoolCycleA: string;
  let itemIds: string[];
  let metGoal: string;
  let openGoal: string;
  let sharedGoal: string;
  let schoolGoal: string;
  let retiredSchoolGoal: string;

  beforeAll(async () => {
    const cycle = await createDistrictCycle(db(), lead(), { startYear: 2026, ...dates });
    districtCycleId = cycle.id;
    await startCycle(db(), lead(), districtCycleId, cycle.version);
    schoolCycleA = (await schoolCycleOf(districtCycleId, world.schoolA.id)).id;
    itemIds = (await getRubricBoard(db(), lead(), districtCycleId)).focusAreas.flatMap((a) => a.items.map((i) => i.id));
    // Met: level 3 reached by the end of year.
    metGoal = (await createGoal(db(), lead(), districtCycleId, implementationGoal(itemIds[0], { title: "Shared vision written" }))).id;
    await scoreRubricItem(db(), lead(), districtCycleId, { rubricItemId: itemIds[0], checkpoint: "endyear", level: 3, evidence: "", evidenceLinks: [], expectedVersion: null });
    openGoal = (await createGoal(db(), lead(), districtCycleId, implementationGoal(itemIds[1], { title: "Communication plan in use", targetLevel: 4 }))).id;
    await addStrategy(db(), lead(), openGoal, districtCycleId, { title: "Monthly newsletter", ownerName: "Ms. Ito", dueDate: "2027-02-29".replace("29", "28"), status: "in_progress", expectedVersion: null });
    const done = await addStrategy(db(), lead(), openGoal, districtCycleId, { title: "Draft the plan", ownerName: "", dueDate: null, status: "planned", expectedVersion: null });
    await updateStrategy(db(), lead(), done.id, { title: "Draft the plan", ownerName: "", dueDate: null, status: "done", expectedVersion: done.version });
    sharedGoal = (
      await createGoal(db(), lead(), districtCycleId, implementationGoal(itemIds[2], { title: "Every school has an SEL team", mirrorScope: "chosen_schools", schoolIds: [world.schoolA.id] }))
    ).id;
    await setAdoption(db(), principal(), sharedGoal, schoolCycleA, { localTarget: "Team meets every second Tuesday", expectedVersion: null });
    await addStrategy(db(), principal(), sharedGoal, schoolCycleA, { title: "Recruit a family member to the team", ownerName: "Principal", dueDate: "2027-03-15", status: "planned", expectedVersion: null });
    schoolGoal = (await createGoal(db(), principal(), schoolCycleA, implementationGoal(itemIds[9], { title: "Morning circles in every class" }))).id;
    await addStrategy(db(), principal(), schoolGoal, schoolCycleA, { title: "Circle training for every teacher", ownerName: "Coach", dueDate: "2027-04-01", status: "planned", expectedVersion: null });
    retiredSchoolGoal = (await createGoal(db(), principal(), schoolCycleA, implementationGoal(itemIds[10], { title: "Pilot a new curriculum" }))).id;
  });

  it("the year-end page lists the cycle's own goals with progress and a suggestion; schools decide about their own", async () => {
    const yearEnd = await getYearEnd(db(), lead(), districtCycleId);
    expect(yearEnd.goals.map((g) => [g.title, g.status, g.suggested])).toEqual([
      ["Shared vision written", "met", "sustain"],
      ["Communication plan in use", "no_data", "revise"],
      ["Every school has an SEL team", "no_data", "revise"],
    ]);
    expect(yearEnd.nextYear).toMatchObject({ startYear: 2027, label: "2027–28", cycleId: null });
    expect(yearEnd.schools.find((s) => s.cycleId === schoolCycleA)).toMatchObject({ goals: 2, undecided: 2, carried: 2 });

    const row = await cycleRow(schoolCycleA);
    const form = yearEndDecisionsSchema.parse({
      expectedVersion: String(row.version),
      [`decision.${retiredSchoolGoal}`]: "change_focus",
      [`note.${retiredSchoolGoal}`]: "Replaced by the district's program",
      [`decision.${schoolGoal}`]: "new_strategies",
      [`note.${schoolGoal}`]: "Keep, but in grades 3–5 first",
    });
    expect(await saveYearEndDecisions(db(), principal(), schoolCycleA, form)).toEqual({ saved: 2 });
    // The district's goal is the district's to decide, even on the school's page.
    const foreign = yearEndDecisionsSchema.parse({ expectedVersion: String(row.version + 1), [`decision.${sharedGoal}`]: "change_focus" });
    await expect(saveYearEndDecisions(db(), principal(), schoolCycleA, foreign)).rejects.toThrow(ValidationFailed);
    // A form loaded before the save is stale.
    await expect(saveYearEndDecisions(db(), principal(), schoolCycleA, form)).rejects.toThrow(StaleEdit);
    await expect(saveYearEndDecisions(db(), board(), districtCycleId, { expectedVersion: 1, decisions: [{ goalId: metGoal, decision: "change_focus", note: "" }] })).rejects.toThrow(Forbidden);
    expect(() => yearEndDecisionsSchema.parse({ expectedVersion: "1", [`decision.${metGoal}`]: "maybe" })).toThrow(/what happens to this goal/);
  });

  it("only the district closes the year, and only with valid dates and a ticked confirmation", async () => {
    const row = await cycleRow(districtCycleId);
    await expect(launchNextCycle(db(), principal(), schoolCycleA, { ...nextDates, expectedVersion: 1, confirm: "yes" })).rejects.toThrow(/district closes the year/);
    await expect(launchNextCycle(db(), board(), districtCycleId, { ...nextDates, expectedVersion: row.version, confirm: "yes" })).rejects.toThrow(Forbidden);
    await expect(launchNextCycle(db(), actorOf(world.team), districtCycleId, { ...nextDates, expectedVersion: row.version, confirm: "yes" })).rejects.toThrow(Forbidden);
    await expect(launchNextCycle(db(), stranger(), districtCycleId, { ...nextDates, expectedVersion: row.version, confirm: "yes" })).rejects.toThrow(NotFound);
    const wrongYear = launchNextCycle(db(), lead(), districtCycleId, { ...nextDates, baselineDate: "2026-10-01", expectedVersion: row.version, confirm: "yes" });
    await expect(wrongYear).rejects.toThrow(ValidationFailed);
    await expect(launchNextCycle(db(), lead(), districtCycleId, { ...nextDates, expectedVersion: row.version - 1, confirm: "yes" })).rejects.toThrow(StaleEdit);
    expect((await cycleRow(districtCycleId)).status).toBe("active");
  });

  it("closes the district and school cycles and opens next year with the decided goals, strategies and local targets", async () => {
    const row = await cycleRow(districtCycleId);
    const result = await launchNextCycle(db(), lead(), districtCycleId, { ...nextDates, expectedVersion: row.version, confirm: "yes" });
    expect(result).toMatchObject({ schoolsClosed: 2, schoolsOpened: 2, goalsCarried: 4, goalsClosed: 1, strategiesCarried: 2, notCarried: [] });

    expect(await cycleRow(districtCycleId)).toMatchObject({ status: "closed" });
    expect((await cycleRow(schoolCycleA)).status).toBe("closed");
    const next = await cycleRow(result.nextCycleId);
    expect(next).toMatchObject({ startYear: 2027, status: "planning", phase: "organize", ...nextDates, schoolId: null });

    // Undecided goals took the suggestion, recorded on the closed year.
    const decided = await db().select().from(goals).where(inArray(goals.id, [metGoal, openGoal, sharedGoal, schoolGoal, retiredSchoolGoal]));
    expect(Object.fromEntries(decided.map((g) => [g.title, g.decision]))).toEqual({
      "Shared vision written": "sustain",
      "Communication plan in use": "revise",
      "Every school has an SEL team": "revise",
      "Morning circles in every class": "new_strategies",
      "Pilot a new curriculum": "change_focus",
    });

    const carried = await db().select().from(goals).where(eq(goals.cycleId, next.id));
    expect(carried.map((g) => g.title).sort()).toEqual(["Communication plan in use", "Every school has an SEL team", "Shared vision written"]);
    // A sustained goal goes on as it was; a revised one is marked for the team to look at again.
    expect(carried.find((g) => g.title === "Shared vision written")).toMatchObject({ carriedFromId: metGoal, needsRevision: false });
    const communication = carried.find((g) => g.title === "Communication plan in use")!;
    expect(communication).toMatchObject({ carriedFromId: openGoal, targetLevel: 4, version: 1, decision: null, needsRevision: true });
    const [item] = await db().select().from(rubricItems).where(eq(rubricItems.id, communication.rubricItemId!));
    expect(item.rubricVersionId).toBe(next.rubricVersionId);
    expect(await db().select().from(goalRevisions).where(eq(goalRevisions.goalId, communication.id))).toHaveLength(1);

    // Only the unfinished strategy goes on, a year later.
    const commStrategies = await db().select().from(strategies).where(eq(strategies.goalId, communication.id));
    expect(commStrategies.map((s) => [s.title, s.dueDate, s.status, s.cycleId])).toEqual([["Monthly newsletter", "2028-02-28", "in_progress", next.id]]);

    // The shared goal stays shared with the same school, which keeps its local target and its own step.
    const shared = carried.find((g) => g.title === "Every school has an SEL team")!;
    expect(await db().select({ schoolId: goalSchools.schoolId }).from(goalSchools).where(eq(goalSchools.goalId, shared.id))).toEqual([{ schoolId: world.schoolA.id }]);
    const nextSchoolA = await schoolCycleOf(next.id, world.schoolA.id);
    expect(await db().select().from(goalAdoptions).where(eq(goalAdoptions.goalId, shared.id))).toMatchObject([
      { cycleId: nextSchoolA.id, localTarget: "Team meets every second Tuesday" },
    ]);
    expect(await db().select({ title: strategies.title, cycleId: strategies.cycleId, dueDate: strategies.dueDate }).from(strategies).where(eq(strategies.goalId, shared.id))).toEqual([
      { title: "Recruit a family member to the team", cycleId: nextSchoolA.id, dueDate: "2028-03-15" },
    ]);

    // The school's own revised goal goes on in its new cycle; the retired one does not.
    const schoolGoals = await listGoalsForCycle(db(), principal(), nextSchoolA.id);
    expect(schoolGoals.own.map((g) => [g.title, g.carriedFromId])).toEqual([["Morning circles in every class", schoolGoal]]);
    // "New strategies": the goal goes on, its old steps stay behind for the team to rewrite.
    expect(await db().select().from(strategies).where(eq(strategies.goalId, schoolGoals.own[0].id))).toEqual([]);
    expect(schoolGoals.mirrored.map((g) => g.title)).toEqual(["Every school has an SEL team"]);

    // Each goal knows where it came from and where it went, for readers of both years only.
    expect((await goalAcrossYears(db(), board(), communication)).carriedFrom).toMatchObject({ goalId: openGoal, yearLabel: "2026–27", decision: "revise" });
    expect((await goalAcrossYears(db(), lead(), { id: openGoal, carriedFromId: null })).carriedInto).toMatchObject({ goalId: communication.id, yearLabel: "2027–28" });
    const morning = schoolGoals.own[0];
    expect((await goalAcrossYears(db(), principal(), morning)).carriedFrom).toMatchObject({ decision: "new_strategies", decisionNote: "Keep, but in grades 3–5 first" });
    expect((await goalAcrossYears(db(), actorOf(world.schoolTeam, [world.schoolB.id]), morning)).carriedFrom).toBeNull();

    const events = await db().select().from(auditEvents).where(inArray(auditEvents.action, ["cycle.close", "cycle.launch"]));
    expect(events.map((e) => [e.action, e.entityId])).toEqual(
      expect.arrayContaining([
        ["cycle.close", districtCycleId],
        ["cycle.launch", next.id],
      ]),
    );
  });

  it("a closed year is read-only and cannot be launched twice", async () => {
    const row = await cycleRow(districtCycleId);
    await expect(launchNextCycle(db(), lead(), districtCycleId, { ...nextDates, expectedVersion: row.version, confirm: "yes" })).rejects.toThrow(/closed/);
    await expect(saveYearEndDecisions(db(), lead(), districtCycleId, { expectedVersion: row.version, decisions: [{ goalId: metGoal, decision: "sustain", note: "" }] })).rejects.toThrow(
      /closed/,
    );
    const yearEnd = await getYearEnd(db(), board(), districtCycleId);
    expect(yearEnd.nextYear.cycleId).not.toBeNull();
  });
});

describe("schools that join during a year", () => {
  it("a school added or restored while a year is open gets a cycle in it; closed years stay as they were", async () => {
    const district = await makeDistrictWithPeople(db());
    const lead = actorOf(district.lead);
    const closedYear = await createDistrictCycle(db(), lead, { startYear: 2025, baselineDate: "2025-10-01", midyearDate: "2026-01-30", endyearDate: "2026-05-29" });
    await startCycle(db(), lead, closedYear.id, closedYear.version);
    const { nextCycleId } = await launchNextCycle(db(), lead, closedYear.id, { ...dates, expectedVersion: closedYear.version + 1, confirm: "yes" });

    const school = await createSchool(db(), lead, { name: "Willow Creek Elementary", level: "elementary" });
    const mine = await db().select().from(cycles).where(eq(cycles.schoolId, school.id));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ districtCycleId: nextCycleId, startYear: 2026, status: "planning", ...dates });

    await setSchoolArchived(db(), lead, district.schoolB.id, true);
    await db().delete(cycles).where(and(eq(cycles.schoolId, district.schoolB.id), eq(cycles.districtCycleId, nextCycleId)));
    await setSchoolArchived(db(), lead, district.schoolB.id, false);
    expect(await db().select({ d: cycles.districtCycleId }).from(cycles).where(eq(cycles.schoolId, district.schoolB.id))).toEqual(
      expect.arrayContaining([{ d: closedYear.id }, { d: nextCycleId }]),
    );
  });
});

describe("a year closed after the rubric was adapted", () => {
  it("opens next year on the newest published version and carries goals to the same activity by lineage", async () => {
    const district = await makeDistrictWithPeople(db());
    const lead = actorOf(district.lead);
    const year = await createDistrictCycle(db(), lead, { startYear: 2026, ...dates });
    await startCycle(db(), lead, year.id, year.version);
    const oldItems = (await getRubricBoard(db(), lead, year.id)).focusAreas.flatMap((a) => a.items);
    const goal = await createGoal(db(), lead, year.id, implementationGoal(oldItems[4].id, { title: "Coaching for every new teacher" }));

    // Version 2 rewords that activity and adds one; the open year keeps version 1.
    const draft = await startRubricDraft(db(), lead);
    const [draftItem] = await db()
      .select()
      .from(rubricItems)
      .where(and(eq(rubricItems.rubricVersionId, draft.id), eq(rubricItems.lineageId, (await db().select().from(rubricItems).where(eq(rubricItems.id, oldItems[4].id)))[0].lineageId)));
    const wording = { title: "Coaching and professional learning", level1: "None yet", level2: "Some staff", level3: "Most staff", level4: "Every adult, sustained" };
    await updateDraftItem(db(), lead, draftItem.id, { ...wording, expectedVersion: draftItem.version });
    await addDraftItem(db(), lead, { focusAreaId: "fa2", title: "Coaches have protected time", level1: "a", level2: "b", level3: "c", level4: "d" });
    await publishRubricDraft(db(), lead, { note: "Clearer wording; protected coaching time", applyToOpenCycles: false });
    expect((await cycleRow(year.id)).rubricVersionId).toBe(year.rubricVersionId);

    const { nextCycleId } = await launchNextCycle(db(), lead, year.id, { ...nextDates, expectedVersion: (await cycleRow(year.id)).version, confirm: "yes" });
    const next = await cycleRow(nextCycleId);
    expect(next.rubricVersionId).toBe(draft.id);
    const [carried] = await db().select().from(goals).where(eq(goals.carriedFromId, goal.id));
    expect(carried.rubricItemId).toBe(draftItem.id);
    const board = await getRubricBoard(db(), lead, nextCycleId);
    expect(board.focusAreas.flatMap((a) => a.items).map((i) => i.title)).toEqual(expect.arrayContaining(["Coaching and professional learning", "Coaches have protected time"]));
  });
});
