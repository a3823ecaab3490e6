// Reflection against a real database: protocols seeded and edited, meetings with answers (and their concurrency),
// findings (recorded, edited, removed), notes and decisions, who may do what, and launching next year from the decisions: baseline scores along
// rubric lineage, open strategies listed for review, the action plan carried, and the closed year left as it was.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, docUpdates, findings, goals, planDocuments, reflectionProtocols, rubricItems, rubricScores, strategies } from "#db/schema";
import { documentJSONFromUpdate } from "~/editor/document";
import { createDistrictCycle, getRubricBoard, scoreRubricItem } from "~/modules/cycles/cycles.server";
import type { GoalInput } from "~/modules/cycles/goals.schema";
import { addStrategy, createGoal, updateStrategy } from "~/modules/cycles/goals.server";
import { getYearEnd, launchNextCycle, startCycle } from "~/modules/cycles/lifecycle.server";
import { addDraftItem, publishRubricDraft, startRubricDraft, updateDraftItem } from "~/modules/cycles/rubrics.server";
import { loadPlanState } from "~/modules/plans/plan-content.server";
import { ensurePlanDocument, planDocumentAccess } from "~/modules/plans/plan-document.server";
import { answerSchema, findingEditSchema, findingSchema, meetingDetailsSchema, meetingSchema, protocolSchema } from "~/modules/reflections/reflections.schema";
import {
  addFinding,
  createMeeting,
  decideInMeeting,
  ensureMeetingNotes,
  getMeeting,
  listMeetings,
  listProtocols,
  openStrategiesForReview,
  removeFinding,
  saveAnswer,
  setProtocolArchived,
  updateFinding,
  updateMeeting,
  updateProtocol,
} from "~/modules/reflections/reflections.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
const db = () => database.db;
const lead = () => actorOf(world.lead);
const team = () => actorOf(world.team);
const board = () => actorOf(world.board);
const principal = () => actorOf(world.schoolTeam, [world.schoolA.id]);
const stranger = () => actorOf(elsewhere.lead);
const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-29", endyearDate: "2027-05-28" };
const nextDates = { baselineDate: "2027-10-01", midyearDate: "2028-01-28", endyearDate: "2028-05-26" };

function implementationGoal(rubricItemId: string, title: string, mirrorScope: "none" | "all_schools" = "none"): GoalInput {
  return {
    kind: "implementation",
    title,
    description: "",
    relevance: "",
    population: "",
    inclusiveNote: "",
    equityNote: "",
    mirrorScope,
    schoolIds: [],
    expectedVersion: null,
    rubricItemId,
    targetLevel: 3,
    targetCheckpoint: "endyear",
  } as GoalInput;
}

async function cycleRow(id: string) {
  return (await db().select().from(cycles).where(eq(cycles.id, id)))[0];
}

let year: { id: string; rubricVersionId: string };
let items: { id: string; title: string }[];
let protocolId: string;
let goalsById: Record<"coaching" | "families" | "vision", string>;
let meetingId: string;

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  const created = await createDistrictCycle(db(), lead(), { startYear: 2026, ...dates });
  await startCycle(db(), lead(), created.id, created.version);
  year = created;
  items = (await getRubricBoard(db(), lead(), year.id)).focusAreas.flatMap((a) => a.items);
  goalsById = {
    coaching: (await createGoal(db(), lead(), year.id, implementationGoal(items[4].id, "Coaching for every teacher", "all_schools"))).id,
    families: (await createGoal(db(), lead(), year.id, implementationGoal(items[8].id, "Families co-design SEL"))).id,
    vision: (await createGoal(db(), lead(), year.id, implementationGoal(items[0].id, "A shared vision"))).id,
  };
});
afterAll(() => database?.close());

describe("protocols", () => {
  it("a district starts with the two protocols; editing rewords in place, adds, reorders and checks the version", async () => {
    const { protocols, canManage } = await listProtocols(db(), team());
    expect(canManage).toBe(true);
    expect(protocols.map((p) => p.name)).toEqual(["Reflect on progress toward annual goals", "Data inquiry with student and family voice"]);
    const annual = protocols[0];
    protocolId = annual.id;
    const form = {
      name: annual.name,
      purpose: annual.purpose,
      dataViews: ["goal-progress", "trend"],
      expectedVersion: String(annual.version),
      [`question.${annual.questions[0].id}`]: "Which goals did we reach, and how do we know?",
      [`position.${annual.questions[0].id}`]: "2",
      [`question.${annual.questions[1].id}`]: annual.questions[1].text,
      [`position.${annual.questions[1].id}`]: "1",
      newQuestion: "Who else should be in the room next time?",
    };
    const saved = await updateProtocol(db(), team(), annual.id, protocolSchema.parse(form));
    expect(saved.version).toBe(annual.version + 1);
    expect(saved.questions.slice(0, 2)).toEqual([annual.questions[1], { id: annual.questions[0].id, text: "Which goals did we reach, and how do we know?" }]);
    expect(saved.questions.at(-1)?.text).toBe("Who else should be in the room next time?");
    expect(saved.questions).toHaveLength(annual.questions.length + 1);
    expect(saved.dataViews).toEqual(["goal-progress", "trend"]);

    // The same form again is stale and changes nothing.
    await expect(updateProtocol(db(), team(), annual.id, protocolSchema.parse(form))).rejects.toThrow(StaleEdit);
    const [row] = await db().select().from(reflectionProtocols).where(eq(reflectionProtocols.id, annual.id));
    expect(row.version).toBe(saved.version);
    const [event] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "reflection.protocol.update"), eq(auditEvents.entityId, annual.id)));
    expect(event.details).toMatchObject({ added: 1, reworded: 1, removed: 0 });
  });

  it("school teams and the board read protocols but never edit them; another district cannot find them", async () => {
    const form = protocolSchema.parse({ name: "Taken over", expectedVersion: "2" });
    await expect(updateProtocol(db(), principal(), protocolId, form)).rejects.toThrow(Forbidden);
    await expect(updateProtocol(db(), board(), protocolId, form)).rejects.toThrow(Forbidden);
    await expect(updateProtocol(db(), stranger(), protocolId, form)).rejects.toThrow(NotFound);
    expect((await listProtocols(db(), board())).canManage).toBe(false);
    // The other district has its own pair, not this one's.
    expect((await listProtocols(db(), stranger())).protocols.map((p) => p.id)).not.toContain(protocolId);
  });

  it("an archived protocol cannot be used for a new meeting until it is restored", async () => {
    const { protocols } = await listProtocols(db(), lead());
    const voice = protocols[1];
    await setProtocolArchived(db(), lead(), voice.id, true, voice.version);
    const input = meetingSchema.parse({ protocolId: voice.id, title: "Inquiry", checkpoint: "midyear", heldOn: "2027-02-01" });
    await expect(createMeeting(db(), lead(), year.id, input)).rejects.toThrow(ValidationFailed);
    await setProtocolArchived(db(), lead(), voice.id, false, voice.version + 1);
    expect((await createMeeting(db(), lead(), year.id, input)).questions).toEqual(voice.questions);
  });
});

describe("a reflection meeting", () => {
  it("is created from a protocol with people of the district; someone from another district is refused", async () => {
    const input = meetingSchema.parse({
      protocolId,
      title: "End-of-year reflection",
      checkpoint: "endyear",
      heldOn: "2027-06-03",
      participantIds: [world.lead.id, world.team.id, world.board.id],
      stakeholderGroups: ["students", "families"],
      stakeholderNote: "Six students from the council",
    });
    await expect(createMeeting(db(), lead(), year.id, { ...input, participantIds: [elsewhere.lead.id] })).rejects.toThrow(ValidationFailed);
    await expect(createMeeting(db(), board(), year.id, input)).rejects.toThrow(Forbidden);
    await expect(createMeeting(db(), stranger(), year.id, input)).rejects.toThrow(NotFound);
    const meeting = await createMeeting(db(), lead(), year.id, input);
    meetingId = meeting.id;
    const page = await getMeeting(db(), board(), year.id, meeting.id);
    expect(page.canEdit).toBe(false);
    expect(page.participants.map((p) => p.name).sort()).toEqual([world.board.name, world.lead.name, world.team.name].sort());
    expect(page.questions.every((q) => q.version === 0 && q.answer === "")).toBe(true);
    // The meeting only exists under its own cycle.
    const schoolCycle = (await db().select().from(cycles).where(eq(cycles.districtCycleId, year.id)))[0];
    await expect(getMeeting(db(), lead(), schoolCycle.id, meeting.id)).rejects.toThrow(NotFound);
    await expect(getMeeting(db(), stranger(), year.id, meeting.id)).rejects.toThrow(NotFound);
  });

  it("changes its details at the version the form showed, participants included", async () => {
    const page = await getMeeting(db(), lead(), year.id, meetingId);
    expect(page.people.map((p) => p.id)).not.toContain(world.schoolTeam.id);
    const details = (title: string, expectedVersion: number) =>
      meetingDetailsSchema.parse({
        title,
        checkpoint: "endyear",
        heldOn: "2027-06-04",
        participantIds: [world.lead.id, world.team.id, world.board.id],
        stakeholderGroups: ["students", "families", "staff"],
        stakeholderNote: "Six students from the council",
        expectedVersion: String(expectedVersion),
      });
    const saved = await updateMeeting(db(), team(), year.id, meetingId, { ...details("End-of-year reflection", page.meeting.version), participantIds: [world.lead.id, world.team.id] });
    expect(saved).toMatchObject({ heldOn: "2027-06-04", stakeholderGroups: ["students", "families", "staff"], version: page.meeting.version + 1 });
    const stale = updateMeeting(db(), lead(), year.id, meetingId, details("Renamed late", page.meeting.version));
    await expect(stale).rejects.toThrow(StaleEdit);
    await stale.catch((e: StaleEdit) => expect(e.current).toMatchObject({ title: "End-of-year reflection", version: saved.version }));
    await expect(updateMeeting(db(), lead(), year.id, meetingId, { ...details("x", saved.version), participantIds: [world.schoolTeam.id] })).rejects.toThrow(ValidationFailed);
    await expect(updateMeeting(db(), board(), year.id, meetingId, details("x", saved.version))).rejects.toThrow(Forbidden);
    expect((await getMeeting(db(), lead(), year.id, meetingId)).participants.map((p) => p.name).sort()).toEqual([world.lead.name, world.team.name].sort());
  });

  it("a school team runs its own school's meetings (not another school's), with its own people and goals", async () => {
    const [schoolCycle] = await db().select().from(cycles).where(and(eq(cycles.districtCycleId, year.id), eq(cycles.schoolId, world.schoolA.id)));
    const [otherSchool] = await db().select().from(cycles).where(and(eq(cycles.districtCycleId, year.id), eq(cycles.schoolId, world.schoolB.id)));
    const input = meetingSchema.parse({ protocolId, title: "Alder reflection", checkpoint: "midyear", heldOn: "2027-02-02", participantIds: [world.schoolTeam.id] });
    const meeting = await createMeeting(db(), principal(), schoolCycle.id, input);
    await expect(createMeeting(db(), principal(), otherSchool.id, input)).rejects.toThrow(Forbidden);
    await expect(createMeeting(db(), team(), schoolCycle.id, input)).rejects.toThrow(Forbidden);
    const page = await getMeeting(db(), principal(), schoolCycle.id, meeting.id);
    expect(page.canEdit).toBe(true);
    // The district goal shared with every school can be what a finding is about; only the school's own goals are decided here.
    expect(page.targets.map((t) => t.label)).toContain("Goal: Coaching for every teacher");
    expect(page.decisionGoals).toEqual([]);
    expect(page.people.map((p) => p.id)).toContain(world.schoolTeam.id);
  });

  it("saves answers with a version check, so two people answering at once never overwrite each other unseen", async () => {
    const { questions } = await getMeeting(db(), lead(), year.id, meetingId);
    const questionId = questions[0].id;
    const first = await saveAnswer(db(), lead(), year.id, meetingId, answerSchema.parse({ questionId, answer: "Two goals met.", expectedVersion: "0" }));
    expect(first.version).toBe(1);
    const second = saveAnswer(db(), team(), year.id, meetingId, answerSchema.parse({ questionId, answer: "One goal met.", expectedVersion: "0" }));
    await expect(second).rejects.toThrow(StaleEdit);
    await second.catch((e: StaleEdit) => expect(e.current).toMatchObject({ answer: "Two goals met.", version: 1 }));
    const updated = await saveAnswer(db(), team(), year.id, meetingId, answerSchema.parse({ questionId, answer: "Two goals met, one close.", expectedVersion: "1" }));
    expect(updated.version).toBe(2);
    await expect(saveAnswer(db(), lead(), year.id, meetingId, answerSchema.parse({ questionId, answer: "Late", expectedVersion: "1" }))).rejects.toThrow(StaleEdit);
    await expect(saveAnswer(db(), lead(), year.id, meetingId, answerSchema.parse({ questionId: "nope", answer: "x", expectedVersion: "0" }))).rejects.toThrow(NotFound);
    await expect(saveAnswer(db(), principal(), year.id, meetingId, answerSchema.parse({ questionId, answer: "x", expectedVersion: "2" }))).rejects.toThrow(Forbidden);
    expect((await getMeeting(db(), lead(), year.id, meetingId)).questions[0]).toMatchObject({ answer: "Two goals met, one close.", version: 2 });
  });

  it("records findings tied to a goal or rubric item of the cycle, with a data view or one of its rubric scores as evidence", async () => {
    await scoreRubricItem(db(), lead(), year.id, { rubricItemId: items[4].id, checkpoint: "endyear", level: 3, evidence: "Walkthroughs", evidenceLinks: [], expectedVersion: null });
    const page = await getMeeting(db(), lead(), year.id, meetingId);
    const score = page.evidenceOptions.find((o) => o.value.startsWith("score:"))!;
    const success = await addFinding(
      db(),
      lead(),
      year.id,
      meetingId,
      findingSchema.parse({ kind: "success", summary: "Coaching reached every school", target: `goal:${goalsById.coaching}`, evidence: score.value }),
    );
    const challenge = await addFinding(
      db(),
      team(),
      year.id,
      meetingId,
      findingSchema.parse({ kind: "challenge", summary: "Gaps for English learners", target: `item:${items[8].id}`, evidence: "view:groups", evidenceLabel: "" }),
    );
    expect(challenge).toMatchObject({ evidenceViewPath: "/data/groups", evidenceLabel: "Results by grade and student group", rubricItemId: items[8].id });
    expect(success.evidenceScoreId).toBe(score.value.slice("score:".length));

    // A goal of another district, or a score of another cycle, is not this cycle's evidence.
    const otherYear = await createDistrictCycle(db(), stranger(), { startYear: 2026, ...dates });
    const otherItem = (await getRubricBoard(db(), stranger(), otherYear.id)).focusAreas[0].items[0].id;
    const otherGoal = await createGoal(db(), stranger(), otherYear.id, implementationGoal(otherItem, "Theirs"));
    const otherScore = await scoreRubricItem(db(), stranger(), otherYear.id, { rubricItemId: otherItem, checkpoint: "baseline", level: 2, evidence: "", evidenceLinks: [], expectedVersion: null });
    const bad = (target: string, evidence: string) => addFinding(db(), lead(), year.id, meetingId, findingSchema.parse({ kind: "success", summary: "x", target, evidence }));
    await expect(bad(`goal:${otherGoal.id}`, "view:trend")).rejects.toThrow(ValidationFailed);
    await expect(bad(`item:${otherItem}`, "view:trend")).rejects.toThrow(ValidationFailed);
    await expect(bad(`goal:${goalsById.coaching}`, `score:${otherScore.id}`)).rejects.toThrow(ValidationFailed);

    const shown = await getMeeting(db(), board(), year.id, meetingId);
    expect(shown.findings.map((f) => [f.kind, f.about])).toEqual([
      ["success", "Goal: Coaching for every teacher"],
      ["challenge", `Rubric item: ${items[8].title}`],
    ]);
    expect(shown.findings[0].evidence).toMatchObject({ kind: "score", label: `${items[4].title}: level 3 at end of year` });

    await expect(removeFinding(db(), lead(), year.id, meetingId, challenge.id, 2)).rejects.toThrow(StaleEdit);
    await removeFinding(db(), lead(), year.id, meetingId, challenge.id, 1);
    expect(await db().select().from(findings).where(eq(findings.meetingId, meetingId))).toHaveLength(1);
  });

  it("edits a finding's words, what it is about and its evidence at the version the page showed; stale, removed and foreign edits are refused", async () => {
    const [finding] = await db().select().from(findings).where(eq(findings.meetingId, meetingId));
    const shown = (await getMeeting(db(), lead(), year.id, meetingId)).findings.find((f) => f.id === finding.id)!;
    expect(shown.form).toEqual({ kind: "success", summary: "Coaching reached every school", target: `goal:${goalsById.coaching}`, evidence: `score:${finding.evidenceScoreId}`, evidenceLabel: "" });
    const edit = (fields: Record<string, string>, version: number) =>
      findingEditSchema.parse({ ...shown.form, ...fields, findingId: finding.id, expectedVersion: String(version) });

    const saved = await updateFinding(
      db(),
      team(),
      year.id,
      meetingId,
      edit({ kind: "challenge", summary: "Coaching reached four schools of six", target: `item:${items[4].id}`, evidence: "view:trend", evidenceLabel: "Self-management, grades 6-8" }, 1),
    );
    expect(saved).toMatchObject({
      kind: "challenge",
      summary: "Coaching reached four schools of six",
      goalId: null,
      rubricItemId: items[4].id,
      evidenceViewPath: "/data/trend",
      evidenceLabel: "Self-management, grades 6-8",
      evidenceScoreId: null,
      version: 2,
    });
    const audits = await db().select().from(auditEvents).where(and(eq(auditEvents.entityId, finding.id), eq(auditEvents.action, "reflection.finding.update")));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: world.team.id, districtId: world.district.id });
    expect((audits[0].details.changes as { field: string }[]).map((c) => c.field)).toEqual(["kind", "summary", "goalId", "rubricItemId", "evidenceViewPath", "evidenceLabel", "evidenceScoreId"]);
    expect((await getMeeting(db(), board(), year.id, meetingId)).findings[0]).toMatchObject({
      about: `Rubric item: ${items[4].title}`,
      form: { kind: "challenge", target: `item:${items[4].id}`, evidence: "view:trend", evidenceLabel: "Self-management, grades 6-8" },
    });

    // The lead, still on version 1, is shown the team's version instead of overwriting it.
    const stale = await updateFinding(db(), lead(), year.id, meetingId, edit({ summary: "Older wording" }, 1)).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(StaleEdit);
    expect((stale as StaleEdit).current).toMatchObject({ summary: "Coaching reached four schools of six", target: `item:${items[4].id}`, evidence: "view:trend", version: 2, savedBy: world.team.name });
    // Targets and evidence are checked as when the finding was recorded.
    await expect(updateFinding(db(), lead(), year.id, meetingId, edit({ target: `goal:${finding.id}` }, 2))).rejects.toThrow(ValidationFailed);
    // Those who may not record findings here may not edit them; another district does not find the meeting.
    await expect(updateFinding(db(), board(), year.id, meetingId, edit({ summary: "Board's words" }, 2))).rejects.toThrow(Forbidden);
    await expect(updateFinding(db(), principal(), year.id, meetingId, edit({ summary: "School's words" }, 2))).rejects.toThrow(Forbidden);
    await expect(updateFinding(db(), stranger(), year.id, meetingId, edit({ summary: "Their words" }, 2))).rejects.toThrow(NotFound);
    expect((await db().select().from(findings).where(eq(findings.id, finding.id)))[0]).toMatchObject({ summary: "Coaching reached four schools of six", version: 2 });

    // A finding removed while someone edits it is a conflict the page can keep the typed words through, not a 404.
    const doomed = await addFinding(db(), lead(), year.id, meetingId, findingSchema.parse({ kind: "success", summary: "Short-lived", target: `goal:${goalsById.vision}`, evidence: "view:trend" }));
    await removeFinding(db(), team(), year.id, meetingId, doomed.id, 1);
    const gone = await updateFinding(db(), lead(), year.id, meetingId, findingEditSchema.parse({ ...shown.form, summary: "Kept words", findingId: doomed.id, expectedVersion: "1" })).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(Conflict);
    expect(gone).not.toBeInstanceOf(StaleEdit);
    expect((gone as Conflict).message).toMatch(/removed this finding/);
  });

  it("keeps shared notes as a collaborative document of the meeting, separate from the cycle's action plan", async () => {
    const notes = await ensureMeetingNotes(db(), board(), year.id, meetingId);
    expect(notes).toMatchObject({ kind: "meeting_notes", meetingId, cycleId: year.id });
    expect((await ensureMeetingNotes(db(), lead(), year.id, meetingId)).id).toBe(notes.id);
    const plan = await ensurePlanDocument(db(), lead(), year.id);
    expect(plan.kind).toBe("action_plan");
    expect(plan.id).not.toBe(notes.id);
    expect((await ensurePlanDocument(db(), team(), year.id)).id).toBe(plan.id);
    expect((await planDocumentAccess(db(), lead(), notes.id)).access).toBe("edit");
    expect((await planDocumentAccess(db(), board(), notes.id)).access).toBe("read");
    await expect(planDocumentAccess(db(), stranger(), notes.id)).rejects.toThrow(NotFound);
  });

  it("decides per goal with a rationale; the goals remember the meeting, who decided and when, and the year-end page says so", async () => {
    const version = (await cycleRow(year.id)).version;
    const decisions = [
      { goalId: goalsById.coaching, decision: "sustain" as const, note: "It works; scale it" },
      { goalId: goalsById.families, decision: "new_strategies" as const, note: "Same aim, different approach" },
      { goalId: goalsById.vision, decision: "change_focus" as const, note: "Done" },
    ];
    await expect(decideInMeeting(db(), board(), year.id, meetingId, { expectedVersion: version, decisions })).rejects.toThrow(Forbidden);
    await decideInMeeting(db(), lead(), year.id, meetingId, { expectedVersion: version, decisions });
    const [coaching] = await db().select().from(goals).where(eq(goals.id, goalsById.coaching));
    expect(coaching).toMatchObject({ decision: "sustain", decisionNote: "It works; scale it", decisionMeetingId: meetingId, decidedBy: world.lead.id });
    expect(coaching.decidedAt).toBeInstanceOf(Date);
    const yearEnd = await getYearEnd(db(), board(), year.id);
    expect(yearEnd.goals.find((g) => g.id === goalsById.coaching)?.decidedIn).toMatchObject({ id: meetingId, title: "End-of-year reflection" });
    expect((await listMeetings(db(), lead(), year.id)).meetings.find((m) => m.id === meetingId)).toMatchObject({ answered: 1, findings: 1, decisions: 3 });
  });
});

describe("launching next year from the decisions", () => {
  let nextId: string;
  let draftItemOf: (oldItemId: string) => Promise<string>;
  let closedPlanState: Uint8Array;
  let closedScores: unknown[];

  beforeAll(async () => {
    // Strategies: one done, one open on each of the sustained and new-strategies goals, one open on the ended goal.
    const done = await addStrategy(db(), lead(), goalsById.coaching, year.id, { title: "Train coaches", ownerName: "Luis", dueDate: "2026-11-01", status: "planned", expectedVersion: null });
    await updateStrategy(db(), lead(), done.id, { title: "Train coaches", ownerName: "Luis", dueDate: "2026-11-01", status: "done", expectedVersion: done.version });
    await addStrategy(db(), lead(), goalsById.coaching, year.id, { title: "Coach new teachers monthly", ownerName: "Dana", dueDate: "2027-03-01", status: "in_progress", expectedVersion: null });
    await addStrategy(db(), lead(), goalsById.families, year.id, { title: "Family nights each term", ownerName: "", dueDate: null, status: "planned", expectedVersion: null });
    await addStrategy(db(), lead(), goalsById.vision, year.id, { title: "Print the vision poster", ownerName: "", dueDate: null, status: "blocked", expectedVersion: null });
    await scoreRubricItem(db(), lead(), year.id, { rubricItemId: items[0].id, checkpoint: "endyear", level: 4, evidence: "", evidenceLinks: [], expectedVersion: null });
    await scoreRubricItem(db(), lead(), year.id, { rubricItemId: items[0].id, checkpoint: "midyear", level: 2, evidence: "", evidenceLinks: [], expectedVersion: null });

    // Version 2 of the rubric rewords item 4, so its score must follow lineage into a different item id.
    const draft = await startRubricDraft(db(), lead());
    draftItemOf = async (oldItemId: string) => {
      const [old] = await db().select().from(rubricItems).where(eq(rubricItems.id, oldItemId));
      const [item] = await db().select().from(rubricItems).where(and(eq(rubricItems.rubricVersionId, draft.id), eq(rubricItems.lineageId, old.lineageId)));
      return item.id;
    };
    const [reworded] = await db().select().from(rubricItems).where(eq(rubricItems.id, await draftItemOf(items[4].id)));
    await updateDraftItem(db(), lead(), reworded.id, { title: "Coaching, reworded", level1: "a", level2: "b", level3: "c", level4: "d", expectedVersion: reworded.version });
    await addDraftItem(db(), lead(), { focusAreaId: "fa2", title: "Protected coaching time", level1: "a", level2: "b", level3: "c", level4: "d" });
    await publishRubricDraft(db(), lead(), { note: "v2", applyToOpenCycles: false });

    const plan = await ensurePlanDocument(db(), lead(), year.id);
    closedPlanState = (await loadPlanState(db(), plan.id)).state;
    closedScores = await db().select().from(rubricScores).where(eq(rubricScores.cycleId, year.id));
    const result = await launchNextCycle(db(), lead(), year.id, { ...nextDates, expectedVersion: (await cycleRow(year.id)).version, confirm: "yes" });
    nextId = result.nextCycleId;
    expect(result).toMatchObject({ goalsCarried: 2, goalsClosed: 1, baselineScoresCarried: 2, plansCarried: 1 });
  });

  it("makes end-of-year scores next year's baseline, following each item's lineage into the new rubric", async () => {
    const baseline = await db().select().from(rubricScores).where(eq(rubricScores.cycleId, nextId));
    const byItem = Object.fromEntries(baseline.map((s) => [s.rubricItemId, s]));
    expect(baseline.every((s) => s.checkpoint === "baseline")).toBe(true);
    expect(byItem[await draftItemOf(items[4].id)]).toMatchObject({ level: 3, evidence: "Carried from the end-of-year score of 2026–27. Walkthroughs", scoredBy: world.lead.id });
    expect(byItem[await draftItemOf(items[0].id)]).toMatchObject({ level: 4, evidence: "Carried from the end-of-year score of 2026–27." });
    expect(baseline).toHaveLength(2);
    const rubricBoard = await getRubricBoard(db(), board(), nextId);
    const reworded = rubricBoard.focusAreas.flatMap((a) => a.items).find((i) => i.title === "Coaching, reworded")!;
    expect(reworded.scores.baseline?.level).toBe(3);
  });

  it("lists last year's open strategies with what became of each", async () => {
    const review = await openStrategiesForReview(db(), lead(), nextId);
    expect(review.previous?.id).toBe(year.id);
    const rows = review.strategies.map((s) => [s.title, s.fate, s.nextGoalId !== null]);
    expect(rows).toEqual([
      ["Coach new teachers monthly", "carried", true],
      ["Family nights each term", "to_rewrite", true],
      ["Print the vision poster", "ended", false],
    ]);
    // Carried ones are in the new cycle; the one left behind is not.
    const carried = await db().select({ title: strategies.title }).from(strategies).where(eq(strategies.cycleId, nextId));
    expect(carried.map((s) => s.title)).toEqual(["Coach new teachers monthly"]);
    await expect(openStrategiesForReview(db(), stranger(), nextId)).rejects.toThrow(NotFound);
  });

  it("starts next year's action plan from this year's, goal blocks pointing at the carried goals", async () => {
    const [doc] = await db().select().from(planDocuments).where(and(eq(planDocuments.cycleId, nextId), eq(planDocuments.kind, "action_plan")));
    expect(doc).toBeDefined();
    const [first] = await db().select().from(docUpdates).where(eq(docUpdates.documentId, doc.id));
    const text = JSON.stringify(documentJSONFromUpdate(first.update));
    const [carriedCoaching] = await db().select().from(goals).where(eq(goals.carriedFromId, goalsById.coaching));
    expect(text).toContain("Started from the 2026–27 action plan: update it for 2027–28.");
    expect(text).toContain("Action plan of");
    expect(text).toContain(carriedCoaching.id);
    expect(text).not.toContain(goalsById.coaching);
    expect(text).toContain("“A shared vision” ended in 2026–27 and was not carried forward.");
    // Opening the new cycle's plan finds that document instead of making a blank one.
    expect((await ensurePlanDocument(db(), lead(), nextId)).id).toBe(doc.id);
  });

  it("leaves the closed year as it was, and its meetings read-only", async () => {
    const plan = await ensurePlanDocument(db(), lead(), year.id);
    expect(Buffer.from((await loadPlanState(db(), plan.id)).state)).toEqual(Buffer.from(closedPlanState));
    expect(await db().select().from(rubricScores).where(eq(rubricScores.cycleId, year.id))).toEqual(closedScores);
    expect((await planDocumentAccess(db(), lead(), plan.id)).access).toBe("read");
    const page = await getMeeting(db(), lead(), year.id, meetingId);
    expect(page.canEdit).toBe(false);
    await expect(saveAnswer(db(), lead(), year.id, meetingId, answerSchema.parse({ questionId: page.questions[1].id, answer: "x", expectedVersion: "0" }))).rejects.toThrow(Conflict);
    const [finding] = page.findings;
    await expect(
      updateFinding(db(), lead(), year.id, meetingId, findingEditSchema.parse({ ...finding.form, summary: "Rewritten after closing", findingId: finding.id, expectedVersion: String(finding.version) })),
    ).rejects.toThrow(/closed/);
    expect((await db().select().from(findings).where(eq(findings.id, finding.id)))[0].summary).toBe(finding.summary);
    await expect(
      createMeeting(db(), lead(), year.id, meetingSchema.parse({ protocolId, title: "Late", checkpoint: "endyear", heldOn: "2027-07-01" })),
    ).rejects.toThrow(Conflict);
  });
});
