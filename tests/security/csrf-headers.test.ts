// Proves state-changing requests from other sites are refused before they reach the app (and change nothing),
// and that every response carries the security headers, with a per-request CSP nonce on every inline script.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { createTestDatabase, testDriver, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestResponse, type TestServer } from "../setup/server";
import { sessionRowsOf, signedIn, withoutOrigin } from "./helpers";

let database: TestDatabase;
let server: TestServer;
let district: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let lead: TestClient;

beforeAll(async () => {
  database = await createTestDatabase();
  district = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database);
  lead = await signedIn(server, district.lead.email);
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

const EVIL = "https://evil.example";

async function schoolsNamed(name: string) {
  return (await database.query("select id from school where name = $1", [name])).length;
}

/** The lead, signed in, posts a new school with the given headers (and no Origin unless one is given). */
function postSchool(name: string, headers: Record<string, string>) {
  return withoutOrigin(lead).post("/schools", { name, level: "middle" }, headers);
}

function expectRefused(res: TestResponse) {
  expect(res.status).toBe(403);
  expect(res.text).toBe("Cross-origin request refused.");
  expect(res.headers.getSetCookie()).toEqual([]);
}

describe("cross-site request forgery", () => {
  it("refuses a sign-in posted from another origin, and creates no session", async () => {
    const res = await new TestClient(server.url, EVIL).post("/sign-in", { email: district.board.email, password: TEST_PASSWORD });
    expectRefused(res);
    expect(await sessionRowsOf(database, district.board.id)).toEqual([]);
  });

  it("refuses a school created from another origin, and the school does not exist", async () => {
    expectRefused(await postSchool("Forged From Evil", { Origin: EVIL }));
    expect(await schoolsNamed("Forged From Evil")).toBe(0);
    // The same form from our own origin works, so the refusal above was the Origin check.
    const ok = await lead.post("/schools", { name: "Made From Here", level: "middle" });
    expect(ok.status).toBe(302);
    expect(await schoolsNamed("Made From Here")).toBe(1);
  });

  it.each([
    ["the opaque origin null", { Origin: "null" }],
    ["another port", { Origin: "http://127.0.0.1:1" }],
    ["another scheme", { Origin: "https://" + "127.0.0.1" }],
    ["a look-alike host", { Origin: "http://127.0.0.1.evil.example" }],
    ["no Origin and no Sec-Fetch-Site", {}],
    ["no Origin and Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["no Origin and Sec-Fetch-Site: same-site", { "Sec-Fetch-Site": "same-site" }],
    ["no Origin and Sec-Fetch-Site: none", { "Sec-Fetch-Site": "none" }],
  ])("refuses a POST with %s", async (label, headers) => {
    const name = `Forged with ${label}`;
    expectRefused(await postSchool(name, headers));
    expect(await schoolsNamed(name)).toBe(0);
  });

  it("accepts a POST without Origin when the browser says Sec-Fetch-Site: same-origin", async () => {
    const res = await postSchool("Same Origin By Fetch Metadata", { "Sec-Fetch-Site": "same-origin" });
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/schools\/[0-9a-f-]{36}\?added=1$/);
    expect(await schoolsNamed("Same Origin By Fetch Metadata")).toBe(1);
  });

  it.each(["PUT", "PATCH", "DELETE"])("refuses %s from another origin", async (method) => {
    const res = await lead.request(method, `/schools/${district.schoolA.id}`, { intent: "archive" }, { Origin: EVIL });
    expectRefused(res);
    const [school] = await database.query("select archived_at from school where id = $1", [district.schoolA.id]);
    expect(school).toEqual({ archived_at: null });
  });

  it("refuses a forged sign-out, so another site cannot end your session", async () => {
    const client = await signedIn(server, district.team.email);
    expectRefused(await client.post("/sign-out", {}, { Origin: EVIL }));
    expect((await client.get("/home")).status).toBe(200);
  });

  it("never blocks a GET, whatever the Origin and Sec-Fetch-Site say", async () => {
    const crossSite = { Origin: EVIL, "Sec-Fetch-Site": "cross-site" };
    expect((await lead.get("/home", crossSite)).status).toBe(200);
    expect((await lead.get(`/schools/${district.schoolA.id}`, crossSite)).status).toBe(200);
    expect((await new TestClient(server.url).get("/sign-in", crossSite)).status).toBe(200);
    expect((await new TestClient(server.url).get("/healthz", crossSite)).status).toBe(200);
  });
});

/** The CSP directives of a response, by name. */
function cspOf(res: TestResponse) {
  const header = res.headers.get("content-security-policy") ?? "";
  return new Map(
    header
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1)] as const),
  );
}

function nonceOf(res: TestResponse) {
  const sources = cspOf(res).get("script-src") ?? [];
  const nonce = sources.find((s) => s.startsWith("'nonce-"));
  return nonce?.slice("'nonce-".length, -1);
}

/** Every <script> element in the page: its nonce attribute, whether it has src, and whether it has content. */
function scriptsOf(html: string) {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map(([, attrs, body]) => ({
    nonce: attrs.match(/\bnonce="([^"]*)"/)?.[1] ?? null,
    external: /\bsrc=/.test(attrs),
    inline: body.trim().length > 0,
  }));
}

function expectSecurityHeaders(res: TestResponse) {
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("script-src 'self' 'nonce-");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'self'");
  expect(cspOf(res).get("script-src")).not.toContain("'unsafe-inline'");
  expect(cspOf(res).get("script-src")).not.toContain("'unsafe-eval'");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
  expect(res.headers.has("x-powered-by")).toBe(false);
}

describe("security headers", () => {
  const pages: [string, () => Promise<TestResponse>, number][] = [
    ["the sign-in page", () => new TestClient(server.url).get("/sign-in"), 200],
    ["a signed-in page", () => lead.get("/home"), 200],
    ["a 403 page", async () => (await signedIn(server, district.board.email)).get("/settings"), 403],
    ["the 404 page", () => new TestClient(server.url).get("/nope"), 404],
  ];

  it.each(pages)("are on %s, whose every inline script carries the CSP nonce", async (_label, fetchPage, status) => {
    const res = await fetchPage();
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expectSecurityHeaders(res);

    const nonce = nonceOf(res);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22,}={0,2}$/);
    const scripts = scriptsOf(res.text);
    const inline = scripts.filter((s) => !s.external && s.inline);
    expect(inline.length).toBeGreaterThan(0);
    for (const script of inline) expect(script.nonce).toBe(nonce);
    for (const script of scripts.filter((s) => s.nonce !== null)) expect(script.nonce).toBe(nonce);
  });

  it("use a fresh nonce for every response", async () => {
    const nonces = new Set<string | undefined>();
    for (let i = 0; i < 3; i++) nonces.add(nonceOf(await new TestClient(server.url).get("/sign-in")));
    expect(nonces.size).toBe(3);
  });

  it("are on /healthz, which reports the database driver in JSON", async () => {
    const res = await new TestClient(server.url).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toEqual({ status: "ok", database: testDriver });
    expectSecurityHeaders(res);
  });

  it("are on the cross-origin refusal and on static files", async () => {
    expectSecurityHeaders(await new TestClient(server.url, EVIL).post("/sign-in", { email: "a@b.example", password: "x" }));
    const favicon = await new TestClient(server.url).get("/favicon.svg");
    expect(favicon.status).toBe(200);
    expectSecurityHeaders(favicon);
  });
});
