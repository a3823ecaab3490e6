// Instances started together on an empty PostgreSQL database each migrate at start (server/start.ts): they must take
// turns, so every migration is applied exactly once and every instance starts.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsFolder, openDatabase, type DatabaseHandle } from "#db/client.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
const handles: DatabaseHandle[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  for (const handle of handles) await handle.close();
  await database?.close();
});

describe("migrating at start", () => {
  it("applies each migration once when four instances migrate an empty database at the same moment", async () => {
    for (let i = 0; i < 4; i++) handles.push(await openDatabase({ url: database.url! }));
    const results = await Promise.allSettled(handles.map((handle) => handle.migrate()));
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok", "ok", "ok"]);

    const journal = JSON.parse(fs.readFileSync(`${migrationsFolder}/meta/_journal.json`, "utf8")) as { entries: unknown[] };
    const applied = await database.query<{ n: number }>("select count(*)::int as n from drizzle.__drizzle_migrations");
    expect(applied[0].n).toBe(journal.entries.length);
    // The schema is whole: the newest migration's tables are there.
    const tables = await database.query<{ n: number }>("select count(*)::int as n from information_schema.tables where table_name in ('published_report', 'district_profile')");
    expect(tables[0].n).toBe(2);
    // And a later start (nothing left to apply) neither waits nor fails.
    await handles[0].migrate();
  });
});
