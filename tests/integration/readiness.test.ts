// Liveness and readiness (ADR 0037): /healthz/live answers whenever the process does; /healthz/ready and /healthz say
// 503 while collaborative saves fail — here the database refuses the log's inserts as a full disk does (SQLSTATE 53100).
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { identityOf, rawClient, textUpdate, updateFrame, waitFor } from "../collab/support";
import { createTestDatabase, testDriver, type TestDatabase } from "../setup/database";
import { startTestServer, type TestServer } from "../setup/server";

let database: TestDatabase;
let server: TestServer;
let documentId: string;
let leadId: string;

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  const world = await makeDistrictWithPeople(database.db);
  leadId = world.lead.id;
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" });
  const [districtCycle] = await database.db.select().from(cycles).where(and(eq(cycles.id, cycle.id), isNull(cycles.schoolId)));
  documentId = (await ensurePlanDocument(database.db, actorOf(world.lead), districtCycle.id)).id;
  server = await startTestServer(database, { READY_MAX_EVENT_LOOP_DELAY_MS: "60000" });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function get(path: string) {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("health", () => {
  it("answers liveness and readiness, and keeps /healthz's short form", async () => {
    expect(await get("/healthz/live")).toEqual({ status: 200, body: { status: "ok" } });
    const ready = await get("/healthz/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "ok", database: testDriver, checks: { writeProbe: { ok: true }, saves: { ok: true } } });
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok", database: testDriver } });
  });

  it("says not ready while collaborative saves fail, and ready again once they succeed", async () => {
    await database.db.execute(
      sql.raw(`create function ck_disk_full() returns trigger language plpgsql as $$ begin raise exception 'could not extend file: No space left on device' using errcode = '53100'; end $$`),
    );
    await database.db.execute(sql.raw(`create trigger ck_disk_full before insert on doc_update for each row execute function ck_disk_full()`));
    const who = await identityOf(database.db, server.config, leadId, server.url);
    const client = await rawClient(server.url, documentId, who);
    client.send(updateFrame(textUpdate("cannot be stored")));
    expect(await client.closed(10_000)).toBe(1011);

    const notReady = await get("/healthz/ready");
    expect(notReady.status).toBe(503);
    expect(notReady.body.failing).toEqual(["collaborative saves"]);
    // The code, never the message: a failed insert's message carries the change itself and people's ids.
    expect(notReady.body.checks).toMatchObject({ saves: { error: "53100" } });
    expect(JSON.stringify(notReady.body)).not.toContain("cannot be stored");
    expect(JSON.stringify(notReady.body)).not.toContain(leadId);
    expect((await get("/healthz")).status).toBe(503);
    expect((await get("/healthz/live")).status).toBe(200);

    await database.db.execute(sql.raw(`drop trigger ck_disk_full on doc_update`));
    const again = await rawClient(server.url, documentId, who);
    again.send(updateFrame(textUpdate("stored now")));
    await waitFor(async () => (await get("/healthz")).status === 200, "/healthz 200 once a save succeeds", 15_000);
    again.socket.close();
  });
});
