// Who may open a collaboration socket: Origin check, session cookie and per-document permission, before the upgrade.
import type { IncomingMessage } from "node:http";
import type { Database } from "#db/client.server";
import type { AppConfig } from "~/config";
import { planDocumentAccess, type PlanAccess } from "~/modules/plans/plan-document.server";
import { checkSession, sessionDeadline, sessionTokenFromCookieHeader, type SessionEnd, type SessionUser } from "~/modules/people/session.server";
import { Forbidden, NotFound } from "~/utils/errors";

export interface Grant {
  user: SessionUser;
  /** The session token, kept to re-check the session while the socket is open. */
  token: string;
  documentId: string;
  access: PlanAccess;
  /** When the session ends unless its person acts (ms since the epoch), as of the upgrade. */
  deadline: number;
}

/** Why an upgrade is refused, as the HTTP status sent instead of the upgrade. */
export class Refusal extends Error {
  constructor(
    readonly status: 401 | 403 | 404 | 503,
    message: string,
    /** For 401: why the session ended, so an idle sign-out can say so. */
    readonly sessionEnd?: SessionEnd,
  ) {
    super(message);
    this.name = "Refusal";
  }
}

type AuthConfig = Pick<AppConfig, "secureCookies" | "sessionIdleMs" | "sessionMaxMs" | "publicOrigin">;

/**
 * Browsers send Origin on every websocket handshake and do not apply CORS to websockets, so this check is what
 * stops another site's page from opening a socket with the visitor's cookie.
 */
export function originAllowed(req: IncomingMessage, config: Pick<AppConfig, "publicOrigin">) {
  const origin = req.headers.origin;
  if (!origin || origin === "null") return false;
  const host = req.headers.host;
  // Behind a TLS-terminating proxy the socket is plain HTTP while the page is https; the host must match either way.
  const allowed = new Set(host ? [`http://${host}`, `https://${host}`] : []);
  if (config.publicOrigin) allowed.add(new URL(config.publicOrigin).origin);
  return allowed.has(origin);
}

export async function authorizeUpgrade(db: Database, config: AuthConfig, req: IncomingMessage, documentId: string): Promise<Grant> {
  if (!originAllowed(req, config)) throw new Refusal(403, "cross-origin websocket refused");
  const token = sessionTokenFromCookieHeader(req.headers.cookie, config);
  // Opening the editor is a request the person made: activity, like any page.
  const session = token ? await checkSession(db, token, config, { activity: true }) : null;
  if (!token || !session?.user) throw new Refusal(401, "sign in first");
  const access = await accessFor(db, session.user, documentId);
  return { user: session.user, token, documentId, access, deadline: sessionDeadline(session, config) };
}

/** The access a signed-in person has to a document now, as a Refusal when none. */
export async function accessFor(db: Database, user: SessionUser, documentId: string): Promise<PlanAccess> {
  try {
    return (await planDocumentAccess(db, user, documentId)).access;
  } catch (error) {
    if (error instanceof NotFound) throw new Refusal(404, "no such document");
    if (error instanceof Forbidden) throw new Refusal(403, "you may not open this document");
    throw error;
  }
}

export interface Recheck {
  user: SessionUser;
  access: PlanAccess;
  /** When the session ends unless its person acts (ms since the epoch): the connection is re-checked then. */
  deadline: number;
}

/**
 * Re-reads the session and the permission of an open connection; a Refusal when it must be closed. The re-check
 * itself is not activity: only `edited` (the connection sent an edit since the last re-check) restarts the idle timer.
 */
export async function recheckGrant(db: Database, config: AuthConfig, grant: Grant, { edited }: { edited: boolean }): Promise<Recheck | Refusal> {
  const session = await checkSession(db, grant.token, config, { activity: edited });
  if (!session.user) {
    const message = session.ended === "idle" ? idleMessage(config) : "session ended";
    return new Refusal(401, message, session.ended);
  }
  try {
    return { user: session.user, access: await accessFor(db, session.user, grant.documentId), deadline: sessionDeadline(session, config) };
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
}

/** What the editor shows when an idle session closed its socket (the close reason, at most 123 bytes). */
export function idleMessage(config: Pick<AppConfig, "sessionIdleMs">) {
  const minutes = config.sessionIdleMs / 60_000;
  return Number.isInteger(minutes)
    ? `You were signed out after ${minutes} minute${minutes === 1 ? "" : "s"} without activity.`
    : `You were signed out after ${Math.round(config.sessionIdleMs / 1000)} seconds without activity.`;
}
