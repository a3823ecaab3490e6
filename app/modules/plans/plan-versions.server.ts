// A plan's history: its named and daily versions, who changed it on which day, saving a version and restoring one.
import { and, count, desc, eq, inArray, max, min, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { docActivity, docUpdates, docVersions, users } from "#db/schema";
import { documentHTML, documentJSONFromUpdate, withoutUnsafeLinks } from "~/editor/document";
import { recordAudit } from "~/modules/audit/audit.server";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { can, type Actor } from "~/modules/people/permissions";
import { Conflict, Forbidden, NotFound, ValidationFailed } from "~/utils/errors";
import { loadPlanState } from "./plan-content.server";
import { goalBlockSummaries } from "./goal-summaries.server";
import { ensurePlanDocument, planDocumentAccess, type PlanAccess } from "./plan-document.server";
import { beforeRestoreName, mergeActivity, restoreChange, saveVersionSchema, versionTitle, type VersionKind } from "./plan-versions";
import { submitServerChange } from "./server-changes.server";

export const closedPlanMessage = "This cycle is closed: its plan and versions can be read but not changed.";

/** The cycle, its plan document and what the actor may do with it; another district's cycle is NotFound. */
async function planOf(db: Database, actor: Actor & { districtName: string }, cycleId: string, ip?: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const document = await ensurePlanDocument(db, actor, cycle.id, ip);
  const { access } = await planDocumentAccess(db, actor, document.id);
  return { cycle, heading: cycleHeading(cycle, actor.districtName), documentId: document.id, access };
}

/** Refuses a change to the plan: readers are Forbidden, editors of a closed cycle hear why. */
function requireEdit(plan: { access: PlanAccess; cycle: { status: string; districtId: string; schoolId: string | null } }, actor: Actor) {
  if (plan.access === "edit") return;
  if (plan.cycle.status === "closed" && can(actor, "cycle:edit", plan.cycle)) throw new Conflict(closedPlanMessage);
  throw new Forbidden("Only people who may edit this cycle can save or restore versions of its plan.");
}

export interface VersionSummary {
  id: string;
  kind: VersionKind;
  title: string;
  day: string | null;
  createdAt: Date;
  createdBy: string | null;
}

export interface ActivitySummary {
  person: string | null;
  day: string;
  changes: number;
  firstAt: Date;
  lastAt: Date;
}

/** The history page: every version, newest first, and who changed the plan on which day. */
export async function planHistory(db: Database, actor: Actor & { districtName: string }, cycleId: string) {
  const plan = await planOf(db, actor, cycleId);
  const versions = await db
    .select({ id: docVersions.id, kind: docVersions.kind, name: docVersions.name, day: docVersions.day, createdAt: docVersions.createdAt, createdBy: users.name })
    .from(docVersions)
    .leftJoin(users, eq(users.id, docVersions.createdBy))
    .where(eq(docVersions.documentId, plan.documentId))
    .orderBy(desc(sql`coalesce(${docVersions.day}::timestamptz + interval '1 day', ${docVersions.createdAt})`), desc(docVersions.createdAt));
  const activity = await planActivity(db, plan.documentId);
  return {
    heading: plan.heading,
    access: plan.access,
    closed: plan.cycle.status === "closed",
    versions: versions.map((v): VersionSummary => ({ id: v.id, kind: v.kind, title: versionTitle(v), day: v.day, createdAt: v.createdAt, createdBy: v.createdBy })),
    activity,
  };
}

/**
 * Who changed the document on which UTC day: the sums compaction kept plus the log rows not compacted yet, read in
 * one repeatable-read transaction so a compaction committing in between is seen entirely or not at all.
 */
export async function planActivity(db: Database, documentId: string): Promise<ActivitySummary[]> {
  const { kept, logged, names } = await db.transaction(
    async (tx) => {
      const kept = await tx
        .select({ userId: docActivity.userId, day: docActivity.day, firstAt: docActivity.firstAt, lastAt: docActivity.lastAt, changes: docActivity.changes })
        .from(docActivity)
        .where(eq(docActivity.documentId, documentId));
      const day = sql<string>`((${docUpdates.createdAt} at time zone 'UTC')::date)::text`;
      const logged = await tx
        .select({ userId: docUpdates.userId, day, firstAt: min(docUpdates.createdAt), lastAt: max(docUpdates.createdAt), changes: count() })
        .from(docUpdates)
        .where(eq(docUpdates.documentId, documentId))
        .groupBy(docUpdates.userId, day);
      const ids = [...new Set([...kept, ...logged].map((r) => r.userId).filter((id): id is string => id !== null))];
      const names = ids.length ? await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)) : [];
      return { kept, logged, names };
    },
    { isolationLevel: "repeatable read" },
  );
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const rows = [...kept, ...logged.map((r) => ({ ...r, firstAt: new Date(r.firstAt!), lastAt: new Date(r.lastAt!), changes: Number(r.changes) }))];
  return mergeActivity(rows).map((r) => ({ person: r.userId ? (nameOf.get(r.userId) ?? null) : null, day: r.day, changes: r.changes, firstAt: r.firstAt, lastAt: r.lastAt }));
}

/** Saves the plan as it is stored now under a name; people who may edit the plan only. */
export async function saveNamedVersion(db: Database, actor: Actor & { districtName: string }, cycleId: string, input: unknown, ip?: string) {
  const plan = await planOf(db, actor, cycleId, ip);
  requireEdit(plan, actor);
  const parsed = saveVersionSchema.safeParse(input);
  if (!parsed.success) throw new ValidationFailed({ name: parsed.error.issues.map((issue) => issue.message) });
  const { name } = parsed.data;
  const stored = await loadPlanState(db, plan.documentId);
  return db.transaction(async (tx) => {
    const [version] = await tx
      .insert(docVersions)
      .values({ documentId: plan.documentId, kind: "named", name, state: stored.state, seq: stored.seq, createdBy: actor.id })
      .returning({ id: docVersions.id });
    await recordAudit(tx, {
      districtId: plan.cycle.districtId,
      actorId: actor.id,
      action: "plan.version.create",
      entityType: "doc_version",
      entityId: version.id,
      details: { documentId: plan.documentId, cycleId: plan.cycle.id, name, seq: stored.seq },
      ip,
    });
    return version;
  });
}

async function versionRow(db: Database, documentId: string, versionId: string) {
  const [version] = await db
    .select({
      id: docVersions.id,
      kind: docVersions.kind,
      name: docVersions.name,
      day: docVersions.day,
      state: docVersions.state,
      seq: docVersions.seq,
      createdAt: docVersions.createdAt,
      createdBy: users.name,
    })
    .from(docVersions)
    .leftJoin(users, eq(users.id, docVersions.createdBy))
    .where(and(eq(docVersions.id, versionId), eq(docVersions.documentId, documentId)));
  if (!version) throw new NotFound("version");
  return version;
}

/** One past version, rendered read-only on the server with the cycle's goals as they are now. */
export async function getPlanVersion(db: Database, actor: Actor & { districtName: string }, cycleId: string, versionId: string) {
  const plan = await planOf(db, actor, cycleId);
  const version = await versionRow(db, plan.documentId, versionId);
  const goals = new Map((await goalBlockSummaries(db, actor, plan.cycle.id)).map((goal) => [goal.id, goal]));
  const html = documentHTML(documentJSONFromUpdate(version.state), { lookupGoal: (id) => goals.get(id) });
  return {
    heading: plan.heading,
    access: plan.access,
    closed: plan.cycle.status === "closed",
    version: { id: version.id, kind: version.kind, title: versionTitle(version), day: version.day, createdAt: version.createdAt, createdBy: version.createdBy },
    html,
  };
}

/**
 * Makes the plan read as the version does again, as a new change by the actor through the collaboration server, so
 * open editors see it at once and it is stored before anyone does. What the plan said just before is first kept as a
 * named version: a restore never loses anything.
 */
export async function restorePlanVersion(db: Database, actor: Actor & { districtName: string }, cycleId: string, versionId: string, ip?: string) {
  const plan = await planOf(db, actor, cycleId, ip);
  requireEdit(plan, actor);
  const version = await versionRow(db, plan.documentId, versionId);
  // Links a rule forbids now are not brought back, whenever the version was saved.
  const content = withoutUnsafeLinks(documentJSONFromUpdate(version.state)).json;
  const before = await loadPlanState(db, plan.documentId);
  const [kept] = await db
    .insert(docVersions)
    .values({ documentId: plan.documentId, kind: "named", name: beforeRestoreName(version), state: before.state, seq: before.seq, createdBy: actor.id })
    .returning({ id: docVersions.id });
  let seq: number;
  try {
    seq = await submitServerChange(db, plan.documentId, actor.id, (current) => restoreChange(current, content));
  } catch (error) {
    // Nothing was restored, so there is nothing to have kept: the list shows no "Before restoring" without a restore.
    await db.delete(docVersions).where(eq(docVersions.id, kept.id)).catch(() => {});
    throw error;
  }
  await recordAudit(db, {
    districtId: plan.cycle.districtId,
    actorId: actor.id,
    action: "plan.restore",
    entityType: "doc_version",
    entityId: version.id,
    details: { documentId: plan.documentId, cycleId: plan.cycle.id, version: versionTitle(version), seq, keptVersionId: kept.id },
    ip,
  });
  return { seq, keptVersionId: kept.id, title: versionTitle(version) };
}
