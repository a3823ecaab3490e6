// Reads every published report of the demo district, page and PDF, the way a member of the public would: no result
// about a student group smaller than the district's minimum n, and nothing about a single student. The demo keeps
// small groups on purpose, so the walk must meet them or it proved nothing.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles, districts, observations, publishedReports, reports, schools, studentGroups, students, users } from "#db/schema";
import { seedDemo } from "#db/seed/demo.server";
import type { Actor } from "~/modules/people/permissions";
import { reportPaths } from "~/modules/reports/public-page";
import { reportMessages } from "~/modules/reports/report-messages";
import { createReport, publishReport, submitForReview } from "~/modules/reports/reports.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, type TestServer } from "../setup/server";

let database: TestDatabase;
let server: TestServer;
let minN: number;
let districtId: string;
/** Per place (a school id, or "district") and school year: the names of groups every result of which is about fewer than minN students. */
const smallGroups = new Map<string, Set<string>>();
let studentStrings: string[] = [];

async function actorFor(email: string): Promise<Actor> {
  const [user] = await database.db.select().from(users).where(eq(users.email, email));
  return { id: user.id, districtId: user.districtId, role: user.role, studentRecords: user.studentRecords, schoolIds: [] };
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  await seedDemo(database.db);
  const [district] = await database.db.select().from(districts).where(eq(districts.slug, "riverbend"));
  districtId = district.id;
  minN = district.minCellSize;

  // Besides the demo's own (2025–26 in English and Spanish), the lead publishes 2026–27's reports for the district,
  // for families, and for every school, so each place and audience is read.
  const lead = await actorFor("lead@riverbend.example");
  const current = await database.db.select({ id: cycles.id, schoolId: cycles.schoolId }).from(cycles).where(and(eq(cycles.districtId, district.id), eq(cycles.startYear, 2026)));
  for (const cycle of current) {
    const audiences = cycle.schoolId ? (["board"] as const) : (["families", "staff"] as const);
    for (const audience of audiences) {
      const report = await createReport(database.db, lead, cycle.id, { audience, language: audience === "families" ? "es" : "en" });
      const inReview = await submitForReview(database.db, lead, report.id, { expectedVersion: report.version });
      await publishReport(database.db, lead, report.id, { expectedVersion: inReview.version });
    }
  }

  // Independently of the report code: a group is small at a place in a year when even its largest result there (any
  // measure, any term, all grades together) counts fewer than minN students.
  const rows = await database.db
    .select({ schoolId: observations.schoolId, startYear: observations.startYear, term: observations.term, measureId: observations.measureId, grade: observations.grade, group: studentGroups.name, n: observations.n })
    .from(observations)
    .innerJoin(studentGroups, eq(studentGroups.id, observations.studentGroupId))
    .where(and(eq(observations.districtId, district.id), isNull(observations.replacedByImportId)));
  const totals = new Map<string, number>();
  const add = (key: string, n: number) => totals.set(key, (totals.get(key) ?? 0) + n);
  for (const row of rows) {
    if (!row.schoolId) continue;
    add(JSON.stringify([row.schoolId, row.startYear, row.group, row.measureId, row.term]), row.n);
    add(JSON.stringify(["district", row.startYear, row.group, row.measureId, row.term]), row.n);
  }
  const largest = new Map<string, number>();
  for (const [key, n] of totals) {
    const [place, year, group] = JSON.parse(key) as [string, number, string];
    const at = JSON.stringify([place, year, group]);
    largest.set(at, Math.max(largest.get(at) ?? 0, n));
  }
  for (const [key, n] of largest) {
    if (n >= minN) continue;
    const [place, year, group] = JSON.parse(key) as [string, number, string];
    const at = `${place}:${year}`;
    if (!smallGroups.has(at)) smallGroups.set(at, new Set());
    smallGroups.get(at)!.add(group);
  }

  const studentRows = await database.db.select({ localId: students.localId, given: students.givenName, family: students.familyName }).from(students).where(eq(students.districtId, district.id));
  studentStrings = studentRows.flatMap((s) => [s.localId, `${s.given} ${s.family}`]);
  server = await startTestServer(database);
}, 240_000);

afterAll(async () => {
  await server?.close();
  await database?.close();
});

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();

/** Every table row of the page as its cells' text, the row header first. */
const tableRows = (html: string) => [...html.matchAll(/<tr[\s\S]*?<\/tr>/g)].map(([tr]) => [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => decode(m[1])));

function pdfText(bytes: ArrayBuffer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-report-walk-"));
  try {
    const file = path.join(dir, "report.pdf");
    fs.writeFileSync(file, Buffer.from(bytes));
    return execFileSync("pdftotext", ["-raw", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const squash = (text: string) => text.replace(/\s+/g, "");

describe("walking every published report of the demo district", () => {
  it("shows no result of a group below the minimum n and nothing about a single student, on any page or PDF", async () => {
    const published = await database.db
      .select({
        slug: publishedReports.slug,
        versionNumber: publishedReports.versionNumber,
        language: publishedReports.language,
        schoolId: cycles.schoolId,
        startYear: cycles.startYear,
        schoolName: schools.name,
      })
      .from(publishedReports)
      .innerJoin(reports, eq(reports.id, publishedReports.reportId))
      .innerJoin(cycles, eq(cycles.id, reports.cycleId))
      .leftJoin(schools, eq(schools.id, cycles.schoolId))
      .where(eq(publishedReports.districtId, districtId));
    // 2025–26 in two languages, 2026–27 for families and staff, and one per school.
    const schoolCount = (await database.db.select({ id: schools.id }).from(schools).where(eq(schools.districtId, districtId))).length;
    expect(published.length).toBeGreaterThanOrEqual(4 + schoolCount);

    let smallRowsMet = 0;
    let groupRowsRead = 0;
    for (const version of published) {
      const m = reportMessages(version.language);
      const hidden = new Set([m.fewerThan(minN), m.notShown, m.none]);
      const place = version.schoolId ?? "district";
      const small = smallGroups.get(`${place}:${version.startYear}`) ?? new Set<string>();
      const shownName = (name: string) => m.group[name] ?? name;
      const where = `${version.slug} v${version.versionNumber}`;

      const page = await fetch(`${server.url}${reportPaths.version("riverbend", version.slug, version.versionNumber)}`);
      expect(page.status, where).toBe(200);
      const html = await page.text();
      const pdf = await fetch(`${server.url}${reportPaths.pdf("riverbend", version.slug, version.versionNumber)}`);
      expect(pdf.status, `${where} PDF`).toBe(200);
      const text = pdfText(await pdf.arrayBuffer());
      expect(text.length, `${where} PDF text`).toBeGreaterThan(500);

      // Nothing about one student: no name, no student id, on the page or in the PDF.
      for (const s of studentStrings) {
        expect(html.includes(s), `${where} names a student (${s})`).toBe(false);
        expect(text.includes(s), `${where} PDF names a student (${s})`).toBe(false);
      }

      // A small group's row carries no number but the hidden wording, on the page and, in the same order, in the PDF.
      for (const row of tableRows(html)) {
        const group = [...small].find((name) => shownName(name) === row[0]);
        if (group) {
          smallRowsMet += 1;
          for (const cell of row.slice(1)) expect(hidden.has(cell), `${where}: ${row[0]} shows "${cell}"`).toBe(true);
          expect(squash(text), `${where} PDF row ${row[0]}`).toContain(squash(row.join("")));
        }
        if (row.length === 3 && [...hidden].some((h) => row[1] === h)) groupRowsRead += 1;
      }
      // No percentage anywhere in the PDF that the page does not show too.
      const pagePercents = new Set(decode(html).match(/\d+(?:[.,]\d+)?\s?%/g)?.map(squash) ?? []);
      for (const percent of text.match(/\d+(?:[.,]\d+)?\s?%/g) ?? []) expect(pagePercents.has(squash(percent)), `${where} PDF shows ${percent} the page does not`).toBe(true);
    }
    expect(smallRowsMet, "the walk met no small group: it proved nothing").toBeGreaterThan(0);
    expect(groupRowsRead).toBeGreaterThan(0);
  }, 240_000);
});
