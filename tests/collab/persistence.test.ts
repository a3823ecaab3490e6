import { asc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles, docUpdates } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { DocumentStore } from "../../server/collab/persistence";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { textUpdate } from "./support";

let database: TestDatabase;
let plans: string[];

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  const world = await makeDistrictWithPeople(database.db);
  const lead = actorOf(world.lead);
  const cycle = await createDistrictCycle(database.db, lead, { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" });
  const all = await database.db.select().from(cycles).where(eq(cycles.districtId, world.district.id));
  expect(all.length).toBeGreaterThanOrEqual(3);
  plans = [];
  for (const c of [cycle, ...all.filter((c) => c.schoolId)]) plans.push((await ensurePlanDocument(database.db, lead, c.id)).id);
  // These tests drive the store by hand from seq 1, so the templates the plans were created with go.
  await database.db.delete(docUpdates);
});
afterAll(async () => {
  await database?.close();
});

const row = (seq: number, text: string) => ({ seq, update: textUpdate(text), userId: null, clientId: null });

describe("the update log", () => {
  it("stores appends from many documents made at once, and one bad batch fails only its own document", async () => {
    const store = new DocumentStore(database.db);
    const results = await Promise.allSettled([
      store.append(plans[0], [row(1, "a1"), row(2, "a2")]),
      store.append(plans[1], [row(1, "b1")]),
      store.append(plans[0], [row(2, "clash")]), // the same seq again: a primary-key violation
      store.append(plans[2], [row(1, "c1")]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const stored = await database.db.select().from(docUpdates).orderBy(asc(docUpdates.documentId), asc(docUpdates.seq));
    expect(stored.filter((r) => r.documentId === plans[0]).map((r) => r.seq)).toEqual([1, 2]);
    expect(stored.filter((r) => r.documentId === plans[1])).toHaveLength(1);
    expect(stored.filter((r) => r.documentId === plans[2])).toHaveLength(1);
  });

  it("loads snapshot + tail, and compaction keeps appends made after the compacted seq", async () => {
    const store = new DocumentStore(database.db);
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 6; i++) doc.getText("x").insert(0, `${i}`);
    await store.append(plans[1], updates.slice(0, 4).map((update, i) => ({ seq: i + 2, update, userId: null, clientId: null })));
    const upTo = await store.load(plans[1]);
    const partial = new Y.Doc();
    for (const r of upTo.tail) Y.applyUpdate(partial, r.update);
    // Compact at seq 5 while seqs 6 and 7 are being appended.
    await Promise.all([
      store.compact(plans[1], 5, Y.encodeStateAsUpdate(partial)),
      store.append(plans[1], updates.slice(4).map((update, i) => ({ seq: i + 6, update, userId: null, clientId: null }))),
    ]);
    const loaded = await store.load(plans[1]);
    expect(loaded.snapshot?.seq).toBe(5);
    expect(loaded.tail.map((r) => r.seq)).toEqual([6, 7]);
    expect(loaded.lastSeq).toBe(7);
    const again = new Y.Doc();
    Y.applyUpdate(again, loaded.snapshot!.state);
    for (const r of loaded.tail) Y.applyUpdate(again, r.update);
    // The document also holds the first test's seq 1 ("b1"), from another Yjs client.
    const expected = new Y.Doc();
    Y.applyUpdate(expected, upTo.tail[0].update);
    Y.applyUpdate(expected, Y.encodeStateAsUpdate(doc));
    expect(upTo.tail[0].seq).toBe(1);
    expect(Y.encodeStateVector(again)).toEqual(Y.encodeStateVector(expected));
    expect(again.getText("x").toString()).toBe(doc.getText("x").toString());
  });
});
