// School commands against a real database: scoping, name clashes, archive and restore.
import { and, desc, eq } from "drizzle-orm";
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
import { districtSettingsSchema } from "~/modules/districts/districts.schema";
import { createSession, findSessionUser } from "~/modules/people/session.server";
import { Conflict, Forbidden, NotFound, ValidationFailed } from "~/utils/errors";
import { parseForm } from "~/utils/http.server";
import { todayFor } from "~/utils/time-zone";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
const testConfig = { sessionIdleMs: 30 * 60_000, sessionMaxMs: 12 * 3_600_000 };
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

  it("keeps the district's time zone, which every signed-in request then carries, and refuses a made-up one", async () => {
    expect((await getDistrict(database.db, actorOf(world.lead))).timeZone).toBe("UTC");
    await updateDistrictSettings(database.db, actorOf(world.lead), parseForm(settingsForm({ timeZone: "America/Chicago" }), districtSettingsSchema));
    expect(await getDistrict(database.db, actorOf(world.lead))).toMatchObject({ timeZone: "America/Chicago", minCellSize: 15 });
    // A session reads it with the user, so "today" on every page is the district's.
    const token = await createSession(database.db, world.lead.id, testConfig);
    const user = await findSessionUser(database.db, token, testConfig);
    expect(user?.timeZone).toBe("America/Chicago");
    expect(todayFor(user!, new Date("2026-12-01T02:30:00Z"))).toBe("2026-11-30");
    // Left out of the form, the zone stays; a zone that does not exist is refused, naming the field.
    await updateDistrictSettings(database.db, actorOf(world.lead), parseForm(settingsForm({}), districtSettingsSchema));
    expect((await getDistrict(database.db, actorOf(world.lead))).timeZone).toBe("America/Chicago");
    const refused = (() => {
      try {
        parseForm(settingsForm({ timeZone: "Mars/Olympus_Mons" }), districtSettingsSchema);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ValidationFailed);
    expect((refused as ValidationFailed).fieldErrors).toEqual({ timeZone: ["Choose a time zone from the list."] });
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "district.update"), eq(auditEvents.districtId, world.district.id))).orderBy(desc(auditEvents.at)).limit(1);
    expect(audit.details).toMatchObject({ to: { timeZone: "America/Chicago" } });
  });
});

function settingsForm(extra: Record<string, string>) {
  const form = new FormData();
  form.set("name", "Renamed District");
  form.set("minCellSize", "15");
  for (const [key, value] of Object.entries(extra)) form.set(key, value);
  return form;
}
