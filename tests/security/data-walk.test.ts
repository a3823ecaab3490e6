// Walks every data view and export of the demo district as every role and reads what came back the way an onlooker
// would: no shown cell about fewer than minN students, no hidden value left alone in a partition (so none can be
// recovered by subtraction), no hidden number in the page's data, and each role seeing only its own places.
import { and, eq, isNull } from "drizzle-orm";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { districts, measures, observations, schools, studentGroups } from "#db/schema";
import { studentGroupCatalog } from "#db/seed/catalog";
import { DEMO_PASSWORD, seedDemo } from "#db/seed/demo.server";
import { makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { signedIn } from "./helpers";

let database: TestDatabase;
let server: TestServer;
let minN: number;
let schoolRows: { id: string; name: string }[];
let otherSchool: string;
/** n of every cell the data views can show, read straight from the observations (see cellCounts). */
let counts: Map<string, number>;
const clients: Record<string, TestClient> = {};

const roles = {
  lead: "lead@riverbend.example",
  team: "team@riverbend.example",
  principal: "principal@maple.riverbend.example",
  coach: "coach@riverbend.example",
  board: "board@riverbend.example",
} as const;
type RoleName = keyof typeof roles;

const readable = (role: RoleName) =>
  role === "principal" ? ["Maple Elementary"] : role === "coach" ? ["Cedar Creek Elementary", "Willow Park Elementary"] : schoolRows.map((s) => s.name);

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  await seedDemo(database.db);
  const [district] = await database.db.select().from(districts).where(eq(districts.slug, "riverbend"));
  minN = district.minCellSize;
  schoolRows = await database.db.select({ id: schools.id, name: schools.name }).from(schools).where(eq(schools.districtId, district.id));
  counts = await cellCounts(district.id, district.name);
  const other = await makeDistrictWithPeople(database.db);
  otherSchool = other.schoolA.id;
  server = await startTestServer(database);
  for (const [role, email] of Object.entries(roles)) clients[role] = await signedIn(server, email, DEMO_PASSWORD);
  clients.other = await signedIn(server, other.lead.email);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await database?.close();
});

/**
 * The true n of every cell, keyed as the files name it (measure, place, school year, term, grade, group), from the
 * observations and not from the data module: a school's row; the district's own row, else its schools' together.
 */
async function cellCounts(districtId: string, districtName: string) {
  const rows = await database.db
    .select({ measure: measures.name, school: schools.name, startYear: observations.startYear, term: observations.term, grade: observations.grade, group: studentGroups.name, n: observations.n })
    .from(observations)
    .innerJoin(measures, eq(measures.id, observations.measureId))
    .innerJoin(studentGroups, eq(studentGroups.id, observations.studentGroupId))
    .leftJoin(schools, eq(schools.id, observations.schoolId))
    .where(and(eq(observations.districtId, districtId), isNull(observations.replacedByImportId)));
  const own = new Map<string, number>();
  const summed = new Map<string, number>();
  for (const r of rows) {
    own.set(countKey(r.measure, r.school ?? districtName, r.startYear, r.term, r.grade, r.group), r.n);
    if (r.school) {
      const key = countKey(r.measure, districtName, r.startYear, r.term, r.grade, r.group);
      summed.set(key, (summed.get(key) ?? 0) + r.n);
    }
  }
  for (const [key, n] of summed) if (!own.has(key)) own.set(key, n);
  return own;
}

const countKey = (measure: string, place: string, startYear: number, term: string, grade: string, group: string) => JSON.stringify([measure, place, startYear, term, grade, group]);
const termOfLabel: Record<string, string> = { Fall: "fall", Winter: "winter", Spring: "spring", "Whole year": "year" };

/** The true n of a file's row (a group, a grade, or all students) in the given school year. */
function nOfRow(row: CsvRow, startYear: number) {
  const [, label] = /^(.*) \d{4}–\d{2}$/.exec(row.Term) ?? [];
  const term = termOfLabel[label];
  expect(term, `a term the walk knows: ${row.Term}`).toBeDefined();
  const what = row["Group or grade"] ?? "All students";
  const grade = what === "Kindergarten" ? "K" : /^Grade (\d+)$/.exec(what)?.[1] ?? "all";
  const group = grade === "all" ? what : "All students";
  return counts.get(countKey(row.Measure, row["School or district"], startYear, term, grade, group));
}

// ---------------------------------------------------------------------------------------------------------------
// Reading pages and files as an onlooker

const strip = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/[\u0001-\u001f]/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/&#x27;|&#39;/g, "'")
    .trim();

/** Every table in the page as header + rows of cell text. */
function tables(html: string) {
  return [...html.matchAll(/<table[\s\S]*?<\/table>/g)].map(([table]) => {
    const rows = [...table.matchAll(/<tr[\s\S]*?<\/tr>/g)].map(([tr]) => [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => strip(m[1])));
    return { header: rows[0] ?? [], rows: rows.slice(1) };
  });
}

/** A cell's text as a number, or null for anything else (a reason, a band, a dash). */
const number = (text: string) => (/^-?\d+(\.\d+)?( %)?$/.test(text.trim()) ? Number.parseFloat(text) : null);
const hiddenText = (text: string) => text === `fewer than ${minN} students` || text === "hidden so a small group cannot be worked out";

function checkPageTables(html: string, where: string) {
  let cells = 0;
  for (const t of tables(html)) {
    const nAt = t.header.indexOf("Students (n)");
    if (nAt < 0) continue;
    const valueAt = nAt + 1;
    for (const row of t.rows) {
      cells++;
      const n = number(row[nAt]);
      if (n !== null) expect(n, `${where}: ${row.join(" | ")}`).toBeGreaterThanOrEqual(minN);
      if (hiddenText(row[valueAt])) expect(row[nAt], `${where}: a hidden cell shows its n`).toBe("—");
      // Gaps next to a hidden value would give it away.
      if (hiddenText(row[valueAt])) for (const rest of row.slice(valueAt + 1)) expect(rest === "—" || rest === "" || !/\d/.test(rest), `${where}: ${row.join(" | ")}`).toBe(true);
    }
  }
  return cells;
}

/** The page's loader data must not carry a number for any hidden cell. */
function checkLoaderData(html: string, where: string) {
  expect(html, where).not.toMatch(/"shown":false,"n":\d/);
  expect(html, where).not.toMatch(/"shown":false,"n":null,"value":\d/);
}

interface CsvRow {
  [column: string]: string;
}

const parseCsv = (text: string) => Papa.parse<CsvRow>(text, { header: true, skipEmptyLines: true }).data;

const categoryOf = new Map(studentGroupCatalog.map((g) => [g.name, g.category]));

/**
 * A partition leaks when one subtraction gives something small away. Its remainder, r (the students the total counts
 * and no member does, negative when members overlap), decides what the partition is to an onlooker: with r = 0 an
 * exact equation, which leaks when its total and every member but one are known (the one left is
 * total·n − Σ value·n); with 0 < |r| < minN an equation with one more unknown, the remainder, a group too small to
 * show, which leaks when the total and every member are known; with |r| ≥ minN no equation about anything small (what
 * a subtraction leaves is at least minN students). With the total known, the hidden members and the remainder are
 * given away together, so together they must not be fewer than minN students either. Banded values ("< 5 %") count as known, which only makes the check
 * stricter. Returns what leaks, or null.
 */
function leaks(total: CsvRow | undefined, members: CsvRow[], startYear: number, tally: { small: number; large: number }) {
  if (!total || members.length === 0) return null;
  const totalN = nOfRow(total, startYear);
  if (totalN === undefined) return null;
  const r = members.reduce((rest, m) => {
    const n = nOfRow(m, startYear);
    expect(n, `${m.Measure} ${m["School or district"]} ${m["Group or grade"]} has observations`).toBeDefined();
    return rest - n!;
  }, totalN);
  if (Math.abs(r) >= minN) {
    tally.large++;
    return null;
  }
  if (r !== 0) tally.small++;
  const known = (row: CsvRow) => !hiddenText(row.Value) && row.Value !== "no results";
  const unknown = [total, ...members].filter((row) => !known(row));
  if (unknown.length + (r === 0 ? 0 : 1) === 1) {
    return unknown.length === 1 ? `${unknown[0]["Group or grade"] ?? unknown[0]["School or district"]} (remainder ${r})` : `the ${r} students in no member`;
  }
  // With the total known, subtracting the known members gives the hidden ones and the remainder together: a group
  // that must not be a small one either.
  if (known(total)) {
    const together = unknown.reduce((sum, row) => sum + nOfRow(row, startYear)!, 0) + r;
    if (together > 0 && together < minN) return `${unknown.map((row) => row["Group or grade"] ?? row["School or district"]).join(" + ")} (remainder ${r}): ${together} students together`;
  }
  return null;
}

function checkCsv(rows: CsvRow[], where: string) {
  for (const r of rows) {
    const n = r["Students (n)"] === "" ? null : Number(r["Students (n)"]);
    if (n !== null) expect(n, `${where}: ${JSON.stringify(r)}`).toBeGreaterThanOrEqual(minN);
    if (hiddenText(r.Value)) expect(r["Students (n)"], where).toBe("");
    for (const cell of Object.values(r)) expect(cell, "formula-safe").not.toMatch(/^[=+@]/);
  }
}

function checkGroupPartitions(rows: CsvRow[], startYear: number, where: string, tally: { small: number; large: number }) {
  const bySlice = new Map<string, CsvRow[]>();
  for (const r of rows) {
    const key = `${r.Measure}|${r["School or district"]}|${r.Term}`;
    bySlice.set(key, [...(bySlice.get(key) ?? []), r]);
  }
  let partitions = 0;
  for (const [key, slice] of bySlice) {
    const all = slice.find((r) => r["Group or grade"] === "All students");
    const categories = new Set([...categoryOf.values()].filter((c) => c !== "all"));
    for (const category of categories) {
      const members = slice.filter((r) => categoryOf.get(r["Group or grade"]) === category);
      partitions++;
      expect(leaks(all, members, startYear, tally), `${where} ${key} ${category}`).toBeNull();
    }
    const grades = slice.filter((r) => /^(Grade \d+|Kindergarten)$/.test(r["Group or grade"]));
    partitions++;
    expect(leaks(all, grades, startYear, tally), `${where} ${key} grades`).toBeNull();
  }
  return partitions;
}

function checkSchoolPartition(rows: CsvRow[], districtName: string, schoolCount: number, startYear: number, where: string, tally: { small: number; large: number }) {
  const byMeasure = new Map<string, CsvRow[]>();
  for (const r of rows) byMeasure.set(r.Measure, [...(byMeasure.get(r.Measure) ?? []), r]);
  for (const [measure, list] of byMeasure) {
    const total = list.find((r) => r["School or district"] === districtName);
    const members = list.filter((r) => r !== total);
    // Only a view of every school holds the whole partition.
    if (members.length === schoolCount) expect(leaks(total, members, startYear, tally), `${where} ${measure}`).toBeNull();
  }
}

async function get(role: string, path: string) {
  const res = await clients[role].get(path);
  // React 18.3 once streamed NUL bytes where a minus sign met a 2 KiB boundary (app/entry.server.tsx); never again.
  expect(res.text.includes("\u0000"), `${path} holds a NUL byte`).toBe(false);
  return res;
}

describe("walking every data view and export of the demo district", () => {
  it.each(Object.keys(roles) as RoleName[])("as %s: no small cell, no recoverable value, only readable places", async (role) => {
    const [district] = await database.db.select().from(districts).where(eq(districts.slug, "riverbend"));
    const names = readable(role);
    const places = ["", ...schoolRows.filter((s) => names.includes(s.name)).map((s) => s.id)];
    const hidden = schoolRows.filter((s) => !names.includes(s.name)).map((s) => s.name);
    let cells = 0;
    let partitions = 0;
    let hiddenSeen = 0;
    const remainders = { small: 0, large: 0 };
    for (const school of places) {
      for (const year of [2025, 2026]) {
        for (const term of year === 2025 ? ["fall", "spring"] : ["fall"]) {
          const query = `?year=${year}&term=${term}&school=${school}`;
          for (const view of ["competencies", "groups"]) {
            const page = await get(role, `/data/${view}${query}`);
            expect(page.status, `${role} ${view}${query}`).toBe(200);
            cells += checkPageTables(page.text, `${role} ${view}${query}`);
            checkLoaderData(page.text, `${role} ${view}${query}`);
            hiddenSeen += (page.text.match(/fewer than \d+ students<\/span>/g) ?? []).length;
            for (const name of hidden) expect(page.text, `${role} sees ${name}`).not.toContain(name);
            const file = await get(role, `/data/export/${view}${query}`);
            expect(file.status).toBe(200);
            expect(file.headers.get("content-type")).toContain("text/csv");
            const rows = parseCsv(file.text);
            checkCsv(rows, `${role} ${view}.csv${query}`);
            for (const name of hidden) expect(file.text).not.toContain(name);
            if (view === "groups") partitions += checkGroupPartitions(rows, year, `${role} groups.csv${query}`, remainders);
            else checkSchoolPartition(rows, district.name, schoolRows.length, year, `${role} competencies.csv${query}`, remainders);
          }
        }
      }
      const trend = await get(role, `/data/trend?school=${school}`);
      expect(trend.status).toBe(200);
      cells += checkPageTables(trend.text, `${role} trend ${school}`);
      checkLoaderData(trend.text, `${role} trend ${school}`);
      const trendCsv = await get(role, `/data/export/trend?school=${school}`);
      checkCsv(parseCsv(trendCsv.text), `${role} trend.csv ${school}`);
    }
    expect(cells).toBeGreaterThan(100);
    expect(partitions).toBeGreaterThan(20);
    // The demo has small groups on purpose: the walk must have met some, or it proved nothing.
    expect(hiddenSeen).toBeGreaterThan(0);
    // And partitions that do not add up, both ways: else the remainder rule was never put to the test.
    expect(remainders.small, "partitions a few students short or over").toBeGreaterThan(0);
    expect(remainders.large, "partitions many students short or over").toBeGreaterThan(0);
    // Dozens of pages and files per role: minutes on a busy machine, which is not what this test is about.
  }, 180_000);

  it("shows the district's and every school's chronic absenteeism for all students in fall 2026–27", async () => {
    // Hundreds of students each. Their groups do not add up (students with no group recorded, a district grade whose
    // groups come from the one school that reports grades), which once hid every one of these figures.
    const measure = "Chronic absenteeism rate (%)";
    const [district] = await database.db.select().from(districts).where(eq(districts.slug, "riverbend"));
    const places = [{ id: "", name: district.name }, ...schoolRows];
    for (const place of places) {
      const rows = parseCsv((await get("lead", `/data/export/groups?year=2026&term=fall&school=${place.id}`)).text);
      const all = rows.find((r) => r.Measure === measure && r["Group or grade"] === "All students");
      expect(all, `${place.name}: a row for all students`).toBeDefined();
      expect(hiddenText(all!.Value), `${place.name}: ${all!.Value}`).toBe(false);
      expect(Number(all!["Students (n)"]), place.name).toBe(nOfRow(all!, 2026));
      expect(Number(all!["Students (n)"]), place.name).toBeGreaterThanOrEqual(50);
    }
  });

  it("sends a school team member to the 403 page for another school's data, and another district to 404", async () => {
    const cedar = schoolRows.find((s) => s.name === "Cedar Creek Elementary")!;
    expect((await get("principal", `/data/competencies?school=${cedar.id}`)).status).toBe(403);
    expect((await get("principal", `/data/export/groups?school=${cedar.id}`)).status).toBe(403);
    expect((await get("lead", `/data/groups?school=${otherSchool}`)).status).toBe(404);
    const maple = schoolRows.find((s) => s.name === "Maple Elementary")!;
    const res = await get("other", `/data/groups?school=${maple.id}`);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain("Maple Elementary");
  });

  it("shows managing links and benchmark forms only to those who manage data", async () => {
    for (const role of ["lead", "team"]) {
      expect((await get(role, "/data")).text).toContain("Import results from a CSV file");
      expect((await get(role, "/data/benchmarks")).text).toContain("Add a benchmark or target");
    }
    for (const role of ["principal", "coach", "board"]) {
      const hub = await get(role, "/data");
      expect(hub.text).not.toContain("Import results from a CSV file");
      const page = await get(role, "/data/benchmarks");
      expect(page.status).toBe(200);
      expect(page.text).toContain("Survey provider&#x27;s national benchmark");
      expect(page.text).not.toContain("Add a benchmark or target");
    }
  });

  it("hides small groups at a small school, and the group that would give them away where one would", async () => {
    // Non-binary students are about 1.6 % of each school: always fewer than the minimum at one school.
    const maple = schoolRows.find((s) => s.name === "Maple Elementary")!;
    const rows = parseCsv((await get("lead", `/data/export/groups?year=2025&term=spring&school=${maple.id}`)).text);
    const nonbinary = rows.filter((r) => r["Group or grade"] === "Non-binary");
    expect(nonbinary.length).toBeGreaterThan(0);
    for (const r of nonbinary) expect(r.Value).toBe(`fewer than ${minN} students`);
    const met = { exact: 0, apart: 0 };
    for (const measure of new Set(nonbinary.map((r) => r.Measure))) {
      const all = rows.find((r) => r.Measure === measure && r["Group or grade"] === "All students")!;
      const gender = rows.filter((r) => r.Measure === measure && ["Female", "Male", "Non-binary"].includes(r["Group or grade"]));
      const others = gender.filter((r) => r["Group or grade"] !== "Non-binary");
      const remainder = gender.reduce((rest, r) => rest - nOfRow(r, 2025)!, nOfRow(all, 2025)!);
      const complementary = others.filter((r) => r.Value === "hidden so a small group cannot be worked out");
      if (remainder === 0) {
        // The next smallest gender group goes with it, or non-binary would be all students minus the other two.
        met.exact++;
        expect(complementary, measure).toHaveLength(1);
      } else if (complementary.length === 0) {
        // All students minus the other two is non-binary together with students of no or two genders recorded: a
        // second unknown if they are few, else no small group at all. This partition needs nothing more hidden.
        met.apart++;
      }
    }
    // The demo's genders rarely add up at Maple: there, girls and boys stay shown (they once were hidden regardless).
    expect(met.apart).toBeGreaterThan(0);
  });
});
