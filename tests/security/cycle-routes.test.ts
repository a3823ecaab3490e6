// Cycle pages over real HTTP: who may read and score which cycle, forms without JavaScript, and stale saves.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles, goals, rubricItems, rubricScores, strategies } from "#db/schema";
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

describe("editing goals and strategies through the forms", () => {
  const goalForm = (title: string, expectedVersion: string, extra: Record<string, string> = {}) => ({
    kind: "implementation",
    title,
    description: "Each team meets twice a month.",
    rubricItemId: ids.item,
    targetLevel: "3",
    targetCheckpoint: "endyear",
    mirrorScope: "all_schools",
    expectedVersion,
    ...extra,
  });
  const html = (text: string) => text.replaceAll("<!-- -->", "");
  const goalRow = (id: string) => database.db.select().from(goals).where(eq(goals.id, id)).then((rows) => rows[0]);
  let goalId = "";

  beforeAll(async () => {
    const created = await as.lead.post(`/cycles/${ids.districtCycle}/goals/new`, goalForm("Staff learn together", ""));
    goalId = created.location!.split("?")[0].split("/").pop()!;
  });

  it("the goal page offers editing to the goal's own cycle's editors only", async () => {
    const link = `href="/cycles/${ids.districtCycle}/goals/${goalId}/edit"`;
    expect((await as.lead.get(`/cycles/${ids.districtCycle}/goals/${goalId}`)).text).toContain(link);
    expect((await as.team.get(`/cycles/${ids.districtCycle}/goals/${goalId}`)).text).toContain(link);
    expect((await as.board.get(`/cycles/${ids.districtCycle}/goals/${goalId}`)).text).not.toContain("Edit goal");
    // The school reads the district's wording in its own cycle, without an edit link, and cannot open the form.
    const atSchool = await as.schoolTeam.get(`/cycles/${ids.cycleA}/goals/${goalId}`);
    expect(atSchool.status).toBe(200);
    expect(atSchool.text).not.toContain("Edit goal");
    expect((await as.schoolTeam.get(`/cycles/${ids.cycleA}/goals/${goalId}/edit`)).status).toBe(403);
    expect((await as.outsider.get(`/cycles/${ids.districtCycle}/goals/${goalId}/edit`)).status).toBe(404);
  });

  it("the form comes prefilled; a save goes back to the goal page; a stale save shows the newer values and keeps the typed ones", async () => {
    const form = html((await as.lead.get(`/cycles/${ids.districtCycle}/goals/${goalId}/edit`)).text);
    expect(form).toContain('value="Staff learn together"');
    expect(form).toContain('<input type="hidden" name="expectedVersion" value="1"/>');

    // The team saves from version 1 first.
    const saved = await as.team.post(`/cycles/${ids.districtCycle}/goals/${goalId}/edit`, goalForm("Staff learn SEL together", "1", { targetLevel: "4" }));
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`/cycles/${ids.districtCycle}/goals/${goalId}?saved=goal`);
    expect(html((await as.team.get(saved.location!)).text)).toContain("Goal saved.");

    // The lead, still on version 1, saves too.
    const stale = await as.lead.post(`/cycles/${ids.districtCycle}/goals/${goalId}/edit`, goalForm("The lead's own wording", "1"));
    expect(stale.status).toBe(409);
    const text = html(stale.text);
    expect(text).toContain("Someone saved a newer version");
    expect(text).toContain(`${world.team.name} saved version 2 on`);
    expect(text).toMatch(/<th scope="row">Goal<\/th><td>Staff learn SEL together<\/td><td>The lead&#x27;s own wording<\/td>/);
    expect(text).toMatch(/<th scope="row">Level to reach<\/th><td>4 — Fully planned and implemented<\/td><td>3 — Mostly planned and implemented<\/td>/);
    expect(text).toContain('value="The lead&#x27;s own wording"');
    // The form is now based on the newer version, so saving again is a deliberate choice.
    expect(text).toContain('<input type="hidden" name="expectedVersion" value="2"/>');
    expect(await goalRow(goalId)).toMatchObject({ title: "Staff learn SEL together", targetLevel: 4, version: 2 });

    const again = await as.lead.post(`/cycles/${ids.districtCycle}/goals/${goalId}/edit`, goalForm("The lead's own wording", "2"));
    expect(again.status).toBe(302);
    expect(await goalRow(goalId)).toMatchObject({ title: "The lead's own wording", targetLevel: 3, version: 3 });
  });

  it("bad input names each field as on the new-goal form, and writes nothing", async () => {
    const res = await as.lead.post(`/cycles/${ids.districtCycle}/goals/${goalId}/edit`, goalForm("", "3", { targetLevel: "9" }));
    expect(res.status).toBe(400);
    expect(res.text).toContain("Enter a title for the goal.");
    expect(res.text).toContain("Choose the rubric level to reach, from 1 to 4.");
    expect((await goalRow(goalId)).version).toBe(3);
  });

  it("a strategy is changed in full and removed from its own page, with a conflict shown when someone got there first", async () => {
    const added = await as.lead.post(`/cycles/${ids.districtCycle}/goals/${goalId}`, { intent: "add-strategy", title: "Book the first session" });
    expect(added.status).toBe(302);
    const [step] = await database.db.select().from(strategies).where(eq(strategies.goalId, goalId));
    const page = `/cycles/${ids.districtCycle}/goals/${goalId}/strategies/${step.id}/edit`;
    expect((await as.lead.get(`/cycles/${ids.districtCycle}/goals/${goalId}`)).text).toContain(`href="${page}"`);
    expect((await as.board.get(`/cycles/${ids.districtCycle}/goals/${goalId}`)).text).not.toContain(page);

    const edit = (title: string, expectedVersion: string) => ({ intent: "save", title, ownerName: "Luis", dueDate: "2026-11-30", status: "in_progress", expectedVersion });
    expect((await as.team.post(page, edit("Book the first two sessions", "1"))).status).toBe(302);
    const stale = await as.lead.post(page, edit("Book it for January", "1"));
    expect(stale.status).toBe(409);
    const text = html(stale.text);
    expect(text).toContain(`${world.team.name} saved version 2`);
    expect(text).toMatch(/<th scope="row">Strategy<\/th><td>Book the first two sessions<\/td><td>Book it for January<\/td>/);
    expect(text).toContain('value="Book it for January"');

    // Removing from version 1 meets version 2: nothing is removed and the newer version is shown.
    const staleRemoval = await as.lead.post(page, { intent: "remove", expectedVersion: "1" });
    expect(staleRemoval.status).toBe(409);
    expect(html(staleRemoval.text)).toContain("so it was not removed");
    expect(await database.db.select().from(strategies).where(eq(strategies.id, step.id))).toHaveLength(1);

    const removed = await as.lead.post(page, { intent: "remove", expectedVersion: "2" });
    expect(removed.location).toBe(`/cycles/${ids.districtCycle}/goals/${goalId}?removed=strategy`);
    expect(await database.db.select().from(strategies).where(eq(strategies.id, step.id))).toHaveLength(0);
    expect((await as.lead.get(page)).status).toBe(404);
  });

  it("a closed cycle shows no edit link, says so on the forms, and refuses saves", async () => {
    const closedCycle = await createDistrictCycle(database.db, actorOf(world.lead), {
      startYear: 2030,
      baselineDate: "2030-10-01",
      midyearDate: "2031-01-31",
      endyearDate: "2031-05-31",
    });
    const [item] = await database.db.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, closedCycle.rubricVersionId)).limit(1);
    const made = await as.lead.post(`/cycles/${closedCycle.id}/goals/new`, goalForm("Before closing", "", { rubricItemId: item.id, mirrorScope: "none" }));
    const closedGoal = made.location!.split("?")[0].split("/").pop()!;
    await as.lead.post(`/cycles/${closedCycle.id}/goals/${closedGoal}`, { intent: "add-strategy", title: "A step" });
    const [step] = await database.db.select().from(strategies).where(eq(strategies.goalId, closedGoal));
    await database.db.update(cycles).set({ status: "closed", closedAt: new Date() }).where(eq(cycles.id, closedCycle.id));

    const goalPage = await as.lead.get(`/cycles/${closedCycle.id}/goals/${closedGoal}`);
    expect(goalPage.text).not.toContain("Edit goal");
    expect(goalPage.text).not.toContain("/strategies/");
    const form = await as.lead.get(`/cycles/${closedCycle.id}/goals/${closedGoal}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain("This cycle is closed and read-only.");
    expect(form.text).not.toContain('name="title"');

    const refused = await as.lead.post(`/cycles/${closedCycle.id}/goals/${closedGoal}/edit`, goalForm("After closing", "1", { rubricItemId: item.id, mirrorScope: "none" }));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("This cycle is closed and read-only.");
    const stepPage = `/cycles/${closedCycle.id}/goals/${closedGoal}/strategies/${step.id}/edit`;
    expect((await as.lead.post(stepPage, { intent: "remove", expectedVersion: "1" })).status).toBe(409);
    expect(await goalRow(closedGoal)).toMatchObject({ title: "Before closing", version: 1 });
    expect(await database.db.select().from(strategies).where(eq(strategies.id, step.id))).toHaveLength(1);
  });
});
