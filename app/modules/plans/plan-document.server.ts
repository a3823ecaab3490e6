// Action-plan documents: creating a cycle's plan and deciding who may edit, read or not reach it.
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { cycles, districts, docUpdates, planDocuments } from "#db/schema";
import { updateFromJSON } from "~/editor/document";
import { recordAudit } from "~/modules/audit/audit.server";
import { getCycle } from "~/modules/cycles/cycles.server";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { can, type Actor } from "~/modules/people/permissions";
import { reportDocumentAccess } from "~/modules/reports/reports.server";
import { Forbidden, NotFound } from "~/utils/errors";
import { goalBlockSummaries } from "./goal-summaries.server";
import { planTemplate, type TemplateContext } from "./plan-template";

export type PlanAccess = "edit" | "read";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The template a new plan starts from, as its first Yjs update, built with the editor's own schema so the editor
 * opens it as it is. ensurePlanDocument stores it as the document's first log entry: server-side and exactly once.
 */
export function planTemplateUpdate(context: TemplateContext): Uint8Array {
  return updateFromJSON(planTemplate(context));
}

/** The cycle's plan document, created (with its template) the first time anyone who may read the cycle opens it. */
export async function ensurePlanDocument(db: Database, actor: Actor, cycleId: string, ip?: string) {
  const cycle = await getCycle(db, actor, cycleId);
  // A cycle also holds its reflection meetings' notes; its plan is the one action_plan document.
  const isPlan = and(eq(planDocuments.cycleId, cycle.id), eq(planDocuments.kind, "action_plan"));
  const [existing] = await db.select().from(planDocuments).where(isPlan);
  if (existing) return existing;
  const [district] = await db.select({ name: districts.name }).from(districts).where(eq(districts.id, cycle.districtId));
  const goalIds = (await goalBlockSummaries(db, actor, cycle.id)).map((goal) => goal.id);
  const template = planTemplateUpdate({
    organisationName: cycle.schoolId ? (cycle.schoolName ?? "the school") : (district?.name ?? "the district"),
    yearLabel: schoolYearLabel(cycle.startYear),
    goalIds,
  });
  return db.transaction(async (tx) => {
    // Two first openers at once: the unique cycle index lets one insert win; the other reads the winner's row.
    const [created] = await tx
      .insert(planDocuments)
      .values({ districtId: cycle.districtId, cycleId: cycle.id, createdBy: actor.id })
      .onConflictDoNothing({ target: planDocuments.cycleId, where: sql`${planDocuments.kind} = 'action_plan'` })
      .returning();
    if (!created) {
      const [winner] = await tx.select().from(planDocuments).where(isPlan);
      return winner;
    }
    await tx.insert(docUpdates).values({ documentId: created.id, seq: 1, update: template, userId: null });
    await recordAudit(tx, {
      districtId: cycle.districtId,
      actorId: actor.id,
      action: "plan.create",
      entityType: "plan_document",
      entityId: created.id,
      details: { cycleId: cycle.id, startYear: cycle.startYear, schoolName: cycle.schoolName },
      ip,
    });
    return created;
  });
}

/**
 * What the actor may do with a plan document: edit when they may edit its cycle and the cycle is not closed,
 * read when they may read the cycle. Another district's document, or no such document, is NotFound; a
 * document of their district they may not read is Forbidden. A report's draft follows the report's own rules.
 */
export async function planDocumentAccess(db: Database, actor: Actor, documentId: string) {
  if (!UUID.test(documentId)) throw new NotFound("document");
  const [row] = await db
    .select({ documentId: planDocuments.id, kind: planDocuments.kind, cycleId: cycles.id, districtId: cycles.districtId, schoolId: cycles.schoolId, status: cycles.status })
    .from(planDocuments)
    .innerJoin(cycles, eq(cycles.id, planDocuments.cycleId))
    .where(and(eq(planDocuments.id, documentId), eq(planDocuments.districtId, actor.districtId)));
  if (!row) throw new NotFound("document");
  if (row.kind === "report") return reportDocumentAccess(db, actor, documentId);
  const scope = { districtId: row.districtId, schoolId: row.schoolId };
  if (!can(actor, "cycle:read", scope)) throw new Forbidden();
  const access: PlanAccess = can(actor, "cycle:edit", scope) && row.status !== "closed" ? "edit" : "read";
  return { documentId: row.documentId, cycleId: row.cycleId, access };
}
