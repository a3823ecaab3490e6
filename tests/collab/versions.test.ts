// Plan versions and history against the real app, database and collaboration server: permissions, saving, restoring
// while a y-websocket client is connected, daily versions across days and restarts, activity across compaction.
import { and, asc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, docActivity, docSnapshots, docUpdates, docVersions } from "#db/schema";
import { documentJSON, documentJSONFromUpdate } from "~/editor/document";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { loadPlanState } from "~/modules/plans/plan-content.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { planActivity } from "~/modules/plans/plan-versions.server";
import { actorOf, makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { connectProvider, identityOf, waitFor } from "./support";

const dates = (year: number) => ({ baselineDate: `${year}-10-01`, midyearDate: `${year + 1}-01-31`, endyearDate: `${year + 1}-05-31` });
const DAY = 86_400_000;
/** Noon UTC today: the test clock moves in whole days from here. */
const noonToday = Math.floor(Date.now() / DAY) * DAY + DAY / 2;
let clock = new Date(noonToday);
const collabOptions = { compactEvery: 1_000, unloadAfterMs: 100, recheckEveryMs: 60_000, now: () => clock };

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let districtCycle: string;
let districtPlan: string;
let schoolBCycle: string;
let closedCycle: string;
let otherCycle: string;
const cleanups: (() => void)[] = [];

async function signedIn(email: string) {
  const client = new TestClient(server.url);
  await client.signIn(email, TEST_PASSWORD);
  return client;
}

async function connect(documentId: string, userId: string) {
  const client = await connectProvider(server.url, documentId, await identityOf(database.db, server.config, userId, server.url));
  cleanups.push(() => client.provider.destroy());
  return client;
}

/** Appends a paragraph to the document body the way the editor stores one. */
function addParagraph(doc: Y.Doc, text: string) {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment("default").push([p]);
}

const paragraphs = (json: ReturnType<typeof documentJSON>) =>
  (json.content ?? []).filter((b) => b.type === "paragraph").map((b) => (b.content ?? []).map((c) => c.text).join(""));

async function versionsOf(documentId: string) {
  return database.db.select().from(docVersions).where(eq(docVersions.documentId, documentId)).orderBy(asc(docVersions.createdAt));
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database, {}, collabOptions);
  const lead = actorOf(world.lead);
  districtCycle = (await createDistrictCycle(database.db, lead, { startYear: 2026, ...dates(2026) })).id;
  districtPlan = (await ensurePlanDocument(database.db, lead, districtCycle)).id;
  const [schoolB] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, districtCycle), eq(cycles.schoolId, world.schoolB.id)));
  schoolBCycle = schoolB.id;
  closedCycle = (await createDistrictCycle(database.db, lead, { startYear: 2025, ...dates(2025) })).id;
  await database.db.update(cycles).set({ status: "closed" }).where(eq(cycles.id, closedCycle));
  otherCycle = (await createDistrictCycle(database.db, actorOf(other.lead), { startYear: 2026, ...dates(2026) })).id;
});
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("who may see and change a plan's history", () => {
  it("lets readers see history and versions, editors save and restore, and hides another district's plan", async () => {
    const lead = await signedIn(world.lead.email);
    const saved = await lead.post(`/cycles/${districtCycle}/plan/history`, { name: "Approved by board, May 2027" });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`/cycles/${districtCycle}/plan/history?saved=1`);
    const [version] = (await versionsOf(districtPlan)).filter((v) => v.name === "Approved by board, May 2027");
    expect(version).toMatchObject({ kind: "named", createdBy: world.lead.id, day: null });
    expect(documentJSONFromUpdate(version.state)).toEqual(documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state));
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "plan.version.create"), eq(auditEvents.entityId, version.id)));
    expect(audit).toMatchObject({ actorId: world.lead.id, districtId: world.district.id });

    const page = await lead.get(`/cycles/${districtCycle}/plan/history`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Approved by board, May 2027");
    expect(page.text).toContain("Save this version");
    const versionPage = await lead.get(`/cycles/${districtCycle}/plan/versions/${version.id}`);
    expect(versionPage.status).toBe(200);
    expect(versionPage.text).toContain("This is a past version of the action plan");
    expect(versionPage.text).toContain("Restore this version");
    const versionCount = (await versionsOf(districtPlan)).length;

    // Read access: the board and a school team (the district's plan) see both pages but no forms, and are refused writes.
    for (const email of [world.board.email, world.schoolTeam.email]) {
      const reader = await signedIn(email);
      const history = await reader.get(`/cycles/${districtCycle}/plan/history`);
      expect(history.status).toBe(200);
      expect(history.text).toContain("Approved by board, May 2027");
      expect(history.text).not.toContain("Save this version</button>");
      const past = await reader.get(`/cycles/${districtCycle}/plan/versions/${version.id}`);
      expect(past.status).toBe(200);
      expect(past.text).not.toContain("Restore this version");
      expect((await reader.post(`/cycles/${districtCycle}/plan/history`, { name: "Mine" })).status).toBe(403);
      expect((await reader.post(`/cycles/${districtCycle}/plan/versions/${version.id}`, { intent: "restore" })).status).toBe(403);
    }
    // A school team cannot reach another school's cycle at all.
    const schoolTeam = await signedIn(world.schoolTeam.email);
    expect((await schoolTeam.get(`/cycles/${schoolBCycle}/plan/history`)).status).toBe(403);

    // Another district: not found, whether the cycle or the version is theirs.
    const stranger = await signedIn(other.lead.email);
    expect((await stranger.get(`/cycles/${districtCycle}/plan/history`)).status).toBe(404);
    expect((await stranger.get(`/cycles/${districtCycle}/plan/versions/${version.id}`)).status).toBe(404);
    expect((await stranger.post(`/cycles/${districtCycle}/plan/history`, { name: "x" })).status).toBe(404);
    expect((await stranger.get(`/cycles/${otherCycle}/plan/versions/${version.id}`)).status).toBe(404);
    // A version of one plan cannot be opened under another cycle.
    expect((await lead.get(`/cycles/${schoolBCycle}/plan/versions/${version.id}`)).status).toBe(404);
    expect((await lead.post(`/cycles/${schoolBCycle}/plan/versions/${version.id}`, { intent: "restore" })).status).toBe(404);
    expect(await versionsOf(districtPlan)).toHaveLength(versionCount);
  });

  it("refuses a missing or too long name with a clear message and stores nothing", async () => {
    const team = await signedIn(world.team.email);
    const before = (await versionsOf(districtPlan)).length;
    const empty = await team.post(`/cycles/${districtCycle}/plan/history`, { name: "   " });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Give the version a name");
    const long = await team.post(`/cycles/${districtCycle}/plan/history`, { name: "x".repeat(121) });
    expect(long.status).toBe(400);
    expect(long.text).toContain("Keep the name to 120 characters or fewer.");
    expect(await versionsOf(districtPlan)).toHaveLength(before);
  });

  it("keeps a closed cycle's plan history read-only", async () => {
    const lead = await signedIn(world.lead.email);
    const page = await lead.get(`/cycles/${closedCycle}/plan/history`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("This cycle is closed");
    expect(page.text).not.toContain("Save this version</button>");
    const refused = await lead.post(`/cycles/${closedCycle}/plan/history`, { name: "After closing" });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("This cycle is closed");
    const closedPlan = (await ensurePlanDocument(database.db, actorOf(world.lead), closedCycle)).id;
    expect(await versionsOf(closedPlan)).toHaveLength(0);
    // A version kept from before the year closed can be read, not restored.
    const stored = await loadPlanState(database.db, closedPlan);
    const [old] = await database.db.insert(docVersions).values({ documentId: closedPlan, kind: "daily", day: "2026-05-29", state: stored.state, seq: stored.seq }).returning();
    const past = await lead.get(`/cycles/${closedCycle}/plan/versions/${old.id}`);
    expect(past.status).toBe(200);
    expect(past.text).toContain("End of May 29, 2026");
    expect(past.text).not.toContain("Restore this version");
    const restore = await lead.post(`/cycles/${closedCycle}/plan/versions/${old.id}`, { intent: "restore" });
    expect(restore.status).toBe(409);
    expect(restore.text).toContain("This cycle is closed");
    expect(await versionsOf(closedPlan)).toHaveLength(1);
    expect((await loadPlanState(database.db, closedPlan)).seq).toBe(stored.seq);
  });
});

describe("restoring a version", () => {
  it("reaches a connected editor at once, is stored as the restorer's change, and keeps what it replaced", async () => {
    const editor = await connect(districtPlan, world.team.id);
    addParagraph(editor.doc, "Priority: belonging");
    await waitFor(async () => paragraphs(documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state)).includes("Priority: belonging"), "stored");
    const lead = await signedIn(world.lead.email);
    expect((await lead.post(`/cycles/${districtCycle}/plan/history`, { name: "Draft one" })).status).toBe(302);
    const [draftOne] = (await versionsOf(districtPlan)).filter((v) => v.name === "Draft one");

    addParagraph(editor.doc, "Added after draft one");
    await waitFor(async () => paragraphs(documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state)).includes("Added after draft one"), "stored");

    const confirm = await lead.get(`/cycles/${districtCycle}/plan/versions/${draftOne.id}?restore=confirm`);
    expect(confirm.text).toContain("Yes, restore this version");
    const restored = await lead.post(`/cycles/${districtCycle}/plan/versions/${draftOne.id}`, { intent: "restore" });
    expect(restored.status).toBe(302);
    expect(restored.location).toBe(`/cycles/${districtCycle}/plan/history?restored=1`);

    const wanted = documentJSONFromUpdate(draftOne.state);
    await waitFor(() => JSON.stringify(documentJSON(editor.doc)) === JSON.stringify(wanted), "the editor sees the restored plan");
    expect(paragraphs(documentJSON(editor.doc))).not.toContain("Added after draft one");
    const shared = await server.collab.documents.acquire(districtPlan);
    expect(Y.encodeStateVector(shared.doc)).toEqual(Y.encodeStateVector(editor.doc));
    expect(documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state)).toEqual(wanted);

    // Stored in the log as the lead's change, and audited.
    const [last] = await database.db.select().from(docUpdates).where(eq(docUpdates.documentId, districtPlan)).orderBy(asc(docUpdates.seq)).then((rows) => rows.slice(-1));
    expect(last.userId).toBe(world.lead.id);
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "plan.restore"), eq(auditEvents.entityId, draftOne.id)));
    expect(audit.details).toMatchObject({ version: "Draft one", seq: last.seq });

    // Nothing lost: what the plan said before is a version of its own.
    const [kept] = (await versionsOf(districtPlan)).filter((v) => v.name === "Before restoring “Draft one”");
    expect(paragraphs(documentJSONFromUpdate(kept.state))).toContain("Added after draft one");
    expect(kept.createdBy).toBe(world.lead.id);

    // The editor keeps working on the restored plan.
    addParagraph(editor.doc, "After the restore");
    await waitFor(async () => paragraphs(documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state)).includes("After the restore"), "stored");
  });

  it("restores a plan nobody has open, through the collaboration server, which loads it for the change", async () => {
    const lead = await signedIn(world.lead.email);
    const versions = await versionsOf(districtPlan);
    const draftOne = versions.find((v) => v.name === "Before restoring “Draft one”")!;
    await waitFor(() => !server.collab.documents.isLoaded(districtPlan), "the plan unloaded");
    expect((await lead.post(`/cycles/${districtCycle}/plan/versions/${draftOne.id}`, { intent: "restore" })).status).toBe(302);
    const now = documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state);
    expect(now).toEqual(documentJSONFromUpdate(draftOne.state));
    // A client connecting afterwards gets the same plan.
    const late = await connect(districtPlan, world.team.id);
    expect(documentJSON(late.doc)).toEqual(now);
  });
  it("restores correctly whether the plan is open, being unloaded or gone from memory", async () => {
    const lead = await signedIn(world.lead.email);
    for (const name of ["Race A", "Race B"]) {
      const editor = await connect(districtPlan, world.team.id);
      addParagraph(editor.doc, `Only in ${name}`);
      await waitFor(async () => paragraphs(documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state)).includes(`Only in ${name}`), "stored");
      editor.provider.destroy();
      expect((await lead.post(`/cycles/${districtCycle}/plan/history`, { name })).status).toBe(302);
    }
    const targets = (await versionsOf(districtPlan)).filter((v) => v.name === "Race A" || v.name === "Race B");
    expect(targets.map((v) => v.name)).toEqual(["Race A", "Race B"]);
    expect(documentJSONFromUpdate(targets[0].state)).not.toEqual(documentJSONFromUpdate(targets[1].state));
    for (let round = 0; round < 6; round++) {
      const editor = await connect(districtPlan, world.team.id);
      addParagraph(editor.doc, `Round ${round}`);
      await waitFor(async () => paragraphs(documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state)).includes(`Round ${round}`), "stored");
      editor.provider.destroy();
      // From "the last client just left" to "unloaded" (unloadAfterMs is 100): the restore meets each stage.
      await new Promise((resolve) => setTimeout(resolve, round * 40));
      const target = targets[round % 2];
      expect((await lead.post(`/cycles/${districtCycle}/plan/versions/${target.id}`, { intent: "restore" })).status).toBe(302);
      expect(documentJSONFromUpdate((await loadPlanState(database.db, districtPlan)).state)).toEqual(documentJSONFromUpdate(target.state));
    }
    const late = await connect(districtPlan, world.team.id);
    expect(documentJSON(late.doc)).toEqual(documentJSONFromUpdate(targets[1].state));
  });
});

describe("daily versions and who changed the plan", () => {
  it("keeps each changed day's end state, across a restart and compaction, and the activity with it", async () => {
    const lead = actorOf(world.lead);
    const plan = (await ensurePlanDocument(database.db, lead, schoolBCycle)).id;
    const template = documentJSONFromUpdate((await loadPlanState(database.db, plan)).state);

    // Day 1 (tomorrow): the first change keeps today's (the template's) state as today's version.
    clock = new Date(noonToday + DAY);
    let editor = await connect(plan, world.lead.id);
    addParagraph(editor.doc, "Day one");
    await waitFor(async () => (await versionsOf(plan)).length === 1, "the first daily version");
    const [today] = await versionsOf(plan);
    expect(today).toMatchObject({ kind: "daily", day: new Date(noonToday).toISOString().slice(0, 10), name: null });
    expect(documentJSONFromUpdate(today.state)).toEqual(template);
    addParagraph(editor.doc, "Day one, later");
    await waitFor(async () => (await loadPlanState(database.db, plan)).seq >= 3, "day one stored");
    expect(await versionsOf(plan)).toHaveLength(1);

    // Day 2: the first change keeps day 1's end state.
    clock = new Date(noonToday + 2 * DAY);
    addParagraph(editor.doc, "Day two");
    await waitFor(async () => (await versionsOf(plan)).length === 2, "day one's version");
    const dayOne = (await versionsOf(plan))[1];
    expect(dayOne.day).toBe(new Date(noonToday + DAY).toISOString().slice(0, 10));
    expect(paragraphs(documentJSONFromUpdate(dayOne.state)).slice(-2)).toEqual(["Day one", "Day one, later"]);
    await waitFor(async () => paragraphs(documentJSONFromUpdate((await loadPlanState(database.db, plan)).state)).includes("Day two"), "day two stored");

    const activityBefore = await planActivity(database.db, plan);
    expect(activityBefore.map((a) => [a.person, a.changes])).toEqual([
      [world.lead.name, 1],
      [world.lead.name, 2],
      [null, 1],
    ]);

    // Everyone leaves: the log is compacted into a snapshot; the versions and the activity stay.
    editor.provider.destroy();
    await waitFor(() => !server.collab.documents.isLoaded(plan), "unloaded and compacted");
    expect(await database.db.select().from(docUpdates).where(eq(docUpdates.documentId, plan))).toHaveLength(0);
    expect(await database.db.select().from(docSnapshots).where(eq(docSnapshots.documentId, plan))).toHaveLength(1);
    expect(await versionsOf(plan)).toHaveLength(2);
    expect(await database.db.select().from(docActivity).where(eq(docActivity.documentId, plan))).toHaveLength(3);
    expect(await planActivity(database.db, plan)).toEqual(activityBefore);

    // A restart on day 3: the server learns when the last change was from what compaction kept.
    await server.close();
    clock = new Date(noonToday + 3 * DAY);
    server = await startTestServer(database, {}, collabOptions);
    // The district team may only read a school's plan; the lead edits it again.
    editor = await connect(plan, world.lead.id);
    addParagraph(editor.doc, "Day three");
    await waitFor(async () => (await versionsOf(plan)).length === 3, "day two's version");
    const dayTwo = (await versionsOf(plan))[2];
    expect(dayTwo.day).toBe(new Date(noonToday + 2 * DAY).toISOString().slice(0, 10));
    expect(paragraphs(documentJSONFromUpdate(dayTwo.state)).slice(-3)).toEqual(["Day one", "Day one, later", "Day two"]);

    // The history page lists the daily versions by date and counts the changes, compacted or not.
    const page = await (await signedIn(world.lead.email)).get(`/cycles/${schoolBCycle}/plan/history`);
    expect(page.status).toBe(200);
    const label = (ms: number) => new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(new Date(ms));
    for (const ms of [noonToday, noonToday + DAY, noonToday + 2 * DAY]) expect(page.text).toContain(`End of ${label(ms)}`);
    await waitFor(async () => (await planActivity(database.db, plan)).length === 4, "day three counted");
    const activity = await planActivity(database.db, plan);
    expect(activity[0]).toMatchObject({ person: world.lead.name, day: new Date(noonToday + 3 * DAY).toISOString().slice(0, 10), changes: 1 });
    expect(activity.slice(1)).toEqual(activityBefore);
    expect(page.text).toContain(world.lead.name);
    // Later changes the same day add no version: one per day.
    addParagraph(editor.doc, "Day three, later");
    await waitFor(async () => (await planActivity(database.db, plan))[0].changes === 2, "counted");
    expect(await versionsOf(plan)).toHaveLength(3);
  });
});

describe("when the collaboration server cannot take the change", () => {
  it("restores nothing, keeps no stray version and says to try again", async () => {
    const lead = await signedIn(world.lead.email);
    const [someVersion] = await versionsOf(districtPlan);
    const before = { versions: (await versionsOf(districtPlan)).length, seq: (await loadPlanState(database.db, districtPlan)).seq };
    // Shutting down: the server stops taking changes from the app.
    await server.collab.close();
    const refused = await lead.post(`/cycles/${districtCycle}/plan/versions/${someVersion.id}`, { intent: "restore" });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("The plan cannot be changed right now. Try again in a moment.");
    expect(await versionsOf(districtPlan)).toHaveLength(before.versions);
    expect((await loadPlanState(database.db, districtPlan)).seq).toBe(before.seq);
  });
});
