// Runtime settings read once from the environment and handed to every request.
import { z } from "zod";

const flag = z
  .enum(["0", "1", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : ["1", "true", "yes"].includes(v)));

const minutes = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A duration in milliseconds; 0 is refused, since every wait it bounds must end (ADR 0037). */
const millis = (fallback: number) => z.coerce.number({ error: "use a whole number of milliseconds" }).int().min(100).max(3_600_000).default(fallback);

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Unset: 127.0.0.1 while the embedded database may hold the demo, 0.0.0.0 otherwise (ADR 0034). */
  HOST: z.string().trim().min(1).optional().or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  CYCLEKEEPER_DEMO: flag,
  /** Opt-in: let a database holding the demo's published passwords listen beyond this machine. */
  CYCLEKEEPER_DEMO_NETWORK: flag,
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Fractions are allowed ("0.05" is 3 s) so tests can watch a session go idle in real time.
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  SESSION_MAX_HOURS: minutes(12),
  COOKIE_SECURE: flag,
  PUBLIC_ORIGIN: z.string().url().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: "use a redis:// or rediss:// URL" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  REDIS_PREFIX: z.string().min(1).default("cyclekeeper:"),
  DB_STATEMENT_TIMEOUT_MS: millis(15_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: millis(30_000),
  DB_CONNECT_TIMEOUT_MS: millis(5_000),
  DB_KEEPALIVE_MS: millis(10_000),
  COLLAB_SAVE_DEADLINE_MS: millis(10_000),
  REDIS_COMMAND_TIMEOUT_MS: millis(2_000),
  READY_PROBE_DEADLINE_MS: millis(2_000),
  READY_MAX_EVENT_LOOP_DELAY_MS: millis(5_000),
  TRUST_PROXY: z.coerce.number({ error: "use the number of proxies in front of Cyclekeeper, e.g. 1" }).int().min(0).max(10).default(0),
});

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  demo: boolean;
  /** The operator chose to expose the demo's published passwords beyond this machine (CYCLEKEEPER_DEMO_NETWORK=1). */
  demoOnNetwork: boolean;
  production: boolean;
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** Secure + __Host- cookie; on by default in production, where browsers accept it on http://localhost too. */
  secureCookies: boolean;
  publicOrigin: string | undefined;
  /** How many reverse proxies stand in front; the client address is read that many hops from the right of X-Forwarded-For. */
  trustProxyHops: number;
  /** Set: this is one of several instances; collaboration is relayed between them through Redis (ADR 0017). */
  redisUrl: string | undefined;
  /** Prepended to every Redis channel, so several deployments can share one Redis. */
  redisPrefix: string;
  /** Every wait that could otherwise last forever, bounded (values and reasons in ADR 0037). */
  timeouts: Timeouts;
}

export interface Timeouts {
  /** PostgreSQL statement_timeout; the client also gives up on a connection silent this long plus a grace period. */
  statementMs: number;
  /** PostgreSQL idle_in_transaction_session_timeout: a client gone mid-transaction releases its locks. */
  idleInTransactionMs: number;
  /** Opening a PostgreSQL connection. */
  connectMs: number;
  /** TCP keepalive probes on PostgreSQL connections, both ends. */
  keepAliveMs: number;
  /** A collaborative save (log append, daily version) not committed by then fails the document over. */
  collabSaveMs: number;
  /** A Redis command (subscribe) not answered by then counts as an outage. */
  redisCommandMs: number;
  /** The readiness probe's write to the database. */
  readyProbeMs: number;
  /** Event-loop delay above which the instance says it is not ready. */
  readyMaxLoopDelayMs: number;
}

export const defaultTimeouts: Timeouts = {
  statementMs: 15_000,
  idleInTransactionMs: 30_000,
  connectMs: 5_000,
  keepAliveMs: 10_000,
  collabSaveMs: 10_000,
  redisCommandMs: 2_000,
  readyProbeMs: 2_000,
  readyMaxLoopDelayMs: 5_000,
};

export function readConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid setting ${issue.path.join(".")}: ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new Error(
      "REDIS_URL is set but DATABASE_URL is not: several instances must share one PostgreSQL database, and the embedded database (PGlite) belongs to a single process. Set DATABASE_URL, or unset REDIS_URL to run one instance",
    );
  }
  const demo = e.CYCLEKEEPER_DEMO ?? true;
  return {
    port: e.PORT,
    // The demo's passwords are in the README: a first run with the embedded database stays on this machine unless
    // the operator names an address, and the server refuses a non-loopback one while demo accounts still open.
    host: e.HOST ?? (demo && !e.DATABASE_URL ? "127.0.0.1" : "0.0.0.0"),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    demo,
    demoOnNetwork: e.CYCLEKEEPER_DEMO_NETWORK ?? false,
    production,
    sessionIdleMs: Math.round(e.SESSION_IDLE_MINUTES * 60_000),
    sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
    secureCookies: e.COOKIE_SECURE ?? production,
    publicOrigin: e.PUBLIC_ORIGIN,
    trustProxyHops: e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    timeouts: {
      statementMs: e.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      connectMs: e.DB_CONNECT_TIMEOUT_MS,
      keepAliveMs: e.DB_KEEPALIVE_MS,
      collabSaveMs: e.COLLAB_SAVE_DEADLINE_MS,
      redisCommandMs: e.REDIS_COMMAND_TIMEOUT_MS,
      readyProbeMs: e.READY_PROBE_DEADLINE_MS,
      readyMaxLoopDelayMs: e.READY_MAX_EVENT_LOOP_DELAY_MS,
    },
  };
}

/** Whether an address only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped) or the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}
