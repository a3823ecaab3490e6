// School years and their checkpoints: labels like "2026–27", July-to-June bounds, and checkpoint dates that fit inside them.

export const checkpoints = ["baseline", "midyear", "endyear"] as const;
export type Checkpoint = (typeof checkpoints)[number];

export const checkpointLabels: Record<Checkpoint, string> = {
  baseline: "Baseline",
  midyear: "Mid-year",
  endyear: "End of year",
};

/** The checkpoint as it reads inside a sentence: "the mid-year checkpoint". */
const checkpointInSentence: Record<Checkpoint, string> = {
  baseline: "baseline",
  midyear: "mid-year checkpoint",
  endyear: "end-of-year checkpoint",
};

export type CheckpointDates = Record<Checkpoint, string>;

export interface CheckpointDateProblem {
  field: Checkpoint;
  message: string;
}

/** Position of a checkpoint in the year, for sorting and "at or before" comparisons. */
export function checkpointIndex(checkpoint: Checkpoint): number {
  return checkpoints.indexOf(checkpoint);
}

const monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2026–27"; the second part is always two digits, so 1999 reads "1999–00". */
export function schoolYearLabel(startYear: number): string {
  if (!Number.isInteger(startYear)) throw new RangeError(`A school year starts in a whole year, not ${startYear}.`);
  return `${startYear}–${String((startYear + 1) % 100).padStart(2, "0")}`;
}

/**
 * The start year of a label people type: "2026–27", "2026-27" or "2026-2027".
 * Null when the second part is not the year after the first, so "2026-28" is never read as a school year.
 */
export function parseSchoolYear(label: string): number | null {
  // Hyphen, en dash or em dash: word processors turn one into another.
  const match = /^(\d{4})\s*[-–—]\s*(\d{2}|\d{4})$/.exec(label.trim());
  if (!match) return null;
  const start = Number(match[1]);
  const end = match[2];
  if (end.length === 4) return Number(end) === start + 1 ? start : null;
  return Number(end) === (start + 1) % 100 ? start : null;
}

/** First and last day of the school year, as ISO dates. */
export function schoolYearBounds(startYear: number): { start: string; end: string } {
  return { start: `${pad4(startYear)}-07-01`, end: `${pad4(startYear + 1)}-06-30` };
}

/** True for a real calendar date written YYYY-MM-DD (so "2027-02-30" is false). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; UTC keeps local time zones out of it.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The start year of the school year a date falls in: 2027-03-15 is in 2026–27. */
export function schoolYearOf(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`Not a date in the form YYYY-MM-DD: "${date}".`);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 7 ? year : year - 1;
}

/** Whether an ISO date lies within the school year, first and last day included. */
export function isInSchoolYear(date: string, startYear: number): boolean {
  return isIsoDate(date) && schoolYearOf(date) === startYear;
}

/** Dates a new cycle starts with: after schools settle in, before winter break ends, before the year winds down. */
export function defaultCheckpointDates(startYear: number): CheckpointDates {
  return {
    baseline: `${pad4(startYear)}-10-01`,
    midyear: `${pad4(startYear + 1)}-01-31`,
    endyear: `${pad4(startYear + 1)}-05-31`,
  };
}

/** "July 1, 2026": how dates read in messages. Assumes a valid ISO date. */
export function formatLongDate(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  return `${monthNames[month - 1]} ${day}, ${year}`;
}

/** "July 1, 2026 to June 30, 2027". */
export function schoolYearSpan(startYear: number): string {
  const { start, end } = schoolYearBounds(startYear);
  return `${formatLongDate(start)} to ${formatLongDate(end)}`;
}

/**
 * Problems with a cycle's checkpoint dates, one per field at most, in checkpoint order.
 * Each date must be a real date inside the school year, and each must come strictly after the one before it.
 */
export function validateCheckpointDates(
  dates: Partial<Record<Checkpoint, string | null | undefined>>,
  startYear: number,
): CheckpointDateProblem[] {
  const problems: CheckpointDateProblem[] = [];
  const label = schoolYearLabel(startYear);
  // The last valid date before the one being checked, so a bad mid-year date still lets end-of-year be compared with the baseline.
  let previous: { checkpoint: Checkpoint; date: string } | null = null;

  for (const checkpoint of checkpoints) {
    const value = dates[checkpoint]?.trim();
    const name = checkpointInSentence[checkpoint];
    if (!value) {
      problems.push({ field: checkpoint, message: `Enter a date for the ${name}.` });
      continue;
    }
    if (!isIsoDate(value)) {
      problems.push({ field: checkpoint, message: `The ${name} date is not a date; write it as YYYY-MM-DD.` });
      continue;
    }
    if (!isInSchoolYear(value, startYear)) {
      problems.push({
        field: checkpoint,
        message: `The ${name} must fall within the ${label} school year (${schoolYearSpan(startYear)}).`,
      });
      continue;
    }
    if (previous && value <= previous.date) {
      problems.push({
        field: checkpoint,
        message: `The ${name} must come after the ${checkpointInSentence[previous.checkpoint]}.`,
      });
      continue;
    }
    previous = { checkpoint, date: value };
  }
  return problems;
}

function pad4(year: number): string {
  return String(year).padStart(4, "0");
}
