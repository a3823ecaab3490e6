// Bounds a wait: a promise that has not settled by its deadline is abandoned with a DeadlineExceeded error.

/** A wait that outlived its deadline. `code` lets the outage check (db/client.server.ts) treat it as a database outage. */
export class DeadlineExceeded extends Error {
  readonly code = "DEADLINE_EXCEEDED";
  constructor(
    readonly what: string,
    readonly afterMs: number,
  ) {
    super(`${what} did not finish within ${afterMs} ms`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * Resolves or rejects as `work` does, or rejects with DeadlineExceeded after `ms`. The work itself goes on (a promise
 * cannot be cancelled); callers must treat its later outcome as unknown, which is why a late success is swallowed
 * here and a late failure never becomes an unhandled rejection.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), ms);
    timer.unref?.();
  });
  work.catch(() => {});
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
