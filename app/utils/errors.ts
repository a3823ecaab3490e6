// Typed errors thrown by domain code; app/utils/http.server.ts turns them into responses.
export class NotFound extends Error {
  constructor(what = "record") {
    super(`${what} not found`);
    this.name = "NotFound";
  }
}

export class Forbidden extends Error {
  constructor(message = "You do not have permission to do that.") {
    super(message);
    this.name = "Forbidden";
  }
}

export class Conflict extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "Conflict";
  }
}

export type FieldErrors = Record<string, string[]>;

export class ValidationFailed extends Error {
  constructor(
    readonly fieldErrors: FieldErrors,
    /** What the form needs beyond messages per field to show the problem (e.g. the places a check found); plain JSON. */
    readonly detail?: unknown,
  ) {
    super("validation failed: " + Object.keys(fieldErrors).join(", "));
    this.name = "ValidationFailed";
  }
}

/** An edit based on an older version than the one saved: the caller shows the newer values instead of overwriting them. */
export class StaleEdit extends Conflict {
  constructor(
    readonly current: Record<string, unknown>,
    message = "Someone saved a newer version while you were editing. Their values are shown; check them and save again.",
  ) {
    super(message);
    this.name = "StaleEdit";
  }
}

/**
 * A stored document (an action plan, meeting notes, a report's draft) that cannot be read as the editor would read
 * it. A Conflict, so anything that does not handle it answers 409 with its message rather than 500; pages catch it
 * to show what is damaged and the last version that reads cleanly.
 */
export class DamagedDocument extends Conflict {
  constructor(
    /** The document in a lead's words: "Maple Elementary's action plan for 2026–27". */
    readonly documentLabel: string,
    /** What is wrong, in a lead's words (from damageDescriptions). */
    readonly description: string,
    /** Where its history is, to restore from. */
    readonly historyPath: string | null,
  ) {
    super(`${documentLabel} is damaged: ${description}. ${historyPath ? `Restore its last good version from its history (${historyPath}).` : "Ask your district lead to restore its last good version."}`);
    this.name = "DamagedDocument";
  }
}
