// Several Cyclekeeper processes on one throwaway PostgreSQL database and one Redis: the multi-instance set-up of
// docs/deploy.md, on this machine. Used by tests/scale/*.test.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { cycles, users } from "#db/schema";
import { seedDemo } from "#db/seed/demo.server";
import { readConfig } from "~/config";
import { createSession, findSessionUser, sessionCookieName } from "~/modules/people/session.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { freePort, startServer, type ServerProcess } from "../e2e/support";
import type { Identity } from "../collab/support";

/** The shared Redis of the machine (docs/deploy.md); each run uses channels of its own. */
export const sharedRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function uniquePrefix(label: string) {
  return `ck-test-${label}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}:`;
}

export interface ScaleWorld {
  database: TestDatabase;
  url: string;
  documentId: string;
  /** Session cookies of the demo district lead and team. */
  cookies: string[];
  names: string[];
}

/** A throwaway PostgreSQL database with the demo district, the 2026 district plan and sessions for two people. */
export async function prepareWorld(): Promise<ScaleWorld> {
  const database = await createTestDatabase({ catalog: true });
  if (!database.url) throw new Error("tests/scale need PostgreSQL (the scale project sets CK_TEST_DRIVER=postgres)");
  const config = readConfig({ NODE_ENV: "production" });
  await seedDemo(database.db);
  const [cycle] = await database.db.select().from(cycles).where(and(isNull(cycles.schoolId), eq(cycles.startYear, 2026)));
  const cookies: string[] = [];
  const names: string[] = [];
  for (const email of ["lead@riverbend.example", "team@riverbend.example"]) {
    const [user] = await database.db.select().from(users).where(eq(users.email, email));
    cookies.push(`${sessionCookieName(config)}=${await createSession(database.db, user.id, config)}`);
    names.push(user.name);
  }
  const lead = (await findSessionUser(database.db, cookies[0].split("=")[1], config))!;
  const plan = await ensurePlanDocument(database.db, lead, cycle.id);
  return { database, url: database.url, documentId: plan.id, cookies, names };
}

/** Starts `count` instances on the database and Redis, in parallel (each waits until /healthz answers). */
export async function startInstances(count: number, env: { DATABASE_URL: string; REDIS_URL: string; REDIS_PREFIX: string }) {
  return Promise.all(
    Array.from({ length: count }, () => startServer({ demo: "0", env })),
  );
}

export function identity(cookie: string, server: ServerProcess): Identity {
  return { cookie, origin: server.url };
}

export async function health(server: ServerProcess): Promise<{ status: string; database: string; redis?: string }> {
  const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(3_000) });
  return (await res.json()) as { status: string; database: string; redis?: string };
}

/** A redis-server of the test's own (never the machine's shared one), which the test may stop and start again. */
export class ThrowawayRedis {
  private child: ChildProcess | null = null;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-redis-"));
  private constructor(readonly port: number) {}

  static async start() {
    const redis = new ThrowawayRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up() {
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    let out = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
    });
  }

  /** Kills it outright, as a crash would. */
  async down() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  async destroy() {
    await this.down();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** SIGKILL for a process and everything it started (tsx runs the server in a child process of its own), children first. */
export function killTree(pid: number) {
  const descendants = (parent: number): number[] => {
    let children: number[] = [];
    try {
      children = fs
        .readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      // gone already
    }
    return children.flatMap((child) => [...descendants(child), child]);
  };
  for (const target of [...descendants(pid), pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // gone already
    }
  }
}
