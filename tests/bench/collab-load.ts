// The load generator of bench:collab, run as its own process so the editing clients never take CPU time from the
// server's event loop: connects D × C clients, has them type at a steady rate, and reports what they saw.
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { BenchClient, DocumentLedger, RunStats, type ServerKind } from "./collab-clients";

// `url`, when given, sends this editor to an instance of its own (bench:scale spreads a document's editors over several).
const ticket = z.object({ cookie: z.string().optional(), origin: z.string().optional(), url: z.string().optional() });
const command = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("connect"),
    kind: z.enum(["ours", "hocuspocus"]),
    url: z.string(),
    documents: z.array(z.object({ name: z.string(), tickets: z.array(ticket).min(2) })),
  }),
  z.object({ type: z.literal("run"), rate: z.number().positive(), warmupSeconds: z.number().min(0), seconds: z.number().positive(), drainSeconds: z.number().positive() }),
  z.object({ type: z.literal("close") }),
]);
export type LoadCommand = z.infer<typeof command>;

export interface LoadReport {
  type: "report";
  clients: number;
  seconds: number;
  sentInWindow: number;
  acknowledgedInWindow: number;
  unacknowledged: number;
  convergedDocuments: number;
  /** Per document, the final content every client agreed on (empty when they did not agree). */
  contents: Record<string, string>;
  fanOut: Percentiles;
  ack: Percentiles;
  /** The slowest fan-out of edits sent in each second of the window, in ms. */
  worstFanOutPerSecond: number[];
  problems: string[];
  /** Event-loop utilisation and CPU ms of this (the load) process during the window: is the generator keeping up? */
  loadEventLoopUtilization: number;
  loadCpuMs: number;
}

export interface Percentiles {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  // Nearest rank, as tests/bench/dashboard.ts computes them.
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
  return { samples: sorted.length, p50: at(50), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

const stats = new RunStats();
let kind: ServerKind = "ours";
let ledgers: DocumentLedger[] = [];
let clients: BenchClient[] = [];

const reply = (message: object) => process.send!(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(input: Extract<LoadCommand, { type: "connect" }>) {
  kind = input.kind;
  ledgers = input.documents.map((d) => new DocumentLedger(d.name, stats));
  clients = input.documents.flatMap((d, i) => d.tickets.map((t, index) => new BenchClient(kind, t.url ?? input.url, d.name, t, ledgers[i], index)));
  // A few at a time, as editors arriving: opening 200 sockets in one burst measures the accept queue, not editing.
  for (let i = 0; i < clients.length; i += 20) await Promise.all(clients.slice(i, i + 20).map((c) => c.connect()));
  // Everyone opens a paragraph of their own; wait until each document has every client's paragraph everywhere.
  for (const client of clients) client.startParagraph();
  await waitUntil(() => ledgers.every((l) => l.unacknowledged() === 0), 30_000, "the first paragraphs to reach every client");
  reply({ type: "connected", clients: clients.length });
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function run(input: Extract<LoadCommand, { type: "run" }>) {
  const period = 1000 / input.rate;
  let typing = true;
  // Each client types on its own timer, their phases spread over one period, so the load is steady rather than lock-step.
  // The next keystroke is scheduled from when the previous one was due, so a late timer does not lower the rate.
  const timers = clients.map((client, i) => {
    let due = performance.now() + (period * i) / clients.length;
    const state: { timer: NodeJS.Timeout | null } = { timer: null };
    const tick = () => {
      if (!typing) return;
      client.type();
      due += period;
      state.timer = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    state.timer = setTimeout(tick, Math.max(0, due - performance.now()));
    return state;
  });
  const start = performance.now() + input.warmupSeconds * 1000;
  stats.window = { from: start, to: start + input.seconds * 1000 };
  await sleep(input.warmupSeconds * 1000);
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  await sleep(input.seconds * 1000);
  const loadEventLoopUtilization = performance.eventLoopUtilization(elu).utilization;
  const cpuUsed = process.cpuUsage(cpu);
  typing = false;
  for (const t of timers) if (t.timer) clearTimeout(t.timer);
  // Stragglers: edits sent just before the end are still on their way.
  const drained = Date.now() + input.drainSeconds * 1000;
  while (Date.now() < drained && ledgers.some((l) => l.unacknowledged() > 0)) await sleep(20);
  const contents: Record<string, string> = {};
  let convergedDocuments = 0;
  for (const ledger of ledgers) {
    if (ledger.converged()) {
      convergedDocuments++;
      contents[ledger.name] = ledger.clients[0].content();
    } else contents[ledger.name] = "";
  }
  const report: LoadReport = {
    type: "report",
    clients: clients.length,
    seconds: input.seconds,
    sentInWindow: stats.sentInWindow,
    acknowledgedInWindow: stats.acknowledgedInWindow,
    unacknowledged: ledgers.reduce((n, l) => n + l.unacknowledged(), 0),
    convergedDocuments,
    contents,
    fanOut: percentiles(stats.fanOut),
    ack: percentiles(stats.ackLatency),
    worstFanOutPerSecond: Array.from(stats.worstPerSecond, (ms) => Math.round(ms ?? 0)),
    problems: [...new Set(clients.flatMap((c) => c.problems))].slice(0, 10),
    loadEventLoopUtilization,
    loadCpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
  };
  reply(report);
}

process.on("message", (raw) => {
  const parsed = command.safeParse(raw);
  if (!parsed.success) return reply({ type: "error", message: `bad command: ${parsed.error.message}` });
  const input = parsed.data;
  const job = input.type === "connect" ? connect(input) : input.type === "run" ? run(input) : close();
  job.catch((error: Error) => reply({ type: "error", message: error.stack ?? error.message }));
});

async function close() {
  for (const client of clients) client.close();
  await sleep(200);
  reply({ type: "closed" });
  process.disconnect();
}
