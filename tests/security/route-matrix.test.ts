// Proves who may open and change what, over real HTTP: every role against every page and form, plus a lead of
// another district who must not even learn that this district's records exist (404, never 403 or 200).
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycles } from "#db/schema";
import { createDistrictCycle, getRubricBoard } from "~/modules/cycles/cycles.server";
import { goalSchema, strategySchema } from "~/modules/cycles/goals.schema";
import { addStrategy, createGoal } from "~/modules/cycles/goals.server";
import { createDefaultRubric } from "#db/seed/catalog.server";
import { startRubricDraft } from "~/modules/cycles/rubrics.server";
import { findingSchema, meetingSchema } from "~/modules/reflections/reflections.schema";
import { addFinding, createMeeting, listProtocols } from "~/modules/reflections/reflections.server";
import { importFields, parseCsv, validateRecords, guessMapping } from "~/modules/data/import";
import { commitImport, loadImportLookups } from "~/modules/data/import.server";
import { stageUpload } from "~/modules/data/import-staging.server";
import { createMeasure, createStudentGroup } from "~/modules/data/measures.server";
import { indicatorWeeks, students } from "#db/schema";
import { createReport, submitForReview } from "~/modules/reports/reports.server";
import { ensureInterventionCatalog, listInterventionCatalog } from "~/modules/students/students.server";
import { actorOf, makeDistrictWithPeople, makeSchool, makeUser } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { signedIn } from "./helpers";

type Actor = "signedOut" | "lead" | "team" | "recordsTeam" | "schoolTeam" | "board" | "otherLead";
type Body = Record<string, string | string[]>;

interface Route {
  method: "GET" | "POST";
  /** A path with placeholders (:schoolA, :member, …) filled in once the fixtures exist. */
  path: string;
  body?: (actor: Actor) => Body;
  /** Where a 302 from a signed-in actor must point (a template, or a pattern). */
  location?: string | RegExp;
  expect: Partial<Record<Actor, number>>;
  /** A download (resource route): refusals are short plain-text answers, not the app's error pages. */
  file?: true;
  /** Student records: a 200 must write exactly one access log entry of this kind, a refusal none; "none": no entry at all. */
  logs?: "view" | "list" | "export" | "none";
}

interface Row {
  actor: Actor;
  method: Route["method"];
  path: string;
  status: number;
  route: Route;
}

const OUT = 302; // signed-out visitors are sent to sign in

// Bodies carry the actor's name, so a write that should have been refused leaves a findable trace.
const schoolForm = (actor: Actor) => ({ name: `Made by ${actor}`, level: "high" });
const schoolUpdate = (actor: Actor) => ({ intent: "update", name: `Renamed by ${actor}`, level: "k8" });
const archive = () => ({ intent: "archive" });
const inviteForm = (actor: Actor) => ({
  name: `Invited by ${actor}`,
  email: `invited-by-${actor.toLowerCase()}@example.test`,
  role: "school_team",
  schoolIds: [":schoolA"],
  studentRecords: "on",
});
const personUpdate = (actor: Actor) => ({ intent: "update", name: `Renamed by ${actor}`, role: "board", studentRecords: "" });
const deactivate = () => ({ intent: "deactivate" });
const settingsForm = (actor: Actor) => ({ name: `District set by ${actor}`, minCellSize: "12" });
const rubricWords = (title: string) => ({ title, level1: "Not yet.", level2: "Partly.", level3: "Mostly.", level4: "Fully." });
const draftItemEdit = (actor: Actor) => ({ ...rubricWords(`Reworded by ${actor}`), expectedVersion: "1" });
const draftItemAdd = (actor: Actor) => ({ intent: "add-item", focusAreaId: "fa3", ...rubricWords(`Added by ${actor}`) });
const publishDraft = (actor: Actor) => ({ intent: "publish", note: `Published by ${actor}`, applyToOpenCycles: "on" });

// Goal and strategy edits, named after the actor for the same reason.
const goalEdit = (actor: Actor) => ({
  kind: "implementation",
  title: `Edited by ${actor}`,
  rubricItemId: ":item",
  targetLevel: "3",
  targetCheckpoint: "endyear",
  mirrorScope: "none",
  expectedVersion: "1",
});
const strategyEdit = (actor: Actor) => ({ intent: "save", title: `Edited by ${actor}`, ownerName: "", dueDate: "", status: "done", expectedVersion: "1" });
const strategyRemoval = () => ({ intent: "remove", expectedVersion: "1" });
// Intervention catalog edits, named after the actor likewise.
const catalogEdit = (expectedVersion: string) => (actor: Actor) => ({ intent: "save", name: `Edited by ${actor}`, description: `Reworded by ${actor}`, expectedVersion });
// Reflection forms, named after the actor likewise.
const protocolEdit = (actor: Actor) => ({ intent: "save", name: `Protocol by ${actor}`, purpose: "", expectedVersion: "1", dataViews: ["trend"] });
const meetingForm = (actor: Actor) => ({ protocolId: ":protocol", title: `Meeting by ${actor}`, checkpoint: "endyear", heldOn: "2027-06-01", stakeholderGroups: ["students"] });
const meetingDetails = (actor: Actor) => ({ intent: "details", title: `Details by ${actor}`, checkpoint: "midyear", heldOn: "2027-02-01", expectedVersion: "1" });
const meetingAnswer = (actor: Actor) => ({ intent: "answer", questionId: "q1", answer: `Answered by ${actor}`, expectedVersion: "0" });
const meetingFinding = (actor: Actor) => ({ intent: "finding", kind: "success", summary: `Found by ${actor}`, target: "goal::goal", evidence: "view:trend" });
const findingEdit = (actor: Actor) => ({
  intent: "edit-finding",
  findingId: ":finding",
  kind: "challenge",
  summary: `Reworded by ${actor}`,
  target: "goal::goal",
  evidence: "view:trend",
  evidenceLabel: "",
  expectedVersion: "1",
});
const meetingDecision = (actor: Actor) => ({ intent: "decide", expectedVersion: "1", "decision.:goal": "sustain", "note.:goal": `Decided by ${actor}` });
const measureEdit = (actor: Actor) => ({
  name: `Matrix measure by ${actor}`,
  description: "",
  unit: "mean",
  direction: "higher_is_better",
  category: "custom",
  scaleMin: "1",
  scaleMax: "5",
  expectedVersion: "1",
});
const groupEdit = (actor: Actor) => ({ name: `Matrix group by ${actor}`, expectedVersion: "1" });
const goalPath = "/cycles/:districtCycle/goals/:goal";
const schoolGoalPath = "/cycles/:cycleA/goals/:schoolGoal";
const districtStepPath = `${goalPath}/strategies/:districtStep/edit`;
const schoolStepPath = "/cycles/:cycleA/goals/:goal/strategies/:schoolStep/edit";

const importColumns = Object.fromEntries(importFields.map((f, i) => [`col_${f}`, String(i)]));

const routes: Route[] = [
  // Pages.
  { method: "GET", path: "/home", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/schools", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/schools/:schoolA", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/schools/:schoolB", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 200, otherLead: 404 } },
  { method: "GET", path: "/schools/:otherSchool", expect: { lead: 404, team: 404, schoolTeam: 404, board: 404, otherLead: 200 } },
  { method: "GET", path: "/people", expect: { signedOut: OUT, lead: 200, team: 403, schoolTeam: 403, board: 403, otherLead: 200 } },
  { method: "GET", path: "/people/:member", expect: { signedOut: OUT, lead: 200, team: 403, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "GET", path: "/settings", expect: { signedOut: OUT, lead: 200, team: 403, schoolTeam: 403, board: 403, otherLead: 200 } },
  { method: "GET", path: "/account", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  // The rubric: everyone in a district reads its versions; only the lead sees and edits the draft.
  { method: "GET", path: "/rubric", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/rubric/versions/:rubricVersion", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/rubric/versions/:otherRubricVersion", expect: { lead: 404, board: 404, otherLead: 200 } },
  // The other district has no draft, so its lead is sent back to its own rubric page.
  { method: "GET", path: "/rubric/draft", location: "/rubric", expect: { signedOut: OUT, lead: 200, team: 403, schoolTeam: 403, board: 403, otherLead: 302 } },
  { method: "GET", path: "/rubric/draft/:draftItem", expect: { signedOut: OUT, lead: 200, team: 403, schoolTeam: 403, board: 403, otherLead: 404 } },
  // The school switcher is a redirect to the school's page, for whoever may read the school.
  {
    method: "GET",
    path: "/switch-school?school=:schoolA",
    location: "/schools/:schoolA",
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 302, board: 302, otherLead: 404 },
  },
  { method: "GET", path: "/switch-school?school=:schoolB", location: "/schools/:schoolB", expect: { schoolTeam: 403, otherLead: 404 } },
  // The district chooser (ADR 0035): everyone sees their own districts; a district one is not a member of is not found.
  { method: "GET", path: "/switch-district", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  {
    method: "POST",
    path: "/switch-district",
    body: () => ({ districtId: ":otherDistrict" }),
    location: "/home",
    expect: { signedOut: OUT, lead: 404, team: 404, schoolTeam: 404, board: 404, otherLead: 302 },
  },
  { method: "POST", path: "/switch-district", body: () => ({ districtId: ":district" }), location: "/home", expect: { lead: 302, otherLead: 404 } },
  { method: "POST", path: "/switch-district", body: () => ({ districtId: "not-a-uuid" }), expect: { lead: 400 } },

  // Forms. The lead's successful writes go to scratch records, so the pages above keep their fixtures.
  {
    method: "POST",
    path: "/schools",
    body: schoolForm,
    location: /^\/schools\/[0-9a-f-]{36}\?added=1$/,
    expect: { signedOut: OUT, lead: 302, team: 403, schoolTeam: 403, board: 403 },
  },
  { method: "POST", path: "/schools/:scratchSchool", body: schoolUpdate, location: "/schools/:scratchSchool?saved=1", expect: { lead: 302 } },
  { method: "POST", path: "/schools/:scratchSchool", body: archive, location: "/schools/:scratchSchool?archived=1", expect: { lead: 302 } },
  { method: "POST", path: "/schools/:schoolA", body: schoolUpdate, expect: { signedOut: OUT, team: 403, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: "/schools/:schoolA", body: archive, expect: { signedOut: OUT, team: 403, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: "/schools/:schoolB", body: schoolUpdate, expect: { schoolTeam: 403, otherLead: 404 } },
  { method: "POST", path: "/people", body: inviteForm, expect: { signedOut: OUT, lead: 200, team: 403, schoolTeam: 403, board: 403 } },
  { method: "POST", path: "/people/:scratchPerson", body: personUpdate, location: "/people/:scratchPerson?saved=1", expect: { lead: 302 } },
  { method: "POST", path: "/people/:scratchPerson", body: deactivate, location: "/people/:scratchPerson?deactivated=1", expect: { lead: 302 } },
  { method: "POST", path: "/people/:member", body: personUpdate, expect: { signedOut: OUT, team: 403, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: "/people/:member", body: deactivate, expect: { signedOut: OUT, team: 403, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: "/settings", body: settingsForm, location: "/settings?saved=1", expect: { signedOut: OUT, lead: 302, team: 403, schoolTeam: 403, board: 403 } },
  // A second draft while one is open is a conflict, not a second draft.
  { method: "POST", path: "/rubric", body: () => ({ intent: "start-draft" }), expect: { signedOut: OUT, lead: 409, team: 403, schoolTeam: 403, board: 403 } },
  {
    method: "POST",
    path: "/rubric/draft/:draftItem",
    body: draftItemEdit,
    location: "/rubric/draft?saved=item#item-:draftItem",
    expect: { signedOut: OUT, lead: 302, team: 403, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/rubric/draft",
    body: draftItemAdd,
    location: /^\/rubric\/draft\?saved=added#item-[0-9a-f-]{36}$/,
    expect: { signedOut: OUT, lead: 302, team: 403, schoolTeam: 403, board: 403 },
  },
  { method: "POST", path: "/rubric/draft", body: publishDraft, expect: { signedOut: OUT, team: 403, schoolTeam: 403, board: 403 } },
  { method: "POST", path: "/rubric/draft", body: () => ({ intent: "discard" }), expect: { signedOut: OUT, team: 403, schoolTeam: 403, board: 403 } },
  // The other district's lead acts on its own district, which has no draft: the page sends it to its rubric.
  { method: "POST", path: "/rubric/draft", body: draftItemAdd, location: "/rubric", expect: { otherLead: 302 } },
  { method: "POST", path: "/rubric/draft", body: publishDraft, location: "/rubric", expect: { otherLead: 302 } },

  // Editing goals: only the goal's own cycle's editors; a school reads a shared district goal but never rewords it.
  { method: "GET", path: `${goalPath}/edit`, expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 404 } },
  {
    method: "GET",
    path: "/cycles/:cycleA/goals/:goal/edit",
    location: `${goalPath}/edit`,
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  { method: "GET", path: `${schoolGoalPath}/edit`, expect: { signedOut: OUT, lead: 200, team: 403, schoolTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/cycles/:districtCycle/goals/:otherGoal/edit", expect: { lead: 404, otherLead: 404 } },
  { method: "GET", path: "/cycles/:otherCycle/goals/:otherGoal/edit", expect: { lead: 404, otherLead: 200 } },
  { method: "POST", path: `${goalPath}/edit`, body: goalEdit, expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: "/cycles/:cycleA/goals/:goal/edit", body: goalEdit, expect: { schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: `${schoolGoalPath}/edit`, body: goalEdit, expect: { signedOut: OUT, team: 403, board: 403, otherLead: 404 } },
  {
    method: "POST",
    path: "/cycles/:districtCycle/goals/:scratchGoal/edit",
    body: goalEdit,
    location: "/cycles/:districtCycle/goals/:scratchGoal?saved=goal",
    expect: { lead: 302 },
  },
  // Editing and removing strategies: each cycle's own steps, so neither side touches the other's on a shared goal.
  { method: "GET", path: districtStepPath, expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "GET", path: schoolStepPath, expect: { signedOut: OUT, lead: 200, team: 403, schoolTeam: 200, board: 403, otherLead: 404 } },
  // A step lives at one address only: under the cycle that owns it.
  { method: "GET", path: `${goalPath}/strategies/:schoolStep/edit`, expect: { lead: 404 } },
  { method: "GET", path: "/cycles/:cycleA/goals/:schoolGoal/strategies/:schoolStep/edit", expect: { lead: 404, schoolTeam: 404 } },
  { method: "POST", path: districtStepPath, body: strategyEdit, expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: districtStepPath, body: strategyRemoval, expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: schoolStepPath, body: strategyEdit, expect: { signedOut: OUT, team: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: schoolStepPath, body: strategyRemoval, expect: { signedOut: OUT, team: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: `${goalPath}/strategies/:scratchStep/edit`, body: strategyEdit, location: `${goalPath}?saved=strategy`, expect: { team: 302 } },
  {
    method: "POST",
    path: "/cycles/:cycleA/goals/:goal/strategies/:scratchSchoolStep/edit",
    body: strategyRemoval,
    location: "/cycles/:cycleA/goals/:goal?removed=strategy",
    expect: { schoolTeam: 302 },
  },

  // Reflection: everyone in the district reads protocols, meetings and the review of last year's strategies; the district
  // SEL roles keep the protocols; those who may edit a cycle run its meetings.
  { method: "GET", path: "/reflection-protocols", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/reflection-protocols/:protocol", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/reflection-protocols/:otherProtocol", expect: { lead: 404, board: 404, otherLead: 200 } },
  { method: "GET", path: "/reflection-protocols/not-a-uuid", expect: { lead: 404 } },
  { method: "GET", path: "/cycles/:districtCycle/reflection", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:cycleA/reflection", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:otherCycle/reflection", expect: { lead: 404, schoolTeam: 404, otherLead: 200 } },
  { method: "GET", path: "/cycles/:districtCycle/reflection/:meeting", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  // A meeting lives at one address only: under its own cycle.
  { method: "GET", path: "/cycles/:cycleA/reflection/:meeting", expect: { lead: 404, schoolTeam: 404 } },
  { method: "GET", path: "/cycles/:districtCycle/reflection/:missing", expect: { lead: 404, board: 404 } },
  { method: "GET", path: "/cycles/:otherCycle/reflection/:otherMeeting", expect: { lead: 404, board: 404, otherLead: 200 } },
  { method: "GET", path: "/cycles/:districtCycle/carried-over", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:cycleA/carried-over", expect: { lead: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  {
    method: "POST",
    path: "/reflection-protocols/:protocol",
    body: protocolEdit,
    location: "/reflection-protocols/:protocol?saved=1",
    expect: { signedOut: OUT, lead: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  { method: "POST", path: "/reflection-protocols/:protocolTwo", body: protocolEdit, location: "/reflection-protocols/:protocolTwo?saved=1", expect: { team: 302 } },
  {
    method: "POST",
    path: "/reflection-protocols/:protocol",
    body: () => ({ intent: "archive", expectedVersion: "1" }),
    expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/cycles/:districtCycle/reflection",
    body: meetingForm,
    location: /^\/cycles\/[0-9a-f-]{36}\/reflection\/[0-9a-f-]{36}\?created=1$/,
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/cycles/:cycleA/reflection",
    body: meetingForm,
    location: /^\/cycles\/[0-9a-f-]{36}\/reflection\/[0-9a-f-]{36}\?created=1$/,
    expect: { signedOut: OUT, lead: 302, team: 403, schoolTeam: 302, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/cycles/:districtCycle/reflection/:meeting",
    body: meetingDetails,
    location: "/cycles/:districtCycle/reflection/:meeting?saved=details",
    expect: { signedOut: OUT, lead: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/cycles/:districtCycle/reflection/:meeting",
    body: meetingAnswer,
    location: "/cycles/:districtCycle/reflection/:meeting?saved=answer#question-q1",
    expect: { signedOut: OUT, lead: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/cycles/:districtCycle/reflection/:meeting",
    body: meetingFinding,
    location: "/cycles/:districtCycle/reflection/:meeting?saved=finding#findings",
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/cycles/:districtCycle/reflection/:meeting",
    body: meetingDecision,
    expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  { method: "POST", path: "/cycles/:cycleA/reflection/:meeting", body: meetingFinding, expect: { lead: 404, schoolTeam: 404 } },
  // Editing a finding: whoever may record one. The lead saves version 1; the team, still on version 1, is shown the lead's.
  {
    method: "POST",
    path: "/cycles/:districtCycle/reflection/:meeting",
    body: findingEdit,
    location: "/cycles/:districtCycle/reflection/:meeting?saved=finding-edited#finding-:finding",
    expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404, lead: 302, team: 409 },
  },
  { method: "POST", path: "/cycles/:cycleA/reflection/:meeting", body: findingEdit, expect: { lead: 404, schoolTeam: 404 } },
  { method: "POST", path: "/cycles/:otherCycle/reflection/:otherMeeting", body: findingEdit, expect: { lead: 404, team: 404 } },
  // Outcome data: everyone in the district reads suppressed aggregates in their reach (a school team its own schools
  // and the district); only district SEL roles keep benchmarks. Another district's school is not found.
  { method: "GET", path: "/data", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/data/competencies", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/data/competencies?school=:schoolA", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/data/groups?school=:schoolB", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 200, otherLead: 404 } },
  { method: "GET", path: "/data/groups?school=:otherSchool", expect: { lead: 404, schoolTeam: 404, board: 404, otherLead: 200 } },
  { method: "GET", path: "/data/trend?school=:schoolA", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/data/trend?school=not-a-uuid", expect: { lead: 404 } },
  { method: "GET", path: "/data/benchmarks", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/data/export/competencies", file: true, expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/data/export/groups?school=:schoolA", file: true, expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/data/export/trend?school=:schoolB", file: true, expect: { lead: 200, schoolTeam: 403, otherLead: 404 } },
  { method: "GET", path: "/data/export/everything", file: true, expect: { lead: 404, board: 404 } },
  {
    method: "POST",
    path: "/data/benchmarks",
    body: (actor) => ({ intent: "add", measureId: ":measure", kind: "target", gradeBand: actor === "team" ? "3-5" : "K-2", value: "70", source: `Set by ${actor}` }),
    location: /^\/data\/benchmarks\?saved=1#b-[0-9a-f-]{36}$/,
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 302 },
  },
  // The lead saves version 1; the team, still on version 1, is told someone saved first.
  {
    method: "POST",
    path: "/data/benchmarks",
    body: (actor) => ({ intent: "update", benchmarkId: ":benchmark", value: "66", source: `Changed by ${actor}`, expectedVersion: "1" }),
    location: "/data/benchmarks?saved=1#b-:benchmark",
    expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404, lead: 302, team: 409 },
  },
  // Outcome data administration: the district's SEL lead and team import and undo; everyone in the district reads
  // the measures and groups; an upload is its uploader's alone (another person, even in the district, gets 404).
  { method: "GET", path: "/data/import", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 200 } },
  { method: "GET", path: "/data/import?upload=:upload", expect: { signedOut: OUT, lead: 200, team: 404, schoolTeam: 403, board: 403, otherLead: 404 } },
  // A mapping that is not a column number is a bad request, never a server error.
  { method: "GET", path: "/data/import?upload=:upload&col_school=abc", expect: { lead: 400 } },
  { method: "GET", path: "/data/import/errors?upload=:upload", file: true, expect: { signedOut: OUT, lead: 200, team: 404, schoolTeam: 403, board: 403, otherLead: 404 } },
  {
    method: "POST",
    path: "/data/import",
    body: () => ({ upload: ":upload", ...importColumns }),
    location: /^\/data\/imports\?imported=[0-9a-f-]{36}$/,
    // The lead goes last: confirming uses the upload up.
    expect: { signedOut: OUT, team: 404, schoolTeam: 403, board: 403, otherLead: 404, lead: 302 },
  },
  { method: "GET", path: "/data/imports", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 200 } },
  {
    method: "POST",
    path: "/data/imports",
    body: () => ({ intent: "undo", importId: ":dataImport" }),
    location: "/data/imports?undone=:dataImport",
    expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404, lead: 302 },
  },
  { method: "GET", path: "/data/measures", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/data/student-groups", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  {
    method: "POST",
    path: "/data/measures",
    body: (actor) => ({ name: `Measure by ${actor}`, description: "", unit: "mean", direction: "higher_is_better", category: "custom", scaleMin: "0", scaleMax: "5" }),
    location: /^\/data\/measures\?added=measure-by-(lead|team|otherlead)#measure-measure-by-(lead|team|otherlead)$/,
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 302 },
  },
  {
    method: "POST",
    path: "/data/student-groups",
    body: (actor) => ({ name: `Group by ${actor}` }),
    location: /^\/data\/student-groups\?added=group-by-(lead|team|otherlead)$/,
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 302 },
  },
  // Editing the district's own measures and groups: its data managers. The catalog's are shared, readable by every
  // district and edited by none (403); another district's are not found. The lead saves version 1 first; the team,
  // still on version 1, is shown the lead's save.
  { method: "GET", path: "/data/measures/:ownMeasure/edit", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "GET", path: "/data/measures/:measure/edit", expect: { signedOut: OUT, lead: 403, team: 403, schoolTeam: 403, board: 403, otherLead: 403 } },
  { method: "GET", path: "/data/measures/:missing/edit", expect: { lead: 404, board: 404 } },
  { method: "GET", path: "/data/measures/not-a-uuid/edit", expect: { lead: 404 } },
  {
    method: "POST",
    path: "/data/measures/:ownMeasure/edit",
    body: measureEdit,
    location: "/data/measures?saved=matrix-measure#measure-matrix-measure",
    expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404, lead: 302, team: 409 },
  },
  { method: "POST", path: "/data/measures/:measure/edit", body: measureEdit, expect: { signedOut: OUT, lead: 403, team: 403, otherLead: 403 } },
  { method: "GET", path: "/data/student-groups/:ownGroup/edit", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "GET", path: "/data/student-groups/:catalogGroup/edit", expect: { signedOut: OUT, lead: 403, team: 403, board: 403, otherLead: 403 } },
  { method: "GET", path: "/data/student-groups/:missing/edit", expect: { lead: 404 } },
  {
    method: "POST",
    path: "/data/student-groups/:ownGroup/edit",
    body: groupEdit,
    location: "/data/student-groups?saved=matrix-group",
    expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404, lead: 302, team: 409 },
  },
  { method: "POST", path: "/data/student-groups/:catalogGroup/edit", body: groupEdit, expect: { lead: 403, otherLead: 403 } },
  { method: "GET", path: "/data/template/sel-growth-mindset-mean", file: true, expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 200 } },
  { method: "GET", path: "/data/template/matrix-measure", file: true, expect: { lead: 200, otherLead: 404 } },
  { method: "GET", path: "/data/template/no-such-measure", file: true, expect: { lead: 404 } },

  // Addresses that name nothing.
  { method: "GET", path: `${goalPath}/strategies/:missing/edit`, expect: { lead: 404 } },
  { method: "GET", path: `${goalPath}/strategies/not-a-uuid/edit`, expect: { lead: 404 } },
  { method: "GET", path: "/cycles/:districtCycle/goals/:missing/edit", expect: { lead: 404 } },

  // The action plan, its history and saving a named version: readers see the plan and its history; only those who may
  // edit the cycle save versions (the district's plan is read-only for school teams).
  { method: "GET", path: "/cycles/:districtCycle/plan", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:cycleA/plan", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:otherCycle/plan", expect: { lead: 404, board: 404, otherLead: 200 } },
  { method: "GET", path: "/cycles/:districtCycle/plan/history", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:districtCycle/plan/versions/:missing", expect: { lead: 404, board: 404, otherLead: 404 } },
  {
    method: "POST",
    path: "/cycles/:districtCycle/plan/history",
    body: (actor) => ({ name: `Saved by ${actor}` }),
    location: "/cycles/:districtCycle/plan/history?saved=1",
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/cycles/:cycleA/plan/history",
    body: (actor) => ({ name: `Saved by ${actor}` }),
    location: "/cycles/:cycleA/plan/history?saved=1",
    expect: { lead: 302, team: 403, schoolTeam: 302, board: 403, otherLead: 404 },
  },
  // Downloading a plan: whoever may read the cycle; the file is created from the template on first download.
  { method: "GET", path: "/cycles/:districtCycle/plan/export/html", file: true, expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:cycleA/plan/export/md", file: true, expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:otherCycle/plan/export/txt", file: true, expect: { lead: 404, schoolTeam: 404, otherLead: 200 } },
  { method: "GET", path: "/cycles/:districtCycle/plan/export/pdf", file: true, expect: { lead: 404, board: 404 } },
  { method: "GET", path: "/schools/:missing", expect: { lead: 404, team: 404, otherLead: 404 } },
  { method: "GET", path: "/people/:missing", expect: { lead: 404, otherLead: 404 } },
  { method: "GET", path: "/rubric/versions/:missing", expect: { lead: 404, board: 404 } },
  { method: "GET", path: "/rubric/draft/:missing", expect: { lead: 404 } },
  { method: "GET", path: "/rubric/versions/not-a-uuid", expect: { lead: 404 } },
  { method: "GET", path: "/switch-school?school=:missing", expect: { lead: 404 } },
  { method: "POST", path: "/schools/:missing", body: schoolUpdate, expect: { lead: 404 } },
  { method: "POST", path: "/people/:missing", body: deactivate, expect: { lead: 404 } },
  { method: "GET", path: "/schools/not-a-uuid", expect: { lead: 404, board: 404 } },
  { method: "GET", path: "/people/not-a-uuid", expect: { lead: 404 } },
  { method: "POST", path: "/schools/not-a-uuid", body: schoolUpdate, expect: { lead: 404 } },
  { method: "GET", path: "/switch-school?school=not-a-uuid", location: "/schools", expect: { lead: 302 } },
  // Thirty-six dashes look enough like an id to reach the database, which must not turn them into a 500.
  { method: "GET", path: "/switch-school?school=------------------------------------", location: "/schools", expect: { lead: 302 } },
  { method: "GET", path: "/nope", expect: { signedOut: 404, lead: 404 } },

  // Student support (ADR 0023): the school's own team and district roles holding the "student records" grant; the
  // lead without the grant reaches settings and the access log only; board members never; other districts 404.
  { method: "GET", path: "/students", expect: { signedOut: OUT, lead: 200, team: 403, recordsTeam: 200, schoolTeam: 200, board: 403, otherLead: 200 } },
  { method: "GET", path: "/students/schools/:schoolA", logs: "list", expect: { signedOut: OUT, lead: 403, team: 403, recordsTeam: 200, schoolTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/students/schools/:schoolA?week=2026-09-14", logs: "list", expect: { recordsTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/students/schools/:schoolB", logs: "list", expect: { recordsTeam: 200, schoolTeam: 403, otherLead: 404 } },
  { method: "GET", path: "/students/schools/:otherSchool", logs: "list", expect: { lead: 404, recordsTeam: 404, schoolTeam: 404, otherLead: 403 } },
  { method: "GET", path: "/students/schools/:schoolA/relationships", logs: "list", expect: { signedOut: OUT, lead: 403, team: 403, recordsTeam: 200, schoolTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/students/schools/:schoolA/import", expect: { signedOut: OUT, lead: 403, team: 403, recordsTeam: 200, schoolTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/students/:student", logs: "view", expect: { signedOut: OUT, lead: 403, team: 403, recordsTeam: 200, schoolTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/students/:studentB", logs: "view", expect: { recordsTeam: 200, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "GET", path: "/students/:otherStudent", logs: "view", expect: { lead: 404, recordsTeam: 404, schoolTeam: 404, board: 404, otherLead: 403 } },
  { method: "GET", path: "/students/:student/export", file: true, logs: "export", expect: { signedOut: OUT, lead: 403, team: 403, recordsTeam: 200, schoolTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/students/:studentB/export", file: true, logs: "export", expect: { schoolTeam: 403, otherLead: 404 } },
  { method: "GET", path: "/students/access-log", expect: { signedOut: OUT, lead: 200, team: 403, recordsTeam: 403, schoolTeam: 403, board: 403, otherLead: 200 } },
  { method: "GET", path: "/students/settings", expect: { signedOut: OUT, lead: 200, team: 403, recordsTeam: 403, schoolTeam: 403, board: 403, otherLead: 200 } },
  {
    method: "POST",
    path: "/students/:student",
    body: (actor) => ({ intent: "note", body: `Note by ${actor}` }),
    location: "/students/:student?saved=note#notes",
    expect: { signedOut: OUT, lead: 403, team: 403, recordsTeam: 302, schoolTeam: 302, board: 403, otherLead: 404 },
  },
  { method: "POST", path: "/students/:studentB", body: (actor) => ({ intent: "note", body: `Note by ${actor}` }), expect: { schoolTeam: 403, otherLead: 404 } },
  { method: "POST", path: "/students/:student", body: () => ({ intent: "delete", confirm: "on" }), expect: { signedOut: OUT, lead: 403, team: 403, recordsTeam: 403, schoolTeam: 403, board: 403, otherLead: 404 } },
  {
    method: "POST",
    path: "/students/schools/:schoolA/import",
    body: (actor) => ({ intent: "confirm", kind: "roster", fileName: "roster.csv", content: `student_id,given_name,family_name,grade\nM-${actor},Made by,${actor},3\n` }),
    location: /^\/students\/schools\/[0-9a-f-]{36}\/import\?imported=1&kind=roster$/,
    expect: { signedOut: OUT, lead: 403, team: 403, recordsTeam: 302, schoolTeam: 302, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/students/settings",
    body: () => ({ intent: "settings", absencePercent: "10", failingCourses: "1", behaviourIncidents: "2", selBenchmark: "3", retentionMonths: "18", expectedVersion: "1" }),
    location: "/students/settings?saved=settings",
    logs: "none",
    expect: { signedOut: OUT, lead: 302, team: 403, recordsTeam: 403, schoolTeam: 403, board: 403 },
  },
  // The intervention catalog: the lead's, grant or not, like the rest of the settings; it names no student, so no
  // page or write of it touches the access log. Another district's item is not found.
  {
    method: "POST",
    path: "/students/settings",
    body: (actor) => ({ intent: "catalog", name: `Added by ${actor}`, description: "" }),
    location: "/students/settings?saved=catalog#catalog",
    logs: "none",
    expect: { signedOut: OUT, lead: 302, team: 403, recordsTeam: 403, schoolTeam: 403, board: 403, otherLead: 302 },
  },
  {
    method: "GET",
    path: "/students/settings/catalog/:catalogItem",
    logs: "none",
    expect: { signedOut: OUT, lead: 200, team: 403, recordsTeam: 403, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  { method: "GET", path: "/students/settings/catalog/:otherCatalogItem", expect: { lead: 404, otherLead: 200 } },
  { method: "GET", path: "/students/settings/catalog/:missing", expect: { lead: 404, otherLead: 404 } },
  { method: "GET", path: "/students/settings/catalog/not-a-uuid", expect: { lead: 404 } },
  {
    method: "POST",
    path: "/students/settings/catalog/:catalogItem",
    body: catalogEdit("1"),
    location: "/students/settings?saved=catalog-item#catalog",
    logs: "none",
    expect: { signedOut: OUT, team: 403, recordsTeam: 403, schoolTeam: 403, board: 403, otherLead: 404, lead: 302 },
  },
  // The same form again from the version the lead has just replaced: a conflict, answered on the page.
  { method: "POST", path: "/students/settings/catalog/:catalogItem", body: catalogEdit("1"), expect: { lead: 409 } },
  {
    method: "POST",
    path: "/students/settings/catalog/:catalogItem",
    body: () => ({ intent: "retire", expectedVersion: "2" }),
    location: "/students/settings?saved=retired#catalog",
    logs: "none",
    expect: { signedOut: OUT, team: 403, recordsTeam: 403, schoolTeam: 403, board: 403, otherLead: 404, lead: 302 },
  },
  { method: "POST", path: "/students/settings/catalog/:otherCatalogItem", body: catalogEdit("1"), expect: { lead: 404 } },
  { method: "POST", path: "/students/settings/catalog/:otherCatalogItem", body: () => ({ intent: "retire", expectedVersion: "1" }), expect: { lead: 404 } },
  { method: "POST", path: "/students/settings/catalog/:missing", body: () => ({ intent: "restore", expectedVersion: "1" }), expect: { lead: 404 } },
  { method: "GET", path: "/students/:missing", expect: { lead: 404, recordsTeam: 404, schoolTeam: 404 } },
  { method: "GET", path: "/students/not-a-uuid", expect: { recordsTeam: 404 } },
  { method: "GET", path: "/students/:missing/export", file: true, expect: { recordsTeam: 404 } },
  { method: "GET", path: "/students/schools/not-a-uuid", expect: { recordsTeam: 404 } },
  // Stakeholder reports: every role lists the reports it may read; a draft is its authors' (the board and other
  // school teams get 403, as for other records of their district); in review the board reads and comments; the
  // lead publishes; another district's report is not found.
  { method: "GET", path: "/reports", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  { method: "GET", path: "/cycles/:districtCycle/reports", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:cycleA/reports", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 } },
  { method: "GET", path: "/cycles/:otherCycle/reports", expect: { lead: 404, board: 404, otherLead: 200 } },
  { method: "GET", path: "/reports/:draftReport", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "GET", path: "/reports/:reviewReport", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 200, otherLead: 404 } },
  { method: "GET", path: "/reports/:schoolReport", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/reports/:otherReport", expect: { lead: 404, team: 404, board: 404, otherLead: 200 } },
  { method: "GET", path: "/reports/:missing", expect: { lead: 404, board: 404 } },
  { method: "GET", path: "/reports/not-a-uuid", expect: { lead: 404 } },
  {
    method: "POST",
    path: "/cycles/:districtCycle/reports",
    body: (actor) => ({ audience: "board", language: "en", title: `Report made by ${actor}`, slug: "" }),
    location: /^\/reports\/[0-9a-f-]{36}\?created=1$/,
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/cycles/:cycleA/reports",
    body: (actor) => ({ audience: "families", language: "en", title: `School report made by ${actor}`, slug: "" }),
    location: /^\/reports\/[0-9a-f-]{36}\?created=1$/,
    expect: { signedOut: OUT, lead: 302, team: 403, schoolTeam: 302, board: 403, otherLead: 404 },
  },
  {
    method: "POST",
    path: "/reports/:reviewReport",
    body: (actor) => ({ intent: "comment", body: `Comment by ${actor}`, quote: "" }),
    location: "/reports/:reviewReport?done=commented",
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 302, otherLead: 404 },
  },
  { method: "POST", path: "/reports/:draftReport", body: (actor) => ({ intent: "comment", body: `Comment by ${actor}`, quote: "" }), expect: { schoolTeam: 403, board: 403, otherLead: 404 } },
  // The team hands the draft to review; the lead publishes the report in review; nobody else may take either step.
  {
    method: "POST",
    path: "/reports/:draftReport",
    body: () => ({ intent: "submit", expectedVersion: "1" }),
    location: "/reports/:draftReport?done=submitted",
    expect: { signedOut: OUT, schoolTeam: 403, board: 403, otherLead: 404, team: 302 },
  },
  {
    method: "POST",
    path: "/reports/:reviewReport",
    body: () => ({ intent: "publish", expectedVersion: "2" }),
    location: "/reports/:reviewReport?done=published",
    expect: { signedOut: OUT, team: 403, schoolTeam: 403, board: 403, otherLead: 404, lead: 302 },
  },
  // Publishing again at the version already used is a stale step: a conflict, shown on the page.
  { method: "POST", path: "/reports/:reviewReport", body: () => ({ intent: "publish", expectedVersion: "2" }), expect: { lead: 409 } },
  { method: "POST", path: "/reports/:reviewReport", body: () => ({ intent: "retract", reason: "", expectedVersion: "3" }), expect: { lead: 400, team: 403, board: 403 } },
  { method: "POST", path: "/reports/:schoolReport", body: () => ({ intent: "add-reviewer", userId: ":member" }), location: "/reports/:schoolReport?done=reviewer-added", expect: { team: 403, board: 403, otherLead: 404, schoolTeam: 302 } },
  // Reports: the district profile (everyone in the district reads it, the lead saves it) and a data block's live figures.
  // A report draft's history is its editors' (report:edit): readers of the report — the board, a reviewer, a school
  // team reading the district's report — are refused; another district's report is not found.
  { method: "GET", path: "/reports/:draftReport/history", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "GET", path: "/reports/:reviewReport/history", expect: { lead: 200, team: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/reports/:schoolReport/history", expect: { lead: 200, team: 403, schoolTeam: 200, board: 403, otherLead: 404 } },
  { method: "GET", path: "/reports/:otherReport/history", expect: { lead: 404, board: 404, otherLead: 200 } },
  { method: "GET", path: "/reports/:reviewReport/versions/:missing", expect: { signedOut: OUT, lead: 404, team: 404, board: 403, otherLead: 404 } },
  {
    method: "POST",
    path: "/reports/:draftReport/history",
    body: (actor) => ({ name: `Draft saved by ${actor}` }),
    location: "/reports/:draftReport/history?saved=1",
    expect: { signedOut: OUT, lead: 302, team: 302, schoolTeam: 403, board: 403, otherLead: 404 },
  },
  { method: "POST", path: "/reports/:reviewReport/versions/:missing", body: () => ({ intent: "restore", expectedVersion: "1" }), expect: { lead: 404, board: 403, otherLead: 404 } },
  // Restoring the last good version of a draft that is not damaged is a conflict, said in words; readers are refused.
  { method: "POST", path: "/reports/:schoolReport/history", body: () => ({ intent: "restore-last-good" }), expect: { lead: 409, schoolTeam: 409, team: 403, board: 403, otherLead: 404 } },
  { method: "POST", path: "/reports/:schoolReport", body: () => ({ intent: "restore-last-good" }), expect: { lead: 409, board: 403, otherLead: 404 } },
  { method: "POST", path: "/cycles/:districtCycle/plan/history", body: () => ({ intent: "restore-last-good" }), expect: { lead: 409, schoolTeam: 403, board: 403, otherLead: 404 } },
  { method: "GET", path: "/reports/profile", expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 200 } },
  {
    method: "POST",
    path: "/reports/profile",
    body: (actor) => ({ selStatement: `Profile by ${actor}`, history: "", expectedVersion: "0" }),
    location: "/reports/profile?saved=1",
    expect: { signedOut: OUT, lead: 302, team: 403, schoolTeam: 403, board: 403 },
  },
  {
    method: "GET",
    // The query JSON percent-encoded as a browser sends it, the cycle id left as a placeholder.
    path: "/reports/blocks?query=%7B%22kind%22%3A%22goals%22%2C%22cycleId%22%3A%22:districtCycle%22%2C%22options%22%3A%7B%7D%7D",
    file: true,
    expect: { signedOut: OUT, lead: 200, team: 200, schoolTeam: 200, board: 200, otherLead: 404 },
  },
];

const rows: Row[] = routes.flatMap((route) =>
  (Object.entries(route.expect) as [Actor, number][]).map(([actor, status]) => ({ actor, method: route.method, path: route.path, status, route })),
);

let database: TestDatabase;
let server: TestServer;
let district: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let ids: Record<string, string>;
const clients = {} as Record<Actor, TestClient>;
let before: { schools: unknown[]; member: unknown; goals: unknown[]; strategies: unknown[] };

/** Names of records the actor may not read, which must never appear in a page it is shown. */
function unreadable(actor: Actor): string[] {
  const firstDistrict = [district.schoolA.name, district.schoolB.name, "Mira Member"];
  const secondDistrict = [other.schoolA.name, other.schoolB.name, other.district.name];
  if (actor === "signedOut") return [...firstDistrict, ...secondDistrict];
  if (actor === "otherLead") return firstDistrict;
  if (actor === "schoolTeam") return [district.schoolB.name, "Mira Member", ...secondDistrict];
  if (actor === "lead") return secondDistrict;
  return ["Mira Member", ...secondDistrict];
}

const STUDENT_A = "Zephyr Matrixstudent";
const STUDENT_B = "Yarrow Birchstudent";
const OTHER_STUDENT = "Quince Otherdistrict";

/** Student names an actor must never be shown, on any page, in any answer. */
function hiddenStudents(actor: Actor): string[] {
  if (actor === "recordsTeam") return [OTHER_STUDENT];
  if (actor === "schoolTeam") return [STUDENT_B, OTHER_STUDENT];
  if (actor === "otherLead") return [STUDENT_A, STUDENT_B];
  return [STUDENT_A, STUDENT_B, OTHER_STUDENT];
}

async function studentFixtures() {
  const insert = async (districtId: string, schoolId: string, localId: string, name: string) => {
    const [givenName, familyName] = name.split(" ");
    const [row] = await database.db.insert(students).values({ districtId, schoolId, localId, givenName, familyName, grade: "3", lastStartYear: 2026 }).returning();
    // Two weeks: chronically absent from the second, so the student is on the meeting's list.
    await database.db.insert(indicatorWeeks).values([
      { studentId: row.id, districtId, schoolId, startYear: 2026, weekOf: "2026-09-07", daysEnrolled: 5, daysAbsent: 0 },
      { studentId: row.id, districtId, schoolId, startYear: 2026, weekOf: "2026-09-14", daysEnrolled: 10, daysAbsent: 2 },
    ]);
    return row.id;
  };
  return {
    student: await insert(district.district.id, district.schoolA.id, "A-1", STUDENT_A),
    studentB: await insert(district.district.id, district.schoolB.id, "B-1", STUDENT_B),
    otherStudent: await insert(other.district.id, other.schoolA.id, "O-1", OTHER_STUDENT),
  };
}

/** Each district's starter intervention catalog; the matrix rewords and retires this district's "Tutoring". */
async function catalogFixtures() {
  await ensureInterventionCatalog(database.db, district.district.id);
  await ensureInterventionCatalog(database.db, other.district.id);
  const tutoring = async (districtId: string) => (await listInterventionCatalog(database.db, districtId)).find((c) => c.name === "Tutoring")!.id;
  return { catalogItem: await tutoring(district.district.id), otherCatalogItem: await tutoring(other.district.id) };
}

const accessLogTotal = async () => Number((await database.query<{ n: number }>("select count(*)::int as n from student_access_log"))[0].n);
const accessLogCount = async (kind: string) => Number((await database.query<{ n: number }>("select count(*)::int as n from student_access_log where kind = $1", [kind]))[0].n);

/** Replaces :name placeholders with the fixtures' ids. */
function fill(template: string) {
  return template.replace(/:([a-zA-Z]+)/g, (whole, key: string) => ids[key] ?? whole);
}

function fillBody(body: Body): Body {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v.map(fill) : fill(v)]));
}

function send(actor: Actor, method: string, path: string, body?: Body) {
  return clients[actor].request(method, path, body);
}

const schoolsOf = (ids: string[]) =>
  database.query("select id, name, level, archived_at from school where id = any($1::uuid[]) order by id", [ids]);
const personRow = (id: string) =>
  database.query("select name, role, status, student_records from app_user where id = $1", [id]).then((r) => r[0]);

const goalsOf = (ids: string[]) => database.query("select id, title, version from goal where id = any($1::uuid[]) order by id", [ids]);
const strategiesOf = (ids: string[]) => database.query("select id, title, status, version from strategy where id = any($1::uuid[]) order by id", [ids]);

/** A district cycle with a goal shared with every school, a school's own goal, steps on both sides, and scratch copies. */
async function goalFixtures() {
  const dates = { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
  const lead = actorOf(district.lead);
  const principal = actorOf(district.schoolTeam, [district.schoolA.id]);
  const cycle = await createDistrictCycle(database.db, lead, dates);
  const [cycleA] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, cycle.id), eq(cycles.schoolId, district.schoolA.id)));
  const item = (await getRubricBoard(database.db, lead, cycle.id)).focusAreas[0].items[0].id;
  const goalInput = (title: string, mirrorScope: "none" | "all_schools" = "none", rubricItemId = item) =>
    goalSchema.parse({ kind: "implementation", title, rubricItemId, targetLevel: "3", targetCheckpoint: "endyear", mirrorScope });
  const stepInput = (title: string) => strategySchema.parse({ title });
  const goal = await createGoal(database.db, lead, cycle.id, goalInput("Shared goal", "all_schools"));
  const scratchGoal = await createGoal(database.db, lead, cycle.id, goalInput("Scratch goal"));
  const schoolGoal = await createGoal(database.db, principal, cycleA.id, goalInput("School goal"));
  const districtStep = await addStrategy(database.db, lead, goal.id, cycle.id, stepInput("District step"));
  const scratchStep = await addStrategy(database.db, lead, goal.id, cycle.id, stepInput("Scratch step"));
  const schoolStep = await addStrategy(database.db, principal, goal.id, cycleA.id, stepInput("School step"));
  const scratchSchoolStep = await addStrategy(database.db, principal, goal.id, cycleA.id, stepInput("Scratch school step"));
  const otherLead = actorOf(other.lead);
  const otherCycle = await createDistrictCycle(database.db, otherLead, dates);
  const otherItem = (await getRubricBoard(database.db, otherLead, otherCycle.id)).focusAreas[0].items[0].id;
  const otherGoal = await createGoal(database.db, otherLead, otherCycle.id, goalInput("Their goal", "none", otherItem));
  return {
    districtCycle: cycle.id,
    cycleA: cycleA.id,
    item,
    goal: goal.id,
    scratchGoal: scratchGoal.id,
    schoolGoal: schoolGoal.id,
    districtStep: districtStep.id,
    scratchStep: scratchStep.id,
    schoolStep: schoolStep.id,
    scratchSchoolStep: scratchSchoolStep.id,
    otherCycle: otherCycle.id,
    otherGoal: otherGoal.id,
  };
}

/** The district's two protocols, a meeting in the district's cycle, and the other district's protocol and meeting. */
async function reflectionFixtures(districtCycle: string, otherCycle: string, goal: string) {
  const { protocols } = await listProtocols(database.db, actorOf(district.lead));
  const { protocols: theirs } = await listProtocols(database.db, actorOf(other.lead));
  const meetingInput = (protocolId: string) => meetingSchema.parse({ protocolId, title: "Fixture meeting", checkpoint: "endyear", heldOn: "2027-06-01" });
  const meeting = await createMeeting(database.db, actorOf(district.lead), districtCycle, meetingInput(protocols[0].id));
  const otherMeeting = await createMeeting(database.db, actorOf(other.lead), otherCycle, meetingInput(theirs[0].id));
  const finding = await addFinding(
    database.db,
    actorOf(district.lead),
    districtCycle,
    meeting.id,
    findingSchema.parse({ kind: "success", summary: "Fixture finding", target: `goal:${goal}`, evidence: "view:groups" }),
  );
  return {
    protocol: protocols[0].id,
    protocolTwo: protocols[1].id,
    otherProtocol: theirs[0].id,
    meeting: meeting.id,
    otherMeeting: otherMeeting.id,
    finding: finding.id,
  };
}

/** Reports: a district draft, one in review, a school's own draft, and another district's report. */
async function reportFixtures(districtCycle: string, cycleA: string, otherCycle: string) {
  const lead = actorOf(district.lead);
  const input = (title: string) => ({ audience: "board" as const, language: "en" as const, title });
  const draft = await createReport(database.db, actorOf(district.team), districtCycle, input("Matrix draft report"));
  const review = await createReport(database.db, lead, districtCycle, input("Matrix review report"));
  await submitForReview(database.db, lead, review.id, { expectedVersion: 1 });
  const school = await createReport(database.db, actorOf(district.schoolTeam, [district.schoolA.id]), cycleA, input("Matrix school report"));
  const theirs = await createReport(database.db, actorOf(other.lead), otherCycle, input("Their report"));
  return { draftReport: draft.id, reviewReport: review.id, schoolReport: school.id, otherReport: theirs.id };
}

/** An import to undo, a file staged for the lead to confirm, and a measure of the district's own. */
async function dataFixtures() {
  const lead = actorOf(district.lead);
  const header = importFields.join(",");
  const winter = parseCsv(`${header}\n${district.schoolA.name},2026-27,winter,all,all,sel-growth-mindset-mean,30,3.4\n`);
  if (!winter.ok) throw new Error(winter.error);
  const checked = validateRecords(winter, guessMapping(winter.headers), await loadImportLookups(database.db, lead));
  const committed = await commitImport(database.db, lead, { fileName: "winter.csv", rows: checked.rows });
  if (committed.status !== "committed") throw new Error("the fixture import changed nothing");
  const text = `${header}\n${district.schoolA.name},2026-27,fall,all,all,sel-growth-mindset-mean,30,3.4\n`;
  const staged = await stageUpload(database.db, { userId: district.lead.id, districtId: district.district.id }, {
    fileName: "fall.csv",
    encoding: "utf-8",
    text,
    bytes: text.length,
  });
  const ownMeasure = await createMeasure(database.db, lead, { name: "Matrix measure", description: "", unit: "mean", direction: "higher_is_better", category: "custom", scaleMin: 1, scaleMax: 5 });
  const ownGroup = await createStudentGroup(database.db, lead, { name: "Matrix group" });
  const [catalogGroup] = await database.query<{ id: string }>("select id from student_group where slug = 'all' and district_id is null");
  return { dataImport: committed.importId, upload: staged.token, ownMeasure: ownMeasure.id, ownGroup: ownGroup.id, catalogGroup: catalogGroup.id };
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  district = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  const scratchSchool = await makeSchool(database.db, district.district.id, { name: "Scratch School" });
  const member = await makeUser(database.db, district.district.id, "district_team", { name: "Mira Member" });
  const scratchPerson = await makeUser(database.db, district.district.id, "district_team", { name: "Scratch Person" });
  const rubric = await createDefaultRubric(database.db, district.district.id, district.lead.id);
  const otherRubric = await createDefaultRubric(database.db, other.district.id, other.lead.id);
  const draft = await startRubricDraft(database.db, actorOf(district.lead));
  const [draftItem] = await database.query<{ id: string }>("select id from rubric_item where rubric_version_id = $1 order by position limit 1", [draft.id]);
  ids = {
    rubricVersion: rubric.version.id,
    otherRubricVersion: otherRubric.version.id,
    draftItem: draftItem.id,
    schoolA: district.schoolA.id,
    schoolB: district.schoolB.id,
    otherSchool: other.schoolA.id,
    scratchSchool: scratchSchool.id,
    member: member.id,
    scratchPerson: scratchPerson.id,
    missing: randomUUID(),
    district: district.district.id,
    otherDistrict: other.district.id,
  };
  Object.assign(ids, await goalFixtures());
  Object.assign(ids, await reflectionFixtures(ids.districtCycle, ids.otherCycle, ids.goal));
  Object.assign(ids, await reportFixtures(ids.districtCycle, ids.cycleA, ids.otherCycle));
  const [measure] = await database.query<{ id: string }>("select id from measure where slug = 'sel-self-management-favourable' and district_id is null");
  const [benchmark] = await database.query<{ id: string }>(
    "insert into benchmark (district_id, measure_id, kind, grade_band, value, source) values ($1, $2, 'benchmark', 'all', 64, 'Provider') returning id",
    [district.district.id, measure.id],
  );
  Object.assign(ids, { measure: measure.id, benchmark: benchmark.id });
  Object.assign(ids, await studentFixtures());
  Object.assign(ids, await catalogFixtures());
  const recordsTeam = await makeUser(database.db, district.district.id, "district_team", { name: "Rita Records", studentRecords: true });
  server = await startTestServer(database);
  Object.assign(ids, await dataFixtures());
  clients.signedOut = new TestClient(server.url);
  clients.lead = await signedIn(server, district.lead.email);
  clients.team = await signedIn(server, district.team.email);
  clients.recordsTeam = await signedIn(server, recordsTeam.email);
  clients.schoolTeam = await signedIn(server, district.schoolTeam.email);
  clients.board = await signedIn(server, district.board.email);
  clients.otherLead = await signedIn(server, other.lead.email);
  before = {
    schools: await schoolsOf([ids.schoolA, ids.schoolB]),
    member: await personRow(ids.member),
    goals: await goalsOf([ids.goal, ids.schoolGoal, ids.otherGoal]),
    strategies: await strategiesOf([ids.districtStep, ids.schoolStep]),
  };
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("role × route matrix", () => {
  const cells = rows.map((row) => [`${row.actor} ${row.method} ${row.path} → ${row.status}`, row] as const);
  it.each(cells)("%s", async (_cell, { actor, method, path, status, route }) => {
    const url = fill(path);
    const logged = route.logs === "none" ? await accessLogTotal() : route.logs ? await accessLogCount(route.logs) : 0;
    const res = await send(actor, method, url, route.body ? fillBody(route.body(actor)) : undefined);
    expect(res.status).toBe(status);
    if (route.logs === "none") {
      expect(await accessLogTotal(), "entries in the student access log").toBe(logged);
    } else if (route.logs) {
      expect(await accessLogCount(route.logs), `${route.logs} entries in the student access log`).toBe(logged + (status === 200 ? 1 : 0));
    }
    // Student records never leak: not in refusals, not in any page of those without access.
    for (const name of hiddenStudents(actor)) expect(res.text).not.toContain(name);

    if (status === 302 && actor === "signedOut") {
      expect(res.location).toBe(`/sign-in?redirectTo=${encodeURIComponent(url)}`);
    } else if (status === 302) {
      if (route.location instanceof RegExp) expect(res.location).toMatch(route.location);
      else expect(res.location).toBe(fill(route.location ?? "(no redirect expected)"));
    }
    if (status === 403 && !route.file) {
      expect(res.text, "the app's 403 page").toContain("You do not have access");
    }
    if (status === 404) {
      if (route.file) expect(res.text).toBe("Not found");
      else expect(res.text, "the app's 404 page").toContain("Page not found");
    }
    if (status >= 400 && status !== 409) {
      // A refusal says nothing about the records behind it. (A conflict is no refusal: it answers with the page the
      // actor may read, say a meeting with its participants, the typed values kept beside the newer ones.)
      for (const secret of unreadable(actor)) expect(res.text).not.toContain(secret);
    }
    if (status === 200 && method === "GET") {
      expect(res.text).not.toMatch(/Error \d{3}/);
    }
  });
});

describe("what the matrix left in the database", () => {
  it("kept every write the lead made", async () => {
    const [scratch] = await schoolsOf([ids.scratchSchool]);
    expect(scratch).toMatchObject({ name: "Renamed by lead", level: "k8" });
    expect(scratch.archived_at).not.toBeNull();
    const made = await database.query("select district_id from school where name = 'Made by lead'");
    expect(made).toEqual([{ district_id: district.district.id }]);
    const invited = await database.query("select status, role from app_user where email = 'invited-by-lead@example.test'");
    expect(invited).toEqual([{ status: "invited", role: "school_team" }]);
    expect(await personRow(ids.scratchPerson)).toMatchObject({ name: "Renamed by lead", role: "board", status: "deactivated" });
    const [settings] = await database.query("select name, min_cell_size from district where id = $1", [district.district.id]);
    expect(settings).toEqual({ name: "District set by lead", min_cell_size: 12 });
    expect(await goalsOf([ids.scratchGoal])).toEqual([{ id: ids.scratchGoal, title: "Edited by lead", version: 2 }]);
    expect(await strategiesOf([ids.scratchStep])).toEqual([{ id: ids.scratchStep, title: "Edited by team", status: "done", version: 2 }]);
    expect(await strategiesOf([ids.scratchSchoolStep])).toEqual([]);
  });

  it("kept no trace of any refused write", async () => {
    expect(await schoolsOf([ids.schoolA, ids.schoolB])).toEqual(before.schools);
    expect(await personRow(ids.member)).toEqual(before.member);
    const schools = await database.query<{ name: string }>("select name from school where name like 'Made by %' or name like 'Renamed by %' order by name");
    expect(schools.map((s) => s.name)).toEqual(["Made by lead", "Renamed by lead"]);
    const people = await database.query<{ name: string }>("select name from app_user where email like 'invited-by-%' or name like 'Renamed by %' order by name");
    expect(people.map((p) => p.name)).toEqual(["Invited by lead", "Renamed by lead"]);
    const [otherDistrict] = await database.query("select name from district where id = $1", [other.district.id]);
    expect(otherDistrict).toEqual({ name: other.district.name });
    expect(await goalsOf([ids.goal, ids.schoolGoal, ids.otherGoal])).toEqual(before.goals);
    expect(await strategiesOf([ids.districtStep, ids.schoolStep])).toEqual(before.strategies);
    const edited = await database.query<{ title: string }>(
      "select title from goal where title like 'Edited by %' union all select title from strategy where title like 'Edited by %' order by title",
    );
    expect(edited.map((r) => r.title)).toEqual(["Edited by lead", "Edited by team"]);
  });

  it("kept the benchmarks the data managers saved and no one else's", async () => {
    const rows = await database.query<{ district_id: string; grade_band: string; source: string; version: number }>(
      "select district_id, grade_band, source, version from benchmark order by source",
    );
    expect(rows.map((r) => r.source)).toEqual(["Changed by lead", "Set by lead", "Set by otherLead", "Set by team"]);
    expect(rows.find((r) => r.source === "Set by otherLead")?.district_id).toBe(other.district.id);
    expect(rows.find((r) => r.source === "Changed by lead")?.version).toBe(2);
    const audited = await database.query<{ action: string }>("select action from audit_event where action like 'benchmark.%' and district_id = $1 order by action", [district.district.id]);
    expect(audited.map((a) => a.action)).toEqual(["benchmark.create", "benchmark.create", "benchmark.update"]);
  });

  it("kept the lead's rubric draft edits and nobody else's; the draft is still a draft", async () => {
    const titles = await database.query<{ title: string }>("select title from rubric_item where title like 'Reworded by %' or title like 'Added by %' order by title");
    expect(titles.map((t) => t.title)).toEqual(["Added by lead", "Reworded by lead"]);
    const drafts = await database.query<{ district_id: string }>("select district_id from rubric_version where published_at is null");
    expect(drafts).toEqual([{ district_id: district.district.id }]);
    expect(await database.query("select note from rubric_version where note like 'Published by %'")).toEqual([]);
  });

  it("kept the reflection writes of those who may make them, and nobody else's", async () => {
    const protocols = await database.query<{ name: string }>("select name from reflection_protocol where name like 'Protocol by %' order by name");
    expect(protocols.map((p) => p.name)).toEqual(["Protocol by lead", "Protocol by team"]);
    const meetings = await database.query<{ title: string }>("select title from reflection_meeting where title like 'Meeting by %' order by title");
    expect(meetings.map((m) => m.title)).toEqual(["Meeting by lead", "Meeting by lead", "Meeting by schoolTeam", "Meeting by team"]);
    const details = await database.query<{ title: string }>("select title from reflection_meeting where title like 'Details by %'");
    expect(details.map((m) => m.title)).toEqual(["Details by lead"]);
    const answers = await database.query<{ answer: string }>("select answer from reflection_answer where answer like 'Answered by %'");
    expect(answers.map((a) => a.answer)).toEqual(["Answered by lead"]);
    const found = await database.query<{ summary: string }>("select summary from finding where summary like 'Found by %' order by summary");
    expect(found.map((f) => f.summary)).toEqual(["Found by lead", "Found by team"]);
    expect(await database.query("select id from goal where decision_note like 'Decided by %'")).toEqual([]);
    expect(await database.query("select id from reflection_protocol where archived_at is not null")).toEqual([]);
  });

  it("kept the edits of measures, groups and findings by those who may make them, and nobody else's", async () => {
    const measures = await database.query<{ name: string; slug: string; version: number }>(
      "select name, slug, version from measure where name like 'Matrix measure%' or id = $1 order by name",
      [ids.measure],
    );
    const [catalog] = await database.query<{ name: string; version: number }>("select name, version from measure where id = $1", [ids.measure]);
    expect(catalog.version).toBe(1);
    expect(measures.filter((m) => m.name.startsWith("Matrix measure"))).toEqual([{ name: "Matrix measure by lead", slug: "matrix-measure", version: 2 }]);
    const groups = await database.query<{ name: string; version: number }>("select name, version from student_group where name like 'Matrix group%' or id = $1 order by name", [
      ids.catalogGroup,
    ]);
    expect(groups).toEqual([
      { name: "All students", version: 1 },
      { name: "Matrix group by lead", version: 2 },
    ]);
    const found = await database.query<{ summary: string; version: number }>("select summary, version from finding where id = $1 or summary like 'Reworded by %'", [ids.finding]);
    expect(found).toEqual([{ summary: "Reworded by lead", version: 2 }]);
    const audited = await database.query<{ action: string }>(
      "select action from audit_event where district_id = $1 and action in ('measure.update', 'student_group.update', 'reflection.finding.update') order by action",
      [district.district.id],
    );
    expect(audited.map((a) => a.action)).toEqual(["measure.update", "reflection.finding.update", "student_group.update"]);

    // A stale save answers with the page: the newer values, who saved them, and what was typed still in the form.
    const stale = await send("team", "POST", fill("/data/measures/:ownMeasure/edit"), measureEdit("team"));
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("Someone saved a newer version while you were editing.");
    expect(stale.text).toContain(`${district.lead.name} saved version 2`);
    expect(stale.text).toMatch(/<td>Matrix measure by lead<\/td><td>Matrix measure by team<\/td>/);
    expect(stale.text).toMatch(/<input[^>]*name="name"[^>]*value="Matrix measure by team"/);
  });

  it("lets the lead rename a school but not the board", async () => {
    const refused = await send("board", "POST", `/schools/${ids.schoolA}`, { intent: "update", name: "Board Was Here", level: "high" });
    expect(refused.status).toBe(403);
    expect((await schoolsOf([ids.schoolA]))[0]).toMatchObject({ name: district.schoolA.name, level: "elementary" });

    const done = await send("lead", "POST", `/schools/${ids.schoolA}`, { intent: "update", name: "Alder Renamed", level: "k8" });
    expect(done.status).toBe(302);
    expect((await schoolsOf([ids.schoolA]))[0]).toMatchObject({ name: "Alder Renamed", level: "k8" });
  });

  it("shows the school's edit and archive forms to the lead only", async () => {
    const forms = (html: string) => ["Edit school", "Archive school"].filter((title) => html.includes(title));
    expect(forms((await send("lead", "GET", `/schools/${ids.schoolB}`)).text)).toEqual(["Edit school", "Archive school"]);
    for (const actor of ["team", "board"] as const) {
      expect(forms((await send(actor, "GET", `/schools/${ids.schoolB}`)).text)).toEqual([]);
    }
    expect(forms((await send("schoolTeam", "GET", `/schools/${ids.schoolA}`)).text)).toEqual([]);
  });

  it("refuses a second district's lead with the same 404 a made-up id gets", async () => {
    const real = await send("otherLead", "GET", `/schools/${ids.schoolA}`);
    const madeUp = await send("otherLead", "GET", `/schools/${randomUUID()}`);
    expect(real.status).toBe(404);
    expect(madeUp.status).toBe(404);
    const title = (html: string) => html.match(/<h1[^>]*>(.*?)<\/h1>/)?.[1];
    expect(title(real.text)).toBe("Page not found");
    expect(title(real.text)).toBe(title(madeUp.text));
  });
});

describe("student support writes", () => {
  it("kept the notes and roster rows of those allowed, and nobody else's", async () => {
    const notes = await database.query<{ body: string }>("select body from student_note order by body");
    expect(notes.map((n) => n.body)).toEqual(["Note by recordsTeam", "Note by schoolTeam"]);
    const made = await database.query<{ family_name: string; school_id: string }>("select family_name, school_id from student where given_name = 'Made' order by family_name");
    expect(made).toEqual([]);
    const imported = await database.query<{ family_name: string; school_id: string }>("select family_name, school_id from student where local_id like 'M-%' order by family_name");
    expect(imported).toEqual([
      { family_name: "recordsTeam", school_id: ids.schoolA },
      { family_name: "schoolTeam", school_id: ids.schoolA },
    ]);
    expect(await database.query("select 1 from student where id = any($1::uuid[])", [[ids.student, ids.studentB, ids.otherStudent]])).toHaveLength(3);
    const [settings] = await database.query("select retention_months from district_student_settings where district_id = $1", [district.district.id]);
    expect(settings).toEqual({ retention_months: 18 });
  });

  it("lets the lead delete a record only once given the grant, and logs the deletion", async () => {
    const scratch = await database.db
      .insert(students)
      .values({ districtId: district.district.id, schoolId: district.schoolA.id, localId: "SCRATCH", givenName: "Scratch", familyName: "Student", grade: "2", lastStartYear: 2026 })
      .returning();
    const refused = await send("lead", "POST", `/students/${scratch[0].id}`, { intent: "delete", confirm: "on" });
    expect(refused.status).toBe(403);
    await database.query("update app_user set student_records = true where id = $1", [district.lead.id]);
    try {
      const done = await send("lead", "POST", `/students/${scratch[0].id}`, { intent: "delete", confirm: "on" });
      expect(done.status).toBe(302);
      expect(done.location).toBe("/students?deleted=1");
      expect(await database.query("select 1 from student where id = $1", [scratch[0].id])).toEqual([]);
      expect(await database.query("select kind from student_access_log where student_id = $1 and kind = 'delete'", [scratch[0].id])).toEqual([{ kind: "delete" }]);
    } finally {
      await database.query("update app_user set student_records = false where id = $1", [district.lead.id]);
    }
  });

  it("kept the lead's catalog changes and nobody else's, audited without a student's name", async () => {
    const item = (id: string) => database.query("select name, description, active, version from intervention_catalog where id = $1", [id]).then((r) => r[0]);
    expect(await item(ids.catalogItem)).toEqual({ name: "Edited by lead", description: "Reworded by lead", active: false, version: 3 });
    expect(await item(ids.otherCatalogItem)).toEqual({ name: "Tutoring", description: expect.any(String), active: true, version: 1 });
    const edited = await database.query<{ name: string }>("select name from intervention_catalog where name like 'Edited by %' order by name");
    expect(edited.map((e) => e.name)).toEqual(["Edited by lead"]);
    const added = await database.query<{ name: string; district_id: string }>("select name, district_id from intervention_catalog where name like 'Added by %' order by name");
    expect(added).toEqual([
      { name: "Added by lead", district_id: district.district.id },
      { name: "Added by otherLead", district_id: other.district.id },
    ]);
    const audited = await database.query<{ action: string; details: unknown }>("select action, details from audit_event where entity_id = $1 order by at", [ids.catalogItem]);
    expect(audited.map((a) => a.action)).toEqual(["student.catalog_edit", "student.catalog_retire"]);
    for (const name of [STUDENT_A, STUDENT_B, OTHER_STUDENT]) expect(JSON.stringify(audited)).not.toContain(name.split(" ")[1]);
  });

  it("answers catalog forms without JavaScript: a stale save beside the newer words, a bad field with what was typed kept", async () => {
    const path = `/students/settings/catalog/${ids.catalogItem}`;
    const stale = await send("lead", "POST", path, { intent: "save", name: "Typed late", description: "Late words", expectedVersion: "1" });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("Someone changed this intervention after you opened it, so your change was not saved.");
    expect(stale.text).toContain(`${district.lead.name} saved version 3`);
    expect(stale.text).toMatch(/<td>Edited by lead<\/td><td>Typed late<\/td>/);
    expect(stale.text).toContain('value="Typed late"');
    const empty = await send("lead", "POST", path, { intent: "save", name: " ", description: "Kept words", expectedVersion: "3" });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Name the intervention.");
    expect(empty.text).toContain("Kept words");
    const clash = await send("lead", "POST", "/students/settings", { intent: "catalog", name: "edited BY lead", description: "Kept too" });
    expect(clash.status).toBe(409);
    expect(clash.text).toContain("“Edited by lead” is in the catalog but retired: bring it back rather than adding it again.");
    expect(clash.text).toContain("Kept too");
    expect(await database.query("select version from intervention_catalog where id = $1", [ids.catalogItem])).toEqual([{ version: 3 }]);
  });

  it("answers a stale thresholds save with the saved settings beside the typed ones", async () => {
    const body = { intent: "settings", absencePercent: "12", failingCourses: "1", behaviourIncidents: "2", selBenchmark: "3", retentionMonths: "24", expectedVersion: "1" };
    const stale = await send("lead", "POST", "/students/settings", body);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(`${district.lead.name} saved version 2`);
    expect(stale.text).toMatch(/<th scope="row">Delete student records this many months after their last school year ends<\/th><td>18<\/td><td>24<\/td>/);
    expect(stale.text).toContain('value="12"');
    const [settings] = await database.query("select absence_percent::float8 as absence_percent, retention_months, version from district_student_settings where district_id = $1", [district.district.id]);
    expect(settings).toEqual({ absence_percent: 10, retention_months: 18, version: 2 });
  });

  it("marks the retired item on the settings page, leaves it out of the plan form and refuses a plan with it", async () => {
    const settings = await send("lead", "GET", "/students/settings");
    expect(settings.text).toMatch(/<th scope="row">Edited by lead<\/th>.*?Retired/s);
    const page = await send("recordsTeam", "GET", `/students/${ids.student}`);
    expect(page.text).toContain(">Family outreach</option>");
    expect(page.text).not.toContain("Edited by lead");
    const refused = await send("recordsTeam", "POST", `/students/${ids.student}`, { intent: "plan", catalogId: ids.catalogItem, ownerId: district.schoolTeam.id, startDate: "2026-11-02", goal: "A goal typed before the retirement." });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("“Edited by lead” has been retired from the district's catalog; choose another intervention.");
    expect(refused.text).toContain("A goal typed before the retirement.");
    expect(await database.query("select 1 from intervention where catalog_id = $1", [ids.catalogItem])).toEqual([]);
  });

  it("shows the lead the access log with who looked at which student", async () => {
    const page = await send("lead", "GET", "/students/access-log");
    expect(page.text).toContain("Rita Records");
    // The lead has no grant: an opaque reference, never the name.
    expect(page.text).toContain(`record ${ids.student.slice(0, 8)}`);
    expect(page.text).not.toContain(STUDENT_A);
  });
});
