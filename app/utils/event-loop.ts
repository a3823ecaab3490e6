// Letting other work run: long jobs (reading a large import) await this between pieces so requests, timers and
// /healthz are answered meanwhile.

/** Resolves after the I/O and timers already waiting have run (setImmediate, not a microtask, which would not let them). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
