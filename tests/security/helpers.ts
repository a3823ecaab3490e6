// Small helpers shared by the security tests: signed-in clients, cookie reading and session-row lookups.
import { createHash } from "node:crypto";
import { TEST_PASSWORD } from "../factories";
import type { TestDatabase } from "../setup/database";
import { TestClient, type TestServer } from "../setup/server";

/** A client that has signed in as `email` (with the factories' password) on `server`. */
export async function signedIn(server: TestServer, email: string, password = TEST_PASSWORD) {
  const client = new TestClient(server.url);
  await client.signIn(email, password);
  return client;
}

/** A client that sends the same cookies as `client` but, unlike a browser form, no Origin header. */
export function withoutOrigin(client: TestClient) {
  const bare = new TestClient(client.baseUrl, null);
  bare.cookies = new Map(client.cookies);
  return bare;
}

/** The session cookie's name under the test server's default (COOKIE_SECURE=0) config. */
export const SESSION_COOKIE = "ck_session";

export function sessionToken(client: TestClient, name = SESSION_COOKIE) {
  const token = client.cookies.get(name);
  if (!token) throw new Error(`the client has no ${name} cookie`);
  return token;
}

/** A client that presents exactly this session token and nothing else. */
export function clientWithToken(server: TestServer, token: string, name = SESSION_COOKIE) {
  const client = new TestClient(server.url);
  client.cookies.set(name, token);
  return client;
}

export function sha256Hex(value: string) {
  return createHash("sha256").update(value).digest("hex");
}

export async function sessionRowsOf(database: TestDatabase, userId: string) {
  return database.query<{ id: string; user_id: string; last_seen_at: unknown; expires_at: unknown }>(
    "select id, user_id, last_seen_at, expires_at from session where user_id = $1",
    [userId],
  );
}

/** Whether the response sends the visitor to the sign-in page. */
export function isSignInRedirect(res: { status: number; location: string | null }) {
  return res.status === 302 && /^\/sign-in(\?|$)/.test(res.location ?? "");
}

/** Every Set-Cookie header of a response, split into name, value and lower-cased attributes. */
export function parseSetCookies(headers: Headers) {
  return headers.getSetCookie().map((line) => {
    const [pair, ...attrs] = line.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    const attributes = new Map<string, string>();
    for (const attr of attrs) {
      const i = attr.indexOf("=");
      attributes.set((i < 0 ? attr : attr.slice(0, i)).toLowerCase(), i < 0 ? "" : attr.slice(i + 1));
    }
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
  });
}
