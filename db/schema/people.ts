// People, their role in a district, the schools they serve, sessions, invites and sign-in throttling.
import { relations, sql } from "drizzle-orm";
import { boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { districts, schools } from "./tenancy";

export const role = pgEnum("role", ["district_lead", "district_team", "school_team", "board"]);
export const userStatus = pgEnum("user_status", ["invited", "active", "deactivated"]);

export const users = pgTable(
  "app_user",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: role("role").notNull(),
    // Explicit grant for district roles to see student-level records (school teams see their own school's).
    studentRecords: boolean("student_records").notNull().default(false),
    status: userStatus("status").notNull().default("invited"),
    passwordHash: text("password_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("app_user_email_uq").on(sql`lower(${t.email})`), index("app_user_district_idx").on(t.districtId)],
);

export const schoolMemberships = pgTable(
  "school_membership",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    schoolId: uuid("school_id")
      .notNull()
      .references(() => schools.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.schoolId] }), index("school_membership_school_idx").on(t.schoolId)],
);

export const sessions = pgTable(
  "session",
  {
    // SHA-256 of the cookie token: a stolen database row cannot be replayed as a cookie.
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("session_user_idx").on(t.userId)],
);

export const invites = pgTable(
  "invite",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("invite_user_idx").on(t.userId)],
);

export const signInThrottle = pgTable("sign_in_throttle", {
  // "ip:<addr>" or "pair:<email>|<addr>"
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull().defaultNow(),
  blockedUntil: timestamp("blocked_until", { withTimezone: true }),
});

export const userRelations = relations(users, ({ one, many }) => ({
  district: one(districts, { fields: [users.districtId], references: [districts.id] }),
  schoolMemberships: many(schoolMemberships),
  sessions: many(sessions),
}));
export const schoolMembershipRelations = relations(schoolMemberships, ({ one }) => ({
  user: one(users, { fields: [schoolMemberships.userId], references: [users.id] }),
  school: one(schools, { fields: [schoolMemberships.schoolId], references: [schools.id] }),
}));
export const sessionRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));
