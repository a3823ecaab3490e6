// People, their membership and role in each district, the schools they serve, sessions, invites and sign-in throttling.
import { relations, sql } from "drizzle-orm";
import { boolean, foreignKey, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { districts, schools } from "./tenancy";

export const role = pgEnum("role", ["district_lead", "district_team", "school_team", "board"]);
export const userStatus = pgEnum("user_status", ["invited", "active", "deactivated"]);

/**
 * Who someone is across the installation: the email they sign in with and their one password. Belongs to no
 * district, so nothing a district does to its own membership (ADR 0035) reaches another district.
 */
export const persons = pgTable(
  "person",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    email: text("email").notNull(),
    // Null until the person accepts their first invitation.
    passwordHash: text("password_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // (id, email) is unique only so a membership's copy of the email can reference it (and follow any change).
  (t) => [uniqueIndex("person_email_uq").on(sql`lower(${t.email})`), unique("person_id_email_uq").on(t.id, t.email)],
);

/**
 * A person's membership of one district: their name there, role, status and grants. Its id is what every other
 * table means by "who" (always within this district), so a session, an audit event or a score names a membership.
 */
export const users = pgTable(
  "app_user",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    personId: uuid("person_id").notNull(),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    // The person's email, copied so district queries need no join; the foreign key below keeps it equal.
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: role("role").notNull(),
    // Explicit grant for district roles to see student-level records (school teams see their own school's).
    studentRecords: boolean("student_records").notNull().default(false),
    status: userStatus("status").notNull().default("invited"),
    // When the person first became active in this district (accepted the invitation): reactivation returns here.
    joinedAt: timestamp("joined_at", { withTimezone: true }),
    // When the person last signed in to or switched to this district: where the next sign-in lands.
    lastEnteredAt: timestamp("last_entered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
  },
  (t) => [
    foreignKey({ name: "app_user_person_fk", columns: [t.personId, t.email], foreignColumns: [persons.id, persons.email] })
      .onDelete("cascade")
      .onUpdate("cascade"),
    uniqueIndex("app_user_person_district_uq").on(t.personId, t.districtId),
    index("app_user_district_idx").on(t.districtId),
  ],
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

export const personRelations = relations(persons, ({ many }) => ({
  memberships: many(users),
}));
export const userRelations = relations(users, ({ one, many }) => ({
  person: one(persons, { fields: [users.personId], references: [persons.id] }),
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
