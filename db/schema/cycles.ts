// The CASEL cycle: focus areas and key activities (catalog), versioned rubrics, cycles, scores, measures, goals, strategies.
import { relations, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./people";
import { districts, schools } from "./tenancy";

export const cyclePhase = pgEnum("cycle_phase", ["organize", "implement", "improve"]);
export const cycleStatus = pgEnum("cycle_status", ["planning", "active", "closed"]);
export const checkpoint = pgEnum("checkpoint", ["baseline", "midyear", "endyear"]);
export const goalKind = pgEnum("goal_kind", ["implementation", "outcome"]);
export const measureDirection = pgEnum("measure_direction", ["higher_is_better", "lower_is_better"]);
export const measureCategory = pgEnum("measure_category", ["sel_competency", "connectedness", "attendance", "course_failure", "custom"]);
export const mirrorScope = pgEnum("mirror_scope", ["none", "all_schools", "chosen_schools"]);
export const strategyStatus = pgEnum("strategy_status", ["planned", "in_progress", "done", "blocked"]);
// What the team decided about a goal when reflecting on the year: carry it on as is, carry it on changed, or let it go.
// What a reflection decides about a goal for next year: sustain and scale it; keep it with new strategies; change the
// implementation focus (the goal ends); revise it or extend its timeline.
export const goalDecision = pgEnum("goal_decision", ["sustain", "new_strategies", "change_focus", "revise"]);

/** The four focus areas, seeded catalog data shared by every district. */
export const focusAreas = pgTable("focus_area", {
  id: text("id").primaryKey(), // "fa1" … "fa4"
  position: smallint("position").notNull(),
  name: text("name").notNull(),
  summary: text("summary").notNull(),
  phase: cyclePhase("phase").notNull(),
});

export const keyActivities = pgTable("key_activity", {
  id: text("id").primaryKey(), // "fa1.vision" …
  focusAreaId: text("focus_area_id")
    .notNull()
    .references(() => focusAreas.id),
  position: smallint("position").notNull(),
  name: text("name").notNull(),
  summary: text("summary").notNull(),
});

/** A district's rubric at one point in time; a score always points at the version it was given under. */
export const rubricVersions = pgTable(
  "rubric_version",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    note: text("note").notNull().default(""),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Null while the district is still adapting this version; cycles only ever use published versions.
    publishedAt: timestamp("published_at", { withTimezone: true }),
    publishedBy: uuid("published_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("rubric_version_district_number_uq").on(t.districtId, t.number),
    // At most one draft per district.
    uniqueIndex("rubric_version_one_draft_uq").on(t.districtId).where(sql`${t.publishedAt} is null`),
  ],
);

export const rubricItems = pgTable(
  "rubric_item",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    rubricVersionId: uuid("rubric_version_id")
      .notNull()
      .references(() => rubricVersions.id, { onDelete: "cascade" }),
    focusAreaId: text("focus_area_id")
      .notNull()
      .references(() => focusAreas.id),
    // Null for items a district adds beyond the catalog.
    keyActivityId: text("key_activity_id").references(() => keyActivities.id),
    // The same item across rubric versions: copied when a version is adapted, fresh for a new item.
    lineageId: uuid("lineage_id").notNull().default(sql`gen_random_uuid()`),
    position: smallint("position").notNull(),
    title: text("title").notNull(),
    level1: text("level_1").notNull(),
    level2: text("level_2").notNull(),
    level3: text("level_3").notNull(),
    level4: text("level_4").notNull(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    index("rubric_item_version_idx").on(t.rubricVersionId),
    uniqueIndex("rubric_item_version_lineage_uq").on(t.rubricVersionId, t.lineageId),
  ],
);

export const cycles = pgTable(
  "cycle",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "cascade" }),
    // Null for the district's own cycle.
    schoolId: uuid("school_id").references(() => schools.id, { onDelete: "cascade" }),
    // A school's cycle belongs to the district's cycle of the same year.
    districtCycleId: uuid("district_cycle_id").references((): AnyPgColumn => cycles.id, { onDelete: "cascade" }),
    startYear: integer("start_year").notNull(),
    status: cycleStatus("status").notNull().default("planning"),
    phase: cyclePhase("phase").notNull().default("organize"),
    baselineDate: date("baseline_date").notNull(),
    midyearDate: date("midyear_date").notNull(),
    endyearDate: date("endyear_date").notNull(),
    rubricVersionId: uuid("rubric_version_id")
      .notNull()
      .references(() => rubricVersions.id),
    version: integer("version").notNull().default(1),
    // On a district cycle: bumped by every score written in it or its schools' cycles, so a cached roll-up knows it is stale.
    scoreRevision: integer("score_revision").notNull().default(0),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("cycle_district_year_uq").on(t.districtId, t.startYear).where(sql`${t.schoolId} is null`),
    uniqueIndex("cycle_school_year_uq").on(t.schoolId, t.startYear).where(sql`${t.schoolId} is not null`),
    index("cycle_district_cycle_idx").on(t.districtCycleId),
    check("cycle_school_has_parent", sql`(${t.schoolId} is null) = (${t.districtCycleId} is null)`),
  ],
);

export const rubricScores = pgTable(
  "rubric_score",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    cycleId: uuid("cycle_id")
      .notNull()
      .references(() => cycles.id, { onDelete: "cascade" }),
    rubricItemId: uuid("rubric_item_id")
      .notNull()
      .references(() => rubricItems.id),
    checkpoint: checkpoint("checkpoint").notNull(),
    level: smallint("level").notNull(),
    evidence: text("evidence").notNull().default(""),
    evidenceLinks: jsonb("evidence_links").$type<string[]>().notNull().default([]),
    scoredBy: uuid("scored_by").references(() => users.id, { onDelete: "set null" }),
    scoredAt: timestamp("scored_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("rubric_score_cycle_item_checkpoint_uq").on(t.cycleId, t.rubricItemId, t.checkpoint),
    check("rubric_score_level_range", sql`${t.level} between 1 and 4`),
  ],
);

/** What outcome goals are measured by: catalog measures (district null) and a district's own. */
export const measures = pgTable(
  "measure",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    districtId: uuid("district_id").references(() => districts.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    unit: text("unit").notNull(), // "percent" | "mean"
    // What kind of result it is, so the data views know which measures are SEL competencies.
    category: measureCategory("category").notNull().default("custom"),
    // Ties a competency's mean score and its % favourable together (e.g. "self-management"); null otherwise.
    competency: text("competency"),
    direction: measureDirection("direction").notNull(),
    scaleMin: numeric("scale_min", { mode: "number" }).notNull(),
    scaleMax: numeric("scale_max", { mode: "number" }).notNull(),
    // A district's own measure is edited at the version its form showed; catalog measures stay at 1.
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("measure_scope_slug_uq").on(sql`coalesce(${t.districtId}::text, '')`, t.slug)],
);

export const goals = pgTable(
  "goal",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    cycleId: uuid("cycle_id")
      .notNull()
      .references(() => cycles.id, { onDelete: "cascade" }),
    kind: goalKind("kind").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    relevance: text("relevance").notNull().default(""),
    population: text("population").notNull().default(""),
    inclusiveNote: text("inclusive_note").notNull().default(""),
    equityNote: text("equity_note").notNull().default(""),
    // Implementation goals
    rubricItemId: uuid("rubric_item_id").references(() => rubricItems.id),
    targetLevel: smallint("target_level"),
    targetCheckpoint: checkpoint("target_checkpoint"),
    // Outcome goals
    measureId: uuid("measure_id").references(() => measures.id),
    baselineValue: numeric("baseline_value", { mode: "number" }),
    targetValue: numeric("target_value", { mode: "number" }),
    dueDate: date("due_date"),
    mirrorScope: mirrorScope("mirror_scope").notNull().default("none"),
    // The reflection's decision for next year; null until the team decides.
    decision: goalDecision("decision"),
    decisionNote: text("decision_note").notNull().default(""),
    // The reflection meeting the decision was taken in, when it was (no foreign key: the meeting table depends on this one).
    decisionMeetingId: uuid("decision_meeting_id"),
    decidedBy: uuid("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    // Carried forward on a "revise" decision: the wording must be looked at again before the new year starts.
    needsRevision: boolean("needs_revision").notNull().default(false),
    // The goal of the previous cycle this one continues, when it was carried forward.
    carriedFromId: uuid("carried_from_id").references((): AnyPgColumn => goals.id, { onDelete: "set null" }),
    version: integer("version").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("goal_cycle_idx").on(t.cycleId), check("goal_target_level_range", sql`${t.targetLevel} is null or ${t.targetLevel} between 1 and 4`)],
);

/** The schools a district goal is mirrored to when its scope is "chosen schools". */
export const goalSchools = pgTable(
  "goal_school",
  {
    goalId: uuid("goal_id")
      .notNull()
      .references(() => goals.id, { onDelete: "cascade" }),
    schoolId: uuid("school_id")
      .notNull()
      .references(() => schools.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.goalId, t.schoolId] })],
);

/** A school's own take on a mirrored district goal: its local target and the goal version it last saw. */
export const goalAdoptions = pgTable(
  "goal_adoption",
  {
    goalId: uuid("goal_id")
      .notNull()
      .references(() => goals.id, { onDelete: "cascade" }),
    cycleId: uuid("cycle_id")
      .notNull()
      .references(() => cycles.id, { onDelete: "cascade" }),
    localTarget: text("local_target").notNull().default(""),
    seenGoalVersion: integer("seen_goal_version").notNull().default(1),
    version: integer("version").notNull().default(1),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.goalId, t.cycleId] })],
);

/** Every saved state of a goal, so a school can see what the district changed since it last looked. */
export const goalRevisions = pgTable(
  "goal_revision",
  {
    goalId: uuid("goal_id")
      .notNull()
      .references(() => goals.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    snapshot: jsonb("snapshot").$type<Record<string, unknown>>().notNull(),
    changedBy: uuid("changed_by").references(() => users.id, { onDelete: "set null" }),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.goalId, t.version] })],
);

export const strategies = pgTable(
  "strategy",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    goalId: uuid("goal_id")
      .notNull()
      .references(() => goals.id, { onDelete: "cascade" }),
    // The cycle that owns this step: the goal's own, or a school's cycle adding steps to a mirrored district goal.
    cycleId: uuid("cycle_id")
      .notNull()
      .references(() => cycles.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    ownerName: text("owner_name").notNull().default(""),
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    dueDate: date("due_date"),
    status: strategyStatus("status").notNull().default("planned"),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("strategy_goal_idx").on(t.goalId), index("strategy_cycle_idx").on(t.cycleId)],
);

export const cycleRelations = relations(cycles, ({ one, many }) => ({
  district: one(districts, { fields: [cycles.districtId], references: [districts.id] }),
  school: one(schools, { fields: [cycles.schoolId], references: [schools.id] }),
  rubricVersion: one(rubricVersions, { fields: [cycles.rubricVersionId], references: [rubricVersions.id] }),
  scores: many(rubricScores),
  goals: many(goals),
}));
export const rubricItemRelations = relations(rubricItems, ({ one }) => ({
  version: one(rubricVersions, { fields: [rubricItems.rubricVersionId], references: [rubricVersions.id] }),
  focusArea: one(focusAreas, { fields: [rubricItems.focusAreaId], references: [focusAreas.id] }),
}));
export const goalRelations = relations(goals, ({ one, many }) => ({
  cycle: one(cycles, { fields: [goals.cycleId], references: [cycles.id] }),
  strategies: many(strategies),
}));
export const strategyRelations = relations(strategies, ({ one }) => ({
  goal: one(goals, { fields: [strategies.goalId], references: [goals.id] }),
}));
