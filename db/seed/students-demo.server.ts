// The demo's student support: Maple Elementary's fictional roster with fourteen weeks of indicators (a few students
// flagged, some newly this week), notes, one open plan and relationships marked over the autumn. Deterministic.
import { and, eq } from "drizzle-orm";
import { ensureInterventionCatalog, rollUpRates } from "~/modules/students/students.server";
import type { Database } from "../client.server";
import { checkIns, indicatorWeeks, interventionCatalog, interventions, relationships, schools, studentNotes, students, users } from "../schema";

const START_YEAR = 2026;
const FIRST_WEEK = Date.UTC(2026, 7, 24); // Monday 24 August 2026
export const DEMO_WEEKS = 14; // through the week of 23 November
const DAY = 86_400_000;

// Obviously fictional: plant and bird given names, landscape family names.
const given = ["Alder", "Bramble", "Clover", "Dune", "Elder", "Fern", "Gorse", "Hazel", "Iris", "Juniper", "Kestrel", "Linnet", "Moss", "Nettle", "Oriole", "Plover", "Quill", "Rowan", "Sorrel", "Teasel", "Umber", "Vetch", "Wren", "Yarrow"];
const family = ["Brookfield", "Cloudberry", "Dalewood", "Fennimore", "Glenmoor", "Hollowell", "Larkspur", "Marshall-Reed", "Northcote", "Pebblestone", "Quarryton", "Rushmere", "Thistledown", "Willowmere"];
const grades = ["K", "1", "2", "3", "4", "5"];
const groupSets = [["female", "not-english-learners", "not-economically-disadvantaged"], ["male", "english-learners", "economically-disadvantaged"], ["female", "english-learners", "economically-disadvantaged"], ["male", "not-english-learners", "not-economically-disadvantaged"], ["nonbinary", "not-english-learners", "economically-disadvantaged"]];

export const DEMO_STUDENTS = 72;

/** Who struggles how: index → profile. Everyone else does fine. */
function profileOf(i: number) {
  if (i % 12 === 3) return "absent"; // chronically absent from early on
  if (i % 17 === 5) return "late-absent"; // crosses 10 % in the latest week: newly flagged
  if (i % 19 === 7) return "failing-late"; // starts failing in the latest week: newly flagged
  if (i % 23 === 11) return "behaviour";
  if (i % 13 === 8) return "disconnected"; // low SEL, no trusted adult
  return "fine";
}

export async function seedDemoStudents(db: Database, districtId: string) {
  const [maple] = await db.select({ id: schools.id }).from(schools).where(and(eq(schools.districtId, districtId), eq(schools.name, "Maple Elementary")));
  const [principal] = await db.select({ id: users.id }).from(users).where(eq(users.email, "principal@maple.riverbend.example"));
  if (!maple || !principal) return;
  const roster = await db
    .insert(students)
    .values(
      Array.from({ length: DEMO_STUDENTS }, (_, i) => ({
        districtId,
        schoolId: maple.id,
        localId: `MPL-${String(1001 + i)}`,
        givenName: given[i % given.length],
        familyName: family[(i * 5) % family.length],
        grade: grades[i % grades.length],
        groups: groupSets[i % groupSets.length],
        lastStartYear: START_YEAR,
      })),
    )
    .returning({ id: students.id, localId: students.localId });
  const weeks: (typeof indicatorWeeks.$inferInsert)[] = [];
  roster.forEach((student, i) => {
    const profile = profileOf(i);
    let absent = 0;
    for (let w = 0; w < DEMO_WEEKS; w++) {
      const weekOf = new Date(FIRST_WEEK + w * 7 * DAY).toISOString().slice(0, 10);
      const latest = w === DEMO_WEEKS - 1;
      const enrolled = (w + 1) * 5;
      // One absence now and then for everyone; more for those who struggle with attendance.
      if ((i + w) % 11 === 0) absent += 1;
      if (profile === "absent" && w % 2 === 1) absent += 1;
      if (profile === "late-absent") absent = latest ? Math.ceil(enrolled * 0.11) : Math.min(absent, Math.floor(enrolled * 0.08));
      absent = Math.min(absent, enrolled);
      const survey = w === 2 || w === 11;
      weeks.push({
        studentId: student.id,
        districtId,
        schoolId: maple.id,
        startYear: START_YEAR,
        weekOf,
        daysEnrolled: enrolled,
        daysAbsent: absent,
        coursesFailing: profile === "failing-late" ? (latest ? 1 : 0) : profile === "absent" && w >= 8 ? 1 : 0,
        behaviourIncidents: profile === "behaviour" ? (w % 3 === 0 ? 2 : 1) : (i * 7 + w) % 29 === 0 ? 1 : 0,
        selScore: survey ? (profile === "disconnected" ? 2.4 : Math.round((3.2 + ((i * 13 + w) % 15) / 10) * 10) / 10) : null,
        trustedAdult: survey ? profile !== "disconnected" && (i + w) % 9 !== 0 : null,
      });
    }
  });
  await db.insert(indicatorWeeks).values(weeks);

  await ensureInterventionCatalog(db, districtId);
  const [checkInCheckOut] = await db.select({ id: interventionCatalog.id }).from(interventionCatalog).where(and(eq(interventionCatalog.districtId, districtId), eq(interventionCatalog.slug, "check-in-check-out")));
  const absentStudent = roster[3];
  const disconnected = roster[8];
  await db.insert(studentNotes).values([
    { studentId: absentStudent.id, districtId, authorId: principal.id, body: "Works late evenings to help the family business; mornings are hard. Family is open to a call.", createdAt: new Date("2026-10-14T15:00:00Z") },
    { studentId: disconnected.id, districtId, authorId: principal.id, body: "Lacks relationship skills with peers and academic support at home; lights up in art class.", createdAt: new Date("2026-11-04T15:00:00Z") },
  ]);
  const [plan] = await db
    .insert(interventions)
    .values({ studentId: absentStudent.id, districtId, schoolId: maple.id, catalogId: checkInCheckOut.id, ownerId: principal.id, startDate: "2026-10-19", goal: "Attend at least 4 of 5 days each week by the winter break.", createdBy: principal.id })
    .returning({ id: interventions.id });
  await db.insert(checkIns).values([
    { interventionId: plan.id, weekOf: "2026-10-19", rating: 2, note: "Came to morning check-in three days.", recordedBy: principal.id, recordedAt: new Date("2026-10-23T15:00:00Z") },
    { interventionId: plan.id, weekOf: "2026-10-26", rating: 3, note: "Four days; talked about the evening shifts.", recordedBy: principal.id, recordedAt: new Date("2026-10-30T15:00:00Z") },
  ]);
  // The principal names relationships through the autumn, so the map's month-by-month count falls.
  await db.insert(relationships).values(
    roster
      .map((s, i) => ({ s, i }))
      .filter(({ i }) => i % 3 === 0 && profileOf(i) !== "disconnected")
      .map(({ s, i }) => ({ studentId: s.id, districtId, schoolId: maple.id, staffId: principal.id, markedAt: new Date(Date.UTC(2026, 8 + (i % 3 === 0 ? (i % 9) / 3 : 0), 15)) })),
  );
  await rollUpRates(db, districtId, START_YEAR, null);
}
