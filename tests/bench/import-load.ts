// `npm run bench:import-load`: a generated 1 M-row outcome-data file imported through a real server process (upload,
// preview until the background check is done, confirm) while /healthz is asked every 50 ms, as a load balancer
// following docs/deploy.md would. Prints /healthz latency idle and during the import (p50, p99, max, answers slower
// than 100 ms or not answered within 2 s), the upload, preview and confirm times and the server's peak RSS; the last
// line is one JSON object whose `ratio` is /healthz p99 during the import ÷ /healthz p99 idle (ADR 0039).
//
//   BENCH_ROWS          rows in the file (default 1000000)
//   BENCH_DATABASE_URL  PostgreSQL admin URL: the server runs on a throwaway database created there (and dropped);
//                       without it, on PGlite in a temporary data directory, as a single instance runs by default
import "./production-mode";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase, type DatabaseHandle } from "#db/client.server";
import { districts, measures, schools, studentGroups, users } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import { importFields } from "~/modules/data/import";
import { hashPassword } from "~/modules/people/password.server";
import { findOrCreatePerson } from "~/modules/people/people.server";
import { ensureBuild, projectRoot } from "../../server/build";
import { TestClient } from "../setup/server";
import { positiveNumber } from "./settings";
import { openThrowawayPostgres } from "./throwaway-postgres";

const ROWS = Math.round(positiveNumber("BENCH_ROWS", 1_000_000));
const POLL_MS = 50;
const HEALTHZ_TIMEOUT_MS = 2_000;
const SLOW_MS = 100;
const IDLE_MS = 3_000;
const LEAD_EMAIL = "lead@bench.example";
const LEAD_PASSWORD = "benchmark-password";
const GRADES = ["all", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
const TERMS = ["fall", "winter", "spring", "year"];

/** A district whose names are short (S01, g1, m1), so a million rows make a file of about 39 MB, under the 50 MB cap. */
async function seed(handle: DatabaseHandle): Promise<string> {
  const db = handle.db;
  await handle.migrate();
  await ensureCatalog(db);
  const [district] = await db.insert(districts).values({ slug: "bench", name: "Bench District" }).returning();
  const schoolRows = await db
    .insert(schools)
    .values(Array.from({ length: 20 }, (_, i) => ({ districtId: district.id, name: `S${String(i + 1).padStart(2, "0")}`, level: "other" as const })))
    .returning();
  const person = await findOrCreatePerson(db, LEAD_EMAIL, await hashPassword(LEAD_PASSWORD));
  await db.insert(users).values({ personId: person.id, districtId: district.id, role: "district_lead", email: person.email, name: "Bench Lead", status: "active", joinedAt: new Date() });
  const groupRows = await db
    .insert(studentGroups)
    .values(Array.from({ length: 10 }, (_, i) => ({ districtId: district.id, slug: `g${i + 1}`, name: `Group ${i + 1}`, category: "all" as const, sortOrder: i })))
    .returning();
  const measureRows = await db
    .insert(measures)
    .values(Array.from({ length: 20 }, (_, i) => ({ districtId: district.id, slug: `m${i + 1}`, name: `Measure ${i + 1}`, unit: "mean", direction: "higher_is_better" as const, scaleMin: 1, scaleMax: 5 })))
    .returning();
  const places = ["district", ...schoolRows.map((s) => s.name)];
  const lines = [importFields.join(",")];
  let i = 0;
  outer: for (let year = 2000; ; year++) {
    const label = `${year}-${String((year + 1) % 100).padStart(2, "0")}`;
    for (const measure of measureRows) {
      for (const term of TERMS) {
        for (const place of places) {
          for (const grade of GRADES) {
            for (const group of groupRows) {
              lines.push(`${place},${label},${term},${grade},${group.slug},${measure.slug},${5 + ((i * 7) % 300)},${1 + ((i * 13) % 40) / 10}`);
              if (++i === ROWS) break outer;
            }
          }
        }
      }
    }
  }
  return lines.join("\r\n") + "\r\n";
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The server as `npm start` runs it (tsx, production build), in a process of its own. */
async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts", "--no-build"], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), COOKIE_SECURE: "0", CYCLEKEEPER_DEMO: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    if (tries > 600) throw new Error(`the server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The server's peak resident memory so far (Linux: VmHWM), in MB. */
function peakRssMb(pid: number): number | null {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/);
    return line ? Math.round(Number(line[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Asks /healthz every POLL_MS without waiting for the previous answer, as a load balancer does; records each latency. */
function pollHealthz(url: string) {
  const samples: { at: number; ms: number; ok: boolean }[] = [];
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const at = performance.now();
    const request = fetch(`${url}/healthz`, { signal: AbortSignal.timeout(HEALTHZ_TIMEOUT_MS) })
      .then(async (res) => {
        await res.arrayBuffer();
        samples.push({ at, ms: performance.now() - at, ok: res.ok });
      })
      .catch(() => {
        samples.push({ at, ms: HEALTHZ_TIMEOUT_MS, ok: false });
      });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  }, POLL_MS);
  return {
    samples,
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
  };
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

async function run(label: string, env: Record<string, string>, csv: string) {
  const { child, url } = await startServer(env);
  try {
    const client = new TestClient(url);
    await client.signIn(LEAD_EMAIL, LEAD_PASSWORD);
    const healthz = pollHealthz(url);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const importStart = performance.now();

    const form = new FormData();
    form.append("intent", "upload");
    form.append("file", new Blob([csv], { type: "text/csv" }), "bench.csv");
    const upload = await fetch(`${url}/data/import`, { method: "POST", body: form, redirect: "manual", headers: { cookie: client.cookieHeader(), origin: url } });
    await upload.text();
    const token = new URL(upload.headers.get("location") ?? "", url).searchParams.get("upload");
    if (upload.status !== 302 || !token) throw new Error(`upload failed: ${upload.status}`);
    const uploaded = performance.now();

    // The preview: the first load starts the check; the page then shows progress until it is done.
    const mapping = Object.fromEntries(importFields.map((f, i) => [`col_${f}`, String(i)]));
    const previewPath = `/data/import?${new URLSearchParams({ upload: token, ...mapping })}`;
    let pageLoads = 0;
    let largestPage = 0;
    let preview;
    for (;;) {
      preview = await client.get(previewPath);
      pageLoads++;
      largestPage = Math.max(largestPage, preview.text.length);
      if (preview.status !== 200) throw new Error(`preview failed: ${preview.status} ${preview.text.slice(0, 300)}`);
      if (!preview.text.includes('id="check-progress"')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (!preview.text.includes("4. Import")) throw new Error(`the preview offers no import: ${preview.text.slice(0, 500)}`);
    const previewed = performance.now();

    const confirm = await client.post("/data/import", { upload: token, ...mapping });
    if (confirm.status !== 302 || !confirm.location?.startsWith("/data/imports?imported=")) throw new Error(`confirm failed: ${confirm.status} ${confirm.text.slice(0, 300)}`);
    const confirmed = performance.now();
    await healthz.stop();

    const idle = healthz.samples.filter((s) => s.at < importStart);
    const during = healthz.samples.filter((s) => s.at >= importStart && s.at < confirmed);
    const between = (from: number, to: number) => stats(healthz.samples.filter((s) => s.at >= from && s.at < to).map((s) => s.ms));
    const phases = { upload: between(importStart, uploaded), check: between(uploaded, previewed), confirm: between(previewed, confirmed) };
    const idleStats = stats(idle.map((s) => s.ms));
    const duringStats = stats(during.map((s) => s.ms));
    return {
      database: label,
      rows: ROWS,
      fileMb: Math.round((Buffer.byteLength(csv) / 1024 / 1024) * 10) / 10,
      uploadMs: Math.round(uploaded - importStart),
      previewMs: Math.round(previewed - uploaded),
      previewPageLoads: pageLoads,
      largestPageKb: Math.round(largestPage / 1024),
      confirmMs: Math.round(confirmed - previewed),
      idle: idleStats,
      during: duringStats,
      phases,
      slow: during.filter((s) => s.ms > SLOW_MS).length,
      failed: during.filter((s) => !s.ok).length,
      peakRssMb: peakRssMb(child.pid!),
    };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

async function main() {
  if (ensureBuild()) process.stderr.write("bench:import-load: built the app\n");
  const adminUrl = process.env.BENCH_DATABASE_URL;
  let result;
  if (adminUrl) {
    const { handle, name, drop } = await openThrowawayPostgres(adminUrl);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      const csv = await seed(handle);
      await handle.close();
      result = await run(`postgres (${name})`, { DATABASE_URL: url.toString() }, csv);
    } finally {
      await handle.close().catch(() => {});
      await drop();
    }
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-bench-import-load-"));
    try {
      const handle = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
      const csv = await seed(handle);
      await handle.close();
      result = await run("pglite (data directory)", { DATA_DIR: dataDir }, csv);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const ms = (v: number) => `${Math.round(v).toLocaleString("en-US")} ms`;
  console.log(`\nbench:import-load — ${result.rows.toLocaleString("en-US")} rows (${result.fileMb} MB) on ${result.database}, ${os.cpus().length} CPU(s)\n`);
  console.log(`upload ${ms(result.uploadMs)} · preview (check in the background) ${ms(result.previewMs)} over ${result.previewPageLoads} page loads, largest page ${result.largestPageKb} kB · confirm ${ms(result.confirmMs)}`);
  console.log(`/healthz idle:   n=${result.idle.n} p50 ${ms(result.idle.p50)} p99 ${ms(result.idle.p99)} max ${ms(result.idle.max)}`);
  console.log(`/healthz import: n=${result.during.n} p50 ${ms(result.during.p50)} p99 ${ms(result.during.p99)} max ${ms(result.during.max)} · over ${SLOW_MS} ms: ${result.slow} · failed or timed out: ${result.failed}`);
  for (const [phase, p] of Object.entries(result.phases)) console.log(`  during ${phase.padEnd(7)} n=${p.n} p50 ${ms(p.p50)} p99 ${ms(p.p99)} max ${ms(p.max)}`);
  console.log(`server peak RSS ${result.peakRssMb ?? "?"} MB\n`);
  console.log(
    JSON.stringify({
      database: result.database,
      rows: result.rows,
      file_mb: result.fileMb,
      healthz_p50_ms: Math.round(result.during.p50),
      healthz_p99_ms: Math.round(result.during.p99),
      healthz_max_ms: Math.round(result.during.max),
      healthz_idle_p99_ms: Math.round(result.idle.p99),
      healthz_p99_ms_by_phase: Object.fromEntries(Object.entries(result.phases).map(([phase, p]) => [phase, Math.round(p.p99)])),
      healthz_over_100ms: result.slow,
      healthz_failed: result.failed,
      upload_ms: result.uploadMs,
      preview_ms: result.previewMs,
      confirm_ms: result.confirmMs,
      largest_page_kb: result.largestPageKb,
      peak_rss_mb: result.peakRssMb,
      ratio: Number((result.during.p99 / Math.max(1, result.idle.p99)).toFixed(2)),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
