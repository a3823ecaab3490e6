// The demo district loads whole or not at all, and a partial one left by an older version is found and loaded again —
// only when it is the database's only district.
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { auditEvents, districts, indicatorWeeks, planDocuments, reports, users } from "#db/schema";
import { DEMO_LOADED, demoState, PartialDemoInUse, PartialDemoNotAlone, reloadPartialDemo, seedDemo } from "#db/seed/demo.server";
import { makeDistrict } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

// Loading the demo takes 15–30 s on the shared machine: the tests share one database, in order, and allow for that.
const SLOW = 180_000;
let database: TestDatabase;
let whole: Awaited<ReturnType<typeof demoCounts>>;
afterAll(async () => {
  await database?.close();
});

async function demoDistrictId() {
  const [district] = await database.db.select({ id: districts.id }).from(districts).where(eq(districts.slug, "riverbend"));
  return district.id;
}

/** What the old five-step loader left when killed after its first transaction: no reports, no marker. */
async function makePartial() {
  const id = await demoDistrictId();
  await database.db.delete(reports).where(eq(reports.districtId, id));
  await database.db.delete(auditEvents).where(and(eq(auditEvents.districtId, id), eq(auditEvents.action, DEMO_LOADED)));
}

/** What a whole demo holds, as the issue counted it: reports, collaborative documents (plan_document rows), indicator weeks. */
async function demoCounts(db: TestDatabase["db"]) {
  const [district] = await db.select({ id: districts.id }).from(districts).where(eq(districts.slug, "riverbend"));
  if (!district) return null;
  const [r] = await db.select({ n: count() }).from(reports).where(eq(reports.districtId, district.id));
  const [p] = await db.select({ n: count() }).from(planDocuments);
  const [w] = await db.select({ n: count() }).from(indicatorWeeks);
  return { reports: r.n, planDocuments: p.n, indicatorWeeks: w.n };
}

describe("loading the demo", () => {
  it("commits everything at once and marks the demo complete", { timeout: SLOW }, async () => {
    database = await createTestDatabase({ catalog: true });
    expect(await demoState(database.db)).toBe("absent");
    await seedDemo(database.db);
    expect(await demoState(database.db)).toBe("complete");
    whole = await demoCounts(database.db);
    expect(whole).toEqual({ reports: 3, planDocuments: 3, indicatorWeeks: 1008 });
  });

  it("takes a whole demo from before the marker for complete, and marks it", async () => {
    await database.db.delete(auditEvents).where(eq(auditEvents.action, DEMO_LOADED));
    expect(await demoState(database.db)).toBe("complete");
    const [marker] = await database.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, DEMO_LOADED));
    expect(marker.n).toBe(1);
  });

  it("finds a demo an older version stopped loading part-way, and loads it again whole", { timeout: SLOW }, async () => {
    await makePartial();
    await database.db.delete(indicatorWeeks);
    expect(await demoState(database.db)).toBe("partial");

    await reloadPartialDemo(database.db);
    expect(await demoState(database.db)).toBe("complete");
    expect(await demoCounts(database.db)).toEqual(whole);
    const [districtsLeft] = await database.db.select({ n: count() }).from(districts);
    expect(districtsLeft.n).toBe(1);
  });

  it("never reloads a partial demo people have worked in since", { timeout: SLOW }, async () => {
    await makePartial();
    const id = await demoDistrictId();
    await database.db.insert(auditEvents).values({ districtId: id, action: "goal.update", entityType: "goal", details: {}, at: new Date(Date.now() + 2 * 3_600_000) });
    expect(await demoState(database.db)).toBe("partial");
    const error = await reloadPartialDemo(database.db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialDemoInUse);
    expect((error as Error).message).toContain("people have worked in it since");
    expect(await demoState(database.db)).toBe("partial");
  });

  it("never reloads when another district shares the database, and says why", { timeout: SLOW }, async () => {
    const real = await makeDistrict(database.db);
    await makePartial();
    expect(await demoState(database.db)).toBe("partial");
    const error = await reloadPartialDemo(database.db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialDemoNotAlone);
    expect((error as Error).message).toContain("1 other district");
    const [stillThere] = await database.db.select({ id: districts.id }).from(districts).where(eq(districts.id, real.id));
    expect(stillThere?.id).toBe(real.id);
    expect(await demoState(database.db)).toBe("partial");
  });

  it("leaves nothing behind when a step fails part-way", { timeout: SLOW }, async () => {
    const fresh = await createTestDatabase({ catalog: true });
    try {
      // The last step (the reports) fails, as a full disk would make it: with one transaction nothing of the earlier
      // steps stays.
      await fresh.db.execute(sql`create function ck_fail_reports() returns trigger language plpgsql as $$ begin raise exception 'disk full (simulated)'; end $$`);
      await fresh.db.execute(sql`create trigger ck_fail before insert on report for each row execute function ck_fail_reports()`);
      await expect(seedDemo(fresh.db)).rejects.toThrow();
      expect(await demoState(fresh.db)).toBe("absent");
      const [people] = await fresh.db.select({ n: count() }).from(users);
      expect(people.n).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
