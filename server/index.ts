// Starts Cyclekeeper: opens and migrates the database, loads the demo on first run, serves HTTP, shuts down cleanly.
import type { ServerBuild } from "@remix-run/node";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DatabaseUnavailable, openDatabase, type DatabaseHandle } from "#db/client.server";
import { demoAccounts, isDatabaseEmpty, seedDemo } from "#db/seed/demo.server";
import { readConfig, type AppConfig } from "~/config";
import { deleteExpiredSessions } from "~/modules/people/session.server";
import { createApp } from "./http/app";

const root = fileURLToPath(new URL("..", import.meta.url));

export async function openConfiguredDatabase(config: AppConfig) {
  return openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.resolve(root, config.dataDir, "pglite") });
}

async function main() {
  const dev = process.argv.includes("--dev");
  if (!dev) process.env.NODE_ENV ??= "production";
  const config = readConfig(process.env);
  const started = Date.now();

  let database: DatabaseHandle;
  try {
    database = await openConfiguredDatabase(config);
    await database.migrate();
  } catch (error) {
    fail(error instanceof DatabaseUnavailable ? error.message : `database start-up failed: ${(error as Error).message}`);
  }

  if (database.kind === "pglite" && config.demo && (await isDatabaseEmpty(database.db))) {
    await seedDemo(database.db);
    printDemoSignIns();
  }

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let devMiddleware;
  let closeVite = async () => {};
  if (dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ root, server: { middlewareMode: true } });
    devMiddleware = viteServer.middlewares;
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => viteServer.close();
  } else {
    const buildFile = path.join(root, "build/server/index.js");
    build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  }

  const app = createApp({ database, config, build, devMiddleware, clientDir: dev ? undefined : path.join(root, "build/client") });
  const server: Server = app.listen(config.port, config.host);
  server.on("error", (error: NodeJS.ErrnoException) => {
    fail(error.code === "EADDRINUSE" ? `port ${config.port} is already in use; set PORT to another port` : error.message);
  });
  server.on("listening", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    console.log(
      `Cyclekeeper ${dev ? "(development) " : ""}listening on http://localhost:${port} — database: ${database.kind} (${database.location}), ready in ${Date.now() - started} ms`,
    );
  });

  const sweep = setInterval(() => deleteExpiredSessions(database.db, config).catch(() => {}), 10 * 60_000);
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
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await closeVite();
    await database.close();
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

function fail(message: string): never {
  console.error(`Cyclekeeper cannot start: ${message}`);
  process.exit(1);
}

main().catch((error) => fail((error as Error).message));
