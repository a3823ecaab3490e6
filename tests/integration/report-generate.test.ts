// Generating and freezing stakeholder reports from the demo district: every section carries the cycle's own numbers
// (worked out here straight from the tables, not through the report code), audiences and languages differ as they
// should, a school's report is about its school, another district's cycle is NotFound, and no frozen cell on any
// demo report shows a number for a group below the district's minimum n.
import type { JSONContent } from "@tiptap/core";
import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "#db/seed/demo.server";
import { benchmarks, cycles, districtProfiles, districts, goals, measures, observations, rubricItems, rubricScores, schools, strategies, studentGroups, users } from "#db/schema";
import { disparityView } from "~/modules/data/views.server";
import { loadBlockData } from "~/modules/reports/block-data.server";
import { renderDataBlockHTML } from "~/modules/reports/block-html";
import type { BlockData, DataBlockAttrs } from "~/modules/reports/report-blocks";
import { dataBlockNodes, freezeDataBlocks, freezeReportContent } from "~/modules/reports/report-freeze.server";
import { generateReportContent } from "~/modules/reports/report-generate.server";
import { reportMessages } from "~/modules/reports/report-messages";
import { liveBlock } from "~/modules/reports/block-data-request.server";
import { Forbidden, NotFound, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let districtId: string;
let districtCycleId: string;
let lead: ReturnType<typeof actorOf>;
let principal: ReturnType<typeof actorOf>;
let mapleId: string;
let mapleCycleId: string;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

const textOf = (node: JSONContent): string => (node.text ?? "") + (node.content ?? []).map(textOf).join(node.type === "doc" ? "\n" : " ");
const headings = (doc: JSONContent) => (doc.content ?? []).filter((n) => n.type === "heading" && n.attrs?.level === 2).map(textOf);
const kinds = (doc: JSONContent) => dataBlockNodes(doc).map((n) => (n.attrs as DataBlockAttrs).query.kind);
const one = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  const district = await seedDemo(database.db);
  districtId = district.id;
  const people = await database.db.select().from(users).where(eq(users.districtId, districtId));
  const [maple] = await database.db.select().from(schools).where(and(eq(schools.districtId, districtId), eq(schools.name, "Maple Elementary")));
  mapleId = maple.id;
  lead = actorOf(people.find((p) => p.email === "lead@riverbend.example")!);
  principal = actorOf(people.find((p) => p.email === "principal@maple.riverbend.example")!, [mapleId]);
  const [cycle] = await database.db.select().from(cycles).where(and(eq(cycles.districtId, districtId), isNull(cycles.schoolId), eq(cycles.startYear, 2026)));
  districtCycleId = cycle.id;
  const [mapleCycle] = await database.db.select().from(cycles).where(and(eq(cycles.schoolId, mapleId), eq(cycles.startYear, 2026)));
  mapleCycleId = mapleCycle.id;
  elsewhere = await makeDistrictWithPeople(database.db);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

describe("generating the demo district's 2026–27 report", () => {
  it("fills all seven sections with the cycle's own numbers (board, English)", async () => {
    const db = database.db;
    const doc = await generateReportContent(db, lead, districtCycleId, { audience: "board", language: "en" });
    expect(headings(doc)).toEqual(reportMessages("en").sections);
    const text = textOf(doc);

    // 1. The district profile: its statement, history and milestones with their school years.
    const [profile] = await db.select().from(districtProfiles).where(eq(districtProfiles.districtId, districtId));
    expect(text).toContain(profile.selStatement);
    expect(text).toContain(profile.history);
    for (const ms of profile.milestones) expect(text).toContain(`${ms.startYear}–${String((ms.startYear + 1) % 100).padStart(2, "0")}: ${ms.text}`);

    // 2. Progress: two years of cycles; the rubric mean across schools at the latest checkpoint of each year.
    expect(text).toContain("2026–27 is Riverbend Unified School District's second year of the SEL cycle, after 2025–26.");
    const yearMean = async (startYear: number, checkpoint: "baseline" | "endyear") => {
      const [row] = await db
        .select({ mean: sql<number>`avg(${rubricScores.level})::float8` })
        .from(rubricScores)
        .innerJoin(cycles, eq(cycles.id, rubricScores.cycleId))
        .where(and(eq(cycles.districtId, districtId), isNotNull(cycles.schoolId), eq(cycles.startYear, startYear), eq(rubricScores.checkpoint, checkpoint)));
      return Number(row.mean);
    };
    expect(text).toContain(`was ${one(await yearMean(2026, "baseline"))} of 4 at baseline 2026–27, against ${one(await yearMean(2025, "endyear"))} at end of year 2025–26.`);

    // 3. Goals: the district cycle's own goals and how many there are of each kind.
    const own = await db.select().from(goals).where(eq(goals.cycleId, districtCycleId));
    const implementation = own.filter((g) => g.kind === "implementation").length;
    expect(own.length).toBeGreaterThan(0);
    expect(text).toContain(`We set ${own.length} goals this year: ${implementation} about putting SEL in place (implementation) and ${own.length - implementation} about students' results`);

    // 4. Data: measures and schools with results in 2026–27.
    const [collected] = await db
      .select({ measures: sql<number>`count(distinct ${observations.measureId})::int`, schools: sql<number>`count(distinct ${observations.schoolId})::int` })
      .from(observations)
      .where(and(eq(observations.districtId, districtId), eq(observations.startYear, 2026), isNull(observations.replacedByImportId)));
    const schoolCycles = await db.select().from(cycles).where(eq(cycles.districtCycleId, districtCycleId));
    expect(text).toContain(`In 2026–27 we collected ${collected.measures} measures from`);
    expect(text).toContain(`from ${collected.schools} of ${schoolCycles.length} schools.`);

    // 5. Rubric: how many schools scored at baseline, of how many, and their mean.
    const [scored] = await db
      .select({ n: sql<number>`count(distinct ${rubricScores.cycleId})::int` })
      .from(rubricScores)
      .where(and(inArray(rubricScores.cycleId, schoolCycles.map((c) => c.id)), eq(rubricScores.checkpoint, "baseline")));
    expect(text).toContain(`${scored.n} of ${schoolCycles.length} schools scored the implementation rubric at baseline 2026–27, with an average level of ${one(await yearMean(2026, "baseline"))} of 4.`);

    // 5. Outcomes: the district's all-students figure of each measure as the data pages show it (suppressed there
    // too), against the benchmark table.
    const view = await disparityView(db, lead, { startYear: 2026, term: null, schoolId: null, measureId: null });
    const benchRows = await db.select().from(benchmarks).where(and(eq(benchmarks.districtId, districtId), eq(benchmarks.kind, "benchmark"), eq(benchmarks.gradeBand, "all")));
    let shown = 0;
    let withBenchmark = 0;
    let atBenchmark = 0;
    for (const r of view.rows) {
      if (!r.all?.shown) continue;
      shown++;
      const bench = benchRows.find((b) => b.measureId === r.measure.id);
      if (!bench || r.all.value === null) continue;
      withBenchmark++;
      if (r.measure.direction === "higher_is_better" ? r.all.value >= bench.value : r.all.value <= bench.value) atBenchmark++;
    }
    expect(shown).toBeGreaterThan(0);
    expect(text).toContain(`Of ${view.rows.length} student results this year, ${shown} can be shown; ${atBenchmark} of the ${withBenchmark} with a benchmark are at or better than it.`);

    // 6. Reflection: the fall inquiry, its two team members and the groups that took part.
    expect(text).toContain("We held 1 reflection meeting on the data, with 2 team members and students, families and staff.");
    expect(text).toContain("Eight students from grades 6 to 12 and five parents from the family SEL teams.");

    // 7. Findings of the year, and no decisions yet.
    expect(text).toContain("Families of English learners are not yet on any school's family SEL team.");
    expect(text).toContain("Decisions on each goal are taken at the end-of-year reflection of 2026–27.");

    // Every block kind, bound to this cycle.
    expect(kinds(doc)).toEqual(["rubric-movement", "goals", "data-collected", "rubric-rollup", "outcomes", "outcome-groups", "participation", "decisions"]);
    for (const node of dataBlockNodes(doc)) expect((node.attrs as DataBlockAttrs).query.cycleId).toBe(districtCycleId);
  });

  it("writes for families in plain words with fewer blocks, and for staff with the strategies", async () => {
    const db = database.db;
    const board = await generateReportContent(db, lead, districtCycleId, { audience: "board", language: "en" });
    const families = await generateReportContent(db, lead, districtCycleId, { audience: "families", language: "en" });
    const staff = await generateReportContent(db, lead, districtCycleId, { audience: "staff", language: "en" });
    expect(kinds(families)).toEqual(["goals", "outcomes"]);
    expect(headings(families)).toEqual(reportMessages("en").familySections);
    expect(kinds(families).length).toBeLessThan(kinds(board).length);
    // Our own words (after the profile the lead wrote) carry no jargon.
    const familyText = textOf(families);
    const generated = familyText.slice(familyText.indexOf(reportMessages("en").familySections[1]));
    expect(generated.length).toBeGreaterThan(200);
    expect(generated).not.toMatch(/rubric|benchmark|implementation|checkpoint/i);
    expect(textOf(families).length).toBeLessThan(textOf(board).length);
    expect(kinds(staff)).not.toContain("outcome-groups");
    const strategyRows = await db
      .select({ title: strategies.title })
      .from(strategies)
      .where(inArray(strategies.cycleId, [districtCycleId]));
    expect(strategyRows.length).toBeGreaterThan(0);
    for (const s of strategyRows) expect(textOf(staff)).toContain(s.title);
    expect(textOf(board)).not.toContain(strategyRows[0].title);
    expect(textOf(staff)).toMatch(/Adult SEL and professional learning \(focus area 2\) stood at an average level of \d\.\d of 4\./);
  });

  it("writes headings, sentences and block labels in Spanish, and other languages in English", async () => {
    const doc = await generateReportContent(database.db, lead, districtCycleId, { audience: "board", language: "es" });
    expect(headings(doc)).toEqual(reportMessages("es").sections);
    expect(textOf(doc)).toContain("es el año 2 del ciclo socioemocional de Riverbend Unified School District");
    expect(textOf(doc)).toContain("Celebramos 1 reunión de reflexión sobre los datos, con 2 miembros del equipo y estudiantes, familias y personal.");
    const block = await loadBlockData(database.db, districtId, { kind: "goals", cycleId: districtCycleId, options: {} }, { language: "es" });
    expect(block.columns.map((c) => c.label)).toEqual(["Meta", "Tipo", "Objetivo", "Situación"]);
    const french = await generateReportContent(database.db, lead, districtCycleId, { audience: "board", language: "fr" });
    expect(headings(french)).toEqual(reportMessages("en").sections);
  });

  it("writes a school's report about its school: its rubric, its own and mirrored goals, its blocks", async () => {
    const db = database.db;
    const doc = await generateReportContent(db, principal, mapleCycleId, { audience: "board", language: "en" });
    const text = textOf(doc);
    expect(text).toContain("Maple Elementary is one of the schools of Riverbend Unified School District");
    const [cycle] = await db.select().from(cycles).where(eq(cycles.id, mapleCycleId));
    const [items] = await db.select({ n: sql<number>`count(*)::int` }).from(rubricItems).where(eq(rubricItems.rubricVersionId, cycle.rubricVersionId));
    const [scored] = await db
      .select({ n: sql<number>`count(*)::int`, mean: sql<number>`avg(${rubricScores.level})::float8` })
      .from(rubricScores)
      .where(and(eq(rubricScores.cycleId, mapleCycleId), eq(rubricScores.checkpoint, "baseline")));
    expect(text).toContain(`${scored.n} of ${items.n} rubric activities were scored at baseline 2026–27, with an average level of ${one(Number(scored.mean))} of 4.`);
    for (const node of dataBlockNodes(doc)) expect((node.attrs as DataBlockAttrs).query.cycleId).toBe(mapleCycleId);
    const goalsBlock = await loadBlockData(db, districtId, { kind: "goals", cycleId: mapleCycleId, options: {} });
    const own = await db.select().from(goals).where(eq(goals.cycleId, mapleCycleId));
    const mirrored = await db.select().from(goals).where(and(eq(goals.cycleId, districtCycleId), eq(goals.mirrorScope, "all_schools")));
    expect(goalsBlock.rows.map((r) => r.header).sort()).toEqual([...own, ...mirrored].map((g) => g.title).sort());
    expect(goalsBlock.rows.filter((r) => r.cells[0].includes("District goal"))).toHaveLength(mirrored.length);
    // The school's outcome figure is its own, not the district's.
    const outcomes = await loadBlockData(db, districtId, { kind: "outcomes", cycleId: mapleCycleId, options: {} });
    expect(outcomes.title).toContain("Maple Elementary");
  });

  it("refuses another district's cycle as NotFound and a school the actor does not serve as Forbidden", async () => {
    const other = actorOf(elsewhere.lead);
    await expect(generateReportContent(database.db, other, districtCycleId, { audience: "board", language: "en" })).rejects.toBeInstanceOf(NotFound);
    const [cedar] = await database.db
      .select({ id: cycles.id })
      .from(cycles)
      .innerJoin(schools, eq(schools.id, cycles.schoolId))
      .where(and(eq(schools.name, "Cedar Creek Elementary"), eq(cycles.startYear, 2026), eq(cycles.districtId, districtId)));
    await expect(generateReportContent(database.db, principal, cedar.id, { audience: "board", language: "en" })).rejects.toBeInstanceOf(Forbidden);
    await expect(loadBlockData(database.db, elsewhere.district.id, { kind: "goals", cycleId: districtCycleId, options: {} })).rejects.toBeInstanceOf(NotFound);
  });
});

describe("live block data for the editor", () => {
  it("validates the query, scopes it to the reader and returns the escaped figure", async () => {
    const query = JSON.stringify({ kind: "outcomes", cycleId: districtCycleId, options: {} });
    const block = await liveBlock(database.db, lead, query, "es");
    expect(block.data.columns.map((c) => c.label)).toContain("Referencia");
    expect(block.html).toMatch(/^<figure class="ck-block"/);
    await expect(liveBlock(database.db, lead, "{not json", null)).rejects.toBeInstanceOf(ValidationFailed);
    await expect(liveBlock(database.db, lead, JSON.stringify({ kind: "everything", cycleId: districtCycleId }), null)).rejects.toThrow(/query/);
    await expect(liveBlock(database.db, actorOf(elsewhere.lead), query, null)).rejects.toBeInstanceOf(NotFound);
    const [cedar] = await database.db
      .select({ id: cycles.id })
      .from(cycles)
      .innerJoin(schools, eq(schools.id, cycles.schoolId))
      .where(and(eq(schools.name, "Cedar Creek Elementary"), eq(cycles.startYear, 2026), eq(cycles.districtId, districtId)));
    await expect(liveBlock(database.db, principal, JSON.stringify({ kind: "outcomes", cycleId: cedar.id }), null)).rejects.toBeInstanceOf(Forbidden);
    expect((await liveBlock(database.db, principal, JSON.stringify({ kind: "outcomes", cycleId: mapleCycleId }), null)).data.title).toContain("Maple Elementary");
  });
});

describe("freezing the demo reports", () => {
  it("fills every block, and no frozen cell of any demo report shows a number for a group below the minimum n", async () => {
    const db = database.db;
    const [district] = await db.select().from(districts).where(eq(districts.id, districtId));
    const minN = district.minCellSize;
    const schoolCycles = await db
      .select({ id: cycles.id, schoolId: cycles.schoolId })
      .from(cycles)
      .where(and(eq(cycles.districtCycleId, districtCycleId)));
    const groupRows = await db.select().from(studentGroups).where(isNull(studentGroups.districtId));
    const groupName = new Map(groupRows.map((g) => [g.id, g.name]));
    // Small groups per place, from the raw rows: (place, group name) pairs with fewer than minN students in some measure.
    const raw = await db
      .select({ schoolId: observations.schoolId, groupId: observations.studentGroupId, measureId: observations.measureId, n: observations.n, value: observations.value })
      .from(observations)
      .where(and(eq(observations.districtId, districtId), eq(observations.startYear, 2026), eq(observations.grade, "all"), isNull(observations.replacedByImportId)));
    expect(raw.some((r) => r.n < minN)).toBe(true);
    const fewer = reportMessages("en").fewerThan(minN);
    const notShown = reportMessages("en").notShown;

    const owners = [{ id: districtCycleId, schoolId: null as string | null }, ...schoolCycles];
    let blocksChecked = 0;
    let hiddenChecked = 0;
    for (const owner of owners) {
      const draft = await generateReportContent(db, lead, owner.id, { audience: "board", language: "en" });
      const frozen = await freezeDataBlocks(db, districtId, draft);
      const nodes = dataBlockNodes(frozen);
      expect(nodes.length).toBe(8);
      for (const node of nodes) {
        const attrs = node.attrs as DataBlockAttrs;
        expect(attrs.frozen).not.toBeNull();
        const data = attrs.frozen as BlockData;
        expect(Date.parse(data.asOf)).not.toBeNaN();
        blocksChecked++;
        if (attrs.query.kind !== "outcome-groups") continue;
        // The block's measure is the first with data for a goal, else a survey measure: find it by its title.
        const measure = (await db.select().from(measures).where(isNull(measures.districtId))).find((x) => data.title.startsWith(`${x.name} by student group`))!;
        expect(measure).toBeDefined();
        for (const row of data.rows) {
          const groupId = [...groupName].find(([, name]) => name === row.header)?.[0];
          if (!groupId) continue;
          const cells = raw.filter((r) => r.measureId === measure.id && r.groupId === groupId && (owner.schoolId ? r.schoolId === owner.schoolId : true));
          const n = cells.reduce((s, r) => s + r.n, 0);
          if (n < minN) {
            hiddenChecked++;
            expect([fewer, notShown]).toContain(row.cells[0]);
            expect(row.cells.join(" ")).not.toMatch(/\d+[.,]\d/);
            const bar = data.chart?.bars.find((b) => b.label === row.header);
            if (bar) expect(bar.value).toBeNull();
          }
          if (row.cells[0] === fewer || row.cells[0] === notShown) expect(row.cells[1]).toBe("—");
        }
        // And the rendered figure carries the same text, never a hidden value.
        const html = renderDataBlockHTML(attrs);
        for (const row of data.rows) if (row.cells[0] === fewer) expect(html).toContain(fewer);
      }
    }
    expect(blocksChecked).toBe(owners.length * 8);
    expect(hiddenChecked).toBeGreaterThan(0);
  });

  it("freezes a report's blocks in the report's language, as its draft shows them", async () => {
    const doc: JSONContent = { type: "doc", content: [{ type: "dataBlock", attrs: { query: { kind: "goals", cycleId: districtCycleId, options: {} }, note: "", frozen: null } }] };
    const frozenIn = async (language: string) =>
      (dataBlockNodes(await freezeReportContent(database.db, { districtId, cycleId: districtCycleId, language }, doc))[0].attrs as DataBlockAttrs).frozen!;
    const spanish = await frozenIn("es");
    expect(spanish.columns.map((c) => c.label)).toEqual(["Meta", "Tipo", "Objetivo", "Situación"]);
    expect(spanish.title).toBe((await loadBlockData(database.db, districtId, { kind: "goals", cycleId: districtCycleId, options: {} }, { language: "es" })).title);
    expect((await frozenIn("en")).columns.map((c) => c.label)).toEqual(["Goal", "Kind", "Target", "Status"]);
  });

  it("refuses a block whose cycle is in another district", async () => {
    const doc: JSONContent = { type: "doc", content: [{ type: "dataBlock", attrs: { query: { kind: "goals", cycleId: districtCycleId, options: {} }, note: "", frozen: null } }] };
    await expect(freezeDataBlocks(database.db, elsewhere.district.id, doc)).rejects.toThrow(/data block 1's cycle in this district not found/);
    const frozen = await freezeDataBlocks(database.db, districtId, doc);
    expect((dataBlockNodes(frozen)[0].attrs as DataBlockAttrs).frozen?.rows.length).toBeGreaterThan(0);
  });
});
