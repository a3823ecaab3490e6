// Districts and their schools: the tenancy every other table hangs from.
import { relations, sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const schoolLevel = pgEnum("school_level", ["elementary", "middle", "high", "k8", "other"]);

export const districts = pgTable("district", {
  id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  // Smallest group size whose aggregates may be shown; later data views suppress below it.
  minCellSize: integer("min_cell_size").notNull().default(10),
  /** IANA time zone (e.g. "America/Chicago"): the district's "today" for due dates, checkpoints and weeks. */
  timeZone: text("time_zone").notNull().default("UTC"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const schools = pgTable(
  "school",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    level: schoolLevel("level").notNull().default("other"),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("school_district_idx").on(t.districtId),
    uniqueIndex("school_district_name_uq").on(t.districtId, sql`lower(${t.name})`),
  ],
);

export const districtRelations = relations(districts, ({ many }) => ({ schools: many(schools) }));
export const schoolRelations = relations(schools, ({ one }) => ({
  district: one(districts, { fields: [schools.districtId], references: [districts.id] }),
}));
