// Proves the sign-in form's redirectTo can only send someone to a page of this site, never off-site: a
// phishing link to our real sign-in page must not bounce the victim, signed in, to an attacker's page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

let database: TestDatabase;
let server: TestServer;
let district: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

beforeAll(async () => {
  database = await createTestDatabase();
  district = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database);
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

function signInWith(redirectTo: string) {
  return new TestClient(server.url).post("/sign-in", { email: district.board.email, password: TEST_PASSWORD, redirectTo });
}

/** Where a browser would go for this Location: browsers drop tabs and newlines and read "\" as "/". */
function browserTarget(location: string) {
  return new URL(location, server.url);
}

describe("redirectTo after sign-in", () => {
  it("returns a signed-out visitor to the page they asked for", async () => {
    const client = new TestClient(server.url);
    const asked = await client.get(`/schools/${district.schoolA.id}?tab=team`);
    const redirectTo = new URL(asked.location ?? "", server.url).searchParams.get("redirectTo");
    expect(redirectTo).toBe(`/schools/${district.schoolA.id}?tab=team`);
    const res = await client.post("/sign-in", { email: district.board.email, password: TEST_PASSWORD, redirectTo: redirectTo ?? "" });
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/schools/${district.schoolA.id}?tab=team`);
  });

  it.each([
    ["an absolute URL", "https://evil.example/"],
    ["a protocol-relative URL", "//evil.example/"],
    ["a backslash", "/\\evil.example/"],
    ["a tab between the slashes", "/\t/evil.example/"],
    ["a newline between the slashes", "/\n/evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    // Values that pass a check of their first characters but normalise to "//host" (issue #17).
    ["a dot segment before the slashes", "/.//evil.example"],
    ["dot-dot segments before the slashes", "/../..//evil.example"],
    ["an encoded dot segment", "/%2e//evil.example"],
    ["an encoded dot-dot segment", "/%2e%2e//evil.example/x"],
    ["a dot segment and a backslash", "/./\\evil.example"],
    ["a dot segment and a tab", "/./\t/evil.example"],
    ["a slash and a backslash", "/\\/evil.example"],
    ["a leading tab", "\t//evil.example"],
    ["an encoded slash pair", "/%2F%2Fevil.example"],
    ["three slashes", "///evil.example"],
    ["a dot segment and three slashes", "/.///evil.example"],
  ])("keeps the visitor on this site when redirectTo is %s", async (_label, redirectTo) => {
    const res = await signInWith(redirectTo);
    expect(res.status).toBe(302);
    const target = browserTarget(res.location ?? "");
    expect(target.origin).toBe(new URL(server.url).origin);
    expect(res.location).not.toMatch(/^[/\\]{2}|^[a-z]+:/i);
  });

  it("keeps an ordinary path with dot segments, normalised", async () => {
    const res = await signInWith("/cycles/./x/../");
    expect(res.status).toBe(302);
    expect(res.location).toBe("/cycles/");
  });
});
