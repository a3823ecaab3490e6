import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

let database: TestDatabase;
let server: TestServer;
let people: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

beforeAll(async () => {
  database = await createTestDatabase();
  people = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("sign-in and sign-out", () => {
  it("signs in with email and password, shows the home page, and signs out", async () => {
    const client = new TestClient(server.url);
    await client.signIn(people.lead.email.toUpperCase(), TEST_PASSWORD);
    const home = await client.get("/home");
    expect(home.status).toBe(200);
    expect(home.text).toContain(people.district.name);
    const out = await client.post("/sign-out", {});
    expect(out.status).toBe(302);
    expect((await client.get("/home")).location).toMatch(/^\/sign-in/);
  });

  it("gives the same message for an unknown email and a wrong password", async () => {
    const client = new TestClient(server.url);
    const wrong = await client.post("/sign-in", { email: people.board.email, password: "not the password" });
    const unknown = await client.post("/sign-in", { email: "nobody@example.test", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain("That email and password do not match an active account.");
    expect(unknown.text).toContain("That email and password do not match an active account.");
  });

  it("shows field errors and keeps the email when the form is malformed", async () => {
    const client = new TestClient(server.url);
    const res = await client.post("/sign-in", { email: "not-an-email", password: "" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Enter an email address like name@school.org.");
    expect(res.text).toContain("Enter your password.");
    expect(res.text).toContain('value="not-an-email"');
  });
});
