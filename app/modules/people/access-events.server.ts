// Tells long-lived connections (the collaboration server) that someone's access may have changed, so open sockets
// follow the change at once instead of at the next periodic re-check.

/**
 * Whose access may have changed: one person's (role, schools, status, a session ended), everyone's on one document
 * (a report's state or reviewers), or anyone's (a year closed).
 */
export type AccessChange = { userId: string } | { documentId: string } | { everyone: true };

/**
 * The listeners live on globalThis under a registered symbol, not in this module: the app's code runs from the
 * Remix build while the collaboration server imports the sources, so this module can exist twice in one process.
 */
const key = Symbol.for("cyclekeeper.accessChanged");
/** May return a promise: the caller waits for it (bounded), so a page answers only after open sockets were told. */
type Listener = (change: AccessChange) => void | Promise<unknown>;

/** The longest a page waits for sockets to follow a change; past it the change still lands, just after the answer. */
const WAIT_AT_MOST_MS = 2_000;

function listeners(): Set<Listener> {
  const holder = globalThis as unknown as Record<symbol, Set<Listener> | undefined>;
  return (holder[key] ??= new Set());
}

export function onAccessChanged(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

/**
 * Announces a committed access change. Listeners act synchronously first (the collaboration server holds the
 * affected sockets' traffic before this returns its promise), then the promise settles when they have re-checked
 * and told other instances, or after two seconds. Never rejects.
 */
export async function announceAccessChange(change: AccessChange): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (const listener of listeners()) {
    try {
      const result = listener(change);
      if (result) pending.push(result.catch((error: Error) => console.error("access change listener failed:", error.message)));
    } catch (error) {
      console.error("access change listener failed:", (error as Error).message);
    }
  }
  if (pending.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.allSettled(pending), new Promise((resolve) => (timer = setTimeout(resolve, WAIT_AT_MOST_MS)))]);
  clearTimeout(timer);
}

/** After a committed change to a person's role, schools, status or sessions (null: to what anyone may do). */
export function accessChanged(userId: string | null): Promise<void> {
  return announceAccessChange(userId === null ? { everyone: true } : { userId });
}

/** After a committed change to who may open one document, or how (a report's state, its reviewers). */
export function documentAccessChanged(documentId: string): Promise<void> {
  return announceAccessChange({ documentId });
}
