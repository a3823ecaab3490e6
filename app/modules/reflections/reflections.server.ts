// Reflection protocols and meetings in the database: the district's protocols (seeded, then its own), meetings in a
// cycle with their answers, findings, shared notes and the decisions they take about the cycle's goals.
import { randomBytes } from "node:crypto";
import { and, asc, count, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import {
  cycles,
  docUpdates,
  findings,
  goals,
  planDocuments,
  reflectionAnswers,
  reflectionMeetings,
  reflectionParticipants,
  reflectionProtocols,
  rubricItems,
  rubricScores,
  schoolMemberships,
  strategies,
  users,
} from "#db/schema";
import { updateFromJSON } from "~/editor/document";
import { lastSavedBy, recordAudit } from "~/modules/audit/audit.server";
import { getCycle } from "~/modules/cycles/cycles.server";
import { saveYearEndDecisions } from "~/modules/cycles/lifecycle.server";
import { checkpointLabels, schoolYearLabel } from "~/modules/cycles/school-year";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { applyQuestionEdits, dataViewPath, dataViews, defaultProtocols, findingFormValues, openStrategyFate, type OpenStrategyFate } from "./reflections";
import type { AnswerInput, FindingEditInput, FindingInput, MeetingDecisionsInput, MeetingDetailsInput, MeetingInput, ProtocolInput } from "./reflections.schema";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
type Executor = Pick<Database, "select" | "insert">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const districtScope = (actor: Actor) => ({ districtId: actor.districtId });

// ---------------------------------------------------------------------------------------------------------------
// Protocols

/** Gives a district the starting protocols when it has none (a new district, or one that predates protocols). */
export async function ensureDefaultProtocols(db: Executor, districtId: string) {
  const [existing] = await db.select({ n: count() }).from(reflectionProtocols).where(eq(reflectionProtocols.districtId, districtId));
  if (existing.n > 0) return;
  // A millisecond apart, so the list keeps the order they are written in here.
  const now = Date.now();
  await db.insert(reflectionProtocols).values(defaultProtocols.map((p, i) => ({ districtId, ...p, createdAt: new Date(now + i), updatedAt: new Date(now + i) })));
}

/** The district's protocols, active first; everyone who reads the district's cycle reads them. */
export async function listProtocols(db: Database, actor: Actor) {
  requirePermission(actor, "cycle:read", districtScope(actor));
  await ensureDefaultProtocols(db, actor.districtId);
  const rows = await db
    .select()
    .from(reflectionProtocols)
    .where(eq(reflectionProtocols.districtId, actor.districtId))
    .orderBy(sql`${reflectionProtocols.archivedAt} is not null`, asc(reflectionProtocols.createdAt), asc(reflectionProtocols.name));
  return { protocols: rows, canManage: can(actor, "reflection:manage", districtScope(actor)) };
}

export async function getProtocol(db: Database, actor: Actor, protocolId: string) {
  if (!UUID.test(protocolId)) throw new NotFound("protocol");
  const [row] = await db
    .select()
    .from(reflectionProtocols)
    .where(and(eq(reflectionProtocols.id, protocolId), eq(reflectionProtocols.districtId, actor.districtId)));
  if (!row) throw new NotFound("protocol");
  requirePermission(actor, "cycle:read", districtScope(actor));
  return { ...row, canManage: can(actor, "reflection:manage", districtScope(actor)) };
}

async function lockProtocol(tx: Tx, actor: Actor, protocolId: string, expectedVersion: number) {
  const [row] = await tx
    .select()
    .from(reflectionProtocols)
    .where(and(eq(reflectionProtocols.id, protocolId), eq(reflectionProtocols.districtId, actor.districtId)))
    .for("update");
  if (!row) throw new NotFound("protocol");
  if (row.version !== expectedVersion) {
    throw new StaleEdit({ name: row.name, purpose: row.purpose, questions: row.questions, dataViews: row.dataViews, version: row.version });
  }
  return row;
}

/** Rewords, reorders, adds and removes questions and chooses the data views, at the version the form was loaded with. */
export async function updateProtocol(db: Database, actor: Actor, protocolId: string, input: ProtocolInput, ip?: string) {
  await getProtocol(db, actor, protocolId);
  requirePermission(actor, "reflection:manage", districtScope(actor));
  return db.transaction(async (tx) => {
    const row = await lockProtocol(tx, actor, protocolId, input.expectedVersion);
    const edited = applyQuestionEdits(row.questions, input.questions, input.added, () => `q-${randomBytes(4).toString("hex")}`);
    if (!edited.ok) throw new ValidationFailed(edited.errors);
    const [saved] = await tx
      .update(reflectionProtocols)
      .set({ name: input.name, purpose: input.purpose, questions: edited.questions, dataViews: input.dataViews, version: row.version + 1, updatedAt: new Date() })
      .where(eq(reflectionProtocols.id, protocolId))
      .returning();
    const before = new Map(row.questions.map((q) => [q.id, q.text]));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "reflection.protocol.update",
      entityType: "reflection_protocol",
      entityId: protocolId,
      details: {
        name: saved.name,
        added: edited.questions.filter((q) => !before.has(q.id)).length,
        removed: row.questions.filter((q) => !edited.questions.some((e) => e.id === q.id)).length,
        reworded: edited.questions.filter((q) => before.has(q.id) && before.get(q.id) !== q.text).length,
      },
      ip,
    });
    return saved;
  });
}

/** Archives a protocol (no new meetings use it; past meetings keep their copy of its questions) or brings it back. */
export async function setProtocolArchived(db: Database, actor: Actor, protocolId: string, archived: boolean, expectedVersion: number, ip?: string) {
  await getProtocol(db, actor, protocolId);
  requirePermission(actor, "reflection:manage", districtScope(actor));
  return db.transaction(async (tx) => {
    const row = await lockProtocol(tx, actor, protocolId, expectedVersion);
    const [saved] = await tx
      .update(reflectionProtocols)
      .set({ archivedAt: archived ? new Date() : null, version: row.version + 1, updatedAt: new Date() })
      .where(eq(reflectionProtocols.id, protocolId))
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: archived ? "reflection.protocol.archive" : "reflection.protocol.restore",
      entityType: "reflection_protocol",
      entityId: protocolId,
      details: { name: row.name },
      ip,
    });
    return saved;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Meetings

type CycleRow = Awaited<ReturnType<typeof getCycle>>;

async function editableCycle(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  requirePermission(actor, "cycle:edit", { districtId: cycle.districtId, schoolId: cycle.schoolId });
  if (cycle.status === "closed") throw new Conflict("This cycle is closed, so its reflection meetings are read-only.");
  return cycle;
}

/** Holds the cycle open for the rest of the transaction: a close racing a write either waits for it or refuses it. */
async function holdOpenCycle(tx: Tx, cycleId: string) {
  const [row] = await tx.select({ status: cycles.status }).from(cycles).where(eq(cycles.id, cycleId)).for("share");
  if (!row || row.status === "closed") throw new Conflict("This cycle was closed in the meantime and is now read-only.");
}

/** The meetings of a cycle, newest first. */
export async function listMeetings(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const rows = await db
    .select()
    .from(reflectionMeetings)
    .where(eq(reflectionMeetings.cycleId, cycle.id))
    .orderBy(desc(reflectionMeetings.heldOn), desc(reflectionMeetings.createdAt));
  const ids = rows.map((r) => r.id);
  const [answered, found] = ids.length
    ? await Promise.all([
        db.select({ meetingId: reflectionAnswers.meetingId, n: count() }).from(reflectionAnswers).where(inArray(reflectionAnswers.meetingId, ids)).groupBy(reflectionAnswers.meetingId),
        db.select({ meetingId: findings.meetingId, n: count() }).from(findings).where(inArray(findings.meetingId, ids)).groupBy(findings.meetingId),
      ])
    : [[], []];
  const decided = ids.length
    ? await db.select({ meetingId: goals.decisionMeetingId, n: count() }).from(goals).where(inArray(goals.decisionMeetingId, ids)).groupBy(goals.decisionMeetingId)
    : [];
  const countOf = (list: { meetingId: string | null; n: number }[], id: string) => Number(list.find((x) => x.meetingId === id)?.n ?? 0);
  return {
    cycle,
    meetings: rows.map((m) => ({
      id: m.id,
      title: m.title,
      heldOn: m.heldOn,
      checkpoint: m.checkpoint,
      questions: m.questions.length,
      answered: countOf(answered, m.id),
      findings: countOf(found, m.id),
      decisions: countOf(decided, m.id),
    })),
  };
}

/** People from the app who can take part in a meeting of this cycle: the district's people, and for a school the ones serving it. */
async function possibleParticipants(db: Pick<Database, "select">, cycle: Pick<CycleRow, "districtId" | "schoolId">) {
  const rows = await db
    .select({ id: users.id, name: users.name, role: users.role, schoolId: schoolMemberships.schoolId })
    .from(users)
    .leftJoin(schoolMemberships, eq(schoolMemberships.userId, users.id))
    .where(and(eq(users.districtId, cycle.districtId), eq(users.status, "active")))
    .orderBy(asc(users.name));
  const byId = new Map<string, { id: string; name: string }>();
  for (const r of rows) {
    const fits = r.role !== "school_team" || (cycle.schoolId !== null && r.schoolId === cycle.schoolId);
    if (fits) byId.set(r.id, { id: r.id, name: r.name });
  }
  return [...byId.values()];
}

/** What the new-meeting form offers: the district's active protocols and the people who may take part. */
export async function meetingFormOptions(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const { protocols } = await listProtocols(db, actor);
  return {
    protocols: protocols.filter((p) => !p.archivedAt).map((p) => ({ id: p.id, name: p.name })),
    people: await possibleParticipants(db, cycle),
    canEdit: cycle.canEdit,
  };
}

export async function createMeeting(db: Database, actor: Actor, cycleId: string, input: MeetingInput, ip?: string) {
  const cycle = await editableCycle(db, actor, cycleId);
  const [protocol] = await db
    .select()
    .from(reflectionProtocols)
    .where(and(eq(reflectionProtocols.id, input.protocolId), eq(reflectionProtocols.districtId, actor.districtId), isNull(reflectionProtocols.archivedAt)));
  if (!protocol) throw new ValidationFailed({ protocolId: ["Choose one of the district's protocols."] });
  const allowed = new Set((await possibleParticipants(db, cycle)).map((p) => p.id));
  const participantIds = [...new Set(input.participantIds)];
  if (participantIds.some((id) => !allowed.has(id))) throw new ValidationFailed({ participantIds: ["Choose participants from the list."] });
  return db.transaction(async (tx) => {
    await holdOpenCycle(tx, cycle.id);
    const [meeting] = await tx
      .insert(reflectionMeetings)
      .values({
        cycleId: cycle.id,
        protocolId: protocol.id,
        title: input.title,
        checkpoint: input.checkpoint,
        heldOn: input.heldOn,
        questions: protocol.questions,
        dataViews: protocol.dataViews,
        stakeholderGroups: [...new Set(input.stakeholderGroups)],
        stakeholderNote: input.stakeholderNote,
        createdBy: actor.id,
      })
      .returning();
    if (participantIds.length) await tx.insert(reflectionParticipants).values(participantIds.map((userId) => ({ meetingId: meeting.id, userId })));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "reflection.meeting.create",
      entityType: "reflection_meeting",
      entityId: meeting.id,
      details: { title: meeting.title, protocol: protocol.name, cycleId: cycle.id, startYear: cycle.startYear, participants: participantIds.length },
      ip,
    });
    return meeting;
  });
}

/** Changes a meeting's title, checkpoint, date, participants and stakeholder groups; a stale form is refused. */
export async function updateMeeting(db: Database, actor: Actor, cycleId: string, meetingId: string, input: MeetingDetailsInput, ip?: string) {
  const cycle = await editableCycle(db, actor, cycleId);
  await meetingOf(db, cycle.id, meetingId);
  const allowed = new Set((await possibleParticipants(db, cycle)).map((p) => p.id));
  const participantIds = [...new Set(input.participantIds)];
  if (participantIds.some((id) => !allowed.has(id))) throw new ValidationFailed({ participantIds: ["Choose participants from the list."] });
  return db.transaction(async (tx) => {
    await holdOpenCycle(tx, cycle.id);
    const [row] = await tx.select().from(reflectionMeetings).where(eq(reflectionMeetings.id, meetingId)).for("update");
    const before = await tx.select({ userId: reflectionParticipants.userId }).from(reflectionParticipants).where(eq(reflectionParticipants.meetingId, meetingId));
    if (row.version !== input.expectedVersion) {
      throw new StaleEdit({
        title: row.title,
        checkpoint: row.checkpoint,
        heldOn: row.heldOn,
        stakeholderGroups: row.stakeholderGroups,
        stakeholderNote: row.stakeholderNote,
        participantIds: before.map((p) => p.userId),
        version: row.version,
      });
    }
    const [saved] = await tx
      .update(reflectionMeetings)
      .set({
        title: input.title,
        checkpoint: input.checkpoint,
        heldOn: input.heldOn,
        stakeholderGroups: [...new Set(input.stakeholderGroups)],
        stakeholderNote: input.stakeholderNote,
        version: row.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(reflectionMeetings.id, meetingId))
      .returning();
    await tx.delete(reflectionParticipants).where(eq(reflectionParticipants.meetingId, meetingId));
    if (participantIds.length) await tx.insert(reflectionParticipants).values(participantIds.map((userId) => ({ meetingId, userId })));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "reflection.meeting.update",
      entityType: "reflection_meeting",
      entityId: meetingId,
      details: { title: saved.title, from: { title: row.title, heldOn: row.heldOn }, to: { title: saved.title, heldOn: saved.heldOn }, participants: participantIds.length },
      ip,
    });
    return saved;
  });
}

async function meetingOf(db: Pick<Database, "select">, cycleId: string, meetingId: string) {
  if (!UUID.test(meetingId)) throw new NotFound("meeting");
  const [meeting] = await db
    .select()
    .from(reflectionMeetings)
    .where(and(eq(reflectionMeetings.id, meetingId), eq(reflectionMeetings.cycleId, cycleId)));
  if (!meeting) throw new NotFound("meeting");
  return meeting;
}

/** Everything the meeting page shows: questions with answers, findings with what they are tied to, and the goals to decide about. */
export async function getMeeting(db: Database, actor: Actor, cycleId: string, meetingId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const meeting = await meetingOf(db, cycle.id, meetingId);
  const goalCycleIds = cycle.districtCycleId ? [cycle.id, cycle.districtCycleId] : [cycle.id];
  const [participants, answers, findingRows, cycleGoals, items, scores] = await Promise.all([
    db
      .select({ id: users.id, name: users.name })
      .from(reflectionParticipants)
      .innerJoin(users, eq(users.id, reflectionParticipants.userId))
      .where(eq(reflectionParticipants.meetingId, meeting.id))
      .orderBy(asc(users.name)),
    db.select().from(reflectionAnswers).where(eq(reflectionAnswers.meetingId, meeting.id)),
    db.select().from(findings).where(eq(findings.meetingId, meeting.id)).orderBy(asc(findings.createdAt), asc(findings.id)),
    db
      .select()
      .from(goals)
      .where(or(eq(goals.cycleId, cycle.id), and(inArray(goals.cycleId, goalCycleIds), inArray(goals.mirrorScope, ["all_schools", "chosen_schools"]))))
      .orderBy(asc(goals.createdAt), asc(goals.id)),
    db.select().from(rubricItems).where(eq(rubricItems.rubricVersionId, cycle.rubricVersionId)).orderBy(asc(rubricItems.position)),
    db.select().from(rubricScores).where(eq(rubricScores.cycleId, cycle.id)),
  ]);
  const itemById = new Map(items.map((i) => [i.id, i]));
  const goalById = new Map(cycleGoals.map((g) => [g.id, g]));
  const scoreLabel = (s: typeof rubricScores.$inferSelect) => `${itemById.get(s.rubricItemId)?.title ?? "Rubric item"}: level ${s.level} at ${checkpointLabels[s.checkpoint].toLowerCase()}`;
  const scoreById = new Map(scores.map((s) => [s.id, s]));
  const answerOf = new Map(answers.map((a) => [a.questionId, a]));
  const ownGoals = cycleGoals.filter((g) => g.cycleId === cycle.id);
  return {
    cycle,
    meeting: {
      id: meeting.id,
      title: meeting.title,
      heldOn: meeting.heldOn,
      checkpoint: meeting.checkpoint,
      stakeholderGroups: meeting.stakeholderGroups,
      stakeholderNote: meeting.stakeholderNote,
      dataViews: meeting.dataViews,
      version: meeting.version,
    },
    participants,
    people: cycle.canEdit ? await possibleParticipants(db, cycle) : [],
    questions: meeting.questions.map((q) => {
      const answer = answerOf.get(q.id);
      return { id: q.id, text: q.text, answer: answer?.answer ?? "", version: answer?.version ?? 0 };
    }),
    findings: findingRows.map((f) => ({
      id: f.id,
      kind: f.kind,
      summary: f.summary,
      version: f.version,
      /** The finding as its edit form writes it. */
      form: { kind: f.kind, summary: f.summary, ...findingFormValues(f, cycle.id) },
      about: f.goalId ? `Goal: ${goalById.get(f.goalId)?.title ?? "a goal no longer in this cycle"}` : f.rubricItemId ? `Rubric item: ${itemById.get(f.rubricItemId)?.title ?? "an item"}` : "",
      aboutGoalId: f.goalId,
      evidence: f.evidenceViewPath
        ? { kind: "view" as const, path: f.evidenceViewPath, label: f.evidenceLabel }
        : f.evidenceScoreId && scoreById.has(f.evidenceScoreId)
          ? { kind: "score" as const, label: scoreLabel(scoreById.get(f.evidenceScoreId)!), itemId: scoreById.get(f.evidenceScoreId)!.rubricItemId }
          : null,
    })),
    targets: [
      ...cycleGoals.map((g) => ({ value: `goal:${g.id}`, label: `Goal: ${g.title}` })),
      ...items.map((i) => ({ value: `item:${i.id}`, label: `Rubric item: ${i.title}` })),
    ],
    evidenceOptions: [
      ...Object.entries(dataViews).map(([key, view]) => ({ value: `view:${key}`, label: `Data view: ${view.label}` })),
      ...scores
        .sort((a, b) => (itemById.get(a.rubricItemId)?.position ?? 0) - (itemById.get(b.rubricItemId)?.position ?? 0) || a.checkpoint.localeCompare(b.checkpoint))
        .map((s) => ({ value: `score:${s.id}`, label: `Rubric score: ${scoreLabel(s)}` })),
    ],
    decisionGoals: ownGoals.map((g) => ({ id: g.id, title: g.title, decision: g.decision, decisionNote: g.decisionNote, decidedHere: g.decisionMeetingId === meeting.id })),
    canEdit: cycle.canEdit,
    cycleVersion: cycle.version,
  };
}

/** Saves the group's answer to one question, at the version the form was loaded with (0: not answered yet). */
export async function saveAnswer(db: Database, actor: Actor, cycleId: string, meetingId: string, input: AnswerInput, ip?: string) {
  const cycle = await editableCycle(db, actor, cycleId);
  const meeting = await meetingOf(db, cycle.id, meetingId);
  if (!meeting.questions.some((q) => q.id === input.questionId)) throw new NotFound("question");
  return db.transaction(async (tx) => {
    await holdOpenCycle(tx, cycle.id);
    const where = and(eq(reflectionAnswers.meetingId, meeting.id), eq(reflectionAnswers.questionId, input.questionId));
    const [current] = await tx.select().from(reflectionAnswers).where(where).for("update");
    const stale = (row: { answer: string; version: number } | undefined) => new StaleEdit({ answer: row?.answer ?? "", version: row?.version ?? 0, questionId: input.questionId });
    let saved;
    if (!current) {
      if (input.expectedVersion !== 0) throw stale(undefined);
      [saved] = await tx
        .insert(reflectionAnswers)
        .values({ meetingId: meeting.id, questionId: input.questionId, answer: input.answer, updatedBy: actor.id })
        .onConflictDoNothing()
        .returning();
      // Someone answered first, between our read and our insert.
      if (!saved) throw stale((await tx.select().from(reflectionAnswers).where(where))[0]);
    } else {
      if (current.version !== input.expectedVersion) throw stale(current);
      if (current.answer === input.answer) return current;
      [saved] = await tx
        .update(reflectionAnswers)
        .set({ answer: input.answer, version: current.version + 1, updatedBy: actor.id, updatedAt: new Date() })
        .where(where)
        .returning();
    }
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "reflection.answer",
      entityType: "reflection_meeting",
      entityId: meeting.id,
      details: { title: meeting.title, questionId: input.questionId, version: saved.version },
      ip,
    });
    return saved;
  });
}

/**
 * What a finding form's target and evidence point to, checked against the cycle: a goal of the cycle (or a shared
 * goal of its district cycle) or an item of its rubric, and a data view or one of the cycle's rubric scores.
 */
async function resolveFinding(db: Database, cycle: CycleRow, input: FindingInput) {
  if (input.target.goalId) {
    const goalCycleIds = cycle.districtCycleId ? [cycle.id, cycle.districtCycleId] : [cycle.id];
    const [goal] = await db.select({ id: goals.id }).from(goals).where(and(eq(goals.id, input.target.goalId), inArray(goals.cycleId, goalCycleIds)));
    if (!goal) throw new ValidationFailed({ target: ["Choose a goal of this cycle."] });
  } else {
    const [item] = await db
      .select({ id: rubricItems.id })
      .from(rubricItems)
      .where(and(eq(rubricItems.id, input.target.rubricItemId!), eq(rubricItems.rubricVersionId, cycle.rubricVersionId)));
    if (!item) throw new ValidationFailed({ target: ["Choose a rubric item of this cycle's rubric."] });
  }
  let evidenceViewPath: string | null = null;
  let evidenceLabel = input.evidenceLabel;
  if (input.evidence.viewKey) {
    const view = dataViews[input.evidence.viewKey];
    evidenceViewPath = dataViewPath(input.evidence.viewKey, cycle.id);
    evidenceLabel ||= view.label;
  } else {
    const [score] = await db
      .select({ id: rubricScores.id })
      .from(rubricScores)
      .where(and(eq(rubricScores.id, input.evidence.scoreId!), eq(rubricScores.cycleId, cycle.id)));
    if (!score) throw new ValidationFailed({ evidence: ["Choose one of this cycle's rubric scores."] });
  }
  return {
    kind: input.kind,
    summary: input.summary,
    goalId: input.target.goalId,
    rubricItemId: input.target.rubricItemId,
    evidenceViewPath,
    evidenceLabel,
    evidenceScoreId: input.evidence.scoreId,
  };
}

/** Records a success or challenge, tied to a goal or rubric item of the cycle and to a data view or one of its rubric scores. */
export async function addFinding(db: Database, actor: Actor, cycleId: string, meetingId: string, input: FindingInput, ip?: string) {
  const cycle = await editableCycle(db, actor, cycleId);
  const meeting = await meetingOf(db, cycle.id, meetingId);
  const columns = await resolveFinding(db, cycle, input);
  return db.transaction(async (tx) => {
    await holdOpenCycle(tx, cycle.id);
    const [finding] = await tx
      .insert(findings)
      .values({ meetingId: meeting.id, ...columns, createdBy: actor.id })
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "reflection.finding.add",
      entityType: "finding",
      entityId: finding.id,
      details: { meetingId: meeting.id, title: meeting.title, kind: finding.kind },
      ip,
    });
    return finding;
  });
}

const findingColumns = ["kind", "summary", "goalId", "rubricItemId", "evidenceViewPath", "evidenceLabel", "evidenceScoreId"] as const;

/**
 * Rewords a finding or changes what it is about and its evidence, by those who may record findings, while the cycle
 * is open, at the version the page showed. A finding removed meanwhile is a conflict, not a missing page, so the
 * page can keep what was typed.
 */
export async function updateFinding(db: Database, actor: Actor, cycleId: string, meetingId: string, input: FindingEditInput, ip?: string) {
  const cycle = await editableCycle(db, actor, cycleId);
  const meeting = await meetingOf(db, cycle.id, meetingId);
  const after = await resolveFinding(db, cycle, input);
  return db.transaction(async (tx) => {
    await holdOpenCycle(tx, cycle.id);
    const [row] = await tx
      .select()
      .from(findings)
      .where(and(eq(findings.id, input.findingId), eq(findings.meetingId, meeting.id)))
      .for("update");
    if (!row) {
      const [elsewhere] = await tx.select({ id: findings.id }).from(findings).where(eq(findings.id, input.findingId));
      if (elsewhere) throw new NotFound("finding");
      throw new Conflict("Someone removed this finding while you were editing it, so your changes were not saved. What you typed is in the form to add a finding.");
    }
    if (row.version !== input.expectedVersion) {
      throw new StaleEdit({
        findingId: row.id,
        kind: row.kind,
        summary: row.summary,
        ...findingFormValues(row, cycle.id),
        version: row.version,
        ...(await lastSavedBy(tx, actor.districtId, "finding", row.id)),
      });
    }
    const changes = findingColumns.filter((field) => row[field] !== after[field]).map((field) => ({ field, before: row[field], after: after[field] }));
    if (changes.length === 0) return row;
    const [saved] = await tx
      .update(findings)
      .set({ ...after, version: row.version + 1 })
      .where(eq(findings.id, row.id))
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "reflection.finding.update",
      entityType: "finding",
      entityId: row.id,
      details: { meetingId: meeting.id, title: meeting.title, kind: saved.kind, version: saved.version, changes },
      ip,
    });
    return saved;
  });
}

export async function removeFinding(db: Database, actor: Actor, cycleId: string, meetingId: string, findingId: string, expectedVersion: number, ip?: string) {
  const cycle = await editableCycle(db, actor, cycleId);
  const meeting = await meetingOf(db, cycle.id, meetingId);
  return db.transaction(async (tx) => {
    await holdOpenCycle(tx, cycle.id);
    const [row] = await tx
      .select()
      .from(findings)
      .where(and(eq(findings.id, findingId), eq(findings.meetingId, meeting.id)))
      .for("update");
    if (!row) throw new NotFound("finding");
    if (row.version !== expectedVersion) throw new StaleEdit({ summary: row.summary, version: row.version });
    await tx.delete(findings).where(eq(findings.id, findingId));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "reflection.finding.remove",
      entityType: "finding",
      entityId: findingId,
      details: { meetingId: meeting.id, title: meeting.title, kind: row.kind, summary: row.summary },
      ip,
    });
  });
}

/** The group's decision per goal of the cycle, recorded on the goals with this meeting as where it was taken. */
export async function decideInMeeting(db: Database, actor: Actor, cycleId: string, meetingId: string, input: MeetingDecisionsInput, ip?: string) {
  const cycle = await editableCycle(db, actor, cycleId);
  const meeting = await meetingOf(db, cycle.id, meetingId);
  return saveYearEndDecisions(db, actor, cycle.id, input, ip, { meetingId: meeting.id });
}

// ---------------------------------------------------------------------------------------------------------------
// Shared notes

/** The meeting's shared notes: a collaborative document on the same server as action plans, created on first open. */
export async function ensureMeetingNotes(db: Database, actor: Actor, cycleId: string, meetingId: string, ip?: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const meeting = await meetingOf(db, cycle.id, meetingId);
  const [existing] = await db.select().from(planDocuments).where(eq(planDocuments.meetingId, meeting.id));
  if (existing) return existing;
  const template = updateFromJSON({
    type: "doc",
    content: [
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: `Notes: ${meeting.title}` }] },
      {
        type: "paragraph",
        content: [{ type: "text", text: "What we looked at, what we heard from each group, and what we agreed to do next.", marks: [{ type: "italic" }] }],
      },
    ],
  });
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(planDocuments)
      .values({ districtId: cycle.districtId, cycleId: cycle.id, kind: "meeting_notes", meetingId: meeting.id, createdBy: actor.id })
      .onConflictDoNothing({ target: planDocuments.meetingId })
      .returning();
    if (!created) {
      const [winner] = await tx.select().from(planDocuments).where(eq(planDocuments.meetingId, meeting.id));
      return winner;
    }
    await tx.insert(docUpdates).values({ documentId: created.id, seq: 1, update: template, userId: null });
    await recordAudit(tx, {
      districtId: cycle.districtId,
      actorId: actor.id,
      action: "reflection.notes.create",
      entityType: "plan_document",
      entityId: created.id,
      details: { meetingId: meeting.id, title: meeting.title },
      ip,
    });
    return created;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// After a launch: the strategies last year left open

export interface OpenStrategyForReview {
  id: string;
  title: string;
  ownerName: string;
  status: string;
  goalTitle: string;
  decision: string | null;
  fate: OpenStrategyFate;
  /** The goal that continues it this year, when there is one. */
  nextGoalId: string | null;
}

/**
 * The strategies the previous year of this cycle's organisation left unfinished, each with what became of it (carried
 * with its goal, left behind to be rewritten, or ended with its goal), for the team to review at the start of a year.
 */
export async function openStrategiesForReview(db: Database, actor: Actor, cycleId: string) {
  const cycle = await getCycle(db, actor, cycleId);
  const [previous] = await db
    .select()
    .from(cycles)
    .where(
      and(
        eq(cycles.districtId, cycle.districtId),
        cycle.schoolId ? eq(cycles.schoolId, cycle.schoolId) : isNull(cycles.schoolId),
        eq(cycles.startYear, cycle.startYear - 1),
      ),
    );
  if (!previous) return { cycle, previous: null, strategies: [] as OpenStrategyForReview[] };
  const open = await db
    .select({ strategy: strategies, goal: goals })
    .from(strategies)
    .innerJoin(goals, eq(goals.id, strategies.goalId))
    .where(and(eq(strategies.cycleId, previous.id), inArray(strategies.status, ["planned", "in_progress", "blocked"])))
    .orderBy(asc(goals.createdAt), asc(strategies.createdAt), asc(strategies.id));
  const goalIds = [...new Set(open.map((o) => o.goal.id))];
  const next = goalIds.length
    ? await db
        .select({ id: goals.id, carriedFromId: goals.carriedFromId })
        .from(goals)
        .innerJoin(cycles, eq(cycles.id, goals.cycleId))
        .where(and(inArray(goals.carriedFromId, goalIds), eq(cycles.districtId, cycle.districtId), eq(cycles.startYear, cycle.startYear)))
    : [];
  const nextOf = new Map(next.map((n) => [n.carriedFromId!, n.id]));
  return {
    cycle,
    previous: { id: previous.id, yearLabel: schoolYearLabel(previous.startYear) },
    strategies: open.map(
      ({ strategy, goal }): OpenStrategyForReview => ({
        id: strategy.id,
        title: strategy.title,
        ownerName: strategy.ownerName,
        status: strategy.status,
        goalTitle: goal.title,
        decision: goal.decision,
        fate: openStrategyFate(goal.decision),
        nextGoalId: nextOf.get(goal.id) ?? null,
      }),
    ),
  };
}
