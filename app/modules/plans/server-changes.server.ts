// Hands a change made by the app itself (restoring a version) to the collaboration server, so it is stored in the log
// and reaches open editors exactly like an edit typed by the person who made it.
import type { Database } from "#db/client.server";

/**
 * Builds the change from the document's current state (one Yjs update in, one out). The server calls it just before
 * queueing the change, so it sees what editors have been shown.
 */
export type ChangeBuilder = (currentState: Uint8Array) => Uint8Array;

/** Stores the change as the user's, applies it and broadcasts it; resolves with its seq once stored. */
export type ServerChangeHandler = (documentId: string, userId: string, build: ChangeBuilder) => Promise<number>;

/** The collaboration server is not running in this process (or is shutting down): the change was not made. */
export class CollaborationUnavailable extends Error {
  constructor() {
    super("The plan cannot be changed right now. Try again in a moment.");
    this.name = "CollaborationUnavailable";
  }
}

/**
 * Handlers live on globalThis under a registered symbol: routes run from the Remix build while the collaboration
 * server imports the sources, so this module can exist twice in one process. They are keyed by database, because a
 * test process may run several servers, each with its own.
 */
const key = Symbol.for("cyclekeeper.serverChanges");

function handlers(): Map<Database, ServerChangeHandler> {
  const holder = globalThis as unknown as Record<symbol, Map<Database, ServerChangeHandler> | undefined>;
  return (holder[key] ??= new Map());
}

/** Registers the collaboration server that owns the documents of `db`; returns the function that unregisters it. */
export function onServerChange(db: Database, handler: ServerChangeHandler): () => void {
  handlers().set(db, handler);
  return () => {
    if (handlers().get(db) === handler) handlers().delete(db);
  };
}

/** Submits a change through the collaboration server of `db`; throws CollaborationUnavailable when there is none. */
export function submitServerChange(db: Database, documentId: string, userId: string, build: ChangeBuilder): Promise<number> {
  const handler = handlers().get(db);
  if (!handler) return Promise.reject(new CollaborationUnavailable());
  return handler(documentId, userId, build);
}
