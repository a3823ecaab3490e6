// `npm run bench:collab`: D documents × C editors typing at a steady rate, against Cyclekeeper's collaboration server
// and, in the same run on the same machine, a default @hocuspocus/server. Prints a table, then (as its last line)
// one JSON object of figures whose `ratio` is our acknowledged updates per second ÷ Hocuspocus's.
//
//   BENCH_DOCS             documents (default 20)
//   BENCH_CLIENTS          editors per document (default 10; 20 × 10 = 200 connected editors)
//   BENCH_RATE             keystrokes per second per editor (default 5)
//   BENCH_SECONDS          measured seconds per server (default 30: long enough to include one 30 s session re-check sweep)
//   BENCH_WARMUP_SECONDS   seconds of typing before measuring (default 5)
//   BENCH_DRAIN_SECONDS    longest wait after typing stops for the last edits to arrive (default 10)
//   BENCH_SERVERS          which servers, in order (default "ours,hocuspocus")
//   BENCH_CPU_PROFILE      a directory: each server process writes a V8 CPU profile there (--cpu-prof)
//   BENCH_DATABASE_URL     PostgreSQL admin URL for our server: a throwaway database is created there and dropped
//                          afterwards; unset, our server uses PGlite on disk in a temp dir
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerKind } from "./collab-clients";
import type { LoadCommand, LoadReport } from "./collab-load";
import type { MemoryReport, ServerReady } from "./collab-server";
import { positiveNumber } from "./settings";

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, "../..");

const TARGET_RATIO = 1.0;
const TARGET_P99_MS = 50;

export interface ServerFigures {
  kind: ServerKind;
  description: string;
  offeredPerSecond: number;
  acknowledgedPerSecond: number;
  sentInWindow: number;
  unacknowledged: number;
  convergedDocuments: number;
  /** Documents whose stored state (read back from the database after closing) equals what the clients hold; null for Hocuspocus. */
  storedDocumentsMatching: number | null;
  fanOut: LoadReport["fanOut"];
  ack: LoadReport["ack"];
  /** Growth per open document (with its editors connected and synced) of the JS heap plus buffers, and of RSS. */
  memoryPerDocumentKiB: number;
  rssPerDocumentKiB: number;
  /** The same after the run, with what was typed in it. */
  memoryPerDocumentAfterRunKiB: number;
  serverCpuMsPerUpdate: number;
  serverCpuShare: number;
  /** Share of the window the server's main thread was runnable but waiting for a core (other processes' CPU use). */
  serverRunQueueShare: number;
  loadEventLoopUtilization: number;
  worstFanOutPerSecond: number[];
  problems: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes

/** A child process that answers commands with typed messages over IPC. */
export class Child {
  private readonly inbox: { type: string }[] = [];
  private waiters: (() => void)[] = [];
  private failure: Error | null = null;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.on("message", (message: { type: string; message?: string }) => {
      if (message.type === "error") this.failure = new Error(`${name}: ${message.message}`);
      else this.inbox.push(message);
      this.wake();
    });
    process.on("exit", (code, signal) => {
      if (code !== 0 && !this.failure) this.failure = new Error(`${name} exited with ${code ?? signal}`);
      else this.failure ??= new Error(`${name} exited`);
      this.wake();
    });
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  send(message: object) {
    this.process.send(message);
  }

  /** The next message of this type; rejects when the child reports an error or exits first. */
  async next<T>(type: string, timeoutMs = 300_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type);
      if (index >= 0) return this.inbox.splice(index, 1)[0] as T;
      if (this.failure) throw this.failure;
      if (Date.now() > deadline) throw new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async ask<T>(message: { type: string }, answer: string, timeoutMs?: number) {
    this.send(message);
    return this.next<T>(answer, timeoutMs);
  }

  stop() {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill();
  }
}

export function start(file: string, args: string[], env: Record<string, string>, execArgv: string[] = []) {
  // tsx's loader, so the children run TypeScript; their stdout goes to our stderr, so our last stdout line stays the JSON.
  return fork(path.join(here, file), args, {
    cwd: projectRoot,
    execArgv: ["--import", "tsx", ...execArgv],
    env: { ...process.env, ...env },
    stdio: ["ignore", 2, 2, "ipc"],
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const heapAndBuffers = (m: MemoryReport) => m.heapUsed + m.external;

interface CpuReport {
  ms: number;
  runQueueMs: number | null;
}

export interface BenchSettings {
  documents: number;
  clients: number;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  drainSeconds: number;
  servers: ServerKind[];
  profileDir: string | null;
}

async function measureServer(kind: ServerKind, settings: BenchSettings): Promise<ServerFigures> {
  const log = (text: string) => process.stderr.write(`bench:collab [${kind}] ${text}\n`);
  const execArgv = ["--expose-gc"];
  if (settings.profileDir) execArgv.push("--cpu-prof", `--cpu-prof-dir=${settings.profileDir}`, `--cpu-prof-name=collab-${kind}-${Date.now()}.cpuprofile`);
  const server = new Child(`${kind} server`, start("collab-server.ts", [kind], { BENCH_DOCS: String(settings.documents), BENCH_CLIENTS: String(settings.clients) }, execArgv));
  let load: Child | null = null;
  try {
    const ready = await server.next<ServerReady>("ready");
    log(`ready: ${ready.description}`);
    const before = await server.ask<MemoryReport>({ type: "memory" }, "memory");

    load = new Child(`${kind} load`, start("collab-load.ts", [], {}));
    const connect: LoadCommand = { type: "connect", kind, url: ready.url, documents: ready.documents };
    await load.ask(connect, "connected");
    const open = await server.ask<MemoryReport>({ type: "memory" }, "memory");
    log(`${settings.documents * settings.clients} editors connected and synced; typing for ${settings.warmupSeconds} + ${settings.seconds} s`);

    const run: LoadCommand = { type: "run", rate: settings.rate, warmupSeconds: settings.warmupSeconds, seconds: settings.seconds, drainSeconds: settings.drainSeconds };
    load.send(run);
    const started = Date.now();
    await sleep(settings.warmupSeconds * 1000);
    const cpuBefore = await server.ask<CpuReport>({ type: "cpu" }, "cpu");
    const windowStart = Date.now();
    await sleep(Math.max(0, started + (settings.warmupSeconds + settings.seconds) * 1000 - Date.now()));
    const cpuAfter = await server.ask<CpuReport>({ type: "cpu" }, "cpu");
    const windowMs = Date.now() - windowStart;
    const report = await load.next<LoadReport>("report");
    const after = await server.ask<MemoryReport>({ type: "memory" }, "memory");
    await load.ask({ type: "close" }, "closed");
    const { stored } = await server.ask<{ stored: Record<string, string> | null }>({ type: "close" }, "closed", 120_000);

    let storedDocumentsMatching: number | null = null;
    if (stored) {
      storedDocumentsMatching = Object.entries(report.contents).filter(([name, content]) => content !== "" && stored[name] === content).length;
      if (storedDocumentsMatching !== report.convergedDocuments) {
        throw new Error(`only ${storedDocumentsMatching} of ${report.convergedDocuments} converged documents were stored as the editors hold them`);
      }
    }
    const acknowledgedPerSecond = report.acknowledgedInWindow / report.seconds;
    const kib = (bytes: number) => bytes / 1024 / settings.documents;
    const figures: ServerFigures = {
      kind,
      description: ready.description,
      offeredPerSecond: settings.documents * settings.clients * settings.rate,
      acknowledgedPerSecond,
      sentInWindow: report.sentInWindow,
      unacknowledged: report.unacknowledged,
      convergedDocuments: report.convergedDocuments,
      storedDocumentsMatching,
      fanOut: report.fanOut,
      ack: report.ack,
      memoryPerDocumentKiB: kib(heapAndBuffers(open) - heapAndBuffers(before)),
      rssPerDocumentKiB: kib(open.rss - before.rss),
      memoryPerDocumentAfterRunKiB: kib(heapAndBuffers(after) - heapAndBuffers(before)),
      serverCpuMsPerUpdate: report.acknowledgedInWindow ? (cpuAfter.ms - cpuBefore.ms) / report.acknowledgedInWindow : NaN,
      serverCpuShare: (cpuAfter.ms - cpuBefore.ms) / windowMs,
      serverRunQueueShare: cpuAfter.runQueueMs === null || cpuBefore.runQueueMs === null ? NaN : (cpuAfter.runQueueMs - cpuBefore.runQueueMs) / windowMs,
      loadEventLoopUtilization: report.loadEventLoopUtilization,
      worstFanOutPerSecond: report.worstFanOutPerSecond,
      problems: report.problems,
    };
    log(`${Math.round(acknowledgedPerSecond)} acknowledged updates/s, fan-out p99 ${figures.fanOut.p99.toFixed(1)} ms`);
    return figures;
  } finally {
    load?.stop();
    // Give a closing server a moment to write its CPU profile before it is stopped.
    if (settings.profileDir) await sleep(1000);
    server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

function table(rows: string[][]) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) => r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join("   ")).join("\n");
}

function compact(f: ServerFigures) {
  return {
    acknowledgedPerSecond: round(f.acknowledgedPerSecond),
    offeredPerSecond: f.offeredPerSecond,
    fanOutP50Ms: round(f.fanOut.p50, 2),
    fanOutP99Ms: round(f.fanOut.p99, 2),
    fanOutMaxMs: round(f.fanOut.max, 2),
    ackP50Ms: round(f.ack.p50, 2),
    ackP99Ms: round(f.ack.p99, 2),
    memoryPerDocumentKiB: round(f.memoryPerDocumentKiB),
    rssPerDocumentKiB: round(f.rssPerDocumentKiB),
    memoryPerDocumentAfterRunKiB: round(f.memoryPerDocumentAfterRunKiB),
    serverCpuMsPerUpdate: round(f.serverCpuMsPerUpdate, 3),
    serverCpuShare: round(f.serverCpuShare, 2),
    serverRunQueueShare: round(f.serverRunQueueShare, 2),
    loadEventLoopUtilization: round(f.loadEventLoopUtilization, 2),
    unacknowledged: f.unacknowledged,
    convergedDocuments: f.convergedDocuments,
    storedDocumentsMatching: f.storedDocumentsMatching,
  };
}

export async function runCollabBench(settings: BenchSettings) {
  // Other work on a shared machine moves every wall-clock figure here; the load average says how much there was.
  const loadBefore = os.loadavg()[0];
  const results = new Map<ServerKind, ServerFigures>();
  for (const kind of settings.servers) results.set(kind, await measureServer(kind, settings));
  const ours = results.get("ours");
  const theirs = results.get("hocuspocus");
  const editors = settings.documents * settings.clients;
  const ratioOf = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : null);
  const ratio = ratioOf(ours?.acknowledgedPerSecond, theirs?.acknowledgedPerSecond);
  const p99Ratio = ratioOf(ours?.fanOut.p99, theirs?.fanOut.p99);
  const memoryRatio = ratioOf(ours?.memoryPerDocumentKiB, theirs?.memoryPerDocumentKiB);
  const targetsMet = {
    ratio: ratio === null ? null : ratio >= TARGET_RATIO,
    p99: ours ? ours.fanOut.p99 < TARGET_P99_MS : null,
    memory: memoryRatio === null ? null : memoryRatio <= 1,
  };
  const mark = (ok: boolean | null) => (ok === null ? "–" : ok ? "met" : "NOT met");
  const ms = (n: number) => n.toFixed(1);
  const figuresOf = [...results.values()];

  const lines = [
    "",
    `Cyclekeeper collaboration benchmark — Node ${process.version}, ${os.cpus().length} CPUs, loopback, load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
    `Load: ${settings.documents} documents × ${settings.clients} editors = ${editors} connected editors, ${settings.rate} keystrokes/s each ` +
      `(${editors * settings.rate} updates/s offered), ${settings.warmupSeconds} s warm-up then ${settings.seconds} s measured per server`,
    ...figuresOf.map((f) => `  ${f.kind.padEnd(10)} ${f.description}`),
    `Acknowledged = seen by every other editor of the document (the same client-side test for both servers).`,
    `Fan-out latency = keystroke sent → seen by one other editor (one sample per edit and receiver); ack latency = → seen by the last one.`,
    `Memory per document = growth of the server's JS heap + buffers (and RSS) with all documents open and their editors synced, ÷ ${settings.documents}.`,
    "",
    table([
      ["server", "acked upd/s", "offered", "fan-out p50", "p99", "max", "ack p50", "ack p99", "KiB/doc", "RSS KiB/doc", "KiB/doc after", "CPU ms/upd", "server CPU", "waiting for CPU", "load ELU", "unacked", "converged"],
      ...figuresOf.map((f) => [
        f.kind,
        f.acknowledgedPerSecond.toFixed(1),
        String(f.offeredPerSecond),
        ms(f.fanOut.p50),
        ms(f.fanOut.p99),
        ms(f.fanOut.max),
        ms(f.ack.p50),
        ms(f.ack.p99),
        f.memoryPerDocumentKiB.toFixed(1),
        f.rssPerDocumentKiB.toFixed(1),
        f.memoryPerDocumentAfterRunKiB.toFixed(1),
        f.serverCpuMsPerUpdate.toFixed(3),
        `${Math.round(f.serverCpuShare * 100)} %`,
        Number.isFinite(f.serverRunQueueShare) ? `${Math.round(f.serverRunQueueShare * 100)} %` : "–",
        f.loadEventLoopUtilization.toFixed(2),
        String(f.unacknowledged),
        `${f.convergedDocuments}/${settings.documents}${f.storedDocumentsMatching === null ? "" : `, stored ${f.storedDocumentsMatching}`}`,
      ]),
    ]),
    "",
    `Ratio ours ÷ Hocuspocus acknowledged updates/s: ${ratio?.toFixed(3) ?? "–"}   (target ≥ ${TARGET_RATIO}: ${mark(targetsMet.ratio)})`,
    `Our fan-out p99 at ${editors} editors: ${ours ? ms(ours.fanOut.p99) : "–"} ms   (target < ${TARGET_P99_MS} ms: ${mark(targetsMet.p99)}; Hocuspocus ${theirs ? ms(theirs.fanOut.p99) : "–"} ms)`,
    `Memory per document ours ÷ Hocuspocus: ${memoryRatio?.toFixed(2) ?? "–"}   (target ≤ 1: ${mark(targetsMet.memory)})`,
    ...figuresOf.map((f) => `Slowest fan-out per measured second, ${f.kind} (ms): ${f.worstFanOutPerSecond.join(" ")}`),
    ...figuresOf.flatMap((f) => f.problems.map((p) => `  ${f.kind}: ${p}`)),
    "",
  ];
  console.log(lines.join("\n"));

  return {
    documents: settings.documents,
    clientsPerDocument: settings.clients,
    editors,
    ratePerEditor: settings.rate,
    durationSeconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    database: process.env.BENCH_DATABASE_URL ? "postgres" : "pglite",
    loadAverage: [round(loadBefore, 2), round(os.loadavg()[0], 2)],
    ours: ours ? compact(ours) : null,
    hocuspocus: theirs ? compact(theirs) : null,
    p99Ratio: p99Ratio === null ? null : round(p99Ratio, 3),
    memoryRatio: memoryRatio === null ? null : round(memoryRatio, 3),
    targetsMet,
    ratio: ratio === null ? null : round(ratio, 4),
  };
}

export function settingsFromEnv(): BenchSettings {
  const servers = (process.env.BENCH_SERVERS || "ours,hocuspocus").split(",").map((s) => s.trim());
  for (const s of servers) if (s !== "ours" && s !== "hocuspocus") throw new Error(`BENCH_SERVERS: unknown server "${s}"`);
  return {
    documents: Math.round(positiveNumber("BENCH_DOCS", 20)),
    clients: Math.max(2, Math.round(positiveNumber("BENCH_CLIENTS", 10))),
    rate: positiveNumber("BENCH_RATE", 5),
    seconds: positiveNumber("BENCH_SECONDS", 30),
    warmupSeconds: positiveNumber("BENCH_WARMUP_SECONDS", 5),
    drainSeconds: positiveNumber("BENCH_DRAIN_SECONDS", 10),
    servers: servers as ServerKind[],
    profileDir: process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : null,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCollabBench(settingsFromEnv()).then(
    // The last line: one JSON object, for scripts and CI.
    (figures) => console.log(JSON.stringify(figures)),
    (error) => {
      console.error(`bench:collab failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    },
  );
}
