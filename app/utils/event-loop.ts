// Letting other work run: long jobs (reading a large import) await this between pieces so requests, timers and
// /healthz are answered meanwhile.

/** Resolves after the I/O and timers already waiting have run (setImmediate, not a microtask, which would not let them). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls `fn` on each item, yielding to the event loop after every `size` items, so a long loop never holds it. */
export async function forEachInTurns<T>(items: readonly T[], size: number, fn: (item: T) => void): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    const end = Math.min(items.length, start + size);
    for (let i = start; i < end; i++) fn(items[i]);
    if (end < items.length) await yieldToEventLoop();
  }
}
