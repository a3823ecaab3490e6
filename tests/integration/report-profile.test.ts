// The district profile: the lead saves it (audited, versioned), a stale save gets the newer values back instead of
// overwriting them, other roles read but cannot save, districts never see each other's, and bad rows say which row.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "#db/schema";
import { parseProfileForm } from "~/modules/reports/profile.schema";
import { getProfile, saveProfile } from "~/modules/reports/profile.server";
import { Forbidden, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

const form = (fields: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of fields) f.append(k, v);
  return f;
};

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
});

afterAll(async () => {
  await database?.close();
});

describe("district profile", () => {
  it("starts empty, saves from the form with its milestone rows, audits and versions", async () => {
    const lead = actorOf(world.lead);
    const empty = await getProfile(database.db, lead);
    expect(empty).toMatchObject({ selStatement: "", history: "", milestones: [], version: 0, canEdit: true });
    const input = parseProfileForm(
      form([
        ["selStatement", "  SEL is how we learn together.  "],
        ["history", "Began in 2021."],
        ["milestoneYear", "2023"],
        ["milestoneText", "Board vote"],
        ["milestoneYear", "2021"],
        ["milestoneText", "First survey"],
        ["milestoneYear", "2022"],
        ["milestoneText", "Dropped row"],
        ["removeMilestone", "2"],
        ["milestoneYear", ""],
        ["milestoneText", ""],
        ["expectedVersion", "0"],
      ]),
    );
    const saved = await saveProfile(database.db, lead, input);
    expect(saved.version).toBe(1);
    const read = await getProfile(database.db, actorOf(world.board));
    expect(read).toMatchObject({ selStatement: "SEL is how we learn together.", history: "Began in 2021.", version: 1, canEdit: false });
    expect(read.milestones).toEqual([
      { startYear: 2021, text: "First survey" },
      { startYear: 2023, text: "Board vote" },
    ]);
    const audit = await database.db.select().from(auditEvents).where(and(eq(auditEvents.districtId, world.district.id), eq(auditEvents.action, "report.profile.update")));
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ version: 1, milestones: 2 });
  });

  it("answers a stale save with the newer values and keeps them", async () => {
    const lead = actorOf(world.lead);
    const current = await getProfile(database.db, lead);
    await saveProfile(database.db, lead, { selStatement: "Newer words.", history: current.history, milestones: current.milestones, expectedVersion: current.version });
    const stale = await saveProfile(database.db, lead, { selStatement: "Older words.", history: "", milestones: [], expectedVersion: current.version }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(StaleEdit);
    expect((stale as StaleEdit).current).toMatchObject({ selStatement: "Newer words.", version: current.version + 1 });
    expect((await getProfile(database.db, lead)).selStatement).toBe("Newer words.");
  });

  it("lets only the lead save, and keeps each district's profile to itself", async () => {
    for (const user of [world.team, world.board, world.schoolTeam]) {
      const actor = actorOf(user, user === world.schoolTeam ? [world.schoolA.id] : []);
      await expect(saveProfile(database.db, actor, { selStatement: "x", history: "", milestones: [], expectedVersion: 2 })).rejects.toBeInstanceOf(Forbidden);
      expect((await getProfile(database.db, actor)).canEdit).toBe(false);
    }
    const other = await getProfile(database.db, actorOf(elsewhere.lead));
    expect(other).toMatchObject({ selStatement: "", version: 0 });
  });

  it("names the milestone row and field that is wrong", () => {
    const failure = (() => {
      try {
        parseProfileForm(form([["selStatement", ""], ["history", ""], ["milestoneYear", "20x1"], ["milestoneText", "Something"], ["milestoneYear", "2020"], ["milestoneText", ""], ["expectedVersion", "0"]]));
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(ValidationFailed);
    expect((failure as ValidationFailed).fieldErrors).toEqual({
      "milestones.0.startYear": ["Milestone 1: Enter the school year's first year, like 2019."],
      "milestones.1.text": ["Milestone 2: Say what happened that year."],
    });
  });
});
