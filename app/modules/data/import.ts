// Reading an outcome-data CSV: decoding its bytes, guessing which heading is which field, and checking every row
// against the district's schools, student groups and measures before anything is written.
import Papa from "papaparse";
import { parseSchoolYear, schoolYearLabel } from "~/modules/cycles/school-year";
import { firstUnstorableLine, unstorableFileError } from "~/utils/text";

/** The fields every row needs, in the order the template lists them. */
export const importFields = ["school", "school_year", "term", "grade", "student_group", "measure", "n", "value"] as const;
export type ImportField = (typeof importFields)[number];

export const importFieldLabels: Record<ImportField, string> = {
  school: "School",
  school_year: "School year",
  term: "Term",
  grade: "Grade",
  student_group: "Student group",
  measure: "Measure",
  n: "Number of students (n)",
  value: "Value",
};

export const importFieldHints: Record<ImportField, string> = {
  school: "The school's name as Cyclekeeper lists it; “district” or empty for a district-wide result.",
  school_year: "For example 2026-27.",
  term: "fall, winter, spring or year.",
  grade: "all, K or 1–12.",
  student_group: "A student group's name or short name, e.g. “All students” or english-learners.",
  measure: "A measure's name or short name.",
  n: "How many students the value is about: a whole number.",
  value: "The result, within the measure's scale.",
};

export const dataTerms = ["fall", "winter", "spring", "year"] as const;
export type DataTerm = (typeof dataTerms)[number];
export const dataTermLabels: Record<DataTerm, string> = { fall: "Fall", winter: "Winter", spring: "Spring", year: "Whole year" };

/** A file of this size or larger is refused before it is read: 100 000 rows take about 6 MB. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

// ─── Decoding ────────────────────────────────────────────────────────────────────────────────────────────────────

export type Decoded = { ok: true; text: string; encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252" } | { ok: false; error: string };

/**
 * Text from the bytes of an uploaded file. UTF-8 (with or without a byte-order mark) and UTF-16 with its mark are
 * read as such. Bytes that are not valid UTF-8 are read as Windows-1252, the superset of Latin-1 that spreadsheets on
 * Windows save "CSV" in, so "Académie" arrives intact either way; the page says which encoding was used. A file with
 * NUL bytes and no mark (UTF-16 without a BOM, or a spreadsheet's binary format) is refused with a clear message.
 */
export function decodeUpload(bytes: Uint8Array): Decoded {
  const decoded = decodeBytes(bytes);
  // A NUL past the first 4 KiB (or one written as UTF-16) would reach the database, which refuses it (ADR 0030).
  const nul = decoded.ok ? firstUnstorableLine(decoded.text) : null;
  return nul === null ? decoded : { ok: false, error: unstorableFileError(nul) };
}

function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) return { ok: false, error: "The file is empty." };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: true, text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { ok: true, text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return { ok: false, error: "This looks like a spreadsheet workbook (.xlsx), not a CSV file. In your spreadsheet, choose Save as → CSV (UTF-8) and upload that." };
  }
  if (bytes.subarray(0, 4096).includes(0)) {
    return { ok: false, error: "The file contains NUL bytes, so it is not a text CSV file (it may be UTF-16 without a byte-order mark, or a binary format). Save it as CSV (UTF-8) and upload it again." };
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start)), encoding: "utf-8" };
  } catch {
    return { ok: true, text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}

// ─── Parsing ─────────────────────────────────────────────────────────────────────────────────────────────────────

export interface ParsedCsv {
  headers: string[];
  /** Data records with the row number a spreadsheet shows for them (the header is row 1); blank rows are dropped. */
  records: { row: number; cells: string[] }[];
}

export type ParseResult = ({ ok: true } & ParsedCsv) | { ok: false; error: string };

/**
 * Records from CSV text with papaparse (quotes, commas and newlines inside quotes, CRLF, a leftover BOM). The
 * separator is detected, so a semicolon file saved by a European spreadsheet reads too. Blank rows are skipped but
 * still counted, so a row number in an error is the row a spreadsheet shows.
 */
export function parseCsv(text: string, options: { maxRecords?: number } = {}): ParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const result = Papa.parse<string[]>(body, { skipEmptyLines: false, preview: options.maxRecords ? options.maxRecords + 1 : 0 });
  const rows = result.data;
  const headerIndex = rows.findIndex((r) => !isBlank(r));
  if (headerIndex < 0) return { ok: false, error: "The file has no rows." };
  const headers = rows[headerIndex].map((h) => h.trim());
  if (headers.length < 2) {
    return { ok: false, error: "The first row has only one column, so the columns cannot be told apart. Save the file as comma-separated CSV and upload it again." };
  }
  const unclosed = result.errors.find((e) => e.code === "MissingQuotes");
  if (unclosed) {
    return { ok: false, error: `Row ${(unclosed.row ?? 0) + 1} opens a quoted cell that never closes, so the rest of the file cannot be read.` };
  }
  const records: ParsedCsv["records"] = [];
  for (let i = headerIndex + 1; i < rows.length; i++) {
    if (!isBlank(rows[i])) records.push({ row: i + 1, cells: rows[i] });
  }
  return { ok: true, headers, records };
}

/** What `readCsvInPieces` yields: the headings once found, the records of one piece, and how far into the text it got. */
export type CsvPiece = { ok: true; headers: string[]; records: ParsedCsv["records"]; charsDone: number } | { ok: false; error: string };

/**
 * The records of `parseCsv`, a piece of about `pieceChars` characters at a time, so a caller can let other work run
 * between pieces (ADR 0039). Pieces end on a record boundary: a line break outside quotes, found by a small scanner
 * that reads quotes the way papaparse does (a quote opens a quoted cell only at the start of a cell; two quotes inside
 * one are a quote). The separator and line break are guessed once, from the start of the file, and used for every
 * piece. Row numbers, blank rows and errors are the ones `parseCsv` gives.
 */
export function* readCsvInPieces(text: string, pieceChars = 256 * 1024): Generator<CsvPiece> {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const guess = Papa.parse<string[]>(text.slice(at, at + 64 * 1024), { preview: 50 }).meta;
  const format = { delimiter: guess.delimiter, newline: guess.linebreak as "\r\n" | "\n" | "\r" };
  let rowsBefore = 0;
  let headers: string[] | null = null;
  for (;;) {
    const end = recordBoundaryAfter(text, at, at + pieceChars, format.delimiter);
    const last = end >= text.length;
    const result = Papa.parse<string[]>(text.slice(at, end), { skipEmptyLines: false, ...format });
    const rows = result.data;
    // A piece that ends with its line break reads as one more, empty row, which belongs to no line of the file.
    if (!last && rows.length && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === "") rows.pop();
    const unclosed = result.errors.find((e) => e.code === "MissingQuotes");
    let first = 0;
    if (headers === null) {
      const headerIndex = rows.findIndex((r) => !isBlank(r));
      if (headerIndex < 0 && !last) {
        rowsBefore += rows.length;
        at = end;
        continue;
      }
      if (headerIndex < 0) {
        yield { ok: false, error: "The file has no rows." };
        return;
      }
      headers = rows[headerIndex].map((h) => h.trim());
      if (headers.length < 2) {
        yield { ok: false, error: "The first row has only one column, so the columns cannot be told apart. Save the file as comma-separated CSV and upload it again." };
        return;
      }
      first = headerIndex + 1;
    }
    if (unclosed) {
      yield { ok: false, error: `Row ${rowsBefore + (unclosed.row ?? 0) + 1} opens a quoted cell that never closes, so the rest of the file cannot be read.` };
      return;
    }
    const records: ParsedCsv["records"] = [];
    for (let i = first; i < rows.length; i++) {
      if (!isBlank(rows[i])) records.push({ row: rowsBefore + i + 1, cells: rows[i] });
    }
    rowsBefore += rows.length;
    at = end;
    yield { ok: true, headers, records, charsDone: at };
    if (last) return;
  }
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** The index just after the first line break at or beyond `target` that lies outside quotes, scanning from `start` (a record's start). */
function recordBoundaryAfter(text: string, start: number, target: number, delimiter: string): number {
  if (target >= text.length) return text.length;
  const delim = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  let inQuotes = false;
  let cellStart = true;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) i++;
        else inQuotes = false;
      }
    } else if (c === QUOTE && cellStart) {
      inQuotes = true;
      cellStart = false;
    } else if (c === LF) {
      if (i + 1 >= target) return i + 1;
      cellStart = true;
    } else {
      cellStart = c === delim || c === CR;
    }
  }
  return text.length;
}

function isBlank(cells: string[]) {
  for (const c of cells) if (c.trim() !== "") return false;
  return true;
}

// ─── Column mapping ──────────────────────────────────────────────────────────────────────────────────────────────

/** For each field, the index of the file's heading it is read from; null when no heading was chosen. */
export type ColumnMapping = Record<ImportField, number | null>;

const normalizeHeading = (h: string) => h.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]/g, "");

// Whole headings (after dropping case, spaces and punctuation) that clearly mean a field.
const exactHeadings: Record<ImportField, string[]> = {
  school: ["school", "schoolname", "site", "sitename", "building", "campus", "location", "schoolorg"],
  school_year: ["schoolyear", "year", "academicyear", "sy", "yearlabel"],
  term: ["term", "season", "period", "window", "administration", "semester"],
  grade: ["grade", "gradelevel", "grades", "gr"],
  student_group: ["studentgroup", "group", "subgroup", "population", "demographic", "studentgroupname", "reportinggroup"],
  measure: ["measure", "measurename", "indicator", "metric", "competency", "construct", "topic", "outcome"],
  n: ["n", "count", "students", "respondents", "numberofstudents", "studentcount", "nstudents", "ncount", "total"],
  value: ["value", "score", "result", "percent", "percentage", "pct", "rate", "mean", "average", "avg"],
};

// Words that, found inside a heading, suggest a field; tried only when no heading matches a field whole.
const headingWords: Record<ImportField, string[]> = {
  school: ["school", "site", "campus", "building"],
  school_year: ["year"],
  term: ["term", "season", "window"],
  grade: ["grade"],
  student_group: ["group", "population", "demograph"],
  measure: ["measure", "indicator", "metric", "competenc", "construct"],
  n: ["count", "respond", "number", "students"],
  value: ["value", "score", "pct", "percent", "favorable", "favourable", "rate", "mean", "average"],
};

/**
 * A first guess at the mapping, forgiving of case, spaces and punctuation ("School Name" → school, "N" → n,
 * "pct_favorable" → value). Exact matches are placed first, then headings containing a telling word; one heading
 * feeds at most one field.
 */
export function guessMapping(headers: string[]): ColumnMapping {
  const mapping = Object.fromEntries(importFields.map((f) => [f, null])) as ColumnMapping;
  const normalized = headers.map(normalizeHeading);
  const used = new Set<number>();
  const place = (field: ImportField, index: number) => {
    mapping[field] = index;
    used.add(index);
  };
  for (const field of importFields) {
    const index = normalized.findIndex((h, i) => !used.has(i) && (h === normalizeHeading(field) || exactHeadings[field].includes(h)));
    if (index >= 0) place(field, index);
  }
  // "school_year" contains "school", so year-like headings are claimed before school-like ones.
  const order: ImportField[] = ["school_year", "student_group", "measure", "term", "grade", "n", "value", "school"];
  for (const field of order) {
    if (mapping[field] !== null) continue;
    const index = normalized.findIndex((h, i) => !used.has(i) && headingWords[field].some((w) => h.includes(w)));
    if (index >= 0) place(field, index);
  }
  return mapping;
}

/** True when every heading is one of the template's own, so the mapping step has nothing to ask. */
export function isTemplateLayout(headers: string[], mapping: ColumnMapping) {
  return importFields.every((f) => mapping[f] !== null && headers[mapping[f]!].trim().toLowerCase() === f);
}

// ─── Validating rows ─────────────────────────────────────────────────────────────────────────────────────────────

export interface MeasureRef {
  id: string;
  slug: string;
  name: string;
  unit: string;
  scaleMin: number;
  scaleMax: number;
}

/** The district's names for things, as the validator looks them up. */
export interface ImportLookups {
  schools: { id: string; name: string }[];
  groups: { id: string; slug: string; name: string }[];
  measures: MeasureRef[];
}

export interface ImportRow {
  row: number;
  schoolId: string | null;
  startYear: number;
  term: DataTerm;
  grade: string;
  studentGroupId: string;
  measureId: string;
  n: number;
  value: number;
}

export interface RowError {
  /** The row as a spreadsheet numbers it (header = 1); 1 for a problem with the headings. */
  row: number;
  /** The field and the file's heading it was read from. */
  field: ImportField | "file";
  column: string;
  reason: string;
}

export interface ValidationResult {
  rows: ImportRow[];
  errors: RowError[];
  /** How many data rows the file has (valid or not). */
  total: number;
  /** Rows with at least one error. */
  badRows: number;
}

const normalizeName = (s: string) => s.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
const DISTRICT_WORDS = new Set(["", "district", "district-wide", "district wide", "districtwide", "all schools"]);

const termWords: Record<string, DataTerm> = {
  fall: "fall",
  autumn: "fall",
  winter: "winter",
  spring: "spring",
  year: "year",
  "whole year": "year",
  "full year": "year",
  annual: "year",
};

function readGrade(raw: string): string | null {
  const g = normalizeName(raw).replace(/^grade\s*/, "");
  if (g === "all" || g === "all grades") return "all";
  if (g === "k" || g === "kg" || g === "kindergarten") return "K";
  if (/^\d{1,2}$/.test(g)) {
    const n = Number(g);
    if (n >= 1 && n <= 12) return String(n);
  }
  return null;
}

function byName<T>(items: T[], keys: (item: T) => string[]) {
  const map = new Map<string, T>();
  for (const item of items) for (const key of keys(item)) if (!map.has(normalizeName(key))) map.set(normalizeName(key), item);
  return map;
}

/** A cell quoted in an error message, cut short: a 10 MB cell must not make a 10 MB message (or preview page). */
export function quoteCell(text: string) {
  return `“${cutText(text)}”`;
}

/** Text cut to a display length, with an ellipsis when something was left out. */
export function cutText(text: string, max = 80) {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The checks of `validateRecords`, one record at a time, so a large file can be checked in pieces (ADR 0039). */
export interface RowChecker {
  /** Problems with the mapping itself (a field with no column); when there are any, every row is bad. */
  mappingErrors: RowError[];
  /** Checks one record: its typed row, or null with its problems appended to `errors`. */
  check(record: { row: number; cells: string[] }, errors: RowError[]): ImportRow | null;
}

export function rowChecker(headers: string[], mapping: ColumnMapping, lookups: ImportLookups): RowChecker {
  const missing = importFields.filter((f) => mapping[f] === null || mapping[f]! >= headers.length);
  if (missing.length) {
    const mappingErrors = missing.map((f) => ({ row: 1, field: f, column: "", reason: `No column is chosen for ${importFieldLabels[f].toLowerCase()}; the file needs one.` }));
    return { mappingErrors, check: () => null };
  }
  const columns = Object.fromEntries(importFields.map((f) => [f, mapping[f]!])) as Record<ImportField, number>;
  const headingOf = (f: ImportField) => {
    const heading = headers[columns[f]];
    return heading ? cutText(heading) : `column ${columns[f] + 1}`;
  };
  const schools = byName(lookups.schools, (s) => [s.name]);
  const groups = byName(lookups.groups, (g) => [g.slug, g.name]);
  const measures = byName(lookups.measures, (m) => [m.slug, m.name]);
  // Duplicate keys use small numbers for the ids: a million rows keep a million keys, so each one stays short.
  const shortId = new Map<string, number>();
  const short = (id: string | null) => {
    if (id === null) return "";
    let n = shortId.get(id);
    if (n === undefined) shortId.set(id, (n = shortId.size));
    return n;
  };
  const seen = new Map<string, number>();

  return {
    mappingErrors: [],
    check(record, errors) {
      const cell = (f: ImportField) => (record.cells[columns[f]] ?? "").trim();
      const before = errors.length;
      const fail = (field: ImportField, reason: string) => errors.push({ row: record.row, field, column: headingOf(field), reason });

      const schoolText = cell("school");
      let schoolId: string | null = null;
      if (!DISTRICT_WORDS.has(normalizeName(schoolText))) {
        const school = schools.get(normalizeName(schoolText));
        if (school) schoolId = school.id;
        else fail("school", `Unknown school ${quoteCell(schoolText)}: no school of that name in this district.`);
      }

      const yearText = cell("school_year");
      const startYear = yearText ? parseSchoolYear(yearText) : null;
      if (yearText === "") fail("school_year", "The school year is missing.");
      else if (startYear === null || startYear < 1990 || startYear > 2100) fail("school_year", `${quoteCell(yearText)} is not a school year; write it like 2026-27.`);

      const termText = cell("term");
      const term = termWords[normalizeName(termText)];
      if (!term) fail("term", termText ? `Unknown term ${quoteCell(termText)}: use fall, winter, spring or year.` : "The term is missing.");

      const gradeText = cell("grade");
      const grade = readGrade(gradeText);
      if (!grade) fail("grade", gradeText ? `Grade ${quoteCell(gradeText)} is not allowed: use all, K or 1 to 12.` : "The grade is missing.");

      const groupText = cell("student_group");
      const group = groups.get(normalizeName(groupText));
      if (!group) fail("student_group", groupText ? `Unknown student group ${quoteCell(groupText)}.` : "The student group is missing.");

      const measureText = cell("measure");
      const measure = measures.get(normalizeName(measureText));
      if (!measure) fail("measure", measureText ? `Unknown measure ${quoteCell(measureText)}.` : "The measure is missing.");

      const nText = cell("n");
      const n = /^\d+$/.test(nText) ? Number(nText) : NaN;
      if (nText === "") fail("n", "The number of students is missing.");
      else if (/^-/.test(nText)) fail("n", `n ${quoteCell(nText)} is negative; it counts students.`);
      else if (!Number.isSafeInteger(n)) fail("n", `n ${quoteCell(nText)} is not a whole number.`);

      const valueText = cell("value");
      const numeric = measure?.unit === "percent" ? valueText.replace(/\s*%$/, "") : valueText;
      const value = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(numeric) ? Number(numeric) : NaN;
      if (valueText === "") fail("value", "The value is missing.");
      else if (!Number.isFinite(value)) fail("value", `Value ${quoteCell(valueText)} is not a number.`);
      else if (measure && (value < measure.scaleMin || value > measure.scaleMax)) {
        fail("value", `Value ${cutText(valueText)} is outside the scale of “${measure.name}” (${measure.scaleMin} to ${measure.scaleMax}).`);
      }

      if (errors.length === before && startYear !== null && term && grade && group && measure) {
        const key = `${short(schoolId)}|${startYear}|${term}|${grade}|${short(group.id)}|${short(measure.id)}`;
        const first = seen.get(key);
        if (first !== undefined) {
          errors.push({
            row: record.row,
            field: "file",
            column: "",
            reason: `Duplicate of row ${first}: the same school, year, term, grade, student group and measure.`,
          });
          return null;
        }
        seen.set(key, record.row);
        return { row: record.row, schoolId, startYear, term, grade, studentGroupId: group.id, measureId: measure.id, n, value };
      }
      return null;
    },
  };
}

/**
 * Checks every record and turns the good ones into typed rows; collects every problem with its row, column and
 * reason. A row with any problem is left out of `rows`, and the caller writes nothing while `errors` is not empty.
 */
export function validateRecords(parsed: ParsedCsv, mapping: ColumnMapping, lookups: ImportLookups): ValidationResult {
  const checker = rowChecker(parsed.headers, mapping, lookups);
  if (checker.mappingErrors.length) {
    return { rows: [], errors: checker.mappingErrors, total: parsed.records.length, badRows: parsed.records.length };
  }
  const errors: RowError[] = [];
  const rows: ImportRow[] = [];
  let badRows = 0;
  for (const record of parsed.records) {
    const row = checker.check(record, errors);
    if (row) rows.push(row);
    else badRows++;
  }
  return { rows, errors, total: parsed.records.length, badRows };
}

// ─── Slices ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** What one import replaces as a whole: a school (or the district), a school year, a term and a measure. */
export interface Slice {
  schoolId: string | null;
  startYear: number;
  term: DataTerm;
  measureId: string;
  rows: number;
}

export const sliceKey = (s: { schoolId: string | null; startYear: number; term: string; measureId: string }) =>
  `${s.schoolId ?? ""}|${s.startYear}|${s.term}|${s.measureId}`;

/** The slices a set of rows covers, with how many rows each has. */
export function slicesOf(rows: ImportRow[]): Slice[] {
  const slices = new Map<string, Slice>();
  for (const r of rows) countInSlice(slices, r);
  return [...slices.values()];
}

/** Counts one row in its slice (keyed by `sliceKey`), adding the slice when it is the first. */
export function countInSlice(slices: Map<string, Slice>, r: ImportRow) {
  const key = sliceKey(r);
  const slice = slices.get(key);
  if (slice) slice.rows++;
  else slices.set(key, { schoolId: r.schoolId, startYear: r.startYear, term: r.term, measureId: r.measureId, rows: 1 });
}

/** A row's content, for telling whether a slice would change: everything but where it came from. */
export const rowFingerprint = (r: { schoolId: string | null; startYear: number; term: string; grade: string; studentGroupId: string; measureId: string; n: number; value: number }) =>
  `${sliceKey(r)}|${r.grade}|${r.studentGroupId}|${r.n}|${Number(r.value)}`;

// ─── Templates ───────────────────────────────────────────────────────────────────────────────────────────────────

/** Header and example rows for one measure: a district-wide row and one per example school, for all students. */
export function templateRows(measure: MeasureRef, startYear: number, schoolNames: string[]): (string | number)[][] {
  // Numbers stay numbers, so the CSV writer never mistakes a negative example for a formula.
  const example = measure.unit === "percent" ? 72.5 : Math.round(((measure.scaleMin + measure.scaleMax) / 2) * 100) / 100;
  const year = schoolYearLabel(startYear).replace("–", "-");
  const places = ["district", ...schoolNames.slice(0, 2)];
  return places.flatMap((school) => [
    [school, year, "fall", "all", "all", measure.slug, 120, example],
    [school, year, "fall", "all", "english-learners", measure.slug, 24, example],
  ]);
}
