// Outcome data views: queries scoped to the actor's district and readable schools; every number leaves suppressed.
import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { benchmarks, districts, measures, observations, schools, studentGroups } from "#db/schema";
import { readableSchoolIds, requirePermission, type Actor } from "~/modules/people/permissions";
import { NotFound } from "~/utils/errors";
import { cellKey, compareGrades, DISTRICT, rankGaps, suppressSlice, type GapRow, type GroupInfo, type ObservationRow } from "./cube";
import type { SuppressedCell } from "./suppression";

import { dataTerms, type DataTerm } from "./data-terms";

export interface MeasureInfo {
  id: string;
  name: string;
  unit: string;
  category: string;
  competency: string | null;
  direction: "higher_is_better" | "lower_is_better";
  scaleMin: number;
  scaleMax: number;
}

export interface Place {
  /** A school id, or "district". */
  id: string;
  name: string;
}

/** What every data page needs to draw its filters: years with data, the actor's places, measures and groups. */
export async function dataSetup(db: Database, actor: Actor) {
  requirePermission(actor, "data:read", { districtId: actor.districtId });
  return loadSetup(db, actor.districtId, readableSchoolIds(actor));
}

/** The same, for a district-scoped reader that has already checked access (report data blocks). */
export async function loadSetup(db: Database, districtId: string, only: string[] | null) {
  const actor = { districtId };
  const [district] = await db.select({ name: districts.name, minN: districts.minCellSize }).from(districts).where(eq(districts.id, actor.districtId));
  if (!district) throw new NotFound("district");
  const [schoolRows, measureRows, groupRows, yearRows] = await Promise.all([
    only && only.length === 0
      ? []
      : db
          .select({ id: schools.id, name: schools.name })
          .from(schools)
          .where(and(eq(schools.districtId, actor.districtId), isNull(schools.archivedAt), only ? inArray(schools.id, only) : undefined))
          .orderBy(asc(schools.name)),
    db
      .select({
        id: measures.id,
        name: measures.name,
        unit: measures.unit,
        category: measures.category,
        competency: measures.competency,
        direction: measures.direction,
        scaleMin: measures.scaleMin,
        scaleMax: measures.scaleMax,
      })
      .from(measures)
      .where(or(isNull(measures.districtId), eq(measures.districtId, actor.districtId)))
      .orderBy(asc(measures.category), asc(measures.competency), sql`${measures.unit} = 'mean'`, asc(measures.name)),
    db
      .select({ id: studentGroups.id, name: studentGroups.name, category: studentGroups.category, sortOrder: studentGroups.sortOrder })
      .from(studentGroups)
      .where(or(isNull(studentGroups.districtId), eq(studentGroups.districtId, actor.districtId)))
      .orderBy(asc(studentGroups.sortOrder), asc(studentGroups.name)),
    db
      .selectDistinct({ startYear: observations.startYear })
      .from(observations)
      .where(and(eq(observations.districtId, actor.districtId), isNull(observations.replacedByImportId)))
      .orderBy(asc(observations.startYear)),
  ]);
  return {
    districtName: district.name,
    minN: district.minN,
    schools: schoolRows,
    measures: measureRows as MeasureInfo[],
    groups: groupRows as GroupInfo[],
    years: yearRows.map((r) => r.startYear),
  };
}

export type DataSetup = Awaited<ReturnType<typeof loadSetup>>;

/**
 * The place a view looks at: a school the actor may read, or the district. Another district's school is NotFound;
 * a school in the district the actor does not serve is Forbidden.
 */
export async function resolvePlace(db: Database, actor: Actor, setup: DataSetup, schoolId: string | null): Promise<Place> {
  if (!schoolId) return { id: DISTRICT, name: setup.districtName };
  const [school] = await db
    .select({ id: schools.id, name: schools.name })
    .from(schools)
    .where(and(eq(schools.id, schoolId), eq(schools.districtId, actor.districtId)));
  if (!school) throw new NotFound("school");
  requirePermission(actor, "data:read", { districtId: actor.districtId, schoolId });
  return school;
}

export const sliceKey = (startYear: number, term: string, measureId: string) => `${startYear}|${term}|${measureId}`;

/**
 * Loads whole slices (every school, so district figures and complementary suppression see everything) and
 * suppresses each; callers then read only the places the actor may see.
 */
export async function loadSlices(db: Database, actor: { districtId: string }, setup: DataSetup, filter: { startYears?: number[]; terms?: string[]; measureIds: string[] }) {
  const out = new Map<string, Map<string, SuppressedCell>>();
  if (filter.measureIds.length === 0) return out;
  const rows = await db
    .select({
      schoolId: observations.schoolId,
      startYear: observations.startYear,
      term: observations.term,
      grade: observations.grade,
      groupId: observations.studentGroupId,
      measureId: observations.measureId,
      n: observations.n,
      value: observations.value,
    })
    .from(observations)
    .where(
      and(
        eq(observations.districtId, actor.districtId),
        isNull(observations.replacedByImportId),
        inArray(observations.measureId, filter.measureIds),
        filter.startYears ? inArray(observations.startYear, filter.startYears) : undefined,
        filter.terms ? inArray(observations.term, filter.terms as DataTerm[]) : undefined,
      ),
    );
  const bySlice = new Map<string, ObservationRow[]>();
  for (const row of rows) {
    const key = sliceKey(row.startYear, row.term, row.measureId);
    const list = bySlice.get(key) ?? [];
    list.push(row);
    bySlice.set(key, list);
  }
  const unitOf = new Map(setup.measures.map((m) => [m.id, m.unit]));
  for (const [key, list] of bySlice) {
    const measureId = key.split("|")[2];
    out.set(key, suppressSlice(list, setup.groups, unitOf.get(measureId) ?? "mean", setup.minN));
  }
  return out;
}

/** Benchmarks and targets by measure and grade band. */
export async function benchmarkMap(db: Database, actor: Pick<Actor, "districtId">) {
  const rows = await db.select().from(benchmarks).where(eq(benchmarks.districtId, actor.districtId));
  const map = new Map<string, { benchmark: { value: number; source: string } | null; target: number | null }>();
  for (const row of rows) {
    const key = `${row.measureId}|${row.gradeBand}`;
    const entry = map.get(key) ?? { benchmark: null, target: null };
    if (row.kind === "benchmark") entry.benchmark = { value: row.value, source: row.source };
    else entry.target = row.value;
    map.set(key, entry);
  }
  return map;
}

export interface Filters {
  startYear: number | null;
  term: DataTerm | null;
  schoolId: string | null;
}

/** Years and terms default to the newest with data. */
function chooseYear(setup: DataSetup, startYear: number | null) {
  if (startYear !== null && setup.years.includes(startYear)) return startYear;
  return setup.years.at(-1) ?? null;
}

async function termsWithData(db: Database, actor: Actor, startYear: number) {
  const rows = await db
    .selectDistinct({ term: observations.term, measureId: observations.measureId })
    .from(observations)
    .where(and(eq(observations.districtId, actor.districtId), isNull(observations.replacedByImportId), eq(observations.startYear, startYear)));
  return rows;
}

const isSurvey = (m: MeasureInfo) => m.category === "sel_competency" || m.category === "connectedness";

function signedDifference(value: number | null, reference: number | null) {
  return value === null || reference === null ? null : Math.round((value - reference) * 100) / 100;
}

function better(direction: MeasureInfo["direction"], difference: number | null) {
  if (difference === null) return null;
  return direction === "higher_is_better" ? difference >= 0 : difference <= 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Competencies against their benchmark

export interface CompetencyRow {
  measure: MeasureInfo;
  benchmark: { value: number; source: string } | null;
  target: number | null;
  places: { place: Place; cell: SuppressedCell | null; vsBenchmark: number | null; meetsBenchmark: boolean | null }[];
}

export async function competencyView(db: Database, actor: Actor, filters: Filters) {
  const setup = await dataSetup(db, actor);
  const place = await resolvePlace(db, actor, setup, filters.schoolId);
  const startYear = chooseYear(setup, filters.startYear);
  const surveyTerms: DataTerm[] = startYear === null ? [] : [...new Set((await termsWithData(db, actor, startYear)).map((r) => r.term))].filter((t) => t !== "year");
  const term: DataTerm | null = filters.term && surveyTerms.includes(filters.term) ? filters.term : (["spring", "winter", "fall"] as const).find((t) => surveyTerms.includes(t)) ?? null;
  const survey = setup.measures.filter(isSurvey);
  const slices = startYear !== null && term ? await loadSlices(db, actor, setup, { startYears: [startYear], terms: [term], measureIds: survey.map((m) => m.id) }) : new Map();
  const bench = await benchmarkMap(db, actor);
  // The district first, then the schools the actor may read (or just the chosen school beside the district).
  const places: Place[] = place.id === DISTRICT ? [{ id: DISTRICT, name: setup.districtName }, ...setup.schools] : [{ id: DISTRICT, name: setup.districtName }, place];
  const rows: CompetencyRow[] = survey.map((measure) => {
    const slice = startYear !== null && term ? slices.get(sliceKey(startYear, term, measure.id)) : undefined;
    const b = bench.get(`${measure.id}|all`) ?? { benchmark: null, target: null };
    return {
      measure,
      benchmark: b.benchmark,
      target: b.target,
      places: places.map((p) => {
        const cell = slice?.get(cellKey(p.id, "all", allGroupId(setup))) ?? null;
        const vsBenchmark = cell?.shown ? signedDifference(cell.value, b.benchmark?.value ?? null) : null;
        return { place: p, cell, vsBenchmark, meetsBenchmark: better(measure.direction, vsBenchmark) };
      }),
    };
  });
  return { setup, place, startYear, term, terms: surveyTerms, rows };
}

export function allGroupId(setup: DataSetup) {
  const all = setup.groups.find((g) => g.category === "all");
  if (!all) throw new Error("the student group catalog has no 'all students' group");
  return all.id;
}

// ---------------------------------------------------------------------------------------------------------------
// Grades and student groups, largest gaps first

export interface DisparityMeasure {
  measure: MeasureInfo;
  term: DataTerm;
  all: SuppressedCell | null;
  groups: GapRow[];
  grades: GapRow[];
  /** Distance between the highest and lowest shown group: how the measures are ranked. */
  spread: number | null;
}

export async function disparityView(db: Database, actor: Actor, filters: Filters & { measureId: string | null }) {
  const setup = await dataSetup(db, actor);
  const place = await resolvePlace(db, actor, setup, filters.schoolId);
  const startYear = chooseYear(setup, filters.startYear);
  const available = startYear === null ? [] : await termsWithData(db, actor, startYear);
  const surveyTerms = [...new Set(available.map((r) => r.term))].filter((t) => t !== "year") as DataTerm[];
  const chosenTerm: DataTerm | null = filters.term && surveyTerms.includes(filters.term) ? filters.term : (["spring", "winter", "fall"] as const).find((t) => surveyTerms.includes(t)) ?? null;
  const chosen = filters.measureId ? setup.measures.filter((m) => m.id === filters.measureId) : setup.measures;
  // Survey measures in the chosen term; whole-year measures (absenteeism, course failure) in their year figure.
  const plan = chosen.flatMap((measure) => {
    const terms = available.filter((r) => r.measureId === measure.id).map((r) => r.term as DataTerm);
    const term = chosenTerm && terms.includes(chosenTerm) ? chosenTerm : terms.includes("year") ? "year" : null;
    return term ? [{ measure, term }] : [];
  });
  const slices =
    startYear !== null && plan.length
      ? await loadSlices(db, actor, setup, { startYears: [startYear], terms: [...new Set(plan.map((p) => p.term))], measureIds: plan.map((p) => p.measure.id) })
      : new Map<string, Map<string, SuppressedCell>>();
  const allId = allGroupId(setup);
  const result: DisparityMeasure[] = plan.map(({ measure, term }) => {
    const slice = slices.get(sliceKey(startYear!, term, measure.id)) ?? new Map<string, SuppressedCell>();
    const all = slice.get(cellKey(place.id, "all", allId)) ?? null;
    const groupRows = setup.groups
      .filter((g) => g.id !== allId)
      .flatMap((g) => {
        const cell = slice.get(cellKey(place.id, "all", g.id));
        return cell ? [{ label: g.name, cell }] : [];
      });
    const gradeRows = [...new Set([...slice.keys()].filter((k) => k.startsWith(`${place.id}|`) && k.endsWith(`|${allId}`)).map((k) => k.split("|")[1]))]
      .filter((g) => g !== "all")
      .sort(compareGrades)
      .map((g) => ({ label: g === "K" ? "Kindergarten" : `Grade ${g}`, cell: slice.get(cellKey(place.id, g, allId))! }));
    const groups = rankGaps(groupRows, all ?? undefined, measure.direction);
    const grades = rankGaps(gradeRows, all ?? undefined, measure.direction);
    return { measure, term, all, groups: groups.rows, grades: grades.rows, spread: groups.spread };
  });
  // Spreads compared as a share of each measure's scale, so a 1–5 mean and a percentage rank fairly.
  const relative = (r: DisparityMeasure) => (r.spread === null ? -1 : r.spread / Math.max(1e-9, r.measure.scaleMax - r.measure.scaleMin));
  result.sort((a, b) => relative(b) - relative(a));
  return { setup, place, startYear, term: chosenTerm, terms: surveyTerms, measureId: filters.measureId, rows: result };
}

// ---------------------------------------------------------------------------------------------------------------
// Trend across terms and years

export interface TrendSeries {
  measure: MeasureInfo;
  benchmark: number | null;
  target: number | null;
  points: { startYear: number; term: DataTerm; cell: SuppressedCell }[];
}

export async function trendView(db: Database, actor: Actor, filters: { schoolId: string | null; measureId: string | null }) {
  const setup = await dataSetup(db, actor);
  const place = await resolvePlace(db, actor, setup, filters.schoolId);
  const chosen = filters.measureId ? setup.measures.filter((m) => m.id === filters.measureId) : setup.measures;
  const slices = await loadSlices(db, actor, setup, { measureIds: chosen.map((m) => m.id) });
  const bench = await benchmarkMap(db, actor);
  const allId = allGroupId(setup);
  const series: TrendSeries[] = chosen.map((measure) => {
    const points = [...slices.entries()]
      .filter(([key]) => key.endsWith(`|${measure.id}`))
      .flatMap(([key, slice]) => {
        const [year, term] = key.split("|");
        const cell = slice.get(cellKey(place.id, "all", allId));
        return cell ? [{ startYear: Number(year), term: term as DataTerm, cell }] : [];
      })
      .sort((a, b) => a.startYear - b.startYear || dataTerms.indexOf(a.term) - dataTerms.indexOf(b.term));
    const b = bench.get(`${measure.id}|all`);
    return { measure, benchmark: b?.benchmark?.value ?? null, target: b?.target ?? null, points };
  });
  return { setup, place, measureId: filters.measureId, series: series.filter((s) => s.points.length > 0) };
}

// ---------------------------------------------------------------------------------------------------------------
// Outcome goals

/**
 * The same, for a caller that has already checked the actor may read the goal's cycle (whoever reads a cycle reads
 * its data: `cycle:read` and `data:read` reach the same places).
 */
/** One value of a measure for "all students, all grades" at one place and term, already suppressed. */
export interface OutcomeValue {
  term: DataTerm;
  /** NaN when the cell is hidden or banded (n is then 0: "held back"). */
  value: number;
  n: number;
  display: string;
}

export interface OutcomeValueBook {
  minN: number;
  /** The place's values of a measure in a school year, in term order; empty when nothing was imported. */
  valuesOf(measureId: string, startYear: number, schoolId: string | null): OutcomeValue[];
}

/**
 * Outcome values for goals: "all students, all grades" of each measure at every place, for the years asked, read
 * through the same suppressed slices as the data views — one setup and one observation query for every goal a page
 * shows, instead of one per goal. The caller has checked the reader may see the goals these values judge.
 */
export async function outcomeValuesInDistrict(db: Database, districtId: string, wanted: { measureIds: string[]; startYears: number[] }): Promise<OutcomeValueBook> {
  const setup = await loadSetup(db, districtId, null);
  const known = new Set(setup.measures.map((m) => m.id));
  const measureIds = [...new Set(wanted.measureIds)].filter((id) => known.has(id));
  const slices =
    measureIds.length && wanted.startYears.length
      ? await loadSlices(db, { districtId }, setup, { startYears: [...new Set(wanted.startYears)], measureIds })
      : new Map<string, Map<string, SuppressedCell>>();
  const allId = allGroupId(setup);
  return {
    minN: setup.minN,
    valuesOf(measureId, startYear, schoolId) {
      const values: OutcomeValue[] = [];
      for (const term of dataTerms) {
        const cell = slices.get(sliceKey(startYear, term, measureId))?.get(cellKey(schoolId, "all", allId));
        if (!cell) continue;
        values.push(cell.shown && cell.value !== null ? { term, value: cell.value, n: cell.n, display: cell.display } : { term, value: Number.NaN, n: 0, display: cell.display });
      }
      return values;
    },
  };
}

/** One outcome goal's values at its own place (a school's goal its school, a district goal the district). */
export async function outcomeGoalValuesInDistrict(db: Database, districtId: string, goal: { measureId: string; startYear: number; schoolId: string | null }) {
  const book = await outcomeValuesInDistrict(db, districtId, { measureIds: [goal.measureId], startYears: [goal.startYear] });
  return { minN: book.minN, values: book.valuesOf(goal.measureId, goal.startYear, goal.schoolId) };
}
