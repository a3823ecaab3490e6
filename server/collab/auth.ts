// Who may open a collaboration socket: Origin check, session cookie and per-document permission, before the upgrade.
import type { IncomingMessage } from "node:http";
import type { Database } from "#db/client.server";
import type { AppConfig } from "~/config";
import { planDocumentAccess, type PlanAccess } from "~/modules/plans/plan-document.server";
import { findSessionUser, sessionTokenFromCookieHeader, type SessionUser } from "~/modules/people/session.server";
import { Forbidden, NotFound } from "~/utils/errors";

export interface Grant {
  user: SessionUser;
  /** The session token, kept to re-check the session while the socket is open. */
  token: string;
  documentId: string;
  access: PlanAccess;
}

/** Why an upgrade is refused, as the HTTP status sent instead of the upgrade. */
export class Refusal extends Error {
  constructor(
    readonly status: 401 | 403 | 404 | 503,
    message: string,
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
  const user = token ? await findSessionUser(db, token, config) : null;
  if (!token || !user) throw new Refusal(401, "sign in first");
  const access = await accessFor(db, user, documentId);
  return { user, token, documentId, access };
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

/** Re-reads the session and the permission of an open connection; a Refusal when it must be closed. */
export async function recheckGrant(db: Database, config: AuthConfig, grant: Grant): Promise<{ user: SessionUser; access: PlanAccess } | Refusal> {
  const user = await findSessionUser(db, grant.token, config);
  if (!user) return new Refusal(401, "session ended");
  try {
    return { user, access: await accessFor(db, user, grant.documentId) };
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
}
