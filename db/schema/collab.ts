// Collaborative documents: one action plan per cycle, stored as an append-only log of Yjs updates plus snapshots.
import { sql } from "drizzle-orm";
import { bigint, check, customType, date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cycles } from "./cycles";
import { users } from "./people";
import { reflectionMeetings } from "./reflections";
import { districts } from "./tenancy";

/** Raw bytes. PGlite hands back Uint8Array and postgres.js a Buffer (a Uint8Array too), so both read the same. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

export const documentKind = pgEnum("document_kind", ["action_plan", "meeting_notes", "report"]);

/** A collaborative document of a cycle (its action plan, a meeting's notes or a stakeholder report); the row only says the document exists and where it belongs, its content is in the log. */
export const planDocuments = pgTable(
  "plan_document",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    cycleId: uuid("cycle_id")
      .notNull()
      .references(() => cycles.id, { onDelete: "cascade" }),
    /** What the document is: a cycle's one action plan, or the shared notes of a reflection meeting. */
    kind: documentKind("kind").notNull().default("action_plan"),
    meetingId: uuid("meeting_id").references(() => reflectionMeetings.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("plan_document_cycle_idx").on(t.cycleId).where(sql`${t.kind} = 'action_plan'`),
    uniqueIndex("plan_document_meeting_idx").on(t.meetingId),
    index("plan_document_district_idx").on(t.districtId),
    check("plan_document_kind_owner", sql`(${t.kind} = 'meeting_notes') = (${t.meetingId} is not null)`),
  ],
);

/**
 * Every accepted Yjs update, in the order the server applied it. `seq` is assigned by the server, one
 * document at a time, so (document_id, seq) is the log's order and its primary key.
 */
export const docUpdates = pgTable(
  "doc_update",
  {
    documentId: uuid("document_id")
      .notNull()
      .references(() => planDocuments.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    update: bytea("update").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** The Yjs client id that made the change, for "who changed what" later. */
    clientId: bigint("client_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.seq] })],
);

/** The whole document state as of `seq` (every update with seq ≤ it merged); loading starts from the newest one. */
export const docSnapshots = pgTable(
  "doc_snapshot",
  {
    documentId: uuid("document_id")
      .notNull()
      .references(() => planDocuments.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    state: bytea("state").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.seq] })],
);

export const docVersionKind = pgEnum("doc_version_kind", ["named", "daily"]);

/**
 * A version of a document kept for good: named ones saved by people ("Approved by board, May 2027") and one daily
 * version per day that had changes (its end-of-day state). A table of its own, because compaction deletes log rows
 * and older snapshots and must never take a version with them.
 */
export const docVersions = pgTable(
  "doc_version",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    documentId: uuid("document_id")
      .notNull()
      .references(() => planDocuments.id, { onDelete: "cascade" }),
    kind: docVersionKind("kind").notNull(),
    /** A named version's name; null for daily versions. */
    name: text("name"),
    /** The UTC day a daily version ends; null for named versions. */
    day: date("day", { mode: "string" }),
    /** The whole document as one Yjs update. */
    state: bytea("state").notNull(),
    /** The highest log seq the state covers. */
    seq: bigint("seq", { mode: "number" }).notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("doc_version_document_day_idx").on(t.documentId, t.day),
    index("doc_version_document_created_idx").on(t.documentId, t.createdAt),
    check(
      "doc_version_kind_fields",
      sql`(${t.kind} = 'named' and ${t.name} is not null and ${t.day} is null) or (${t.kind} = 'daily' and ${t.day} is not null and ${t.name} is null)`,
    ),
  ],
);

/**
 * Who changed a document and when, for the log rows compaction has deleted: one row per person and UTC day per
 * compaction, summed when read. Compaction writes it in the transaction that deletes the rows it sums, so the
 * append path pays nothing and a row is always counted exactly once (here or in the log).
 */
export const docActivity = pgTable(
  "doc_activity",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    documentId: uuid("document_id")
      .notNull()
      .references(() => planDocuments.id, { onDelete: "cascade" }),
    /** Null for changes by Cyclekeeper itself (the template a plan starts from). */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    day: date("day", { mode: "string" }).notNull(),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
    changes: integer("changes").notNull(),
  },
  (t) => [index("doc_activity_document_day_idx").on(t.documentId, t.day)],
);
