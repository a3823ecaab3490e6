// The student page's forms over real HTTP, as a browser without JavaScript sends them: a student with two open plans,
// and a failed check-in, ending or stale ending on one plan shows its errors, its message and its typed values on that
// plan's form only. Every answer that shows the page still writes exactly one access-log entry, and none shows
// another student's record.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { students } from "#db/schema";
import { mondayOf } from "~/modules/students/indicators";
import { createIntervention, endIntervention, ensureInterventionCatalog, listInterventionCatalog } from "~/modules/students/students.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

let database: TestDatabase;
let server: TestServer;
let d: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let client: TestClient;
let colleague: Awaited<ReturnType<typeof makeUser>>;
let studentId: string;
let otherStudentId: string;
let planA: string; // Older-student mentor
let planB: string; // Tutoring
let otherPlan: string;
let path: string;
const today = new Date().toISOString().slice(0, 10);
const OTHER_GOAL = "Secret goal of Wren Otherstudent";

/** The page as a person reads it: scripts (which carry the answer's raw data for JavaScript) left out. */
const visible = (html: string) => html.replace(/<script\b[\s\S]*?<\/script>/g, "");
const occurrences = (html: string, text: string) => visible(html).split(text).length - 1;

/** The plan's card: its details, notices and forms. */
function planCard(html: string, planId: string) {
  const page = visible(html);
  const start = page.indexOf(`<article id="plan-${planId}"`);
  if (start < 0) throw new Error(`no card for plan ${planId}`);
  return page.slice(start, page.indexOf("</article>", start) + "</article>".length);
}

/** The form sent with this intent (and, for a plan's forms, this plan's id). */
function formOf(html: string, intent: string, planId?: string) {
  const forms = visible(html).match(/<form\b[\s\S]*?<\/form>/g) ?? [];
  const found = forms.filter((f) => f.includes(`name="intent" value="${intent}"`) && (!planId || f.includes(`name="planId" value="${planId}"`)));
  if (found.length !== 1) throw new Error(`expected one ${intent} form${planId ? ` for plan ${planId}` : ""}, found ${found.length}`);
  return found[0];
}

/** The tag of the named field (input, select or textarea) in a form, with its value or selected option. */
function field(form: string, name: string) {
  const tag = new RegExp(`<(input|select|textarea)\\b[^>]*\\bname="${name}"[^>]*>`).exec(form);
  if (!tag) throw new Error(`no field ${name}`);
  if (tag[1] === "input") return { tag: tag[0], value: /\bvalue="([^"]*)"/.exec(tag[0])?.[1] ?? "" };
  const rest = form.slice(tag.index + tag[0].length);
  if (tag[1] === "textarea") return { tag: tag[0], value: rest.slice(0, rest.indexOf("</textarea>")) };
  const options = rest.slice(0, rest.indexOf("</select>"));
  return { tag: tag[0], value: /<option[^>]*value="([^"]*)"[^>]*selected=""/.exec(options)?.[1] ?? "" };
}

/** A form that shows nothing but its own defaults: no error, no message, no one's typing. */
function expectUntouched(form: string, defaults: Record<string, string>) {
  expect(form).not.toContain("ck-field__error");
  expect(form).not.toContain("ck-notice--error");
  expect(form).not.toContain('aria-invalid="true"');
  expect(form).not.toContain("autofocus");
  for (const [name, value] of Object.entries(defaults)) expect(field(form, name).value, name).toBe(value);
}

const checkInDefaults = { weekOf: mondayOf(today), rating: "", note: "" };
const endDefaults = { endDate: today, outcome: "", outcomeNote: "" };
const views = async () => Number((await database.query<{ n: number }>("select count(*)::int as n from student_access_log where kind = 'view' and student_id = $1", [studentId]))[0].n);

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  d = await makeDistrictWithPeople(database.db);
  colleague = await makeUser(database.db, d.district.id, "school_team", { schoolIds: [d.schoolA.id], name: "Cass Colleague" });
  const add = async (localId: string, givenName: string, familyName: string) =>
    (await database.db.insert(students).values({ districtId: d.district.id, schoolId: d.schoolA.id, localId, givenName, familyName, grade: "4", lastStartYear: 2026 }).returning())[0].id;
  studentId = await add("F-1", "Fern", "Twoplans");
  otherStudentId = await add("F-2", "Wren", "Otherstudent");
  await ensureInterventionCatalog(database.db, d.district.id);
  const catalog = await listInterventionCatalog(database.db, d.district.id);
  const item = (name: string) => catalog.find((c) => c.name === name)!.id;
  const principal = actorOf(d.schoolTeam, [d.schoolA.id]);
  const plan = (student: string, catalogId: string, goal: string) => createIntervention(database.db, principal, student, { catalogId, ownerId: d.schoolTeam.id, startDate: "2026-10-05", goal });
  planA = (await plan(studentId, item("Older-student mentor"), "Meets the mentor every Tuesday.")).id;
  planB = (await plan(studentId, item("Tutoring"), "Passes the maths unit test.")).id;
  otherPlan = (await plan(otherStudentId, item("Family outreach"), OTHER_GOAL)).id;
  path = `/students/${studentId}`;
  server = await startTestServer(database);
  client = new TestClient(server.url);
  await client.signIn(d.schoolTeam.email, TEST_PASSWORD);
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("a student with two open plans", () => {
  it("shows both plans' forms empty, and logs the view once", async () => {
    const before = await views();
    const page = await client.get(path);
    expect(page.status).toBe(200);
    expect(await views()).toBe(before + 1);
    for (const plan of [planA, planB]) {
      expectUntouched(formOf(page.text, "check-in", plan), checkInDefaults);
      expectUntouched(formOf(page.text, "end", plan), endDefaults);
    }
  });

  it("shows an invalid check-in on plan B in plan B's check-in form only, with what was typed, the cursor on the field", async () => {
    const before = await views();
    const res = await client.post(path, { intent: "check-in", planId: planB, weekOf: "2026-11-23", rating: "", note: "Typed for plan B" });
    expect(res.status).toBe(400);
    expect(await views(), "one view: the page that answers").toBe(before + 1);
    expect(occurrences(res.text, "Choose a progress rating.")).toBe(1);
    expect(occurrences(res.text, "Typed for plan B")).toBe(1);
    const sent = formOf(res.text, "check-in", planB);
    expect(sent).toContain("Choose a progress rating.");
    expect(sent).toContain("Please correct the highlighted field.");
    expect(field(sent, "rating").tag).toContain('aria-invalid="true"');
    expect(field(sent, "rating").tag).toContain("autofocus");
    expect(field(sent, "weekOf").value).toBe("2026-11-23");
    expect(field(sent, "note").value).toBe("Typed for plan B");
    expect(occurrences(res.text, "autofocus")).toBe(1);
    expectUntouched(formOf(res.text, "check-in", planA), checkInDefaults);
    for (const plan of [planA, planB]) expectUntouched(formOf(res.text, "end", plan), endDefaults);
    expectUntouched(formOf(res.text, "plan"), { startDate: today, goal: "" });
    expectUntouched(formOf(res.text, "note"), { body: "" });
    expect(await database.query("select 1 from check_in where intervention_id in ($1, $2)", [planA, planB])).toEqual([]);
  });

  it("shows a check-in for a week already recorded on plan A's week field, not on plan B's", async () => {
    const first = await client.post(path, { intent: "check-in", planId: planA, weekOf: "2026-11-23", rating: "2", note: "" });
    expect(first.status).toBe(302);
    expect(first.location).toBe(`${path}?saved=check-in#plan-${planA}`);
    // The same week again: refused on the week field, and plan B may still record that week.
    const again = await client.post(`${path}?saved=check-in`, { intent: "check-in", planId: planA, weekOf: "2026-11-23", rating: "3", note: "Second try" });
    expect(again.status).toBe(409);
    expect(occurrences(again.text, "There is already a check-in for that week.")).toBe(1);
    expect(again.text, "no success message beside the failure").not.toContain("Check-in recorded.");
    const sent = formOf(again.text, "check-in", planA);
    expect(sent).toContain("There is already a check-in for that week.");
    expect(field(sent, "weekOf").tag).toContain("autofocus");
    expect(field(sent, "rating").value).toBe("3");
    expectUntouched(formOf(again.text, "check-in", planB), checkInDefaults);
  });

  it("shows an invalid ending of plan B in plan B's end form only", async () => {
    const before = await views();
    const res = await client.post(path, { intent: "end", planId: planB, endDate: "2026-12-18", outcome: "", outcomeNote: "Typed ending for B", expectedVersion: "1" });
    expect(res.status).toBe(400);
    expect(await views()).toBe(before + 1);
    expect(occurrences(res.text, "Choose an outcome.")).toBe(1);
    expect(occurrences(res.text, "Typed ending for B")).toBe(1);
    const sent = formOf(res.text, "end", planB);
    expect(sent).toContain("Choose an outcome.");
    expect(field(sent, "outcome").tag).toContain("autofocus");
    expect(field(sent, "endDate").value).toBe("2026-12-18");
    expect(field(sent, "outcomeNote").value).toBe("Typed ending for B");
    expectUntouched(formOf(res.text, "end", planA), endDefaults);
    for (const plan of [planA, planB]) expectUntouched(formOf(res.text, "check-in", plan), checkInDefaults);

    // An ending the schema accepts but the plan refuses lands on the same form's end date.
    const early = await client.post(path, { intent: "end", planId: planB, endDate: "2026-09-01", outcome: "progress", outcomeNote: "", expectedVersion: "1" });
    expect(early.status).toBe(400);
    expect(occurrences(early.text, "The plan cannot end before it started.")).toBe(1);
    expect(field(formOf(early.text, "end", planB), "endDate").tag).toContain("autofocus");
    expect(field(formOf(early.text, "end", planB), "outcome").value).toBe("progress");
    expectUntouched(formOf(early.text, "end", planA), endDefaults);
  });

  it("answers a stale ending of plan B on plan B's card, with who ended it, and leaves plan A's forms alone", async () => {
    await endIntervention(database.db, actorOf(colleague, [d.schoolA.id]), studentId, planB, { endDate: "2026-12-11", outcome: "goal_met", outcomeNote: "Passed the unit test.", expectedVersion: 1 });
    const before = await views();
    const res = await client.post(path, { intent: "end", planId: planB, endDate: "2026-12-18", outcome: "progress", outcomeNote: "Typed late", expectedVersion: "1" });
    expect(res.status).toBe(409);
    expect(await views()).toBe(before + 1);
    const cardB = planCard(res.text, planB);
    expect(cardB).toContain("Someone ended this plan while you were looking at it, so your ending was not saved.");
    expect(cardB).toContain("Cass Colleague saved version 2");
    expect(cardB).toMatch(/<th scope="row">Outcome<\/th><td>Goal met<\/td><td>Progress, goal not met<\/td>/);
    expect(cardB).toMatch(/<th scope="row">Outcome note<\/th><td>Passed the unit test.<\/td><td>Typed late<\/td>/);
    expect(cardB).toMatch(/<div tabindex="-1" data-failure-notice="true" autofocus="">/);
    expect(occurrences(res.text, "Someone ended this plan")).toBe(1);
    expect(occurrences(res.text, "autofocus")).toBe(1);
    // The page shows plan B as it is now: ended, with no forms left; plan A as it was.
    expect(cardB).toContain("Ended");
    expect(cardB).not.toContain("<form");
    const cardA = planCard(res.text, planA);
    expect(cardA).not.toContain("ck-conflict");
    expect(cardA).not.toContain("Typed late");
    expectUntouched(formOf(res.text, "end", planA), endDefaults);
    expect(await database.query("select outcome, outcome_note, version from intervention where id = $1", [planB])).toEqual([{ outcome: "goal_met", outcome_note: "Passed the unit test.", version: 2 }]);

    // A check-in sent from a page opened before the ending: the message sits on plan B's card, which has no form now.
    const late = await client.post(path, { intent: "check-in", planId: planB, weekOf: "2026-12-14", rating: "3", note: "Typed after the end" });
    expect(late.status).toBe(409);
    expect(planCard(late.text, planB)).toContain("This plan has ended; start a new one to keep checking in.");
    expect(occurrences(late.text, "This plan has ended")).toBe(1);
    expectUntouched(formOf(late.text, "check-in", planA), checkInDefaults);
  });

  it("keeps a failed note in the note form, and a failed plan in the plan form", async () => {
    const note = await client.post(path, { intent: "note", body: "   " });
    expect(note.status).toBe(400);
    expect(formOf(note.text, "note")).toContain("Write the note.");
    expect(occurrences(note.text, "Write the note.")).toBe(1);
    expectUntouched(formOf(note.text, "plan"), { startDate: today, goal: "" });
    const plan = await client.post(path, { intent: "plan", catalogId: "", ownerId: d.schoolTeam.id, startDate: today, goal: "Typed plan goal" });
    expect(plan.status).toBe(400);
    const sent = formOf(plan.text, "plan");
    expect(sent).toContain("Choose an intervention.");
    expect(field(sent, "catalogId").tag).toContain("autofocus");
    expect(field(sent, "goal").value).toBe("Typed plan goal");
    expectUntouched(formOf(plan.text, "note"), { body: "" });
    expectUntouched(formOf(plan.text, "check-in", planA), checkInDefaults);
  });

  it("never shows another student's plan, even when its id is sent to this student's page", async () => {
    const invalid = await client.post(path, { intent: "check-in", planId: otherPlan, weekOf: "2026-11-23", rating: "", note: "" });
    expect(invalid.status).toBe(400);
    for (const secret of [OTHER_GOAL, "Wren", "Otherstudent", otherPlan]) expect(visible(invalid.text)).not.toContain(secret);
    expect(occurrences(invalid.text, "Choose a progress rating."), "no form of this student claims it").toBe(0);
    const valid = await client.post(path, { intent: "end", planId: otherPlan, endDate: "2026-12-18", outcome: "progress", outcomeNote: "", expectedVersion: "1" });
    expect(valid.status).toBe(404);
    expect(valid.text).not.toContain(OTHER_GOAL);
    expect(await database.query("select end_date from intervention where id = $1", [otherPlan])).toEqual([{ end_date: null }]);
  });
});
