// A data block's numbers, read from the database for one district: the rubric, goals, outcome data, reflection
// meetings and decisions of the block's cycle, formatted for people and passed through small-cell suppression.
// Every query is scoped to the district; a cycle of another district is NotFound. A BlockLoader remembers what it
// has read, so freezing a report with many blocks reads each thing once (a handful of queries per block, never one
// per school).
import { and, asc, countDistinct, eq, inArray, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { cycles, districts, focusAreas, measures, observations, reflectionMeetings, reflectionParticipants, rubricItems, rubricScores, schools } from "#db/schema";
import { goalViewsOfCycle, type GoalView } from "~/modules/cycles/goals.server";
import { checkpoints, schoolYearLabel, type Checkpoint } from "~/modules/cycles/school-year";
import { cellKey, DISTRICT } from "~/modules/data/cube";
import { dataTerms, type DataTerm } from "~/modules/data/data-terms";
import { displayValue, type SuppressedCell } from "~/modules/data/suppression";
import { allGroupId, benchmarkMap, loadSetup, loadSlices, sliceKey, type DataSetup, type MeasureInfo } from "~/modules/data/views.server";
import { NotFound } from "~/utils/errors";
import { dataBlockQuerySchema, type BlockData, type DataBlockKind, type DataBlockQuery } from "./report-blocks";
import { formatReportDate, reportMessages, type ReportMessages } from "./report-messages";

export interface BlockOptions {
  language?: string;
  /** When the numbers are read; defaults to now. */
  now?: Date;
}

export type BlockCycle = typeof cycles.$inferSelect & { placeName: string; districtName: string; minN: number };

const SURVEY_TERMS: DataTerm[] = ["spring", "winter", "fall"];

/** Loads block data for one district, remembering what it read for the next block. */
export class BlockLoader {
  private memo = new Map<string, Promise<unknown>>();
  readonly m: ReportMessages;
  readonly asOf: string;

  constructor(
    readonly db: Database,
    readonly districtId: string,
    options: BlockOptions = {},
  ) {
    this.m = reportMessages(options.language);
    this.asOf = (options.now ?? new Date()).toISOString();
  }

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let known = this.memo.get(key) as Promise<T> | undefined;
    if (!known) this.memo.set(key, (known = load()));
    return known;
  }

  /** The cycle in this district, with its place's name; another district's cycle (or none) is NotFound. */
  cycle(cycleId: string): Promise<BlockCycle> {
    return this.once(`cycle|${cycleId}`, async () => {
      const [row] = await this.db
        .select({ cycle: cycles, schoolName: schools.name, districtName: districts.name, minN: districts.minCellSize })
        .from(cycles)
        .innerJoin(districts, eq(districts.id, cycles.districtId))
        .leftJoin(schools, eq(schools.id, cycles.schoolId))
        .where(and(eq(cycles.id, cycleId), eq(cycles.districtId, this.districtId)));
      if (!row) throw new NotFound("cycle of this data block");
      return { ...row.cycle, placeName: row.schoolName ?? row.districtName, districtName: row.districtName, minN: row.minN };
    });
  }

  setup(): Promise<DataSetup> {
    return this.once("setup", () => loadSetup(this.db, this.districtId, null));
  }

  benchmarks() {
    return this.once("benchmarks", () => benchmarkMap(this.db, { districtId: this.districtId }));
  }

  focusAreaNames() {
    return this.once("focus-areas", async () => {
      const rows = await this.db.select({ id: focusAreas.id, name: focusAreas.name }).from(focusAreas).orderBy(asc(focusAreas.position));
      return rows.map((r) => ({ id: r.id, name: this.m.focusArea[r.id] ?? r.name }));
    });
  }

  /** Whole slices of a year (every school, so suppression sees everything), suppressed. */
  slices(startYear: number) {
    return this.once(`slices|${startYear}`, async () => {
      const setup = await this.setup();
      return loadSlices(this.db, { districtId: this.districtId }, setup, { startYears: [startYear], measureIds: setup.measures.map((m) => m.id) });
    });
  }

  /** The district's and schools' goals as the cycle shows them, with progress. */
  goals(cycleId: string): Promise<{ own: GoalView[]; mirrored: GoalView[] }> {
    return this.once(`goals|${cycleId}`, async () => {
      // The block's cycle is read in this district; who may see the report was decided by its caller. Nobody edits here.
      return goalViewsOfCycle(this.db, { ...(await this.cycle(cycleId)), canEdit: false });
    });
  }

  /** Measure → terms with data, and how many schools reported it, in the cycle's year (at its school, for a school cycle). */
  collected(cycle: BlockCycle) {
    return this.once(`collected|${cycle.id}`, async () => {
      const rows = await this.db
        .select({ measureId: observations.measureId, term: observations.term, schools: countDistinct(observations.schoolId) })
        .from(observations)
        .where(
          and(
            eq(observations.districtId, this.districtId),
            isNull(observations.replacedByImportId),
            eq(observations.startYear, cycle.startYear),
            cycle.schoolId ? eq(observations.schoolId, cycle.schoolId) : undefined,
          ),
        )
        .groupBy(observations.measureId, observations.term);
      const byMeasure = new Map<string, { terms: Set<DataTerm>; schools: number }>();
      for (const r of rows) {
        const entry = byMeasure.get(r.measureId) ?? { terms: new Set<DataTerm>(), schools: 0 };
        entry.terms.add(r.term as DataTerm);
        entry.schools = Math.max(entry.schools, Number(r.schools));
        byMeasure.set(r.measureId, entry);
      }
      const [total] = await this.db
        .select({ n: countDistinct(observations.schoolId) })
        .from(observations)
        .where(
          and(
            eq(observations.districtId, this.districtId),
            isNull(observations.replacedByImportId),
            eq(observations.startYear, cycle.startYear),
            cycle.schoolId ? eq(observations.schoolId, cycle.schoolId) : undefined,
          ),
        );
      return { byMeasure, schools: Number(total?.n ?? 0) };
    });
  }

  /** Rubric scores of the cycle's place: a school's own cycle, or every school cycle under a district cycle. */
  rubricByArea(cycle: BlockCycle) {
    return this.once(`rubric|${cycle.id}`, async () => {
      const owners = cycle.schoolId ? eq(rubricScores.cycleId, cycle.id) : inArray(rubricScores.cycleId, this.db.select({ id: cycles.id }).from(cycles).where(eq(cycles.districtCycleId, cycle.id)));
      const rows = await this.db
        .select({
          checkpoint: rubricScores.checkpoint,
          focusAreaId: rubricItems.focusAreaId,
          total: sql<number>`sum(${rubricScores.level})::int`,
          count: sql<number>`count(*)::int`,
          owners: sql<number>`count(distinct ${rubricScores.cycleId})::int`,
        })
        .from(rubricScores)
        .innerJoin(rubricItems, eq(rubricItems.id, rubricScores.rubricItemId))
        .where(owners)
        .groupBy(rubricScores.checkpoint, rubricItems.focusAreaId);
      const [{ n: itemCount }] = await this.db.select({ n: sql<number>`count(*)::int` }).from(rubricItems).where(eq(rubricItems.rubricVersionId, cycle.rubricVersionId));
      const schoolCount = cycle.schoolId
        ? 1
        : Number((await this.db.select({ n: sql<number>`count(*)::int` }).from(cycles).where(eq(cycles.districtCycleId, cycle.id)))[0]?.n ?? 0);
      const scoredOwners = new Map<Checkpoint, number>();
      if (!cycle.schoolId) {
        const perCheckpoint = await this.db
          .select({ checkpoint: rubricScores.checkpoint, owners: sql<number>`count(distinct ${rubricScores.cycleId})::int` })
          .from(rubricScores)
          .where(owners)
          .groupBy(rubricScores.checkpoint);
        for (const r of perCheckpoint) scoredOwners.set(r.checkpoint, Number(r.owners));
      }
      return { rows: rows.map((r) => ({ ...r, total: Number(r.total), count: Number(r.count) })), itemCount: Number(itemCount), schoolCount, scoredOwners };
    });
  }

  /** Average rubric level per year and checkpoint for the cycle's place, over every cycle up to this one. */
  rubricByYear(cycle: BlockCycle) {
    return this.once(`rubric-years|${cycle.id}`, async () => {
      const rows = cycle.schoolId
        ? await this.db
            .select({ startYear: cycles.startYear, checkpoint: rubricScores.checkpoint, mean: sql<number>`avg(${rubricScores.level})::float8` })
            .from(rubricScores)
            .innerJoin(cycles, eq(cycles.id, rubricScores.cycleId))
            .where(and(eq(cycles.districtId, this.districtId), eq(cycles.schoolId, cycle.schoolId), lte(cycles.startYear, cycle.startYear)))
            .groupBy(cycles.startYear, rubricScores.checkpoint)
        : await this.db
            .select({ startYear: cycles.startYear, checkpoint: rubricScores.checkpoint, mean: sql<number>`avg(${rubricScores.level})::float8` })
            .from(rubricScores)
            .innerJoin(cycles, eq(cycles.id, rubricScores.cycleId))
            .where(and(eq(cycles.districtId, this.districtId), isNotNull(cycles.schoolId), lte(cycles.startYear, cycle.startYear)))
            .groupBy(cycles.startYear, rubricScores.checkpoint);
      return rows.map((r) => ({ startYear: Number(r.startYear), checkpoint: r.checkpoint as Checkpoint, mean: Number(r.mean) }));
    });
  }

  meetings(cycle: BlockCycle) {
    return this.once(`meetings|${cycle.id}`, async () => {
      const rows = await this.db
        .select({
          id: reflectionMeetings.id,
          title: reflectionMeetings.title,
          heldOn: reflectionMeetings.heldOn,
          checkpoint: reflectionMeetings.checkpoint,
          stakeholderGroups: reflectionMeetings.stakeholderGroups,
          stakeholderNote: reflectionMeetings.stakeholderNote,
          people: sql<number>`(select count(*)::int from ${reflectionParticipants} where ${reflectionParticipants.meetingId} = ${reflectionMeetings.id})`,
        })
        .from(reflectionMeetings)
        .where(eq(reflectionMeetings.cycleId, cycle.id))
        .orderBy(asc(reflectionMeetings.heldOn), asc(reflectionMeetings.createdAt));
      return rows.map((r) => ({ ...r, people: Number(r.people) }));
    });
  }

  /** The numbers of one block. */
  async load(query: DataBlockQuery): Promise<BlockData> {
    const parsed = dataBlockQuerySchema.parse(query);
    return this.once(`block|${JSON.stringify([parsed.kind, parsed.cycleId, Object.entries(parsed.options).sort()])}`, async () => {
      const cycle = await this.cycle(parsed.cycleId);
      return loaders[parsed.kind](this, cycle, parsed.options);
    });
  }

  // ---- formatting helpers

  /** A suppressed cell as the report reads it: the value, or why it is not shown. Never a number for a hidden cell. */
  cellText(cell: SuppressedCell | null | undefined, minN: number): string {
    if (!cell) return this.m.none;
    if (!cell.shown) return cell.reason === "small" ? this.m.fewerThan(minN) : this.m.notShown;
    return this.localNumber(cell.display);
  }

  /** "64.0 %" → "64,0 %" in Spanish. */
  localNumber(text: string): string {
    return this.m.language === "es" ? text.replace(/(\d)\.(\d)/g, "$1,$2") : text;
  }

  valueText(value: number, unit: string): string {
    return this.localNumber(displayValue(value, unit).display);
  }

  level(value: number): string {
    return this.m.decimal(value, 1);
  }

  yearLabel(startYear: number) {
    return schoolYearLabel(startYear);
  }
}

type Loader = (loader: BlockLoader, cycle: BlockCycle, options: Record<string, string>) => Promise<BlockData>;

function block(loader: BlockLoader, data: Omit<BlockData, "asOf">): BlockData {
  return { ...data, asOf: loader.asOf };
}

const latestCheckpoint = (present: Iterable<Checkpoint>) => {
  const set = new Set(present);
  return [...checkpoints].reverse().find((c) => set.has(c)) ?? null;
};

const rubricRollup: Loader = async (loader, cycle) => {
  const { m } = loader;
  const [data, areas] = await Promise.all([loader.rubricByArea(cycle), loader.focusAreaNames()]);
  const checkpoint = latestCheckpoint(data.rows.map((r) => r.checkpoint));
  const year = schoolYearLabel(cycle.startYear);
  const district = !cycle.schoolId;
  const at = data.rows.filter((r) => r.checkpoint === checkpoint);
  const rows = areas
    .map((area) => {
      const r = at.find((x) => x.focusAreaId === area.id);
      const mean = r && r.count ? r.total / r.count : null;
      return { area, mean, owners: r?.owners ?? 0, count: r?.count ?? 0 };
    })
    .filter((r) => r.mean !== null || at.length === 0);
  const sum = at.reduce((s, r) => s + r.total, 0);
  const count = at.reduce((s, r) => s + r.count, 0);
  const overall = count ? m.decimal(Math.round((sum / count) * 10) / 10, 1) : null;
  const checkpointText = checkpoint ? m.checkpoint[checkpoint] : m.checkpoint.baseline;
  const scored = district ? (checkpoint ? (data.scoredOwners.get(checkpoint) ?? 0) : 0) : count;
  const total = district ? data.schoolCount : data.itemCount;
  return block(loader, {
    title: m.blocks.rubricRollup.title(cycle.placeName, checkpointText, year),
    summary: m.blocks.rubricRollup.summary({ scored, total, checkpoint: checkpointText, mean: overall, district }),
    columns: [
      { label: m.blocks.rubricRollup.area, numeric: false },
      { label: m.blocks.rubricRollup.average, numeric: true },
      { label: district ? m.blocks.rubricRollup.schoolsScored : m.blocks.rubricRollup.itemsScored, numeric: true },
    ],
    rows: rows.map((r) => ({
      header: r.area.name,
      cells: [r.mean === null ? m.notScored : loader.level(Math.round(r.mean * 10) / 10), String(district ? r.owners : r.count)],
    })),
    chart: checkpoint ? { unit: "level", max: 4, bars: rows.map((r) => ({ label: r.area.name, value: r.mean === null ? null : Math.round(r.mean * 10) / 10 })) } : null,
    footnotes: [m.blocks.rubricRollup.levels],
  });
};

const rubricMovement: Loader = async (loader, cycle) => {
  const { m } = loader;
  const points = await loader.rubricByYear(cycle);
  const years = [...new Set(points.map((p) => p.startYear))].sort((a, b) => a - b);
  const meanAt = (year: number, checkpoint: Checkpoint) => points.find((p) => p.startYear === year && p.checkpoint === checkpoint)?.mean ?? null;
  const latest = years.map((year) => {
    const checkpoint = latestCheckpoint(points.filter((p) => p.startYear === year).map((p) => p.checkpoint))!;
    const mean = Math.round(meanAt(year, checkpoint)! * 10) / 10;
    return { year, checkpoint, mean };
  });
  return block(loader, {
    title: m.blocks.rubricMovement.title(cycle.placeName),
    summary: m.blocks.rubricMovement.summary(latest.map((p) => ({ year: `${schoolYearLabel(p.year)} (${m.checkpoint[p.checkpoint].toLowerCase()})`, mean: loader.level(p.mean) }))),
    columns: [{ label: m.blocks.rubricMovement.year, numeric: false }, ...checkpoints.map((c) => ({ label: m.checkpoint[c], numeric: true }))],
    rows: years.map((year) => ({
      header: schoolYearLabel(year),
      cells: checkpoints.map((c) => {
        const mean = meanAt(year, c);
        return mean === null ? m.notScored : loader.level(Math.round(mean * 10) / 10);
      }),
    })),
    chart: latest.length ? { unit: "level", max: 4, bars: latest.map((p) => ({ label: `${schoolYearLabel(p.year)} · ${m.checkpoint[p.checkpoint]}`, value: p.mean })) } : null,
    footnotes: [m.blocks.rubricRollup.levels],
  });
};

/** The goals a report of this cycle speaks about: its own, then (for a school) the district goals mirrored to it. */
export function reportGoals(views: { own: GoalView[]; mirrored: GoalView[] }) {
  return [...views.own.map((g) => ({ goal: g, mirrored: false })), ...views.mirrored.map((g) => ({ goal: g, mirrored: true }))];
}

const goalsBlock: Loader = async (loader, cycle) => {
  const { m } = loader;
  const list = reportGoals(await loader.goals(cycle.id));
  const met = list.filter((g) => g.goal.progress.status === "met").length;
  const onTrack = list.filter((g) => g.goal.progress.status === "on_track" || g.goal.progress.status === "improving").length;
  return block(loader, {
    title: m.blocks.goals.title(schoolYearLabel(cycle.startYear)),
    summary: m.blocks.goals.summary({ total: list.length, met, onTrack }),
    columns: [
      { label: m.blocks.goals.goal, numeric: false },
      { label: m.blocks.goals.kind, numeric: false },
      { label: m.blocks.goals.target, numeric: false },
      { label: m.blocks.goals.status, numeric: false },
    ],
    rows: list.map(({ goal, mirrored }) => ({
      header: goal.title,
      cells: [
        `${m.goalKind[goal.kind]}${mirrored ? ` (${m.blocks.goals.mirrored})` : ""}`,
        goal.kind === "implementation"
          ? goal.targetLevel && goal.targetCheckpoint
            ? m.blocks.goals.levelBy(goal.targetLevel, m.checkpoint[goal.targetCheckpoint])
            : m.none
          : goal.targetValue !== null && goal.measure
            ? m.blocks.goals.valueBy(loader.valueText(goal.targetValue, goal.measure.unit))
            : m.none,
        m.goalStatus[goal.progress.status],
      ],
    })),
    chart: null,
    footnotes: [],
  });
};

const dataCollected: Loader = async (loader, cycle) => {
  const { m } = loader;
  const [setup, collected] = await Promise.all([loader.setup(), loader.collected(cycle)]);
  const list = setup.measures.filter((measure) => collected.byMeasure.has(measure.id));
  return block(loader, {
    title: m.blocks.dataCollected.title(schoolYearLabel(cycle.startYear)),
    summary: m.blocks.dataCollected.summary(list.length, collected.schools),
    columns: [
      { label: m.blocks.dataCollected.measure, numeric: false },
      { label: m.blocks.dataCollected.source, numeric: false },
      { label: m.blocks.dataCollected.terms, numeric: false },
      { label: m.blocks.dataCollected.schools, numeric: true },
    ],
    rows: list.map((measure) => {
      const entry = collected.byMeasure.get(measure.id)!;
      return {
        header: measure.name,
        cells: [
          m.measureSource[measure.category as keyof ReportMessages["measureSource"]] ?? m.measureSource.custom,
          m.list(dataTerms.filter((t) => entry.terms.has(t)).map((t) => m.term[t])),
          String(entry.schools),
        ],
      };
    }),
    chart: null,
    footnotes: [],
  });
};

/** The term a measure is reported in for a year: the latest survey term with data, else the whole year. */
function reportTerm(slices: Map<string, unknown>, startYear: number, measure: MeasureInfo): DataTerm | null {
  for (const term of SURVEY_TERMS) if (slices.has(sliceKey(startYear, term, measure.id))) return term;
  return slices.has(sliceKey(startYear, "year", measure.id)) ? "year" : null;
}

/** The cycle's outcome results (all students at its place, latest term of its year) with benchmark and target, and how they compare. */
export async function outcomeResults(loader: BlockLoader, cycle: BlockCycle) {
  const [setup, slices, bench] = await Promise.all([loader.setup(), loader.slices(cycle.startYear), loader.benchmarks()]);
  const allId = allGroupId(setup);
  const place = cycle.schoolId ?? DISTRICT;
  const list = setup.measures.flatMap((measure) => {
    const term = reportTerm(slices, cycle.startYear, measure);
    if (!term) return [];
    const cell = slices.get(sliceKey(cycle.startYear, term, measure.id))?.get(cellKey(place, "all", allId));
    if (!cell) return [];
    const b = bench.get(`${measure.id}|all`) ?? { benchmark: null, target: null };
    return [{ measure, term, cell, benchmark: b.benchmark?.value ?? null, target: b.target }];
  });
  const shown = list.filter((r) => r.cell.shown);
  const withBenchmark = shown.filter((r) => r.benchmark !== null && r.cell.shown && r.cell.value !== null);
  const atBenchmark = withBenchmark.filter((r) => {
    const value = (r.cell as { value: number }).value;
    return r.measure.direction === "higher_is_better" ? value >= r.benchmark! : value <= r.benchmark!;
  });
  return { list, counts: { shown: shown.length, total: list.length, atBenchmark: atBenchmark.length, withBenchmark: withBenchmark.length } };
}

const outcomes: Loader = async (loader, cycle) => {
  const { m } = loader;
  const { list, counts } = await outcomeResults(loader, cycle);
  const percent = list.filter((r) => r.measure.unit === "percent");
  return block(loader, {
    title: m.blocks.outcomes.title(cycle.placeName, schoolYearLabel(cycle.startYear)),
    summary: m.blocks.outcomes.summary(counts),
    columns: [
      { label: m.blocks.outcomes.measure, numeric: false },
      { label: m.blocks.outcomes.term, numeric: false },
      { label: m.blocks.outcomes.result, numeric: true },
      { label: m.blocks.outcomes.benchmark, numeric: true },
      { label: m.blocks.outcomes.target, numeric: true },
    ],
    rows: list.map((r) => ({
      header: r.measure.name,
      cells: [
        m.term[r.term],
        loader.cellText(r.cell, cycle.minN),
        r.benchmark === null ? m.none : loader.valueText(r.benchmark, r.measure.unit),
        r.target === null ? m.none : loader.valueText(r.target, r.measure.unit),
      ],
    })),
    chart: percent.length
      ? { unit: "%", max: 100, bars: percent.map((r) => ({ label: r.measure.name, value: r.cell.shown && r.cell.value !== null ? r.cell.value : null })) }
      : null,
    footnotes: [m.blocks.outcomeGroups.footnote(cycle.minN), m.blocks.outcomes.direction],
  });
};

/** The measure a group block reads: the option (a slug or id), else the cycle's first outcome goal's, else the first survey measure with data. */
async function groupMeasure(loader: BlockLoader, cycle: BlockCycle, options: Record<string, string>, setup: DataSetup, slices: Map<string, unknown>) {
  const wanted = options.measure;
  if (wanted) {
    const rows = await loader.db
      .select({ id: measures.id, districtId: measures.districtId })
      .from(measures)
      .where(and(or(isNull(measures.districtId), eq(measures.districtId, loader.districtId)), /^[0-9a-f-]{36}$/i.test(wanted) ? eq(measures.id, wanted) : eq(measures.slug, wanted)));
    // A district's own measure of the same slug wins over the catalog's.
    const row = rows.find((r) => r.districtId) ?? rows[0];
    const measure = row ? setup.measures.find((m) => m.id === row.id) : undefined;
    if (measure) return measure;
  }
  const goalViews = reportGoals(await loader.goals(cycle.id));
  const fromGoal = goalViews.map((g) => g.goal.measureId).find((id) => id && setup.measures.some((m) => m.id === id && reportTerm(slices, cycle.startYear, m)));
  if (fromGoal) return setup.measures.find((m) => m.id === fromGoal)!;
  return setup.measures.find((m) => m.unit === "percent" && (m.category === "sel_competency" || m.category === "connectedness") && reportTerm(slices, cycle.startYear, m)) ?? null;
}

/** One measure's results by student group at the cycle's place (suppressed), or null when there is no measure with data. */
export async function groupResults(loader: BlockLoader, cycle: BlockCycle, options: Record<string, string> = {}) {
  const [setup, slices] = await Promise.all([loader.setup(), loader.slices(cycle.startYear)]);
  const measure = await groupMeasure(loader, cycle, options, setup, slices);
  const term = measure ? reportTerm(slices, cycle.startYear, measure) : null;
  if (!measure || !term) return null;
  const slice = slices.get(sliceKey(cycle.startYear, term, measure.id))!;
  const place = cycle.schoolId ?? DISTRICT;
  const allId = allGroupId(setup);
  const all = slice.get(cellKey(place, "all", allId));
  const groups = setup.groups
    .filter((g) => g.id !== allId && g.category !== "custom")
    .flatMap((g) => {
      const cell = slice.get(cellKey(place, "all", g.id));
      return cell ? [{ group: g, cell }] : [];
    });
  const allName = setup.groups.find((g) => g.id === allId)!.name;
  return { measure, term, all, allName, groups };
}

const outcomeGroups: Loader = async (loader, cycle, options) => {
  const { m } = loader;
  const result = await groupResults(loader, cycle, options);
  if (!result) {
    return block(loader, { title: m.blocks.outcomeGroups.noMeasure, summary: m.blocks.outcomeGroups.noMeasure, columns: [], rows: [], chart: null, footnotes: [] });
  }
  const { measure, term, all, allName, groups } = result;
  const difference = (cell: SuppressedCell) => {
    if (!cell.shown || cell.value === null || !all?.shown || all.value === null) return m.none;
    const d = Math.round((cell.value - all.value) * 10) / 10;
    const text = m.decimal(Math.abs(d), 1);
    return d > 0 ? `+${text}` : d < 0 ? `−${text}` : text;
  };
  const name = (groupName: string) => m.group[groupName] ?? groupName;
  const shown = groups.filter((g) => g.cell.shown).length;
  return block(loader, {
    title: m.blocks.outcomeGroups.title(measure.name, cycle.placeName, `${m.term[term]} ${schoolYearLabel(cycle.startYear)}`),
    summary: m.blocks.outcomeGroups.summary(shown, groups.length),
    columns: [
      { label: m.blocks.outcomeGroups.group, numeric: false },
      { label: m.blocks.outcomeGroups.result, numeric: true },
      { label: m.blocks.outcomeGroups.difference, numeric: true },
    ],
    rows: [
      { header: name(allName), cells: [loader.cellText(all, cycle.minN), m.none] },
      ...groups.map((g) => ({ header: name(g.group.name), cells: [loader.cellText(g.cell, cycle.minN), difference(g.cell)] })),
    ],
    chart:
      measure.unit === "percent"
        ? { unit: "%", max: 100, bars: groups.map((g) => ({ label: name(g.group.name), value: g.cell.shown && g.cell.value !== null ? g.cell.value : null })), ...(all?.shown && all.value !== null ? { reference: { label: name(allName), value: all.value } } : {}) }
        : null,
    footnotes: [m.blocks.outcomeGroups.footnote(cycle.minN)],
  });
};

const participation: Loader = async (loader, cycle) => {
  const { m } = loader;
  const meetings = await loader.meetings(cycle);
  const groups = [...new Set(meetings.flatMap((x) => x.stakeholderGroups))].map((g) => m.stakeholder[g as keyof ReportMessages["stakeholder"]] ?? g);
  return block(loader, {
    title: m.blocks.participation.title(schoolYearLabel(cycle.startYear)),
    summary: m.blocks.participation.summary(meetings.length, meetings.reduce((s, x) => s + x.people, 0), groups),
    columns: [
      { label: m.blocks.participation.meeting, numeric: false },
      { label: m.blocks.participation.date, numeric: false },
      { label: m.blocks.participation.checkpoint, numeric: false },
      { label: m.blocks.participation.people, numeric: true },
      { label: m.blocks.participation.groups, numeric: false },
      { label: m.blocks.participation.others, numeric: false },
    ],
    rows: meetings.map((x) => ({
      header: x.title,
      cells: [
        formatReportDate(x.heldOn, m.language),
        m.checkpoint[x.checkpoint],
        String(x.people),
        m.list(x.stakeholderGroups.map((g) => m.stakeholder[g as keyof ReportMessages["stakeholder"]] ?? g)) || m.none,
        x.stakeholderNote || m.none,
      ],
    })),
    chart: null,
    footnotes: [],
  });
};

const decisions: Loader = async (loader, cycle) => {
  const { m } = loader;
  const own = (await loader.goals(cycle.id)).own;
  const decided = own.filter((g) => g.decision);
  return block(loader, {
    title: m.blocks.decisions.title(schoolYearLabel(cycle.startYear)),
    summary: m.blocks.decisions.summary(decided.length, own.length),
    columns: [
      { label: m.blocks.decisions.goal, numeric: false },
      { label: m.blocks.decisions.decision, numeric: false },
      { label: m.blocks.decisions.why, numeric: false },
    ],
    rows: own.map((g) => ({ header: g.title, cells: [g.decision ? m.decision[g.decision] : m.none, g.decisionNote || m.none] })),
    chart: null,
    footnotes: [],
  });
};

const loaders: Record<DataBlockKind, Loader> = {
  "rubric-rollup": rubricRollup,
  "rubric-movement": rubricMovement,
  goals: goalsBlock,
  "data-collected": dataCollected,
  outcomes,
  "outcome-groups": outcomeGroups,
  participation,
  decisions,
};

/** One block's numbers now, read for the district (another district's cycle is NotFound). */
export async function loadBlockData(db: Database, districtId: string, query: DataBlockQuery, options: BlockOptions = {}): Promise<BlockData> {
  return new BlockLoader(db, districtId, options).load(query);
}
