// Stakeholder reports in the database: creating one from a cycle (its draft a collaborative document that starts
// from the generated content), language versions, the workflow draft → in review → published (→ retracted) with
// the lead publishing immutable versions, reviewers and comments, and who may open the draft's document.
import { createHash } from "node:crypto";
import type { JSONContent } from "@tiptap/core";
import { and, asc, desc, eq, gt, inArray, isNull, max, ne, or, sql } from "drizzle-orm";
import * as Y from "yjs";
import type { Database } from "#db/client.server";
import {
  cycles,
  districts,
  docSnapshots,
  docUpdates,
  planDocuments,
  publishedReports,
  reportComments,
  reportReviewers,
  reports,
  schools,
  users,
} from "#db/schema";
import { damageDescriptions, readDocument, updateFromJSON, type DocumentReading } from "~/editor/document";
import { recordAudit } from "~/modules/audit/audit.server";
import { getCycle } from "~/modules/cycles/cycles.server";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { damageNotice } from "~/modules/plans/document-versions.server";
import { goalBlockSummaries } from "~/modules/plans/goal-summaries.server";
import { documentAccessChanged } from "~/modules/people/access-events.server";
import { can, canCommentOnReport, canReadReport, requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, DamagedDocument, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import type { ReportAudience } from "./report-blocks";
import { freezeReportContent } from "./report-freeze.server";
import { generateReportContent } from "./report-generate.server";
import { renderReportPdf } from "./report-pdf.server";
import { renderReportBody } from "./report-render";
import { defaultReportTitle, draftChangedSince, nextState, reportSlug, transitionRefusal, type ReportState, type ReportTransition, withoutNulCharacters } from "./reports";
import type { CommentInput, CreateReportInput, LanguageVersionInput, PublishInput, RetractInput, TransitionInput } from "./reports.schema";
import { buildStudentMatcher, findStudentIdentifiers, overridable, type IdentifyingPlace } from "./student-identifiers";
import { logPublishingCheck, rosterForPublishingCheck } from "~/modules/students/students.server";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
type Reader = Pick<Database, "select">;
export type ReportRow = typeof reports.$inferSelect;
export type ReportAccess = "edit" | "read";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUniqueViolation(error: unknown, constraint?: string) {
  for (let e = error as { code?: string; constraint?: string; constraint_name?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "23505") return !constraint || [e.constraint, e.constraint_name, e.message].some((v) => typeof v === "string" && v.includes(constraint));
  }
  return false;
}

const scopeOf = (row: { districtId: string; schoolId: string | null }) => ({ districtId: row.districtId, schoolId: row.schoolId });

// ---------------------------------------------------------------------------------------------------------------
// Reading one report, with what the actor may do to it

async function isReviewer(db: Reader, reportId: string, userId: string) {
  const [row] = await db
    .select({ userId: reportReviewers.userId })
    .from(reportReviewers)
    .where(and(eq(reportReviewers.reportId, reportId), eq(reportReviewers.userId, userId)));
  return Boolean(row);
}

/**
 * The report if the actor may read it: another district's report (or none) is NotFound, one of their district they
 * may not read (a draft, for a board member) is Forbidden, as with every other record of one's own district.
 */
export async function loadReport(db: Reader, actor: Actor, reportId: string) {
  if (!UUID.test(reportId)) throw new NotFound("report");
  const [report] = await db
    .select()
    .from(reports)
    .where(and(eq(reports.id, reportId), eq(reports.districtId, actor.districtId)));
  if (!report) throw new NotFound("report");
  const reviewer = await isReviewer(db, report.id, actor.id);
  if (!canReadReport(actor, { ...scopeOf(report), state: report.state, isReviewer: reviewer })) throw new Forbidden("This report is still a draft; only its authors read it.");
  return { report, isReviewer: reviewer };
}

/** What the actor may do with a report, for pages and checks alike. */
export function reportAbilities(actor: Actor, report: Pick<ReportRow, "districtId" | "schoolId" | "state">, reviewer: boolean) {
  const scope = scopeOf(report);
  const edit = can(actor, "report:edit", scope);
  const publish = can(actor, "report:publish", scope);
  const facts = { ...scope, state: report.state, isReviewer: reviewer };
  return {
    /** Writing in the draft: its editors, unless it was retracted. */
    edit: edit && report.state !== "retracted",
    manage: edit,
    publish,
    comment: canCommentOnReport(actor, facts) && report.state !== "retracted",
    resolve: edit,
    submit: edit && transitionRefusal("submit", report.state) === null,
    return: edit && transitionRefusal("return", report.state) === null,
    publishNow: publish && transitionRefusal("publish", report.state) === null,
    retract: publish && transitionRefusal("retract", report.state) === null,
  };
}

/**
 * Checks, before a form is even read, that the actor may take this kind of step on the report: editing steps need
 * report:edit, publishing and retracting report:publish, commenting the right to comment. So a refused person learns
 * nothing from validation messages.
 */
export async function authorizeReportAction(db: Reader, actor: Actor, reportId: string, kind: "edit" | "publish" | "comment") {
  const { report, isReviewer: reviewer } = await loadReport(db, actor, reportId);
  if (kind === "comment") {
    if (!canCommentOnReport(actor, { ...scopeOf(report), state: report.state, isReviewer: reviewer })) throw new Forbidden();
  } else {
    requirePermission(actor, kind === "publish" ? "report:publish" : "report:edit", scopeOf(report));
  }
  return report;
}

/** Checks that the actor may create reports of the cycle, before the form is read. */
export async function authorizeReportCreation(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  requirePermission(actor, "report:edit", scopeOf(cycle));
}

/**
 * The collaboration server's question for a report's document: edit for its editors (not once retracted), read for
 * whoever may read the report, Forbidden otherwise; another district's document is NotFound. A report describes a
 * year, usually written after it closes, so a closed cycle does not lock its reports.
 */
export async function reportDocumentAccess(db: Reader, actor: Actor, documentId: string): Promise<{ documentId: string; cycleId: string; access: ReportAccess }> {
  if (!UUID.test(documentId)) throw new NotFound("document");
  const [row] = await db
    .select({ id: reports.id, districtId: reports.districtId, schoolId: reports.schoolId, state: reports.state, cycleId: reports.cycleId })
    .from(reports)
    .where(and(eq(reports.documentId, documentId), eq(reports.districtId, actor.districtId)));
  if (!row) throw new NotFound("document");
  const reviewer = await isReviewer(db, row.id, actor.id);
  if (!canReadReport(actor, { ...scopeOf(row), state: row.state, isReviewer: reviewer })) throw new Forbidden();
  return { documentId, cycleId: row.cycleId, access: reportAbilities(actor, row, reviewer).edit ? "edit" : "read" };
}

// ---------------------------------------------------------------------------------------------------------------
// Content

/**
 * The draft as stored (the newest snapshot and the log after it), read inside the caller's transaction, the way the
 * editor would read it: a damaged draft comes back as such, never as a page-wide failure.
 */
async function draftReading(tx: Reader, documentId: string): Promise<DocumentReading> {
  const [snapshot] = await tx
    .select({ seq: docSnapshots.seq, state: docSnapshots.state })
    .from(docSnapshots)
    .where(eq(docSnapshots.documentId, documentId))
    .orderBy(desc(docSnapshots.seq))
    .limit(1);
  const tail = await tx
    .select({ update: docUpdates.update })
    .from(docUpdates)
    .where(and(eq(docUpdates.documentId, documentId), gt(docUpdates.seq, snapshot?.seq ?? 0)))
    .orderBy(asc(docUpdates.seq));
  const parts = [...(snapshot ? [snapshot.state] : []), ...tail.map((row) => row.update)];
  return readDocument(parts.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : Y.mergeUpdates(parts));
}

/** How a damaged draft is named to its readers, and where its history is (for those who may open it). */
export function reportDamageLabel(report: Pick<ReportRow, "id" | "title">, historyVisible: boolean) {
  return { documentLabel: `The draft of “${report.title}”`, historyPath: historyVisible ? `/reports/${report.id}/history` : null };
}

/** The draft's content, or DamagedDocument naming the report: for publishing and checks, which need all of it. */
async function draftContent(tx: Reader, report: Pick<ReportRow, "id" | "title" | "documentId">): Promise<JSONContent> {
  const reading = await draftReading(tx, report.documentId);
  if (reading.ok) return reading.json;
  const label = reportDamageLabel(report, true);
  throw new DamagedDocument(label.documentLabel, damageDescriptions[reading.damage], label.historyPath);
}

// ---------------------------------------------------------------------------------------------------------------
// Creating

async function organisationOf(db: Reader, cycle: { districtId: string; schoolId: string | null; schoolName: string | null }) {
  if (cycle.schoolId) return cycle.schoolName ?? "School";
  const [district] = await db.select({ name: districts.name }).from(districts).where(eq(districts.id, cycle.districtId));
  return district?.name ?? "District";
}

async function slugTaken(db: Reader, districtId: string, slug: string) {
  const [row] = await db.select({ id: reports.id }).from(reports).where(and(eq(reports.districtId, districtId), eq(reports.slug, slug)));
  return Boolean(row);
}

/** The slug asked for (an error when taken), or one made from the title with a number added until it is free. */
async function chooseSlug(db: Reader, districtId: string, title: string, asked: string | undefined) {
  if (asked) {
    if (await slugTaken(db, districtId, asked)) throw slugConflict(asked);
    return asked;
  }
  const base = reportSlug(title);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base.slice(0, 76)}-${n}`;
    if (!(await slugTaken(db, districtId, candidate))) return candidate;
  }
}

function slugConflict(slug: string) {
  return new Conflict(`Another report of the district already uses the address “${slug}”. Choose another.`, "slug");
}

/** The defaults the create form shows for a cycle: its title and the address made from it. */
export async function reportDefaults(db: Database, actor: Actor, cycleId: string, audience: ReportAudience = "board", language = "en") {
  const cycle = await getCycle(db, actor, cycleId);
  const title = defaultReportTitle(await organisationOf(db, cycle), schoolYearLabel(cycle.startYear), audience, language);
  return { title, slug: await chooseSlug(db, cycle.districtId, title, undefined) };
}

interface NewReport {
  cycle: { id: string; districtId: string; schoolId: string | null };
  title: string;
  slug: string;
  audience: ReportAudience;
  language: string;
  translationGroupId: string | null;
  content: JSONContent;
}

async function insertReport(db: Database, actor: Actor, input: NewReport, action: string, ip?: string) {
  const update = updateFromJSON(input.content);
  try {
    return await db.transaction(async (tx) => {
      const [document] = await tx
        .insert(planDocuments)
        .values({ districtId: input.cycle.districtId, cycleId: input.cycle.id, kind: "report", createdBy: actor.id })
        .returning();
      // The generated content is the document's first log entry: server-side and exactly once, as for a plan's template.
      await tx.insert(docUpdates).values({ documentId: document.id, seq: 1, update, userId: null });
      const id = crypto.randomUUID();
      const [report] = await tx
        .insert(reports)
        .values({
          id,
          districtId: input.cycle.districtId,
          cycleId: input.cycle.id,
          schoolId: input.cycle.schoolId,
          documentId: document.id,
          title: input.title,
          slug: input.slug,
          audience: input.audience,
          language: input.language,
          translationGroupId: input.translationGroupId ?? id,
          createdBy: actor.id,
        })
        .returning();
      await recordAudit(tx, {
        districtId: report.districtId,
        actorId: actor.id,
        action,
        entityType: "report",
        entityId: report.id,
        details: { title: report.title, slug: report.slug, audience: report.audience, language: report.language, cycleId: report.cycleId, schoolId: report.schoolId },
        ip,
      });
      return report;
    });
  } catch (error) {
    if (isUniqueViolation(error, "report_district_slug_idx")) throw slugConflict(input.slug);
    if (isUniqueViolation(error, "report_group_language_idx")) throw new Conflict("This report already has a version in that language.", "language");
    throw error;
  }
}

/** "Create annual report": a report of the cycle whose draft starts from the content generated for its audience and language. */
export async function createReport(db: Database, actor: Actor, cycleId: string, input: CreateReportInput, ip?: string) {
  const cycle = await getCycle(db, actor, cycleId);
  requirePermission(actor, "report:edit", scopeOf(cycle));
  const title = input.title ?? defaultReportTitle(await organisationOf(db, cycle), schoolYearLabel(cycle.startYear), input.audience, input.language);
  const slug = await chooseSlug(db, cycle.districtId, title, input.slug);
  const content = await generateReportContent(db, actor, cycle.id, { audience: input.audience, language: input.language });
  return insertReport(db, actor, { cycle, title, slug, audience: input.audience, language: input.language, translationGroupId: null, content }, "report.create", ip);
}

/** "Add a language version": a report linked to this one, generated anew in that language for the same audience. */
export async function addLanguageVersion(db: Database, actor: Actor, reportId: string, input: LanguageVersionInput, ip?: string) {
  const { report } = await loadReport(db, actor, reportId);
  requirePermission(actor, "report:edit", scopeOf(report));
  const [taken] = await db
    .select({ id: reports.id })
    .from(reports)
    .where(and(eq(reports.translationGroupId, report.translationGroupId), eq(reports.language, input.language)));
  if (taken) throw new Conflict("This report already has a version in that language.", "language");
  const cycle = await getCycle(db, actor, report.cycleId);
  const title = input.title ?? defaultReportTitle(await organisationOf(db, cycle), schoolYearLabel(cycle.startYear), report.audience, input.language);
  const slug = await chooseSlug(db, report.districtId, input.slug ?? (input.title ? title : `${report.slug}-${input.language}`), input.slug);
  const content = await generateReportContent(db, actor, cycle.id, { audience: report.audience, language: input.language });
  return insertReport(
    db,
    actor,
    { cycle, title, slug, audience: report.audience, language: input.language, translationGroupId: report.translationGroupId, content },
    "report.language.add",
    ip,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Lists

export interface ReportListItem {
  id: string;
  title: string;
  slug: string;
  audience: ReportAudience;
  language: string;
  state: ReportState;
  cycleId: string;
  startYear: number;
  schoolId: string | null;
  organisation: string;
  translationGroupId: string;
  lastPublished: { versionNumber: number; publishedAt: Date } | null;
  updatedAt: Date;
}

async function listReadable(db: Database, actor: Actor, where: ReturnType<typeof and>): Promise<ReportListItem[]> {
  const rows = await db
    .select({ report: reports, startYear: cycles.startYear, schoolName: schools.name, districtName: districts.name })
    .from(reports)
    .innerJoin(cycles, eq(cycles.id, reports.cycleId))
    .innerJoin(districts, eq(districts.id, reports.districtId))
    .leftJoin(schools, eq(schools.id, reports.schoolId))
    .where(and(eq(reports.districtId, actor.districtId), where))
    .orderBy(desc(cycles.startYear), sql`${reports.schoolId} is not null`, asc(schools.name), asc(reports.title));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.report.id);
  const [reviewing, latest] = await Promise.all([
    db.select({ reportId: reportReviewers.reportId }).from(reportReviewers).where(and(eq(reportReviewers.userId, actor.id), inArray(reportReviewers.reportId, ids))),
    db
      .select({ reportId: publishedReports.reportId, versionNumber: max(publishedReports.versionNumber), publishedAt: max(publishedReports.publishedAt) })
      .from(publishedReports)
      .where(inArray(publishedReports.reportId, ids))
      .groupBy(publishedReports.reportId),
  ]);
  const reviewer = new Set(reviewing.map((r) => r.reportId));
  const published = new Map(latest.map((l) => [l.reportId, l]));
  return rows
    .filter(({ report }) => canReadReport(actor, { ...scopeOf(report), state: report.state, isReviewer: reviewer.has(report.id) }))
    .map(({ report, startYear, schoolName, districtName }) => {
      const last = published.get(report.id);
      return {
        id: report.id,
        title: report.title,
        slug: report.slug,
        audience: report.audience,
        language: report.language,
        state: report.state,
        cycleId: report.cycleId,
        startYear,
        schoolId: report.schoolId,
        organisation: schoolName ?? districtName,
        translationGroupId: report.translationGroupId,
        lastPublished: last?.versionNumber ? { versionNumber: last.versionNumber, publishedAt: new Date(last.publishedAt as unknown as string) } : null,
        updatedAt: report.updatedAt,
      };
    });
}

/** The cycle's reports the actor may read, and whether they may create one. */
export async function listCycleReports(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const items = await listReadable(db, actor, eq(reports.cycleId, cycle.id));
  return { cycle, reports: items, canCreate: can(actor, "report:edit", scopeOf(cycle)) };
}

/** Every report of the district and its schools the actor may read, newest year first. */
export async function listDistrictReports(db: Database, actor: Actor) {
  requirePermission(actor, "district:read", { districtId: actor.districtId });
  return listReadable(db, actor, undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// The report page

export async function getReportPage(db: Database, actor: Actor, reportId: string) {
  const { report, isReviewer: reviewer } = await loadReport(db, actor, reportId);
  const [cycleRow] = await db
    .select({ startYear: cycles.startYear, schoolName: schools.name, districtName: districts.name, districtSlug: districts.slug })
    .from(cycles)
    .innerJoin(districts, eq(districts.id, cycles.districtId))
    .leftJoin(schools, eq(schools.id, cycles.schoolId))
    .where(eq(cycles.id, report.cycleId));
  const abilities = reportAbilities(actor, report, reviewer);
  // The draft's goal blocks show the cycle's goals as they are now, read as the reader: a named reviewer from another
  // school reads the report but not that school's cycle, so for them the goals stay hidden (null).
  const readsCycle = can(actor, "cycle:read", scopeOf(report));
  const [versions, reviewers, comments, siblings, reading, goals] = await Promise.all([
    db
      .select({
        id: publishedReports.id,
        versionNumber: publishedReports.versionNumber,
        title: publishedReports.title,
        slug: publishedReports.slug,
        publishedAt: publishedReports.publishedAt,
        publishedBy: users.name,
        supersededAt: publishedReports.supersededAt,
        retractedAt: publishedReports.retractedAt,
        retractReason: publishedReports.retractReason,
        content: publishedReports.content,
      })
      .from(publishedReports)
      .leftJoin(users, eq(users.id, publishedReports.publishedBy))
      .where(eq(publishedReports.reportId, report.id))
      .orderBy(desc(publishedReports.versionNumber)),
    db
      .select({ userId: reportReviewers.userId, name: users.name, email: users.email, role: users.role })
      .from(reportReviewers)
      .innerJoin(users, eq(users.id, reportReviewers.userId))
      .where(eq(reportReviewers.reportId, report.id))
      .orderBy(asc(users.name)),
    db
      .select({
        id: reportComments.id,
        body: reportComments.body,
        quote: reportComments.quote,
        createdAt: reportComments.createdAt,
        resolvedAt: reportComments.resolvedAt,
        authorId: reportComments.authorId,
        author: users.name,
      })
      .from(reportComments)
      .leftJoin(users, eq(users.id, reportComments.authorId))
      .where(eq(reportComments.reportId, report.id))
      .orderBy(asc(reportComments.createdAt)),
    db
      .select({ id: reports.id, language: reports.language, title: reports.title, state: reports.state, districtId: reports.districtId, schoolId: reports.schoolId })
      .from(reports)
      .where(and(eq(reports.translationGroupId, report.translationGroupId), ne(reports.id, report.id)))
      .orderBy(asc(reports.language)),
    db.transaction((tx) => draftReading(tx, report.documentId), { isolationLevel: "repeatable read" }),
    readsCycle ? goalBlockSummaries(db, actor, report.cycleId) : null,
  ]);
  const content = reading.ok ? reading.json : null;
  // The history (and its restore) is for the report's editors; others are told who can restore.
  const damage = await damageNotice(db, report.documentId, reading, reportDamageLabel(report, abilities.manage));
  const candidates = abilities.manage
    ? await db
        .select({ id: users.id, name: users.name, email: users.email, role: users.role })
        .from(users)
        .where(and(eq(users.districtId, report.districtId), eq(users.status, "active")))
        .orderBy(asc(users.name))
    : [];
  const current = versions.find((v) => !v.supersededAt) ?? versions[0];
  const named = new Set(reviewers.map((r) => r.userId));
  // A sibling language version is listed where the actor may read it (a board member does not see a sibling's draft).
  const siblingReviewing = new Set(
    siblings.length
      ? (
          await db
            .select({ reportId: reportReviewers.reportId })
            .from(reportReviewers)
            .where(and(eq(reportReviewers.userId, actor.id), inArray(reportReviewers.reportId, siblings.map((s) => s.id))))
        ).map((r) => r.reportId)
      : [],
  );
  return {
    report,
    cycle: { id: report.cycleId, yearLabel: schoolYearLabel(cycleRow.startYear), organisation: cycleRow.schoolName ?? cycleRow.districtName },
    districtSlug: cycleRow.districtSlug,
    abilities,
    content,
    damage,
    goals,
    draftChanged: current && content ? draftChangedSince(content, current.content as JSONContent) : null,
    versions: versions.map(({ content: _content, ...v }) => v),
    reviewers,
    candidates: candidates.filter((c) => !named.has(c.id)),
    comments: comments.map((c) => ({ ...c, mine: c.authorId === actor.id })),
    languageVersions: siblings
      .filter((s) => canReadReport(actor, { districtId: s.districtId, schoolId: s.schoolId, state: s.state, isReviewer: siblingReviewing.has(s.id) }))
      .map(({ id, language, title, state }) => ({ id, language, title, state })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The workflow

/** Locks the report for a step, checks the version the page was loaded at, and that the step may start from here. */
async function lockForStep(tx: Tx, actor: Actor, reportId: string, step: ReportTransition, expectedVersion: number) {
  const [row] = await tx
    .select()
    .from(reports)
    .where(and(eq(reports.id, reportId), eq(reports.districtId, actor.districtId)))
    .for("update");
  if (!row) throw new NotFound("report");
  if (row.version !== expectedVersion) {
    throw new StaleEdit(
      { state: row.state, version: row.version },
      "Someone changed this report's state while you had it open (it is now “" + row.state.replace("_", " ") + "”). Check it and try again.",
    );
  }
  const refusal = transitionRefusal(step, row.state);
  if (refusal) throw new Conflict(refusal);
  return row;
}

async function guardStep(db: Database, actor: Actor, reportId: string, step: ReportTransition) {
  const { report } = await loadReport(db, actor, reportId);
  requirePermission(actor, step === "publish" || step === "retract" ? "report:publish" : "report:edit", scopeOf(report));
  return report;
}

/**
 * Runs a committed step that changes who may open the report's document, or how, then has open sockets follow it
 * before the page answers: a board member's socket must not receive one more draft keystroke after "back to draft".
 */
async function changingAccess<T>(documentId: string, step: Promise<T>): Promise<T> {
  const result = await step;
  await documentAccessChanged(documentId);
  return result;
}

async function moveState(db: Database, actor: Actor, reportId: string, step: "submit" | "return", input: TransitionInput, ip?: string) {
  const report = await guardStep(db, actor, reportId, step);
  return changingAccess(report.documentId, db.transaction(async (tx) => {
    const row = await lockForStep(tx, actor, reportId, step, input.expectedVersion);
    const [saved] = await tx
      .update(reports)
      .set({ state: nextState(step), version: row.version + 1, updatedAt: new Date() })
      .where(eq(reports.id, row.id))
      .returning();
    await recordAudit(tx, {
      districtId: row.districtId,
      actorId: actor.id,
      action: step === "submit" ? "report.submit" : "report.return",
      entityType: "report",
      entityId: row.id,
      details: { title: row.title, from: row.state, to: saved.state },
      ip,
    });
    return saved;
  }));
}

/** Draft (or published, for the next version) → in review: the board and named reviewers may now read and comment. */
export function submitForReview(db: Database, actor: Actor, reportId: string, input: TransitionInput, ip?: string) {
  return moveState(db, actor, reportId, "submit", input, ip);
}

/** In review → draft: the authors take it back to work on it. */
export function returnToDraft(db: Database, actor: Actor, reportId: string, input: TransitionInput, ip?: string) {
  return moveState(db, actor, reportId, "return", input, ip);
}

function strongEtag(html: string, versionNumber: number) {
  return `"${createHash("sha256").update(`${versionNumber}\u0000${html}`).digest("base64url")}"`;
}

/** A place the publishing check found, as the report page shows it: no student's record id leaves the server. */
export type PublishingCheckPlace = Omit<IdentifyingPlace, "studentIds"> & { confirmed: boolean };

/** Publishing refused: the report names students. The places go back to the page; the students go to the access log. */
class StudentsNamed extends ValidationFailed {
  constructor(
    places: PublishingCheckPlace[],
    readonly matched: { studentId: string; schoolId: string }[],
    readonly reportTitle: string,
  ) {
    const ids = places.filter((p) => p.kind === "id").length;
    const open = places.filter((p) => !p.confirmed).length;
    super(
      {
        form: [
          `Not published: ${open === 1 ? "one place names" : `${open} places name`} a student on the district's roster. ` +
            (ids ? "Remove every student id from the report; ids are never published. " : "") +
            "Change the words in the draft, or, for a name or number that is not about a student, confirm it below and publish again.",
        ],
      },
      { kind: "students-named", places },
    );
    this.name = "StudentsNamed";
  }
}

/**
 * Publishes the draft as the report's next version, all in one transaction: the content as stored now with its data
 * blocks frozen, the sanitised HTML and the PDF made from it, the previous version marked superseded and the report
 * published. A version is never changed afterwards except to mark it superseded or retracted. What would be published
 * (title, text, notes, frozen figures and goal words) is first read against the district's roster: a student's name
 * or id refuses the publish, naming the places; the lead may confirm a name (or short number) is not a student's,
 * never an id (ADR 0034).
 */
export async function publishReport(db: Database, actor: Actor, reportId: string, input: TransitionInput & Partial<Pick<PublishInput, "notStudents">>, ip?: string) {
  const report = await guardStep(db, actor, reportId, "publish");
  try {
    // Published, the board and the public may read it: open editors learn at once (ADR 0033).
    return await changingAccess(report.documentId, publishChecked(db, actor, reportId, input, ip));
  } catch (error) {
    // The transaction is rolled back; the students the check matched are logged outside it, so the entries stay.
    if (error instanceof StudentsNamed) await logPublishingCheck(db, actor, error.matched, error.reportTitle);
    throw error;
  }
}

/** Reads what a publish would show against the roster: throws StudentsNamed unless every match left is confirmed. */
function checkNamesNoStudent(frozen: JSONContent, title: string, roster: { studentId: string; schoolId: string; localId: string; givenName: string; familyName: string }[], confirmed: ReadonlySet<string>) {
  const places = findStudentIdentifiers(frozen, title, buildStudentMatcher(roster));
  const open = places.filter((p) => !overridable(p.kind) || !confirmed.has(p.key));
  if (open.length === 0) return places.length;
  const schoolOf = new Map(roster.map((s) => [s.studentId, s.schoolId]));
  throw new StudentsNamed(
    places.map(({ studentIds: _ids, ...p }) => ({ ...p, confirmed: overridable(p.kind) && confirmed.has(p.key) })),
    open.flatMap((p) => p.studentIds.map((studentId) => ({ studentId, schoolId: schoolOf.get(studentId)! }))),
    title,
  );
}

async function publishChecked(db: Database, actor: Actor, reportId: string, input: TransitionInput & Partial<Pick<PublishInput, "notStudents">>, ip?: string) {
  return db.transaction(async (tx) => {
    const row = await lockForStep(tx, actor, reportId, "publish", input.expectedVersion);
    const [org] = await tx
      .select({ districtName: districts.name, schoolName: schools.name })
      .from(reports)
      .innerJoin(districts, eq(districts.id, reports.districtId))
      .leftJoin(schools, eq(schools.id, reports.schoolId))
      .where(eq(reports.id, row.id));
    // A damaged draft is refused with its name and where to restore it, not published with parts missing.
    const draft = withoutNulCharacters(await draftContent(tx, row));
    const frozen = await freezeReportContent(tx as unknown as Database, { districtId: row.districtId, cycleId: row.cycleId, language: row.language }, draft);
    const confirmedNotStudents = checkNamesNoStudent(frozen, row.title, await rosterForPublishingCheck(tx, row.districtId), new Set(input.notStudents ?? []));
    const html = renderReportBody(frozen, { language: row.language });
    const [{ previous }] = await tx.select({ previous: max(publishedReports.versionNumber) }).from(publishedReports).where(eq(publishedReports.reportId, row.id));
    const versionNumber = (previous ?? 0) + 1;
    const publishedAt = new Date();
    const pdf = await renderReportPdf({
      title: row.title,
      language: row.language,
      organisationName: org.schoolName ?? org.districtName,
      versionNumber,
      publishedAt,
      content: frozen,
    });
    await tx
      .update(publishedReports)
      .set({ supersededAt: publishedAt })
      .where(and(eq(publishedReports.reportId, row.id), isNull(publishedReports.supersededAt)));
    const [version] = await tx
      .insert(publishedReports)
      .values({
        reportId: row.id,
        districtId: row.districtId,
        versionNumber,
        title: row.title,
        slug: row.slug,
        language: row.language,
        audience: row.audience,
        html,
        content: frozen,
        etag: strongEtag(html, versionNumber),
        pdf: pdf ?? null,
        publishedBy: actor.id,
        publishedAt,
      })
      .returning({ id: publishedReports.id, versionNumber: publishedReports.versionNumber });
    const [saved] = await tx
      .update(reports)
      .set({ state: "published", version: row.version + 1, updatedAt: publishedAt })
      .where(eq(reports.id, row.id))
      .returning();
    await recordAudit(tx, {
      districtId: row.districtId,
      actorId: actor.id,
      action: "report.publish",
      entityType: "report",
      entityId: row.id,
      details: { title: row.title, slug: row.slug, versionNumber, language: row.language, from: row.state, ...(confirmedNotStudents ? { confirmedNotStudents } : {}) },
      ip,
    });
    return { report: saved, version };
  });
}

/** Withdraws a published report with a reason: the report and every version it published are marked retracted. */
export async function retractReport(db: Database, actor: Actor, reportId: string, input: RetractInput, ip?: string) {
  const report = await guardStep(db, actor, reportId, "retract");
  return changingAccess(report.documentId, db.transaction(async (tx) => {
    const row = await lockForStep(tx, actor, reportId, "retract", input.expectedVersion);
    const now = new Date();
    const marked = await tx
      .update(publishedReports)
      .set({ retractedAt: now, retractedBy: actor.id, retractReason: input.reason })
      .where(and(eq(publishedReports.reportId, row.id), isNull(publishedReports.retractedAt)))
      .returning({ versionNumber: publishedReports.versionNumber });
    const [saved] = await tx.update(reports).set({ state: "retracted", version: row.version + 1, updatedAt: now }).where(eq(reports.id, row.id)).returning();
    await recordAudit(tx, {
      districtId: row.districtId,
      actorId: actor.id,
      action: "report.retract",
      entityType: "report",
      entityId: row.id,
      details: { title: row.title, reason: input.reason, versions: marked.map((m) => m.versionNumber).sort((a, b) => a - b) },
      ip,
    });
    return saved;
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Reviewers and comments

async function requireEditor(db: Database, actor: Actor, reportId: string) {
  const { report } = await loadReport(db, actor, reportId);
  requirePermission(actor, "report:edit", scopeOf(report));
  return report;
}

/** Names a person of the district to read and comment on the report once it is in review. */
export async function addReviewer(db: Database, actor: Actor, reportId: string, userId: string, ip?: string) {
  const report = await requireEditor(db, actor, reportId);
  const [person] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.districtId, report.districtId), eq(users.status, "active")));
  if (!person) throw new ValidationFailed({ userId: ["Choose an active person of the district."] });
  return changingAccess(report.documentId, db.transaction(async (tx) => {
    const added = await tx.insert(reportReviewers).values({ reportId: report.id, userId: person.id, addedBy: actor.id }).onConflictDoNothing().returning();
    if (added.length === 0) throw new Conflict(`${person.name} is already a reviewer of this report.`, "userId");
    await recordAudit(tx, {
      districtId: report.districtId,
      actorId: actor.id,
      action: "report.reviewer.add",
      entityType: "report",
      entityId: report.id,
      details: { title: report.title, reviewerId: person.id, reviewerName: person.name },
      ip,
    });
    return person;
  }));
}

export async function removeReviewer(db: Database, actor: Actor, reportId: string, userId: string, ip?: string) {
  const report = await requireEditor(db, actor, reportId);
  return changingAccess(report.documentId, db.transaction(async (tx) => {
    const removed = await tx
      .delete(reportReviewers)
      .where(and(eq(reportReviewers.reportId, report.id), eq(reportReviewers.userId, userId)))
      .returning({ userId: reportReviewers.userId });
    if (removed.length === 0) throw new NotFound("reviewer");
    await recordAudit(tx, {
      districtId: report.districtId,
      actorId: actor.id,
      action: "report.reviewer.remove",
      entityType: "report",
      entityId: report.id,
      details: { title: report.title, reviewerId: userId },
      ip,
    });
  }));
}

/** A comment by whoever may read the report (its authors, and in review or after, the board and named reviewers). */
export async function addComment(db: Database, actor: Actor, reportId: string, input: CommentInput, ip?: string) {
  const { report, isReviewer: reviewer } = await loadReport(db, actor, reportId);
  if (!reportAbilities(actor, report, reviewer).comment) {
    if (report.state === "retracted") throw new Conflict("This report was retracted; it takes no more comments.");
    throw new Forbidden();
  }
  return db.transaction(async (tx) => {
    const [comment] = await tx.insert(reportComments).values({ reportId: report.id, authorId: actor.id, body: input.body, quote: input.quote }).returning();
    await recordAudit(tx, {
      districtId: report.districtId,
      actorId: actor.id,
      action: "report.comment.add",
      entityType: "report",
      entityId: report.id,
      details: { title: report.title, commentId: comment.id, quoted: input.quote !== "" },
      ip,
    });
    return comment;
  });
}

/** The authors mark a comment dealt with; comments are never edited, by anyone. */
export async function resolveComment(db: Database, actor: Actor, reportId: string, commentId: string, ip?: string) {
  const report = await requireEditor(db, actor, reportId);
  return db.transaction(async (tx) => {
    const [comment] = await tx
      .update(reportComments)
      .set({ resolvedAt: new Date(), resolvedBy: actor.id })
      .where(and(eq(reportComments.id, commentId), eq(reportComments.reportId, report.id), isNull(reportComments.resolvedAt)))
      .returning();
    if (!comment) {
      const [exists] = await tx.select({ id: reportComments.id }).from(reportComments).where(and(eq(reportComments.id, commentId), eq(reportComments.reportId, report.id)));
      if (!exists) throw new NotFound("comment");
      throw new Conflict("This comment was already resolved.");
    }
    await recordAudit(tx, {
      districtId: report.districtId,
      actorId: actor.id,
      action: "report.comment.resolve",
      entityType: "report",
      entityId: report.id,
      details: { title: report.title, commentId },
      ip,
    });
    return comment;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The board's home

/** What a board member's home shows: the latest published reports, those in review, and the current district cycle. */
export async function boardOverview(db: Database, actor: Actor) {
  const all = await listDistrictReports(db, actor);
  const [current] = await db
    .select({ id: cycles.id, startYear: cycles.startYear, status: cycles.status })
    .from(cycles)
    .where(and(eq(cycles.districtId, actor.districtId), isNull(cycles.schoolId), or(eq(cycles.status, "active"), eq(cycles.status, "planning"))))
    .orderBy(desc(cycles.startYear))
    .limit(1);
  return {
    published: all.filter((r) => r.state === "published").slice(0, 8),
    inReview: all.filter((r) => r.state === "in_review"),
    currentCycle: current ? { id: current.id, yearLabel: schoolYearLabel(current.startYear) } : null,
  };
}
