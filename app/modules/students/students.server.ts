// Student support's queries and commands: the only code that reads student-level records, and every read of them
// writes the access log (ADR 0023). Every query is scoped by the actor's district and the student's school.
import { and, asc, desc, eq, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "#db/client.server";
import {
  auditEvents,
  checkIns,
  dataImports,
  districts,
  districtStudentSettings,
  indicatorWeeks,
  interventionCatalog,
  interventions,
  measures,
  observations,
  relationships,
  schoolMemberships,
  schools,
  studentAccessLog,
  studentDataRevisions,
  studentGroups,
  studentNotes,
  students,
  users,
} from "#db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, requirePermission, type Action, type Actor } from "~/modules/people/permissions";
import { toCsv } from "~/utils/csv";
import { Conflict, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { BEHAVIOUR_WINDOW_DAYS, defaultThresholds, newSignals, signalsFor, startYearOf, summariseWeek, type Signal, type Thresholds, type WeekFigures, type WeekSummary } from "./indicators";
import { suppressSmallCells } from "~/modules/data/suppression";
import { rollupMeasures, termRates, type TermStanding } from "./rollup";
import { parseIndicators, parseRoster, type IndicatorRow, type Parsed, type RosterRow } from "./student-import";
import type { z } from "zod";
import type { catalogItemEditSchema, catalogItemSchema, catalogItemStatusSchema, checkInSchema, endSchema, interventionSchema, noteSchema, settingsSchema } from "./students.schema";
import { clashingItem, freeSlug } from "./catalog";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
type Executor = Database | Tx;

/** Raw SQL rows from either driver (PGlite answers { rows }, postgres.js an array). */
async function rowsOf<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Scope and the access log

export type AccessKind = (typeof studentAccessLog.$inferInsert)["kind"];

export async function logAccess(
  db: Pick<Database, "insert">,
  actor: Pick<Actor, "id" | "districtId"> | null,
  entry: { districtId?: string; schoolId: string | null; studentId?: string | null; kind: AccessKind; context: string },
) {
  await db.insert(studentAccessLog).values({
    districtId: entry.districtId ?? actor!.districtId,
    schoolId: entry.schoolId,
    studentId: entry.studentId ?? null,
    actorId: actor?.id ?? null,
    kind: entry.kind,
    context: entry.context.slice(0, 300),
  });
}

/**
 * Every student's name and district id in the district, for publishing's check that a report names no student
 * (ADR 0034). Read for the check only: nothing here is shown, so it needs no grant; the students a refused publish
 * matched are logged by logPublishingCheck.
 */
export async function rosterForPublishingCheck(db: Executor, districtId: string) {
  return db
    .select({ studentId: students.id, schoolId: students.schoolId, localId: students.localId, givenName: students.givenName, familyName: students.familyName })
    .from(students)
    .where(eq(students.districtId, districtId));
}

/** One `view` entry per student whose name or id stopped a report from being published: their record was matched. */
export async function logPublishingCheck(db: Pick<Database, "insert">, actor: Actor, matched: { studentId: string; schoolId: string }[], reportTitle: string) {
  const unique = [...new Map(matched.map((m) => [m.studentId, m])).values()];
  for (let i = 0; i < unique.length; i += 1000) {
    await db.insert(studentAccessLog).values(
      unique.slice(i, i + 1000).map((m) => ({
        districtId: actor.districtId,
        schoolId: m.schoolId,
        studentId: m.studentId,
        actorId: actor.id,
        kind: "view" as const,
        context: `publishing check of the report "${reportTitle}": refused, it names this student`.slice(0, 300),
      })),
    );
  }
}

/** The school, if it is in the actor's district (else 404) and the actor may do `action` there (else 403). */
export async function schoolFor(db: Executor, actor: Actor, schoolId: string, action: Action) {
  const [school] = await db
    .select({ id: schools.id, name: schools.name, districtId: schools.districtId })
    .from(schools)
    .where(and(eq(schools.id, schoolId), eq(schools.districtId, actor.districtId)));
  if (!school) throw new NotFound("school");
  requirePermission(actor, action, { districtId: actor.districtId, schoolId });
  return school;
}

/** The student, if in the actor's district (else 404) and the actor may do `action` in its school (else 403). */
async function studentFor(db: Executor, actor: Actor, studentId: string, action: Action) {
  const [student] = await db
    .select()
    .from(students)
    .where(and(eq(students.id, studentId), eq(students.districtId, actor.districtId)));
  if (!student) throw new NotFound("student");
  requirePermission(actor, action, { districtId: actor.districtId, schoolId: student.schoolId });
  return student;
}

/** The schools whose student support the actor may open. */
export async function studentSupportSchools(db: Database, actor: Actor) {
  const rows = await db
    .select({ id: schools.id, name: schools.name })
    .from(schools)
    .where(and(eq(schools.districtId, actor.districtId), isNull(schools.archivedAt)))
    .orderBy(asc(schools.name));
  return rows.filter((s) => can(actor, "student:read", { districtId: actor.districtId, schoolId: s.id }));
}

// ---------------------------------------------------------------------------------------------------------------
// District settings

export interface StudentSettings extends Thresholds {
  retentionMonths: number;
  version: number;
}

export async function getStudentSettings(db: Executor, districtId: string): Promise<StudentSettings> {
  const [row] = await db.select().from(districtStudentSettings).where(eq(districtStudentSettings.districtId, districtId));
  if (!row) return { ...defaultThresholds, retentionMonths: 12, version: 1 };
  return {
    absencePercent: row.absencePercent,
    failingCourses: row.failingCourses,
    behaviourIncidents: row.behaviourIncidents,
    selBenchmark: row.selBenchmark,
    retentionMonths: row.retentionMonths,
    version: row.version,
  };
}

export async function updateStudentSettings(db: Database, actor: Actor, input: z.output<typeof settingsSchema>, ip?: string) {
  requirePermission(actor, "student:settings", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const before = await getStudentSettings(tx, actor.districtId);
    if (before.version !== input.expectedVersion) {
      const [row] = await tx
        .select({ savedBy: users.name, savedAt: districtStudentSettings.updatedAt })
        .from(districtStudentSettings)
        .leftJoin(users, eq(users.id, districtStudentSettings.updatedBy))
        .where(eq(districtStudentSettings.districtId, actor.districtId));
      throw new StaleEdit({ ...before, savedBy: row?.savedBy ?? null, savedAt: row?.savedAt.toISOString() ?? null });
    }
    const { expectedVersion: _v, ...values } = input;
    await tx
      .insert(districtStudentSettings)
      .values({ districtId: actor.districtId, ...values, version: before.version + 1, updatedBy: actor.id })
      .onConflictDoUpdate({
        target: districtStudentSettings.districtId,
        set: { ...values, version: before.version + 1, updatedBy: actor.id, updatedAt: new Date() },
      });
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.settings", entityType: "district", entityId: actor.districtId, details: { from: before, to: values }, ip });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Intervention catalog

const starterCatalog = [
  ["check-in-check-out", "Check-in/check-out with an adult", "A daily morning check-in and afternoon check-out with one trusted adult."],
  ["older-student-mentor", "Older-student mentor", "A weekly meeting with a trained older student."],
  ["relationship-skills-group", "Small-group relationship skills", "Six to eight weekly sessions on relationship skills with a counsellor."],
  ["family-outreach", "Family outreach", "A home visit or call to plan support together with the family."],
  ["schedule-change", "Schedule change", "A change of classes or timetable that removes a barrier."],
  ["tutoring", "Tutoring", "Small-group or one-to-one academic support in the failing course."],
  ["extracurricular-role", "Extracurricular role", "A role in a club, team or school job that connects the student to school."],
] as const;

/** Gives a district the starter catalog the first time it is needed; the lead edits it from there. */
export async function ensureInterventionCatalog(db: Executor, districtId: string) {
  await db
    .insert(interventionCatalog)
    .values(starterCatalog.map(([slug, name, description], i) => ({ districtId, slug, name, description, sortOrder: i })))
    .onConflictDoNothing();
}

/** The district's catalog, items still offered first; the student page offers only those (`active`). */
export async function listInterventionCatalog(db: Executor, districtId: string) {
  return db
    .select({ id: interventionCatalog.id, name: interventionCatalog.name, description: interventionCatalog.description, active: interventionCatalog.active, version: interventionCatalog.version })
    .from(interventionCatalog)
    .where(eq(interventionCatalog.districtId, districtId))
    .orderBy(desc(interventionCatalog.active), asc(interventionCatalog.sortOrder), asc(interventionCatalog.name));
}

/**
 * Every item of the district's catalog, read after locking them: the lead's catalog writes take turns, so two saves
 * cannot give two items the same name. The read is a statement of its own so it also sees an item a save that held
 * the lock just added.
 */
async function lockedCatalog(tx: Tx, districtId: string) {
  await tx.select({ id: interventionCatalog.id }).from(interventionCatalog).where(eq(interventionCatalog.districtId, districtId)).for("update");
  return tx.select().from(interventionCatalog).where(eq(interventionCatalog.districtId, districtId));
}

type CatalogRow = typeof interventionCatalog.$inferSelect;

function refuseClash(items: CatalogRow[], name: string, exceptId?: string) {
  const clash = clashingItem(items, name, exceptId);
  if (!clash) return;
  throw new Conflict(
    clash.active ? `The catalog already has “${clash.name}”.` : `“${clash.name}” is in the catalog but retired: bring it back rather than adding it again.`,
    "name",
  );
}

async function savedBy(db: Executor, item: CatalogRow) {
  const [row] = item.updatedBy ? await db.select({ name: users.name }).from(users).where(eq(users.id, item.updatedBy)) : [];
  return { savedBy: row?.name ?? null, savedAt: item.updatedAt.toISOString() };
}

/** The saved version of an item, for the form that was opened before it: what it says now, who saved it and when. */
async function staleCatalogItem(db: Executor, item: CatalogRow) {
  return new StaleEdit(
    { name: item.name, description: item.description, active: item.active, version: item.version, ...(await savedBy(db, item)) },
    "Someone changed this intervention after you opened it, so your change was not saved.",
  );
}

/** One item of the actor's district for its edit page; another district's item is not found. */
export async function getCatalogItem(db: Database, actor: Actor, itemId: string) {
  requirePermission(actor, "student:settings", { districtId: actor.districtId });
  const [item] = await db
    .select()
    .from(interventionCatalog)
    .where(and(eq(interventionCatalog.id, itemId), eq(interventionCatalog.districtId, actor.districtId)));
  if (!item) throw new NotFound("intervention");
  return { id: item.id, name: item.name, description: item.description, active: item.active, version: item.version, ...(await savedBy(db, item)) };
}

export async function addCatalogItem(db: Database, actor: Actor, input: z.output<typeof catalogItemSchema>, ip?: string) {
  requirePermission(actor, "student:settings", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const items = await lockedCatalog(tx, actor.districtId);
    refuseClash(items, input.name);
    const [row] = await tx
      .insert(interventionCatalog)
      .values({ districtId: actor.districtId, slug: freeSlug(input.name, items.map((i) => i.slug)), name: input.name, description: input.description, sortOrder: 100, updatedBy: actor.id })
      .onConflictDoNothing()
      .returning();
    // Only a district with no catalog yet has nothing to lock; two first adds of one name meet here.
    if (!row) throw new Conflict("The catalog already has an intervention with that name.", "name");
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.catalog_add", entityType: "intervention_catalog", entityId: row.id, details: { name: input.name }, ip });
    return row;
  });
}

/**
 * Renames an item or rewrites its description. Plans name their intervention through the catalog, so the new name
 * shows on every plan that used the item, open or ended. A save that changes nothing writes nothing.
 */
export async function updateCatalogItem(db: Database, actor: Actor, itemId: string, input: z.output<typeof catalogItemEditSchema>, ip?: string) {
  requirePermission(actor, "student:settings", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const items = await lockedCatalog(tx, actor.districtId);
    const before = items.find((i) => i.id === itemId);
    if (!before) throw new NotFound("intervention");
    if (before.version !== input.expectedVersion) throw await staleCatalogItem(tx, before);
    refuseClash(items, input.name, before.id);
    if (before.name === input.name && before.description === input.description) return before;
    const [row] = await tx
      .update(interventionCatalog)
      .set({ name: input.name, description: input.description, version: before.version + 1, updatedBy: actor.id, updatedAt: new Date() })
      .where(and(eq(interventionCatalog.id, before.id), eq(interventionCatalog.version, before.version)))
      .returning();
    if (!row) throw await staleCatalogItem(tx, (await tx.select().from(interventionCatalog).where(eq(interventionCatalog.id, before.id)))[0]);
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "student.catalog_edit",
      entityType: "intervention_catalog",
      entityId: before.id,
      details: { from: { name: before.name, description: before.description }, to: { name: input.name, description: input.description } },
      ip,
    });
    return row;
  });
}

/**
 * Retires an item (`active` false: no longer offered for new plans, still named on every plan that used it, in the
 * student page's history and the export) or brings it back.
 */
export async function setCatalogItemActive(db: Database, actor: Actor, itemId: string, active: boolean, input: z.output<typeof catalogItemStatusSchema>, ip?: string) {
  requirePermission(actor, "student:settings", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const items = await lockedCatalog(tx, actor.districtId);
    const before = items.find((i) => i.id === itemId);
    if (!before) throw new NotFound("intervention");
    if (before.version !== input.expectedVersion) throw await staleCatalogItem(tx, before);
    if (before.active === active) return before;
    const [row] = await tx
      .update(interventionCatalog)
      .set({ active, version: before.version + 1, updatedBy: actor.id, updatedAt: new Date() })
      .where(and(eq(interventionCatalog.id, before.id), eq(interventionCatalog.version, before.version)))
      .returning();
    if (!row) throw await staleCatalogItem(tx, (await tx.select().from(interventionCatalog).where(eq(interventionCatalog.id, before.id)))[0]);
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: active ? "student.catalog_restore" : "student.catalog_retire",
      entityType: "intervention_catalog",
      entityId: before.id,
      details: { name: before.name },
      ip,
    });
    return row;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Weekly meeting

export interface StudentWeek extends WeekSummary {
  studentId: string;
  weekOf: string;
}

/** Every student's summary for the latest week on or before `weekOf` (students with no week by then are left out). */
export async function schoolWeekSummaries(db: Executor, schoolId: string, weekOf: string): Promise<StudentWeek[]> {
  return (await schoolSummaries(db, schoolId, [weekOf])).get(weekOf)!;
}

const DAY_MS = 86_400_000;
const shiftDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const isoOf = (value: string | Date) => (typeof value === "string" ? value.slice(0, 10) : value.toISOString().slice(0, 10));

type FigureRow = {
  student_id: string;
  week_of: string | Date;
  days_enrolled: number;
  days_absent: number;
  courses_failing: number;
  behaviour_incidents: number;
  sel_score: string | number | null;
  trusted_adult: boolean | null;
};

function toFigures(r: FigureRow): WeekFigures {
  return {
    weekOf: isoOf(r.week_of),
    daysEnrolled: Number(r.days_enrolled),
    daysAbsent: Number(r.days_absent),
    coursesFailing: Number(r.courses_failing),
    behaviourIncidents: Number(r.behaviour_incidents),
    selScore: r.sel_score === null ? null : Number(r.sel_score),
    trustedAdult: r.trusted_adult,
  };
}

/**
 * Summaries of every student of a school for each of `weeks`, one row per student from the database: the current week
 * is found among the last eight weeks, incidents are summed over the four up to it, and SEL and connectedness come
 * from the survey weeks (a partial index). Shipping summaries rather than raw weeks is what keeps a 2 000-student
 * school fast (ADR 0023). A student whose data stopped more than four weeks before gets `summariseWeek` over their
 * whole history instead; an integration test holds this query to `summariseWeek` for everyone.
 */
export async function schoolSummaries(db: Executor, schoolId: string, weeks: string[]): Promise<Map<string, StudentWeek[]>> {
  const result = new Map<string, StudentWeek[]>();
  for (const week of weeks) {
    const rows = await rowsOf<{
      student_id: string;
      week_of: string | Date;
      days_enrolled: number;
      days_absent: number;
      courses_failing: number;
      recent_incidents: number | string;
      latest_sel: string | number | null;
      latest_trusted_adult: boolean | null;
    }>(
      db,
      sql`with recent as (
            select student_id, week_of, days_enrolled, days_absent, courses_failing, behaviour_incidents from indicator_week
            where school_id = ${schoolId} and week_of > ${shiftDays(week, -2 * BEHAVIOUR_WINDOW_DAYS)}::date and week_of <= ${week}::date
          ), cur as (
            select distinct on (student_id) student_id, week_of, days_enrolled, days_absent, courses_failing from recent order by student_id, week_of desc
          ), incidents as (
            select r.student_id, sum(r.behaviour_incidents)::int as n from recent r join cur c on c.student_id = r.student_id
            where r.week_of > c.week_of - ${BEHAVIOUR_WINDOW_DAYS}::int group by r.student_id
          ), sel as (
            select distinct on (student_id) student_id, sel_score from indicator_week
            where school_id = ${schoolId} and week_of <= ${week}::date and (sel_score is not null or trusted_adult is not null) and sel_score is not null
            order by student_id, week_of desc
          ), adult as (
            select distinct on (student_id) student_id, trusted_adult from indicator_week
            where school_id = ${schoolId} and week_of <= ${week}::date and (sel_score is not null or trusted_adult is not null) and trusted_adult is not null
            order by student_id, week_of desc
          )
          select cur.student_id, cur.week_of::text as week_of, cur.days_enrolled, cur.days_absent, cur.courses_failing,
                 coalesce(incidents.n, 0) as recent_incidents, sel.sel_score as latest_sel, adult.trusted_adult as latest_trusted_adult
          from cur left join incidents on incidents.student_id = cur.student_id
                   left join sel on sel.student_id = cur.student_id
                   left join adult on adult.student_id = cur.student_id
          where cur.week_of > ${shiftDays(week, -BEHAVIOUR_WINDOW_DAYS)}::date`,
    );
    const list: StudentWeek[] = rows.map((r) => ({
      studentId: r.student_id,
      weekOf: isoOf(r.week_of),
      daysEnrolled: Number(r.days_enrolled),
      daysAbsent: Number(r.days_absent),
      coursesFailing: Number(r.courses_failing),
      recentIncidents: Number(r.recent_incidents),
      latestSel: r.latest_sel === null ? null : Number(r.latest_sel),
      latestTrustedAdult: r.latest_trusted_adult,
    }));
    // Students whose data stopped weeks ago (rare): read what they have and summarise it the reference way.
    const stale = await rowsOf<FigureRow>(
      db,
      sql`select student_id, week_of::text as week_of, days_enrolled, days_absent, courses_failing, behaviour_incidents, sel_score, trusted_adult
          from indicator_week w where w.school_id = ${schoolId} and w.week_of <= ${week}::date and w.student_id in (
            select s.id from student s where s.school_id = ${schoolId} and not exists (
              select 1 from indicator_week r where r.student_id = s.id and r.week_of > ${shiftDays(week, -BEHAVIOUR_WINDOW_DAYS)}::date and r.week_of <= ${week}::date))`,
    );
    const byStudent = new Map<string, WeekFigures[]>();
    for (const r of stale) byStudent.set(r.student_id, [...(byStudent.get(r.student_id) ?? []), toFigures(r)]);
    for (const [studentId, figures] of byStudent) {
      const summary = summariseWeek(figures, week);
      if (summary) list.push({ studentId, ...summary });
    }
    result.set(week, list);
  }
  return result;
}

/** Marks a school's indicators as changed, inside the transaction that changed them. */
async function bumpDataRevision(tx: Executor, schoolIds: string[]) {
  for (const schoolId of new Set(schoolIds)) {
    await tx
      .insert(studentDataRevisions)
      .values({ schoolId, revision: 1 })
      .onConflictDoUpdate({ target: studentDataRevisions.schoolId, set: { revision: sql`${studentDataRevisions.revision} + 1` } });
  }
}

// Summaries change only when a school's indicators do: an import, a deletion or a retention run bumps the school's
// revision in the same transaction, so a cheap read of it tells whether an entry is current (ADR 0023). Entries hold
// numbers keyed by opaque ids, never names; names are read per request for the rows shown.
const SUMMARY_CACHE_MAX = 64;
const summaryCache = new Map<string, Promise<Map<string, StudentWeek[]>>>();

async function cachedSummaries(db: Executor, schoolId: string, weeks: string[]) {
  const [row] = await db.select({ revision: studentDataRevisions.revision }).from(studentDataRevisions).where(eq(studentDataRevisions.schoolId, schoolId));
  const key = `${schoolId}|${row?.revision ?? 0}|${weeks.join(",")}`;
  let entry = summaryCache.get(key);
  if (entry) {
    // Most recently used last, so the oldest entry is the first to go.
    summaryCache.delete(key);
    summaryCache.set(key, entry);
    return entry;
  }
  entry = schoolSummaries(db, schoolId, weeks);
  summaryCache.set(key, entry);
  entry.catch(() => summaryCache.delete(key));
  while (summaryCache.size > SUMMARY_CACHE_MAX) summaryCache.delete(summaryCache.keys().next().value!);
  return entry;
}

/** The weeks a school has indicators for, newest first. */
export async function schoolWeeks(db: Executor, schoolId: string) {
  // A loose index scan: one probe per distinct week instead of reading every student's rows.
  const rows = await rowsOf<{ week_of: string }>(
    db,
    sql`with recursive w(week_of) as (
          (select week_of from indicator_week where school_id = ${schoolId} order by week_of desc limit 1)
          union all
          select (select i.week_of from indicator_week i where i.school_id = ${schoolId} and i.week_of < w.week_of order by i.week_of desc limit 1)
          from w where w.week_of is not null
        )
        select week_of::text as week_of from w where week_of is not null limit 60`,
  );
  return rows.map((r) => r.week_of.slice(0, 10));
}

export interface MeetingRow {
  studentId: string;
  name: string;
  grade: string;
  signals: Signal[];
  newSignals: Signal[];
  absencePct: number | null;
  coursesFailing: number;
  recentIncidents: number;
  latestSel: number | null;
  latestTrustedAdult: boolean | null;
  openPlan: { id: string; name: string; ownerName: string | null; lastRating: number | null } | null;
}

/** The weekly data meeting: students newly flagged this week and those with an open plan, one row each. */
export async function weeklyMeeting(db: Database, actor: Actor, schoolId: string, requestedWeek: string | null) {
  const school = await schoolFor(db, actor, schoolId, "student:read");
  const settings = await getStudentSettings(db, actor.districtId);
  const weeks = await schoolWeeks(db, schoolId);
  const week = requestedWeek && weeks.includes(requestedWeek) ? requestedWeek : (weeks[0] ?? null);
  const previous = week ? (weeks[weeks.indexOf(week) + 1] ?? null) : null;
  const [summaries, plans] = await Promise.all([
    week ? cachedSummaries(db, schoolId, previous ? [week, previous] : [week]) : Promise.resolve(new Map<string, StudentWeek[]>()),
    openPlans(db, schoolId),
  ]);
  const current = week ? summaries.get(week)! : [];
  const before = previous ? summaries.get(previous)! : [];
  const previousSignals = new Map(before.map((s) => [s.studentId, signalsFor(s, settings)]));
  let flagged = 0;
  const rows: Omit<MeetingRow, "name" | "grade">[] = [];
  for (const s of current) {
    const signals = signalsFor(s, settings);
    if (signals.length) flagged += 1;
    // Only signals raised in this very week count as new: a student whose data stopped arriving is not re-flagged.
    const fresh = s.weekOf === week ? newSignals(signals, previousSignals.get(s.studentId) ?? []) : [];
    const plan = plans.get(s.studentId) ?? null;
    if (!fresh.length && !plan) continue;
    rows.push({
      studentId: s.studentId,
      signals,
      newSignals: fresh,
      absencePct: s.daysEnrolled > 0 ? Math.round((s.daysAbsent / s.daysEnrolled) * 1000) / 10 : null,
      coursesFailing: s.coursesFailing,
      recentIncidents: s.recentIncidents,
      latestSel: s.latestSel,
      latestTrustedAdult: s.latestTrustedAdult,
      openPlan: plan,
    });
  }
  // Names only for the students on the page, not the whole roster.
  const people = rows.length
    ? await db.select({ id: students.id, givenName: students.givenName, familyName: students.familyName, grade: students.grade }).from(students).where(and(eq(students.schoolId, schoolId), inArray(students.id, rows.map((r) => r.studentId))))
    : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  const named: MeetingRow[] = rows.map((r) => {
    const p = byId.get(r.studentId)!;
    return { ...r, name: `${p.givenName} ${p.familyName}`, grade: p.grade };
  });
  named.sort((a, b) => Number(Boolean(b.newSignals.length)) - Number(Boolean(a.newSignals.length)) || b.signals.length - a.signals.length || a.name.localeCompare(b.name));
  await logAccess(db, actor, { schoolId, kind: "list", context: `weekly meeting${week ? ` for the week of ${week}` : ""} (${named.length} students shown)` });
  return { school, week, previous, weeks, rows: named, students: current.length, flagged, thresholds: settings };
}

async function openPlans(db: Executor, schoolId: string) {
  const rows = await rowsOf<{ id: string; student_id: string; name: string; owner_name: string | null; last_rating: number | null }>(
    db,
    sql`select i.id, i.student_id, c.name, u.name as owner_name,
          (select ci.rating from check_in ci where ci.intervention_id = i.id order by ci.week_of desc limit 1) as last_rating
        from intervention i join intervention_catalog c on c.id = i.catalog_id left join app_user u on u.id = i.owner_id
        where i.school_id = ${schoolId} and i.end_date is null
        order by i.start_date`,
  );
  const plans = new Map<string, { id: string; name: string; ownerName: string | null; lastRating: number | null }>();
  for (const r of rows) if (!plans.has(r.student_id)) plans.set(r.student_id, { id: r.id, name: r.name, ownerName: r.owner_name, lastRating: r.last_rating === null ? null : Number(r.last_rating) });
  return plans;
}

// ---------------------------------------------------------------------------------------------------------------
// One student

/** People who can own a plan for a student of this school: its team, and district staff holding the grant. */
async function possibleOwners(db: Executor, districtId: string, schoolId: string) {
  const team = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .leftJoin(schoolMemberships, and(eq(schoolMemberships.userId, users.id), eq(schoolMemberships.schoolId, schoolId)))
    .where(
      and(
        eq(users.districtId, districtId),
        eq(users.status, "active"),
        or(sql`${schoolMemberships.schoolId} is not null and ${users.role} = 'school_team'`, and(inArray(users.role, ["district_lead", "district_team"]), eq(users.studentRecords, true))),
      ),
    )
    .orderBy(asc(users.name));
  return team;
}

export async function getStudentRecord(db: Database, actor: Actor, studentId: string, context = "student page") {
  const student = await studentFor(db, actor, studentId, "student:read");
  const settings = await getStudentSettings(db, actor.districtId);
  const [school] = await db.select({ name: schools.name }).from(schools).where(eq(schools.id, student.schoolId));
  const weekRows = await db
    .select()
    .from(indicatorWeeks)
    .where(and(eq(indicatorWeeks.studentId, studentId), eq(indicatorWeeks.startYear, student.lastStartYear)))
    .orderBy(asc(indicatorWeeks.weekOf));
  const figures: WeekFigures[] = weekRows.map((w) => ({
    weekOf: w.weekOf,
    daysEnrolled: w.daysEnrolled,
    daysAbsent: w.daysAbsent,
    coursesFailing: w.coursesFailing,
    behaviourIncidents: w.behaviourIncidents,
    selScore: w.selScore,
    trustedAdult: w.trustedAdult,
  }));
  const weeks = figures.map((f) => {
    const summary = summariseWeek(figures, f.weekOf)!;
    return { ...f, signals: signalsFor(summary, settings), absencePct: f.daysEnrolled > 0 ? Math.round((f.daysAbsent / f.daysEnrolled) * 1000) / 10 : null };
  });
  const notes = await db
    .select({ id: studentNotes.id, body: studentNotes.body, createdAt: studentNotes.createdAt, author: users.name })
    .from(studentNotes)
    .leftJoin(users, eq(users.id, studentNotes.authorId))
    .where(eq(studentNotes.studentId, studentId))
    .orderBy(desc(studentNotes.createdAt));
  const plans = await db
    .select({
      id: interventions.id,
      name: interventionCatalog.name,
      ownerName: users.name,
      startDate: interventions.startDate,
      goal: interventions.goal,
      endDate: interventions.endDate,
      outcome: interventions.outcome,
      outcomeNote: interventions.outcomeNote,
      version: interventions.version,
    })
    .from(interventions)
    .innerJoin(interventionCatalog, eq(interventionCatalog.id, interventions.catalogId))
    .leftJoin(users, eq(users.id, interventions.ownerId))
    .where(eq(interventions.studentId, studentId))
    .orderBy(desc(interventions.startDate));
  const checks = plans.length
    ? await db
        .select({ id: checkIns.id, interventionId: checkIns.interventionId, weekOf: checkIns.weekOf, rating: checkIns.rating, note: checkIns.note, by: users.name })
        .from(checkIns)
        .leftJoin(users, eq(users.id, checkIns.recordedBy))
        .where(inArray(checkIns.interventionId, plans.map((p) => p.id)))
        .orderBy(asc(checkIns.weekOf))
    : [];
  const adults = await db
    .select({ staffId: relationships.staffId, name: users.name, markedAt: relationships.markedAt })
    .from(relationships)
    .innerJoin(users, eq(users.id, relationships.staffId))
    .where(and(eq(relationships.studentId, studentId), isNull(relationships.endedAt)))
    .orderBy(asc(users.name));
  const owners = await possibleOwners(db, actor.districtId, student.schoolId);
  await ensureInterventionCatalog(db, actor.districtId);
  const catalog = (await listInterventionCatalog(db, actor.districtId)).filter((c) => c.active);
  await logAccess(db, actor, { schoolId: student.schoolId, studentId, kind: "view", context });
  return {
    student: { id: student.id, name: `${student.givenName} ${student.familyName}`, givenName: student.givenName, grade: student.grade, groups: student.groups, schoolId: student.schoolId, schoolName: school?.name ?? "" },
    weeks,
    thresholds: settings,
    notes,
    plans: plans.map((p) => ({ ...p, checkIns: checks.filter((c) => c.interventionId === p.id) })),
    adults,
    markedByMe: adults.some((a) => a.staffId === actor.id),
    owners,
    catalog,
    canDelete: can(actor, "student:delete", { districtId: actor.districtId, schoolId: student.schoolId }),
  };
}

export async function addNote(db: Database, actor: Actor, studentId: string, input: z.output<typeof noteSchema>, ip?: string) {
  await db.transaction(async (tx) => {
    const student = await studentFor(tx, actor, studentId, "student:work");
    const [note] = await tx.insert(studentNotes).values({ studentId, districtId: actor.districtId, authorId: actor.id, body: input.body }).returning({ id: studentNotes.id });
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.note", entityType: "student", entityId: studentId, details: { noteId: note.id, schoolId: student.schoolId }, ip });
  });
}

export async function createIntervention(db: Database, actor: Actor, studentId: string, input: z.output<typeof interventionSchema>, ip?: string) {
  return db.transaction(async (tx) => {
    const student = await studentFor(tx, actor, studentId, "student:work");
    const [item] = await tx
      .select({ id: interventionCatalog.id, name: interventionCatalog.name, active: interventionCatalog.active })
      .from(interventionCatalog)
      .where(and(eq(interventionCatalog.id, input.catalogId), eq(interventionCatalog.districtId, actor.districtId)));
    if (!item) throw new ValidationFailed({ catalogId: ["Choose an intervention from the district's catalog."] });
    // A form opened before the district retired the item still offers it.
    if (!item.active) throw new ValidationFailed({ catalogId: [`“${item.name}” has been retired from the district's catalog; choose another intervention.`] });
    const owners = await possibleOwners(tx, actor.districtId, student.schoolId);
    if (!owners.some((o) => o.id === input.ownerId)) throw new ValidationFailed({ ownerId: ["Choose someone on the school's team."] });
    const [plan] = await tx
      .insert(interventions)
      .values({ studentId, districtId: actor.districtId, schoolId: student.schoolId, catalogId: item.id, ownerId: input.ownerId, startDate: input.startDate, goal: input.goal, createdBy: actor.id })
      .returning();
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.plan_start", entityType: "intervention", entityId: plan.id, details: { intervention: item.name, schoolId: student.schoolId }, ip });
    return plan;
  });
}

async function planFor(tx: Executor, actor: Actor, studentId: string, interventionId: string) {
  const student = await studentFor(tx, actor, studentId, "student:work");
  const [plan] = await tx.select().from(interventions).where(and(eq(interventions.id, interventionId), eq(interventions.studentId, studentId), eq(interventions.districtId, actor.districtId)));
  if (!plan) throw new NotFound("plan");
  return { student, plan };
}

export async function addCheckIn(db: Database, actor: Actor, studentId: string, interventionId: string, input: z.output<typeof checkInSchema>, ip?: string) {
  await db.transaction(async (tx) => {
    const { plan } = await planFor(tx, actor, studentId, interventionId);
    if (plan.endDate) throw new Conflict("This plan has ended; start a new one to keep checking in.");
    if (input.weekOf < plan.startDate) throw new ValidationFailed({ weekOf: ["The check-in is before the plan started."] });
    const [row] = await tx
      .insert(checkIns)
      .values({ interventionId, weekOf: input.weekOf, rating: input.rating, note: input.note, recordedBy: actor.id })
      .onConflictDoNothing()
      .returning({ id: checkIns.id });
    if (!row) throw new Conflict("There is already a check-in for that week.", "weekOf");
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.check_in", entityType: "intervention", entityId: interventionId, details: { weekOf: input.weekOf, rating: input.rating }, ip });
  });
}

/** The saved plan, for an end form opened before it changed: how it ended, who saved that and when (from the audit trail). */
async function stalePlan(db: Executor, plan: typeof interventions.$inferSelect) {
  const [last] = await db
    .select({ savedBy: users.name, savedAt: auditEvents.at })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(eq(auditEvents.districtId, plan.districtId), eq(auditEvents.entityType, "intervention"), eq(auditEvents.entityId, plan.id), eq(auditEvents.action, "student.plan_end")))
    .orderBy(desc(auditEvents.at))
    .limit(1);
  return new StaleEdit(
    { endDate: plan.endDate, outcome: plan.outcome, outcomeNote: plan.outcomeNote, version: plan.version, savedBy: last?.savedBy ?? null, savedAt: last?.savedAt.toISOString() ?? null },
    plan.endDate
      ? "Someone ended this plan while you were looking at it, so your ending was not saved."
      : "Someone changed this plan while you were looking at it, so your ending was not saved. Check it and try again.",
  );
}

export async function endIntervention(db: Database, actor: Actor, studentId: string, interventionId: string, input: z.output<typeof endSchema>, ip?: string) {
  await db.transaction(async (tx) => {
    const { plan } = await planFor(tx, actor, studentId, interventionId);
    if (plan.version !== input.expectedVersion || plan.endDate) throw await stalePlan(tx, plan);
    if (input.endDate < plan.startDate) throw new ValidationFailed({ endDate: ["The plan cannot end before it started."] });
    await tx
      .update(interventions)
      .set({ endDate: input.endDate, outcome: input.outcome, outcomeNote: input.outcomeNote, version: plan.version + 1 })
      .where(and(eq(interventions.id, interventionId), eq(interventions.version, plan.version)));
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.plan_end", entityType: "intervention", entityId: interventionId, details: { outcome: input.outcome }, ip });
  });
}

export async function setRelationship(db: Database, actor: Actor, studentId: string, strong: boolean, ip?: string) {
  await db.transaction(async (tx) => {
    const student = await studentFor(tx, actor, studentId, "student:work");
    if (strong) {
      await tx.insert(relationships).values({ studentId, districtId: actor.districtId, schoolId: student.schoolId, staffId: actor.id }).onConflictDoNothing();
    } else {
      await tx
        .update(relationships)
        .set({ endedAt: new Date() })
        .where(and(eq(relationships.studentId, studentId), eq(relationships.staffId, actor.id), isNull(relationships.endedAt)));
    }
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: strong ? "student.relationship_mark" : "student.relationship_unmark", entityType: "student", entityId: studentId, details: {}, ip });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Relationship map

export async function relationshipMap(db: Database, actor: Actor, schoolId: string, now = new Date()) {
  const school = await schoolFor(db, actor, schoolId, "student:read");
  const roster = await db
    .select({ id: students.id, givenName: students.givenName, familyName: students.familyName, grade: students.grade, lastStartYear: students.lastStartYear })
    .from(students)
    .where(eq(students.schoolId, schoolId))
    .orderBy(asc(students.familyName), asc(students.givenName));
  const marks = await db
    .select({ studentId: relationships.studentId, staffName: users.name, markedAt: relationships.markedAt, endedAt: relationships.endedAt })
    .from(relationships)
    .innerJoin(users, eq(users.id, relationships.staffId))
    .where(eq(relationships.schoolId, schoolId));
  const current = new Map<string, string[]>();
  for (const m of marks) if (!m.endedAt) current.set(m.studentId, [...(current.get(m.studentId) ?? []), m.staffName]);
  const startYear = startYearOf(now.toISOString().slice(0, 10));
  // Month ends from August of the school year to now: how many of today's students had no adult named then.
  const trend: { month: string; withoutAdult: number }[] = [];
  for (let m = 7; ; m++) {
    const end = new Date(Date.UTC(startYear + Math.floor(m / 12), (m % 12) + 1, 0, 23, 59, 59));
    const at = end > now ? now : end;
    const named = new Set(marks.filter((x) => x.markedAt <= at && (!x.endedAt || x.endedAt > at)).map((x) => x.studentId));
    trend.push({ month: at.toISOString().slice(0, 7), withoutAdult: roster.filter((s) => !named.has(s.id)).length });
    if (end >= now || m > 20) break;
  }
  await logAccess(db, actor, { schoolId, kind: "list", context: "relationship map" });
  return {
    school,
    total: roster.length,
    withoutAdult: roster.filter((s) => !current.has(s.id)).map((s) => ({ id: s.id, name: `${s.givenName} ${s.familyName}`, grade: s.grade })),
    withAdult: roster.filter((s) => current.has(s.id)).map((s) => ({ id: s.id, name: `${s.givenName} ${s.familyName}`, grade: s.grade, adults: current.get(s.id)! })),
    trend,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Imports

export type ImportKind = "roster" | "indicators";

async function groupSlugs(db: Executor, districtId: string) {
  const rows = await db
    .select({ slug: studentGroups.slug, name: studentGroups.name })
    .from(studentGroups)
    .where(and(or(isNull(studentGroups.districtId), eq(studentGroups.districtId, districtId)), sql`${studentGroups.category} <> 'all'`));
  const map = new Map<string, string>();
  for (const g of rows) {
    map.set(g.slug.toLowerCase(), g.slug);
    map.set(g.name.toLowerCase(), g.slug);
  }
  return map;
}

async function rosterIds(db: Executor, districtId: string, schoolId: string) {
  const rows = await db.select({ id: students.id, localId: students.localId }).from(students).where(and(eq(students.districtId, districtId), eq(students.schoolId, schoolId)));
  return new Map(rows.map((r) => [r.localId, r.id]));
}

export type ImportCheck = { kind: "roster"; parsed: Parsed<RosterRow>; newStudents: number } | { kind: "indicators"; parsed: Parsed<IndicatorRow>; weeks: string[] };

/**
 * Why a roster row's student id is refused when the district already holds it for another school. It must not say
 * so: a school team could otherwise confirm, id by id, who is enrolled anywhere in the district (ADR 0034).
 */
export const STUDENT_ID_NOT_FOR_THIS_SCHOOL = "cannot be used for this school; ask the district data coordinator to check it";

/**
 * Checks a file against the school and writes nothing but the access log: the preview. A roster row whose student id
 * the district holds for another school touches that student's record, so each one is logged (ADR 0034).
 */
export async function checkImport(db: Executor, actor: Actor, schoolId: string, kind: ImportKind, text: string, fileName = "an uploaded file"): Promise<ImportCheck> {
  const school = await schoolFor(db, actor, schoolId, "student:work");
  const known = await rosterIds(db, actor.districtId, schoolId);
  if (kind === "roster") {
    const parsed = parseRoster(text, { schoolName: school.name, groupSlugs: await groupSlugs(db, actor.districtId) });
    // A student id already on another school's roster in this district is not ours to move.
    if (parsed.rows.length) {
      const ids = parsed.rows.map((r) => r.localId);
      const held = await db
        .select({ id: students.id, localId: students.localId })
        .from(students)
        .where(and(eq(students.districtId, actor.districtId), inArray(students.localId, ids), sql`${students.schoolId} <> ${schoolId}`));
      const elsewhere = new Set(held.map((r) => r.localId));
      if (elsewhere.size) {
        // One entry per student whose id was tried, so the lead sees a school probing ids; the context names no one.
        for (let i = 0; i < held.length; i += 1000) {
          await db.insert(studentAccessLog).values(
            held.slice(i, i + 1000).map((h) => ({
              districtId: actor.districtId,
              schoolId,
              studentId: h.id,
              actorId: actor.id,
              kind: "import" as const,
              context: `roster check of ${fileName} for ${school.name}: student id held for another school, refused`.slice(0, 300),
            })),
          );
        }
        const keep = parsed.rows.map((r, i) => ({ r, row: parsed.rowNumbers[i] }));
        for (const { r, row } of keep) {
          if (elsewhere.has(r.localId)) parsed.errors.push({ row, column: "student_id", reason: STUDENT_ID_NOT_FOR_THIS_SCHOOL });
        }
        const kept = keep.filter(({ r }) => !elsewhere.has(r.localId));
        parsed.rows = kept.map((k) => k.r);
        parsed.rowNumbers = kept.map((k) => k.row);
        parsed.errors.sort((a, b) => a.row - b.row);
      }
    }
    return { kind, parsed, newStudents: parsed.rows.filter((r) => !known.has(r.localId)).length };
  }
  const parsed = parseIndicators(text, { knownStudents: new Set(known.keys()) });
  return { kind, parsed, weeks: [...new Set(parsed.rows.map((r) => r.weekOf))].sort() };
}

/** Writes a checked file in one transaction, or nothing at all if any row has a problem. Re-importing changes nothing. */
export async function commitImport(db: Database, actor: Actor, schoolId: string, kind: ImportKind, text: string, fileName: string, ip?: string) {
  const result = await db.transaction(async (tx) => {
    const check = await checkImport(tx, actor, schoolId, kind, text, fileName);
    if (check.parsed.fileErrors.length || check.parsed.errors.length) return { ok: false as const, check };
    if (check.parsed.rows.length === 0) return { ok: false as const, check };
    const now = new Date();
    let written = 0;
    if (check.kind === "roster") {
      const startYear = startYearOf(now.toISOString().slice(0, 10));
      for (let i = 0; i < check.parsed.rows.length; i += 1000) {
        const chunk = check.parsed.rows.slice(i, i + 1000);
        await tx
          .insert(students)
          .values(chunk.map((r) => ({ districtId: actor.districtId, schoolId, localId: r.localId, givenName: r.givenName, familyName: r.familyName, grade: r.grade, groups: r.groups, lastStartYear: startYear })))
          .onConflictDoUpdate({
            target: [students.districtId, students.localId],
            set: {
              givenName: sql`excluded.given_name`,
              familyName: sql`excluded.family_name`,
              grade: sql`excluded.grade`,
              groups: sql`excluded.groups`,
              lastStartYear: sql`greatest(${students.lastStartYear}, excluded.last_start_year)`,
              updatedAt: now,
            },
            // Never reaches across schools: checkImport refused those rows already.
            setWhere: eq(students.schoolId, schoolId),
          });
        written += chunk.length;
      }
    } else {
      const ids = await rosterIds(tx, actor.districtId, schoolId);
      for (let i = 0; i < check.parsed.rows.length; i += 1000) {
        const chunk = check.parsed.rows.slice(i, i + 1000);
        await tx
          .insert(indicatorWeeks)
          .values(chunk.map(({ localId, ...r }) => ({ ...r, studentId: ids.get(localId)!, districtId: actor.districtId, schoolId })))
          .onConflictDoUpdate({
            target: [indicatorWeeks.studentId, indicatorWeeks.weekOf],
            set: {
              daysEnrolled: sql`excluded.days_enrolled`,
              daysAbsent: sql`excluded.days_absent`,
              coursesFailing: sql`excluded.courses_failing`,
              behaviourIncidents: sql`excluded.behaviour_incidents`,
              selScore: sql`excluded.sel_score`,
              trustedAdult: sql`excluded.trusted_adult`,
            },
          });
        written += chunk.length;
      }
      // A roster's school year follows its newest indicators, so retention counts from the right year.
      const newest = check.weeks.at(-1);
      if (newest) {
        await tx
          .update(students)
          .set({ lastStartYear: sql`greatest(${students.lastStartYear}, ${startYearOf(newest)})` })
          .where(and(eq(students.schoolId, schoolId), inArray(students.id, [...new Set(check.parsed.rows.map((r) => ids.get(r.localId)!))])));
      }
    }
    await bumpDataRevision(tx, [schoolId]);
    await logAccess(tx, actor, { schoolId, kind: "import", context: `${kind === "roster" ? "roster" : "indicator"} import of ${fileName} (${written} rows)` });
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.import", entityType: "school", entityId: schoolId, details: { kind, fileName, rows: written }, ip });
    return { ok: true as const, check, written };
  });
  if (result.ok && result.check.kind === "indicators") {
    for (const year of new Set(result.check.parsed.rows.map((r) => r.startYear))) await rollUpRates(db, actor.districtId, year, actor.id);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Roll-up into the outcome measures

export const ROLLUP_FILE_NAME = "Student support roll-up";

/**
 * Rates per school (and, once every school has students on a roster, the district) per term, written as observation
 * rows through a data import of their own. Each run replaces the slices it writes, as a re-import does.
 */
export async function rollUpRates(db: Database, districtId: string, startYear: number, actorId: string | null) {
  const thresholds = await getStudentSettings(db, districtId);
  const rows = await rowsOf<{ term: "fall" | "winter" | "spring"; school_id: string; grade: string; groups: string[] | string; days_enrolled: number; days_absent: number; courses_failing: number; trusted_adult: boolean | null }>(
    db,
    sql`with w as (
          select iw.*, case when extract(month from iw.week_of) between 7 and 11 then 'fall'
                            when extract(month from iw.week_of) in (12, 1, 2) then 'winter' else 'spring' end as term
          from indicator_week iw where iw.district_id = ${districtId} and iw.start_year = ${startYear}
        ), last as (
          select distinct on (student_id, term) student_id, term, days_enrolled, days_absent, courses_failing from w order by student_id, term, week_of desc
        ), adult as (
          select distinct on (student_id, term) student_id, term, trusted_adult from w where trusted_adult is not null order by student_id, term, week_of desc
        )
        select last.term, s.school_id, s.grade, s.groups, last.days_enrolled, last.days_absent, last.courses_failing, adult.trusted_adult
        from last join student s on s.id = last.student_id left join adult on adult.student_id = last.student_id and adult.term = last.term`,
  );
  const [{ schools_total, schools_with_students }] = await rowsOf<{ schools_total: number; schools_with_students: number }>(
    db,
    sql`select (select count(*)::int from school where district_id = ${districtId} and archived_at is null) as schools_total,
               (select count(distinct school_id)::int from student where district_id = ${districtId}) as schools_with_students`,
  );
  const district = Number(schools_total) > 0 && Number(schools_with_students) >= Number(schools_total);
  const byTerm = new Map<string, TermStanding[]>();
  for (const r of rows) {
    const groups = typeof r.groups === "string" ? (JSON.parse(r.groups) as string[]) : r.groups;
    const list = byTerm.get(r.term) ?? [];
    list.push({ schoolId: r.school_id, grade: r.grade, groups, daysEnrolled: Number(r.days_enrolled), daysAbsent: Number(r.days_absent), coursesFailing: Number(r.courses_failing), trustedAdult: r.trusted_adult });
    byTerm.set(r.term, list);
  }
  const measureRows = await db.select({ id: measures.id, slug: measures.slug }).from(measures).where(and(isNull(measures.districtId), inArray(measures.slug, [...rollupMeasures])));
  const measureId = new Map(measureRows.map((m) => [m.slug, m.id]));
  const groupRows = await db.select({ id: studentGroups.id, slug: studentGroups.slug, districtId: studentGroups.districtId }).from(studentGroups).where(or(isNull(studentGroups.districtId), eq(studentGroups.districtId, districtId)));
  const groupId = new Map<string, string>();
  for (const g of groupRows) if (!groupId.has(g.slug) || g.districtId) groupId.set(g.slug, g.id);
  if (measureId.size < rollupMeasures.length || !groupId.has("all")) return { rows: 0 };

  const values: (typeof observations.$inferInsert)[] = [];
  const slices = new Map<string, { schoolId: string | null; startYear: number; term: string; measureId: string; rows: number }>();
  for (const [term, standings] of byTerm) {
    for (const cell of termRates(standings, thresholds, { district })) {
      const group = groupId.get(cell.group);
      const measure = measureId.get(cell.measure)!;
      if (!group) continue;
      values.push({ districtId, importId: "", schoolId: cell.schoolId, startYear, term: term as "fall", grade: cell.grade, studentGroupId: group, measureId: measure, n: cell.n, value: cell.value });
      const key = `${cell.schoolId ?? ""}|${term}|${measure}`;
      const slice = slices.get(key) ?? { schoolId: cell.schoolId, startYear, term, measureId: measure, rows: 0 };
      slice.rows += 1;
      slices.set(key, slice);
    }
  }
  if (!values.length) return { rows: 0 };
  await db.transaction(async (tx) => {
    const [run] = await tx
      .insert(dataImports)
      .values({ districtId, fileName: ROLLUP_FILE_NAME, rowCount: values.length, slices: [...slices.values()], importedBy: actorId })
      .returning({ id: dataImports.id });
    for (const slice of slices.values()) {
      await tx
        .update(observations)
        .set({ replacedByImportId: run.id })
        .where(
          and(
            eq(observations.districtId, districtId),
            slice.schoolId ? eq(observations.schoolId, slice.schoolId) : isNull(observations.schoolId),
            eq(observations.startYear, startYear),
            eq(observations.term, slice.term as "fall"),
            eq(observations.measureId, slice.measureId),
            isNull(observations.replacedByImportId),
          ),
        );
    }
    for (let i = 0; i < values.length; i += 1000) await tx.insert(observations).values(values.slice(i, i + 1000).map((v) => ({ ...v, importId: run.id })));
    await recordAudit(tx, { districtId, actorId, action: "student.rollup", entityType: "data_import", entityId: run.id, details: { startYear, rows: values.length, district } });
  });
  return { rows: values.length };
}

const measureLabels: Record<string, string> = {
  "chronic-absenteeism-rate": "Chronic absenteeism",
  "course-failure-rate": "Failing one or more courses",
  "connectedness-favourable": "Has an adult who cares",
};

/** The school's current rates per term for all students, small cells hidden. Aggregates only: no access log entry. */
export async function schoolRates(db: Database, actor: Actor, schoolId: string, startYear: number) {
  await schoolFor(db, actor, schoolId, "student:read");
  const [district] = await db.select({ minCellSize: districts.minCellSize }).from(districts).where(eq(districts.id, actor.districtId));
  const rows = await db
    .select({ term: observations.term, slug: measures.slug, n: observations.n, value: observations.value })
    .from(observations)
    .innerJoin(measures, eq(measures.id, observations.measureId))
    .innerJoin(studentGroups, eq(studentGroups.id, observations.studentGroupId))
    .where(
      and(
        eq(observations.districtId, actor.districtId),
        eq(observations.schoolId, schoolId),
        eq(observations.startYear, startYear),
        eq(observations.grade, "all"),
        eq(studentGroups.slug, "all"),
        isNull(observations.replacedByImportId),
        inArray(measures.slug, [...rollupMeasures]),
      ),
    );
  const terms = (["fall", "winter", "spring"] as const).filter((t) => rows.some((r) => r.term === t));
  return {
    minCellSize: district.minCellSize,
    terms,
    measures: rollupMeasures.map((slug) => ({
      slug,
      label: measureLabels[slug],
      byTerm: terms.map((term) => {
        const row = rows.find((r) => r.term === term && r.slug === slug);
        if (!row) return { term, display: null };
        // The one suppression function: a rate about fewer than the district's minimum reads "fewer than N
        // students", and rates near 0 or 100 % read as a band, exactly as on the data pages.
        const [cell] = suppressSmallCells({ unit: "percent", cells: [{ key: term, n: row.n, value: row.value }], partitions: [] }, district.minCellSize);
        return { term, display: cell.display };
      }),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Export, deletion, retention, the access log

/** One student's whole record as CSV, for a request from the family; written to the access log. */
export async function exportStudentRecord(db: Database, actor: Actor, studentId: string) {
  const record = await getStudentRecord(db, actor, studentId, "export on request");
  const [student] = await db.select({ localId: students.localId }).from(students).where(eq(students.id, studentId));
  const rows: (string | number | null)[][] = [
    ["student", "", "name", record.student.name],
    ["student", "", "student id", student.localId],
    ["student", "", "school", record.student.schoolName],
    ["student", "", "grade", record.student.grade],
    ["student", "", "groups", record.student.groups.join("; ")],
  ];
  for (const w of record.weeks) {
    rows.push(["week", w.weekOf, "days enrolled", w.daysEnrolled], ["week", w.weekOf, "days absent", w.daysAbsent], ["week", w.weekOf, "courses failing", w.coursesFailing], ["week", w.weekOf, "behaviour incidents", w.behaviourIncidents]);
    if (w.selScore !== null) rows.push(["week", w.weekOf, "SEL score", w.selScore]);
    if (w.trustedAdult !== null) rows.push(["week", w.weekOf, "has a trusted adult", w.trustedAdult ? "yes" : "no"]);
  }
  for (const n of record.notes) rows.push(["note", n.createdAt.toISOString().slice(0, 10), n.author ?? "", n.body]);
  for (const p of record.plans) {
    rows.push(["plan", p.startDate, p.name, `goal: ${p.goal}; owner: ${p.ownerName ?? ""}${p.endDate ? `; ended ${p.endDate}: ${p.outcome ?? ""} ${p.outcomeNote}` : ""}`]);
    for (const c of p.checkIns) rows.push(["check-in", c.weekOf, `${p.name}: progress ${c.rating} of 4`, c.note]);
  }
  for (const a of record.adults) rows.push(["trusted adult", a.markedAt.toISOString().slice(0, 10), "named by", a.name]);
  await db.transaction(async (tx) => {
    await logAccess(tx, actor, { schoolId: record.student.schoolId, studentId, kind: "export", context: "export of the whole record on request" });
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.export", entityType: "student", entityId: studentId, details: {} });
  });
  return { csv: toCsv(["section", "date", "field", "value"], rows), fileName: `student-record-${studentId.slice(0, 8)}.csv` };
}

/** Deletes one student's record and everything hanging from it; the access log keeps only the opaque id. */
export async function deleteStudentRecord(db: Database, actor: Actor, studentId: string, ip?: string) {
  await db.transaction(async (tx) => {
    const student = await studentFor(tx, actor, studentId, "student:delete");
    await tx.delete(students).where(and(eq(students.id, studentId), eq(students.districtId, actor.districtId)));
    await bumpDataRevision(tx, [student.schoolId]);
    await logAccess(tx, actor, { schoolId: student.schoolId, studentId, kind: "delete", context: "record deleted on request" });
    await recordAudit(tx, { districtId: actor.districtId, actorId: actor.id, action: "student.delete", entityType: "student", entityId: studentId, details: { schoolId: student.schoolId }, ip });
    return student;
  });
}

/**
 * Applies every district's retention: a student whose last school year ended (30 June) more than the district's
 * retention months ago is deleted with all their records. Returns what was deleted per district.
 */
export async function applyRetention(db: Database, now = new Date()) {
  const due = await rowsOf<{ id: string; district_id: string; school_id: string }>(
    db,
    sql`select s.id, s.district_id, s.school_id from student s
        left join district_student_settings d on d.district_id = s.district_id
        where make_date(s.last_start_year + 1, 6, 30) + make_interval(months => coalesce(d.retention_months, 12)::int) < ${now.toISOString()}::timestamptz`,
  );
  const byDistrict = new Map<string, string[]>();
  for (const r of due) byDistrict.set(r.district_id, [...(byDistrict.get(r.district_id) ?? []), r.id]);
  const schoolsOf = (districtId: string) => due.filter((r) => r.district_id === districtId).map((r) => r.school_id);
  const summary: { districtId: string; deleted: number }[] = [];
  for (const [districtId, ids] of byDistrict) {
    await db.transaction(async (tx) => {
      for (let i = 0; i < ids.length; i += 1000) await tx.delete(students).where(and(eq(students.districtId, districtId), inArray(students.id, ids.slice(i, i + 1000))));
      await bumpDataRevision(tx, schoolsOf(districtId));
      await logAccess(tx, null, { districtId, schoolId: null, kind: "retention", context: `retention: ${ids.length} student record${ids.length === 1 ? "" : "s"} deleted` });
      await recordAudit(tx, { districtId, actorId: null, action: "student.retention", entityType: "district", entityId: districtId, details: { deleted: ids.length } });
    });
    summary.push({ districtId, deleted: ids.length });
  }
  return summary;
}

export async function listAccessLog(db: Database, actor: Actor, options: { before?: Date; limit?: number } = {}) {
  requirePermission(actor, "student:access-log", { districtId: actor.districtId });
  const limit = options.limit ?? 100;
  const rows = await db
    .select({
      id: studentAccessLog.id,
      at: studentAccessLog.at,
      kind: studentAccessLog.kind,
      context: studentAccessLog.context,
      studentId: studentAccessLog.studentId,
      schoolId: studentAccessLog.schoolId,
      actorName: users.name,
      schoolName: schools.name,
      givenName: students.givenName,
      familyName: students.familyName,
    })
    .from(studentAccessLog)
    .leftJoin(users, eq(users.id, studentAccessLog.actorId))
    .leftJoin(schools, eq(schools.id, studentAccessLog.schoolId))
    .leftJoin(students, and(eq(students.id, studentAccessLog.studentId), eq(students.districtId, actor.districtId)))
    .where(and(eq(studentAccessLog.districtId, actor.districtId), options.before ? lte(studentAccessLog.at, options.before) : undefined))
    .orderBy(desc(studentAccessLog.at))
    .limit(limit + 1);
  return {
    entries: rows.slice(0, limit).map((r) => ({
      id: r.id,
      at: r.at,
      kind: r.kind,
      context: r.context,
      actorName: r.actorName ?? "Cyclekeeper",
      schoolName: r.schoolName,
      // A name only for a lead who may read that school's records; otherwise the opaque reference.
      student: r.studentId
        ? r.givenName && can(actor, "student:read", { districtId: actor.districtId, schoolId: r.schoolId })
          ? { ref: r.studentId.slice(0, 8), name: `${r.givenName} ${r.familyName}`, id: r.studentId }
          : { ref: r.studentId.slice(0, 8), name: null, id: null }
        : null,
    })),
    more: rows.length > limit ? rows[limit].at : null,
  };
}


