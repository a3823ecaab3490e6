// The district roll-up as its page shows it, computed once per change of the scores behind it and kept in a small in-process cache.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "#db/client.server";
import { cycles, dataImports, districts, goals, goalSchools, measures, rubricItems, rubricScores, schools } from "#db/schema";
import type { Actor } from "~/modules/people/permissions";
import { NotFound } from "~/utils/errors";
import { getCycle, getRollup } from "./cycles.server";
import { levelCode } from "./rollup-matrix-html";
import { outcomeGoalValuesInDistrict, outcomeValuesInDistrict, type OutcomeValue } from "~/modules/data/views.server";
import { decodeGoalStatus, goalsAcrossSchools, outcomeMemoKey, SchoolLevels, type GoalAcrossSchools, type RollupGoal, type SchoolGoalStatus, type SchoolResults } from "./rollup-goals";
import { movement, rollupMatrix, type LevelDistribution, type SchoolMovement } from "./rubric-rollup";
import type { Checkpoint } from "./school-year";

/** A school's row: its levels as one character per item ("1"–"4", "-" unscored), so 3,200 cells stay a few KiB of data. */
export interface RollupRowView {
  schoolId: string;
  cycleId: string;
  name: string;
  levels: string;
  meanLevel: number | null;
}

export interface RollupItemView {
  id: string;
  title: string;
  meanLevel: number | null;
  distribution: LevelDistribution;
}

export interface RollupData {
  checkpoint: Checkpoint;
  previous: Checkpoint | null;
  items: RollupItemView[];
  rows: RollupRowView[];
  overallMean: number | null;
  moved: { movedUp: SchoolMovement[]; movedDown: SchoolMovement[] } | null;
}

interface CacheEntry extends RollupData {
  levels: SchoolLevels;
  /** Goals' statuses per target, filled as goals ask (see goalsAcrossSchools). */
  goalMemo: Map<string, string>;
  /** The last goal views built from this entry, and what they were built from: most requests change nothing. */
  lastGoals?: { goalRows: readonly RollupGoal[]; dataStamp: string; views: GoalAcrossSchools[] };
}

// Enough for every checkpoint of a few cycles seen through a few different scopes; a stale revision's entries are
// never asked for again and fall off the end. An entry of 200 schools × 16 items is well under 100 KiB.
const MAX_ENTRIES = 48;
const cache = new Map<string, Promise<CacheEntry>>();
const goalCache = new Map<string, Promise<RollupGoal[]>>();

function remember<T>(cache: Map<string, Promise<T>>, key: string, compute: () => Promise<T>): Promise<T> {
  const known = cache.get(key);
  if (known) {
    // Least recently used goes first: re-inserting moves the key to the end of the Map's order.
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  // The promise is cached, not its value, so ten readers arriving together compute it once.
  const entry = compute();
  cache.set(key, entry);
  entry.catch(() => cache.delete(key));
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return entry;
}

/** For tests and memory checks. */
export function rollupCacheSize() {
  return { entries: cache.size, goalLists: goalCache.size };
}

/**
 * Everything a reader's permissions depend on, besides the record itself: two readers with the same key may read
 * exactly the same schools. The user id is left out on purpose, so the district's readers share one entry.
 */
function scopeKey(actor: Actor) {
  return [actor.districtId, actor.role, actor.studentRecords ? "records" : "", [...actor.schoolIds].sort().join(",")].join("/");
}

export interface RollupView extends RollupData {
  cycle: Awaited<ReturnType<typeof getCycle>>;
  goals: GoalAcrossSchools[];
}

/**
 * The roll-up of a district cycle for this reader. Each request reads the cycle (permission, score revision, rubric
 * version) and digests of its schools and goals; the matrix, movement, per-school levels and goals come from the
 * caches when none of those changed.
 */
export async function getRollupView(db: Database, actor: Actor, cycleId: string, wanted?: Checkpoint): Promise<RollupView> {
  const cycle = await getCycle(db, actor, cycleId);
  if (cycle.schoolId) throw new NotFound("district cycle");
  const stamps = await freshness(db, cycle.districtId, cycleId);
  const key = [cycleId, cycle.rubricVersionId, cycle.scoreRevision, stamps.schools, wanted ?? "latest", scopeKey(actor)].join("|");
  // Goals hold no scope (a reader's schools are applied below), so one read serves every reader until a goal changes.
  const [entry, goalRows] = await Promise.all([
    remember(cache, key, () => computeEntry(db, actor, cycleId, wanted)),
    remember(goalCache, `${cycleId}|${cycle.rubricVersionId}|${stamps.goals}`, () => sharedGoals(db, cycleId)),
  ]);
  const { levels, goalMemo, lastGoals, ...data } = entry;
  let goalViews: GoalAcrossSchools[];
  if (lastGoals && lastGoals.goalRows === goalRows && lastGoals.dataStamp === stamps.data) {
    goalViews = lastGoals.views;
  } else {
    const schoolIds = data.rows.map((r) => r.schoolId);
    goalViews = goalsAcrossSchools(goalRows, schoolIds, levels, goalMemo, await schoolResults(db, cycle, goalRows, goalMemo, stamps.data));
    // The same goal list object (from the goal cache) and the same data: the same views, so keep them.
    entry.lastGoals = { goalRows, dataStamp: stamps.data, views: goalViews };
  }
  return { ...data, cycle, goals: goalViews };
}

/**
 * Where one shared district goal stands in each school the reader may read, by school cycle id: the roll-up's own
 * statuses (and its caches), so the goal page and the roll-up never disagree.
 */
export async function goalStatusBySchoolCycle(db: Database, actor: Actor, districtCycleId: string, goalId: string): Promise<Map<string, SchoolGoalStatus>> {
  const view = await getRollupView(db, actor, districtCycleId);
  const goal = view.goals.find((g) => g.id === goalId);
  const found = new Map<string, SchoolGoalStatus>();
  if (!goal) return found;
  view.rows.forEach((row, i) => {
    const status = decodeGoalStatus(goal.statuses[i]);
    if (status) found.set(row.cycleId, status);
  });
  return found;
}

/**
 * Where a district outcome goal shared with a school stands at that school: the school's own latest shown result
 * this year and the roll-up's status for it, so a school team reads the same verdict the district sees.
 */
export async function outcomeStandingAtSchool(
  db: Database,
  actor: Actor,
  school: { cycleId: string; districtCycleId: string; schoolId: string; startYear: number },
  goal: { id: string; measureId: string },
): Promise<{ status: SchoolGoalStatus | null; latest: OutcomeValue | null; heldBack: boolean }> {
  const [statuses, { minN, values }] = await Promise.all([
    goalStatusBySchoolCycle(db, actor, school.districtCycleId, goal.id),
    outcomeGoalValuesInDistrict(db, actor.districtId, { measureId: goal.measureId, startYear: school.startYear, schoolId: school.schoolId }),
  ]);
  const shown = values.filter((v) => v.n >= minN && Number.isFinite(v.value));
  return { status: statuses.get(school.cycleId) ?? null, latest: shown.at(-1) ?? null, heldBack: shown.length === 0 && values.length > 0 };
}

/**
 * Digests of what the roll-up shows besides scores, in one round trip: its schools' ids and names (a rename changes
 * the page without touching a score), its goals' ids, versions and last change (every goal edit bumps both) with
 * their measures' versions, and the data stamp of outcome results.
 * Digests rather than the latest updated_at, so no clock (or two servers' clocks) can hide a change.
 */
async function freshness(db: Database, districtId: string, districtCycleId: string) {
  // Two scalar subqueries, read alongside the cycle's row so the statement has a row to hang them on.
  const [row] = await db
    .select({
      // Aliased column names: inside a select's fields drizzle writes columns unqualified, and "id" is in both tables.
      schools: sql<string | null>`(select count(*)::text || ':' || md5(string_agg(s.id::text || '=' || s.name, ',' order by s.id))
         from ${cycles} c join ${schools} s on s.id = c.school_id where c.district_cycle_id = ${districtCycleId})`,
      // With each goal's measure's version: a renamed measure changes how its goals read.
      goals: sql<string | null>`(select count(*)::text || ':' || md5(string_agg(g.id::text || '@' || g.version || '@' || g.updated_at::text || '@' || coalesce(m.version::text, ''), ',' order by g.id))
         from ${goals} g left join ${measures} m on m.id = g.measure_id where g.cycle_id = ${districtCycleId})`,
      // Every change of outcome results is an import or an undo; the minimum group size changes what may be shown.
      data: sql<string | null>`(select count(*)::text || ':' || coalesce(max(i.imported_at)::text, '') || ':' || coalesce(max(i.undone_at)::text, '')
         || ':' || (select d.min_cell_size::text from ${districts} d where d.id = ${districtId})
         from ${dataImports} i where i.district_id = ${districtId})`,
    })
    .from(cycles)
    .where(eq(cycles.id, districtCycleId));
  return { schools: row?.schools ?? "none", goals: row?.goals ?? "none", data: row?.data ?? "none" };
}

/**
 * Outcome goals are judged on each school's results, which change with every import and undo (and with the
 * district's minimum group size): read them only when some outcome goal's statuses for this data stamp are not in
 * the memo yet. One setup and one observation query for every outcome goal together.
 */
async function schoolResults(
  db: Database,
  cycle: { districtId: string; startYear: number },
  goalRows: readonly RollupGoal[],
  memo: Map<string, string>,
  stamp: string,
): Promise<SchoolResults | undefined> {
  const outcome = goalRows.filter((g) => g.kind === "outcome" && g.measureId && g.direction && g.targetValue !== null);
  if (outcome.length === 0) return undefined;
  const known = { startYear: cycle.startYear, stamp };
  const missing = outcome.filter((g) => !memo.has(outcomeMemoKey(g, known)));
  // Every outcome goal's statuses for this stamp are in the memo, keyed by it: nothing will ask for a value.
  if (missing.length === 0) return { ...known, minN: 0, valuesOf: () => [] };
  // Stale stamps' statuses are never asked for again.
  for (const key of [...memo.keys()]) if (key.startsWith("outcome|") && !key.endsWith(`|${stamp}`)) memo.delete(key);
  const book = await outcomeValuesInDistrict(db, cycle.districtId, {
    measureIds: missing.map((g) => g.measureId!),
    startYears: [cycle.startYear - 1, cycle.startYear],
  });
  return { ...known, minN: book.minN, valuesOf: (measureId, startYear, schoolId) => book.valuesOf(measureId, startYear, schoolId) };
}

/** The district cycle's goals that reach schools, with the chosen schools in the same round trip. */
async function sharedGoals(db: Database, districtCycleId: string): Promise<RollupGoal[]> {
  const rows = await db
    .select({
      id: goals.id,
      title: goals.title,
      kind: goals.kind,
      rubricItemId: goals.rubricItemId,
      targetLevel: goals.targetLevel,
      targetCheckpoint: goals.targetCheckpoint,
      mirrorScope: goals.mirrorScope,
      measureId: goals.measureId,
      measureName: measures.name,
      unit: measures.unit,
      direction: measures.direction,
      targetValue: goals.targetValue,
      chosen: sql<string>`array_to_string(array(select ${goalSchools.schoolId} from ${goalSchools} where ${goalSchools.goalId} = ${goals.id}), ',')`,
    })
    .from(goals)
    .leftJoin(measures, eq(measures.id, goals.measureId))
    .where(and(eq(goals.cycleId, districtCycleId), inArray(goals.mirrorScope, ["all_schools", "chosen_schools"])))
    .orderBy(asc(goals.createdAt), asc(goals.title));
  return rows.map(({ chosen, ...goal }) => ({ ...goal, chosenSchoolIds: chosen ? chosen.split(",") : [] }));
}

async function computeEntry(db: Database, actor: Actor, cycleId: string, wanted?: Checkpoint): Promise<CacheEntry> {
  const rollup = await getRollup(db, actor, cycleId, wanted);
  const { checkpoint, previous, schools: schoolList, items } = rollup;
  const matrix = rollupMatrix(rollup.scores, schoolList, items, checkpoint);
  const moved = previous ? movement(rollup.scores, schoolList, items, previous, checkpoint) : null;
  const cycleOfSchool = new Map(schoolList.map((s) => [s.id, s.cycleId]));

  // Goals are judged on every checkpoint of the year, not only the two the matrix shows.
  const schoolOfCycle = new Map(schoolList.map((s) => [s.cycleId, s.id]));
  // A score given under an older rubric version counts for the same activity on the cycle's current version.
  const scoredItem = alias(rubricItems, "scored_item");
  const currentItem = alias(rubricItems, "current_item");
  const allScores = schoolList.length
    ? await db
        .select({ cycleId: rubricScores.cycleId, itemId: currentItem.id, checkpoint: rubricScores.checkpoint, level: rubricScores.level })
        .from(rubricScores)
        .innerJoin(scoredItem, eq(scoredItem.id, rubricScores.rubricItemId))
        .innerJoin(currentItem, and(eq(currentItem.lineageId, scoredItem.lineageId), eq(currentItem.rubricVersionId, rollup.cycle.rubricVersionId)))
        .where(inArray(rubricScores.cycleId, [...schoolOfCycle.keys()]))
    : [];
  const levels = new SchoolLevels(
    allScores.map((s) => ({ schoolId: schoolOfCycle.get(s.cycleId)!, itemId: s.itemId, checkpoint: s.checkpoint, level: s.level as 1 | 2 | 3 | 4 })),
    items.map((i) => i.id),
  );

  return {
    checkpoint,
    previous,
    items: matrix.items.map((item) => ({ id: item.itemId, title: item.title, meanLevel: item.meanLevel, distribution: item.distribution })),
    rows: matrix.rows.map((row) => ({
      schoolId: row.schoolId,
      cycleId: cycleOfSchool.get(row.schoolId)!,
      name: row.name,
      levels: row.cells.map((cell) => levelCode(cell.level)).join(""),
      meanLevel: row.meanLevel,
    })),
    overallMean: matrix.overall.meanLevel,
    moved: moved ? { movedUp: moved.movedUp, movedDown: moved.movedDown } : null,
    levels,
    goalMemo: new Map(),
  };
}
