// Student support: the only student-level records in Cyclekeeper — roster, weekly indicators, notes, interventions with
// weekly check-ins, staff relationships — plus the access log every view and export of them writes, and the district's
// thresholds and retention. Every row carries its district (and school where it has one) so each query is scoped.
import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./people";
import { districts, schools } from "./tenancy";

/** One student on a school's roster. `id` is the opaque id used in URLs; `local_id` is the district's id and never leaves the page. */
export const students = pgTable(
  "student",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    schoolId: uuid("school_id")
      .notNull()
      .references(() => schools.id, { onDelete: "cascade" }),
    localId: text("local_id").notNull(),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    /** "K", "1" … "12". */
    grade: text("grade").notNull(),
    /** Slugs of student groups (catalog or the district's own), for the roll-up's breakdowns. */
    groups: jsonb("groups").$type<string[]>().notNull().default([]),
    /** The latest school year (its start year) the student was on a roster: retention counts from that year's end. */
    lastStartYear: integer("last_start_year").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("student_district_local_uq").on(t.districtId, t.localId), index("student_school_idx").on(t.schoolId, t.familyName, t.givenName)],
);

/**
 * A student's indicators for one week. Attendance is cumulative for the year so far (as student information systems
 * report it); behaviour incidents are those of the week; SEL and connectedness are the latest answers, when there are any.
 */
export const indicatorWeeks = pgTable(
  "indicator_week",
  {
    studentId: uuid("student_id")
      .notNull()
      .references(() => students.id, { onDelete: "cascade" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    schoolId: uuid("school_id")
      .notNull()
      .references(() => schools.id, { onDelete: "cascade" }),
    startYear: integer("start_year").notNull(),
    /** The Monday of the week. */
    weekOf: date("week_of").notNull(),
    daysEnrolled: smallint("days_enrolled").notNull(),
    daysAbsent: smallint("days_absent").notNull(),
    coursesFailing: smallint("courses_failing").notNull().default(0),
    behaviourIncidents: smallint("behaviour_incidents").notNull().default(0),
    selScore: numeric("sel_score", { mode: "number" }),
    /** "I have an adult at school who cares about me": true agrees, false disagrees, null not asked. */
    trustedAdult: boolean("trusted_adult"),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.weekOf] }),
    index("indicator_week_school_idx").on(t.schoolId, t.weekOf),
    // The survey weeks that carry SEL and connectedness answers forward: a few of a year's weeks.
    index("indicator_week_survey_idx").on(t.schoolId, t.weekOf).where(sql`${t.selScore} is not null or ${t.trustedAdult} is not null`),
    check("indicator_week_days", sql`${t.daysAbsent} >= 0 and ${t.daysEnrolled} >= ${t.daysAbsent}`),
  ],
);

/** Notes that explain the why behind the numbers. */
export const studentNotes = pgTable(
  "student_note",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    studentId: uuid("student_id")
      .notNull()
      .references(() => students.id, { onDelete: "cascade" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("student_note_student_idx").on(t.studentId, t.createdAt)],
);

/** The district's menu of interventions a school team picks from. */
export const interventionCatalog = pgTable(
  "intervention_catalog",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    /** A stable key, made from the name when the item is added and kept when it is renamed: the starter catalog finds its items by it. */
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** False once retired: no longer offered for new plans, still named on every plan that used it. */
    active: boolean("active").notNull().default(true),
    sortOrder: integer("sort_order").notNull().default(0),
    /** Bumped by every edit, retirement and return, so a form opened before someone else's save cannot overwrite it. */
    version: integer("version").notNull().default(1),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("intervention_catalog_slug_uq").on(t.districtId, t.slug)],
);

export const interventionOutcome = pgEnum("intervention_outcome", ["goal_met", "progress", "no_progress", "discontinued"]);

/** One plan for one student: what, who owns it, from when, the goal, and how it ended. */
export const interventions = pgTable(
  "intervention",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    studentId: uuid("student_id")
      .notNull()
      .references(() => students.id, { onDelete: "cascade" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    schoolId: uuid("school_id")
      .notNull()
      .references(() => schools.id, { onDelete: "cascade" }),
    catalogId: uuid("catalog_id")
      .notNull()
      .references(() => interventionCatalog.id),
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    startDate: date("start_date").notNull(),
    goal: text("goal").notNull(),
    endDate: date("end_date"),
    outcome: interventionOutcome("outcome"),
    outcomeNote: text("outcome_note").notNull().default(""),
    version: integer("version").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("intervention_student_idx").on(t.studentId), index("intervention_school_open_idx").on(t.schoolId).where(sql`${t.endDate} is null`)],
);

/** A weekly check-in on a plan: progress 1 (none) to 4 (goal reached), and a note. */
export const checkIns = pgTable(
  "check_in",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    interventionId: uuid("intervention_id")
      .notNull()
      .references(() => interventions.id, { onDelete: "cascade" }),
    weekOf: date("week_of").notNull(),
    rating: smallint("rating").notNull(),
    note: text("note").notNull().default(""),
    recordedBy: uuid("recorded_by").references(() => users.id, { onDelete: "set null" }),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("check_in_week_uq").on(t.interventionId, t.weekOf), check("check_in_rating", sql`${t.rating} between 1 and 4`)],
);

/**
 * A staff member's mark that they have a strong relationship with a student. Unmarking sets `ended_at` rather than
 * deleting, so the school can see how the number of students with no adult named changes over the year.
 */
export const relationships = pgTable(
  "relationship",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    studentId: uuid("student_id")
      .notNull()
      .references(() => students.id, { onDelete: "cascade" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    schoolId: uuid("school_id")
      .notNull()
      .references(() => schools.id, { onDelete: "cascade" }),
    staffId: uuid("staff_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    markedAt: timestamp("marked_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("relationship_current_uq").on(t.staffId, t.studentId).where(sql`${t.endedAt} is null`),
    index("relationship_school_idx").on(t.schoolId),
  ],
);

export const studentAccessKind = pgEnum("student_access_kind", ["view", "list", "export", "import", "delete", "retention"]);

/**
 * Who looked at or took out which student-level records, when, and in what context. No foreign key to the student:
 * the entry outlives a deleted record (and holds no name, so deletion still removes the person's data).
 */
export const studentAccessLog = pgTable(
  "student_access_log",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    schoolId: uuid("school_id").references(() => schools.id, { onDelete: "set null" }),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    /** Null for views of many students at once (kind "list": the weekly meeting, the relationship map), imports and retention runs. */
    studentId: uuid("student_id"),
    kind: studentAccessKind("kind").notNull(),
    /** Why: the page or command, e.g. "student page", "weekly meeting 2026-11-30 (12 students)". */
    context: text("context").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("student_access_log_district_at_idx").on(t.districtId, t.at), index("student_access_log_student_idx").on(t.studentId)],
);

/** The district's thresholds for the weekly indicators and how long student-level records are kept. */
export const districtStudentSettings = pgTable("district_student_settings", {
  districtId: uuid("district_id")
    .primaryKey()
    .references(() => districts.id, { onDelete: "cascade" }),
  /** Chronically absent at or above this % of enrolled days so far. */
  absencePercent: numeric("absence_percent", { mode: "number" }).notNull().default(10),
  /** Flag at this many failing courses or more. */
  failingCourses: smallint("failing_courses").notNull().default(1),
  /** Flag when incidents over the last four weeks exceed this. */
  behaviourIncidents: smallint("behaviour_incidents").notNull().default(2),
  /** Flag an SEL competency score below this benchmark (1–5 scale). */
  selBenchmark: numeric("sel_benchmark", { mode: "number" }).notNull().default(3),
  /** Student-level records are deleted this many months after the end (30 June) of the student's last school year. */
  retentionMonths: smallint("retention_months").notNull().default(12),
  version: integer("version").notNull().default(1),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Bumped whenever a school's indicators can have changed (an import, a deletion, a retention run), so the weekly
 * meeting's cached summaries know when they are stale (ADR 0023), in every server process.
 */
export const studentDataRevisions = pgTable("student_data_revision", {
  schoolId: uuid("school_id")
    .primaryKey()
    .references(() => schools.id, { onDelete: "cascade" }),
  revision: integer("revision").notNull().default(0),
});
