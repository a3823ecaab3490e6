// Proves a state change from an opaque origin ("Origin: null": a sandboxed frame, a data: page, a file) is refused
// with 403, whatever Sec-Fetch-Site claims, on signed-out and signed-in routes alike, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { sessionRowsOf, signedIn } from "./helpers";

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

const opaque = [
  ["alone", { Origin: "null" }],
  ["with Sec-Fetch-Site: same-origin", { Origin: "null", "Sec-Fetch-Site": "same-origin" }],
  ["with Sec-Fetch-Site: cross-site", { Origin: "null", "Sec-Fetch-Site": "cross-site" }],
  ["in another case", { Origin: "NULL", "Sec-Fetch-Site": "same-origin" }],
] as const;

describe("Origin: null", () => {
  it.each(opaque)("refuses a sign-in %s with 403 and starts no session", async (_label, headers) => {
    const res = await new TestClient(server.url, null).post("/sign-in", { email: district.board.email, password: TEST_PASSWORD }, { ...headers });
    expect(res.status).toBe(403);
    expect(res.text).toBe("Cross-origin request refused.");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await sessionRowsOf(database, district.board.id)).toEqual([]);
  });

  it.each(opaque)("refuses a signed-in change %s with 403, and the school is not created", async (_label, headers) => {
    const lead = await signedIn(server, district.lead.email);
    const bare = new TestClient(server.url, null);
    bare.cookies = new Map(lead.cookies);
    const name = `Opaque Origin School ${Math.random().toString(36).slice(2, 8)}`;
    const res = await bare.post("/schools", { name, level: "middle" }, { ...headers });
    expect(res.status).toBe(403);
    const rows = await database.query<{ n: number }>("select count(*)::int as n from school where name = $1", [name]);
    expect(rows[0].n).toBe(0);
  });
});
