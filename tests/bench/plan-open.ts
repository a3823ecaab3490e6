// `npm run bench:planopen`: how long the action plan takes to open — the page (loader, stored state, server render)
// and then the live socket's first sync — first on a quiet plan, then while many editors are connected and typing.
// Prints a table, then (as its last line) one JSON object of figures. Target: p95 of a full open under 2 s.
//
//   BENCH_EDITORS          editors connected and typing on the plan (default 100)
//   BENCH_RATE             keystrokes per second per editor (default 1: a room of people writing together)
//   BENCH_SECONDS          measured seconds per phase (default 20)
//   BENCH_OPENERS          people opening the plan at the same time, each again as soon as it opened (default 4)
//   BENCH_CPU_PROFILE      a directory: a V8 CPU profile of the server's thread during the busy phase is written there
//   BENCH_DATABASE_URL     PostgreSQL admin URL: a throwaway database is created there and dropped afterwards;
//                          unset, PGlite in memory
import "./production-mode";
import fs from "node:fs";
import os from "node:os";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { pathToFileURL } from "node:url";
import { WebSocket } from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { ensureCatalog } from "#db/seed/catalog.server";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { createSession, sessionCookieName } from "~/modules/people/session.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { actorOf, makeDistrict, makeUser } from "../factories";
import { ensureBuild } from "../../server/build";
import { startTestServer } from "../setup/server";
import { Child, start } from "./collab";
import type { LoadCommand, LoadReport } from "./collab-load";
import { openBenchDatabase, table } from "./dashboard";
import { positiveNumber } from "./settings";

const TARGET_P95_MS = 2_000;

interface Settings {
  editors: number;
  rate: number;
  seconds: number;
  openers: number;
  profileDir: string | null;
}

interface OpenSample {
  pageMs: number;
  socketMs: number;
  totalMs: number;
}

interface Phase {
  opens: number;
  pageP50Ms: number;
  pageP95Ms: number;
  pageP99Ms: number;
  socketP50Ms: number;
  socketP95Ms: number;
  socketP99Ms: number;
  openP50Ms: number;
  openP95Ms: number;
  openP99Ms: number;
  openMaxMs: number;
  /** CPU time of the server's main thread (it runs the page, the sockets and, with PGlite, the database) in the phase. */
  serverCpuMs: number | null;
  /** How long that thread sat runnable waiting for a core (other processes' work on a shared machine). */
  serverRunQueueMs: number | null;
  failures: string[];
}

/** The main thread's CPU and run-queue time so far (Linux schedstat; null elsewhere). This process is the server. */
function schedstat(): { cpuMs: number; waitMs: number } | null {
  try {
    const [cpu, wait] = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ").map(Number);
    return { cpuMs: cpu / 1e6, waitMs: wait / 1e6 };
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
}

/** The socket part of opening: upgrade, then our sync step 1 answered by the whole document (step 2). */
function syncOnce(wsUrl: string, cookie: string, origin: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { headers: { cookie, origin } });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error("socket: no sync within 30 s"));
    }, 30_000);
    socket.binaryType = "nodebuffer";
    socket.once("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`socket: upgrade answered ${res.statusCode}`));
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once("open", () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeSyncStep1(encoder, new Y.Doc());
      socket.send(encoding.toUint8Array(encoder));
    });
    socket.on("message", (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(decoder) !== 0 || decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) return;
      clearTimeout(timer);
      resolve(performance.now() - started);
      socket.close();
    });
  });
}

/** `openers` people opening the plan over and over for `seconds`: page first, then the socket, as the browser does. */
async function measureOpens(baseUrl: string, cycleId: string, documentId: string, cookies: string[], seconds: number): Promise<Phase> {
  const samples: OpenSample[] = [];
  const failures: string[] = [];
  const until = performance.now() + seconds * 1000;
  const wsUrl = `${baseUrl.replace(/^http/, "ws")}/collab/${documentId}`;
  const before = schedstat();
  await Promise.all(
    cookies.map(async (cookie) => {
      while (performance.now() < until) {
        const started = performance.now();
        try {
          const res = await fetch(`${baseUrl}/cycles/${cycleId}/plan`, { headers: { cookie, "accept-encoding": "gzip, deflate, br" } });
          const html = await res.text();
          if (res.status !== 200 || !html.includes("ck-doc")) throw new Error(`page answered ${res.status}`);
          const pageMs = performance.now() - started;
          const socketMs = await syncOnce(wsUrl, cookie, baseUrl);
          samples.push({ pageMs, socketMs, totalMs: performance.now() - started });
        } catch (error) {
          failures.push((error as Error).message);
          await sleep(200);
        }
      }
    }),
  );
  const after = schedstat();
  const page = samples.map((s) => s.pageMs);
  const socket = samples.map((s) => s.socketMs);
  const total = samples.map((s) => s.totalMs);
  return {
    opens: samples.length,
    pageP50Ms: percentile(page, 50),
    pageP95Ms: percentile(page, 95),
    pageP99Ms: percentile(page, 99),
    socketP50Ms: percentile(socket, 50),
    socketP95Ms: percentile(socket, 95),
    socketP99Ms: percentile(socket, 99),
    openP50Ms: percentile(total, 50),
    openP95Ms: percentile(total, 95),
    openP99Ms: percentile(total, 99),
    openMaxMs: percentile(total, 100),
    serverCpuMs: before && after ? Math.round(after.cpuMs - before.cpuMs) : null,
    serverRunQueueMs: before && after ? Math.round(after.waitMs - before.waitMs) : null,
    failures: [...new Set(failures)].slice(0, 5),
  };
}

async function startProfiler(profileDir: string) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    fs.mkdirSync(profileDir, { recursive: true });
    const file = path.join(profileDir, `plan-open-${Date.now()}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`profile written to ${file}\n`);
  };
}

export async function runPlanOpenBench(settings: Settings) {
  if (ensureBuild()) process.stderr.write("plan-open: built the app\n");
  const { handle, label } = await openBenchDatabase();
  const db = handle.db;
  let load: Child | null = null;
  await handle.migrate();
  await ensureCatalog(db);
  const server = await startTestServer(handle);
  try {
    const district = await makeDistrict(db);
    const lead = await makeUser(db, district.id, "district_lead");
    const cycle = await createDistrictCycle(db, actorOf(lead), { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" });
    const plan = await ensurePlanDocument(db, actorOf(lead), cycle.id);
    const cookieOf = async (userId: string) => `${sessionCookieName(server.config)}=${await createSession(db, userId, server.config)}`;
    const editors = await Promise.all(Array.from({ length: settings.editors }, () => makeUser(db, district.id, "district_team")));
    const tickets = await Promise.all(editors.map(async (e) => ({ cookie: await cookieOf(e.id), origin: server.url })));
    const openers = await Promise.all(
      Array.from({ length: settings.openers }, async () => cookieOf((await makeUser(db, district.id, "district_team")).id)),
    );

    process.stderr.write(`plan-open: ${label}; ${settings.openers} people opening the plan for ${settings.seconds} s, first on a quiet plan…\n`);
    const quiet = await measureOpens(server.url, cycle.id, plan.id, openers, settings.seconds);

    process.stderr.write(`plan-open: connecting ${settings.editors} editors…\n`);
    load = new Child("load", start("collab-load.ts", [], {}));
    const connect: LoadCommand = { type: "connect", kind: "ours", url: `${server.url.replace(/^http/, "ws")}/collab`, documents: [{ name: plan.id, tickets }] };
    await load.ask(connect, "connected", 300_000);
    const warmupSeconds = 3;
    const run: LoadCommand = { type: "run", rate: settings.rate, warmupSeconds, seconds: settings.seconds + 2, drainSeconds: 10 };
    load.send(run);
    await sleep(warmupSeconds * 1000);
    process.stderr.write(`plan-open: ${settings.editors} editors typing ${settings.rate}/s each; opening the plan for ${settings.seconds} s…\n`);
    const stopProfile = settings.profileDir ? await startProfiler(settings.profileDir) : null;
    const busy = await measureOpens(server.url, cycle.id, plan.id, openers, settings.seconds);
    await stopProfile?.();
    const typing = await load.next<LoadReport>("report", 120_000);
    await load.ask({ type: "close" }, "closed", 30_000).catch(() => {});

    const rows = [
      ["phase", "opens", "page p50/p95/p99 ms", "socket p50/p95/p99 ms", "open p50/p95/p99/max ms", "server cpu / waiting for a core ms"],
      ...([["quiet", quiet], [`${settings.editors} editors`, busy]] as const).map(([name, p]) => [
        name,
        String(p.opens),
        `${p.pageP50Ms} / ${p.pageP95Ms} / ${p.pageP99Ms}`,
        `${p.socketP50Ms} / ${p.socketP95Ms} / ${p.socketP99Ms}`,
        `${p.openP50Ms} / ${p.openP95Ms} / ${p.openP99Ms} / ${p.openMaxMs}`,
        `${p.serverCpuMs ?? "?"} / ${p.serverRunQueueMs ?? "?"}`,
      ]),
    ];
    console.log(table(rows));
    console.log(
      `editors: ${typing.acknowledgedInWindow} edits acknowledged in the window, fan-out p50 ${Math.round(typing.fanOut.p50)} ms, p99 ${Math.round(typing.fanOut.p99)} ms, ${typing.unacknowledged} unacknowledged`,
    );
    for (const failure of [...quiet.failures, ...busy.failures]) console.log(`failure: ${failure}`);
    return {
      driver: handle.kind,
      loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
      editors: settings.editors,
      ratePerEditor: settings.rate,
      openers: settings.openers,
      seconds: settings.seconds,
      quiet,
      busy,
      editorsFanOutP99Ms: Math.round(typing.fanOut.p99),
      editorsAcknowledged: typing.acknowledgedInWindow,
      target: { openP95Ms: TARGET_P95_MS, met: busy.openP95Ms < TARGET_P95_MS && busy.failures.length === 0 },
    };
  } finally {
    load?.stop();
    await server.close().catch(() => {});
    await handle.close().catch(() => {});
  }
}

function settingsFromEnv(): Settings {
  return {
    editors: positiveNumber("BENCH_EDITORS", 100),
    rate: positiveNumber("BENCH_RATE", 1),
    seconds: positiveNumber("BENCH_SECONDS", 20),
    openers: positiveNumber("BENCH_OPENERS", 4),
    profileDir: process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : null,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runPlanOpenBench(settingsFromEnv()).then(
    (figures) => console.log(JSON.stringify(figures)),
    (error) => {
      console.error(`bench:planopen failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    },
  );
}
