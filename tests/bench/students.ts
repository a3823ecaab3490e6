// `npm run bench:students`: a school of 2 000 students with 36 weeks of indicators. Times computing the week's flags
// from the database (uncached), the meeting's domain call and rendering the weekly meeting page over HTTP, then
// the page's req/s under load against /healthz on the same in-process production server in the same run. Prints a
// table, then (as its last line) one JSON object whose `ratio` is meeting page req/s ÷ /healthz req/s.
//
//   BENCH_SECONDS          measured seconds per URL under load (default 10)
//   BENCH_WARMUP_SECONDS   unmeasured warm-up per URL (default 3)
//   BENCH_CONNECTIONS      concurrent connections (default 10)
//   BENCH_SAMPLES          sequential timings of the flag computation and of the page (default 40)
//   BENCH_DATABASE_URL     PostgreSQL admin URL for a throwaway database; unset, an in-memory PGlite
import "./production-mode";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { openDatabase, type Database, type DatabaseHandle } from "#db/client.server";
import { districts, indicatorWeeks, interventionCatalog, interventions, schoolMemberships, schools, students, users } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import { hashPassword } from "~/modules/people/password.server";
import { findOrCreatePerson } from "~/modules/people/people.server";
import { signalsFor } from "~/modules/students/indicators";
import { ensureInterventionCatalog, getStudentSettings, schoolSummaries, weeklyMeeting } from "~/modules/students/students.server";
import { actorOf } from "../factories";
import { ensureBuild } from "../../server/build";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { positiveNumber } from "./settings";
import { openThrowawayPostgres } from "./throwaway-postgres";

const STUDENTS = 2000;
const WEEKS = 36;
const FIRST_WEEK = Date.UTC(2026, 7, 24);
const OPEN_PLANS = 40;
const EMAIL = "principal@bench.example";
const PASSWORD = "benchmark-password";
const TARGET_P95_MS = 300;

const durationSeconds = positiveNumber("BENCH_SECONDS", 10);
const warmupSeconds = positiveNumber("BENCH_WARMUP_SECONDS", 3);
const connections = Math.round(positiveNumber("BENCH_CONNECTIONS", 10));
const samples = Math.round(positiveNumber("BENCH_SAMPLES", 40));

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; label: string }> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) return { handle: await openDatabase({ memory: true }), label: "pglite (memory)" };
  const { handle, name, drop } = await openThrowawayPostgres(adminUrl);
  const close = handle.close;
  return {
    handle: {
      ...handle,
      async close() {
        await close();
        await drop();
      },
    },
    label: `postgres (${name})`,
  };
}

/** A deterministic school: about one student in eight struggles on some front, a few slip in the last weeks. */
export async function generateSchool(db: Database) {
  const [district] = await db.insert(districts).values({ slug: "bench-students", name: "Benchmark Unified" }).returning();
  const [school] = await db.insert(schools).values({ districtId: district.id, name: "Benchmark Elementary", level: "k8" }).returning();
  const person = await findOrCreatePerson(db, EMAIL, await hashPassword(PASSWORD));
  const [principal] = await db
    .insert(users)
    .values({ personId: person.id, districtId: district.id, email: person.email, name: "Bench Principal", role: "school_team", status: "active", joinedAt: new Date() })
    .returning();
  await db.insert(schoolMemberships).values({ userId: principal.id, schoolId: school.id });
  const grades = ["K", "1", "2", "3", "4", "5", "6", "7", "8"];
  const roster: { id: string }[] = [];
  for (let i = 0; i < STUDENTS; i += 1000) {
    roster.push(
      ...(await db
        .insert(students)
        .values(
          Array.from({ length: Math.min(1000, STUDENTS - i) }, (_, k) => ({
            districtId: district.id,
            schoolId: school.id,
            localId: `B-${i + k}`,
            givenName: `Given${i + k}`,
            familyName: `Family${(i + k) % 97}`,
            grade: grades[(i + k) % grades.length],
            groups: [(i + k) % 2 ? "female" : "male"],
            lastStartYear: 2026,
          })),
        )
        .returning({ id: students.id })),
    );
  }
  let rows: (typeof indicatorWeeks.$inferInsert)[] = [];
  let written = 0;
  for (const [i, student] of roster.entries()) {
    let absent = 0;
    for (let w = 0; w < WEEKS; w++) {
      const enrolled = (w + 1) * 5;
      if ((i + w) % 13 === 0) absent += 1;
      if (i % 8 === 1 && w % 2 === 0) absent += 1;
      if (i % 50 === 7 && w >= WEEKS - 1) absent = Math.ceil(enrolled * 0.12);
      absent = Math.min(absent, enrolled);
      const survey = w % 12 === 2;
      rows.push({
        studentId: student.id,
        districtId: district.id,
        schoolId: school.id,
        startYear: 2026,
        weekOf: new Date(FIRST_WEEK + w * 7 * 86_400_000).toISOString().slice(0, 10),
        daysEnrolled: enrolled,
        daysAbsent: absent,
        coursesFailing: i % 16 === 3 && w > WEEKS / 2 ? 1 : i % 60 === 9 && w === WEEKS - 1 ? 1 : 0,
        behaviourIncidents: i % 30 === 5 ? 1 : 0,
        selScore: survey ? 2.8 + ((i * 7 + w) % 20) / 10 : null,
        trustedAdult: survey ? (i + w) % 11 !== 0 : null,
      });
      if (rows.length === 2000) {
        await db.insert(indicatorWeeks).values(rows);
        written += rows.length;
        rows = [];
      }
    }
  }
  if (rows.length) await db.insert(indicatorWeeks).values(rows);
  written += rows.length;
  await ensureInterventionCatalog(db, district.id);
  const [item] = await db.select({ id: interventionCatalog.id }).from(interventionCatalog).limit(1);
  await db.insert(interventions).values(
    roster.slice(0, OPEN_PLANS * 8).filter((_, i) => i % 8 === 1).map((s) => ({ studentId: s.id, districtId: district.id, schoolId: school.id, catalogId: item.id, ownerId: principal.id, startDate: "2026-10-05", goal: "Attend four days a week." })),
  );
  return { district, school, principal, weeks: written };
}

interface WorkerResult {
  duration: number;
  completed: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  times: Float64Array;
  bytes: number;
}

function runWorker(url: string, headers: Record<string, string>, seconds: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./load-worker.mjs", import.meta.url), { workerData: { url, headers, connections, duration: seconds } });
    worker.once("message", (message: WorkerResult | { error: string }) => ("error" in message ? reject(new Error(message.error)) : resolve(message)));
    worker.once("error", reject);
  });
}

const percentile = (sorted: ArrayLike<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const sortNumbers = (values: number[]) => Float64Array.from(values).sort();

async function load(baseUrl: string, path: string, headers: Record<string, string>) {
  process.stderr.write(`  ${path}: warming up ${warmupSeconds} s… `);
  await runWorker(baseUrl + path, headers, warmupSeconds);
  process.stderr.write(`measuring ${durationSeconds} s… `);
  const raw = await runWorker(baseUrl + path, headers, durationSeconds);
  const bad = Object.keys(raw.statusCounts).filter((code) => code !== "200");
  if (raw.completed === 0 || raw.errors || raw.timeouts || bad.length) throw new Error(`${path}: ${raw.completed} completed, statuses ${JSON.stringify(raw.statusCounts)}, ${raw.errors} errors`);
  const sorted = Float64Array.from(raw.times).sort();
  process.stderr.write(`${raw.completed} requests\n`);
  return { path, rps: raw.completed / raw.duration, p50: percentile(sorted, 50), p95: percentile(sorted, 95), completed: raw.completed, kib: raw.bytes / raw.completed / 1024 };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function table(rows: string[][]) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("   ")).join("\n");
}

async function main() {
  process.stderr.write("bench:students: checking the production build…\n");
  if (ensureBuild()) process.stderr.write("bench:students: built the app\n");
  const { handle, label } = await openBenchDatabase();
  let server: TestServer | undefined;
  try {
    await handle.migrate();
    await ensureCatalog(handle.db);
    const started = performance.now();
    const generated = await generateSchool(handle.db);
    await handle.query("analyze");
    process.stderr.write(`bench:students: generated ${STUDENTS} students × ${WEEKS} weeks (${generated.weeks} indicator rows) on ${label} in ${Math.round(performance.now() - started)} ms\n`);

    // 1. Flags, computed from the database every time (no cache): both weeks' summaries and every student's signals.
    const actor = actorOf(generated.principal, [generated.school.id]);
    const first = await weeklyMeeting(handle.db, actor, generated.school.id, null);
    if (first.students !== STUDENTS || !first.week || !first.previous) throw new Error(`the meeting summarised ${first.students} students, expected ${STUDENTS}`);
    const settings = await getStudentSettings(handle.db, generated.district.id);
    const flagTimes: number[] = [];
    let flaggedNow = 0;
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      const summaries = await schoolSummaries(handle.db, generated.school.id, [first.week, first.previous]);
      flaggedNow = summaries.get(first.week)!.filter((s) => signalsFor(s, settings).length > 0).length;
      for (const s of summaries.get(first.previous)!) signalsFor(s, settings);
      flagTimes.push(performance.now() - t);
    }
    if (flaggedNow !== first.flagged) throw new Error(`uncached flags (${flaggedNow}) differ from the meeting's (${first.flagged})`);
    const flags = sortNumbers(flagTimes);
    // The meeting's domain call as a request makes it: summaries from the cache (current revision), open plans, names
    // of the rows shown, signals, and the access log entry.
    const meetingTimes: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await weeklyMeeting(handle.db, actor, generated.school.id, null);
      meetingTimes.push(performance.now() - t);
    }
    const meetingCall = sortNumbers(meetingTimes);

    // 2. The page over HTTP, one request at a time.
    server = await startTestServer(handle);
    const client = new TestClient(server.url);
    await client.signIn(EMAIL, PASSWORD);
    const meetingPath = `/students/schools/${generated.school.id}`;
    const page = await client.get(meetingPath);
    if (page.status !== 200 || !page.text.includes("Weekly meeting — Benchmark Elementary")) throw new Error(`GET ${meetingPath} answered ${page.status}`);
    const shown = (page.text.match(/<tr><th scope="row"><a /g) ?? []).length;
    const pageTimes: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      const res = await client.get(meetingPath);
      if (res.status !== 200) throw new Error(`GET ${meetingPath} answered ${res.status}`);
      pageTimes.push(performance.now() - t);
    }
    const pages = sortNumbers(pageTimes);
    process.stderr.write(`bench:students: flags p50 ${percentile(flags, 50).toFixed(1)} ms, page p50 ${percentile(pages, 50).toFixed(1)} ms (${Math.round(Buffer.byteLength(page.text) / 1024)} KiB)\n`);

    // 3. Under load, against /healthz.
    const headers = { cookie: client.cookieHeader(), "accept-encoding": "gzip, deflate, br" };
    process.stderr.write(`bench:students: server at ${server.url}; ${connections} connections\n`);
    const healthz = await load(server.url, "/healthz", headers);
    const meeting = await load(server.url, meetingPath, headers);
    const ratio = meeting.rps / healthz.rps;
    const targetsMet = { flagsP95: percentile(flags, 95) < TARGET_P95_MS, pageP95: percentile(pages, 95) < TARGET_P95_MS };
    const mark = (ok: boolean) => (ok ? "met" : "NOT met");

    console.log(
      [
        "",
        `Cyclekeeper student support benchmark — ${label}, Node ${process.version}, ${os.cpus().length} CPUs`,
        `School: ${STUDENTS} students × ${WEEKS} weeks (${generated.weeks} indicator rows), ${OPEN_PLANS} open plans; the meeting shows ${shown} rows, ${first.flagged} students flagged`,
        `Sequential: ${samples} samples each. Load: ${connections} connections, ${warmupSeconds} s warm-up then ${durationSeconds} s per URL`,
        "",
        table([
          ["Measurement", "p50 ms", "p95 ms", "req/s", "requests", "KiB/resp"],
          ["Flags for two weeks, uncached", percentile(flags, 50).toFixed(1), percentile(flags, 95).toFixed(1), "–", String(samples), "–"],
          ["Meeting domain call (cache warm)", percentile(meetingCall, 50).toFixed(1), percentile(meetingCall, 95).toFixed(1), "–", String(samples), "–"],
          ["Meeting page, one at a time", percentile(pages, 50).toFixed(1), percentile(pages, 95).toFixed(1), "–", String(samples), "–"],
          ["/healthz under load", healthz.p50.toFixed(1), healthz.p95.toFixed(1), healthz.rps.toFixed(1), String(healthz.completed), healthz.kib.toFixed(1)],
          ["Meeting page under load", meeting.p50.toFixed(1), meeting.p95.toFixed(1), meeting.rps.toFixed(1), String(meeting.completed), meeting.kib.toFixed(1)],
        ]),
        "",
        `Flags p95 ${percentile(flags, 95).toFixed(1)} ms (target < ${TARGET_P95_MS} ms: ${mark(targetsMet.flagsP95)}); page p95 ${percentile(pages, 95).toFixed(1)} ms (target < ${TARGET_P95_MS} ms: ${mark(targetsMet.pageP95)})`,
        `Ratio meeting page ÷ /healthz req/s: ${ratio.toFixed(4)}`,
        "",
      ].join("\n"),
    );
    const figures = {
      students: STUDENTS,
      weeks: WEEKS,
      indicatorRows: generated.weeks,
      rowsShown: shown,
      flagged: first.flagged,
      flagsP50Ms: round(percentile(flags, 50)),
      flagsP95Ms: round(percentile(flags, 95)),
      meetingCallP95Ms: round(percentile(meetingCall, 95)),
      pageP50Ms: round(percentile(pages, 50)),
      pageP95Ms: round(percentile(pages, 95)),
      meetingRps: round(meeting.rps, 2),
      meetingLoadP95Ms: round(meeting.p95),
      healthzRps: round(healthz.rps, 2),
      driver: handle.kind,
      connections,
      durationSeconds,
      targetsMet,
      ratio: round(ratio, 4),
    };
    await server.close();
    server = undefined;
    await handle.close();
    console.log(JSON.stringify(figures));
  } finally {
    if (server) await server.close().catch(() => {});
  }
}

// Run as a script (npm run bench:students); imported, it only lends its data generator.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`bench:students failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}
