// Collaborative documents: one action plan per cycle, stored as an append-only log of Yjs updates plus snapshots.
import { sql } from "drizzle-orm";
import { bigint, customType, index, pgTable, primaryKey, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cycles } from "./cycles";
import { users } from "./people";
import { districts } from "./tenancy";

/** Raw bytes. PGlite hands back Uint8Array and postgres.js a Buffer (a Uint8Array too), so both read the same. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

/** A cycle's action plan; the row only says the document exists and where it belongs, its content is in the log. */
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
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("plan_document_cycle_idx").on(t.cycleId), index("plan_document_district_idx").on(t.districtId)],
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
