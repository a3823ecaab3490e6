import { asc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles, docActivity, docUpdates, docVersions } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { DocumentStore } from "../../server/collab/persistence";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { textUpdate } from "./support";

let database: TestDatabase;
let plans: string[];
let people: string[];

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  const world = await makeDistrictWithPeople(database.db);
  people = [world.lead.id, world.team.id];
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

describe("what compaction keeps", () => {
  it("sums exactly the rows it deletes into per-person, per-day activity, and leaves versions alone", async () => {
    const store = new DocumentStore(database.db);
    const plan = plans[2];
    await database.db.delete(docUpdates).where(eq(docUpdates.documentId, plan));
    const at = (iso: string) => new Date(iso);
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 6; i++) doc.getText("x").insert(0, `${i}`);
    const stamps = ["2027-05-03T08:00Z", "2027-05-03T09:30Z", "2027-05-03T23:59Z", "2027-05-04T00:01Z", "2027-05-04T10:00Z", "2027-05-05T10:00Z"];
    const who = [people[0], people[0], people[1], people[1], people[0], people[0]];
    await store.append(plan, updates.map((update, i) => ({ seq: i + 1, update, userId: who[i], clientId: doc.clientID, createdAt: at(stamps[i]) })));
    await store.saveDailyVersion(plan, "2027-05-02", 0, Y.encodeStateAsUpdate(new Y.Doc()));
    // The version of a day is stored once: a second attempt (after a crash, say) changes nothing.
    await store.saveDailyVersion(plan, "2027-05-02", 5, Y.encodeStateAsUpdate(doc));

    const partial = new Y.Doc();
    for (const u of updates.slice(0, 5)) Y.applyUpdate(partial, u);
    await store.compact(plan, 5, Y.encodeStateAsUpdate(partial));

    const kept = await database.db.select().from(docActivity).where(eq(docActivity.documentId, plan)).orderBy(asc(docActivity.day), asc(docActivity.firstAt));
    expect(kept.map((r) => [r.userId, r.day, r.changes, r.firstAt.toISOString(), r.lastAt.toISOString()])).toEqual([
      [people[0], "2027-05-03", 2, "2027-05-03T08:00:00.000Z", "2027-05-03T09:30:00.000Z"],
      [people[1], "2027-05-03", 1, "2027-05-03T23:59:00.000Z", "2027-05-03T23:59:00.000Z"],
      [people[1], "2027-05-04", 1, "2027-05-04T00:01:00.000Z", "2027-05-04T00:01:00.000Z"],
      [people[0], "2027-05-04", 1, "2027-05-04T10:00:00.000Z", "2027-05-04T10:00:00.000Z"],
    ]);
    // Seq 6 is still in the log, uncounted; the loaded document says when its last change was.
    const loaded = await store.load(plan);
    expect(loaded.tail.map((r) => r.seq)).toEqual([6]);
    expect(loaded.lastChangeAt?.toISOString()).toBe("2027-05-05T10:00:00.000Z");
    await store.compact(plan, 6, Y.encodeStateAsUpdate(doc));
    expect((await store.load(plan)).lastChangeAt?.toISOString()).toBe("2027-05-05T10:00:00.000Z");
    const versions = await database.db.select().from(docVersions).where(eq(docVersions.documentId, plan));
    expect(versions.map((v) => [v.kind, v.day, v.seq])).toEqual([["daily", "2027-05-02", 0]]);
  });
});
