// Loads the shared catalog (focus areas, key activities, catalog measures, student groups) and gives a district its first rubric.
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "../client.server";
import { focusAreas, keyActivities, measures, rubricItems, rubricVersions, studentGroups } from "../schema";
import { focusAreaCatalog, measureCatalog, studentGroupCatalog } from "./catalog";

type Tx = Pick<Database, "insert" | "select" | "update">;

/** Idempotent: inserts what is missing and refreshes wording, so every start leaves the catalog current. */
export async function ensureCatalog(db: Tx) {
  for (const [index, area] of focusAreaCatalog.entries()) {
    await db
      .insert(focusAreas)
      .values({ id: area.id, position: index + 1, name: area.name, summary: area.summary, phase: area.phase })
      .onConflictDoUpdate({ target: focusAreas.id, set: { name: area.name, summary: area.summary, phase: area.phase, position: index + 1 } });
    for (const [position, activity] of area.activities.entries()) {
      await db
        .insert(keyActivities)
        .values({ id: activity.id, focusAreaId: area.id, position: position + 1, name: activity.name, summary: activity.summary })
        .onConflictDoUpdate({ target: keyActivities.id, set: { name: activity.name, summary: activity.summary, position: position + 1 } });
    }
  }
  for (const measure of measureCatalog) {
    const [existing] = await db
      .select({ id: measures.id })
      .from(measures)
      .where(and(isNull(measures.districtId), eq(measures.slug, measure.slug)));
    if (existing) {
      await db
        .update(measures)
        .set({ name: measure.name, description: measure.description, category: measure.category, competency: measure.competency })
        .where(eq(measures.id, existing.id));
    } else {
      await db.insert(measures).values({ districtId: null, ...measure });
    }
  }
  for (const [index, group] of studentGroupCatalog.entries()) {
    const [existing] = await db
      .select({ id: studentGroups.id })
      .from(studentGroups)
      .where(and(isNull(studentGroups.districtId), eq(studentGroups.slug, group.slug)));
    if (existing) {
      await db.update(studentGroups).set({ name: group.name, category: group.category, sortOrder: index }).where(eq(studentGroups.id, existing.id));
    } else {
      await db.insert(studentGroups).values({ districtId: null, ...group, sortOrder: index });
    }
  }
}

/** Version 1 of a district's rubric: one item per key activity with the catalog's level descriptors. */
export async function createDefaultRubric(db: Tx, districtId: string, createdBy: string | null = null) {
  const [version] = await db
    .insert(rubricVersions)
    .values({ districtId, number: 1, note: "Starting rubric from the Cyclekeeper catalog", createdBy, publishedAt: new Date(), publishedBy: createdBy })
    .returning();
  let position = 0;
  const items = focusAreaCatalog.flatMap((area) =>
    area.activities.map((activity) => ({
      rubricVersionId: version.id,
      focusAreaId: area.id,
      keyActivityId: activity.id,
      position: ++position,
      title: activity.name,
      level1: activity.levels[0],
      level2: activity.levels[1],
      level3: activity.levels[2],
      level4: activity.levels[3],
    })),
  );
  const inserted = await db.insert(rubricItems).values(items).returning();
  return { version, items: inserted };
}

/** The district's newest published rubric: what a new cycle is opened on. A draft in progress never counts. */
export async function latestRubricVersion(db: Pick<Database, "select">, districtId: string) {
  const [row] = await db
    .select()
    .from(rubricVersions)
    .where(and(eq(rubricVersions.districtId, districtId), isNotNull(rubricVersions.publishedAt)))
    .orderBy(sql`${rubricVersions.number} desc`)
    .limit(1);
  return row ?? null;
}
