// The demo district a newcomer signs in to: Riverbend Unified, six schools, one account per role.
import { count, eq, inArray, sql } from "drizzle-orm";
import { hashPassword, verifyPassword } from "~/modules/people/password.server";
import { findOrCreatePerson } from "~/modules/people/people.server";
import type { Role } from "~/modules/people/permissions";
import type { Database } from "../client.server";
import { and, asc, isNull } from "drizzle-orm";
import { addStrategy, createGoal, snapshotOf } from "~/modules/cycles/goals.server";
import { answerSchema, findingSchema, meetingSchema } from "~/modules/reflections/reflections.schema";
import { addFinding, createMeeting, ensureDefaultProtocols, saveAnswer } from "~/modules/reflections/reflections.server";
import {
  auditEvents,
  cycles,
  districts,
  findings,
  goalRevisions,
  goals,
  measures,
  observations,
  reflectionAnswers,
  reflectionMeetings,
  reflectionParticipants,
  reflectionProtocols,
  rubricItems,
  rubricScores,
  schoolMemberships,
  schools,
  strategies,
  studentGroups,
  users,
  persons,
  districtProfiles,
  reports,
} from "../schema";
import { createDefaultRubric, ensureCatalog } from "./catalog.server";
import { seedDemoData } from "./demo-data.server";
import { seedDemoStudents } from "./students-demo.server";
import { seedDemoReports } from "./reports-demo.server";

export const DEMO_PASSWORD = "cyclekeeper-demo";

export const demoSchools = [
  { name: "Maple Elementary", level: "elementary" },
  { name: "Cedar Creek Elementary", level: "elementary" },
  { name: "Willow Park Elementary", level: "elementary" },
  { name: "Riverside Middle School", level: "middle" },
  { name: "Oak Hollow Middle School", level: "middle" },
  { name: "Riverbend High School", level: "high" },
] as const;

type DemoSchool = (typeof demoSchools)[number]["name"];

export const demoAccounts: { email: string; name: string; role: Role; label: string; schools: DemoSchool[]; studentRecords?: boolean }[] = [
  { email: "lead@riverbend.example", name: "Dana Okafor", role: "district_lead", label: "District SEL lead", schools: [], studentRecords: true },
  { email: "team@riverbend.example", name: "Luis Romero", role: "district_team", label: "District SEL team", schools: [] },
  {
    email: "principal@maple.riverbend.example",
    name: "Grace Lindqvist",
    role: "school_team",
    label: "School team, Maple Elementary",
    schools: ["Maple Elementary"],
  },
  {
    email: "coach@riverbend.example",
    name: "Samir Haddad",
    role: "school_team",
    label: "School team, Cedar Creek and Willow Park (two schools)",
    schools: ["Cedar Creek Elementary", "Willow Park Elementary"],
  },
  { email: "board@riverbend.example", name: "Patricia Nguyen", role: "board", label: "Board member (reads only)", schools: [] },
];

/**
 * The demo accounts in this database that still sign in with the published demo password: while any does, the
 * server listens on this machine only unless the operator opts in (ADR 0034). Argon2 checks, one per demo account.
 */
export async function demoAccountsStillOpen(db: Database): Promise<string[]> {
  // Passwords belong to the person (ADR 0035): a demo address that joined another district keeps one password.
  const rows = await db
    .select({ email: persons.email, passwordHash: persons.passwordHash })
    .from(persons)
    .where(inArray(persons.email, demoAccounts.map((a) => a.email)));
  const open: string[] = [];
  for (const row of rows) if (row.passwordHash && (await verifyPassword(row.passwordHash, DEMO_PASSWORD))) open.push(row.email);
  return open.sort();
}

export async function isDatabaseEmpty(db: Database) {
  const [row] = await db.select({ n: count() }).from(districts);
  return row.n === 0;
}

/**
 * Written last, in the same transaction as everything else the demo holds: a demo district with this audit event is
 * complete. One without it was loaded by a version that committed the demo in several steps and stopped part-way.
 */
export const DEMO_LOADED = "district.demo_loaded";

/**
 * Loads the demo district in one transaction: a start killed part-way leaves nothing, and the next start loads it
 * again from scratch (ADR 0038). The later steps call the app's own commands, whose transactions become savepoints.
 */
export async function seedDemo(db: Database) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const district = await seedDemoDistrict(tx, passwordHash);
    const inTx = tx as unknown as Database;
    await seedDemoGoals(inTx, district.id);
    await seedDemoReflections(inTx, district.id);
    await seedDemoStudents(inTx, district.id);
    // The profile first: the reports' first section is written from it.
    await seedDemoProfile(inTx, district.id);
    await seedDemoReports(inTx, district.id);
    await tx.insert(auditEvents).values({ districtId: district.id, actorId: null, action: DEMO_LOADED, entityType: "district", entityId: district.id, details: {} });
    return district;
  });
}

export type DemoState = "absent" | "complete" | "partial";

/** Whether the demo district is there, and whole. */
export async function demoState(db: Database): Promise<DemoState> {
  const [district] = await db.select({ id: districts.id }).from(districts).where(eq(districts.slug, "riverbend"));
  if (!district) return "absent";
  const [marker] = await db
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.districtId, district.id), eq(auditEvents.action, DEMO_LOADED)));
  if (marker.n > 0) return "complete";
  // Before the marker existed the last step loaded the reports: a demo that has them was loaded whole, and is marked now
  // so the question is never asked again.
  const [loadedReports] = await db.select({ n: count() }).from(reports).where(eq(reports.districtId, district.id));
  if (loadedReports.n === 0) return "partial";
  await db.insert(auditEvents).values({ districtId: district.id, actorId: null, action: DEMO_LOADED, entityType: "district", entityId: district.id, details: { marked: "afterwards" } });
  return "complete";
}

/** A partial demo cannot be repaired because the database holds other districts too: nothing is touched. */
export class PartialDemoNotAlone extends Error {
  constructor(others: number) {
    super(
      `the demo district was only partly loaded, and this database also holds ${others} other district${others === 1 ? "" : "s"}, so it is not reloaded automatically; back up, then remove the demo district by hand or start with a new DATA_DIR`,
    );
    this.name = "PartialDemoNotAlone";
  }
}

/** A partial demo people have since worked in is left alone: reloading would throw their work away. */
export class PartialDemoInUse extends Error {
  constructor() {
    super(
      "the demo district was only partly loaded, and people have worked in it since, so it is not reloaded automatically; to get the whole demo, start with a new DATA_DIR",
    );
    this.name = "PartialDemoInUse";
  }
}

/**
 * Drops a partly loaded demo and loads it again, in one transaction. Only when the demo is the database's only district:
 * the drop empties every table that hangs off districts (TRUNCATE … CASCADE), which must never reach a real district.
 * The shared catalog is loaded again afterwards (some of it may hang off districts too).
 */
export async function reloadPartialDemo(db: Database) {
  return db.transaction(async (tx) => {
    const [others] = await tx.select({ n: count() }).from(districts).where(sql`${districts.slug} <> 'riverbend'`);
    if (others.n > 0) throw new PartialDemoNotAlone(others.n);
    // Someone has worked in it since (anything audited an hour or more after the district was made): that work is
    // not the loader's to throw away.
    const [used] = await tx
      .select({ n: count() })
      .from(auditEvents)
      .innerJoin(districts, eq(districts.id, auditEvents.districtId))
      .where(and(eq(districts.slug, "riverbend"), sql`${auditEvents.at} > ${districts.createdAt} + interval '1 hour'`));
    if (used.n > 0) throw new PartialDemoInUse();
    await tx.execute(sql`truncate table ${districts} cascade`);
    await ensureCatalog(tx);
    // seedDemo's own transaction nests as a savepoint inside this one: the drop and the reload commit together.
    return seedDemo(tx as unknown as Database);
  });
}

/** The district, its schools, people, cycles and data: the first part of the demo. */
async function seedDemoDistrict(tx: Tx, passwordHash: string) {
  await ensureCatalog(tx);
  const [existing] = await tx.select({ id: districts.id }).from(districts).where(eq(districts.slug, "riverbend"));
  if (existing) throw new Error("the demo district is already loaded");
  const [district] = await tx
    .insert(districts)
    .values({ slug: "riverbend", name: "Riverbend Unified School District" })
    .returning();
  const schoolRows = await tx
    .insert(schools)
    .values(demoSchools.map((s) => ({ districtId: district.id, name: s.name, level: s.level })))
    .returning();
  const schoolId = (name: string) => schoolRows.find((s) => s.name === name)!.id;
  for (const account of demoAccounts) {
    const person = await findOrCreatePerson(tx, account.email, passwordHash);
    const [user] = await tx
      .insert(users)
      .values({
        personId: person.id,
        districtId: district.id,
        email: person.email,
        name: account.name,
        role: account.role,
        studentRecords: account.studentRecords ?? false,
        status: "active",
        joinedAt: new Date(),
      })
      .returning();
    if (account.schools.length) {
      await tx.insert(schoolMemberships).values(account.schools.map((name) => ({ userId: user.id, schoolId: schoolId(name) })));
    }
  }
  const lead = await tx.select({ id: users.id }).from(users).where(eq(users.email, "lead@riverbend.example"));
  await seedDemoCycles(tx, district.id, schoolRows, lead[0].id);
  await seedDemoData(tx, district.id, schoolRows, lead[0].id);
  await tx.insert(auditEvents).values({
    districtId: district.id,
    actorId: null,
    action: "district.seed_demo",
    entityType: "district",
    entityId: district.id,
    details: { schools: schoolRows.length, accounts: demoAccounts.length },
  });
  return district;
}

/** The district profile annual reports start from: what SEL means in Riverbend and how the commitment grew. */
async function seedDemoProfile(db: Database, districtId: string) {
  const [lead] = await db.select({ id: users.id }).from(users).where(eq(users.email, "lead@riverbend.example"));
  await db.insert(districtProfiles).values({
    districtId,
    selStatement:
      "In Riverbend, social and emotional learning is how students and adults learn to understand themselves, get along with others and make caring, responsible choices. We teach these skills on purpose, practise them in every classroom and build them into how our schools welcome families.",
    history:
      "The work began when teachers and families told us in the 2022 community survey that students needed more support to feel they belong. A volunteer group of staff studied the research for a year, the board made SEL part of the strategic plan in 2024, and in 2025 the district formed its SEL team and started the yearly cycle of planning, doing and reflecting with every school.",
    milestones: [
      { startYear: 2022, text: "The community survey names belonging as a top concern of families and staff." },
      { startYear: 2023, text: "A staff study group visits two neighbouring districts and reviews SEL programs." },
      { startYear: 2024, text: "The board adds SEL to the 2025–2028 strategic plan." },
      { startYear: 2025, text: "The district SEL team is formed; every school scores the implementation rubric for the first time." },
    ],
    updatedBy: lead?.id ?? null,
    updatedAt: new Date("2026-08-20T16:00:00Z"),
  });
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Two years of history so every page has something true to show: 2025–26 closed with scores at all
 * three checkpoints, 2026–27 active with its baseline scored. Levels come from a fixed formula, so the
 * demo is the same on every machine, and schools differ in a believable way (some rise, one slips).
 */
async function seedDemoCycles(tx: Tx, districtId: string, schoolRows: { id: string; name: string }[], leadId: string) {
  const { version, items } = await createDefaultRubric(tx, districtId, leadId);
  const years = [
    { startYear: 2025, status: "closed" as const, phase: "improve" as const, checkpoints: ["baseline", "midyear", "endyear"] as const },
    { startYear: 2026, status: "active" as const, phase: "implement" as const, checkpoints: ["baseline"] as const },
  ];
  for (const year of years) {
    const dates = { baselineDate: `${year.startYear}-10-01`, midyearDate: `${year.startYear + 1}-01-31`, endyearDate: `${year.startYear + 1}-05-31` };
    const closedAt = year.status === "closed" ? new Date(`${year.startYear + 1}-06-20T17:00:00Z`) : null;
    const [districtCycle] = await tx
      .insert(cycles)
      .values({ districtId, startYear: year.startYear, status: year.status, phase: year.phase, rubricVersionId: version.id, closedAt, ...dates })
      .returning();
    const schoolCycles = await tx
      .insert(cycles)
      .values(
        schoolRows.map((s) => ({
          districtId,
          schoolId: s.id,
          districtCycleId: districtCycle.id,
          startYear: year.startYear,
          status: year.status,
          phase: year.phase,
          rubricVersionId: version.id,
          closedAt,
          ...dates,
        })),
      )
      .returning();
    const owners = [{ cycleId: districtCycle.id, index: 0 }, ...schoolCycles.map((c, i) => ({ cycleId: c.id, index: i + 1 }))];
    const scores = owners.flatMap((owner) =>
      items.flatMap((item, itemIndex) =>
        year.checkpoints.map((checkpoint, checkpointIndex) => ({
          cycleId: owner.cycleId,
          rubricItemId: item.id,
          checkpoint,
          level: demoLevel(owner.index, itemIndex, year.startYear - 2025, checkpointIndex),
          evidence: checkpointIndex === 0 && itemIndex % 5 === 0 ? "Team discussion and walkthrough notes; see the shared folder." : "",
          scoredBy: leadId,
          scoredAt: new Date(`${checkpoint === "baseline" ? dates.baselineDate : checkpoint === "midyear" ? dates.midyearDate : dates.endyearDate}T15:00:00Z`),
        })),
      ),
    );
    await tx.insert(rubricScores).values(scores);
  }
}

/** A repeatable number in [0, 1) for the same inputs. */
function jitter(...parts: number[]) {
  let h = 2166136261;
  for (const part of parts) h = Math.imul(h ^ (part + 0x9e3779b9), 16777619) >>> 0;
  return (h % 1000) / 1000;
}

/**
 * A level 1–4 for organisation `owner` (0 = district), rubric item `item`, at step `year * 3 + checkpoint`
 * of the two-year history: each organisation starts somewhere different and grows at its own pace, items
 * differ, and Oak Hollow slips in its second year.
 */
function demoLevel(owner: number, item: number, year: number, checkpoint: number) {
  const start = 1.3 + jitter(owner, 1) * 1.2;
  const pace = 0.12 + jitter(owner, 2) * 0.25;
  const step = year * 3 + checkpoint;
  const itemOffset = (jitter(item, 3) - 0.5) * 1.0;
  const noise = (jitter(owner, item, step) - 0.5) * 0.6;
  const slipping = owner === 5 && year === 1 ? -0.8 : 0;
  return Math.min(4, Math.max(1, Math.round(start + pace * step + itemOffset + noise + slipping)));
}

/**
 * This year's goals, written through the same commands the pages use so revisions and audit rows are real:
 * two implementation goals shared with every school, an outcome goal, and Maple's own goal.
 */
async function seedDemoGoals(db: Database, districtId: string) {
  const [lead] = await db.select().from(users).where(eq(users.email, "lead@riverbend.example"));
  const [principal] = await db.select().from(users).where(eq(users.email, "principal@maple.riverbend.example"));
  const actor = { id: lead.id, districtId, role: "district_lead" as const, studentRecords: true, schoolIds: [] as string[] };
  const [districtCycle] = await db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtId, districtId), isNull(cycles.schoolId), eq(cycles.startYear, 2026)));
  const items = await db.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, districtCycle.rubricVersionId)).orderBy(asc(rubricItems.position));
  const item = (key: string) => items.find((i) => i.keyActivityId === key)!;
  const [absenteeism] = await db.select().from(measures).where(and(isNull(measures.districtId), eq(measures.slug, "chronic-absenteeism-rate")));
  // Each implementation goal aims one level above where the district stood at this year's baseline.
  const baselineOf = async (itemId: string) =>
    (
      await db
        .select({ level: rubricScores.level })
        .from(rubricScores)
        .where(and(eq(rubricScores.cycleId, districtCycle.id), eq(rubricScores.rubricItemId, itemId), eq(rubricScores.checkpoint, "baseline")))
    )[0]?.level ?? 1;
  const aboveBaseline = async (key: string) => Math.min(4, (await baselineOf(item(key).id)) + 1);
  const common = { relevance: "", inclusiveNote: "", equityNote: "", mirrorScope: "all_schools" as const, schoolIds: [] as string[], expectedVersion: null };

  const previous = await seedClosedYearGoals(db, districtId, lead.id, item);

  const learning = await createGoal(db, actor, districtCycle.id, {
    ...common,
    kind: "implementation",
    title: "Every school runs a year-long professional learning sequence on SEL",
    description: "Move from one-off sessions to a coached sequence that reaches every teacher.",
    relevance: "Our vision says adults model the skills we teach; that takes practice, not a single workshop.",
    population: "All teaching staff, with new teachers first",
    inclusiveNote: "Shaped with teacher leaders from each school and the staff survey.",
    equityNote: "Coaching time goes first to the schools with the most new teachers.",
    rubricItemId: item("fa2.learning").id,
    targetLevel: await aboveBaseline("fa2.learning"),
    targetCheckpoint: "endyear",
  });
  await db.update(goals).set({ carriedFromId: previous.learning }).where(eq(goals.id, learning.id));
  await addStrategy(db, actor, learning.id, districtCycle.id, { title: "Train two SEL coaches per school", ownerName: "Luis Romero", dueDate: "2026-11-15", status: "in_progress", expectedVersion: null });
  await addStrategy(db, actor, learning.id, districtCycle.id, { title: "Publish the district learning calendar", ownerName: "Dana Okafor", dueDate: "2026-09-30", status: "done", expectedVersion: null });

  await createGoal(db, actor, districtCycle.id, {
    ...common,
    kind: "implementation",
    title: "Families co-design SEL with us at every school",
    description: "Each school has a family SEL team that meets each term and shapes one decision.",
    population: "Families of all students, with interpreters for our five home languages",
    equityNote: "",
    rubricItemId: item("fa3.partnerships").id,
    targetLevel: await aboveBaseline("fa3.partnerships"),
    targetCheckpoint: "endyear",
  });

  await createGoal(db, actor, districtCycle.id, {
    ...common,
    // Every school works on attendance: the roll-up shows where each stands against the district's target.
    mirrorScope: "all_schools",
    kind: "outcome",
    title: "Cut chronic absenteeism",
    description: "Fewer students miss 10% or more of the days they are enrolled.",
    population: "All students; reported for each student group",
    equityNote: "Close the gap for students with disabilities, who are absent most often.",
    measureId: absenteeism.id,
    baselineValue: 18.4,
    targetValue: 14,
    dueDate: "2027-06-15",
  });

  const [mapleCycle] = await db
    .select({ id: cycles.id })
    .from(cycles)
    .innerJoin(schools, eq(schools.id, cycles.schoolId))
    .where(and(eq(cycles.districtCycleId, districtCycle.id), eq(schools.name, "Maple Elementary")));
  const mapleActor = { ...actor, id: principal.id, role: "school_team" as const, studentRecords: false, schoolIds: [(await db.select({ schoolId: schoolMemberships.schoolId }).from(schoolMemberships).where(eq(schoolMemberships.userId, principal.id)))[0].schoolId] };
  await addStrategy(db, mapleActor, learning.id, mapleCycle.id, { title: "Grade-level teams practise one SEL routine a month", ownerName: "Grace Lindqvist", dueDate: "2026-12-18", status: "planned", expectedVersion: null });
  const morning = await createGoal(db, mapleActor, mapleCycle.id, {
    ...common,
    mirrorScope: "none",
    kind: "implementation",
    title: "Morning meetings in every classroom",
    description: "Every class starts the day with a short community-building meeting.",
    population: "All K–5 classrooms",
    rubricItemId: item("fa3.programs").id,
    targetLevel: 4,
    targetCheckpoint: "endyear",
  });
  await db.update(goals).set({ carriedFromId: previous.morning }).where(eq(goals.id, morning.id));

  // Maple's outcome goal starts from where connectedness stood last spring, so its progress reads from real rows.
  const [connectedness] = await db.select().from(measures).where(and(isNull(measures.districtId), eq(measures.slug, "connectedness-favourable")));
  const [all] = await db.select().from(studentGroups).where(and(isNull(studentGroups.districtId), eq(studentGroups.slug, "all")));
  const [fall] = await db
    .select({ value: observations.value })
    .from(observations)
    .where(
      and(
        eq(observations.schoolId, mapleActor.schoolIds[0]),
        eq(observations.measureId, connectedness.id),
        eq(observations.studentGroupId, all.id),
        eq(observations.grade, "all"),
        eq(observations.startYear, 2025),
        eq(observations.term, "spring"),
      ),
    );
  await createGoal(db, mapleActor, mapleCycle.id, {
    ...common,
    mirrorScope: "none",
    kind: "outcome",
    title: "More students know an adult at school cares about them",
    description: "Every student in grades 3–5 can name an adult at school they trust.",
    population: "All students in grades 3–5",
    equityNote: "Watch English learners and students with disabilities most closely.",
    measureId: connectedness.id,
    baselineValue: Math.round((fall?.value ?? 60) * 10) / 10,
    targetValue: Math.round(((fall?.value ?? 60) + 8) * 10) / 10,
    dueDate: "2027-05-31",
  });
}

/**
 * The goals of the closed 2025–26 year, written straight into the closed cycles (the app itself never writes to a
 * closed year), each with the decision the teams took when they closed it: one met and closed, two carried into
 * 2026–27 in a revised form.
 */
async function seedClosedYearGoals(db: Database, districtId: string, leadId: string, item: (key: string) => typeof rubricItems.$inferSelect) {
  const [districtCycle] = await db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtId, districtId), isNull(cycles.schoolId), eq(cycles.startYear, 2025)));
  const [mapleCycle] = await db
    .select({ id: cycles.id })
    .from(cycles)
    .innerJoin(schools, eq(schools.id, cycles.schoolId))
    .where(and(eq(cycles.districtCycleId, districtCycle.id), eq(schools.name, "Maple Elementary")));
  const endOfYear = async (cycleId: string, key: string) =>
    (
      await db
        .select({ level: rubricScores.level })
        .from(rubricScores)
        .where(and(eq(rubricScores.cycleId, cycleId), eq(rubricScores.rubricItemId, item(key).id), eq(rubricScores.checkpoint, "endyear")))
    )[0]?.level ?? 1;
  const text = { relevance: "", population: "", inclusiveNote: "", equityNote: "", measureId: null, baselineValue: null, targetValue: null, dueDate: null };
  const insertGoal = async (cycleId: string, values: Omit<typeof goals.$inferInsert, "cycleId">, steps: { title: string; ownerName: string; dueDate: string; status: "done" | "in_progress" }[]) => {
    const [goal] = await db
      .insert(goals)
      .values({ cycleId, createdBy: leadId, createdAt: new Date("2025-09-15T15:00:00Z"), updatedAt: new Date("2026-06-10T15:00:00Z"), ...values })
      .returning();
    await db.insert(goalRevisions).values({ goalId: goal.id, version: 1, snapshot: snapshotOf(goal, []), changedBy: leadId, changedAt: goal.createdAt });
    if (steps.length) await db.insert(strategies).values(steps.map((step) => ({ goalId: goal.id, cycleId, ...step })));
    return goal.id;
  };

  // Met at the end of the year: the target is the level the district reached.
  await insertGoal(
    districtCycle.id,
    {
      ...text,
      kind: "implementation",
      title: "A district SEL team with a shared vision",
      description: "Form a district SEL team and write a vision for SEL with students, staff and families.",
      population: "District and school leaders, with student and family representatives",
      rubricItemId: item("fa1.vision").id,
      targetLevel: await endOfYear(districtCycle.id, "fa1.vision"),
      targetCheckpoint: "endyear",
      mirrorScope: "all_schools",
      decision: "change_focus",
      decisionNote: "Met: the board adopted the vision in May and the team now meets monthly as part of its normal work, so next year's focus moves to classrooms.",
    },
    [{ title: "Hold listening sessions at every school", ownerName: "Dana Okafor", dueDate: "2025-12-12", status: "done" }],
  );
  const learning = await insertGoal(
    districtCycle.id,
    {
      ...text,
      kind: "implementation",
      title: "Start professional learning on SEL in every school",
      description: "Every school holds at least two SEL sessions for its staff.",
      population: "All teaching staff",
      rubricItemId: item("fa2.learning").id,
      targetLevel: Math.min(4, (await endOfYear(districtCycle.id, "fa2.learning")) + 1),
      targetCheckpoint: "endyear",
      mirrorScope: "all_schools",
      decision: "new_strategies",
      decisionNote: "One-off sessions reached most staff but changed little in classrooms; next year becomes a coached sequence for every teacher.",
    },
    [{ title: "Two SEL sessions per school", ownerName: "Luis Romero", dueDate: "2026-03-20", status: "done" }],
  );
  const morning = await insertGoal(
    mapleCycle.id,
    {
      ...text,
      kind: "implementation",
      title: "Pilot morning meetings in grade 2",
      description: "Two grade 2 classrooms start each day with a community-building meeting.",
      population: "Grade 2 classrooms",
      rubricItemId: item("fa3.programs").id,
      targetLevel: 3,
      targetCheckpoint: "endyear",
      mirrorScope: "none",
      decision: "revise",
      decisionNote: "Teachers and students liked it; extend it to every classroom.",
    },
    [{ title: "Observe each pilot classroom once a month", ownerName: "Grace Lindqvist", dueDate: "2026-05-29", status: "done" }],
  );
  return { learning, morning };
}

/**
 * The district's protocols, the end-of-year reflection that took 2025–26's decisions (written straight into the closed
 * year, like its goals) and a data inquiry under way in 2026–27, written through the same commands the pages use.
 */
async function seedDemoReflections(db: Database, districtId: string) {
  await ensureDefaultProtocols(db, districtId);
  const protocols = await db.select().from(reflectionProtocols).where(eq(reflectionProtocols.districtId, districtId));
  const protocol = (slug: string) => protocols.find((p) => p.slug === slug)!;
  const people = await db.select().from(users).where(eq(users.districtId, districtId));
  const person = (email: string) => people.find((p) => p.email === email)!;
  const lead = person("lead@riverbend.example");
  const districtCycle = async (startYear: number) =>
    (await db.select().from(cycles).where(and(eq(cycles.districtId, districtId), isNull(cycles.schoolId), eq(cycles.startYear, startYear))))[0];

  // 2025–26: the end-of-year reflection, complete.
  const closed = await districtCycle(2025);
  const annual = protocol("annual-goals");
  const [meeting] = await db
    .insert(reflectionMeetings)
    .values({
      cycleId: closed.id,
      protocolId: annual.id,
      title: "End-of-year reflection with the district SEL team",
      checkpoint: "endyear",
      heldOn: "2026-06-04",
      questions: annual.questions,
      dataViews: annual.dataViews,
      stakeholderGroups: ["staff", "families", "students", "board"],
      stakeholderNote: "Four students from the district student council and two family liaisons joined for the first hour.",
      createdBy: lead.id,
      createdAt: new Date("2026-06-01T15:00:00Z"),
      updatedAt: new Date("2026-06-04T19:00:00Z"),
    })
    .returning();
  await db.insert(reflectionParticipants).values(
    ["lead@riverbend.example", "team@riverbend.example", "board@riverbend.example"].map((email) => ({ meetingId: meeting.id, userId: person(email).id })),
  );
  const answers = [
    "The vision goal is met: the board adopted the SEL vision in May and the end-of-year rubric score reached the target.",
    "Professional learning reached most staff but stayed at one-off sessions; teachers told us they had no time to practise between them.",
    "Listening sessions at every school changed how we wrote the vision. The second round of one-off workshops can stop.",
    "Vision: change focus to classrooms. Professional learning: keep it with new strategies (a coached sequence). Maple's morning meetings: extend to every classroom.",
  ];
  await db.insert(reflectionAnswers).values(
    annual.questions.map((q, i) => ({ meetingId: meeting.id, questionId: q.id, answer: answers[i] ?? "", updatedBy: lead.id, updatedAt: new Date("2026-06-04T18:00:00Z") })),
  );
  const closedGoals = await db.select().from(goals).where(eq(goals.cycleId, closed.id));
  const goalNamed = (start: string) => closedGoals.find((g) => g.title.startsWith(start))!;
  const vision = goalNamed("A district SEL team");
  const learning = goalNamed("Start professional learning");
  const [visionScore] = await db
    .select()
    .from(rubricScores)
    .where(and(eq(rubricScores.cycleId, closed.id), eq(rubricScores.rubricItemId, vision.rubricItemId!), eq(rubricScores.checkpoint, "endyear")));
  await db.insert(findings).values([
    {
      meetingId: meeting.id,
      kind: "success",
      summary: "The district has a shared SEL vision, written with students, staff and families and adopted by the board.",
      goalId: vision.id,
      evidenceScoreId: visionScore?.id ?? null,
      evidenceLabel: "",
      createdBy: lead.id,
    },
    {
      meetingId: meeting.id,
      kind: "challenge",
      summary: "One-off sessions did not change classroom practice; survey results for self-management stayed flat.",
      goalId: learning.id,
      evidenceViewPath: "/data/trend",
      evidenceLabel: "Trend across terms and years: self-management",
      createdBy: lead.id,
    },
  ]);
  // The district's decisions were taken in this meeting (Maple decided on its own).
  await db
    .update(goals)
    .set({ decisionMeetingId: meeting.id, decidedBy: lead.id, decidedAt: new Date("2026-06-04T19:00:00Z") })
    .where(and(eq(goals.cycleId, closed.id)));

  // 2026–27: a data inquiry with students and families, under way.
  const current = await districtCycle(2026);
  const actor = { id: lead.id, districtId, role: "district_lead" as const, studentRecords: true, schoolIds: [] as string[] };
  const voice = protocol("student-family-voice");
  const inquiry = await createMeeting(
    db,
    actor,
    current.id,
    meetingSchema.parse({
      protocolId: voice.id,
      title: "Fall data inquiry with students and families",
      checkpoint: "baseline",
      heldOn: "2026-11-18",
      participantIds: [lead.id, person("team@riverbend.example").id],
      stakeholderGroups: ["students", "families", "staff"],
      stakeholderNote: "Eight students from grades 6 to 12 and five parents from the family SEL teams.",
    }),
  );
  await saveAnswer(
    db,
    actor,
    current.id,
    inquiry.id,
    answerSchema.parse({
      questionId: voice.questions[0].id,
      answer: "Social awareness is above the benchmark at every level; self-management is below it in the middle schools.",
      expectedVersion: 0,
    }),
  );
  const currentGoals = await db.select().from(goals).where(eq(goals.cycleId, current.id));
  const families = currentGoals.find((g) => g.title.startsWith("Families co-design"));
  if (families) {
    await addFinding(
      db,
      actor,
      current.id,
      inquiry.id,
      findingSchema.parse({
        kind: "challenge",
        summary: "Families of English learners are not yet on any school's family SEL team.",
        target: `goal:${families.id}`,
        evidence: "view:groups",
        evidenceLabel: "Connectedness by student group",
      }),
    );
  }
}
