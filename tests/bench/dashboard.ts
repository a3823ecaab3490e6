// `npm run bench:dashboard`: the district roll-up page of a large generated district against /healthz, on the same
// in-process production server in the same run. Prints a table, then (as its last line) one JSON object of figures.
//
//   BENCH_SECONDS          measured seconds per URL (default 10)
//   BENCH_WARMUP_SECONDS   unmeasured warm-up per URL before measuring (default 3)
//   BENCH_CONNECTIONS      concurrent connections (default 10)
//   BENCH_ACCEPT_ENCODING  Accept-Encoding sent with every request (default "gzip, deflate, br", as a browser;
//                          "identity" measures uncompressed responses)
//   BENCH_ANALYZE          "0" skips ANALYZE after generating the data (default: analyze, see tests/bench/README.md)
//   BENCH_CPU_PROFILE      a directory: each measured run also writes a V8 CPU profile of the server thread there
//   BENCH_DATABASE_URL     PostgreSQL admin URL: a throwaway database is created there and dropped afterwards;
//                          unset, the data lives in an in-memory PGlite
import "./production-mode";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { count, eq } from "drizzle-orm";
import { openDatabase, type Database, type DatabaseHandle } from "#db/client.server";
import { cycles, districts, goalRevisions, goals, rubricScores, schools, users } from "#db/schema";
import { createDefaultRubric, ensureCatalog } from "#db/seed/catalog.server";
import { snapshotOf } from "~/modules/cycles/goals.server";
import { hashPassword } from "~/modules/people/password.server";
import { findOrCreatePerson } from "~/modules/people/people.server";
import { ensureBuild } from "../../server/build";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { openThrowawayPostgres } from "./throwaway-postgres";
import { positiveNumber } from "./settings";

const SCHOOLS = 200;
const CHECKPOINTS = ["baseline", "midyear", "endyear"] as const;
const GOALS = 50;
const START_YEAR = 2026;
const LEAD_EMAIL = "lead@bench.example";
const LEAD_PASSWORD = "benchmark-password";
const TARGET_RATIO = 0.3;
const TARGET_P95_MS = 150;
const SIGNED_IN_REFERENCE = "/account";

const durationSeconds = positiveNumber("BENCH_SECONDS", 10);
const warmupSeconds = positiveNumber("BENCH_WARMUP_SECONDS", 3);
const connections = Math.round(positiveNumber("BENCH_CONNECTIONS", 10));
const acceptEncoding = process.env.BENCH_ACCEPT_ENCODING || "gzip, deflate, br";
const analyze = process.env.BENCH_ANALYZE !== "0";
const profileDir = process.env.BENCH_CPU_PROFILE || null;

// ---------------------------------------------------------------------------------------------------------------
// Database

interface BenchDatabase {
  handle: DatabaseHandle;
  /** "pglite (memory)" or "postgres (ck_bench_…)". */
  label: string;
}

export async function openBenchDatabase(): Promise<BenchDatabase> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) {
    const handle = await openDatabase({ memory: true });
    return { handle, label: "pglite (memory)" };
  }
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

// ---------------------------------------------------------------------------------------------------------------
// Data: 200 schools × 16 rubric items × 3 checkpoints, and 50 goals

const schoolWords = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Hawthorn", "Juniper", "Linden", "Maple"];
const schoolLevels = ["elementary", "middle", "high", "k8"] as const;
const levelNames = { elementary: "Elementary", middle: "Middle", high: "High", k8: "K–8" } as const;

function schoolName(index: number) {
  const level = schoolLevels[index % schoolLevels.length];
  return `${schoolWords[index % schoolWords.length]} ${levelNames[level]} ${String(index + 1).padStart(3, "0")}`;
}

/** Deterministic levels 1–4 that mostly rise through the year; about one school in seven slips back by the end. */
function levelFor(school: number, item: number, checkpoint: number) {
  const clamp = (n: number) => Math.min(4, Math.max(1, n));
  const baseline = 1 + ((school * 7 + item * 3) % 3);
  const midyear = clamp(baseline + ((school + item) % 3 === 0 ? 1 : 0) - ((school * item) % 11 === 5 ? 1 : 0));
  const slipping = school % 7 === 3;
  const endyear = slipping
    ? clamp(midyear - ((school + item) % 2 === 0 ? 1 : 0))
    : clamp(midyear + ((school * 5 + item) % 4 === 0 ? 0 : 1) - ((school + item * 2) % 13 === 0 ? 1 : 0));
  return [baseline, midyear, endyear][checkpoint];
}

async function insertInChunks<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

interface GeneratedDistrict {
  districtCycleId: string;
  schoolCycleIds: Set<string>;
  items: number;
  scores: number;
  goals: number;
}

export async function generateDistrict(db: Database): Promise<GeneratedDistrict> {
  const [district] = await db.insert(districts).values({ slug: "benchmark", name: "Benchmark Unified School District" }).returning();
  const schoolRows = await db
    .insert(schools)
    .values(Array.from({ length: SCHOOLS }, (_, i) => ({ districtId: district.id, name: schoolName(i), level: schoolLevels[i % schoolLevels.length] })))
    .returning({ id: schools.id });
  const person = await findOrCreatePerson(db, LEAD_EMAIL, await hashPassword(LEAD_PASSWORD));
  const [lead] = await db
    .insert(users)
    .values({
      personId: person.id,
      districtId: district.id,
      email: person.email,
      name: "Benchmark Lead",
      role: "district_lead",
      status: "active",
      joinedAt: new Date(),
    })
    .returning();
  const rubric = await createDefaultRubric(db, district.id, lead.id);
  const items = rubric.items;

  // What createDistrictCycle writes: the district's cycle and one cycle per active school, on the same dates and rubric.
  const dates = { baselineDate: `${START_YEAR}-09-15`, midyearDate: `${START_YEAR + 1}-01-20`, endyearDate: `${START_YEAR + 1}-05-25` };
  const [districtCycle] = await db
    .insert(cycles)
    .values({ districtId: district.id, startYear: START_YEAR, rubricVersionId: rubric.version.id, ...dates })
    .returning();
  const schoolCycles = await db
    .insert(cycles)
    .values(
      schoolRows.map((school) => ({
        districtId: district.id,
        schoolId: school.id,
        districtCycleId: districtCycle.id,
        startYear: START_YEAR,
        rubricVersionId: rubric.version.id,
        ...dates,
      })),
    )
    .returning({ id: cycles.id });

  const scoredAt = new Date(`${START_YEAR + 1}-05-25T12:00:00Z`);
  const scores = schoolCycles.flatMap((cycle, s) =>
    items.flatMap((item, i) =>
      CHECKPOINTS.map((checkpoint, c) => ({
        cycleId: cycle.id,
        rubricItemId: item.id,
        checkpoint,
        level: levelFor(s, i, c),
        evidence: `Evidence for ${item.title.toLowerCase()} at ${checkpoint}.`,
        scoredBy: lead.id,
        scoredAt,
      })),
    ),
  );
  await insertInChunks(scores, 1000, (chunk) => db.insert(rubricScores).values(chunk));

  // Implementation goals on the district cycle, mirrored to every school (not on the roll-up page yet, but present).
  const goalRows = await db
    .insert(goals)
    .values(
      Array.from({ length: GOALS }, (_, n) => {
        const item = items[n % items.length];
        return {
          cycleId: districtCycle.id,
          kind: "implementation" as const,
          title: `Goal ${n + 1}: ${item.title}`,
          description: `Every school reaches level ${3 + (n % 2)} on “${item.title}” by the end of the year.`,
          rubricItemId: item.id,
          targetLevel: 3 + (n % 2),
          targetCheckpoint: "endyear" as const,
          mirrorScope: "all_schools" as const,
          createdBy: lead.id,
        };
      }),
    )
    .returning();
  // Version 1 of each goal, as createGoal records it.
  await db.insert(goalRevisions).values(
    goalRows.map((goal) => ({
      goalId: goal.id,
      version: goal.version,
      changedBy: lead.id,
      snapshot: snapshotOf(goal, []),
    })),
  );

  const [scoreCount] = await db
    .select({ n: count() })
    .from(rubricScores)
    .innerJoin(cycles, eq(cycles.id, rubricScores.cycleId))
    .where(eq(cycles.districtCycleId, districtCycle.id));
  const [goalCount] = await db.select({ n: count() }).from(goals).where(eq(goals.cycleId, districtCycle.id));
  const expectedScores = SCHOOLS * items.length * CHECKPOINTS.length;
  if (scoreCount.n !== expectedScores) throw new Error(`expected ${expectedScores} rubric scores, found ${scoreCount.n}`);
  if (goalCount.n !== GOALS) throw new Error(`expected ${GOALS} goals, found ${goalCount.n}`);
  return {
    districtCycleId: districtCycle.id,
    schoolCycleIds: new Set(schoolCycles.map((c) => c.id)),
    items: items.length,
    scores: scoreCount.n,
    goals: goalCount.n,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Load

interface WorkerResult {
  duration: number;
  completed: number;
  sent: number;
  requestsPerSecondAverage: number;
  bytes: number;
  errors: number;
  timeouts: number;
  resets: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  autocannonLatency: { mean: number; p50: number; p97_5: number; p99: number; max: number };
  times: Float64Array;
}

export interface LoadResult {
  path: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  completed: number;
  bytesPerResponse: number;
  /** Server-thread CPU milliseconds per completed request; null off Linux. */
  cpuMsPerRequest: number | null;
  raw: WorkerResult;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function runWorker(url: string, headers: Record<string, string>, seconds: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./load-worker.mjs", import.meta.url), { workerData: { url, headers, connections, duration: seconds } });
    let settled = false;
    worker.once("message", (message: WorkerResult | { error: string }) => {
      settled = true;
      if ("error" in message) reject(new Error(`autocannon failed on ${url}: ${message.error}`));
      else resolve(message);
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`the load worker for ${url} exited with code ${code} before reporting`));
    });
  });
}

/** Every response must be a 200: a redirect to sign-in or an error page would make any figure meaningless. */
function assertAllOk(label: string, path: string, result: WorkerResult, options: { needCompletions: boolean }) {
  const problems: string[] = [];
  if (options.needCompletions && result.completed === 0) problems.push("no request completed");
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx responses (status counts ${JSON.stringify(result.statusCounts)})`);
  if (result.errors > 0) problems.push(`${result.errors} connection errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  const not200 = Object.keys(result.statusCounts).filter((code) => code !== "200");
  if (not200.length) problems.push(`statuses other than 200: ${not200.join(", ")}`);
  if (problems.length) throw new Error(`${label} of ${path} failed: ${problems.join("; ")}`);
}

/**
 * autocannon stops at its deadline by dropping its connections, but the server still works through the requests
 * already in flight (for a slow page, up to one per connection). Everything the server does here runs on this
 * thread (PGlite included), so wait until this thread's event loop has been nearly idle for a few 100 ms windows
 * before the next phase starts, or leftovers of one phase would be billed to the next.
 */
async function waitUntilServerIdle(maxMs = 30_000) {
  const started = performance.now();
  let previous = performance.eventLoopUtilization();
  let quietWindows = 0;
  while (quietWindows < 3 && performance.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = performance.eventLoopUtilization();
    quietWindows = performance.eventLoopUtilization(now, previous).utilization < 0.05 ? quietWindows + 1 : 0;
    previous = now;
  }
}

/**
 * CPU time of this thread (the server's: Express, Remix, React and PGlite; not the load worker, not zlib's thread
 * pool), from Linux's per-thread counters. Other processes on a shared machine stretch wall-clock figures; they
 * barely move this one. Null where /proc is missing.
 */
function serverThreadCpuMs(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** A CPU profile of this (the server's) thread only: the load generator runs in its own worker. */
async function startProfiler() {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return {
    async stop(urlPath: string) {
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      fs.mkdirSync(profileDir!, { recursive: true });
      const file = path.join(profileDir!, `${urlPath.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "root"}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      process.stderr.write(`(profile ${file}) `);
    },
  };
}

export async function measure(baseUrl: string, path: string, headers: Record<string, string>): Promise<LoadResult> {
  process.stderr.write(`  ${path}: warming up ${warmupSeconds} s… `);
  // A slow page may complete nothing within a short warm-up; whatever did complete must still be a 200.
  assertAllOk("warm-up", path, await runWorker(baseUrl + path, headers, warmupSeconds), { needCompletions: false });
  await waitUntilServerIdle();
  process.stderr.write(`measuring ${durationSeconds} s… `);
  const profiler = profileDir ? await startProfiler() : null;
  const cpuBefore = serverThreadCpuMs();
  const raw = await runWorker(baseUrl + path, headers, durationSeconds);
  // Stopped before the idle wait: a running profiler keeps the event loop busy enough to look never idle.
  if (profiler) await profiler.stop(path);
  await waitUntilServerIdle();
  const cpuAfter = serverThreadCpuMs();
  assertAllOk("measurement", path, raw, { needCompletions: true });
  const sorted = Float64Array.from(raw.times).sort();
  const result: LoadResult = {
    path,
    rps: raw.completed / raw.duration,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    completed: raw.completed,
    bytesPerResponse: raw.bytes / raw.completed,
    // Includes finishing the requests in flight at the deadline, which `completed` does not count: a slight overstatement.
    cpuMsPerRequest: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / raw.completed,
    raw,
  };
  process.stderr.write(`${result.completed} requests\n`);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Report

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function table(rows: string[][]) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) => r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join("   ")).join("\n");
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  process.stderr.write("bench:dashboard: checking the production build…\n");
  if (ensureBuild()) process.stderr.write("bench:dashboard: built the app\n");

  const { handle, label: databaseLabel } = await openBenchDatabase();
  let server: TestServer | undefined;
  let closed = false;
  try {
    await handle.migrate();
    await ensureCatalog(handle.db);
    const started = performance.now();
    const district = await generateDistrict(handle.db);
    // Planner statistics, as a settled database has them: PostgreSQL's autovacuum gathers them soon after a bulk
    // load (when it is on); PGlite never runs autovacuum, so without this its plans rest on default guesses.
    if (analyze) await handle.query("analyze");
    process.stderr.write(
      `bench:dashboard: generated ${SCHOOLS} schools × ${district.items} items × ${CHECKPOINTS.length} checkpoints (${district.scores} scores) and ${district.goals} goals on ${databaseLabel} in ${Math.round(performance.now() - started)} ms\n`,
    );

    server = await startTestServer(handle);
    const client = new TestClient(server.url);
    await client.signIn(LEAD_EMAIL, LEAD_PASSWORD);
    const headers = { cookie: client.cookieHeader(), "accept-encoding": acceptEncoding };

    const rollupPath = `/cycles/${district.districtCycleId}/rollup`;
    // Sanity: the page is the real roll-up with a row per school, and /healthz answers.
    const page = await client.get(rollupPath);
    if (page.status !== 200) throw new Error(`GET ${rollupPath} answered ${page.status}: ${page.text.slice(0, 300)}`);
    const linked = new Set([...page.text.matchAll(/<th scope="row"><a [^>]*?href="\/cycles\/([0-9a-f-]{36})"/g)].map((m) => m[1]));
    const missing = [...district.schoolCycleIds].filter((id) => !linked.has(id));
    if (linked.size !== SCHOOLS || missing.length) {
      throw new Error(`the roll-up shows ${linked.size} school rows, expected ${SCHOOLS} (${missing.length} school cycles missing)`);
    }
    const health = await client.get("/healthz");
    if (health.status !== 200) throw new Error(`GET /healthz answered ${health.status}: ${health.text}`);
    // The second reference: the lightest signed-in page (session check, shell, one small loader, SSR). No roll-up
    // can beat it, so its ratio to /healthz is the ceiling for any server-rendered signed-in page on this machine.
    const account = await client.get(SIGNED_IN_REFERENCE);
    if (account.status !== 200 || !account.text.includes("Your account")) throw new Error(`GET ${SIGNED_IN_REFERENCE} answered ${account.status}`);
    const htmlBytes = Buffer.byteLength(page.text);
    const accountHtmlBytes = Buffer.byteLength(account.text);

    process.stderr.write(`bench:dashboard: server at ${server.url}; ${connections} connections\n`);
    const healthz = await measure(server.url, "/healthz", headers);
    const signedIn = await measure(server.url, SIGNED_IN_REFERENCE, headers);
    const rollup = await measure(server.url, rollupPath, headers);

    const ratio = rollup.rps / healthz.rps;
    const signedInRatio = signedIn.rps / healthz.rps;
    // What the ratio would be if each request's server CPU were all that limited it: steadier on a busy machine.
    const cpuRatio = (r: LoadResult) => (r.cpuMsPerRequest && healthz.cpuMsPerRequest ? healthz.cpuMsPerRequest / r.cpuMsPerRequest : null);
    const targetsMet = { ratio: ratio >= TARGET_RATIO, p95: rollup.p95 < TARGET_P95_MS };
    const mark = (ok: boolean) => (ok ? "met" : "NOT met");

    const lines = [
      "",
      `Cyclekeeper dashboard benchmark — ${databaseLabel}, Node ${process.version}, ${os.cpus().length} CPUs`,
      `District: ${SCHOOLS} schools × ${district.items} rubric items × ${CHECKPOINTS.length} checkpoints (${district.scores} scores), ${district.goals} goals`,
      `Load: ${connections} connections, ${warmupSeconds} s warm-up then ${durationSeconds} s per URL, Accept-Encoding: ${acceptEncoding}`,
      `Planner statistics: ${analyze ? "ANALYZE run after loading the data" : "none (BENCH_ANALYZE=0)"}`,
      `Roll-up HTML: ${round(htmlBytes / 1024)} KiB uncompressed; ${SIGNED_IN_REFERENCE} HTML: ${round(accountHtmlBytes / 1024)} KiB`,
      "",
      table([
        ["URL", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "requests", "non-2xx", "wire KiB/resp", "CPU ms/req"],
        ...[healthz, signedIn, rollup].map((r) => [
          r === rollup ? "/cycles/:id/rollup" : r.path,
          round(r.rps).toFixed(1),
          r.p50.toFixed(1),
          r.p95.toFixed(1),
          r.p99.toFixed(1),
          r.max.toFixed(1),
          String(r.completed),
          String(r.raw.non2xx),
          (r.bytesPerResponse / 1024).toFixed(1),
          r.cpuMsPerRequest === null ? "–" : r.cpuMsPerRequest.toFixed(2),
        ]),
      ]),
      "",
      `Ratio roll-up ÷ /healthz req/s: ${ratio.toFixed(4)}   (target ≥ ${TARGET_RATIO}: ${mark(targetsMet.ratio)})`,
      `Roll-up p95: ${rollup.p95.toFixed(1)} ms        (target < ${TARGET_P95_MS} ms: ${mark(targetsMet.p95)})`,
      `Server-thread CPU per request, /healthz ÷ roll-up: ${cpuRatio(rollup)?.toFixed(4) ?? "–"}; /healthz ÷ ${SIGNED_IN_REFERENCE}: ${cpuRatio(signedIn)?.toFixed(4) ?? "–"}`,
      `Ceiling: ${SIGNED_IN_REFERENCE} ÷ /healthz req/s: ${signedInRatio.toFixed(4)} (the lightest signed-in page; roll-up ÷ ${SIGNED_IN_REFERENCE}: ${(rollup.rps / signedIn.rps).toFixed(3)})`,
      "",
    ];
    console.log(lines.join("\n"));

    const figures = {
      rollupRps: round(rollup.rps, 2),
      healthzRps: round(healthz.rps, 2),
      rollupP95Ms: round(rollup.p95),
      healthzP95Ms: round(healthz.p95),
      rollupP50Ms: round(rollup.p50),
      rollupHtmlKiB: round(htmlBytes / 1024),
      rollupWireKiB: round(rollup.bytesPerResponse / 1024),
      signedInPath: SIGNED_IN_REFERENCE,
      signedInRps: round(signedIn.rps, 2),
      signedInP50Ms: round(signedIn.p50),
      signedInP95Ms: round(signedIn.p95),
      signedInRatio: round(signedInRatio, 4),
      rollupCpuMsPerReq: rollup.cpuMsPerRequest === null ? null : round(rollup.cpuMsPerRequest, 2),
      signedInCpuMsPerReq: signedIn.cpuMsPerRequest === null ? null : round(signedIn.cpuMsPerRequest, 2),
      healthzCpuMsPerReq: healthz.cpuMsPerRequest === null ? null : round(healthz.cpuMsPerRequest, 3),
      rollupCpuRatio: cpuRatio(rollup) === null ? null : round(cpuRatio(rollup)!, 4),
      schools: SCHOOLS,
      items: district.items,
      checkpoints: CHECKPOINTS.length,
      goals: district.goals,
      driver: handle.kind,
      durationSeconds,
      connections,
      analyzed: analyze,
      ratio: round(ratio, 4),
      targetsMet,
    };
    await server.close();
    server = undefined;
    closed = true;
    await handle.close();
    // The last line: one JSON object, for scripts and CI.
    console.log(JSON.stringify(figures));
  } finally {
    if (server) await server.close().catch(() => {});
    if (!closed) await handle.close().catch(() => {});
  }
}

// Run as a script (npm run bench:dashboard); imported, it only lends its data generator.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main().catch((error) => {
  console.error(`bench:dashboard failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
