// Outcome data: imported aggregated results (one row per school × term × grade × student group × measure), the
// imports they came from, the student groups they are reported by, and benchmarks to read them against.
import { sql } from "drizzle-orm";
import { type AnyPgColumn, check, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { measures } from "./cycles";
import { users } from "./people";
import { districts, schools } from "./tenancy";

/**
 * The terms a school year is reported in. Fall, winter and spring line up with the cycle's baseline, mid-year and
 * end-of-year checkpoints; "year" is a whole-year figure (chronic absenteeism, course failure).
 */
export const dataTerm = pgEnum("data_term", ["fall", "winter", "spring", "year"]);

/**
 * How results are broken down. Groups of one category (other than "custom") are meant to partition all students,
 * which is what complementary suppression relies on.
 */
export const studentGroupCategory = pgEnum("student_group_category", [
  "all",
  "gender",
  "race_ethnicity",
  "english_learner",
  "disability",
  "economic",
  "custom",
]);

/** Catalog groups have no district; a district adds its own. */
export const studentGroups = pgTable(
  "student_group",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id").references(() => districts.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    category: studentGroupCategory("category").notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
    // A district's own group is renamed at the version its form showed; catalog groups stay at 1.
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("student_group_scope_slug_uq").on(sql`coalesce(${t.districtId}::text, '')`, t.slug)],
);

export const dataImportStatus = pgEnum("data_import_status", ["committed", "undone"]);

/** One confirmed upload: who, when, which file, how many rows, and whether it has been undone. */
export const dataImports = pgTable(
  "data_import",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    fileName: text("file_name").notNull(),
    rowCount: integer("row_count").notNull(),
    /** The slices (school, year, term, measure) the import replaced, for the history page and for undo. */
    slices: jsonb("slices").$type<{ schoolId: string | null; startYear: number; term: string; measureId: string; rows: number }[]>().notNull().default([]),
    status: dataImportStatus("status").notNull().default("committed"),
    importedBy: uuid("imported_by").references(() => users.id, { onDelete: "set null" }),
    importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
    undoneBy: uuid("undone_by").references(() => users.id, { onDelete: "set null" }),
    undoneAt: timestamp("undone_at", { withTimezone: true }),
  },
  (t) => [index("data_import_district_idx").on(t.districtId, t.importedAt)],
);

/**
 * One aggregated result. Rows are never updated: a later import of the same slice marks them replaced, so undoing
 * that import can bring them back. The current data is every row with `replaced_by_import_id` null.
 */
export const observations = pgTable(
  "observation",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    importId: uuid("import_id")
      .notNull()
      .references(() => dataImports.id, { onDelete: "cascade" }),
    replacedByImportId: uuid("replaced_by_import_id").references((): AnyPgColumn => dataImports.id, { onDelete: "set null" }),
    /** Null for a district-wide result. */
    schoolId: uuid("school_id").references(() => schools.id, { onDelete: "cascade" }),
    startYear: integer("start_year").notNull(),
    term: dataTerm("term").notNull(),
    /** "all", "K", "1" … "12". */
    grade: text("grade").notNull(),
    studentGroupId: uuid("student_group_id")
      .notNull()
      .references(() => studentGroups.id),
    measureId: uuid("measure_id")
      .notNull()
      .references(() => measures.id),
    n: integer("n").notNull(),
    value: numeric("value", { mode: "number" }).notNull(),
  },
  (t) => [
    uniqueIndex("observation_current_uq")
      .on(sql`coalesce(${t.schoolId}::text, '')`, t.districtId, t.startYear, t.term, t.grade, t.studentGroupId, t.measureId)
      .where(sql`${t.replacedByImportId} is null`),
    index("observation_slice_idx").on(t.districtId, t.measureId, t.startYear, t.term),
    index("observation_import_idx").on(t.importId),
    index("observation_replaced_idx").on(t.replacedByImportId),
    check("observation_n_nonnegative", sql`${t.n} >= 0`),
  ],
);

export const benchmarkKind = pgEnum("benchmark_kind", ["benchmark", "target"]);

/** A value to read a measure against, per grade band: a provider's benchmark (with its source) or a district target. */
export const benchmarks = pgTable(
  "benchmark",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    measureId: uuid("measure_id")
      .notNull()
      .references(() => measures.id, { onDelete: "cascade" }),
    kind: benchmarkKind("kind").notNull(),
    /** "all", "K-2", "3-5", "6-8" or "9-12". */
    gradeBand: text("grade_band").notNull(),
    value: numeric("value", { mode: "number" }).notNull(),
    source: text("source").notNull().default(""),
    version: smallint("version").notNull().default(1),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("benchmark_measure_band_kind_uq").on(t.districtId, t.measureId, t.kind, t.gradeBand)],
);

/**
 * An uploaded file waiting between upload, column mapping, preview and confirmation. In the database rather than on
 * an instance's disk, so the confirmation may reach any instance behind a load balancer (ADR 0019). The token itself
 * is never stored, only its SHA-256, so a database reader cannot act as the uploader.
 */
export const importUploads = pgTable(
  "import_upload",
  {
    tokenHash: text("token_hash").primaryKey(),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    fileName: text("file_name").notNull(),
    encoding: text("encoding").notNull(),
    bytes: integer("bytes").notNull(),
    text: text("text").notNull(),
    /** The heading row, read at upload and cut for display, so the mapping step never reads the file (ADR 0039). */
    headers: jsonb("headers").$type<string[]>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("import_upload_created_idx").on(t.createdAt)],
);

/** Where a check stands: reading and checking rows, done, or the file could not be read. */
export type ImportCheckStatus = "checking" | "checked" | "unreadable" | "failed";

/**
 * One check of a staged upload with one column mapping, run once in the background (ADR 0039): its progress while it
 * runs, then what the preview shows (counts, a sample, the file's headings); its rows and errors are in
 * `import_check_part`. Goes with its upload.
 */
export const importChecks = pgTable(
  "import_check",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash")
      .notNull()
      .references(() => importUploads.tokenHash, { onDelete: "cascade" }),
    /** The mapping as a key: each field's heading index, comma-separated, empty for none. */
    mapping: text("mapping").notNull(),
    status: text("status").$type<ImportCheckStatus>().notNull().default("checking"),
    charsDone: integer("chars_done").notNull().default(0),
    charsTotal: integer("chars_total").notNull().default(0),
    rowsDone: integer("rows_done").notNull().default(0),
    /** When the check finished: counts, sample rows, the ids its stored rows refer to by position. */
    summary: jsonb("summary"),
    /** Why the file could not be read, or why the check stopped. */
    error: text("error"),
    /** Written as the check runs; a check whose heartbeat stops (its process died) is started again. */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("import_check_upload_mapping_uq").on(t.tokenHash, t.mapping)],
);

/**
 * A check's results in numbered parts: the checked rows ("rows", compact JSON) and every error ("errors"), so the
 * preview pages through errors and the confirmation reads rows without reading or checking the file again.
 */
export const importCheckParts = pgTable(
  "import_check_part",
  {
    checkId: uuid("check_id")
      .notNull()
      .references(() => importChecks.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"rows" | "errors">().notNull(),
    seq: integer("seq").notNull(),
    count: integer("count").notNull(),
    payload: text("payload").notNull(),
  },
  (t) => [primaryKey({ columns: [t.checkId, t.kind, t.seq] })],
);
