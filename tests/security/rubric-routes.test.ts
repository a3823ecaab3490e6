// The rubric editor's forms over real HTTP without JavaScript: specific errors, a stale save showing the newer
// words, publishing into the open cycles, and cycle pages that show older scores against the words they were given under.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles, rubricItems, rubricVersions } from "#db/schema";
import { createDistrictCycle, scoreRubricItem } from "~/modules/cycles/cycles.server";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, type TestClient, type TestServer } from "../setup/server";
import { signedIn } from "./helpers";

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
const as = {} as Record<"lead" | "schoolTeam", TestClient>;
const ids = { cycleA: "", v1Item: "" };
let v1Words = { title: "", level2: "" };

const text = (html: string) => html.replaceAll("<!-- -->", "").replaceAll("&#x27;", "'").replaceAll("&quot;", '"');

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), {
    startYear: 2026,
    baselineDate: "2026-10-01",
    midyearDate: "2027-01-31",
    endyearDate: "2027-05-31",
  });
  const [schoolCycle] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, cycle.id), eq(cycles.schoolId, world.schoolA.id)));
  ids.cycleA = schoolCycle.id;
  const [item] = await database.db.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, cycle.rubricVersionId)).orderBy(rubricItems.position).limit(1);
  ids.v1Item = item.id;
  v1Words = { title: item.title, level2: item.level2 };
  await scoreRubricItem(database.db, actorOf(world.schoolTeam, [world.schoolA.id]), ids.cycleA, {
    rubricItemId: item.id,
    checkpoint: "baseline",
    level: 2,
    evidence: "Vision drafted by the staff council.",
    evidenceLinks: [],
    expectedVersion: null,
  });
  server = await startTestServer(database);
  as.lead = await signedIn(server, world.lead.email);
  as.schoolTeam = await signedIn(server, world.schoolTeam.email);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function draftItemId() {
  const [draft] = await database.db.select().from(rubricVersions).where(and(eq(rubricVersions.districtId, world.district.id), eq(rubricVersions.number, 2)));
  const [item] = await database.db
    .select()
    .from(rubricItems)
    .where(and(eq(rubricItems.rubricVersionId, draft.id), eq(rubricItems.title, v1Words.title)));
  return item.id;
}

describe("the rubric editor through its forms", () => {
  it("starts a draft from the rubric page", async () => {
    const page = await as.lead.get("/rubric");
    expect(page.text).toContain("Adapt the rubric");
    const started = await as.lead.post("/rubric", { intent: "start-draft" });
    expect(started).toMatchObject({ status: 302, location: "/rubric/draft?started=1" });
    const draft = await as.lead.get("/rubric/draft");
    expect(text(draft.text)).toContain("Draft rubric version 2");
    expect(text(draft.text)).toContain("No changes yet");
  });

  it("names each missing field, and a stale save shows the newer words while keeping the person's own", async () => {
    const itemId = await draftItemId();
    const empty = await as.lead.post(`/rubric/draft/${itemId}`, { title: " ", level1: "a", level2: "", level3: "c", level4: "d", expectedVersion: "1" });
    expect(empty.status).toBe(400);
    expect(text(empty.text)).toContain("Give the item a title.");
    expect(text(empty.text)).toContain("Describe level 2 (partially planned and implemented).");

    const words = { title: v1Words.title, level1: "a", level3: "c", level4: "d" };
    const first = await as.lead.post(`/rubric/draft/${itemId}`, { ...words, level2: "The first lead's words.", expectedVersion: "1" });
    expect(first.status).toBe(302);
    const stale = await as.lead.post(`/rubric/draft/${itemId}`, { ...words, level2: "The second lead's words.", expectedVersion: "1" });
    expect(stale.status).toBe(409);
    const shown = text(stale.text);
    expect(shown).toContain("Someone saved a newer version");
    expect(shown).toContain("The first lead's words.");
    expect(shown).toContain("The second lead's words.");
    expect(shown).toContain('name="expectedVersion" value="2"');
    const [row] = await database.db.select().from(rubricItems).where(eq(rubricItems.id, itemId));
    expect(row.level2).toBe("The first lead's words.");
  });

  it("adding an item names what is missing; publishing needs a note", async () => {
    const missing = await as.lead.post("/rubric/draft", { intent: "add-item", focusAreaId: "", title: "Family nights", level1: "a", level2: "b", level3: "c", level4: "" });
    expect(missing.status).toBe(400);
    expect(text(missing.text)).toContain("Choose the focus area the item belongs to.");
    expect(text(missing.text)).toContain("Describe level 4 (fully planned and implemented).");
    expect(text(missing.text)).toContain('value="Family nights"');
    const noNote = await as.lead.post("/rubric/draft", { intent: "publish", note: "  ", applyToOpenCycles: "on" });
    expect(noNote.status).toBe(400);
    expect(text(noNote.text)).toContain("Say what changed and why");
  });

  it("publishes into the open cycles; the old score shows the words it was given under, and old links follow the item", async () => {
    const published = await as.lead.post("/rubric/draft", { intent: "publish", note: "Level 2 reworded.", applyToOpenCycles: "on" });
    expect(published).toMatchObject({ status: 302, location: "/rubric?published=2&switched=3" });
    expect(text((await as.schoolTeam.get("/rubric")).text)).toContain("Level 2 reworded.");
    const board = text((await as.schoolTeam.get(`/cycles/${ids.cycleA}/rubric`)).text);
    expect(board).toContain("Scored against the district's rubric version 2.");
    expect(board).toContain("scored under version 1");
    const itemId = await draftItemId();
    const old = await as.schoolTeam.get(`/cycles/${ids.cycleA}/rubric/${ids.v1Item}?checkpoint=baseline`);
    expect(old).toMatchObject({ status: 302, location: `/cycles/${ids.cycleA}/rubric/${itemId}?checkpoint=baseline` });
    const page = text((await as.schoolTeam.get(`/cycles/${ids.cycleA}/rubric/${itemId}?checkpoint=baseline`)).text);
    expect(page).toContain("Scored under version 1");
    expect(page).toContain(v1Words.level2);
    expect(page).toContain("The first lead's words.");
    expect(page).toContain("Saving scores it against version 2's words below and replaces it.");
  });
});
