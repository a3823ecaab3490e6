// Finds the signed-in user for a request, or sends the visitor to sign in.
import { redirect, type AppLoadContext } from "@remix-run/node";
import { toHttpError } from "~/utils/http.server";
import { findSessionUser as findSessionUserIn, readSessionToken, type SessionUser } from "./session.server";

/** Almost every page looks the session up first: a database outage found here becomes the 503 page, not a 500. */
const findSessionUser: typeof findSessionUserIn = (...args) => findSessionUserIn(...args).catch(toHttpError);

// Remix runs the shell's loader and the page's loader for the same request with the same context object; both ask
// for the user, and one lookup is enough. Only for reads: after an action (a no-JavaScript form post) the loaders
// that follow must see what the action changed, such as a new name or a signed-out session.
const lookups = new WeakMap<AppLoadContext, { token: string; user: Promise<SessionUser | null> }>();

export async function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  const token = readSessionToken(request, context.config);
  if (!token) return null;
  if (request.method !== "GET" && request.method !== "HEAD") return findSessionUser(context.db, token, context.config);
  const known = lookups.get(context);
  if (known && known.token === token) return known.user;
  const user = findSessionUser(context.db, token, context.config);
  lookups.set(context, { token, user });
  return user;
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await getUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(back === "/" ? "/sign-in" : `/sign-in?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}
