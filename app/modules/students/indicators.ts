// The weekly early-warning indicators of one student: which signals a week's figures raise under the district's thresholds.
// Pure: the meeting page gets its summaries from one SQL query, the student page and the tests from `summariseWeek`.

export interface Thresholds {
  /** Chronically absent at or above this % of enrolled days so far. */
  absencePercent: number;
  /** Failing at this many courses or more. */
  failingCourses: number;
  /** Flagged when behaviour incidents over the last four weeks exceed this. */
  behaviourIncidents: number;
  /** Flagged when the latest SEL competency score is below this. */
  selBenchmark: number;
}

export const defaultThresholds: Thresholds = { absencePercent: 10, failingCourses: 1, behaviourIncidents: 2, selBenchmark: 3 };

export const signals = ["chronic_absence", "failing", "behaviour", "sel", "no_trusted_adult"] as const;
export type Signal = (typeof signals)[number];

export const signalLabels: Record<Signal, string> = {
  chronic_absence: "Chronically absent",
  failing: "Failing a course",
  behaviour: "Behaviour incidents",
  sel: "SEL below benchmark",
  no_trusted_adult: "No trusted adult",
};

/** The behaviour window: this week and the three before it. */
export const BEHAVIOUR_WINDOW_DAYS = 28;

/** One week's figures as imported. */
export interface WeekFigures {
  weekOf: string;
  daysEnrolled: number;
  daysAbsent: number;
  coursesFailing: number;
  behaviourIncidents: number;
  selScore: number | null;
  trustedAdult: boolean | null;
}

/** What the signals are computed from: a week's cumulative figures plus what carries over from earlier weeks. */
export interface WeekSummary {
  daysEnrolled: number;
  daysAbsent: number;
  coursesFailing: number;
  /** Incidents in the behaviour window ending this week. */
  recentIncidents: number;
  /** The latest SEL score up to this week, if any. */
  latestSel: number | null;
  /** The latest connectedness answer up to this week, if any. */
  latestTrustedAdult: boolean | null;
}

/** Absent days as a % of enrolled days so far; null before the student has been enrolled a day. */
export function absencePercent(summary: Pick<WeekSummary, "daysEnrolled" | "daysAbsent">): number | null {
  if (summary.daysEnrolled <= 0) return null;
  return (summary.daysAbsent / summary.daysEnrolled) * 100;
}

export function isChronicallyAbsent(summary: Pick<WeekSummary, "daysEnrolled" | "daysAbsent">, thresholds: Thresholds): boolean {
  const pct = absencePercent(summary);
  // Compared in whole days × 100 so that 3 of 30 days is exactly 10 %, not 9.999…
  return pct !== null && summary.daysAbsent * 100 >= thresholds.absencePercent * summary.daysEnrolled;
}

/** The signals a week raises, in the fixed order of `signals`. */
export function signalsFor(summary: WeekSummary, thresholds: Thresholds): Signal[] {
  const raised: Signal[] = [];
  if (isChronicallyAbsent(summary, thresholds)) raised.push("chronic_absence");
  if (summary.coursesFailing >= thresholds.failingCourses && summary.coursesFailing > 0) raised.push("failing");
  if (summary.recentIncidents > thresholds.behaviourIncidents) raised.push("behaviour");
  if (summary.latestSel !== null && summary.latestSel < thresholds.selBenchmark) raised.push("sel");
  if (summary.latestTrustedAdult === false) raised.push("no_trusted_adult");
  return raised;
}

const dayMs = 86_400_000;
const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / dayMs;

/**
 * The summary of the latest week on or before `weekOf` (null when there is none), from a student's weeks in any order.
 * The reference the meeting page's SQL is checked against.
 */
export function summariseWeek(weeks: WeekFigures[], weekOf: string): (WeekSummary & { weekOf: string }) | null {
  const upTo = weeks.filter((w) => w.weekOf <= weekOf).sort((a, b) => (a.weekOf < b.weekOf ? -1 : 1));
  const current = upTo.at(-1);
  if (!current) return null;
  const windowStart = dayNumber(current.weekOf) - BEHAVIOUR_WINDOW_DAYS;
  let recentIncidents = 0;
  let latestSel: number | null = null;
  let latestTrustedAdult: boolean | null = null;
  for (const w of upTo) {
    if (dayNumber(w.weekOf) > windowStart) recentIncidents += w.behaviourIncidents;
    if (w.selScore !== null) latestSel = w.selScore;
    if (w.trustedAdult !== null) latestTrustedAdult = w.trustedAdult;
  }
  return {
    weekOf: current.weekOf,
    daysEnrolled: current.daysEnrolled,
    daysAbsent: current.daysAbsent,
    coursesFailing: current.coursesFailing,
    recentIncidents,
    latestSel,
    latestTrustedAdult,
  };
}

/** Signals raised this week that were not raised the week before: what makes a student "newly flagged". */
export function newSignals(current: Signal[], previous: Signal[]): Signal[] {
  const before = new Set(previous);
  return current.filter((s) => !before.has(s));
}

/** The Monday of the week a date falls in (ISO weeks start on Monday). */
export function mondayOf(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * dayMs).toISOString().slice(0, 10);
}

/** The school year (its start year) a date belongs to: July onwards starts a new year. */
export function startYearOf(isoDate: string): number {
  const [year, month] = isoDate.split("-").map(Number);
  return month >= 7 ? year : year - 1;
}

/** The reporting term of a week: fall to November, winter December to February, spring from March. */
export function termOf(isoDate: string): "fall" | "winter" | "spring" {
  const month = Number(isoDate.slice(5, 7));
  if (month >= 7 && month <= 11) return "fall";
  if (month === 12 || month <= 2) return "winter";
  return "spring";
}
