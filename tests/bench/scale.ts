// `npm run bench:scale`: the bench:collab workload (D documents × C editors typing at a steady rate) spread over 1, 2
// and 3 collaboration instances on this machine, sharing one PostgreSQL database and linked through Redis. Each
// document's editors are spread over every instance, so every edit crosses instances (the worst case for fan-out).
// Prints a table, then (as its last line) one JSON object of figures whose `ratio` is 2-instance acknowledged
// updates/s ÷ 1-instance acknowledged updates/s (the 1-instance baseline runs as one instance runs by default: alone,
// without Redis; "1+redis" is the same single instance in cluster mode, to show what the mode itself costs).
//
//   BENCH_DATABASE_URL   PostgreSQL admin URL (default postgres://postgres@127.0.0.1:5432/test): a throwaway database
//                        per configuration is created there and dropped afterwards
//   BENCH_REDIS_URL      Redis (default redis://127.0.0.1:6379); each run uses channels under a prefix of its own
//   BENCH_CONFIGS        which configurations, in order (default "1,1+redis,2,3")
//   BENCH_DOCS, BENCH_CLIENTS, BENCH_RATE, BENCH_SECONDS (default 20), BENCH_WARMUP_SECONDS, BENCH_DRAIN_SECONDS (default
//                        20: several processes on two cores drain slower) as bench:collab
import { randomBytes } from "node:crypto";
import os from "node:os";
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { cycles } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import { readConfig } from "~/config";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { createSession, sessionCookieName } from "~/modules/people/session.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { DocumentStore } from "../../server/collab/persistence";
import { actorOf, makeDistrict, makeSchool, makeUser } from "../factories";
import { Child, start } from "./collab";
import type { LoadCommand, LoadReport } from "./collab-load";
import { positiveNumber } from "./settings";
import { openThrowawayPostgres } from "./throwaway-postgres";

interface Config {
  label: string;
  instances: number;
  redis: boolean;
}

interface CpuReport {
  ms: number;
  runQueueMs: number | null;
}

interface Figures {
  label: string;
  instances: number;
  redis: boolean;
  acknowledgedPerSecond: number;
  /** Keystrokes the load generator managed to send per second (below the offered rate when it runs short of CPU). */
  sentPerSecond: number;
  offeredPerSecond: number;
  fanOutP50Ms: number;
  fanOutP99Ms: number;
  fanOutMaxMs: number;
  ackP99Ms: number;
  unacknowledged: number;
  convergedDocuments: number;
  storedDocumentsMatching: number;
  /** CPU of all instances together, as a share of one core, and the share of the window they waited for a core. */
  serverCpuShare: number;
  serverRunQueueShare: number;
  loadEventLoopUtilization: number;
  problems: string[];
}

const adminUrl = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379";
const settings = {
  documents: Math.round(positiveNumber("BENCH_DOCS", 20)),
  clients: Math.max(2, Math.round(positiveNumber("BENCH_CLIENTS", 10))),
  rate: positiveNumber("BENCH_RATE", 5),
  seconds: positiveNumber("BENCH_SECONDS", 20),
  warmupSeconds: positiveNumber("BENCH_WARMUP_SECONDS", 5),
  drainSeconds: positiveNumber("BENCH_DRAIN_SECONDS", 20),
};
const configs: Config[] = (process.env.BENCH_CONFIGS || "1,1+redis,2,3").split(",").map((raw) => {
  const match = /^([1-9])(\+redis)?$/.exec(raw.trim());
  if (!match) throw new Error(`BENCH_CONFIGS: "${raw}" is not a count of instances (1–9, "1+redis" for one instance in cluster mode)`);
  const instances = Number(match[1]);
  return { label: raw.trim(), instances, redis: instances > 1 || Boolean(match[2]) };
});

const log = (text: string) => process.stderr.write(`bench:scale ${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A district with one plan per cycle and an editor (with a session) per ticket, as bench:collab seeds it. */
async function seed(handle: Awaited<ReturnType<typeof openThrowawayPostgres>>["handle"]) {
  await handle.migrate();
  await ensureCatalog(handle.db);
  const config = readConfig({ NODE_ENV: "production", COOKIE_SECURE: "0" });
  const district = await makeDistrict(handle.db);
  for (let i = 0; i < settings.documents - 1; i++) await makeSchool(handle.db, district.id, { name: `Bench School ${i + 1}` });
  const lead = await makeUser(handle.db, district.id, "district_lead", { name: "Bench Lead" });
  await createDistrictCycle(handle.db, actorOf(lead), { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" });
  const cycleRows = await handle.db.select({ id: cycles.id }).from(cycles).where(eq(cycles.districtId, district.id));
  const documentIds: string[] = [];
  for (const cycle of cycleRows.slice(0, settings.documents)) documentIds.push((await ensurePlanDocument(handle.db, actorOf(lead), cycle.id)).id);
  const cookies: string[][] = [];
  for (let d = 0; d < documentIds.length; d++) {
    const row: string[] = [];
    for (let c = 0; c < settings.clients; c++) {
      const editor = await makeUser(handle.db, district.id, "district_lead", { name: `Editor ${d * settings.clients + c + 1}` });
      row.push(`${sessionCookieName(config)}=${await createSession(handle.db, editor.id, config)}`);
    }
    cookies.push(row);
  }
  return { documentIds, cookies };
}

async function measure(config: Config): Promise<Figures> {
  const say = (text: string) => log(`[${config.label}] ${text}`);
  const { handle, name, drop } = await openThrowawayPostgres(adminUrl);
  const instances: Child[] = [];
  let load: Child | null = null;
  try {
    const { documentIds, cookies } = await seed(handle);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const env: Record<string, string> = { BENCH_INSTANCE_DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: "10" };
    if (config.redis) Object.assign(env, { REDIS_URL: redisUrl, REDIS_PREFIX: `ck-bench-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}:` });
    for (let i = 0; i < config.instances; i++) instances.push(new Child(`instance ${i + 1}`, start("scale-server.ts", [], env)));
    const ready = await Promise.all(instances.map((c) => c.next<{ origin: string; url: string }>("ready")));
    say(`${config.instances} instance(s) ready on PostgreSQL (${name})${config.redis ? ` and Redis (${redisUrl})` : ", alone (no Redis)"}`);

    // Editor c of document d goes to instance (d + c) mod N: every document has editors on every instance.
    const documents = documentIds.map((id, d) => ({
      name: id,
      tickets: cookies[d].map((cookie, c) => {
        const target = ready[(d + c) % ready.length];
        return { cookie, origin: target.origin, url: target.url };
      }),
    }));
    load = new Child("load", start("collab-load.ts", [], {}));
    const connect: LoadCommand = { type: "connect", kind: "ours", url: ready[0].url, documents };
    await load.ask(connect, "connected");
    say(`${settings.documents * settings.clients} editors connected and synced; typing for ${settings.warmupSeconds} + ${settings.seconds} s`);
    load.send({ type: "run", rate: settings.rate, warmupSeconds: settings.warmupSeconds, seconds: settings.seconds, drainSeconds: settings.drainSeconds } satisfies LoadCommand);
    const started = Date.now();
    await sleep(settings.warmupSeconds * 1000);
    const cpuBefore = await Promise.all(instances.map((c) => c.ask<CpuReport>({ type: "cpu" }, "cpu")));
    const windowStart = Date.now();
    await sleep(Math.max(0, started + (settings.warmupSeconds + settings.seconds) * 1000 - Date.now()));
    const cpuAfter = await Promise.all(instances.map((c) => c.ask<CpuReport>({ type: "cpu" }, "cpu")));
    const windowMs = Date.now() - windowStart;
    const report = await load.next<LoadReport>("report");
    await load.ask({ type: "close" }, "closed");
    await Promise.all(instances.map((c) => c.ask({ type: "close" }, "closed", 120_000)));

    // Nothing acknowledged may be missing from the database: read every document back as a fresh instance would.
    const store = new DocumentStore(handle.db);
    let storedDocumentsMatching = 0;
    for (const id of documentIds) {
      const loaded = await store.load(id);
      const doc = new Y.Doc();
      if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot.state);
      for (const row of loaded.tail) Y.applyUpdate(doc, row.update);
      if (report.contents[id] !== "" && doc.getXmlFragment("default").toString() === report.contents[id]) storedDocumentsMatching++;
    }
    if (storedDocumentsMatching !== report.convergedDocuments) {
      throw new Error(`only ${storedDocumentsMatching} of ${report.convergedDocuments} converged documents were stored as the editors hold them`);
    }
    const sum = (reports: CpuReport[], key: "ms" | "runQueueMs") => reports.reduce((n, r) => n + (r[key] ?? NaN), 0);
    const figures: Figures = {
      label: config.label,
      instances: config.instances,
      redis: config.redis,
      acknowledgedPerSecond: report.acknowledgedInWindow / report.seconds,
      sentPerSecond: report.sentInWindow / report.seconds,
      offeredPerSecond: settings.documents * settings.clients * settings.rate,
      fanOutP50Ms: report.fanOut.p50,
      fanOutP99Ms: report.fanOut.p99,
      fanOutMaxMs: report.fanOut.max,
      ackP99Ms: report.ack.p99,
      unacknowledged: report.unacknowledged,
      convergedDocuments: report.convergedDocuments,
      storedDocumentsMatching,
      serverCpuShare: (sum(cpuAfter, "ms") - sum(cpuBefore, "ms")) / windowMs,
      serverRunQueueShare: (sum(cpuAfter, "runQueueMs") - sum(cpuBefore, "runQueueMs")) / windowMs,
      loadEventLoopUtilization: report.loadEventLoopUtilization,
      problems: report.problems,
    };
    say(`${Math.round(figures.acknowledgedPerSecond)} acknowledged updates/s, fan-out p99 ${figures.fanOutP99Ms.toFixed(1)} ms`);
    return figures;
  } finally {
    load?.stop();
    for (const c of instances) c.stop();
    await sleep(300);
    await handle.close().catch(() => {});
    await drop().catch((error: Error) => log(`dropping ${name} failed: ${error.message}`));
  }
}

const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

function table(rows: string[][]) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) => r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join("   ")).join("\n");
}

async function main() {
  const loadBefore = os.loadavg()[0];
  const results: Figures[] = [];
  for (const config of configs) results.push(await measure(config));
  const byLabel = new Map(results.map((f) => [f.label, f]));
  const baseline = byLabel.get("1");
  const ratioTo = (f: Figures | undefined, base: Figures | undefined) => (f && base && base.acknowledgedPerSecond > 0 ? f.acknowledgedPerSecond / base.acknowledgedPerSecond : null);
  const ratio2 = ratioTo(byLabel.get("2"), baseline);
  const ratio3 = ratioTo(byLabel.get("3"), baseline);
  const editors = settings.documents * settings.clients;
  const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(n * 100)} %` : "–");
  console.log(
    [
      "",
      `Cyclekeeper scale benchmark — Node ${process.version}, ${os.cpus().length} CPUs, loopback, load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
      `Load: ${settings.documents} documents × ${settings.clients} editors = ${editors} editors, ${settings.rate} keystrokes/s each (${editors * settings.rate} updates/s offered), ` +
        `${settings.warmupSeconds} s warm-up then ${settings.seconds} s measured per configuration; each document's editors spread over every instance.`,
      `Every instance is a process of its own on the same PostgreSQL (a fresh database per configuration); "1" runs alone (no Redis), the others through Redis.`,
      `Acknowledged = seen by every other editor of the document; fan-out = keystroke sent → seen by one other editor.`,
      `Sent = keystrokes the load generator (one process) got out; "load ELU" near 1 means it, not the servers, set the pace.`,
      "",
      table([
        ["instances", "acked upd/s", "sent/s", "offered", "× 1 instance", "fan-out p50 ms", "p99 ms", "max ms", "ack p99 ms", "server CPU (cores)", "waiting for CPU", "load ELU", "unacked", "converged / stored"],
        ...results.map((f) => [
          f.label,
          f.acknowledgedPerSecond.toFixed(1),
          f.sentPerSecond.toFixed(1),
          String(f.offeredPerSecond),
          ratioTo(f, baseline)?.toFixed(3) ?? "–",
          f.fanOutP50Ms.toFixed(1),
          f.fanOutP99Ms.toFixed(1),
          f.fanOutMaxMs.toFixed(1),
          f.ackP99Ms.toFixed(1),
          f.serverCpuShare.toFixed(2),
          pct(f.serverRunQueueShare),
          f.loadEventLoopUtilization.toFixed(2),
          String(f.unacknowledged),
          `${f.convergedDocuments}/${settings.documents} / ${f.storedDocumentsMatching}`,
        ]),
      ]),
      "",
      `Ratio 2 instances ÷ 1 instance, acknowledged updates/s: ${ratio2?.toFixed(3) ?? "–"}`,
      `Ratio 3 instances ÷ 1 instance, acknowledged updates/s: ${ratio3?.toFixed(3) ?? "–"}`,
      ...results.flatMap((f) => f.problems.map((p) => `  ${f.label}: ${p}`)),
      "",
    ].join("\n"),
  );
  const compact = (f: Figures) => ({
    instances: f.instances,
    redis: f.redis,
    acknowledgedPerSecond: round(f.acknowledgedPerSecond),
    sentPerSecond: round(f.sentPerSecond),
    offeredPerSecond: f.offeredPerSecond,
    fanOutP50Ms: round(f.fanOutP50Ms, 2),
    fanOutP99Ms: round(f.fanOutP99Ms, 2),
    fanOutMaxMs: round(f.fanOutMaxMs, 2),
    ackP99Ms: round(f.ackP99Ms, 2),
    serverCpuCores: round(f.serverCpuShare, 2),
    serverRunQueueShare: round(f.serverRunQueueShare, 2),
    unacknowledged: f.unacknowledged,
    convergedDocuments: f.convergedDocuments,
    storedDocumentsMatching: f.storedDocumentsMatching,
  });
  return {
    documents: settings.documents,
    clientsPerDocument: settings.clients,
    editors,
    ratePerEditor: settings.rate,
    durationSeconds: settings.seconds,
    cpus: os.cpus().length,
    loadAverage: [round(loadBefore, 2), round(os.loadavg()[0], 2)],
    configurations: Object.fromEntries(results.map((f) => [f.label, compact(f)])),
    ratio3: ratio3 === null ? null : round(ratio3, 4),
    ratio: ratio2 === null ? null : round(ratio2, 4),
  };
}

main().then(
  // The last line: one JSON object, for scripts and CI.
  (figures) => console.log(JSON.stringify(figures)),
  (error) => {
    console.error(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
