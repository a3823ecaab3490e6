// Liveness and readiness: whether the process answers, and whether it can do its job now (database, saves, event loop).
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { DatabaseHandle } from "#db/client.server";
import type { Timeouts } from "~/config";
import { withDeadline } from "~/utils/deadline";
import { failureCode, type SaveHealth } from "../collab/persistence";

/** A save failure this recent, with no success since, keeps the instance not ready. */
const SAVE_FAILURE_MEMORY_MS = 60_000;
/** The write probe runs at most this often; requests in between read its last outcome. */
const WRITE_PROBE_EVERY_MS = 5_000;
/** The event-loop delay is judged over windows this long. */
const LOOP_WINDOW_MS = 2_000;

export interface ReadinessSources {
  database: DatabaseHandle;
  timeouts: Timeouts;
  saveHealth?: () => SaveHealth | null;
  redisStatus?: () => "ok" | "degraded" | null;
}

export interface Readiness {
  ready: boolean;
  body: Record<string, unknown>;
}

/**
 * Readiness answers 503 when any of these holds: the database does not answer a read within the probe deadline; its
 * last write probe (a committed transaction with a transaction id, so a WAL record is written and flushed — a full disk
 * or a read-only standby fails it) failed or is overdue; collaborative saves are failing; or the event loop stalled.
 */
export function createReadiness(sources: ReadinessSources) {
  const { database, timeouts } = sources;
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let loopDelayMs = 0;
  const window = setInterval(() => {
    loopDelayMs = Math.round(loop.max / 1e6);
    loop.reset();
  }, LOOP_WINDOW_MS);
  window.unref();

  let write: { ok: boolean; at: number; startedAt: number; error?: string } | null = null;
  let probing: Promise<void> | null = null;
  const probeWrite = () => {
    if (probing) return probing;
    const startedAt = Date.now();
    probing = withDeadline(database.query("select txid_current()"), timeouts.readyProbeMs, "the database write probe")
      .then(
        () => void (write = { ok: true, at: Date.now(), startedAt }),
        (error: Error) => void (write = { ok: false, at: Date.now(), startedAt, error: failureCode(error) }),
      )
      .finally(() => (probing = null));
    return probing;
  };

  async function check(): Promise<Readiness> {
    const failing: string[] = [];
    // The write probe runs in the background of requests: at most every few seconds, never more than one at a time.
    // While healthy it is answered from the last probe; after a failure (or the first time) every check waits for a new
    // one, so the instance is back in rotation as soon as the database is.
    if (!write || !write.ok) await probeWrite();
    else if (Date.now() - write.at > WRITE_PROBE_EVERY_MS) void probeWrite();
    try {
      await withDeadline(database.query("select 1"), timeouts.readyProbeMs, "the database read probe");
    } catch {
      failing.push("database");
    }
    // Overdue: a probe that has not come back within its deadline means the write path hangs.
    if (write && !write.ok) failing.push("database writes");
    else if (write && Date.now() - write.at > WRITE_PROBE_EVERY_MS + timeouts.readyProbeMs) failing.push("database writes");
    const saves = sources.saveHealth?.() ?? null;
    // A failed save counts until a save succeeds, a write probe started after it succeeds (the write path works
    // again; editors who come back will save), or a minute passes.
    const savesFailing = saves?.failingSince && saves.lastFailureAt && Date.now() - saves.lastFailureAt < SAVE_FAILURE_MEMORY_MS;
    if (savesFailing && !(write?.ok && write.startedAt > saves.lastFailureAt!)) failing.push("collaborative saves");
    const delay = Math.max(loopDelayMs, Math.round(loop.max / 1e6));
    if (delay > timeouts.readyMaxLoopDelayMs) failing.push("event loop");
    const redis = sources.redisStatus?.() ?? undefined;
    const ready = failing.length === 0;
    return {
      ready,
      // A degraded Redis is reported but is not an error: the instance still serves its clients and stores every edit.
      body: { status: ready ? "ok" : "error", database: database.kind, ...(redis ? { redis } : {}), ...(ready ? {} : { failing }) },
    };
  }

  return {
    check,
    /** The detailed view for /healthz/ready: the same verdict plus each check's figures. */
    async detail(): Promise<Readiness> {
      const verdict = await check();
      const saves = sources.saveHealth?.() ?? null;
      return {
        ready: verdict.ready,
        body: {
          ...verdict.body,
          checks: {
            writeProbe: write ? { ok: write.ok, ageMs: Date.now() - write.at, ...(write.error ? { error: write.error } : {}) } : null,
            saves: saves?.failingSince ? { failingSinceMs: Date.now() - saves.failingSince, error: saves.lastFailure } : { ok: true },
            eventLoopDelayMs: Math.max(loopDelayMs, Math.round(loop.max / 1e6)),
          },
        },
      };
    },
    stop() {
      clearInterval(window);
      loop.disable();
    },
  };
}
