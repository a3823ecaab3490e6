// The data views and benchmarks against a real database: district figures from schools, suppression on every result,
// replaced rows ignored, each role's reach, and benchmark edits that are checked, versioned and audited.
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, benchmarks, dataImports, measures, observations, studentGroups } from "#db/schema";
import { addBenchmark, listBenchmarks, updateBenchmark } from "~/modules/data/benchmarks.server";
import { competencyView, disparityView, outcomeGoalValuesInDistrict, trendView } from "~/modules/data/views.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let measureId: string;
let group: Record<string, string>;

const lead = () => actorOf(world.lead);
const board = () => actorOf(world.board);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);
const filters = (schoolId: string | null = null) => ({ startYear: 2026, term: "fall" as const, schoolId });

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  const [measure] = await database.db.select().from(measures).where(and(isNull(measures.districtId), eq(measures.slug, "sel-self-management-favourable")));
  measureId = measure.id;
  const groups = await database.db.select().from(studentGroups).where(isNull(studentGroups.districtId));
  group = Object.fromEntries(groups.map((g) => [g.slug, g.id]));
  const [older] = await database.db.insert(dataImports).values({ districtId: world.district.id, fileName: "old.csv", rowCount: 1 }).returning();
  const [current] = await database.db.insert(dataImports).values({ districtId: world.district.id, fileName: "new.csv", rowCount: 10 }).returning();
  const row = (schoolId: string, grade: string, slug: string, n: number, value: number, importId = current.id) => ({
    districtId: world.district.id,
    importId,
    schoolId,
    startYear: 2026,
    term: "fall" as const,
    grade,
    studentGroupId: group[slug],
    measureId,
    n,
    value,
  });
  const A = world.schoolA.id;
  const B = world.schoolB.id;
  await database.db.insert(observations).values([
    // A replaced row that must never count.
    { ...row(A, "all", "all", 999, 10, older.id), replacedByImportId: current.id },
    row(A, "all", "all", 60, 70),
    row(A, "all", "female", 30, 72),
    row(A, "all", "male", 27, 70),
    row(A, "all", "nonbinary", 3, 50),
    row(A, "3", "all", 32, 71),
    row(A, "4", "all", 28, 68.86),
    row(B, "all", "all", 40, 60),
    row(B, "all", "female", 20, 61),
    row(B, "all", "male", 20, 59),
  ]);
  // Another district's result for the same measure, which must never appear here.
  const [theirs] = await database.db.insert(dataImports).values({ districtId: elsewhere.district.id, fileName: "theirs.csv", rowCount: 1 }).returning();
  await database.db.insert(observations).values({ ...row(elsewhere.schoolA.id, "all", "all", 500, 1), districtId: elsewhere.district.id, importId: theirs.id });
  await database.db.insert(benchmarks).values({ districtId: world.district.id, measureId, kind: "benchmark", gradeBand: "all", value: 65, source: "Provider 2025" });
}, 60_000);

afterAll(async () => {
  await database?.close();
});

describe("competencies against benchmark", () => {
  it("adds the schools up into the district, n-weighted, and compares each with the benchmark", async () => {
    const view = await competencyView(database.db, lead(), filters());
    const row = view.rows.find((r) => r.measure.id === measureId)!;
    const byName = new Map(row.places.map((p) => [p.place.name, p]));
    const district = byName.get(world.district.name)!;
    expect(district.cell).toMatchObject({ shown: true, n: 100, value: 66 });
    expect(district.vsBenchmark).toBe(1);
    expect(byName.get(world.schoolA.name)).toMatchObject({ cell: { shown: true, n: 60, value: 70 }, vsBenchmark: 5, meetsBenchmark: true });
    expect(byName.get(world.schoolB.name)).toMatchObject({ cell: { n: 40, value: 60 }, vsBenchmark: -5, meetsBenchmark: false });
    expect(row.benchmark).toEqual({ value: 65, source: "Provider 2025" });
  });

  it("shows a school team its school beside the district, and refuses another school or another district's", async () => {
    const view = await competencyView(database.db, principal(), filters(world.schoolA.id));
    const row = view.rows.find((r) => r.measure.id === measureId)!;
    expect(row.places.map((p) => p.place.name)).toEqual([world.district.name, world.schoolA.name]);
    const districtView = await competencyView(database.db, principal(), filters());
    expect(districtView.setup.schools.map((s) => s.id)).toEqual([world.schoolA.id]);
    expect(districtView.rows[0].places.map((p) => p.place.name)).not.toContain(world.schoolB.name);
    await expect(competencyView(database.db, principal(), filters(world.schoolB.id))).rejects.toBeInstanceOf(Forbidden);
    await expect(competencyView(database.db, lead(), filters(elsewhere.schoolA.id))).rejects.toBeInstanceOf(NotFound);
  });
});

describe("grades and groups", () => {
  it("hides the small group and the next smallest, and computes gaps only from what is shown", async () => {
    const view = await disparityView(database.db, principal(), { ...filters(world.schoolA.id), measureId });
    const [m] = view.rows;
    const byLabel = new Map(m.groups.map((g) => [g.label, g]));
    expect(byLabel.get("Non-binary")!.cell).toMatchObject({ shown: false, reason: "small", n: null, value: null, display: "fewer than 10 students" });
    expect(byLabel.get("Male")!.cell).toMatchObject({ shown: false, reason: "complementary", n: null, value: null });
    expect(byLabel.get("Male")!.gapToAll).toBeNull();
    expect(byLabel.get("Female")).toMatchObject({ cell: { shown: true, value: 72 }, gapToAll: 2, gapToBest: 0 });
    expect(m.grades.map((g) => [g.label, g.gapToAll])).toEqual([
      ["Grade 4", -1.14],
      ["Grade 3", 1],
    ]);
  });

  it("hides a school's male students at the district level too, where the schools would give them away", async () => {
    const view = await disparityView(database.db, lead(), { ...filters(), measureId });
    const byLabel = new Map(view.rows[0].groups.map((g) => [g.label, g.cell]));
    // District non-binary n = 3: hidden. The district's male and female are then left two unknowns with school A's.
    expect(byLabel.get("Non-binary")).toMatchObject({ shown: false, reason: "small" });
    const hidden = [...byLabel.values()].filter((c) => !c.shown).length;
    expect(hidden).toBeGreaterThanOrEqual(2);
  });
});

describe("trend and outcome goals", () => {
  it("reads a measure over time at one place", async () => {
    const view = await trendView(database.db, board(), { schoolId: world.schoolB.id, measureId });
    expect(view.series).toHaveLength(1);
    expect(view.series[0].points.map((p) => [p.startYear, p.term, p.cell.shown ? p.cell.value : null])).toEqual([[2026, "fall", 60]]);
  });

  it("gives outcome goals suppressed values only", async () => {
    const school = await outcomeGoalValuesInDistrict(database.db, world.district.id, { measureId, startYear: 2026, schoolId: world.schoolA.id });
    expect(school.values).toEqual([{ term: "fall", value: 70, n: 60, display: "70.0 %" }]);
    await database.db.update(observations).set({ n: 4 }).where(and(eq(observations.schoolId, world.schoolB.id), eq(observations.grade, "all"), eq(observations.studentGroupId, group.all)));
    const hidden = await outcomeGoalValuesInDistrict(database.db, world.district.id, { measureId, startYear: 2026, schoolId: world.schoolB.id });
    expect(hidden.values).toEqual([{ term: "fall", value: Number.NaN, n: 0, display: "fewer than 10 students" }]);
    await database.db.update(observations).set({ n: 40 }).where(and(eq(observations.schoolId, world.schoolB.id), eq(observations.grade, "all"), eq(observations.studentGroupId, group.all)));
  });
});

describe("benchmarks", () => {
  it("lets data managers add and change them, checked against the scale and each other, and audits both", async () => {
    const added = await addBenchmark(database.db, actorOf(world.team), { measureId, kind: "target", gradeBand: "3-5", value: 72, source: "Plan" });
    await expect(addBenchmark(database.db, lead(), { measureId, kind: "target", gradeBand: "3-5", value: 73, source: "" })).rejects.toBeInstanceOf(Conflict);
    await expect(addBenchmark(database.db, lead(), { measureId, kind: "target", gradeBand: "6-8", value: 101, source: "" })).rejects.toBeInstanceOf(ValidationFailed);
    const changed = await updateBenchmark(database.db, lead(), { benchmarkId: added.id, value: 74, source: "Plan, revised", expectedVersion: 1 });
    expect(changed.version).toBe(2);
    await expect(updateBenchmark(database.db, actorOf(world.team), { benchmarkId: added.id, value: 70, source: "", expectedVersion: 1 })).rejects.toBeInstanceOf(StaleEdit);
    const audit = await database.db.select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.entityId, added.id)));
    expect(audit.map((a) => a.action).sort()).toEqual(["benchmark.create", "benchmark.update"]);
  });

  it("lets everyone else read them, and no one touch another district's", async () => {
    await expect(addBenchmark(database.db, board(), { measureId, kind: "target", gradeBand: "K-2", value: 70, source: "" })).rejects.toBeInstanceOf(Forbidden);
    await expect(addBenchmark(database.db, principal(), { measureId, kind: "target", gradeBand: "K-2", value: 70, source: "" })).rejects.toBeInstanceOf(Forbidden);
    const read = await listBenchmarks(database.db, board());
    expect(read.canManage).toBe(false);
    const mine = read.measures.find((m) => m.id === measureId)!;
    expect(mine.rows.map((r) => [r.kind, r.gradeBand, r.value])).toEqual([
      ["benchmark", "all", 65],
      ["target", "3-5", 74],
    ]);
    await expect(updateBenchmark(database.db, actorOf(elsewhere.lead), { benchmarkId: mine.rows[0].id, value: 1, source: "", expectedVersion: 1 })).rejects.toBeInstanceOf(NotFound);
  });
});
