// `npm run bench:import`: 100 000 generated rows imported through the running app (HTTP upload of the CSV, the
// preview loads while every row is checked in the background, then the confirm post) against a raw bulk insert of
// the same rows into the same table of the same database, in the same run.
// Prints a table per database, then (as its last line) one JSON object of figures whose `ratio` is
// bulk-insert time ÷ import time (higher is better; target ≥ 0.5).
//
//   BENCH_ROWS          rows in the file (default 100000)
//   BENCH_ROUNDS        rounds of (bulk insert, import), best of each counted (default 2)
//   BENCH_DATABASE_URL  PostgreSQL admin URL: a throwaway database is created there and dropped afterwards, and the
//                       ratio is PostgreSQL's; PGlite (in memory) is always measured too
import "./production-mode";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "#db/client.server";
import { districts, measures, schools, studentGroups, users } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import { importFields } from "~/modules/data/import";
import { hashPassword } from "~/modules/people/password.server";
import { findOrCreatePerson } from "~/modules/people/people.server";
import { ensureBuild } from "../../server/build";
import { startTestServer, TestClient } from "../setup/server";
import { positiveNumber } from "./settings";
import { openThrowawayPostgres } from "./throwaway-postgres";

const ROWS = Math.round(positiveNumber("BENCH_ROWS", 100_000));
const ROUNDS = Math.round(positiveNumber("BENCH_ROUNDS", 2));
const TARGET_RATIO = 0.5;
const LEAD_EMAIL = "lead@bench.example";
const LEAD_PASSWORD = "benchmark-password";
const SCHOOLS = 20;
const GRADES = ["all", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
const TERMS = ["fall", "winter", "spring", "year"];

interface Fixture {
  districtId: string;
  csv: string;
  /** The same rows, typed, for the bulk insert. */
  rows: { schoolId: string | null; startYear: number; term: string; grade: string; groupId: string; measureId: string; n: number; value: number }[];
}

async function seed(handle: DatabaseHandle): Promise<Fixture> {
  const db = handle.db;
  await ensureCatalog(db);
  const [district] = await db.insert(districts).values({ slug: "bench", name: "Bench District" }).returning();
  const schoolRows = await db
    .insert(schools)
    .values(Array.from({ length: SCHOOLS }, (_, i) => ({ districtId: district.id, name: `Bench School ${String(i + 1).padStart(2, "0")}`, level: "other" as const })))
    .returning();
  const person = await findOrCreatePerson(db, LEAD_EMAIL, await hashPassword(LEAD_PASSWORD));
  await db.insert(users).values({ personId: person.id, districtId: district.id, role: "district_lead", email: person.email, name: "Bench Lead", status: "active", joinedAt: new Date() });
  const groups = await db.select().from(studentGroups);
  const measureRows = await db.select().from(measures);
  const places: { id: string | null; name: string }[] = [{ id: null, name: "district" }, ...schoolRows.map((s) => ({ id: s.id, name: s.name }))];
  const lines = [importFields.join(",")];
  const rows: Fixture["rows"] = [];
  let i = 0;
  outer: for (let year = 2026; ; year++) {
    for (const measure of measureRows) {
      for (const term of TERMS) {
        for (const place of places) {
          for (const grade of GRADES) {
            for (const group of groups) {
              const n = 5 + ((i * 7) % 300);
              const span = measure.scaleMax - measure.scaleMin;
              const value = Math.round((measure.scaleMin + ((i * 13) % 97) / 96 * span) * 10) / 10;
              lines.push(`${place.name},${year}-${String((year + 1) % 100).padStart(2, "0")},${term},${grade},${group.slug},${measure.slug},${n},${value}`);
              rows.push({ schoolId: place.id, startYear: year, term, grade, groupId: group.id, measureId: measure.id, n, value });
              if (++i === ROWS) break outer;
            }
          }
        }
      }
    }
  }
  return { districtId: district.id, csv: lines.join("\r\n") + "\r\n", rows };
}

async function clear(handle: DatabaseHandle) {
  await handle.query("delete from observation");
  await handle.query("delete from data_import");
  await handle.query("vacuum analyze observation");
}

type Query = (text: string, params?: unknown[]) => Promise<unknown>;

/** Runs raw SQL in one transaction on one connection: postgres.js's reserved transaction, or PGlite's only one. */
async function inTransaction(handle: DatabaseHandle, url: string | undefined, fn: (query: Query) => Promise<void>) {
  if (url) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await sql.begin((tx) => fn((text, params = []) => tx.unsafe(text, params as never[])));
    } finally {
      await sql.end();
    }
    return;
  }
  await handle.query("begin");
  try {
    await fn((text, params) => handle.query(text, params));
    await handle.query("commit");
  } catch (error) {
    await handle.query("rollback");
    throw error;
  }
}

/** The baseline: the rows already typed in memory, written by plain multi-row INSERTs of 1 000 rows in one transaction. */
async function bulkInsert(handle: DatabaseHandle, url: string | undefined, fixture: Fixture): Promise<number> {
  const chunk = 1000;
  const started = performance.now();
  await inTransaction(handle, url, async (query) => {
    const [importRow] = (await query("insert into data_import (district_id, file_name, row_count) values ($1, 'bulk', $2) returning id", [
      fixture.districtId,
      fixture.rows.length,
    ])) as { id: string }[];
    for (let start = 0; start < fixture.rows.length; start += chunk) {
      const params: unknown[] = [fixture.districtId, importRow.id];
      const values = fixture.rows.slice(start, start + chunk).map((r) => {
        const base = params.length;
        params.push(r.schoolId, r.startYear, r.term, r.grade, r.groupId, r.measureId, r.n, r.value);
        return `($1::uuid, $2::uuid, $${base + 1}::uuid, $${base + 2}::int, $${base + 3}::data_term, $${base + 4}::text, $${base + 5}::uuid, $${base + 6}::uuid, $${base + 7}::int, $${base + 8}::numeric)`;
      });
      await query(
        `insert into observation (district_id, import_id, school_id, start_year, term, grade, student_group_id, measure_id, n, value) values ${values.join(",")}`,
        params,
      );
    }
  });
  return performance.now() - started;
}

/** PostgreSQL's own bulk path: COPY … FROM STDIN of the same rows, on its own connection. */
async function copyInsert(url: string, fixture: Fixture, importId: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const started = performance.now();
    let text = "";
    for (const r of fixture.rows) {
      text += `${fixture.districtId}\t${importId}\t${r.schoolId ?? "\\N"}\t${r.startYear}\t${r.term}\t${r.grade}\t${r.groupId}\t${r.measureId}\t${r.n}\t${r.value}\n`;
    }
    const writable = await sql`copy observation (district_id, import_id, school_id, start_year, term, grade, student_group_id, measure_id, n, value) from stdin`.writable();
    await new Promise<void>((resolve, reject) => {
      writable.on("error", reject);
      writable.on("finish", () => resolve());
      writable.end(text);
    });
    return performance.now() - started;
  } finally {
    await sql.end();
  }
}

interface ImportTiming {
  uploadMs: number;
  confirmMs: number;
  totalMs: number;
  previewMs: number;
}

async function importThroughApp(client: TestClient, baseUrl: string, csv: string): Promise<ImportTiming> {
  const started = performance.now();
  const form = new FormData();
  form.append("intent", "upload");
  form.append("file", new Blob([csv], { type: "text/csv" }), "bench.csv");
  const upload = await fetch(`${baseUrl}/data/import`, { method: "POST", body: form, redirect: "manual", headers: { cookie: client.cookieHeader(), origin: baseUrl } });
  await upload.text();
  const location = upload.headers.get("location") ?? "";
  const token = new URL(location, baseUrl).searchParams.get("upload");
  if (upload.status !== 302 || !token) throw new Error(`upload failed: ${upload.status} ${location}`);
  const uploaded = performance.now();
  // The preview starts the check of every row (in the background) and shows progress until it is done; the
  // confirmation writes the rows it stored, so the check is part of the import's time.
  const mapping = Object.fromEntries(importFields.map((f, i) => [`col_${f}`, String(i)]));
  const previewStarted = performance.now();
  for (;;) {
    const preview = await client.get(`/data/import?${new URLSearchParams({ upload: token, ...mapping })}`);
    if (preview.status !== 200) throw new Error(`preview failed: ${preview.status}`);
    if (preview.text.includes('id="check-progress"')) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (!preview.text.includes("4. Import") || preview.text.includes("Nothing has been imported")) throw new Error(`preview failed: ${preview.status}`);
    break;
  }
  const previewMs = performance.now() - previewStarted;
  const t = performance.now();
  const confirm = await client.post("/data/import", { upload: token, ...mapping });
  if (confirm.status !== 302 || !confirm.location?.startsWith("/data/imports?imported=")) throw new Error(`confirm failed: ${confirm.status} ${confirm.location} ${confirm.text.slice(0, 300)}`);
  const done = performance.now();
  return { uploadMs: uploaded - started, confirmMs: done - t, totalMs: uploaded - started + previewMs + (done - t), previewMs };
}

interface Figures {
  database: string;
  importMs: number;
  uploadMs: number;
  confirmMs: number;
  previewMs: number;
  insertMs: number;
  copyMs?: number;
  baselineMs: number;
  baseline: string;
  ratio: number;
}

async function measure(label: string, handle: DatabaseHandle, url?: string): Promise<Figures> {
  await handle.migrate();
  const fixture = await seed(handle);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-bench-import-"));
  const server = await startTestServer(handle, { DATA_DIR: dataDir });
  try {
    const client = new TestClient(server.url);
    await client.signIn(LEAD_EMAIL, LEAD_PASSWORD);
    const imports: ImportTiming[] = [];
    const inserts: number[] = [];
    const copies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await clear(handle);
      inserts.push(await bulkInsert(handle, url, fixture));
      if (url) {
        await clear(handle);
        const [imp] = await handle.query<{ id: string }>("insert into data_import (district_id, file_name, row_count) values ($1, 'copy', $2) returning id", [fixture.districtId, ROWS]);
        copies.push(await copyInsert(url, fixture, imp.id));
      }
      await clear(handle);
      imports.push(await importThroughApp(client, server.url, fixture.csv));
      const [{ n }] = await handle.query<{ n: string }>("select count(*) as n from observation where replaced_by_import_id is null");
      if (Number(n) !== ROWS) throw new Error(`expected ${ROWS} committed rows, found ${n}`);
    }
    const best = imports.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
    const insertMs = Math.min(...inserts);
    const copyMs = copies.length ? Math.min(...copies) : undefined;
    // The stricter of the two baselines: whichever raw bulk insert is faster on this database.
    const baselineMs = copyMs !== undefined ? Math.min(insertMs, copyMs) : insertMs;
    return {
      database: label,
      importMs: best.totalMs,
      uploadMs: best.uploadMs,
      confirmMs: best.confirmMs,
      previewMs: best.previewMs,
      insertMs,
      copyMs,
      baselineMs,
      baseline: copyMs !== undefined && copyMs < insertMs ? "COPY FROM STDIN" : "multi-row INSERT (1 000 rows per statement)",
      ratio: baselineMs / best.totalMs,
    };
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (ensureBuild()) process.stderr.write("bench:import: built the app\n");
  const results: Figures[] = [];
  const adminUrl = process.env.BENCH_DATABASE_URL;
  if (adminUrl) {
    const { handle, name, drop } = await openThrowawayPostgres(adminUrl);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      results.push(await measure(`postgres (${name})`, handle, url.toString()));
    } finally {
      await handle.close();
      await drop();
    }
  }
  const pglite = await openDatabase({ memory: true });
  try {
    results.push(await measure("pglite (memory)", pglite));
  } finally {
    await pglite.close();
  }

  const ms = (v: number | undefined) => (v === undefined ? "—" : `${Math.round(v).toLocaleString("en-US")} ms`);
  console.log(`\nbench:import — ${ROWS.toLocaleString("en-US")} rows, best of ${ROUNDS} round(s), ${os.cpus().length} CPU(s)\n`);
  const header = ["database", "import (upload + check + confirm)", "  upload", "  confirm", "  check (preview)", "bulk INSERT", "COPY", "ratio"];
  const table = results.map((r) => [r.database, ms(r.importMs), ms(r.uploadMs), ms(r.confirmMs), ms(r.previewMs), ms(r.insertMs), ms(r.copyMs), r.ratio.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  for (const row of [header, widths.map((w) => "-".repeat(w)), ...table]) console.log(row.map((c, i) => c.padEnd(widths[i])).join("  "));
  const main = results[0];
  console.log(`\nratio = ${main.baseline} time ÷ import time on ${main.database}; target ≥ ${TARGET_RATIO}: ${main.ratio >= TARGET_RATIO ? "met" : "NOT met"}`);
  console.log(
    JSON.stringify({
      rows: ROWS,
      database: main.database,
      baseline: main.baseline,
      importMs: Math.round(main.importMs),
      uploadMs: Math.round(main.uploadMs),
      confirmMs: Math.round(main.confirmMs),
      previewMs: Math.round(main.previewMs),
      bulkInsertMs: Math.round(main.insertMs),
      copyMs: main.copyMs === undefined ? null : Math.round(main.copyMs),
      pglite: results.length > 1 ? { importMs: Math.round(results[1].importMs), bulkInsertMs: Math.round(results[1].insertMs), ratio: Number(results[1].ratio.toFixed(3)) } : undefined,
      target: TARGET_RATIO,
      ratio: Number(main.ratio.toFixed(3)),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
