// What the public report pages read: published versions only (never a draft), always scoped by the district's slug.
// Each request runs one small indexed query for the versions' metadata, so "latest" is right on every instance the
// moment another one publishes or retracts; the stored HTML (large) is read only when no page is cached for it.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { cycles, districts, publishedReports, reports, schools } from "#db/schema";

/** One published version's metadata: what deciding which page to serve needs, without its HTML. */
export interface PublishedMeta {
  id: string;
  reportId: string;
  reportSlug: string;
  versionNumber: number;
  title: string;
  language: string;
  etag: string;
  publishedAt: Date;
  retractedAt: Date | null;
  retractReason: string | null;
  hasPdf: boolean;
}

export interface PublicDistrict {
  id: string;
  slug: string;
  name: string;
}

const metaColumns = {
  id: publishedReports.id,
  reportId: publishedReports.reportId,
  reportSlug: reports.slug,
  versionNumber: publishedReports.versionNumber,
  title: publishedReports.title,
  language: publishedReports.language,
  etag: publishedReports.etag,
  publishedAt: publishedReports.publishedAt,
  retractedAt: publishedReports.retractedAt,
  retractReason: publishedReports.retractReason,
};

export async function findPublicDistrict(db: Database, districtSlug: string): Promise<PublicDistrict | null> {
  const [row] = await db.select({ id: districts.id, slug: districts.slug, name: districts.name }).from(districts).where(eq(districts.slug, districtSlug)).limit(1);
  return row ?? null;
}

/** A report's language versions as they stand: each one's latest published version, or none if it is retracted. */
export interface LanguageVersion {
  language: string;
  title: string;
  reportSlug: string;
}

export interface ReportState {
  district: PublicDistrict;
  /** Every published version of the requested report, newest first. */
  versions: PublishedMeta[];
  latest: PublishedMeta;
  /** A report counts as retracted when its latest version is: every one of its addresses then answers 410. */
  retracted: boolean;
  /** The other language versions that are published and not retracted. */
  translations: LanguageVersion[];
}

/**
 * The requested report's published versions and its language versions' latest ones, in one query: the report and its
 * translation group found through the district's slug (unique) and the report's slug (unique in the district).
 */
export async function findReportState(db: Database, districtSlug: string, reportSlug: string): Promise<ReportState | null> {
  const group = db
    .select({ id: reports.translationGroupId })
    .from(reports)
    .innerJoin(districts, eq(districts.id, reports.districtId))
    .where(and(eq(districts.slug, districtSlug), eq(reports.slug, reportSlug)));
  const rows = await db
    .select({ ...metaColumns, districtId: districts.id, districtName: districts.name, hasPdf: sql<boolean>`${publishedReports.pdf} is not null` })
    .from(publishedReports)
    .innerJoin(reports, eq(reports.id, publishedReports.reportId))
    .innerJoin(districts, eq(districts.id, reports.districtId))
    .where(and(eq(districts.slug, districtSlug), eq(publishedReports.districtId, districts.id), inArray(reports.translationGroupId, group)))
    .orderBy(desc(publishedReports.versionNumber));
  const own = rows.filter((row) => row.reportSlug === reportSlug);
  if (own.length === 0) return null;
  const toMeta = ({ districtId: _d, districtName: _n, ...row }: (typeof rows)[number]): PublishedMeta => ({ ...row, hasPdf: Boolean(row.hasPdf) });
  const versions = own.map(toMeta);
  const latestByReport = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latestByReport.has(row.reportId)) latestByReport.set(row.reportId, row);
  const translations = [...latestByReport.values()]
    .filter((row) => row.reportSlug !== reportSlug && row.retractedAt === null)
    .map((row) => ({ language: row.language, title: row.title, reportSlug: row.reportSlug }))
    .sort((a, b) => a.language.localeCompare(b.language));
  return {
    district: { id: own[0].districtId, slug: districtSlug, name: own[0].districtName },
    versions,
    latest: versions[0],
    retracted: versions[0].retractedAt !== null,
    translations,
  };
}

/** The stored body HTML of one published version (the page's large part), by id within the district. */
export async function loadPublishedHtml(db: Database, districtId: string, publishedId: string): Promise<string | null> {
  const [row] = await db
    .select({ html: publishedReports.html })
    .from(publishedReports)
    .where(and(eq(publishedReports.id, publishedId), eq(publishedReports.districtId, districtId)))
    .limit(1);
  return row?.html ?? null;
}

/** What the PDF of one published version is made from, or its stored bytes. */
export async function loadPublishedForPdf(db: Database, districtId: string, publishedId: string) {
  const [row] = await db
    .select({ pdf: publishedReports.pdf, content: publishedReports.content, title: publishedReports.title, language: publishedReports.language, versionNumber: publishedReports.versionNumber, publishedAt: publishedReports.publishedAt })
    .from(publishedReports)
    .where(and(eq(publishedReports.id, publishedId), eq(publishedReports.districtId, districtId)))
    .limit(1);
  return row ?? null;
}

/** One report on the district's index: its latest version, when that is not retracted. */
export interface IndexEntry {
  publishedId: string;
  reportSlug: string;
  title: string;
  language: string;
  versionNumber: number;
  publishedAt: Date;
  etag: string;
  translationGroupId: string;
  /** The school year's first calendar year of the report's cycle. */
  startYear: number;
  /** The school's name for a school's report; null for the district's. */
  schoolName: string | null;
}

/** The district's index: every report's latest published version (retracted ones left out), in one query. */
export async function listPublishedReports(db: Database, districtId: string): Promise<IndexEntry[]> {
  const rows = await db
    .select({
      publishedId: publishedReports.id,
      reportId: publishedReports.reportId,
      reportSlug: reports.slug,
      title: publishedReports.title,
      language: publishedReports.language,
      versionNumber: publishedReports.versionNumber,
      publishedAt: publishedReports.publishedAt,
      etag: publishedReports.etag,
      retractedAt: publishedReports.retractedAt,
      translationGroupId: reports.translationGroupId,
      startYear: cycles.startYear,
      schoolName: schools.name,
    })
    .from(publishedReports)
    .innerJoin(reports, and(eq(reports.id, publishedReports.reportId), eq(reports.districtId, districtId)))
    .innerJoin(cycles, eq(cycles.id, reports.cycleId))
    .leftJoin(schools, eq(schools.id, reports.schoolId))
    .where(eq(publishedReports.districtId, districtId))
    .orderBy(desc(publishedReports.versionNumber));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latest.has(row.reportId)) latest.set(row.reportId, row);
  return [...latest.values()]
    .filter((row) => row.retractedAt === null)
    .map(({ reportId: _reportId, retractedAt: _retractedAt, ...entry }) => entry)
    .sort((a, b) => b.startYear - a.startYear || (a.schoolName ?? "").localeCompare(b.schoolName ?? "") || a.title.localeCompare(b.title) || a.language.localeCompare(b.language));
}

/** Runs one SQL statement with parameters (DatabaseHandle.query): the hot path skips the query builder. */
export type RawQuery = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** The district's id for a public slug and when it last changed (its name shows on every page), or null. */
export async function districtIdForSlug(query: RawQuery, districtSlug: string): Promise<{ id: string; changed: string } | null> {
  const [row] = await query<{ id: string; changed: string }>("select id, updated_at::text as changed from district where slug = $1", [districtSlug]);
  return row ?? null;
}

/**
 * A stamp that changes whenever a version of the district's reports is published (which is also when the previous
 * one is superseded) or retracted. One small indexed query on published_report, run by every request, so a page
 * cached on this instance is never served after another instance published or retracted.
 */
export async function districtPublicStamp(query: RawQuery, districtId: string): Promise<string> {
  const [row] = await query<{ stamp: string }>(
    "select concat_ws('|', count(*), max(published_at), count(retracted_at), max(retracted_at)) as stamp from published_report where district_id = $1",
    [districtId],
  );
  return row?.stamp ?? "";
}
