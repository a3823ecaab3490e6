// Opens Cyclekeeper's database: embedded PGlite on disk by default, PostgreSQL when a URL is given.
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { defaultTimeouts, type Timeouts } from "~/config";
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

/**
 * Whether an error means the database cannot be reached or cannot do its work now (down, restarting, unreachable, out
 * of disk, or too slow to answer), as opposed to a bug or bad input: pages answer these with 503 and "try again".
 */
export function isDatabaseOutage(error: unknown): boolean {
  if (error instanceof DatabaseUnavailable) return true;
  const seen = new Set<unknown>();
  let e = error as { code?: unknown; cause?: unknown } | null | undefined;
  // drizzle wraps driver errors ("Failed query: …") with the driver's error as `cause`.
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const code = typeof e.code === "string" ? e.code : "";
    if (OUTAGE_CODES.has(code)) return true;
    // SQLSTATE classes: 08 connection exception, 53 insufficient resources (disk full, out of memory, too many
    // connections), 57P admin/crash shutdown or cannot connect now, 57014 a statement cancelled by statement_timeout.
    if (/^(08|53)[0-9A-Z]{3}$/.test(code) || /^57P0[1-4]$/.test(code) || code === "57014") return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Network and postgres.js codes for a connection that is gone or never came. */
const OUTAGE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "NO_ANSWER",
  "DEADLINE_EXCEEDED",
]);

export type OpenOptions = ({ url: string } | { dataDir: string } | { memory: true }) & {
  /** Statement, idle-in-transaction, connect and keepalive limits (PostgreSQL); defaults from app/config.ts. */
  timeouts?: Partial<Timeouts>;
};

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if ("url" in options) return openPostgres(options.url, { ...defaultTimeouts, ...options.timeouts });
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

/**
 * How long past statement_timeout the client still waits for a connection that sent a query and has heard nothing:
 * the server answers every statement within statement_timeout (with rows or "canceling statement due to statement
 * timeout"), so silence beyond it plus this grace (never more than the statement limit itself) means the connection or
 * the host is dead.
 */
const NO_ANSWER_GRACE_MS = 5_000;

async function openPostgres(url: string, timeouts: Timeouts): Promise<DatabaseHandle> {
  const safeUrl = redactUrl(url);
  const watchdog = new SilenceWatchdog(timeouts.statementMs + Math.min(NO_ANSWER_GRACE_MS, timeouts.statementMs));
  const keepAliveSeconds = Math.max(1, Math.round(timeouts.keepAliveMs / 1000));
  const client = postgres(url, {
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    connect_timeout: Math.max(1, Math.round(timeouts.connectMs / 1000)),
    keep_alive: keepAliveSeconds,
    onnotice: () => {},
    // Our own sockets: the watchdog ends one that has a query out and hears nothing (ADR 0037).
    socket: (options: { host: string[]; port: number[]; path?: string }) => watchdog.connect(options, timeouts.connectMs, timeouts.keepAliveMs),
    // Sent in the start-up packet, so they hold for every connection of the pool, including reconnects.
    connection: {
      statement_timeout: timeouts.statementMs,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
      // The server's side of keepalive: it drops a client whose host vanished, and with it that client's locks.
      tcp_keepalives_idle: keepAliveSeconds,
      tcp_keepalives_interval: keepAliveSeconds,
      tcp_keepalives_count: 3,
    },
  } as Parameters<typeof postgres>[1]);
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
        // Waiting for another instance's migrations, and a migration itself (an index on a large table), may take
        // longer than any page should: no statement limit on this connection while it migrates.
        await reserved`set statement_timeout = 0`;
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
      watchdog.stop();
      await client.end({ timeout: 5 });
    },
  };
}

/**
 * Watches the pool's sockets: one that has written (a query) and then heard nothing for `silenceMs` is destroyed, so its
 * query fails with NO_ANSWER and the pool opens a new connection, instead of waiting for TCP to give up (about 15
 * minutes on Linux when a host dies without resetting its connections). Idle sockets are never touched: silence only
 * counts while an answer is owed.
 */
class SilenceWatchdog {
  private readonly sockets = new Map<net.Socket, { waitingSince: number | null }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly silenceMs: number) {}

  connect(options: { host: string[]; port: number[]; path?: string }, connectMs: number, keepAliveMs: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = options.path ? net.connect(options.path) : net.connect(options.port[0] ?? 5432, options.host[0] ?? "localhost");
      const giveUp = setTimeout(() => {
        const error = Object.assign(new Error(`connecting to PostgreSQL took longer than ${connectMs} ms`), { code: "CONNECT_TIMEOUT" });
        socket.destroy(error);
      }, connectMs);
      socket.once("error", (error) => {
        clearTimeout(giveUp);
        reject(error);
      });
      socket.once("connect", () => {
        clearTimeout(giveUp);
        socket.setKeepAlive(true, keepAliveMs);
        socket.setNoDelay(true);
        this.watch(socket);
        resolve(socket);
      });
    });
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sockets.clear();
  }

  private watch(socket: net.Socket) {
    const state = { waitingSince: null as number | null };
    this.sockets.set(socket, state);
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      state.waitingSince ??= Date.now();
      return write(...args);
    }) as typeof socket.write;
    socket.on("data", () => (state.waitingSince = null));
    socket.once("close", () => this.sockets.delete(socket));
    if (!this.timer) {
      this.timer = setInterval(() => this.check(), Math.min(1_000, this.silenceMs / 4));
      this.timer.unref();
    }
  }

  private check() {
    const now = Date.now();
    for (const [socket, state] of this.sockets) {
      if (state.waitingSince !== null && now - state.waitingSince > this.silenceMs) {
        this.sockets.delete(socket);
        console.error(`database: no answer from PostgreSQL for ${now - state.waitingSince} ms on one connection; closing it`);
        socket.destroy(Object.assign(new Error(`no answer from PostgreSQL within ${this.silenceMs} ms`), { code: "NO_ANSWER" }));
      }
    }
  }
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
