// Reflection on data: protocol templates, the meetings that use them, their answers and findings.
import { sql } from "drizzle-orm";
import { date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { checkpoint, cycles, goals, rubricItems, rubricScores } from "./cycles";
import { users } from "./people";
import { districts } from "./tenancy";

export interface ProtocolQuestion {
  /** Stable within the protocol, so answers keep pointing at their question when the wording is edited. */
  id: string;
  text: string;
}

/** A district's reflection protocol: guiding questions and the data views to look at while answering them. */
export const reflectionProtocols = pgTable(
  "reflection_protocol",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    purpose: text("purpose").notNull().default(""),
    questions: jsonb("questions").$type<ProtocolQuestion[]>().notNull(),
    /** Keys of the data views the protocol points to (e.g. "benchmark", "groups", "trend", "goals"). */
    dataViews: jsonb("data_views").$type<string[]>().notNull().default([]),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("reflection_protocol_district_idx").on(t.districtId)],
);

export const stakeholderGroup = pgEnum("stakeholder_group", ["students", "families", "staff", "community_partners", "board"]);

/** A data-reflection meeting in a cycle. The protocol's questions are copied in, so editing the protocol later never rewrites a past meeting. */
export const reflectionMeetings = pgTable(
  "reflection_meeting",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    cycleId: uuid("cycle_id")
      .notNull()
      .references(() => cycles.id, { onDelete: "cascade" }),
    protocolId: uuid("protocol_id").references(() => reflectionProtocols.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    checkpoint: checkpoint("checkpoint").notNull(),
    heldOn: date("held_on", { mode: "string" }).notNull(),
    questions: jsonb("questions").$type<ProtocolQuestion[]>().notNull(),
    dataViews: jsonb("data_views").$type<string[]>().notNull().default([]),
    stakeholderGroups: jsonb("stakeholder_groups").$type<string[]>().notNull().default([]),
    /** Who came from outside the app, in words ("six students from the student council"). */
    stakeholderNote: text("stakeholder_note").notNull().default(""),
    version: integer("version").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("reflection_meeting_cycle_idx").on(t.cycleId, t.heldOn)],
);

/** People from the app who took part. */
export const reflectionParticipants = pgTable(
  "reflection_participant",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => reflectionMeetings.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

/** The group's answer to one of the meeting's questions. */
export const reflectionAnswers = pgTable(
  "reflection_answer",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => reflectionMeetings.id, { onDelete: "cascade" }),
    questionId: text("question_id").notNull(),
    answer: text("answer").notNull().default(""),
    version: integer("version").notNull().default(1),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.questionId] })],
);

export const findingKind = pgEnum("finding_kind", ["success", "challenge"]);

/** What the group concluded, tied to a goal or rubric item and to the evidence that shows it. */
export const findings = pgTable(
  "finding",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => reflectionMeetings.id, { onDelete: "cascade" }),
    kind: findingKind("kind").notNull(),
    summary: text("summary").notNull(),
    goalId: uuid("goal_id").references(() => goals.id, { onDelete: "set null" }),
    rubricItemId: uuid("rubric_item_id").references(() => rubricItems.id),
    /** A data view inside Cyclekeeper (a relative path with its filters) and its label. */
    evidenceViewPath: text("evidence_view_path"),
    evidenceLabel: text("evidence_label").notNull().default(""),
    evidenceScoreId: uuid("evidence_score_id").references(() => rubricScores.id, { onDelete: "set null" }),
    version: integer("version").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("finding_meeting_idx").on(t.meetingId)],
);
