// Adapting the rubric against a real database: drafts keep lineage, edits are version-checked, publishing switches
// open cycles only, and scores given under an earlier version keep their words, count in the roll-up and carry across years.
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, goals, rubricItems, rubricScores, rubricVersions } from "#db/schema";
import { latestRubricVersion } from "#db/seed/catalog.server";
import { describeAuditEvent } from "~/modules/audit/describe";
import { createDistrictCycle, getRollup, getRubricBoard, scoreRubricItem } from "~/modules/cycles/cycles.server";
import { createGoal, getGoal } from "~/modules/cycles/goals.server";
import {
  addDraftItem,
  discardRubricDraft,
  getDraftItem,
  getItemHistory,
  getRubricDraft,
  getRubricOverview,
  getRubricVersion,
  previousYearLevels,
  publishRubricDraft,
  removeDraftItem,
  startRubricDraft,
  updateDraftItem,
} from "~/modules/cycles/rubrics.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
const ids = { lastYear: "", lastYearA: "", thisYear: "", thisYearA: "", v1: "", goal: "" };
let v1Items: (typeof rubricItems.$inferSelect)[] = [];

const lead = () => actorOf(world.lead);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);
const datesOf = (year: number) => ({ baselineDate: `${year}-10-01`, midyearDate: `${year + 1}-01-31`, endyearDate: `${year + 1}-05-31` });
const wordsOf = (item: { title: string; level1: string; level2: string; level3: string; level4: string }) => ({
  title: item.title,
  level1: item.level1,
  level2: item.level2,
  level3: item.level3,
  level4: item.level4,
});

async function schoolCycleOf(districtCycleId: string, schoolId: string) {
  const [row] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, districtCycleId), eq(cycles.schoolId, schoolId)));
  return row;
}
const cycleRow = async (id: string) => (await database.db.select().from(cycles).where(eq(cycles.id, id)))[0];
const draftItems = async () => {
  const draft = await getRubricDraft(database.db, lead());
  return draft!.focusAreas.flatMap((a) => a.items);
};
const score = (itemId: string, level: number, expectedVersion: number | null, checkpoint: "baseline" | "midyear" | "endyear" = "baseline") => ({
  rubricItemId: itemId,
  checkpoint,
  level,
  evidence: `Level ${level} evidence`,
  evidenceLinks: [],
  expectedVersion,
});

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  // Last year: scored at every checkpoint at school A, then closed.
  const lastYear = await createDistrictCycle(database.db, lead(), { startYear: 2025, ...datesOf(2025) });
  ids.lastYear = lastYear.id;
  ids.lastYearA = (await schoolCycleOf(lastYear.id, world.schoolA.id)).id;
  ids.v1 = lastYear.rubricVersionId;
  v1Items = await database.db.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, ids.v1)).orderBy(rubricItems.position);
  for (const [checkpoint, level] of [
    ["baseline", 1],
    ["midyear", 2],
    ["endyear", 3],
  ] as const) {
    await scoreRubricItem(database.db, principal(), ids.lastYearA, score(v1Items[0].id, level, null, checkpoint));
  }
  await scoreRubricItem(database.db, principal(), ids.lastYearA, score(v1Items[1].id, 2, null, "midyear"));
  await database.db.update(cycles).set({ status: "closed", closedAt: new Date() }).where(eq(cycles.startYear, 2025));
  // This year: the baseline scored at school A and the district, and an implementation goal on the first item.
  const thisYear = await createDistrictCycle(database.db, lead(), { startYear: 2026, ...datesOf(2026) });
  ids.thisYear = thisYear.id;
  ids.thisYearA = (await schoolCycleOf(thisYear.id, world.schoolA.id)).id;
  await scoreRubricItem(database.db, principal(), ids.thisYearA, score(v1Items[0].id, 2, null));
  await scoreRubricItem(database.db, lead(), ids.thisYear, score(v1Items[0].id, 3, null));
  const goal = await createGoal(database.db, lead(), ids.thisYear, {
    kind: "implementation",
    title: "Shared vision everywhere",
    description: "Every school writes its SEL vision with families.",
    relevance: "",
    population: "All students",
    inclusiveNote: "",
    equityNote: "",
    rubricItemId: v1Items[0].id,
    targetLevel: 4,
    targetCheckpoint: "endyear",
    mirrorScope: "none",
    schoolIds: [],
    expectedVersion: null,
  } as never);
  ids.goal = goal.id;
});
afterAll(() => database?.close());

describe("adapting the rubric", () => {
  it("only the district lead adapts; everyone in the district reads the published versions; other districts see none", async () => {
    for (const actor of [principal(), actorOf(world.board), actorOf(world.team)]) {
      await expect(startRubricDraft(database.db, actor)).rejects.toThrow(Forbidden);
      await expect(getRubricDraft(database.db, actor)).rejects.toThrow(Forbidden);
      const overview = await getRubricOverview(database.db, actor);
      expect(overview.canAdapt).toBe(false);
      expect(overview.current?.number).toBe(1);
    }
    await expect(getRubricVersion(database.db, actorOf(elsewhere.lead), ids.v1)).rejects.toThrow(NotFound);
    expect((await getRubricOverview(database.db, actorOf(elsewhere.lead))).current).toBeNull();
  });

  it("a draft copies the newest published version with the same lineage; only one draft at a time", async () => {
    const draft = await startRubricDraft(database.db, lead());
    expect(draft).toMatchObject({ number: 2, publishedAt: null });
    const copied = await database.db.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, draft.id)).orderBy(rubricItems.position);
    expect(copied.map((i) => i.lineageId)).toEqual(v1Items.map((i) => i.lineageId));
    expect(copied.map(wordsOf)).toEqual(v1Items.map(wordsOf));
    expect(copied.every((i) => i.version === 1 && !v1Items.some((old) => old.id === i.id))).toBe(true);
    await expect(startRubricDraft(database.db, lead())).rejects.toThrow(/already in progress/);
    // A draft is never what a cycle opens on.
    expect((await latestRubricVersion(database.db, world.district.id))?.id).toBe(ids.v1);
    // Other people in the district do not see the draft.
    expect((await getRubricOverview(database.db, actorOf(world.board))).draft).toBeNull();
    expect((await getRubricOverview(database.db, lead())).draft?.number).toBe(2);
  });

  it("an edit is version-checked: a stale save writes nothing and returns the newer words", async () => {
    const first = (await draftItems())[0];
    const edit = { ...wordsOf({ ...first, level1: first.levels[0], level2: first.levels[1], level3: first.levels[2], level4: first.levels[3] }) };
    const saved = await updateDraftItem(database.db, lead(), first.id, {
      ...edit,
      level2: "Some staff have drafted a vision; families have not yet been asked.",
      expectedVersion: 1,
    });
    expect(saved.version).toBe(2);
    const stale = updateDraftItem(database.db, lead(), first.id, { ...edit, title: "Overwritten", expectedVersion: 1 });
    await expect(stale).rejects.toThrow(StaleEdit);
    await expect(stale).rejects.toMatchObject({ current: { level2: "Some staff have drafted a vision; families have not yet been asked.", version: 2 } });
    const [row] = await database.db.select().from(rubricItems).where(eq(rubricItems.id, first.id));
    expect(row).toMatchObject({ title: first.title, version: 2 });
    // The published version's words are untouched.
    const [old] = await database.db.select().from(rubricItems).where(eq(rubricItems.id, v1Items[0].id));
    expect(old.level2).toBe(v1Items[0].level2);
    const view = await getDraftItem(database.db, lead(), first.id);
    expect(view.published).toMatchObject({ number: 1, levels: [v1Items[0].level1, v1Items[0].level2, v1Items[0].level3, v1Items[0].level4] });
  });

  it("adds an item to a focus area with a fresh lineage, removes only items added in the draft", async () => {
    const words = { title: "Family SEL nights", level1: "None held.", level2: "One a year.", level3: "Each term.", level4: "Monthly, planned with families." };
    await expect(addDraftItem(database.db, lead(), { focusAreaId: "fa9", ...words })).rejects.toThrow(ValidationFailed);
    await expect(addDraftItem(database.db, lead(), { focusAreaId: "fa3", ...words, title: v1Items[0].title.toUpperCase() })).rejects.toMatchObject({
      fieldErrors: { title: [expect.stringContaining("already has an item with this title")] },
    });
    const scratch = await addDraftItem(database.db, lead(), { focusAreaId: "fa2", ...words, title: "Scratch item" });
    const added = await addDraftItem(database.db, lead(), { focusAreaId: "fa3", ...words });
    expect(v1Items.some((i) => i.lineageId === added.lineageId)).toBe(false);
    const draft = await getRubricDraft(database.db, lead());
    const area = draft!.focusAreas.find((a) => a.id === "fa3")!;
    expect(area.items.at(-1)).toMatchObject({ title: "Family SEL nights", addedInDraft: true });
    expect(area.items[0].addedInDraft).toBe(false);
    await expect(updateDraftItem(database.db, lead(), scratch.id, { ...words, expectedVersion: 1 })).rejects.toThrow(ValidationFailed);
    await removeDraftItem(database.db, lead(), scratch.id);
    await expect(removeDraftItem(database.db, lead(), area.items[0].id)).rejects.toThrow(/stays; you can reword it/);
    expect((await draftItems()).map((i) => i.title)).not.toContain("Scratch item");
    expect(draft!.openCycles).toEqual([{ yearLabel: "2026–27", district: true, schools: 2 }]);
  });

  it("nobody else touches the draft: school team and board are refused, another district finds nothing", async () => {
    const [item] = await draftItems();
    const input = { title: "Hijacked", level1: "a", level2: "b", level3: "c", level4: "d", expectedVersion: 2 };
    await expect(updateDraftItem(database.db, principal(), item.id, input)).rejects.toThrow(Forbidden);
    await expect(updateDraftItem(database.db, actorOf(world.board), item.id, input)).rejects.toThrow(Forbidden);
    await expect(getDraftItem(database.db, actorOf(elsewhere.lead), item.id)).rejects.toThrow(NotFound);
    await expect(publishRubricDraft(database.db, principal(), { note: "x", applyToOpenCycles: true })).rejects.toThrow(Forbidden);
    await expect(discardRubricDraft(database.db, actorOf(world.board))).rejects.toThrow(Forbidden);
    const [row] = await database.db.select().from(rubricItems).where(eq(rubricItems.id, item.id));
    expect(row.title).not.toBe("Hijacked");
  });

  it("a discarded draft is gone, and a draft with no changes cannot be published", async () => {
    await expect(discardRubricDraft(database.db, actorOf(elsewhere.lead))).rejects.toThrow(Conflict);
    const kept = await getRubricDraft(database.db, lead());
    // Discard and start again: the draft number is reused, nothing was published in between.
    await discardRubricDraft(database.db, lead());
    expect(await getRubricDraft(database.db, lead())).toBeNull();
    expect(await database.db.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, kept!.id))).toEqual([]);
    await expect(updateDraftItem(database.db, lead(), kept!.focusAreas[0].items[0].id, { title: "x", level1: "a", level2: "b", level3: "c", level4: "d", expectedVersion: 2 })).rejects.toThrow(
      /no draft any more/,
    );
    const again = await startRubricDraft(database.db, lead());
    expect(again.number).toBe(2);
    await expect(publishRubricDraft(database.db, lead(), { note: "Nothing really", applyToOpenCycles: false })).rejects.toThrow(/Nothing has changed since version 1/);
  });
});

describe("publishing", () => {
  it("without applying: open cycles stay on version 1, a cycle opened later uses version 2", async () => {
    const [first] = await draftItems();
    await updateDraftItem(database.db, lead(), first.id, {
      title: first.title,
      level1: first.levels[0],
      level2: "Some staff have drafted a vision; families have not yet been asked.",
      level3: first.levels[2],
      level4: first.levels[3],
      expectedVersion: 1,
    });
    const before = await cycleRow(ids.thisYear);
    const result = await publishRubricDraft(database.db, lead(), { note: "Level 2 now says who was asked.", applyToOpenCycles: false });
    expect(result).toMatchObject({ switchedCycles: 0, version: { number: 2, note: "Level 2 now says who was asked.", publishedBy: world.lead.id } });
    expect(result.changes).toEqual([expect.objectContaining({ kind: "changed", fields: ["level2"] })]);
    expect((await cycleRow(ids.thisYear)).rubricVersionId).toBe(ids.v1);
    expect((await cycleRow(ids.thisYear)).scoreRevision).toBe(before.scoreRevision);
    const later = await createDistrictCycle(database.db, lead(), { startYear: 2027, ...datesOf(2027) });
    expect(later.rubricVersionId).toBe(result.version.id);
    // Keep the rest of this file about one open year.
    await database.db.delete(cycles).where(eq(cycles.id, later.id));
    const overview = await getRubricOverview(database.db, actorOf(world.board));
    expect(overview.current).toMatchObject({ number: 2, publishedBy: world.lead.name });
    expect(overview.earlier.map((v) => v.number)).toEqual([1]);
    expect(overview.earlier[0].cycles.map((c) => c.yearLabel)).toEqual(["2026–27", "2025–26"]);
  });

  it("with applying: every open cycle switches, closed ones never do, goals follow their item", async () => {
    await startRubricDraft(database.db, lead());
    const items = await draftItems();
    const first = items[0];
    await updateDraftItem(database.db, lead(), first.id, {
      title: "Shared SEL vision",
      level1: first.levels[0],
      level2: first.levels[1],
      level3: first.levels[2],
      level4: first.levels[3],
      expectedVersion: 1,
    });
    await addDraftItem(database.db, lead(), {
      focusAreaId: "fa3",
      title: "Family SEL nights",
      level1: "None held.",
      level2: "One a year.",
      level3: "Each term.",
      level4: "Monthly, planned with families.",
    });
    const revision = (await cycleRow(ids.thisYear)).scoreRevision;
    const result = await publishRubricDraft(database.db, lead(), { note: "Vision is shared; family nights added.", applyToOpenCycles: true });
    expect(result.switchedCycles).toBe(3);
    const v3 = result.version.id;
    const open = await database.db.select().from(cycles).where(eq(cycles.startYear, 2026));
    expect(open.filter((c) => c.districtId === world.district.id).every((c) => c.rubricVersionId === v3)).toBe(true);
    const closed = await database.db.select().from(cycles).where(eq(cycles.startYear, 2025));
    expect(closed.filter((c) => c.districtId === world.district.id).every((c) => c.rubricVersionId === ids.v1)).toBe(true);
    // Another district's cycles are not touched.
    expect(await database.db.select().from(cycles).where(and(eq(cycles.districtId, elsewhere.district.id), eq(cycles.rubricVersionId, v3)))).toEqual([]);
    expect((await cycleRow(ids.thisYear)).scoreRevision).toBe(revision + 1);
    const [goal] = await database.db.select().from(goals).where(eq(goals.id, ids.goal));
    // Its progress still counts the baseline given under version 1.
    expect((await getGoal(database.db, lead(), ids.goal)).progress).toMatchObject({ latestLevel: 3, latestCheckpoint: "baseline" });
    const [goalItem] = await database.db.select().from(rubricItems).where(eq(rubricItems.id, goal.rubricItemId!));
    expect(goalItem).toMatchObject({ rubricVersionId: v3, lineageId: v1Items[0].lineageId });
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.entityId, v3));
    const words = events.map((e) => describeAuditEvent({ action: e.action, actorName: "Lee", details: e.details as Record<string, unknown> }));
    expect(words).toEqual(expect.arrayContaining(["Lee started adapting the rubric (version 3)", "Lee published rubric version 3 and used it in 3 open cycles"]));
  });

  it("scores given under version 1 still show against version 1's words on the item they became", async () => {
    const board = await getRubricBoard(database.db, principal(), ids.thisYearA);
    expect(board.rubricVersion.number).toBe(3);
    const items = board.focusAreas.flatMap((a) => a.items);
    const vision = items.find((i) => i.lineageId === v1Items[0].lineageId)!;
    expect(vision.title).toBe("Shared SEL vision");
    expect(vision.scores.baseline).toMatchObject({
      level: 2,
      givenUnder: { versionNumber: 1, wordingDiffers: true, title: v1Items[0].title, descriptor: v1Items[0].level2 },
    });
    expect(items.find((i) => i.title === "Family SEL nights")?.scores).toEqual({});
    // An item whose words did not change carries its version but needs no "scored under" note.
    await scoreRubricItem(database.db, principal(), ids.thisYearA, score(items[1].id, 2, null));
    const again = await getRubricBoard(database.db, principal(), ids.thisYearA);
    expect(again.focusAreas.flatMap((a) => a.items)[1].scores.baseline?.givenUnder).toMatchObject({ versionNumber: 3, wordingDiffers: false });
  });

  it("re-scoring after the switch replaces the old score in place, checked against its version", async () => {
    const board = await getRubricBoard(database.db, principal(), ids.thisYearA);
    const vision = board.focusAreas.flatMap((a) => a.items).find((i) => i.lineageId === v1Items[0].lineageId)!;
    const [old] = await database.db
      .select()
      .from(rubricScores)
      .where(and(eq(rubricScores.cycleId, ids.thisYearA), eq(rubricScores.rubricItemId, v1Items[0].id)));
    // The score exists (under version 1), so a form that thought there was none is stale.
    await expect(scoreRubricItem(database.db, principal(), ids.thisYearA, score(vision.id, 4, null))).rejects.toMatchObject({ current: { level: 2, version: 1 } });
    const saved = await scoreRubricItem(database.db, principal(), ids.thisYearA, score(vision.id, 3, 1));
    expect(saved).toMatchObject({ id: old.id, rubricItemId: vision.id, level: 3, version: 2 });
    const rows = await database.db.select().from(rubricScores).where(and(eq(rubricScores.cycleId, ids.thisYearA), eq(rubricScores.checkpoint, "baseline")));
    expect(rows.filter((r) => [v1Items[0].id, vision.id].includes(r.rubricItemId))).toHaveLength(1);
    const after = await getRubricBoard(database.db, principal(), ids.thisYearA);
    const scored = after.focusAreas.flatMap((a) => a.items).find((i) => i.id === vision.id)!.scores.baseline!;
    expect(scored.givenUnder).toMatchObject({ versionNumber: 3, wordingDiffers: false });
    expect(scored.level).toBe(3);
  });

  it("the roll-up counts scores given under earlier versions on today's items", async () => {
    const rollup = await getRollup(database.db, lead(), ids.thisYear, "baseline");
    const itemIds = new Set(rollup.items.map((i) => i.id));
    expect(rollup.scores.every((s) => itemIds.has(s.itemId))).toBe(true);
    const [secondV3] = await database.db
      .select()
      .from(rubricItems)
      .where(and(eq(rubricItems.lineageId, v1Items[1].lineageId), eq(rubricItems.rubricVersionId, (await cycleRow(ids.thisYear)).rubricVersionId)));
    expect(rollup.scores).toEqual(expect.arrayContaining([expect.objectContaining({ schoolId: world.schoolA.id, itemId: secondV3.id, level: 2 })]));
    // The district's own version-1 score is not in the schools' roll-up, but still on the district board.
    const board = await getRubricBoard(database.db, lead(), ids.thisYear);
    expect(board.focusAreas[0].items[0].scores.baseline).toMatchObject({ level: 3, givenUnder: { versionNumber: 1 } });
  });

  it("a closed cycle keeps its version and its words", async () => {
    const board = await getRubricBoard(database.db, principal(), ids.lastYearA);
    expect(board.rubricVersion.number).toBe(1);
    expect(board.cycle.canEdit).toBe(false);
    expect(board.focusAreas[0].items[0]).toMatchObject({ title: v1Items[0].title, scores: { endyear: { level: 3, givenUnder: { wordingDiffers: false } } } });
    await expect(scoreRubricItem(database.db, lead(), ids.lastYearA, score(v1Items[0].id, 4, 1, "endyear"))).rejects.toThrow(/closed/);
  });
});

describe("history across cycles", () => {
  it("shows the same item in the school's earlier years by lineage, with the words it was scored under", async () => {
    const thisYear = await cycleRow(ids.thisYearA);
    const history = await getItemHistory(database.db, principal(), thisYear, v1Items[0].lineageId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ cycleId: ids.lastYearA, yearLabel: "2025–26", status: "closed" });
    expect(history[0].checkpoints.map((c) => c.level)).toEqual([1, 2, 3]);
    expect(history[0].checkpoints[2]).toMatchObject({
      checkpoint: "endyear",
      evidence: "Level 3 evidence",
      scoredBy: world.schoolTeam.name,
      title: v1Items[0].title,
      descriptor: v1Items[0].level3,
      versionNumber: 1,
    });
    // The district's own history is the district's, not a school's.
    const districtHistory = await getItemHistory(database.db, lead(), await cycleRow(ids.thisYear), v1Items[0].lineageId);
    expect(districtHistory[0].cycleId).toBe(ids.lastYear);
    expect(districtHistory[0].checkpoints.every((c) => c.level === null)).toBe(true);
  });

  it("gives each item last year's end-of-year level, or its latest scored", async () => {
    const previous = await previousYearLevels(database.db, principal(), await cycleRow(ids.thisYearA));
    expect(previous?.yearLabel).toBe("2025–26");
    expect(previous?.levels[v1Items[0].lineageId]).toEqual({ checkpoint: "endyear", level: 3 });
    expect(previous?.levels[v1Items[1].lineageId]).toEqual({ checkpoint: "midyear", level: 2 });
    expect(await previousYearLevels(database.db, principal(), await cycleRow(ids.lastYearA))).toBeNull();
  });

  it("refuses history of a school the actor does not serve", async () => {
    const other = await schoolCycleOf(ids.thisYear, world.schoolB.id);
    await expect(getItemHistory(database.db, principal(), other, v1Items[0].lineageId)).rejects.toThrow(Forbidden);
  });

  it("keeps every version in order with its publisher, and the audit log in words", async () => {
    const versions = await database.db.select().from(rubricVersions).where(eq(rubricVersions.districtId, world.district.id)).orderBy(rubricVersions.number);
    expect(versions.map((v) => [v.number, Boolean(v.publishedAt)])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    const actions = await database.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.districtId, world.district.id), inArray(auditEvents.action, ["rubric.item_add", "rubric.item_remove", "rubric.item_update", "rubric.draft_discard"])));
    expect(new Set(actions.map((a) => a.action))).toEqual(new Set(["rubric.item_add", "rubric.item_remove", "rubric.item_update", "rubric.draft_discard"]));
  });
});
