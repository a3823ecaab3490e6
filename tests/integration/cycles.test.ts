// Cycles and rubric scores against a real database: school cycles follow the district's, roles, concurrency, closed cycles.
import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, rubricScores } from "#db/schema";
import { createDistrictCycle, getCycle, getRollup, getRubricBoard, listCycles, scoreRubricItem } from "~/modules/cycles/cycles.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
});
afterAll(() => database?.close());

const lead = () => actorOf(world.lead);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);

async function schoolCycleOf(districtCycleId: string, schoolId: string) {
  const [row] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, districtCycleId), eq(cycles.schoolId, schoolId)));
  return row;
}

describe("opening a cycle", () => {
  it("opens one cycle for the district and one per active school, on a 16-item rubric", async () => {
    const cycle = await createDistrictCycle(database.db, actorOf(world.team), { startYear: 2026, ...dates });
    const schoolCycles = await database.db.select().from(cycles).where(eq(cycles.districtCycleId, cycle.id));
    expect(schoolCycles.map((c) => c.schoolId).sort()).toEqual([world.schoolA.id, world.schoolB.id].sort());
    expect(schoolCycles.every((c) => c.baselineDate === dates.baselineDate && c.rubricVersionId === cycle.rubricVersionId)).toBe(true);
    const board = await getRubricBoard(database.db, lead(), cycle.id);
    expect(board.focusAreas.map((a) => a.items.length)).toEqual([4, 4, 4, 4]);
    expect(board.focusAreas[0].items[0].levels[0]).toMatch(/^Not yet planned or implemented/);
  });

  it("refuses a second cycle for the same year, checkpoints out of order, and roles that may not", async () => {
    await expect(createDistrictCycle(database.db, lead(), { startYear: 2026, ...dates })).rejects.toThrow(Conflict);
    await expect(
      createDistrictCycle(database.db, lead(), { startYear: 2027, baselineDate: "2028-02-01", midyearDate: "2028-01-01", endyearDate: "2028-05-01" }),
    ).rejects.toThrow(ValidationFailed);
    await expect(createDistrictCycle(database.db, actorOf(world.board), { startYear: 2030, ...dates })).rejects.toThrow(Forbidden);
    await expect(createDistrictCycle(database.db, principal(), { startYear: 2030, ...dates })).rejects.toThrow(Forbidden);
  });

  it("lists only what the actor may read, and hides other districts", async () => {
    const [forPrincipal] = await listCycles(database.db, principal());
    expect(forPrincipal.schools.map((s) => s.schoolId)).toEqual([world.schoolA.id]);
    const [forBoard] = await listCycles(database.db, actorOf(world.board));
    expect(forBoard.schools).toHaveLength(2);
    expect(await listCycles(database.db, actorOf(elsewhere.lead))).toEqual([]);
  });
});

describe("rubric scores", () => {
  it("a school team scores its own school with evidence, and every save is audited", async () => {
    const [districtCycle] = await listCycles(database.db, lead());
    const mine = await schoolCycleOf(districtCycle.id, world.schoolA.id);
    const board = await getRubricBoard(database.db, principal(), mine.id);
    const item = board.focusAreas[1].items[2];
    const saved = await scoreRubricItem(database.db, principal(), mine.id, {
      rubricItemId: item.id,
      checkpoint: "baseline",
      level: 2,
      evidence: "Two of five teams meet monthly.",
      evidenceLinks: ["https://example.org/notes"],
      expectedVersion: null,
    });
    expect(saved).toMatchObject({ level: 2, version: 1, scoredBy: world.schoolTeam.id });
    const again = await scoreRubricItem(database.db, principal(), mine.id, {
      rubricItemId: item.id,
      checkpoint: "baseline",
      level: 3,
      evidence: "Four of five teams now.",
      evidenceLinks: [],
      expectedVersion: 1,
    });
    expect(again.version).toBe(2);
    const after = await getRubricBoard(database.db, lead(), mine.id);
    expect(after.focusAreas[1].items[2].scores.baseline).toMatchObject({ level: 3, evidence: "Four of five teams now.", scoredBy: world.schoolTeam.name });
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "rubric.score"));
    expect(events.filter((e) => e.entityId === saved.id)).toHaveLength(2);
    // A school's scores change its district's roll-up, so the district cycle's score revision moves with them.
    const [districtRow] = await database.db.select().from(cycles).where(eq(cycles.id, districtCycle.id));
    const [schoolRow] = await database.db.select().from(cycles).where(eq(cycles.id, mine.id));
    expect(districtRow.scoreRevision - districtCycle.scoreRevision).toBe(2);
    expect(schoolRow.scoreRevision).toBe(0);
  });

  it("a stale save writes nothing and returns the newer values", async () => {
    const [districtCycle] = await listCycles(database.db, lead());
    const item = (await getRubricBoard(database.db, lead(), districtCycle.id)).focusAreas[0].items[0];
    const base = { rubricItemId: item.id, checkpoint: "baseline" as const, evidence: "", evidenceLinks: [] };
    await scoreRubricItem(database.db, lead(), districtCycle.id, { ...base, level: 2, expectedVersion: null });
    // Two people loaded version 1; the team saves first.
    await scoreRubricItem(database.db, actorOf(world.team), districtCycle.id, { ...base, level: 3, expectedVersion: 1 });
    const stale = scoreRubricItem(database.db, lead(), districtCycle.id, { ...base, level: 1, expectedVersion: 1 });
    await expect(stale).rejects.toThrow(StaleEdit);
    await expect(stale).rejects.toMatchObject({ current: { level: 3, version: 2 } });
    const [row] = await database.db
      .select()
      .from(rubricScores)
      .where(and(eq(rubricScores.cycleId, districtCycle.id), eq(rubricScores.rubricItemId, item.id)));
    expect(row.level).toBe(3);
  });

  it("nobody scores a school they do not serve, the board scores nothing, other districts see nothing", async () => {
    const [districtCycle] = await listCycles(database.db, lead());
    const other = await schoolCycleOf(districtCycle.id, world.schoolB.id);
    const item = (await getRubricBoard(database.db, lead(), other.id)).focusAreas[0].items[0];
    const input = { rubricItemId: item.id, checkpoint: "baseline" as const, level: 4, evidence: "", evidenceLinks: [], expectedVersion: null };
    await expect(scoreRubricItem(database.db, principal(), other.id, input)).rejects.toThrow(Forbidden);
    await expect(scoreRubricItem(database.db, actorOf(world.team), other.id, input)).rejects.toThrow(Forbidden);
    await expect(scoreRubricItem(database.db, actorOf(world.board), districtCycle.id, input)).rejects.toThrow(Forbidden);
    await expect(getCycle(database.db, actorOf(elsewhere.lead), other.id)).rejects.toThrow(NotFound);
    await expect(scoreRubricItem(database.db, actorOf(elsewhere.lead), other.id, input)).rejects.toThrow(NotFound);
  });

  it("the roll-up picks the latest scored checkpoint, loads only it and the one before, and respects who reads", async () => {
    const [districtCycle] = await listCycles(database.db, lead());
    const schoolA = await schoolCycleOf(districtCycle.id, world.schoolA.id);
    const items = (await getRubricBoard(database.db, lead(), schoolA.id)).focusAreas.flatMap((a) => a.items);
    for (const checkpoint of ["midyear", "endyear"] as const) {
      await scoreRubricItem(database.db, principal(), schoolA.id, { rubricItemId: items[0].id, checkpoint, level: 4, evidence: "", evidenceLinks: [], expectedVersion: null });
    }
    const latest = await getRollup(database.db, actorOf(world.board), districtCycle.id);
    expect(latest).toMatchObject({ checkpoint: "endyear", previous: "midyear" });
    expect(new Set(latest.scores.map((s) => s.checkpoint))).toEqual(new Set(["midyear", "endyear"]));
    expect(latest.schools).toHaveLength(2);
    const asked = await getRollup(database.db, lead(), districtCycle.id, "baseline");
    expect(asked).toMatchObject({ checkpoint: "baseline", previous: null });
    expect(asked.scores.every((s) => s.checkpoint === "baseline")).toBe(true);
    const ownOnly = await getRollup(database.db, principal(), districtCycle.id);
    expect(ownOnly.schools.map((s) => s.id)).toEqual([world.schoolA.id]);
    expect(ownOnly.scores.every((s) => s.schoolId === world.schoolA.id)).toBe(true);
    await expect(getRollup(database.db, lead(), schoolA.id)).rejects.toThrow(NotFound);
  });

  it("refuses an item from another rubric and any change to a closed cycle", async () => {
    const elsewhereCycle = await createDistrictCycle(database.db, actorOf(elsewhere.lead), { startYear: 2026, ...dates });
    const foreignItem = (await getRubricBoard(database.db, actorOf(elsewhere.lead), elsewhereCycle.id)).focusAreas[0].items[0];
    const [districtCycle] = await listCycles(database.db, lead());
    const input = { rubricItemId: foreignItem.id, checkpoint: "midyear" as const, level: 2, evidence: "", evidenceLinks: [], expectedVersion: null };
    await expect(scoreRubricItem(database.db, lead(), districtCycle.id, input)).rejects.toThrow(ValidationFailed);

    await database.db.update(cycles).set({ status: "closed", closedAt: new Date() }).where(eq(cycles.id, districtCycle.id));
    const ownItem = (await getRubricBoard(database.db, lead(), districtCycle.id)).focusAreas[3].items[0];
    await expect(scoreRubricItem(database.db, lead(), districtCycle.id, { ...input, rubricItemId: ownItem.id })).rejects.toThrow(
      "This cycle is closed and read-only.",
    );
    expect((await getCycle(database.db, lead(), districtCycle.id)).canEdit).toBe(false);
    const closed = await database.db.select().from(cycles).where(isNotNull(cycles.closedAt));
    expect(closed).toHaveLength(1);
  });
});
