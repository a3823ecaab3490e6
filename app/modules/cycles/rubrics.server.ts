// The district's versioned rubric: reading its versions, adapting a draft and publishing it, and an item's history across years.
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { cycles, districts, focusAreas, goals, rubricItems, rubricScores, rubricVersions, users } from "#db/schema";
import { latestRubricVersion } from "#db/seed/catalog.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { bumpScoreRevision, type CycleRow } from "./cycles.server";
import { diffRubricVersions, excerpt, yearEndLevel, type Descriptors } from "./rubric-versions";
import type { NewRubricItem, PublishRubricInput, RubricItemEdit } from "./rubrics.schema";
import { checkpoints, schoolYearLabel, type Checkpoint } from "./school-year";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
type Reader = Pick<Database, "select" | "selectDistinct">;
type ItemRow = typeof rubricItems.$inferSelect;

/** Adapting the rubric is the district lead's: the rubric belongs to the whole district, every school scores against it. */
export const canAdaptRubric = (actor: Actor) => can(actor, "district:manage", { districtId: actor.districtId });
const requireAdapter = (actor: Actor) => requirePermission(actor, "district:manage", { districtId: actor.districtId });
// Everyone who reads the district's own cycle reads the rubric it is scored against.
const requireReader = (actor: Actor) => requirePermission(actor, "cycle:read", { districtId: actor.districtId });

export interface RubricItemView {
  id: string;
  lineageId: string;
  focusAreaId: string;
  keyActivityId: string | null;
  position: number;
  title: string;
  levels: Descriptors;
  version: number;
}

const itemView = (row: ItemRow): RubricItemView => ({
  id: row.id,
  lineageId: row.lineageId,
  focusAreaId: row.focusAreaId,
  keyActivityId: row.keyActivityId,
  position: row.position,
  title: row.title,
  levels: [row.level1, row.level2, row.level3, row.level4],
  version: row.version,
});

async function itemsOf(db: Reader, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  const rows = await db.select().from(rubricItems).where(inArray(rubricItems.rubricVersionId, versionIds)).orderBy(asc(rubricItems.position));
  return rows.map((row) => ({ ...itemView(row), rubricVersionId: row.rubricVersionId }));
}

async function focusAreaList(db: Reader) {
  return db.select({ id: focusAreas.id, position: focusAreas.position, name: focusAreas.name }).from(focusAreas).orderBy(asc(focusAreas.position));
}

/** Items grouped under their focus areas, in rubric order; areas without items are left out. */
function byFocusArea<T extends { focusAreaId: string }>(areas: { id: string; position: number; name: string }[], items: T[]) {
  return areas.map((area) => ({ ...area, items: items.filter((i) => i.focusAreaId === area.id) })).filter((area) => area.items.length > 0);
}

/** Every version of the district with who made and published it, its items, and the cycles on it. */
async function loadVersions(db: Reader, districtId: string) {
  const versions = await db.select().from(rubricVersions).where(eq(rubricVersions.districtId, districtId)).orderBy(desc(rubricVersions.number));
  const peopleIds = [...new Set(versions.flatMap((v) => [v.publishedBy, v.createdBy]).filter((id): id is string => Boolean(id)))];
  const people = peopleIds.length ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, peopleIds)) : [];
  const nameOf = (id: string | null) => (id ? (people.find((p) => p.id === id)?.name ?? null) : null);
  const items = await itemsOf(
    db,
    versions.map((v) => v.id),
  );
  const cycleRows = await db
    .select({ id: cycles.id, schoolId: cycles.schoolId, startYear: cycles.startYear, status: cycles.status, rubricVersionId: cycles.rubricVersionId })
    .from(cycles)
    .where(eq(cycles.districtId, districtId))
    .orderBy(desc(cycles.startYear));
  const published = versions.filter((v) => v.publishedAt);
  return versions.map((v) => {
    const own = items.filter((i) => i.rubricVersionId === v.id);
    // Published versions are compared with the one published before them; a draft with the newest published.
    const previous = v.publishedAt ? published.find((p) => p.number < v.number) : published[0];
    const years = [...new Set(cycleRows.filter((c) => c.rubricVersionId === v.id).map((c) => c.startYear))];
    return {
      id: v.id,
      number: v.number,
      note: v.note,
      createdAt: v.createdAt,
      createdBy: nameOf(v.createdBy),
      publishedAt: v.publishedAt,
      publishedBy: nameOf(v.publishedBy),
      items: own,
      previousNumber: previous?.number ?? null,
      changes: previous ? diffRubricVersions(items.filter((i) => i.rubricVersionId === previous.id), own) : [],
      cycles: years.map((year) => {
        const onIt = cycleRows.filter((c) => c.startYear === year && c.rubricVersionId === v.id);
        const district = onIt.find((c) => !c.schoolId);
        return {
          startYear: year,
          yearLabel: schoolYearLabel(year),
          districtCycleId: district?.id ?? null,
          status: district?.status ?? onIt[0].status,
          schoolCycles: onIt.filter((c) => c.schoolId).length,
        };
      }),
    };
  });
}

export type RubricVersionSummary = Awaited<ReturnType<typeof loadVersions>>[number];

/** The rubric page: the version new cycles open on, the earlier ones, and (for the lead) the draft in progress. */
export async function getRubricOverview(db: Database, actor: Actor) {
  requireReader(actor);
  const versions = await loadVersions(db, actor.districtId);
  const published = versions.filter((v) => v.publishedAt);
  const draft = versions.find((v) => !v.publishedAt) ?? null;
  const areas = await focusAreaList(db);
  const current = published[0] ?? null;
  return {
    canAdapt: canAdaptRubric(actor),
    current: current ? { ...current, focusAreas: byFocusArea(areas, current.items) } : null,
    earlier: published.slice(1),
    draft: draft && canAdaptRubric(actor) ? { number: draft.number, createdAt: draft.createdAt, createdBy: draft.createdBy, changes: draft.changes } : null,
  };
}

/** One published version with its descriptors and what it changed; drafts and other districts' versions are not found. */
export async function getRubricVersion(db: Database, actor: Actor, versionId: string) {
  requireReader(actor);
  const versions = await loadVersions(db, actor.districtId);
  const version = versions.find((v) => v.id === versionId && v.publishedAt);
  if (!version) throw new NotFound("rubric version");
  return { ...version, isCurrent: versions.find((v) => v.publishedAt)?.id === version.id, focusAreas: byFocusArea(await focusAreaList(db), version.items) };
}

async function draftRow(db: Reader, districtId: string) {
  const [row] = await db
    .select()
    .from(rubricVersions)
    .where(and(eq(rubricVersions.districtId, districtId), isNull(rubricVersions.publishedAt)));
  return row ?? null;
}

/** The draft's row, locked for the rest of the transaction; someone else's publish or discard makes it vanish. */
async function lockDraft(tx: Tx, districtId: string) {
  const [row] = await tx
    .select()
    .from(rubricVersions)
    .where(and(eq(rubricVersions.districtId, districtId), isNull(rubricVersions.publishedAt)))
    .for("update");
  if (!row) throw new Conflict("There is no draft any more: someone published or discarded it. Open the rubric page to see the current version.");
  return row;
}

/** Lineages that exist in a version other than `versionId`: those items have scores to keep and cannot be removed. */
async function establishedLineages(db: Reader, districtId: string, versionId: string) {
  const rows = await db
    .selectDistinct({ lineageId: rubricItems.lineageId })
    .from(rubricItems)
    .innerJoin(rubricVersions, eq(rubricVersions.id, rubricItems.rubricVersionId))
    .where(and(eq(rubricVersions.districtId, districtId), ne(rubricVersions.id, versionId)));
  return new Set(rows.map((r) => r.lineageId));
}

async function openCycleYears(db: Reader, districtId: string) {
  const rows = await db
    .select({ startYear: cycles.startYear, schoolId: cycles.schoolId })
    .from(cycles)
    .where(and(eq(cycles.districtId, districtId), ne(cycles.status, "closed")))
    .orderBy(asc(cycles.startYear));
  const years = [...new Set(rows.map((r) => r.startYear))];
  return years.map((year) => ({
    yearLabel: schoolYearLabel(year),
    district: rows.some((r) => r.startYear === year && !r.schoolId),
    schools: rows.filter((r) => r.startYear === year && r.schoolId).length,
  }));
}

/** The draft editor: the draft's items, what it changes so far, which items may be removed, and the cycles publishing could switch. */
export async function getRubricDraft(db: Database, actor: Actor) {
  requireAdapter(actor);
  const versions = await loadVersions(db, actor.districtId);
  const draft = versions.find((v) => !v.publishedAt);
  if (!draft) return null;
  const established = await establishedLineages(db, actor.districtId, draft.id);
  const areas = await focusAreaList(db);
  return {
    id: draft.id,
    number: draft.number,
    createdAt: draft.createdAt,
    createdBy: draft.createdBy,
    basedOn: draft.previousNumber,
    changes: draft.changes,
    focusAreas: byFocusArea(
      areas,
      draft.items.map((item) => ({ ...item, addedInDraft: !established.has(item.lineageId) })),
    ),
    allFocusAreas: areas,
    openCycles: await openCycleYears(db, actor.districtId),
  };
}

/** One item of the draft for its edit form, with the words the newest published version gives it. */
export async function getDraftItem(db: Database, actor: Actor, itemId: string) {
  requireAdapter(actor);
  const draft = await draftRow(db, actor.districtId);
  if (!draft) throw new NotFound("draft");
  const [row] = await db
    .select()
    .from(rubricItems)
    .where(and(eq(rubricItems.id, itemId), eq(rubricItems.rubricVersionId, draft.id)));
  if (!row) throw new NotFound("rubric item");
  const published = await latestRubricVersion(db, actor.districtId);
  const [before] = published
    ? await db
        .select()
        .from(rubricItems)
        .where(and(eq(rubricItems.rubricVersionId, published.id), eq(rubricItems.lineageId, row.lineageId)))
    : [];
  const [area] = await db.select().from(focusAreas).where(eq(focusAreas.id, row.focusAreaId));
  return {
    draftNumber: draft.number,
    item: itemView(row),
    focusArea: { position: area.position, name: area.name },
    published: before && published ? { number: published.number, ...itemView(before) } : null,
  };
}

/** "Adapt the rubric": a draft that copies the newest published version, keeping each item's lineage so scores follow it. */
export async function startRubricDraft(db: Database, actor: Actor, ip?: string) {
  requireAdapter(actor);
  return db.transaction(async (tx) => {
    // Two leads pressing "Adapt" at once queue here; the second finds the first one's draft.
    await tx.select({ id: districts.id }).from(districts).where(eq(districts.id, actor.districtId)).for("update");
    if (await draftRow(tx, actor.districtId)) throw new Conflict("A draft is already in progress. Continue it, or discard it before starting again.");
    const base = await latestRubricVersion(tx, actor.districtId);
    if (!base) throw new Conflict("The district has no published rubric yet; it gets one when its first cycle opens.");
    const [{ max }] = await tx
      .select({ max: sql<number>`max(${rubricVersions.number})` })
      .from(rubricVersions)
      .where(eq(rubricVersions.districtId, actor.districtId));
    const [draft] = await tx
      .insert(rubricVersions)
      .values({ districtId: actor.districtId, number: Number(max) + 1, note: "", createdBy: actor.id })
      .returning();
    const items = await tx.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, base.id)).orderBy(asc(rubricItems.position));
    await tx.insert(rubricItems).values(
      items.map((item) => ({
        rubricVersionId: draft.id,
        focusAreaId: item.focusAreaId,
        keyActivityId: item.keyActivityId,
        lineageId: item.lineageId,
        position: item.position,
        title: item.title,
        level1: item.level1,
        level2: item.level2,
        level3: item.level3,
        level4: item.level4,
      })),
    );
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "rubric.draft_start",
      entityType: "rubric_version",
      entityId: draft.id,
      details: { number: draft.number, basedOn: base.number },
      ip,
    });
    return draft;
  });
}

const wordingOf = (row: ItemRow) => ({ title: row.title, level1: row.level1, level2: row.level2, level3: row.level3, level4: row.level4 });

/** Saves an item's title and descriptors in the draft, unless someone saved newer words since the form was loaded. */
export async function updateDraftItem(db: Database, actor: Actor, itemId: string, input: RubricItemEdit, ip?: string) {
  requireAdapter(actor);
  return db.transaction(async (tx) => {
    const draft = await lockDraft(tx, actor.districtId);
    const [row] = await tx
      .select()
      .from(rubricItems)
      .where(and(eq(rubricItems.id, itemId), eq(rubricItems.rubricVersionId, draft.id)))
      .for("update");
    if (!row) throw new NotFound("rubric item");
    if (row.version !== input.expectedVersion) throw new StaleEdit({ ...wordingOf(row), version: row.version });
    await requireUniqueTitle(tx, draft.id, input.title, row.id);
    const after = { title: input.title, level1: input.level1, level2: input.level2, level3: input.level3, level4: input.level4 };
    const [saved] = await tx
      .update(rubricItems)
      .set({ ...after, version: row.version + 1 })
      .where(eq(rubricItems.id, row.id))
      .returning();
    const before = wordingOf(row);
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "rubric.item_update",
      entityType: "rubric_item",
      entityId: row.id,
      details: { draft: draft.number, title: saved.title, changed, from: Object.fromEntries(changed.map((k) => [k, before[k]])) },
      ip,
    });
    return itemView(saved);
  });
}

/** Two items with one title would make scores and goals ambiguous to read. */
async function requireUniqueTitle(tx: Tx, versionId: string, title: string, exceptItemId?: string) {
  const [same] = await tx
    .select({ id: rubricItems.id })
    .from(rubricItems)
    .where(
      and(
        eq(rubricItems.rubricVersionId, versionId),
        sql`lower(${rubricItems.title}) = lower(${title})`,
        exceptItemId ? ne(rubricItems.id, exceptItemId) : undefined,
      ),
    );
  if (same) throw new ValidationFailed({ title: ["The rubric already has an item with this title; choose another, so scores are not confused."] });
}

/** Adds a district's own item to a focus area of the draft, as a new lineage: it has no scores yet. */
export async function addDraftItem(db: Database, actor: Actor, input: NewRubricItem, ip?: string) {
  requireAdapter(actor);
  const [area] = await db.select({ id: focusAreas.id }).from(focusAreas).where(eq(focusAreas.id, input.focusAreaId));
  if (!area) throw new ValidationFailed({ focusAreaId: ["Choose one of the four focus areas."] });
  return db.transaction(async (tx) => {
    const draft = await lockDraft(tx, actor.districtId);
    const [{ last }] = await tx
      .select({ last: sql<number>`coalesce(max(${rubricItems.position}), 0)` })
      .from(rubricItems)
      .where(eq(rubricItems.rubricVersionId, draft.id));
    await requireUniqueTitle(tx, draft.id, input.title);
    // Positions order items within the rubric; a new item goes after every other, so it ends its focus area's list.
    const [saved] = await tx
      .insert(rubricItems)
      .values({
        rubricVersionId: draft.id,
        focusAreaId: input.focusAreaId,
        keyActivityId: null,
        position: Number(last) + 1,
        title: input.title,
        level1: input.level1,
        level2: input.level2,
        level3: input.level3,
        level4: input.level4,
      })
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "rubric.item_add",
      entityType: "rubric_item",
      entityId: saved.id,
      details: { draft: draft.number, title: saved.title, focusAreaId: saved.focusAreaId },
      ip,
    });
    return itemView(saved);
  });
}

/** Removes an item added in this draft; items of published versions stay, since scores were given against them. */
export async function removeDraftItem(db: Database, actor: Actor, itemId: string, ip?: string) {
  requireAdapter(actor);
  return db.transaction(async (tx) => {
    const draft = await lockDraft(tx, actor.districtId);
    const [row] = await tx
      .select()
      .from(rubricItems)
      .where(and(eq(rubricItems.id, itemId), eq(rubricItems.rubricVersionId, draft.id)));
    if (!row) throw new NotFound("rubric item");
    if ((await establishedLineages(tx, actor.districtId, draft.id)).has(row.lineageId)) {
      throw new Conflict(`“${row.title}” is part of the published rubric and has scores against it, so it stays; you can reword it instead.`);
    }
    await tx.delete(rubricItems).where(eq(rubricItems.id, row.id));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "rubric.item_remove",
      entityType: "rubric_item",
      entityId: row.id,
      details: { draft: draft.number, title: row.title },
      ip,
    });
  });
}

/** Throws the draft away; no cycle or score can point at it, since only published versions are ever used. */
export async function discardRubricDraft(db: Database, actor: Actor, ip?: string) {
  requireAdapter(actor);
  return db.transaction(async (tx) => {
    const draft = await lockDraft(tx, actor.districtId);
    await tx.delete(rubricVersions).where(eq(rubricVersions.id, draft.id));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "rubric.draft_discard",
      entityType: "rubric_version",
      entityId: draft.id,
      details: { number: draft.number },
      ip,
    });
  });
}

/**
 * Publishes the draft with a note on what changed and why. New cycles open on it from now on; with
 * `applyToOpenCycles`, every cycle of the district that is not closed switches to it at once. Closed cycles
 * never change: their scores stay read against the words they were given under.
 */
export async function publishRubricDraft(db: Database, actor: Actor, input: PublishRubricInput, ip?: string) {
  requireAdapter(actor);
  return db.transaction(async (tx) => {
    const draft = await lockDraft(tx, actor.districtId);
    const base = await latestRubricVersion(tx, actor.districtId);
    const items = await itemsOf(tx, base ? [base.id, draft.id] : [draft.id]);
    const changes = base
      ? diffRubricVersions(
          items.filter((i) => i.rubricVersionId === base.id),
          items.filter((i) => i.rubricVersionId === draft.id),
        )
      : [];
    if (base && changes.length === 0) {
      throw new Conflict(`Nothing has changed since version ${base.number}. Reword or add an item before publishing, or discard the draft.`);
    }
    const now = new Date();
    const [published] = await tx
      .update(rubricVersions)
      .set({ publishedAt: now, publishedBy: actor.id, note: input.note })
      .where(eq(rubricVersions.id, draft.id))
      .returning();
    const switched = input.applyToOpenCycles
      ? await tx
          .update(cycles)
          .set({ rubricVersionId: draft.id, updatedAt: now })
          .where(and(eq(cycles.districtId, actor.districtId), ne(cycles.status, "closed")))
          .returning({ id: cycles.id, districtCycleId: cycles.districtCycleId, startYear: cycles.startYear })
      : [];
    if (switched.length) {
      // Implementation goals of the switched cycles follow their item to the new version (same lineage), so the
      // goal forms, which only offer the cycle's own items, still recognise them.
      const successor = sql`(select n.id from ${rubricItems} n join ${rubricItems} o on o.lineage_id = n.lineage_id where o.id = ${goals.rubricItemId} and n.rubric_version_id = ${draft.id})`;
      await tx
        .update(goals)
        .set({ rubricItemId: sql`coalesce(${successor}, ${goals.rubricItemId})` })
        .where(
          and(
            inArray(
              goals.cycleId,
              switched.map((c) => c.id),
            ),
            isNotNull(goals.rubricItemId),
          ),
        );
      // What a district's roll-up shows (its items and their wording) changed, so a cached one is stale.
      for (const id of new Set(switched.map((c) => c.districtCycleId ?? c.id))) await bumpScoreRevision(tx, { id, districtCycleId: null });
    }
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "rubric.publish",
      entityType: "rubric_version",
      entityId: published.id,
      details: {
        number: published.number,
        note: input.note,
        changes: changes.map((c) => ({ kind: c.kind, title: c.title, ...(c.kind === "changed" ? { fields: c.fields } : {}) })),
        appliedToOpenCycles: input.applyToOpenCycles,
        cycles: switched.length,
        years: [...new Set(switched.map((c) => c.startYear))],
      },
      ip,
    });
    return { version: published, changes, switchedCycles: switched.length };
  });
}

/** The lineage of a rubric item of this district, whatever its version; used to follow an old link to today's item. */
export async function lineageOfItem(db: Database, actor: Actor, itemId: string) {
  requireReader(actor);
  const [row] = await db
    .select({ lineageId: rubricItems.lineageId })
    .from(rubricItems)
    .innerJoin(rubricVersions, eq(rubricVersions.id, rubricItems.rubricVersionId))
    .where(and(eq(rubricItems.id, itemId), eq(rubricVersions.districtId, actor.districtId), isNotNull(rubricVersions.publishedAt)));
  return row?.lineageId ?? null;
}

type ReadableCycle = Pick<CycleRow, "id" | "districtId" | "schoolId" | "startYear">;

/** The same organisation's cycles of earlier school years, newest first. The caller has already been allowed to read `cycle`. */
async function earlierCycles(db: Reader, actor: Actor, cycle: ReadableCycle) {
  return db
    .select({ id: cycles.id, startYear: cycles.startYear, status: cycles.status })
    .from(cycles)
    .where(
      and(
        eq(cycles.districtId, actor.districtId),
        cycle.schoolId ? eq(cycles.schoolId, cycle.schoolId) : isNull(cycles.schoolId),
        lt(cycles.startYear, cycle.startYear),
      ),
    )
    .orderBy(desc(cycles.startYear));
}

async function scoresByLineage(db: Reader, cycleIds: string[], lineageId?: string) {
  if (cycleIds.length === 0) return [];
  return db
    .select({
      cycleId: rubricScores.cycleId,
      checkpoint: rubricScores.checkpoint,
      level: rubricScores.level,
      evidence: rubricScores.evidence,
      scoredAt: rubricScores.scoredAt,
      scorer: users.name,
      lineageId: rubricItems.lineageId,
      title: rubricItems.title,
      level1: rubricItems.level1,
      level2: rubricItems.level2,
      level3: rubricItems.level3,
      level4: rubricItems.level4,
      versionNumber: rubricVersions.number,
    })
    .from(rubricScores)
    .innerJoin(rubricItems, eq(rubricItems.id, rubricScores.rubricItemId))
    .innerJoin(rubricVersions, eq(rubricVersions.id, rubricItems.rubricVersionId))
    .leftJoin(users, eq(users.id, rubricScores.scoredBy))
    .where(and(inArray(rubricScores.cycleId, cycleIds), lineageId ? eq(rubricItems.lineageId, lineageId) : undefined));
}

/**
 * One item (by lineage) in the organisation's earlier cycles: each checkpoint's level, an excerpt of the
 * evidence, who scored it and when, and the descriptor it was given under.
 */
export async function getItemHistory(db: Database, actor: Actor, cycle: ReadableCycle, lineageId: string) {
  requirePermission(actor, "cycle:read", { districtId: cycle.districtId, schoolId: cycle.schoolId });
  const earlier = await earlierCycles(db, actor, cycle);
  const scores = await scoresByLineage(
    db,
    earlier.map((c) => c.id),
    lineageId,
  );
  return earlier.map((c) => ({
    cycleId: c.id,
    yearLabel: schoolYearLabel(c.startYear),
    status: c.status,
    checkpoints: checkpoints.map((checkpoint) => {
      const s = scores.find((row) => row.cycleId === c.id && row.checkpoint === checkpoint);
      if (!s) return { checkpoint, level: null, evidence: "", scoredBy: null, scoredAt: null, title: null, descriptor: null, versionNumber: null };
      const levels = [s.level1, s.level2, s.level3, s.level4];
      return {
        checkpoint,
        level: s.level,
        evidence: excerpt(s.evidence),
        scoredBy: s.scorer,
        scoredAt: s.scoredAt,
        title: s.title,
        descriptor: levels[s.level - 1] ?? "",
        versionNumber: s.versionNumber,
      };
    }),
  }));
}

/** Where each item (by lineage) ended the organisation's previous school year: its end-of-year level, or the latest scored. */
export async function previousYearLevels(db: Database, actor: Actor, cycle: ReadableCycle) {
  requirePermission(actor, "cycle:read", { districtId: cycle.districtId, schoolId: cycle.schoolId });
  const [previous] = await earlierCycles(db, actor, cycle);
  if (!previous) return null;
  const scores = await scoresByLineage(db, [previous.id]);
  const lineages = new Map<string, { checkpoint: Checkpoint; level: number }[]>();
  for (const s of scores) {
    const list = lineages.get(s.lineageId) ?? [];
    list.push({ checkpoint: s.checkpoint, level: s.level });
    lineages.set(s.lineageId, list);
  }
  const levels: Record<string, { checkpoint: Checkpoint; level: number }> = {};
  for (const [lineageId, list] of lineages) {
    const end = yearEndLevel(list);
    if (end) levels[lineageId] = end;
  }
  return { cycleId: previous.id, yearLabel: schoolYearLabel(previous.startYear), levels };
}
