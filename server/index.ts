// Starts Cyclekeeper: claims the port, opens and migrates the database, loads the demo on first run,
// serves HTTP, and shuts down cleanly.
import type { ServerBuild } from "@remix-run/node";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DatabaseUnavailable, openDatabase, type DatabaseHandle } from "#db/client.server";
import { ensureCatalog } from "#db/seed/catalog.server";
import {
  demoAccounts,
  demoAccountsStillOpen,
  demoState,
  isDatabaseEmpty,
  PartialDemoInUse,
  PartialDemoNotAlone,
  reloadPartialDemo,
  seedDemo,
} from "#db/seed/demo.server";
import { isLoopbackHost, readConfig, type AppConfig } from "~/config";
import { deleteExpiredSessions } from "~/modules/people/session.server";
import { projectRoot } from "./build";
import { attachCollab, type ClusterLink, type CollabServer } from "./collab";
import { createApp } from "./http/app";

export async function openConfiguredDatabase(config: AppConfig) {
  return openDatabase(
    config.databaseUrl
      ? { url: config.databaseUrl, timeouts: config.timeouts }
      : { dataDir: path.resolve(projectRoot, config.dataDir, "pglite"), timeouts: config.timeouts },
  );
}

let database: DatabaseHandle | undefined;

async function main() {
  const dev = process.argv.includes("--dev");
  if (!dev) process.env.NODE_ENV ??= "production";
  const started = Date.now();
  let config: AppConfig;
  try {
    config = readConfig(process.env);
  } catch (error) {
    return fail((error as Error).message);
  }

  // Requests wait until the database is ready; the port is claimed first so a busy port fails before any data is touched.
  let handler: http.RequestListener | undefined;
  const waiting: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    if (handler) return handler(req, res);
    waiting.push(() => handler!(req, res));
  });
  await new Promise<void>((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      fail(error.code === "EADDRINUSE" ? `port ${config.port} is already in use; set PORT to another port` : error.message),
    );
    server.listen(config.port, config.host, resolve);
  });

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let devMiddleware;
  let closeVite = async () => {};
  if (dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ root: projectRoot, server: { middlewareMode: true } });
    devMiddleware = viteServer.middlewares;
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => viteServer.close();
  } else {
    const buildFile = path.join(projectRoot, "build/server/index.js");
    if (!fs.existsSync(buildFile)) return fail("there is no build; run `npm start` (which builds) or `npm run build` first");
    build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  }

  try {
    database = await openConfiguredDatabase(config);
    await database.migrate();
    await ensureCatalog(database.db);
    const loadDemo = database.kind === "pglite" && config.demo && (await isDatabaseEmpty(database.db));
    // Nothing is served before this check: requests wait for the handler, and a refusal exits (ADR 0034).
    if (!isLoopbackHost(config.host) && !config.demoOnNetwork) {
      const open = loadDemo ? demoAccounts.map((a) => a.email) : await demoAccountsStillOpen(database.db);
      if (open.length) return fail(demoExposedMessage(config.host, loadDemo, open));
    }
    if (loadDemo) {
      console.log("Loading the demo district (first start)");
      await seedDemo(database.db);
      printDemoSignIns();
    } else if (database.kind === "pglite" && config.demo && (await demoState(database.db)) === "partial") {
      // Only versions before ADR 0038 could leave this: they loaded the demo in several transactions.
      console.warn("The demo district was only partly loaded (an earlier first start was interrupted); loading it again from scratch");
      try {
        await reloadPartialDemo(database.db);
        printDemoSignIns();
      } catch (error) {
        // Never fatal: the database is usable as it is; the operator is told why it was left alone.
        if (!(error instanceof PartialDemoNotAlone || error instanceof PartialDemoInUse)) throw error;
        console.warn(`Not reloaded: ${error.message}`);
      }
    }
  } catch (error) {
    return fail(error instanceof DatabaseUnavailable ? error.message : `database start-up failed: ${(error as Error).message}`);
  }
  const db = database;

  // Several instances: Redis relays collaboration between them. The client library is loaded only then.
  let cluster: ClusterLink | null = null;
  if (config.redisUrl) {
    try {
      const { connectCluster } = await import("./collab/cluster");
      cluster = await connectCluster({ url: config.redisUrl, prefix: config.redisPrefix, commandTimeoutMs: config.timeouts.redisCommandMs });
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  let collab: CollabServer | undefined;
  const app = createApp({
    database: db,
    config,
    build,
    devMiddleware,
    clientDir: dev ? undefined : path.join(projectRoot, "build/client"),
    redisStatus: () => collab?.clusterStatus() ?? (cluster ? cluster.status() : null),
    saveHealth: () => collab?.saveHealth() ?? null,
  });
  handler = app;
  waiting.splice(0).forEach((run) => run());
  collab = attachCollab(server, db, config, {}, cluster);
  const collabServer = collab;

  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = ["0.0.0.0", "::"].includes(config.host) ? "localhost" : config.host;
  console.log(
    `Cyclekeeper ${dev ? "(development) " : ""}listening on http://${host}:${port}${isLoopbackHost(config.host) ? " (this machine only; set HOST to listen on the network)" : ""} — database: ${db.kind} (${db.location})${cluster ? `, one of several instances (Redis, channels ${config.redisPrefix}*)` : ""}, ready in ${Date.now() - started} ms`,
  );
  if (config.demoOnNetwork && !isLoopbackHost(config.host)) {
    console.warn("Warning: CYCLEKEEPER_DEMO_NETWORK=1 — anyone who can reach this address can sign in to demo accounts with the published password.");
  }
  if (config.secureCookies && config.publicOrigin?.startsWith("http:")) {
    console.warn("Note: session cookies are Secure, which browsers refuse over plain HTTP except on localhost. Serve HTTPS, or set COOKIE_SECURE=0.");
  }

  const sweep = setInterval(() => deleteExpiredSessions(db.db, config).catch(() => {}), 10 * 60_000);
  sweep.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: finishing requests and closing the database`);
    clearInterval(sweep);
    const force = setTimeout(() => {
      console.error("shutdown took longer than 10 s; closing anyway");
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    // Sockets first: queued edits are stored and documents snapshotted while the database is still open.
    await collabServer.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await closeVite();
    await db.close();
    clearTimeout(force);
    console.log("Cyclekeeper stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

function printDemoSignIns() {
  console.log("Loaded the demo district. Sign in with any of these (password: cyclekeeper-demo):");
  for (const account of demoAccounts) console.log(`  ${account.email.padEnd(36)} ${account.label}`);
}

/** Why a start on a network address is refused while demo accounts open with the password the README prints. */
function demoExposedMessage(host: string, loading: boolean, emails: string[]) {
  const what = loading
    ? "this first start would load the demo district, whose passwords are published"
    : `demo accounts still sign in with the published password (${emails.slice(0, 3).join(", ")}${emails.length > 3 ? ", …" : ""})`;
  return `HOST=${host} would let the network in, and ${what}. Unset HOST to keep the demo on this machine, set CYCLEKEEPER_DEMO=0 to start empty${loading ? "" : " (after changing or removing those accounts' passwords)"}, or set CYCLEKEEPER_DEMO_NETWORK=1 to expose the demo on purpose`;
}

/** One line, no stack, non-zero exit; the embedded database is closed first so its files and lock stay clean. */
async function fail(message: string): Promise<never> {
  console.error(`Cyclekeeper cannot start: ${message}`);
  await database?.close().catch(() => {});
  process.exit(1);
}

main().catch((error) => fail((error as Error).message));
