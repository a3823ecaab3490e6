// A staged upload is checked once per column mapping, in the background, and what the check found is stored: the
// preview pages through stored errors and the confirmation writes stored rows even after the file itself is gone or
// changed; progress shows while it runs; a check whose process died starts again; a 10 MB cell makes no 10 MB page.
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataImports, importCheckParts, importChecks, importUploads, observations, studentGroups } from "#db/schema";
import { guessMapping, type ImportLookups } from "~/modules/data/import";
import { ERRORS_PER_PAGE, importChecksSettled, openCheck, openUpload, readCheckedRows, readErrorPage, storedErrors, type CheckView } from "~/modules/data/import-check.server";
import { commitImport, loadImportLookups } from "~/modules/data/import.server";
import { stageUpload, uploadKeyOf, type StagedUpload } from "~/modules/data/import-staging.server";
import { createStudentGroup } from "~/modules/data/measures.server";
import type { SessionUser } from "~/modules/people/session.server";
import { actorOf, makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { IMPORT_HEADER } from "../factories/imports";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let lead: SessionUser;
let lookups: ImportLookups;
const GRADES = ["all", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
const mean = "sel-growth-mindset-mean";

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  lead = actorOf(world.lead);
  lookups = await loadImportLookups(database.db, lead);
});
afterAll(async () => {
  await importChecksSettled();
  await database?.close();
});

const fileOf = (lines: string[]) => [IMPORT_HEADER, ...lines].join("\n") + "\n";

async function stage(text: string): Promise<StagedUpload> {
  const staged = await stageUpload(database.db, { userId: lead.id, districtId: lead.districtId }, { fileName: "fall.csv", encoding: "utf-8", text, bytes: text.length });
  return openUpload(database.db, lead, staged.token);
}

/** Starts the check, waits for it, and returns its finished view. */
async function checked(staged: StagedUpload): Promise<Extract<CheckView, { status: "checked" }>> {
  await openCheck(database.db, lead, staged, guessMapping(staged.headers), { waitMs: 0 });
  await importChecksSettled();
  const view = await openCheck(database.db, lead, staged, guessMapping(staged.headers), { waitMs: 0 });
  if (view.status !== "checked") throw new Error(`check ended as ${view.status}: ${JSON.stringify(view)}`);
  return view;
}

/** Replaces the stored file with something else entirely, as if it were lost or damaged after the check. */
async function spoilStoredFile(staged: StagedUpload) {
  await database.db.update(importUploads).set({ text: "not,a\nfile" }).where(eq(importUploads.tokenHash, uploadKeyOf(staged.token)));
}

const goodLines = (school: string, group = "all") => GRADES.map((g, i) => `${school},2026-27,fall,${g},${group},${mean},${20 + i},3.${i % 10}`);

describe("checking a staged upload once", () => {
  it("pages through stored errors and refuses to import, with the stored file changed after the check", async () => {
    const bad = Array.from({ length: 250 }, (_, i) => `Nowhere ${i + 1},2026-27,fall,all,all,${mean},10,3`);
    const staged = await stage(fileOf([...goodLines(world.schoolA.name), ...bad]));
    const view = await checked(staged);
    expect(view.summary).toMatchObject({ total: 264, valid: 14, badRows: 250, errorCount: 250, errorsKept: 250, slices: 1 });
    expect(view.summary.sample[0]).toMatchObject({ row: 2, school: world.schoolA.name, grade: "All grades", n: 20 });

    await spoilStoredFile(staged);
    const again = await openCheck(database.db, lead, staged, guessMapping(staged.headers), { waitMs: 0 });
    expect(again).toEqual(view);
    const pages = [1, 2, 3].map((p) => readErrorPage(database.db, view.id, p));
    const [first, second, third] = await Promise.all(pages);
    expect([first.length, second.length, third.length]).toEqual([ERRORS_PER_PAGE, ERRORS_PER_PAGE, 50]);
    // Row 16 is the first bad row (header, 14 good rows); page 2 starts at the 101st error.
    expect(first[0]).toEqual({ row: 16, field: "school", column: "school", reason: "Unknown school “Nowhere 1”: no school of that name in this district." });
    expect(second[0].row).toBe(116);
    expect(third[49].row).toBe(265);
    let listed = 0;
    for await (const part of storedErrors(database.db, view.id)) listed += part.length;
    expect(listed).toBe(250);
    await expect(readCheckedRows(database.db, lead, staged, guessMapping(staged.headers))).rejects.toThrow(/250 errors; nothing was imported/);
  });

  it("writes the stored rows on confirmation though the stored file changed, and writes nothing when any chunk fails", async () => {
    const staged = await stage(fileOf(goodLines(world.schoolB.name)));
    await checked(staged);
    await spoilStoredFile(staged);
    const rows = await readCheckedRows(database.db, lead, staged, guessMapping(staged.headers));
    expect(rows.map((r) => [r.row, r.grade, r.n])).toEqual(GRADES.map((g, i) => [i + 2, g, 20 + i]));
    const result = await commitImport(database.db, lead, { fileName: staged.fileName, rows });
    expect(result).toMatchObject({ status: "committed", rowsWritten: 14 });

    // A group removed after the check: the last chunk fails on it, and the chunks before it go too.
    const group = await createStudentGroup(database.db, lead, { name: "Leaving group" });
    const later = await stage(fileOf([...goodLines(world.schoolA.name), ...goodLines(world.schoolA.name, group.slug)]));
    await checked(later);
    const laterRows = await readCheckedRows(database.db, lead, later, guessMapping(later.headers));
    await database.db.delete(studentGroups).where(eq(studentGroups.id, group.id));
    const before = await database.db.select({ n: count() }).from(observations).where(eq(observations.districtId, lead.districtId));
    await expect(commitImport(database.db, lead, { fileName: later.fileName, rows: laterRows }, { chunkSize: 5 })).rejects.toThrow();
    expect(await database.db.select({ n: count() }).from(observations).where(eq(observations.districtId, lead.districtId))).toEqual(before);
    expect(await database.db.select({ n: count() }).from(dataImports).where(eq(dataImports.districtId, lead.districtId))).toEqual([{ n: 1 }]);
  });

  it("says which row opens a quoted cell that never closes, found far into the file", async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `${world.schoolA.name},2026-27,fall,all,all,${mean},${i},3`);
    lines.push(`${world.schoolA.name},"2026-27,fall,all,all,${mean},1,3`, ...goodLines(world.schoolB.name));
    const staged = await stage(fileOf(lines));
    await openCheck(database.db, lead, staged, guessMapping(staged.headers), { waitMs: 0 });
    await importChecksSettled();
    const view = await openCheck(database.db, lead, staged, guessMapping(staged.headers), { waitMs: 0 });
    expect(view).toMatchObject({ status: "unreadable", error: "Row 30002 opens a quoted cell that never closes, so the rest of the file cannot be read." });
  });

  it("shows rows checked so far while a large file is checked, then the result", async () => {
    const lines: string[] = [];
    outer: for (let year = 1990; year < 2100; year++) {
      for (const measure of lookups.measures) {
        for (const term of ["fall", "winter", "spring", "year"]) {
          for (const grade of GRADES) {
            for (const group of lookups.groups.slice(0, 2)) {
              lines.push(`district,${year}-${String((year + 1) % 100).padStart(2, "0")},${term},${grade},${group.slug},${measure.slug},10,${measure.scaleMin}`);
              if (lines.length === 120_000) break outer;
            }
          }
        }
      }
    }
    const staged = await stage(fileOf(lines));
    const mapping = guessMapping(staged.headers);
    const seen: number[] = [];
    let view = await openCheck(database.db, lead, staged, mapping, { waitMs: 0 });
    while (view.status === "checking") {
      seen.push(view.rowsDone);
      await new Promise((resolve) => setTimeout(resolve, 25));
      view = await openCheck(database.db, lead, staged, mapping, { waitMs: 0 });
    }
    expect(view).toMatchObject({ status: "checked", summary: { total: 120_000, valid: 120_000, errorCount: 0 } });
    const between = seen.filter((n) => n > 0 && n < 120_000);
    expect(between.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Stored in parts of about ROWS_PER_PART rows, which together hold every row once.
    const parts = await database.db.select({ count: importCheckParts.count }).from(importCheckParts).where(and(eq(importCheckParts.checkId, view.id), eq(importCheckParts.kind, "rows")));
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.reduce((sum, p) => sum + p.count, 0)).toBe(120_000);
  }, 180_000);

  it("starts a check again when its process died mid-way (its heartbeat stopped), and finishes it", async () => {
    const staged = await stage(fileOf(goodLines(world.schoolA.name)));
    const first = await checked(staged);
    await database.db.delete(importCheckParts).where(eq(importCheckParts.checkId, first.id));
    await database.db
      .update(importChecks)
      .set({ status: "checking", summary: null, rowsDone: 3, heartbeatAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(importChecks.id, first.id));
    const resumed = await openCheck(database.db, lead, staged, guessMapping(staged.headers), { waitMs: 0 });
    expect(resumed).toMatchObject({ status: "checking", rowsDone: 3 });
    await importChecksSettled();
    const done = await openCheck(database.db, lead, staged, guessMapping(staged.headers), { waitMs: 0 });
    expect(done).toEqual(first);
    expect(await readCheckedRows(database.db, lead, staged, guessMapping(staged.headers))).toHaveLength(14);
  });
});

describe("the import pages with a 10 MB cell", () => {
  let server: TestServer;
  let client: TestClient;
  beforeAll(async () => {
    server = await startTestServer(database);
    client = new TestClient(server.url);
    await client.signIn(world.lead.email, TEST_PASSWORD);
  });
  afterAll(() => server?.close());

  /** The page once the check has finished (the first loads may show progress). */
  async function finishedPage(path: string) {
    for (;;) {
      const res = await client.get(path);
      if (res.status !== 200 || !res.text.includes('id="check-progress"')) return res;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("keeps the preview, the mapping step and the error file small", { timeout: 120_000 }, async () => {
    const huge = "x".repeat(10 * 1024 * 1024);
    const staged = await stage(fileOf([`${huge},2026-27,fall,all,all,${mean},10,3`, ...goodLines(world.schoolA.name)]));
    const preview = await finishedPage(`/data/import?upload=${staged.token}`);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain("Unknown school “" + "x".repeat(80) + "…”");
    expect(preview.text.length).toBeLessThan(100_000);

    const errors = await client.get(`/data/import/errors?upload=${staged.token}&col_school=0&col_school_year=1&col_term=2&col_grade=3&col_student_group=4&col_measure=5&col_n=6&col_value=7`);
    expect(errors.status).toBe(200);
    expect(errors.text.split("\r\n").filter(Boolean)).toEqual(["row,column,problem", `2,school,Unknown school “${"x".repeat(80)}…”: no school of that name in this district.`]);

    const wide = await stage([`${IMPORT_HEADER},${huge}`, `district,2026-27,fall,all,all,${mean},10,3,`].join("\n"));
    const mapping = await client.get(`/data/import?upload=${wide.token}&remap=1`);
    expect(mapping.status).toBe(200);
    expect(mapping.text).toContain("2. Match the columns");
    expect(mapping.text.length).toBeLessThan(100_000);
  });

  /** Posts the upload form as a browser does: multipart. */
  async function postUpload(name: string, content: string) {
    const form = new FormData();
    form.append("intent", "upload");
    form.append("file", new Blob([content], { type: "text/csv" }), name);
    const res = await fetch(`${server.url}/data/import`, { method: "POST", body: form, redirect: "manual", headers: { cookie: client.cookieHeader(), origin: server.url } });
    return { status: res.status, location: res.headers.get("location"), text: await res.text() };
  }

  it("takes a multipart upload through HTTP, then previews and imports it", async () => {
    const sent = await postUpload("winter.csv", fileOf(goodLines(world.schoolB.name).map((l) => l.replace(",fall,", ",winter,"))));
    expect(sent.status).toBe(302);
    const token = new URL(sent.location ?? "", server.url).searchParams.get("upload");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const preview = await finishedPage(`/data/import?upload=${token}`);
    expect(preview.text).toMatch(/Import (<!-- -->)?14 rows/);
    expect(preview.text).toContain("winter.csv");
    const mapping = Object.fromEntries(IMPORT_HEADER.split(",").map((f, i) => [`col_${f}`, String(i)]));
    const confirm = await client.post("/data/import", { upload: token!, ...mapping });
    expect(confirm.status).toBe(302);
    expect(confirm.location).toMatch(/^\/data\/imports\?imported=/);
    const [stored] = await database.db.select({ n: count() }).from(observations).where(and(eq(observations.districtId, lead.districtId), eq(observations.term, "winter")));
    expect(stored.n).toBe(14);

    const empty = await postUpload("empty.csv", "");
    expect(empty.status).toBe(200);
    expect(empty.text).toContain("The file is empty.");
  });
});
