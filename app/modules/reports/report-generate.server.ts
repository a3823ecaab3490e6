// Generating a report draft from a cycle (the district's or a school's): the facts are read once through the same
// BlockLoader the data blocks use (so a sentence and the table beside it agree), then written as seven sections in
// the report's language for its audience (report-prose.ts). The actor must be able to read the cycle; another
// district's cycle is NotFound.
import type { JSONContent } from "@tiptap/core";
import { and, asc, eq, isNull, lte } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { cycles, findings, reflectionMeetings } from "#db/schema";
import { getCycle } from "~/modules/cycles/cycles.server";
import { checkpoints, type Checkpoint } from "~/modules/cycles/school-year";
import { dataTerms, type DataTerm } from "~/modules/data/data-terms";
import type { Actor } from "~/modules/people/permissions";
import { BlockLoader, groupResults, outcomeResults, reportGoals } from "./block-data.server";
import { profileOfDistrict } from "./profile.server";
import type { ReportAudience } from "./report-blocks";
import { buildReportDocument, type ReportFacts } from "./report-prose";

export interface GenerateOptions {
  audience: ReportAudience;
  language: string;
}


const latest = (present: Iterable<Checkpoint>) => {
  const set = new Set(present);
  return [...checkpoints].reverse().find((c) => set.has(c)) ?? null;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Everything the report says about the cycle, as numbers and names (no wording yet). */
export async function reportFacts(db: Database, actor: Actor, cycleId: string, language = "en"): Promise<ReportFacts> {
  await getCycle(db, actor, cycleId);
  const loader = new BlockLoader(db, actor.districtId, { language });
  const cycle = await loader.cycle(cycleId);
  const m = loader.m;

  const [profile, yearRows, byArea, byYear, goalViews, collected, setup, outcomes, groups, meetings, findingRows, schoolCycles] = await Promise.all([
    profileOfDistrict(db, actor.districtId),
    db
      .select({ startYear: cycles.startYear })
      .from(cycles)
      .where(and(eq(cycles.districtId, actor.districtId), cycle.schoolId ? eq(cycles.schoolId, cycle.schoolId) : isNull(cycles.schoolId), lte(cycles.startYear, cycle.startYear)))
      .orderBy(asc(cycles.startYear)),
    loader.rubricByArea(cycle),
    loader.rubricByYear(cycle),
    loader.goals(cycle.id),
    loader.collected(cycle),
    loader.setup(),
    outcomeResults(loader, cycle),
    groupResults(loader, cycle),
    loader.meetings(cycle),
    db
      .select({ kind: findings.kind, summary: findings.summary })
      .from(findings)
      .innerJoin(reflectionMeetings, eq(reflectionMeetings.id, findings.meetingId))
      .where(eq(reflectionMeetings.cycleId, cycle.id))
      .orderBy(asc(reflectionMeetings.heldOn), asc(findings.createdAt)),
    cycle.schoolId ? Promise.resolve([]) : db.select({ id: cycles.id }).from(cycles).where(eq(cycles.districtCycleId, cycle.id)),
  ]);

  const checkpoint = latest(byArea.rows.map((r) => r.checkpoint));
  const at = byArea.rows.filter((r) => r.checkpoint === checkpoint);
  const sum = at.reduce((s, r) => s + r.total, 0);
  const count = at.reduce((s, r) => s + r.count, 0);
  const adult = at.filter((r) => r.focusAreaId === "fa2");
  const adultCount = adult.reduce((s, r) => s + r.count, 0);

  const years = [...new Set(byYear.map((p) => p.startYear))].sort((a, b) => a - b);
  const movement = years.map((startYear) => {
    const c = latest(byYear.filter((p) => p.startYear === startYear).map((p) => p.checkpoint))!;
    return { startYear, checkpoint: c, mean: round1(byYear.find((p) => p.startYear === startYear && p.checkpoint === c)!.mean) };
  });

  const measuresCollected = setup.measures.filter((x) => collected.byMeasure.has(x.id));
  const terms = new Set<DataTerm>();
  for (const entry of collected.byMeasure.values()) for (const t of entry.terms) terms.add(t);
  const sources = [...new Set(measuresCollected.map((x) => m.measureSource[x.category as keyof typeof m.measureSource] ?? m.measureSource.custom))];

  return {
    cycleId: cycle.id,
    startYear: cycle.startYear,
    placeName: cycle.placeName,
    districtName: cycle.districtName,
    isSchool: Boolean(cycle.schoolId),
    profile: { selStatement: profile.selStatement, history: profile.history, milestones: profile.milestones },
    years: yearRows.map((r) => r.startYear),
    rubric: {
      checkpoint,
      scored: cycle.schoolId ? count : checkpoint ? (byArea.scoredOwners.get(checkpoint) ?? 0) : 0,
      total: cycle.schoolId ? byArea.itemCount : schoolCycles.length,
      mean: count ? round1(sum / count) : null,
      adultMean: adultCount ? round1(adult.reduce((s, r) => s + r.total, 0) / adultCount) : null,
    },
    movement,
    goals: reportGoals(goalViews).map(({ goal, mirrored }) => ({
      title: goal.title,
      kind: goal.kind,
      status: goal.progress.status,
      mirrored,
      decision: goal.decision,
      decisionNote: goal.decisionNote,
      strategies: goal.strategies.map((s) => ({ title: s.title, status: s.status, ownerName: s.ownerName })),
    })),
    data: {
      measures: measuresCollected.length,
      schools: collected.schools,
      totalSchools: cycle.schoolId ? 1 : schoolCycles.length,
      terms: dataTerms.filter((t) => terms.has(t)),
      sources,
    },
    outcomes: outcomes.counts,
    groups: groups ? { shown: groups.groups.filter((g) => g.cell.shown).length, total: groups.groups.length } : { shown: 0, total: 0 },
    meetings: meetings.map((x) => ({ title: x.title, heldOn: x.heldOn, groups: x.stakeholderGroups, people: x.people, note: x.stakeholderNote })),
    findings: findingRows,
  };
}

/**
 * A report draft's content from a cycle: seven sections of generated prose with the cycle's own numbers and, per
 * audience, data blocks bound to the cycle (live in the draft, frozen on publish).
 */
export async function generateReportContent(db: Database, actor: Actor, cycleId: string, options: GenerateOptions): Promise<JSONContent> {
  const facts = await reportFacts(db, actor, cycleId, options.language);
  return buildReportDocument(facts, options.audience, options.language);
}
