// A plan's history: its named and daily versions, who changed it on which day, saving a version and restoring one.
import { count, eq, inArray, max, min, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { docActivity, docUpdates, users } from "#db/schema";
import { damageDescriptions, readDocument } from "~/editor/document";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { can, type Actor } from "~/modules/people/permissions";
import { Conflict, Forbidden, ValidationFailed } from "~/utils/errors";
import {
  damageNotice,
  documentVersion,
  documentVersions,
  readStoredDocument,
  restoreLastGood,
  restoreDocumentVersion,
  saveDocumentVersion,
} from "./document-versions.server";
import { goalBlockSummaries } from "./goal-summaries.server";
import { ensurePlanDocument, planDocumentAccess, type PlanAccess } from "./plan-document.server";
import { mergeActivity, planDamageLabel, saveVersionSchema, versionTitle } from "./plan-versions";

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

export interface ActivitySummary {
  person: string | null;
  day: string;
  changes: number;
  firstAt: Date;
  lastAt: Date;
}

/** The history page: every version, newest first, who changed the plan on which day, and whether it is damaged now. */
export async function planHistory(db: Database, actor: Actor & { districtName: string }, cycleId: string) {
  const plan = await planOf(db, actor, cycleId);
  const [versions, activity, reading] = await Promise.all([documentVersions(db, plan.documentId), planActivity(db, plan.documentId), readStoredDocument(db, plan.documentId)]);
  return {
    heading: plan.heading,
    access: plan.access,
    closed: plan.cycle.status === "closed",
    versions,
    activity,
    damage: await damageNotice(db, plan.documentId, reading, planDamageLabel(plan.cycle, actor.districtName)),
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
  return saveDocumentVersion(db, actor, plan.documentId, parsed.data.name, auditOf(plan, ip));
}

/** What plan version audits carry besides the document: which cycle. */
function auditOf(plan: { cycle: { id: string; districtId: string } }, ip?: string) {
  return { districtId: plan.cycle.districtId, auditPrefix: "plan" as const, details: { cycleId: plan.cycle.id }, ip };
}

/** One past version, rendered read-only on the server with the cycle's goals as they are now. */
export async function getPlanVersion(db: Database, actor: Actor & { districtName: string }, cycleId: string, versionId: string) {
  const plan = await planOf(db, actor, cycleId);
  const version = await documentVersion(db, plan.documentId, versionId);
  const goals = new Map((await goalBlockSummaries(db, actor, plan.cycle.id)).map((goal) => [goal.id, goal]));
  // A damaged version (the one kept "before restoring" a damaged plan, say) is listed and named, never drawn.
  const reading = readDocument(version.state, { lookupGoal: (id) => goals.get(id) });
  const html = reading.ok ? reading.html : null;
  return {
    damage: reading.ok ? null : damageDescriptions[reading.damage],
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
  return restoreDocumentVersion(db, actor, plan.documentId, versionId, auditOf(plan, ip));
}

/**
 * "Restore the last good version" from a damaged plan's page or history: the newest version or snapshot that reads
 * cleanly, found again here (never taken from the form), a snapshot first kept as a named version.
 */
export async function restoreLastGoodPlan(db: Database, actor: Actor & { districtName: string }, cycleId: string, ip?: string) {
  const plan = await planOf(db, actor, cycleId, ip);
  requireEdit(plan, actor);
  return restoreLastGood(db, actor, plan.documentId, "plan", auditOf(plan, ip));
}

/** Restores the last good version of a reflection meeting's damaged notes; people who may edit the notes only. */
export async function restoreLastGoodNotes(db: Database, actor: Actor, documentId: string, ip?: string) {
  const notes = await planDocumentAccess(db, actor, documentId);
  if (notes.access !== "edit") throw new Forbidden("Only people who may edit these notes can restore them.");
  return restoreLastGood(db, actor, documentId, "meeting notes", { districtId: actor.districtId, auditPrefix: "meeting_notes", details: { cycleId: notes.cycleId }, ip });
}
