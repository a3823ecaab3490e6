// Tells long-lived connections (the collaboration server) that a person's access may have changed.

/**
 * The listeners live on globalThis under a registered symbol, not in this module: the app's code runs from the
 * Remix build while the collaboration server imports the sources, so this module can exist twice in one process.
 */
const key = Symbol.for("cyclekeeper.accessChanged");
/** Called with a user id, or null when anyone's access may have changed (a cycle closed, say). */
type Listener = (userId: string | null) => void;

function listeners(): Set<Listener> {
  const holder = globalThis as unknown as Record<symbol, Set<Listener> | undefined>;
  return (holder[key] ??= new Set());
}

export function onAccessChanged(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

/** Called after a committed change to a person's role, schools, status or sessions (null: to what many may do). Never throws. */
export function accessChanged(userId: string | null) {
  for (const listener of listeners()) {
    try {
      listener(userId);
    } catch (error) {
      console.error("access change listener failed:", (error as Error).message);
    }
  }
}
