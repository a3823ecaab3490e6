// Opens Cyclekeeper's database: embedded PGlite on disk by default, PostgreSQL when a URL is given.
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** Where the data lives, for messages: a directory, "memory", or a URL without its password. */
  location: string;
  /** Runs raw SQL with parameters and returns rows: for backups and tests, not for app code. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

export class DatabaseUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseUnavailable";
  }
}

export type OpenOptions = { url: string } | { dataDir: string } | { memory: true };

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if ("url" in options) return openPostgres(options.url);
  return openPglite("dataDir" in options ? options.dataDir : null);
}

async function openPglite(dataDir: string | null): Promise<DatabaseHandle> {
  let release = () => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir ? { dataDir } : {});
  } catch (error) {
    release();
    throw new DatabaseUnavailable(`cannot open the embedded database in ${dataDir}: ${(error as Error).message}`);
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    location: dataDir ?? "memory",
    async query<T>(text: string, params: unknown[] = []) {
      const result = await client.query<T>(text, params);
      return result.rows;
    },
    async migrate() {
      await migratePglite(db as never, { migrationsFolder });
    },
    async close() {
      if (!client.closed) await client.close();
      release();
    },
  };
}

/** The advisory lock instances take in turn to migrate (any fixed bigint; this one spells "ckmigrat" in ASCII). */
const MIGRATION_LOCK_KEY = "7163939931737448820";

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const safeUrl = redactUrl(url);
  const client = postgres(url, {
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    connect_timeout: 10,
    onnotice: () => {},
  });
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseUnavailable(`cannot reach PostgreSQL at ${safeUrl}: ${describeConnectError(error)}`);
  }
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "postgres",
    location: safeUrl,
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.unsafe(text, params as never[])) as unknown as T[];
    },
    async migrate() {
      // Instances started together on one database take turns: the first applies what is pending, the others then
      // find nothing left to do. A session-level advisory lock on a connection of its own, held while drizzle's
      // migrator runs on the pool and released even when a migration fails.
      const reserved = await client.reserve();
      try {
        await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        try {
          await migratePostgres(db as never, { migrationsFolder });
        } finally {
          await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
        }
      } finally {
        reserved.release();
      }
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

/** One process per data directory: two PGlite instances on one directory damage it. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "cyclekeeper.pid");
  try {
    const holder = Number(fs.readFileSync(lockFile, "utf8"));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new DatabaseUnavailable(`the embedded database in ${dataDir} is in use by process ${holder}; stop it first`);
    }
  } catch (error) {
    if (error instanceof DatabaseUnavailable) throw error;
  }
  fs.writeFileSync(lockFile, String(process.pid));
  return () => {
    try {
      if (fs.readFileSync(lockFile, "utf8") === String(process.pid)) fs.unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function redactUrl(url: string) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

function describeConnectError(error: unknown) {
  const e = error as { code?: string; message?: string };
  if (e.code === "ECONNREFUSED") return "connection refused (is PostgreSQL running?)";
  if (e.code === "ENOTFOUND") return "host not found";
  if (e.code === "CONNECT_TIMEOUT") return "connection timed out";
  if (e.code === "3D000") return "database does not exist";
  if (e.code === "28P01" || e.code === "28000") return "authentication failed";
  return e.message ?? String(error);
}
