// Outcome data for the demo district: two years of survey, attendance and course results per school × grade × student
// group, with a few groups small enough to be suppressed, one import they came from, and benchmarks to read them by.
import { eq, isNull } from "drizzle-orm";
import type { Database } from "../client.server";
import { benchmarks, dataImports, measures, observations, studentGroups } from "../schema";

type Tx = Pick<Database, "insert" | "select" | "update">;

/** A repeatable number in [0, 1) for the same inputs, so the demo is the same on every machine. */
function noise(...parts: number[]) {
  let h = 2166136261;
  for (const part of parts) h = Math.imul(h ^ (part + 0x9e3779b9), 16777619) >>> 0;
  return (h % 10007) / 10007;
}

const gradesOf: Record<string, string[]> = {
  elementary: ["K", "1", "2", "3", "4", "5"],
  middle: ["6", "7", "8"],
  high: ["9", "10", "11", "12"],
};

/** Share of students in each group, by category; the smallest ones make suppression visible. */
const shares: Record<string, Record<string, number>> = {
  gender: { female: 0.487, male: 0.497, nonbinary: 0.016 },
  race_ethnicity: {
    "american-indian-alaska-native": 0.009,
    asian: 0.08,
    black: 0.14,
    "hispanic-latino": 0.31,
    "native-hawaiian-pacific-islander": 0.006,
    white: 0.39,
    multiracial: 0.065,
  },
  english_learner: { "english-learners": 0.16, "not-english-learners": 0.84 },
  disability: { "students-with-disabilities": 0.14, "students-without-disabilities": 0.86 },
  economic: { "economically-disadvantaged": 0.46, "not-economically-disadvantaged": 0.54 },
};

/** How far a group tends to sit from all students, in points of a 0–100 scale (positive = more favourable). */
const groupLean: Record<string, number> = {
  female: 1.5,
  male: -1.2,
  nonbinary: -9,
  "english-learners": -5,
  "students-with-disabilities": -8,
  "economically-disadvantaged": -4,
  black: -3,
  "hispanic-latino": -2,
  asian: 2,
  white: 1.5,
};

/** Splits n into whole parts by share, largest remainders first, so the parts add up to n exactly. */
function split(n: number, parts: Record<string, number>): Record<string, number> {
  const entries = Object.entries(parts);
  const raw = entries.map(([k, s]) => [k, n * s] as const);
  const out = Object.fromEntries(raw.map(([k, v]) => [k, Math.floor(v)]));
  let left = n - Object.values(out).reduce((a, b) => a + b, 0);
  for (const [k] of [...raw].sort((a, b) => (b[1] % 1) - (a[1] % 1))) {
    if (left-- <= 0) break;
    out[k]++;
  }
  return out;
}

/** Shifts values so their n-weighted mean is `mean`: each category (and the grades) then adds up to all students. */
function centre(parts: { n: number; value: number }[], mean: number) {
  const total = parts.reduce((s, p) => s + p.n, 0);
  if (total === 0) return parts;
  const shift = mean - parts.reduce((s, p) => s + p.n * p.value, 0) / total;
  return parts.map((p) => ({ ...p, value: p.value + shift }));
}

export async function seedDemoData(tx: Tx, districtId: string, schoolRows: { id: string; name: string; level: string }[], leadId: string) {
  const measureRows = await tx.select().from(measures).where(isNull(measures.districtId));
  const groupRows = await tx.select().from(studentGroups).where(isNull(studentGroups.districtId));
  const groupId = (slug: string) => groupRows.find((g) => g.slug === slug)!.id;
  const allId = groupId("all");

  const [dataImport] = await tx
    .insert(dataImports)
    .values({ districtId, fileName: "riverbend-demo-results.csv", rowCount: 0, importedBy: leadId, importedAt: new Date("2026-11-02T16:00:00Z") })
    .returning();

  // Surveys in fall and spring of 2025–26 and fall of 2026–27; attendance and course failure for 2025–26 as a
  // whole year and for fall 2026 as year-to-date.
  const slices: { startYear: number; term: "fall" | "spring" | "year"; measure: (typeof measureRows)[number] }[] = [];
  for (const measure of measureRows) {
    const survey = measure.category === "sel_competency" || measure.category === "connectedness";
    if (survey) {
      slices.push({ startYear: 2025, term: "fall", measure }, { startYear: 2025, term: "spring", measure }, { startYear: 2026, term: "fall", measure });
    } else if (measure.category === "attendance" || measure.category === "course_failure") {
      slices.push({ startYear: 2025, term: "year", measure }, { startYear: 2026, term: "fall", measure });
    }
  }

  const rows: (typeof observations.$inferInsert)[] = [];
  slices.forEach((slice, sliceIndex) => {
    const { measure } = slice;
    const survey = measure.category === "sel_competency" || measure.category === "connectedness";
    const step = (slice.startYear - 2025) * 2 + (slice.term === "spring" ? 1 : 0);
    const measureIndex = measureRows.indexOf(measure);
    schoolRows.forEach((school, schoolIndex) => {
      const grades = (gradesOf[school.level] ?? gradesOf.elementary).filter((g) => !survey || !["K", "1", "2"].includes(g));
      if (measure.category === "course_failure" && school.level === "elementary") return;
      const perGrade = school.level === "high" ? 190 : school.level === "middle" ? 150 : 64;
      // A 0–100 figure for all students at this school, moving with the years: survey results rise slowly,
      // absenteeism and course failure fall, Oak Hollow slips in its second year.
      const slipping = school.name.startsWith("Oak Hollow") && slice.startYear === 2026 ? -4 : 0;
      let base: number;
      if (survey) base = 52 + noise(schoolIndex, measureIndex, 1) * 18 + step * 1.6 + slipping;
      else if (measure.category === "attendance") base = 21 - noise(schoolIndex, 2) * 7 - step * 0.9 - slipping;
      else base = 14 - noise(schoolIndex, 3) * 5 - step * 0.6 - slipping;
      const toValue = (pct: number) => (measure.unit === "mean" ? 1 + (Math.min(100, Math.max(0, pct)) / 100) * 4 : Math.min(100, Math.max(0, pct)));
      const round = (v: number) => Math.round(v * 100) / 100;

      const gradeN = Object.fromEntries(grades.map((g, i) => [g, Math.round(perGrade * (0.9 + noise(schoolIndex, i, 4) * 0.2) * (survey ? 0.85 : 1))]));
      const total = Object.values(gradeN).reduce((a, b) => a + b, 0);
      const allValue = toValue(base);
      rows.push({ districtId, importId: dataImport.id, schoolId: school.id, startYear: slice.startYear, term: slice.term, grade: "all", studentGroupId: allId, measureId: measure.id, n: total, value: round(allValue) });
      // Younger students answer a little more favourably; lower-is-better measures climb with grade instead.
      const gradeParts = centre(
        grades.map((g, i) => ({ n: gradeN[g], value: toValue(base + (survey ? 2 - i * 1.2 : i * 0.8) + (noise(schoolIndex, i, sliceIndex, 5) - 0.5) * 4) })),
        allValue,
      );
      grades.forEach((g, i) => rows.push({ districtId, importId: dataImport.id, schoolId: school.id, startYear: slice.startYear, term: slice.term, grade: g, studentGroupId: allId, measureId: measure.id, n: gradeParts[i].n, value: round(gradeParts[i].value) }));
      for (const [category, parts] of Object.entries(shares)) {
        // Schools differ in make-up; the small groups stay small.
        const counts = split(total, Object.fromEntries(Object.entries(parts).map(([slug, share]) => [slug, share * (0.8 + noise(schoolIndex, slug.length, 6) * 0.4)])));
        const sign = survey ? 1 : -0.6;
        const members = Object.keys(parts).map((slug, i) => ({ slug, n: counts[slug], value: toValue(base + sign * (groupLean[slug] ?? 0) + (noise(schoolIndex, i, sliceIndex, category.length) - 0.5) * 3) }));
        const centred = centre(members, allValue);
        members.forEach((m, i) => rows.push({ districtId, importId: dataImport.id, schoolId: school.id, startYear: slice.startYear, term: slice.term, grade: "all", studentGroupId: groupId(m.slug), measureId: measure.id, n: m.n, value: round(Math.min(measure.scaleMax, Math.max(measure.scaleMin, centred[i].value))) }));
      }
    });
  });
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(observations).values(rows.slice(i, i + 1000));

  const sliceSummary = new Map<string, { schoolId: string | null; startYear: number; term: string; measureId: string; rows: number }>();
  for (const row of rows) {
    const key = `${row.schoolId}|${row.startYear}|${row.term}|${row.measureId}`;
    const entry = sliceSummary.get(key) ?? { schoolId: row.schoolId ?? null, startYear: row.startYear, term: row.term, measureId: row.measureId, rows: 0 };
    entry.rows++;
    sliceSummary.set(key, entry);
  }
  await tx.update(dataImports).set({ rowCount: rows.length, slices: [...sliceSummary.values()] }).where(eq(dataImports.id, dataImport.id));

  // A provider's benchmark for every survey measure (overall and by grade band) and the district's own targets.
  const benchmarkRows: (typeof benchmarks.$inferInsert)[] = [];
  for (const [index, measure] of measureRows.entries()) {
    const survey = measure.category === "sel_competency" || measure.category === "connectedness";
    const pct = survey ? 60 + noise(index, 7) * 8 : measure.category === "attendance" ? 15 : 11;
    const value = (p: number) => Math.round((measure.unit === "mean" ? 1 + (p / 100) * 4 : p) * 100) / 100;
    const source = survey ? "Survey provider's national benchmark, spring 2025" : "State average, 2024–25";
    benchmarkRows.push({ districtId, measureId: measure.id, kind: "benchmark", gradeBand: "all", value: value(pct), source, updatedBy: leadId });
    if (survey) {
      for (const [band, shift] of [["3-5", 4], ["6-8", -1], ["9-12", -3]] as const) {
        benchmarkRows.push({ districtId, measureId: measure.id, kind: "benchmark", gradeBand: band, value: value(pct + shift), source, updatedBy: leadId });
      }
    }
    benchmarkRows.push({ districtId, measureId: measure.id, kind: "target", gradeBand: "all", value: value(survey ? pct + 3 : pct - 1), source: "Riverbend strategic plan 2025–2028", updatedBy: leadId });
  }
  await tx.insert(benchmarks).values(benchmarkRows);
  return { observations: rows.length, benchmarks: benchmarkRows.length };
}
