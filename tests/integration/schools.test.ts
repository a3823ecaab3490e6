// School commands against a real database: scoping, name clashes, archive and restore.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, schools } from "#db/schema";
import {
  createSchool,
  getSchool,
  listSchools,
  setSchoolArchived,
  updateDistrictSettings,
  getDistrict,
  updateSchool,
} from "~/modules/districts/districts.server";
import { Conflict, Forbidden, NotFound } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

beforeAll(async () => {
  database = await createTestDatabase();
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
});
afterAll(() => database?.close());

describe("schools", () => {
  it("the lead adds, renames, archives and restores a school, each step audited", async () => {
    const lead = actorOf(world.lead);
    const school = await createSchool(database.db, lead, { name: "Juniper Elementary", level: "elementary" });
    await updateSchool(database.db, lead, school.id, { name: "Juniper Academy", level: "k8" });
    await setSchoolArchived(database.db, lead, school.id, true);
    expect((await listSchools(database.db, lead)).some((s) => s.id === school.id)).toBe(false);
    expect((await listSchools(database.db, lead, { includeArchived: true })).find((s) => s.id === school.id)?.archivedAt).toBeInstanceOf(Date);
    await setSchoolArchived(database.db, lead, school.id, false);
    expect((await getSchool(database.db, lead, school.id)).name).toBe("Juniper Academy");
    const events = await database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.entityId, school.id));
    expect(events.map((e) => e.action).sort()).toEqual(["school.archive", "school.create", "school.restore", "school.update"]);
  });

  it("refuses a second school with the same name in one district, but not in another", async () => {
    await expect(createSchool(database.db, actorOf(world.lead), { name: world.schoolA.name.toUpperCase(), level: "elementary" })).rejects.toThrow(Conflict);
    await expect(createSchool(database.db, actorOf(elsewhere.lead), { name: world.schoolA.name, level: "elementary" })).resolves.toBeTruthy();
  });

  it("another district's school is not found, even for its lead", async () => {
    await expect(getSchool(database.db, actorOf(world.lead), elsewhere.schoolA.id)).rejects.toThrow(NotFound);
    await expect(updateSchool(database.db, actorOf(world.lead), elsewhere.schoolA.id, { name: "Hijacked", level: "high" })).rejects.toThrow(NotFound);
    const [untouched] = await database.db.select().from(schools).where(eq(schools.id, elsewhere.schoolA.id));
    expect(untouched.name).toBe(elsewhere.schoolA.name);
  });

  it("a school team sees only its schools and cannot change them", async () => {
    const member = actorOf(world.schoolTeam, [world.schoolA.id]);
    expect((await listSchools(database.db, member)).map((s) => s.id)).toEqual([world.schoolA.id]);
    await expect(getSchool(database.db, member, world.schoolB.id)).rejects.toThrow(Forbidden);
    await expect(updateSchool(database.db, member, world.schoolA.id, { name: "Renamed", level: "elementary" })).rejects.toThrow(Forbidden);
  });

  it("board and district team read all schools but cannot add one", async () => {
    for (const reader of [actorOf(world.board), actorOf(world.team)]) {
      expect((await listSchools(database.db, reader)).length).toBeGreaterThanOrEqual(2);
      await expect(createSchool(database.db, reader, { name: "Nope", level: "high" })).rejects.toThrow(Forbidden);
    }
  });
});

describe("district settings", () => {
  it("the lead changes the name and small-cell size; others may not", async () => {
    await updateDistrictSettings(database.db, actorOf(world.lead), { name: "Renamed District", minCellSize: 15 });
    expect(await getDistrict(database.db, actorOf(world.board))).toMatchObject({ name: "Renamed District", minCellSize: 15 });
    await expect(updateDistrictSettings(database.db, actorOf(world.team), { name: "X", minCellSize: 5 })).rejects.toThrow(Forbidden);
  });
});
