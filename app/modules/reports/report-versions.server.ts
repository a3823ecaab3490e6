// A report draft's history, as a plan's (ADR 0015, same tables): its named and daily versions, who changed it on which
// day, saving a version, reading one, and restoring one — or the last good one of a damaged draft — as a new change.
// Only the report's editors (report:edit) open it; board members and reviewers read the report but not its history.
import type { Database } from "#db/client.server";
import { damageDescriptions, readDocument } from "~/editor/document";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import {
  damageNotice,
  documentVersion,
  documentVersions,
  readStoredDocument,
  restoreDocumentVersion,
  restoreLastGood,
  saveDocumentVersion,
} from "~/modules/plans/document-versions.server";
import { goalBlockSummaries } from "~/modules/plans/goal-summaries.server";
import { planActivity } from "~/modules/plans/plan-versions.server";
import { saveVersionSchema, versionTitle } from "~/modules/plans/plan-versions";
import { Conflict, StaleEdit, ValidationFailed } from "~/utils/errors";
import { retractedReportMessage } from "./reports";
import { loadReport, reportAbilities, reportDamageLabel, type ReportRow } from "./reports.server";

/** The report and what the actor may do with its draft; its history needs report:edit (another district's report is NotFound). */
async function reportOf(db: Database, actor: Actor, reportId: string) {
  const { report, isReviewer } = await loadReport(db, actor, reportId);
  requirePermission(actor, "report:edit", { districtId: report.districtId, schoolId: report.schoolId });
  return { report, abilities: reportAbilities(actor, report, isReviewer) };
}

/** Refuses a change to the draft: a retracted report takes none. */
function requireDraftEdit(found: { abilities: { edit: boolean } }) {
  if (!found.abilities.edit) throw new Conflict(retractedReportMessage);
}

/**
 * The report's `version` as the page showed it: a step taken since (submitted, published, retracted) means the person
 * decided on an outdated page, so the restore is refused with the report's state now.
 */
function requireVersion(report: ReportRow, expectedVersion: unknown) {
  const expected = typeof expectedVersion === "string" && /^\d+$/.test(expectedVersion) ? Number(expectedVersion) : typeof expectedVersion === "number" ? expectedVersion : null;
  if (expected === null) throw new ValidationFailed({ expectedVersion: ["Reload the page and try again: the form did not say which state of the report it was made on."] });
  if (expected !== report.version) {
    throw new StaleEdit(
      { state: report.state, version: report.version },
      `Someone changed this report's state while you had it open (it is now “${report.state.replace("_", " ")}”). Check it, then restore again if you still want to.`,
    );
  }
}

const auditOf = (report: ReportRow, ip?: string) => ({ districtId: report.districtId, auditPrefix: "report" as const, details: { reportId: report.id, title: report.title }, ip });

function headingOf(report: ReportRow) {
  return { id: report.id, title: report.title, language: report.language, state: report.state, version: report.version };
}

/** The history page: versions newest first, who changed the draft on which day, and whether it is damaged now. */
export async function reportHistory(db: Database, actor: Actor, reportId: string) {
  const { report, abilities } = await reportOf(db, actor, reportId);
  const [versions, activity, reading] = await Promise.all([documentVersions(db, report.documentId), planActivity(db, report.documentId), readStoredDocument(db, report.documentId)]);
  return {
    report: headingOf(report),
    canEdit: abilities.edit,
    versions,
    activity,
    damage: await damageNotice(db, report.documentId, reading, reportDamageLabel(report, true)),
  };
}

/** Saves the draft as it is stored now under a name. */
export async function saveReportVersion(db: Database, actor: Actor, reportId: string, input: unknown, ip?: string) {
  const found = await reportOf(db, actor, reportId);
  requireDraftEdit(found);
  const parsed = saveVersionSchema.safeParse(input);
  if (!parsed.success) throw new ValidationFailed({ name: parsed.error.issues.map((issue) => issue.message) });
  return saveDocumentVersion(db, actor, found.report.documentId, parsed.data.name, auditOf(found.report, ip));
}

/** One past version of the draft, rendered read-only with the cycle's goals as they are now (or hidden). */
export async function getReportVersion(db: Database, actor: Actor, reportId: string, versionId: string) {
  const { report, abilities } = await reportOf(db, actor, reportId);
  const version = await documentVersion(db, report.documentId, versionId);
  const readsCycle = can(actor, "cycle:read", { districtId: report.districtId, schoolId: report.schoolId });
  const goals = new Map((readsCycle ? await goalBlockSummaries(db, actor, report.cycleId) : []).map((goal) => [goal.id, goal]));
  const reading = readDocument(version.state, { lookupGoal: (id) => goals.get(id), goalsHidden: !readsCycle });
  return {
    report: headingOf(report),
    canEdit: abilities.edit,
    version: { id: version.id, kind: version.kind, title: versionTitle(version), day: version.day, createdAt: version.createdAt, createdBy: version.createdBy },
    html: reading.ok ? reading.html : null,
    damage: reading.ok ? null : damageDescriptions[reading.damage],
  };
}

/** Makes the draft read as the version does, as a new change; what it said before is kept as a version. */
export async function restoreReportVersion(db: Database, actor: Actor, reportId: string, versionId: string, expectedVersion: unknown, ip?: string) {
  const found = await reportOf(db, actor, reportId);
  requireDraftEdit(found);
  // A version of another document is NotFound whatever the form says about the report's state.
  await documentVersion(db, found.report.documentId, versionId);
  requireVersion(found.report, expectedVersion);
  return restoreDocumentVersion(db, actor, found.report.documentId, versionId, auditOf(found.report, ip));
}

/** "Restore the last good version" of a damaged draft, from its page or its history. */
export async function restoreLastGoodReport(db: Database, actor: Actor, reportId: string, ip?: string) {
  const found = await reportOf(db, actor, reportId);
  requireDraftEdit(found);
  return restoreLastGood(db, actor, found.report.documentId, "report's draft", auditOf(found.report, ip));
}
