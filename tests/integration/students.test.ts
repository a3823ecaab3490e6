// Student support against a real database: imports (edge cases, all-or-nothing, idempotent), the meeting's SQL summaries
// checked against the pure reference, the roll-up into outcome observations, the access log, deletion and retention.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureInterventionCatalog, listInterventionCatalog } from "~/modules/students/students.server";
import {
  addCheckIn,
  applyRetention,
  checkImport,
  commitImport,
  createIntervention,
  deleteStudentRecord,
  endIntervention,
  exportStudentRecord,
  getStudentRecord,
  schoolRates,
  schoolWeekSummaries,
  weeklyMeeting,
} from "~/modules/students/students.server";
import { defaultThresholds, summariseWeek, type WeekFigures } from "~/modules/students/indicators";
import { StaleEdit } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople, makeUser } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let d: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
const principal = () => actorOf(d.schoolTeam, [d.schoolA.id]);

const roster = (rows: string[]) => ["student_id,given_name,family_name,grade,school,groups", ...rows].join("\r\n");
const indicators = (rows: string[]) => ["student_id,week_of,days_enrolled,days_absent,courses_failing,behaviour_incidents,sel_score,trusted_adult", ...rows].join("\n");

const countRows = async (table: string, where = "true", params: unknown[] = []) =>
  Number((await database.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params))[0].n);

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  d = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
});

afterAll(async () => {
  await database?.close();
});

describe("roster import", () => {
  it("reports every problem by row and column, and writes nothing", async () => {
    const file =
      "\uFEFF" +
      roster([
        `S-1,Ada,"Quill, Jr.",3,${d.schoolA.name},female;english-learners`,
        "S-2,,Brook,3,,",
        "S-1,Dup,Licate,3,,",
        "S-4,Eve,Stone,13,,",
        "S-5,Fay,Stone,K,Some Other School,",
        "S-6,Gil,Stone,2,,Martians",
      ]);
    const check = await checkImport(database.db, principal(), d.schoolA.id, "roster", file);
    expect(check.parsed.errors).toEqual([
      { row: 3, column: "given_name", reason: "is empty" },
      { row: 4, column: "student_id", reason: "duplicate of row 2" },
      { row: 5, column: "grade", reason: '"13" is not a grade from K to 12' },
      { row: 6, column: "school", reason: `"Some Other School" is not ${d.schoolA.name}` },
      { row: 7, column: "groups", reason: 'unknown student group "Martians"' },
    ]);
    const result = await commitImport(database.db, principal(), d.schoolA.id, "roster", file, "roster.csv");
    expect(result.ok).toBe(false);
    expect(await countRows("student")).toBe(0);
  });

  it("names missing columns and reads OneRoster headings", async () => {
    const missing = await checkImport(database.db, principal(), d.schoolA.id, "roster", "sourcedId,givenName\nS-1,Ada\n");
    expect(missing.parsed.fileErrors).toEqual(["Missing columns: familyName, grade."]);
    const oneRoster = await checkImport(database.db, principal(), d.schoolA.id, "roster", "sourcedId,givenName,familyName,grades\r\nS-1,Ada,Quill,03\r\n\r\n");
    expect(oneRoster.parsed.errors).toEqual([]);
    expect(oneRoster.parsed.rows).toEqual([{ localId: "S-1", givenName: "Ada", familyName: "Quill", grade: "3", groups: [] }]);
  });

  it("imports a clean roster (quoted names, BOM, CRLF, blank lines) and a second import changes nothing", async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `S-${i + 1},Kid${i + 1},"Stone, ${i + 1}",${i % 2 ? "3" : "4"},,${i % 2 ? "female" : "male"}`);
    const file = "\uFEFF" + roster(rows) + "\r\n\r\n";
    const first = await commitImport(database.db, principal(), d.schoolA.id, "roster", file, "roster.csv");
    expect(first.ok).toBe(true);
    const snapshot = await database.query("select id, local_id, given_name, family_name, grade, groups from student order by local_id");
    expect(snapshot).toHaveLength(12);
    expect(snapshot.find((s) => s.local_id === "S-1")).toMatchObject({ family_name: "Stone, 1", grade: "4", groups: ["male"] });
    const again = await commitImport(database.db, principal(), d.schoolA.id, "roster", file, "roster.csv");
    expect(again.ok).toBe(true);
    expect(await database.query("select id, local_id, given_name, family_name, grade, groups from student order by local_id")).toEqual(snapshot);
    expect(await countRows("student_access_log", "kind = 'import'")).toBe(2);
  });

  it("refuses a student id the district holds for another school without saying so, and logs whose record was tried", async () => {
    const team = await makeUser(database.db, d.district.id, "school_team", { schoolIds: [d.schoolB.id] });
    const [s1] = await database.query<{ id: string }>("select id from student where local_id = 'S-1'");
    const logged = () => countRows("student_access_log", "student_id = $1 and school_id = $2 and kind = 'import' and actor_id = $3", [s1.id, d.schoolB.id, team.id]);
    expect(await logged()).toBe(0);
    const check = await checkImport(
      database.db,
      actorOf(team, [d.schoolB.id]),
      d.schoolB.id,
      "roster",
      roster(["S-100,,Blank,3,,", "S-1,Kid1,Elsewhere,3,,", "S-999,Never,Enrolled,3,,"]),
      "probe.csv",
    );
    expect(check.parsed.errors).toEqual([
      { row: 2, column: "given_name", reason: "is empty" },
      { row: 3, column: "student_id", reason: "cannot be used for this school; ask the district data coordinator to check it" },
    ]);
    // Nothing about where the student is: no school, no roster, no name.
    expect(JSON.stringify(check.parsed.errors)).not.toMatch(new RegExp(`school's|roster|Kid1|Stone|${d.schoolA.name}`, "i"));
    expect(await logged()).toBe(1);
    const [entry] = await database.query<{ context: string }>("select context from student_access_log where student_id = $1 and school_id = $2", [s1.id, d.schoolB.id]);
    expect(entry.context).toBe(`roster check of probe.csv for ${d.schoolB.name}: student id held for another school, refused`);

    // Confirming the same file is refused the same way, writes no student and logs the attempt again.
    const result = await commitImport(database.db, actorOf(team, [d.schoolB.id]), d.schoolB.id, "roster", roster(["S-1,Kid1,Elsewhere,3,,"]), "probe.csv");
    expect(result.ok).toBe(false);
    expect(await countRows("student", "school_id = $1", [d.schoolB.id])).toBe(0);
    expect(await database.query("select given_name, family_name, school_id from student where id = $1", [s1.id])).toEqual([{ given_name: "Kid1", family_name: "Stone, 1", school_id: d.schoolA.id }]);
    expect(await logged()).toBe(2);
  });

  it("answers 404 to another district and 403 to a school the actor does not serve", async () => {
    await expect(checkImport(database.db, actorOf(other.lead), d.schoolA.id, "roster", roster([]))).rejects.toThrow("school not found");
    const elsewhere = actorOf(d.schoolTeam, [d.schoolB.id]);
    await expect(checkImport(database.db, elsewhere, d.schoolA.id, "roster", roster([]))).rejects.toThrow("permission");
    await expect(checkImport(database.db, actorOf(d.board), d.schoolA.id, "roster", roster([]))).rejects.toThrow("permission");
    await expect(checkImport(database.db, actorOf(d.lead), d.schoolA.id, "roster", roster([]))).rejects.toThrow("permission");
  });
});

describe("indicator import", () => {
  it("checks every row: unknown students, impossible days, duplicates, bad scores and answers", async () => {
    const file = indicators([
      "S-1,2026-09-07,5,0,0,0,3.5,yes",
      "S-99,2026-09-07,5,0,0,0,,",
      "S-2,2026-09-07,5,6,0,0,,",
      "S-3,2026-09-09,5,1.5,0,0,,", // a Wednesday: the week of 09-07
      "S-1,2026-09-08,5,0,0,0,,", // same student, same week as row 2
      "S-4,2026-13-01,5,0,0,0,,",
      "S-5,2026-09-07,5,0,0,0,6,maybe",
    ]);
    const check = await checkImport(database.db, principal(), d.schoolA.id, "indicators", file);
    expect(check.parsed.errors).toEqual([
      { row: 3, column: "student_id", reason: '"S-99" is not on this school\'s roster' },
      { row: 4, column: "days_absent", reason: "6 absent days is more than 5 enrolled" },
      { row: 5, column: "days_absent", reason: '"1.5" is not a whole number' },
      { row: 6, column: "week_of", reason: "duplicate of row 2 (same student and week)" },
      { row: 7, column: "week_of", reason: '"2026-13-01" is not a date (YYYY-MM-DD)' },
      { row: 8, column: "sel_score", reason: '"6" is not a score from 1 to 5' },
      { row: 8, column: "trusted_adult", reason: '"maybe" is not yes or no' },
    ]);
    expect((await commitImport(database.db, principal(), d.schoolA.id, "indicators", file, "bad.csv")).ok).toBe(false);
    expect(await countRows("indicator_week")).toBe(0);
  });

  // Twelve students over six weeks: S-1 and S-2 slide into chronic absence; S-3 fails a course from week 5.
  const weeks = ["2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28", "2026-10-05", "2026-10-12"];
  function weekFile(upTo: number) {
    const rows: string[] = [];
    for (let s = 1; s <= 12; s++) {
      weeks.slice(0, upTo).forEach((week, w) => {
        const enrolled = (w + 1) * 5;
        const absent = s <= 2 ? Math.floor(enrolled * (w >= 4 ? 0.2 : 0.05)) : 0;
        const failing = s === 3 && w >= 4 ? 1 : 0;
        const incidents = s === 4 ? 1 : 0;
        const sel = w === 0 ? (s === 5 ? "2.5" : "3.8") : "";
        const adult = w === 0 ? (s === 6 ? "no" : "yes") : "";
        rows.push(`S-${s},${week},${enrolled},${absent},${failing},${incidents},${sel},${adult}`);
      });
    }
    return indicators(rows);
  }

  it("imports weeks all at once, idempotently, and rolls the rates up into outcome observations", async () => {
    const first = await commitImport(database.db, principal(), d.schoolA.id, "indicators", weekFile(4), "weeks-1-4.csv");
    expect(first.ok).toBe(true);
    expect(await countRows("indicator_week")).toBe(48);
    const rollups = await countRows("data_import", "file_name = 'Student support roll-up'");
    expect(rollups).toBe(1);
    const observations = await countRows("observation", "replaced_by_import_id is null");
    expect(observations).toBeGreaterThan(0);
    // Again: the same rows, and the roll-up replaces its own slices rather than adding to them.
    expect((await commitImport(database.db, principal(), d.schoolA.id, "indicators", weekFile(4), "weeks-1-4.csv")).ok).toBe(true);
    expect(await countRows("indicator_week")).toBe(48);
    expect(await countRows("observation", "replaced_by_import_id is null")).toBe(observations);
    // Only one of the district's two schools has students, so no district-wide rows are claimed.
    expect(await countRows("observation", "school_id is null")).toBe(0);
  });

  it("computes the same summaries in SQL as the pure reference", async () => {
    const rows = await database.query<{ local_id: string; week_of: string; days_enrolled: number; days_absent: number; courses_failing: number; behaviour_incidents: number; sel_score: string | null; trusted_adult: boolean | null }>(
      "select s.local_id, w.week_of::text as week_of, w.days_enrolled, w.days_absent, w.courses_failing, w.behaviour_incidents, w.sel_score, w.trusted_adult from indicator_week w join student s on s.id = w.student_id",
    );
    for (const week of ["2026-09-14", "2026-09-28", "2026-10-01"]) {
      const sqlSummaries = await schoolWeekSummaries(database.db, d.schoolA.id, week);
      expect(sqlSummaries).toHaveLength(12);
      for (const summary of sqlSummaries) {
        const [row] = await database.query<{ local_id: string }>("select local_id from student where id = $1", [summary.studentId]);
        const figures: WeekFigures[] = rows
          .filter((r) => r.local_id === row.local_id)
          .map((r) => ({ weekOf: r.week_of.slice(0, 10), daysEnrolled: r.days_enrolled, daysAbsent: r.days_absent, coursesFailing: r.courses_failing, behaviourIncidents: r.behaviour_incidents, selScore: r.sel_score === null ? null : Number(r.sel_score), trustedAdult: r.trusted_adult }));
        const { studentId: _s, ...fromSql } = summary;
        expect(fromSql).toEqual(summariseWeek(figures, week));
      }
    }
  });

  it("reads a whole history for a student whose data stopped weeks ago", async () => {
    const birch = actorOf(await makeUser(database.db, d.district.id, "school_team", { schoolIds: [d.schoolB.id] }), [d.schoolB.id]);
    expect((await commitImport(database.db, birch, d.schoolB.id, "roster", roster(["B-1,Early,Leaver,5,,", "B-2,Still,Here,5,,"]), "birch.csv")).ok).toBe(true);
    const file = indicators([
      "B-1,2026-08-24,5,1,0,2,2.1,no",
      "B-1,2026-08-31,10,2,1,2,,",
      "B-2,2026-08-24,5,0,0,0,3.9,yes",
      ...weeks.map((w, i) => `B-2,${w},${(i + 3) * 5},0,0,0,,`),
    ]);
    expect((await commitImport(database.db, birch, d.schoolB.id, "indicators", file, "birch-weeks.csv")).ok).toBe(true);
    const [summary, still] = (await schoolWeekSummaries(database.db, d.schoolB.id, "2026-10-12")).sort((a, b) => a.weekOf.localeCompare(b.weekOf));
    expect(summary).toMatchObject({ weekOf: "2026-08-31", daysEnrolled: 10, daysAbsent: 2, coursesFailing: 1, recentIncidents: 4, latestSel: 2.1, latestTrustedAdult: false });
    expect(still).toMatchObject({ weekOf: "2026-10-12", recentIncidents: 0, latestSel: 3.9, latestTrustedAdult: true });
    expect(await schoolWeekSummaries(database.db, d.schoolB.id, "2026-08-01")).toEqual([]);
  });

  it("shows the weekly meeting: newly flagged students, with every signal on one row, and logs the view", async () => {
    await commitImport(database.db, principal(), d.schoolA.id, "indicators", weekFile(6), "weeks-1-6.csv");
    const logged = await countRows("student_access_log", "kind = 'list'");
    const meeting = await weeklyMeeting(database.db, principal(), d.schoolA.id, null);
    expect(meeting.week).toBe("2026-10-12");
    expect(meeting.previous).toBe("2026-10-05");
    // Week 5 (10-05) flagged S-1, S-2 (absence) and S-3 (failing); nothing new happens in week 6.
    expect(meeting.rows.map((r) => r.name)).toEqual([]);
    const week5 = await weeklyMeeting(database.db, principal(), d.schoolA.id, "2026-10-05");
    expect(week5.rows.map((r) => [r.name, r.newSignals])).toEqual([
      ["Kid1 Stone, 1", ["chronic_absence"]],
      ["Kid2 Stone, 2", ["chronic_absence"]],
      ["Kid3 Stone, 3", ["failing"]],
    ]);
    expect(week5.flagged).toBe(6); // S-1, S-2, S-3 and S-4 (behaviour), S-5 (SEL), S-6 (no trusted adult)
    expect(await countRows("student_access_log", "kind = 'list'")).toBe(logged + 2);
  });

  it("updates the school rates as weeks arrive, hiding rates over too few students", async () => {
    const rates = await schoolRates(database.db, principal(), d.schoolA.id, 2026);
    expect(rates.terms).toEqual(["fall"]);
    const chronic = rates.measures.find((m) => m.slug === "chronic-absenteeism-rate")!;
    expect(chronic.byTerm).toEqual([{ term: "fall", display: "16.7 %" }]);
    await database.query("update district set min_cell_size = 13 where id = $1", [d.district.id]);
    const hidden = await schoolRates(database.db, principal(), d.schoolA.id, 2026);
    expect(hidden.measures[0].byTerm).toEqual([{ term: "fall", display: "fewer than 13 students" }]);
    await database.query("update district set min_cell_size = 10 where id = $1", [d.district.id]);
  });
});

describe("records, plans, export, deletion and retention", () => {
  let studentId: string;

  beforeAll(async () => {
    const [row] = await database.query<{ id: string }>("select id from student where local_id = 'S-1'");
    studentId = row.id;
  });

  it("logs every view of a student record, and refuses other districts with 404", async () => {
    const before = await countRows("student_access_log", "kind = 'view' and student_id = $1", [studentId]);
    const record = await getStudentRecord(database.db, principal(), studentId);
    expect(record.weeks).toHaveLength(6);
    expect(record.weeks[4].signals).toContain("chronic_absence");
    expect(await countRows("student_access_log", "kind = 'view' and student_id = $1", [studentId])).toBe(before + 1);
    await expect(getStudentRecord(database.db, actorOf(other.lead), studentId)).rejects.toThrow("student not found");
    await expect(getStudentRecord(database.db, actorOf({ ...other.lead, studentRecords: true }), studentId)).rejects.toThrow("student not found");
    await expect(getStudentRecord(database.db, actorOf(d.board), studentId)).rejects.toThrow("permission");
    await expect(getStudentRecord(database.db, actorOf(d.team), studentId)).rejects.toThrow("permission");
    await expect(getStudentRecord(database.db, actorOf({ ...d.team, studentRecords: true }), studentId)).resolves.toBeTruthy();
    // Refusals log nothing: there was no view.
    expect(await countRows("student_access_log", "kind = 'view' and student_id = $1", [studentId])).toBe(before + 2);
  });

  it("runs a plan with weekly check-ins, from the district's catalog only", async () => {
    await ensureInterventionCatalog(database.db, d.district.id);
    const [mentor] = (await listInterventionCatalog(database.db, d.district.id)).filter((c) => c.name === "Older-student mentor");
    const plan = await createIntervention(database.db, principal(), studentId, { catalogId: mentor.id, ownerId: d.schoolTeam.id, startDate: "2026-10-12", goal: "Attend four days a week." });
    await addCheckIn(database.db, principal(), studentId, plan.id, { weekOf: "2026-10-12", rating: 2, note: "Three days." });
    await expect(addCheckIn(database.db, principal(), studentId, plan.id, { weekOf: "2026-10-12", rating: 3, note: "" })).rejects.toThrow("already a check-in");
    await ensureInterventionCatalog(database.db, other.district.id);
    const [theirs] = await listInterventionCatalog(database.db, other.district.id);
    await expect(createIntervention(database.db, principal(), studentId, { catalogId: theirs.id, ownerId: d.schoolTeam.id, startDate: "2026-10-12", goal: "x" })).rejects.toThrow("validation failed");
    await expect(createIntervention(database.db, principal(), studentId, { catalogId: mentor.id, ownerId: d.board.id, startDate: "2026-10-12", goal: "x" })).rejects.toThrow("validation failed");
    const meeting = await weeklyMeeting(database.db, principal(), d.schoolA.id, null);
    expect(meeting.rows.map((r) => [r.name, r.openPlan?.name, r.openPlan?.lastRating])).toEqual([["Kid1 Stone, 1", "Older-student mentor", 2]]);
  });

  it("ends a plan with an outcome once; a stale form or a check-in after the end is refused", async () => {
    const [plan] = await database.query<{ id: string; version: number }>("select id, version from intervention where student_id = $1", [studentId]);
    await expect(endIntervention(database.db, principal(), studentId, plan.id, { endDate: "2026-10-01", outcome: "goal_met", outcomeNote: "", expectedVersion: 1 })).rejects.toThrow("validation failed");
    await endIntervention(database.db, principal(), studentId, plan.id, { endDate: "2026-11-20", outcome: "progress", outcomeNote: "Attends four days most weeks.", expectedVersion: 1 });
    const stale = await endIntervention(database.db, principal(), studentId, plan.id, { endDate: "2026-11-21", outcome: "goal_met", outcomeNote: "", expectedVersion: 1 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(StaleEdit);
    expect((stale as StaleEdit).message).toBe("Someone ended this plan while you were looking at it, so your ending was not saved.");
    // How it was ended, and by whom, for the notice that sets it beside what the late form typed.
    expect((stale as StaleEdit).current).toMatchObject({ endDate: "2026-11-20", outcome: "progress", outcomeNote: "Attends four days most weeks.", version: 2, savedBy: d.schoolTeam.name });
    await expect(addCheckIn(database.db, principal(), studentId, plan.id, { weekOf: "2026-11-23", rating: 3, note: "" })).rejects.toThrow("plan has ended");
    expect(await database.query("select end_date::text as end_date, outcome, version from intervention where id = $1", [plan.id])).toEqual([{ end_date: "2026-11-20", outcome: "progress", version: 2 }]);
    // An ended plan leaves the meeting's list.
    expect((await weeklyMeeting(database.db, principal(), d.schoolA.id, null)).rows).toEqual([]);
  });

  it("exports a whole record as safe CSV and logs the export", async () => {
    await database.query("update student set given_name = '=HYPERLINK(1)' where id = $1", [studentId]);
    const file = await exportStudentRecord(database.db, principal(), studentId);
    expect(file.csv).toContain("student,,student id,S-1");
    expect(file.csv).toContain("'=HYPERLINK(1) Stone, 1");
    expect(file.csv).toContain("check-in,2026-10-12,Older-student mentor: progress 2 of 4,Three days.");
    expect(await countRows("student_access_log", "kind = 'export' and student_id = $1", [studentId])).toBe(1);
  });

  it("deletes one record on request (the lead with the grant only), leaving an opaque log entry", async () => {
    await expect(deleteStudentRecord(database.db, principal(), studentId)).rejects.toThrow("permission");
    await expect(deleteStudentRecord(database.db, actorOf(d.lead), studentId)).rejects.toThrow("permission");
    const lead = actorOf({ ...d.lead, studentRecords: true });
    await deleteStudentRecord(database.db, lead, studentId);
    expect(await countRows("student", "id = $1", [studentId])).toBe(0);
    expect(await countRows("indicator_week", "student_id = $1", [studentId])).toBe(0);
    expect(await countRows("intervention", "student_id = $1", [studentId])).toBe(0);
    expect(await countRows("student_access_log", "kind = 'delete' and student_id = $1", [studentId])).toBe(1);
    await expect(getStudentRecord(database.db, lead, studentId)).rejects.toThrow("student not found");
  });

  it("applies retention: records past the district's months after their last year are deleted, others kept", async () => {
    const remaining = await countRows("student", "district_id = $1", [d.district.id]);
    await database.query("update student set last_start_year = 2024 where local_id in ('S-2', 'S-3') and district_id = $1", [d.district.id]);
    await database.query("insert into district_student_settings (district_id, retention_months) values ($1, 6)", [d.district.id]);
    // 2024–25 ended 30 June 2025; six months later is 30 December 2025.
    expect(await applyRetention(database.db, new Date("2025-12-01T00:00:00Z"))).toEqual([]);
    const summary = await applyRetention(database.db, new Date("2026-01-15T00:00:00Z"));
    expect(summary).toEqual([{ districtId: d.district.id, deleted: 2 }]);
    expect(await countRows("student", "district_id = $1", [d.district.id])).toBe(remaining - 2);
    expect(await countRows("student_access_log", "kind = 'retention' and district_id = $1", [d.district.id])).toBe(1);
    expect(await countRows("audit_event", "action = 'student.retention'")).toBe(1);
  });

  it("answers 404 for a made-up id", async () => {
    await expect(getStudentRecord(database.db, principal(), randomUUID())).rejects.toThrow("student not found");
  });

  it("keeps the thresholds' defaults until the lead changes them", () => {
    expect(defaultThresholds).toEqual({ absencePercent: 10, failingCourses: 1, behaviourIncidents: 2, selBenchmark: 3 });
  });
});
