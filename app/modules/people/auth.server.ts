// Finds the signed-in user for a request, or sends the visitor to sign in.
import { redirect, type AppLoadContext } from "@remix-run/node";
import { findSessionUser, readSessionToken, type SessionUser } from "./session.server";

export async function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  const token = readSessionToken(request, context.config);
  if (!token) return null;
  return findSessionUser(context.db, token, context.config);
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
