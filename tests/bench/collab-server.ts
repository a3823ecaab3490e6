// One server under test for bench:collab, in a process of its own so its memory and CPU are its own: either
// Cyclekeeper's collaboration server (real database, people, sessions and plan documents) or a default Hocuspocus.
//
//   argv[2]  "ours" | "hocuspocus"
//   env      BENCH_DOCS, BENCH_CLIENTS (set by the parent); BENCH_DATABASE_URL for ours on PostgreSQL
import "./production-mode";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { updateFromJSON } from "~/editor/document";
import { planTemplate } from "~/modules/plans/plan-template";
import { z } from "zod";
import { openDatabase, type DatabaseHandle } from "#db/client.server";
import { cycles } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import { readConfig } from "~/config";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { createSession, sessionCookieName } from "~/modules/people/session.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { attachCollab, type CollabServer } from "../../server/collab";
import { DocumentStore } from "../../server/collab/persistence";
import { openThrowawayPostgres } from "./throwaway-postgres";
import { actorOf, makeDistrict, makeSchool, makeUser } from "../factories";

const kind = z.enum(["ours", "hocuspocus"]).parse(process.argv[2]);
const documentCount = z.coerce.number().int().positive().parse(process.env.BENCH_DOCS);
const clientsPerDocument = z.coerce.number().int().min(2).parse(process.env.BENCH_CLIENTS);

const command = z.discriminatedUnion("type", [z.object({ type: z.literal("memory") }), z.object({ type: z.literal("cpu") }), z.object({ type: z.literal("close") })]);

export interface ServerReady {
  type: "ready";
  url: string;
  /** What the parent prints about this server's configuration. */
  description: string;
  documents: { name: string; tickets: { cookie?: string; origin?: string }[] }[];
}

export interface MemoryReport {
  type: "memory";
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const reply = (message: object) => process.send!(message);

/** Heap after full collections, so garbage does not count as memory held by open documents. */
function memory(): MemoryReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the server process with --expose-gc");
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { type: "memory", rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/**
 * CPU time of the process, and how long its main thread (server and, with PGlite, database) sat runnable waiting for a
 * core (Linux schedstat; null elsewhere): on a shared machine that waiting is what stretches the latencies.
 */
function cpu() {
  const u = process.cpuUsage();
  let runQueueMs: number | null = null;
  try {
    runQueueMs = Number(fs.readFileSync("/proc/self/schedstat", "utf8").split(" ")[1]) / 1e6;
  } catch {
    // not Linux
  }
  return { type: "cpu", ms: (u.user + u.system) / 1000, runQueueMs };
}

// ---------------------------------------------------------------------------------------------------------------
// Ours: the real collaboration server on a real database, with people who may edit the plans.

interface BenchDatabase {
  handle: DatabaseHandle;
  label: string;
  /** Removes the throwaway database or data directory. */
  discard(): Promise<void>;
}

/** PGlite on disk in a temp dir (as `npm start` keeps it), or a throwaway PostgreSQL database (BENCH_DATABASE_URL). */
async function openBenchDatabase(): Promise<BenchDatabase> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-bench-collab-"));
    const handle = await openDatabase({ dataDir });
    return { handle, label: `PGlite on disk (${dataDir})`, discard: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const { handle, name, drop } = await openThrowawayPostgres(adminUrl);
  return { handle, label: `PostgreSQL (${name})`, discard: drop };
}

async function startOurs() {
  const database = await openBenchDatabase();
  const { handle } = database;
  await handle.migrate();
  await ensureCatalog(handle.db);
  const config = readConfig({ NODE_ENV: "production", COOKIE_SECURE: "0" });

  // One district; its district cycle and one school cycle per school give the plan documents (one per cycle).
  const district = await makeDistrict(handle.db);
  for (let i = 0; i < documentCount - 1; i++) await makeSchool(handle.db, district.id, { name: `Bench School ${i + 1}` });
  const lead = await makeUser(handle.db, district.id, "district_lead", { name: "Bench Lead" });
  const districtCycle = await createDistrictCycle(handle.db, actorOf(lead), {
    startYear: 2026,
    baselineDate: "2026-10-01",
    midyearDate: "2027-01-31",
    endyearDate: "2027-05-31",
  });
  const cycleRows = await handle.db.select({ id: cycles.id }).from(cycles).where(eq(cycles.districtId, district.id));
  if (cycleRows.length < documentCount) throw new Error(`expected ${documentCount} cycles, found ${cycleRows.length}`);
  if (!cycleRows.some((c) => c.id === districtCycle.id)) throw new Error("the district cycle is missing");
  const documentIds: string[] = [];
  for (const cycle of cycleRows.slice(0, documentCount)) documentIds.push((await ensurePlanDocument(handle.db, actorOf(lead), cycle.id)).id);

  // Every editor is a person of their own with a session of their own; district leads may edit every plan of the district.
  const editors = [];
  for (let i = 0; i < clientsPerDocument * documentCount; i++) editors.push(await makeUser(handle.db, district.id, "district_lead", { name: `Editor ${i + 1}` }));

  const server = http.createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // The collaboration server with the production defaults (persistence, compaction, limits, re-checks).
  const collab: CollabServer = attachCollab(server, handle, config);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cookieName = sessionCookieName(config);
  const documents = [];
  for (const [d, name] of documentIds.entries()) {
    const tickets = [];
    for (let c = 0; c < clientsPerDocument; c++) {
      const token = await createSession(handle.db, editors[d * clientsPerDocument + c].id, config);
      tickets.push({ cookie: `${cookieName}=${token}`, origin });
    }
    documents.push({ name, tickets });
  }
  return {
    ready: {
      type: "ready",
      url: origin.replace(/^http/, "ws") + "/collab",
      description: `Cyclekeeper server/collab, production defaults, every update stored before fan-out, ${database.label}`,
      documents,
    } satisfies ServerReady,
    /** Closes the server (which stores and snapshots), then reads every document back from the database. */
    async close() {
      await collab.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const store = new DocumentStore(handle.db);
      const stored: Record<string, string> = {};
      for (const id of documentIds) {
        const loaded = await store.load(id);
        const doc = new Y.Doc();
        if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot.state);
        for (const row of loaded.tail) Y.applyUpdate(doc, row.update);
        stored[id] = doc.getXmlFragment("default").toString();
      }
      await handle.close();
      await database.discard();
      return stored;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Hocuspocus: its Server with the default configuration (no extensions: documents live in memory only).

async function startHocuspocus() {
  const { Server } = await import("@hocuspocus/server");
  // Our plans start from the server-seeded template; Hocuspocus's documents start from the same content, so memory
  // per document compares like with like.
  const template = updateFromJSON(planTemplate({ organisationName: "Bench School", yearLabel: "2026–27", goalIds: [] }));
  const server = new Server({
    port: 0,
    address: "127.0.0.1",
    quiet: true,
    stopOnSignals: false,
    async onLoadDocument({ document }) {
      Y.applyUpdate(document, template);
    },
  });
  await server.listen();
  const url = `ws://127.0.0.1:${server.address.port}`;
  const documents = Array.from({ length: documentCount }, (_, d) => ({
    name: `bench-document-${d + 1}`,
    tickets: Array.from({ length: clientsPerDocument }, () => ({})),
  }));
  return {
    ready: {
      type: "ready",
      url,
      description: "@hocuspocus/server 4.7.0 Server, default configuration (no extensions: in memory, nothing stored), documents seeded with the same template",
      documents,
    } satisfies ServerReady,
    async close() {
      await server.destroy();
      return null;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = kind === "ours" ? await startOurs() : await startHocuspocus();
  process.on("message", (raw) => {
    const parsed = command.safeParse(raw);
    if (!parsed.success) return reply({ type: "error", message: `bad command: ${parsed.error.message}` });
    if (parsed.data.type === "memory") return reply(memory());
    if (parsed.data.type === "cpu") return reply(cpu());
    started.close().then(
      (stored) => {
        reply({ type: "closed", stored });
        process.disconnect();
      },
      (error: Error) => reply({ type: "error", message: error.stack ?? error.message }),
    );
  });
  reply(started.ready);
}

main().catch((error: Error) => {
  reply({ type: "error", message: error.stack ?? error.message });
  process.exitCode = 1;
});
