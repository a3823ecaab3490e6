// Signing out ends the session on the server, not only in the browser.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession, clearSessionCookie, readSessionToken } from "~/modules/people/session.server";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const token = readSessionToken(request, context.config);
  if (token) await endSession(context.db, token);
  throw redirect("/sign-in", { headers: { "Set-Cookie": clearSessionCookie(context.config) } });
}
