// Stakeholder reports: the district's profile they start from, report drafts (collaborative documents), their
// reviewers and comments, and the immutable versions published for the board and families.
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { bytea, planDocuments } from "./collab";
import { cycles } from "./cycles";
import { users } from "./people";
import { districts, schools } from "./tenancy";

export interface ProfileMilestone {
  /** The school year's first calendar year (2019 for 2019–20). */
  startYear: number;
  text: string;
}

/**
 * What a district says about its SEL work, kept by the lead and carried from year to year: every annual report's
 * first section starts from it. One row per district.
 */
export const districtProfiles = pgTable("district_profile", {
  districtId: uuid("district_id")
    .primaryKey()
    .references(() => districts.id, { onDelete: "cascade" }),
  /** "What SEL is here": the district's own definition and why it matters to it. */
  selStatement: text("sel_statement").notNull().default(""),
  /** The history of the district's commitment, in its words. */
  history: text("history").notNull().default(""),
  milestones: jsonb("milestones").$type<ProfileMilestone[]>().notNull().default([]),
  version: integer("version").notNull().default(1),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const reportAudience = pgEnum("report_audience", ["board", "families", "staff"]);
/** draft → in_review → published; a published report may be republished (a new version) or retracted. */
export const reportState = pgEnum("report_state", ["draft", "in_review", "published", "retracted"]);

/** A stakeholder report of a cycle (district or school): its draft lives in a collaborative document. */
export const reports = pgTable(
  "report",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    cycleId: uuid("cycle_id")
      .notNull()
      .references(() => cycles.id, { onDelete: "cascade" }),
    /** The cycle's school, copied so every query can scope by school without a join; null for the district's reports. */
    schoolId: uuid("school_id").references(() => schools.id, { onDelete: "cascade" }),
    documentId: uuid("document_id")
      .notNull()
      .unique()
      .references(() => planDocuments.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** The public address's last part: /r/<district-slug>/<slug>. Unique in the district, fixed once published. */
    slug: text("slug").notNull(),
    audience: reportAudience("audience").notNull(),
    /** BCP 47 language tag of the text ("en", "es"): the public page's lang. */
    language: text("language").notNull().default("en"),
    /** Language versions of one report share a group: the first report's id. */
    translationGroupId: uuid("translation_group_id").notNull(),
    state: reportState("state").notNull().default("draft"),
    version: integer("version").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("report_district_slug_idx").on(t.districtId, t.slug),
    uniqueIndex("report_group_language_idx").on(t.translationGroupId, t.language),
    index("report_cycle_idx").on(t.cycleId),
    check("report_slug_format", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
  ],
);

/** People named to read and comment on a report while it is in review (board members may always). */
export const reportReviewers = pgTable(
  "report_reviewer",
  {
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    addedBy: uuid("added_by").references(() => users.id, { onDelete: "set null" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.userId] }), index("report_reviewer_user_idx").on(t.userId)],
);

/** A reviewer's or author's comment on a report draft, optionally quoting the passage it is about. */
export const reportComments = pgTable(
  "report_comment",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    quote: text("quote").notNull().default(""),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("report_comment_report_idx").on(t.reportId, t.createdAt)],
);

/**
 * One published version of a report, never updated except to mark it superseded or retracted: the sanitised HTML
 * the public page serves, the document with its data blocks frozen, and the PDF made from the same content.
 */
export const publishedReports = pgTable(
  "published_report",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    /** 1, 2, … per report. */
    versionNumber: integer("version_number").notNull(),
    title: text("title").notNull(),
    slug: text("slug").notNull(),
    language: text("language").notNull(),
    audience: reportAudience("audience").notNull(),
    /** The sanitised body HTML the public page serves. */
    html: text("html").notNull(),
    /** The document as published: every data block carries its frozen numbers. */
    content: jsonb("content").notNull(),
    /** Strong validator of what the public page serves for this version. */
    etag: text("etag").notNull(),
    pdf: bytea("pdf"),
    publishedBy: uuid("published_by").references(() => users.id, { onDelete: "set null" }),
    publishedAt: timestamp("published_at", { withTimezone: true }).notNull().defaultNow(),
    supersededAt: timestamp("superseded_at", { withTimezone: true }),
    retractedAt: timestamp("retracted_at", { withTimezone: true }),
    retractedBy: uuid("retracted_by").references(() => users.id, { onDelete: "set null" }),
    retractReason: text("retract_reason"),
  },
  (t) => [
    uniqueIndex("published_report_version_idx").on(t.reportId, t.versionNumber),
    index("published_report_district_idx").on(t.districtId, t.publishedAt),
    check("published_report_retraction", sql`(${t.retractedAt} is null) = (${t.retractReason} is null)`),
  ],
);
