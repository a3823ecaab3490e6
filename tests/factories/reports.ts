// Published report rows written straight to the database, as publishing stores them (body rendered and sanitised by
// renderReportBody), so the public pages can be tested without the review-and-publish workflow.
import type { JSONContent } from "@tiptap/core";
import { createHash, randomUUID } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { planDocuments, publishedReports, reports } from "#db/schema";
import { renderReportBody } from "~/modules/reports/report-render";

export async function makeReport(
  db: Database,
  options: { districtId: string; cycleId: string; slug: string; title: string; language?: string; translationGroupId?: string; schoolId?: string | null },
) {
  const [document] = await db.insert(planDocuments).values({ districtId: options.districtId, cycleId: options.cycleId, kind: "report" }).returning();
  const id = randomUUID();
  const [report] = await db
    .insert(reports)
    .values({
      id,
      districtId: options.districtId,
      cycleId: options.cycleId,
      schoolId: options.schoolId ?? null,
      documentId: document.id,
      title: options.title,
      slug: options.slug,
      audience: "board",
      language: options.language ?? "en",
      translationGroupId: options.translationGroupId ?? id,
      state: "draft",
    })
    .returning();
  return report;
}

/** A new published version of the report (the previous one marked superseded), its HTML rendered as publishing does. */
export async function publishVersion(db: Database, report: typeof reports.$inferSelect, content: JSONContent, options: { title?: string; pdf?: Uint8Array; publishedAt?: Date } = {}) {
  const [previous] = await db.select().from(publishedReports).where(eq(publishedReports.reportId, report.id)).orderBy(desc(publishedReports.versionNumber)).limit(1);
  const versionNumber = (previous?.versionNumber ?? 0) + 1;
  const html = renderReportBody(content);
  const now = options.publishedAt ?? new Date();
  if (previous) await db.update(publishedReports).set({ supersededAt: now }).where(and(eq(publishedReports.reportId, report.id), isNull(publishedReports.supersededAt)));
  const [row] = await db
    .insert(publishedReports)
    .values({
      reportId: report.id,
      districtId: report.districtId,
      versionNumber,
      title: options.title ?? report.title,
      slug: report.slug,
      language: report.language,
      audience: report.audience,
      html,
      content,
      etag: createHash("sha256").update(`${report.id}:${versionNumber}:${html}`).digest("hex").slice(0, 40),
      pdf: options.pdf ?? null,
      publishedAt: now,
    })
    .returning();
  await db.update(reports).set({ state: "published" }).where(eq(reports.id, report.id));
  return row;
}

/** Retracts the report's latest version with a reason, as the workflow would. */
export async function retractLatest(db: Database, reportId: string, reason: string, at = new Date()) {
  const [latest] = await db.select().from(publishedReports).where(eq(publishedReports.reportId, reportId)).orderBy(desc(publishedReports.versionNumber)).limit(1);
  await db.update(publishedReports).set({ retractedAt: at, retractReason: reason }).where(eq(publishedReports.id, latest.id));
  await db.update(reports).set({ state: "retracted" }).where(eq(reports.id, reportId));
}
