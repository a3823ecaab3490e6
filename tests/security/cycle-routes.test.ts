// Cycle pages over real HTTP: who may read and score which cycle, forms without JavaScript, and stale saves.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles, rubricItems, rubricScores } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, type TestClient, type TestServer } from "../setup/server";
import { signedIn } from "./helpers";

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
const ids = { districtCycle: "", cycleA: "", cycleB: "", item: "" };
const as: Record<"lead" | "team" | "schoolTeam" | "board" | "outsider", TestClient> = {} as never;

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), {
    startYear: 2026,
    baselineDate: "2026-10-01",
    midyearDate: "2027-01-31",
    endyearDate: "2027-05-31",
  });
  const schoolCycles = await database.db.select().from(cycles).where(eq(cycles.districtCycleId, cycle.id));
  ids.districtCycle = cycle.id;
  ids.cycleA = schoolCycles.find((c) => c.schoolId === world.schoolA.id)!.id;
  ids.cycleB = schoolCycles.find((c) => c.schoolId === world.schoolB.id)!.id;
  const [item] = await database.db.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, cycle.rubricVersionId)).limit(1);
  ids.item = item.id;
  server = await startTestServer(database);
  as.lead = await signedIn(server, world.lead.email);
  as.team = await signedIn(server, world.team.email);
  as.schoolTeam = await signedIn(server, world.schoolTeam.email);
  as.board = await signedIn(server, world.board.email);
  as.outsider = await signedIn(server, elsewhere.lead.email);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const pages = (id: keyof typeof ids) => [
  `/cycles/${ids[id]}`,
  `/cycles/${ids[id]}/rubric`,
  `/cycles/${ids[id]}/rubric/${ids.item}`,
  `/cycles/${ids[id]}/settings`,
  `/cycles/${ids[id]}/year-end`,
];

describe("reading cycles", () => {
  it("everyone in the district reads the cycles list; the outsider sees none of ours", async () => {
    for (const client of [as.lead, as.team, as.schoolTeam, as.board]) expect((await client.get("/cycles")).status).toBe(200);
    const outsider = await as.outsider.get("/cycles");
    expect(outsider.status).toBe(200);
    expect(outsider.text).not.toContain(ids.districtCycle);
  });

  it.each([
    ["lead", "districtCycle", 200],
    ["lead", "cycleB", 200],
    ["team", "cycleB", 200],
    ["board", "cycleA", 200],
    ["schoolTeam", "districtCycle", 200],
    ["schoolTeam", "cycleA", 200],
    ["schoolTeam", "cycleB", 403],
    ["outsider", "cycleA", 404],
    ["outsider", "districtCycle", 404],
  ] as const)("%s reading %s pages → %i", async (who, cycle, status) => {
    for (const path of pages(cycle)) expect((await as[who].get(path)).status, path).toBe(status);
  });

  it("the roll-up exists for district cycles only", async () => {
    expect((await as.board.get(`/cycles/${ids.districtCycle}/rollup`)).status).toBe(200);
    expect((await as.lead.get(`/cycles/${ids.cycleA}/rollup`)).status).toBe(404);
    expect((await as.lead.get(`/cycles/not-a-uuid`)).status).toBe(404);
  });

  it("board members see no score form", async () => {
    const page = await as.board.get(`/cycles/${ids.cycleA}/rubric/${ids.item}`);
    expect(page.text).not.toContain('name="level"');
    expect((await as.schoolTeam.get(`/cycles/${ids.cycleA}/rubric/${ids.item}`)).text).toContain('name="level"');
  });
});

describe("scoring through the form", () => {
  const score = (level: string, expectedVersion = "") => ({
    rubricItemId: ids.item,
    checkpoint: "baseline",
    level,
    evidence: "Observed in three classrooms",
    evidenceLinks: "https://example.org/a\nhttps://example.org/b",
    expectedVersion,
  });

  it("the school team scores its school; the result is stored with its links", async () => {
    const res = await as.schoolTeam.post(`/cycles/${ids.cycleA}/rubric/${ids.item}`, score("3"));
    expect(res.status).toBe(302);
    const [row] = await database.db
      .select()
      .from(rubricScores)
      .where(and(eq(rubricScores.cycleId, ids.cycleA), eq(rubricScores.rubricItemId, ids.item)));
    expect(row).toMatchObject({ level: 3, evidenceLinks: ["https://example.org/a", "https://example.org/b"], version: 1 });
  });

  it("a stale save answers 409 with the newer level and keeps the stored one", async () => {
    const res = await as.schoolTeam.post(`/cycles/${ids.cycleA}/rubric/${ids.item}?checkpoint=baseline`, score("1"));
    expect(res.status).toBe(409);
    const text = res.text.replaceAll("<!-- -->", "");
    expect(text).toContain("Someone saved a newer version");
    expect(text).toContain("Saved now: level 3");
    // The re-rendered form still targets the baseline, now at the newer version, with the person's choice kept.
    expect(text).toContain('<input type="hidden" name="checkpoint" value="baseline"/>');
    expect(text).toContain('<input type="hidden" name="expectedVersion" value="1"/>');
    expect(text).toMatch(/name="level" required="" checked="" value="1"/);
    const [row] = await database.db.select().from(rubricScores).where(eq(rubricScores.cycleId, ids.cycleA));
    expect(row.level).toBe(3);
  });

  it("bad input names the field and writes nothing", async () => {
    const res = await as.lead.post(`/cycles/${ids.cycleB}/rubric/${ids.item}`, { ...score("7"), evidenceLinks: "not a link" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Choose a level from 1 to 4.");
    expect(res.text).toContain("Each link must be a full web address");
    expect(await database.db.select().from(rubricScores).where(eq(rubricScores.cycleId, ids.cycleB))).toHaveLength(0);
  });

  it("refuses roles that may not score, before looking at the form", async () => {
    expect((await as.board.post(`/cycles/${ids.cycleA}/rubric/${ids.item}`, score("4", "1"))).status).toBe(403);
    expect((await as.team.post(`/cycles/${ids.cycleA}/rubric/${ids.item}`, score("4", "1"))).status).toBe(403);
    expect((await as.schoolTeam.post(`/cycles/${ids.cycleB}/rubric/${ids.item}`, score("4"))).status).toBe(403);
    expect((await as.outsider.post(`/cycles/${ids.cycleA}/rubric/${ids.item}`, score("4", "1"))).status).toBe(404);
    const [row] = await database.db.select().from(rubricScores).where(eq(rubricScores.cycleId, ids.cycleA));
    expect(row.level).toBe(3);
  });

  it("opening a cycle: the team may, the board may not, the same year twice is a field error", async () => {
    const dates = { baselineDate: "2027-10-01", midyearDate: "2028-01-31", endyearDate: "2028-05-31" };
    expect((await as.board.post("/cycles", { startYear: "2027", ...dates })).status).toBe(403);
    const opened = await as.team.post("/cycles", { startYear: "2027", ...dates });
    expect(opened.status).toBe(302);
    const again = await as.lead.post("/cycles", { startYear: "2027", ...dates });
    expect(again.status).toBe(409);
    expect(again.text).toContain("The district already has a cycle for that school year.");
  });
});

describe("goals through the forms", () => {
  const implementationGoal = (title: string, extra: Record<string, string | string[]> = {}) => ({
    kind: "implementation",
    title,
    description: "Every team meets twice a month to practise SEL routines.",
    rubricItemId: ids.item,
    targetLevel: "4",
    targetCheckpoint: "endyear",
    population: "All students",
    mirrorScope: "all_schools",
    ...extra,
  });

  it("the team adds a district goal shared with every school; each school's goal list shows it", async () => {
    const res = await as.team.post(`/cycles/${ids.districtCycle}/goals/new`, implementationGoal("Team rhythm"));
    expect(res.status).toBe(302);
    expect(res.location).toMatch(new RegExp(`^/cycles/${ids.districtCycle}/goals/[0-9a-f-]{36}\\?created=1$`));
    const goalPath = res.location!.split("?")[0];
    const goalId = goalPath.split("/").pop()!;
    for (const cycle of [ids.cycleA, ids.cycleB]) {
      const list = await as.lead.get(`/cycles/${cycle}/goals`);
      expect(list.text).toContain("District goals shared with this school");
      expect(list.text).toContain("Team rhythm");
    }
    // The school team adds its own step to the shared goal; the board cannot.
    const step = await as.schoolTeam.post(`/cycles/${ids.cycleA}/goals/${goalId}`, { intent: "add-strategy", title: "Walkthroughs each Friday" });
    expect(step.status).toBe(302);
    expect((await as.board.post(`/cycles/${ids.cycleA}/goals/${goalId}`, { intent: "add-strategy", title: "Nope" })).status).toBe(403);
    expect((await as.lead.get(`/cycles/${ids.cycleA}/goals/${goalId}`)).text).toContain("Walkthroughs each Friday");
    // Other schools and districts cannot open it.
    expect((await as.schoolTeam.get(`/cycles/${ids.cycleB}/goals/${goalId}`)).status).toBe(403);
    expect((await as.outsider.get(`/cycles/${ids.cycleA}/goals/${goalId}`)).status).toBe(404);
  });

  it("a goal form with gaps answers 400 naming each field, and saves nothing", async () => {
    const res = await as.lead.post(`/cycles/${ids.districtCycle}/goals/new`, implementationGoal("", { targetLevel: "9", rubricItemId: "" }));
    expect(res.status).toBe(400);
    expect(res.text).toContain("Enter a title for the goal.");
    expect(res.text).toContain("Choose the rubric level to reach, from 1 to 4.");
    expect(res.text).toContain("Choose the rubric activity this goal is about.");
  });

  it("readers get 403 on the new-goal form, before it is read", async () => {
    expect((await as.board.get(`/cycles/${ids.districtCycle}/goals/new`)).status).toBe(403);
    expect((await as.board.post(`/cycles/${ids.districtCycle}/goals/new`, implementationGoal("Board goal"))).status).toBe(403);
    expect((await as.schoolTeam.post(`/cycles/${ids.districtCycle}/goals/new`, implementationGoal("Principal's district goal"))).status).toBe(403);
    expect((await as.board.post(`/cycles/${ids.districtCycle}/goals/new`, { kind: "implementation" })).status).toBe(403);
    expect((await as.lead.get(`/cycles/${ids.districtCycle}/goals`)).text).not.toContain("Board goal");
  });
});

describe("a cycle's settings and year-end over HTTP", () => {
  const settings = async (cycleId: string, overrides: Record<string, string> = {}) => {
    const [row] = await database.db.select().from(cycles).where(eq(cycles.id, cycleId));
    return {
      intent: "settings",
      phase: row.phase,
      baselineDate: row.baselineDate,
      midyearDate: row.midyearDate,
      endyearDate: row.endyearDate,
      expectedVersion: String(row.version),
      ...overrides,
    };
  };

  it("readers get 403 and outsiders 404 whatever they send; editors see the forms", async () => {
    expect((await as.board.post(`/cycles/${ids.districtCycle}/settings`, { intent: "start" })).status).toBe(403);
    expect((await as.schoolTeam.post(`/cycles/${ids.cycleB}/settings`, await settings(ids.cycleB))).status).toBe(403);
    expect((await as.outsider.post(`/cycles/${ids.cycleA}/year-end`, { intent: "decide" })).status).toBe(404);
    expect((await as.board.get(`/cycles/${ids.districtCycle}/settings`)).text).not.toContain('name="phase"');
    expect((await as.lead.get(`/cycles/${ids.districtCycle}/settings`)).text).toContain('name="midyearDate"');
    // A school team sets its phase; the dates are the district's, shown but not editable.
    const school = await as.schoolTeam.get(`/cycles/${ids.cycleA}/settings`);
    expect(school.text).toContain('name="phase"');
    expect(school.text).not.toContain('type="date"');
  });

  it("saves a phase, answers a stale form with 409 and the saved values, and names a bad date", async () => {
    const form = await settings(ids.cycleA, { phase: "implement" });
    expect((await as.schoolTeam.post(`/cycles/${ids.cycleA}/settings`, form)).status).toBe(302);
    const stale = await as.schoolTeam.post(`/cycles/${ids.cycleA}/settings`, { ...form, phase: "improve" });
    expect(stale.status).toBe(409);
    expect(stale.text.replaceAll("<!-- -->", "")).toContain("Saved now: Implement phase");
    const bad = await as.lead.post(`/cycles/${ids.districtCycle}/settings`, await settings(ids.districtCycle, { midyearDate: "2027-13-01" }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("mid-year");
  });

  it("the district starts its cycle, and the year-end page closes it only with the confirmation ticked", async () => {
    const [row] = await database.db.select().from(cycles).where(eq(cycles.id, ids.districtCycle));
    const started = await as.lead.post(`/cycles/${ids.districtCycle}/settings`, { intent: "start", expectedVersion: String(row.version) });
    expect(started.status).toBe(302);
    const launch = { intent: "launch", baselineDate: "2027-10-01", midyearDate: "2028-01-28", endyearDate: "2028-05-26", expectedVersion: String(row.version + 1) };
    const unconfirmed = await as.lead.post(`/cycles/${ids.districtCycle}/year-end`, launch);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain("Tick the box to confirm");
    expect((await as.team.post(`/cycles/${ids.districtCycle}/year-end`, { ...launch, confirm: "yes" })).status).toBe(403);
  });
});
