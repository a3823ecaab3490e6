// Exporting a cycle's action plan: reads what is stored (creating the plan from its template if nobody has opened it
// yet), renders it with the goals' current titles, and records who took a copy.
import { eq } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { districts } from "#db/schema";
import { damageDescriptions, readDocument } from "~/editor/document";
import { recordAudit } from "~/modules/audit/audit.server";
import { getCycle } from "~/modules/cycles/cycles.server";
import { formatLongDate, schoolYearLabel } from "~/modules/cycles/school-year";
import type { Actor } from "~/modules/people/permissions";
import { DamagedDocument } from "~/utils/errors";
import { loadPlanState } from "./plan-content.server";
import { goalBlockSummaries } from "./goal-summaries.server";
import { ensurePlanDocument } from "./plan-document.server";
import { planFile, type ExportFormat, type PlanFile } from "./plan-export";
import { planDamageLabel } from "./plan-versions";

/**
 * The plan of a cycle as a file. Anyone who may read the cycle may export it (getCycle: another district's cycle is
 * NotFound, a school the person does not belong to is Forbidden). The export is audited as `plan.export`. A damaged
 * plan is DamagedDocument: no file is better than a file that silently leaves part of the plan out.
 */
export async function exportPlan(
  db: Database,
  actor: Actor & { name: string },
  cycleId: string,
  format: ExportFormat,
  options: { ip?: string; now?: Date } = {},
): Promise<PlanFile> {
  const cycle = await getCycle(db, actor, cycleId);
  const document = await ensurePlanDocument(db, actor, cycle.id, options.ip);
  const [{ state }, goals, [district]] = await Promise.all([
    loadPlanState(db, document.id),
    goalBlockSummaries(db, actor, cycle.id),
    db.select({ name: districts.name }).from(districts).where(eq(districts.id, cycle.districtId)),
  ]);
  const byId = new Map(goals.map((goal) => [goal.id, goal]));
  const reading = readDocument(state);
  if (!reading.ok) {
    const label = planDamageLabel(cycle, district?.name ?? "The district");
    throw new DamagedDocument(label.documentLabel, damageDescriptions[reading.damage], label.historyPath);
  }
  const file = planFile(reading.json, format, {
    organisationName: cycle.schoolId ? (cycle.schoolName ?? "School") : (district?.name ?? "District"),
    yearLabel: schoolYearLabel(cycle.startYear),
    exportedOn: formatLongDate((options.now ?? new Date()).toISOString().slice(0, 10)),
    exportedBy: actor.name,
    lookupGoal: (goalId) => byId.get(goalId),
  });
  await recordAudit(db, {
    districtId: cycle.districtId,
    actorId: actor.id,
    action: "plan.export",
    entityType: "plan_document",
    entityId: document.id,
    details: { cycleId: cycle.id, startYear: cycle.startYear, schoolName: cycle.schoolName, format },
    ip: options.ip,
  });
  return file;
}
