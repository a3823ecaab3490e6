// Reading a school's roster and weekly indicator CSV files: every row checked before anything is written, each problem
// reported as (row, column, reason). Pure: the server looks up what the checks need and writes what comes out.
import Papa from "papaparse";
import { mondayOf, startYearOf } from "./indicators";
import { firstUnstorableLine, unstorableFileError } from "~/utils/text";

export interface RowError {
  /** The line's row number as a spreadsheet shows it: the header is row 1. */
  row: number;
  column: string;
  reason: string;
}

export interface RosterRow {
  localId: string;
  givenName: string;
  familyName: string;
  grade: string;
  groups: string[];
}

export interface IndicatorRow {
  localId: string;
  weekOf: string;
  startYear: number;
  daysEnrolled: number;
  daysAbsent: number;
  coursesFailing: number;
  behaviourIncidents: number;
  selScore: number | null;
  trustedAdult: boolean | null;
}

export interface Parsed<T> {
  rows: T[];
  errors: RowError[];
  /** Problems with the file as a whole (no header, missing columns). */
  fileErrors: string[];
  /** The file row number of each entry of `rows`. */
  rowNumbers: number[];
}

export const MAX_ROWS = 100_000;
/** A student file larger than this is refused; the server's body cap for the import route is derived from it. */
export const MAX_STUDENT_IMPORT_BYTES = 20 * 1024 * 1024;
export const grades = ["K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"] as const;

// OneRoster's users.csv headings and plain ones both map to our columns; comparison ignores case, spaces and punctuation.
const rosterAliases: Record<string, keyof RosterRow | "school"> = {
  studentid: "localId",
  sourcedid: "localId",
  identifier: "localId",
  localid: "localId",
  givenname: "givenName",
  firstname: "givenName",
  familyname: "familyName",
  lastname: "familyName",
  grade: "grade",
  grades: "grade",
  school: "school",
  schoolname: "school",
  groups: "groups",
  studentgroups: "groups",
};

const indicatorAliases: Record<string, string> = {
  studentid: "localId",
  sourcedid: "localId",
  localid: "localId",
  weekof: "weekOf",
  week: "weekOf",
  date: "weekOf",
  daysenrolled: "daysEnrolled",
  daysabsent: "daysAbsent",
  coursesfailing: "coursesFailing",
  failingcourses: "coursesFailing",
  behaviourincidents: "behaviourIncidents",
  behaviorincidents: "behaviourIncidents",
  selscore: "selScore",
  trustedadult: "trustedAdult",
  connectedness: "trustedAdult",
};

const normaliseHeader = (h: string) => h.replace(/^\uFEFF/, "").toLowerCase().replace(/[^a-z0-9]/g, "");

interface Table {
  /** Our column name → the heading as written in the file (for error messages). */
  headings: Map<string, string>;
  records: { row: number; cells: Map<string, string> }[];
  fileErrors: string[];
}

function readTable(text: string, aliases: Record<string, string>, required: string[]): Table {
  // The database refuses NUL: such a file is named and refused here, before any row is read (ADR 0030).
  const nul = firstUnstorableLine(text);
  if (nul !== null) return { headings: new Map(), records: [], fileErrors: [unstorableFileError(nul)] };
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  const [header, ...body] = parsed.data;
  const fileErrors: string[] = [];
  const headings = new Map<string, string>();
  const index = new Map<number, string>();
  if (!header) return { headings, records: [], fileErrors: ["The file is empty."] };
  header.forEach((raw, i) => {
    const ours = aliases[normaliseHeader(raw)];
    if (ours && !headings.has(ours)) {
      headings.set(ours, raw.trim());
      index.set(i, ours);
    }
  });
  const missing = required.filter((c) => !headings.has(c));
  if (missing.length) fileErrors.push(`Missing column${missing.length === 1 ? "" : "s"}: ${missing.join(", ")}.`);
  if (body.length > MAX_ROWS) fileErrors.push(`The file has ${body.length} rows; at most ${MAX_ROWS} can be imported at once.`);
  const records = body.map((cells, i) => {
    const map = new Map<string, string>();
    cells.forEach((cell, c) => {
      const ours = index.get(c);
      if (ours) map.set(ours, cell.trim());
    });
    return { row: i + 2, cells: map };
  });
  return { headings, records, fileErrors };
}

function wholeNumber(value: string, { min, max }: { min: number; max: number }): number | string {
  if (!/^\d+$/.test(value)) return value === "" ? "is empty" : `"${value}" is not a whole number`;
  const n = Number(value);
  if (n < min || n > max) return `${n} is outside ${min}–${max}`;
  return n;
}

function isoDate(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) ?? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = value.includes("/") ? [m[3], m[1], m[2]] : [m[1], m[2], m[3]];
  const iso = `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso ? null : iso;
}

export function normaliseGrade(value: string): string | null {
  const v = value.trim().toUpperCase().replace(/^0+(?=\d)/, "");
  if (v === "KG" || v === "K" || v === "KINDERGARTEN") return "K";
  return (grades as readonly string[]).includes(v) ? v : null;
}

/**
 * A roster for one school. `schoolName` is the page's school: a school column, when present, must name it.
 * `groupSlugs` maps a group's slug or lower-cased name to its slug.
 */
export function parseRoster(text: string, context: { schoolName: string; groupSlugs: Map<string, string> }): Parsed<RosterRow> {
  const table = readTable(text, rosterAliases, ["localId", "givenName", "familyName", "grade"]);
  const rows: RosterRow[] = [];
  const rowNumbers: number[] = [];
  const errors: RowError[] = [];
  if (table.fileErrors.length) return { rows, errors, fileErrors: table.fileErrors, rowNumbers };
  const heading = (c: string) => table.headings.get(c) ?? c;
  const seen = new Map<string, number>();
  for (const { row, cells } of table.records) {
    const problems: RowError[] = [];
    const fail = (column: string, reason: string) => problems.push({ row, column: heading(column), reason });
    const localId = cells.get("localId") ?? "";
    if (!localId) fail("localId", "is empty");
    else if (localId.length > 64) fail("localId", "is longer than 64 characters");
    else if (seen.has(localId)) fail("localId", `duplicate of row ${seen.get(localId)}`);
    else seen.set(localId, row);
    const givenName = cells.get("givenName") ?? "";
    const familyName = cells.get("familyName") ?? "";
    if (!givenName) fail("givenName", "is empty");
    if (!familyName) fail("familyName", "is empty");
    const grade = normaliseGrade(cells.get("grade") ?? "");
    if (!grade) fail("grade", `"${cells.get("grade") ?? ""}" is not a grade from K to 12`);
    const school = cells.get("school");
    if (school && school.toLowerCase() !== context.schoolName.toLowerCase()) fail("school", `"${school}" is not ${context.schoolName}`);
    const groups: string[] = [];
    for (const name of (cells.get("groups") ?? "").split(/[;|]/).map((g) => g.trim()).filter(Boolean)) {
      const slug = context.groupSlugs.get(name.toLowerCase());
      if (!slug) fail("groups", `unknown student group "${name}"`);
      else if (!groups.includes(slug)) groups.push(slug);
    }
    if (problems.length) errors.push(...problems);
    else {
      rows.push({ localId, givenName, familyName, grade: grade!, groups });
      rowNumbers.push(row);
    }
  }
  return { rows, errors, fileErrors: [], rowNumbers };
}

const yes = new Set(["yes", "y", "true", "1", "agree", "strongly agree"]);
const no = new Set(["no", "n", "false", "0", "disagree", "strongly disagree"]);

/** Weekly indicators for students on the school's roster (`knownStudents`: local ids on it). */
export function parseIndicators(text: string, context: { knownStudents: Set<string> }): Parsed<IndicatorRow> {
  const table = readTable(text, indicatorAliases, ["localId", "weekOf", "daysEnrolled", "daysAbsent"]);
  const rows: IndicatorRow[] = [];
  const rowNumbers: number[] = [];
  const errors: RowError[] = [];
  if (table.fileErrors.length) return { rows, errors, fileErrors: table.fileErrors, rowNumbers };
  const heading = (c: string) => table.headings.get(c) ?? c;
  const seen = new Map<string, number>();
  for (const { row, cells } of table.records) {
    const problems: RowError[] = [];
    const fail = (column: string, reason: string) => problems.push({ row, column: heading(column), reason });
    const localId = cells.get("localId") ?? "";
    if (!localId) fail("localId", "is empty");
    else if (!context.knownStudents.has(localId)) fail("localId", `"${localId}" is not on this school's roster`);
    const date = isoDate(cells.get("weekOf") ?? "");
    if (!date) fail("weekOf", `"${cells.get("weekOf") ?? ""}" is not a date (YYYY-MM-DD)`);
    const weekOf = date ? mondayOf(date) : "";
    if (localId && weekOf) {
      const key = `${localId}|${weekOf}`;
      if (seen.has(key)) fail("weekOf", `duplicate of row ${seen.get(key)} (same student and week)`);
      else seen.set(key, row);
    }
    const number = (column: string, bounds: { min: number; max: number }, optional = false) => {
      const raw = cells.get(column) ?? "";
      if (optional && raw === "") return 0;
      const n = wholeNumber(raw, bounds);
      if (typeof n === "string") {
        fail(column, n);
        return 0;
      }
      return n;
    };
    const daysEnrolled = number("daysEnrolled", { min: 0, max: 366 });
    const daysAbsent = number("daysAbsent", { min: 0, max: 366 });
    if (daysAbsent > daysEnrolled) fail("daysAbsent", `${daysAbsent} absent days is more than ${daysEnrolled} enrolled`);
    const coursesFailing = number("coursesFailing", { min: 0, max: 20 }, true);
    const behaviourIncidents = number("behaviourIncidents", { min: 0, max: 100 }, true);
    let selScore: number | null = null;
    const selRaw = cells.get("selScore") ?? "";
    if (selRaw !== "") {
      const n = Number(selRaw);
      if (!/^\d+(\.\d+)?$/.test(selRaw) || n < 1 || n > 5) fail("selScore", `"${selRaw}" is not a score from 1 to 5`);
      else selScore = n;
    }
    let trustedAdult: boolean | null = null;
    const adultRaw = (cells.get("trustedAdult") ?? "").toLowerCase();
    if (adultRaw !== "") {
      if (yes.has(adultRaw)) trustedAdult = true;
      else if (no.has(adultRaw)) trustedAdult = false;
      else fail("trustedAdult", `"${cells.get("trustedAdult")}" is not yes or no`);
    }
    if (problems.length) errors.push(...problems);
    else {
      rows.push({ localId, weekOf, startYear: startYearOf(weekOf), daysEnrolled, daysAbsent, coursesFailing, behaviourIncidents, selScore, trustedAdult });
      rowNumbers.push(row);
    }
  }
  return { rows, errors, fileErrors: [], rowNumbers };
}

export const rosterTemplate = "student_id,given_name,family_name,grade,school,groups\r\n";
export const indicatorTemplate = "student_id,week_of,days_enrolled,days_absent,courses_failing,behaviour_incidents,sel_score,trusted_adult\r\n";
