// Writing CSV that spreadsheets open safely: quoting by papaparse, and no text cell that a spreadsheet would run.
import Papa from "papaparse";

export type CsvCell = string | number | null | undefined;

/** Characters a spreadsheet reads as the start of a formula (tab and carriage return included, as OWASP advises). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell that would start a formula gets a leading apostrophe, which spreadsheets show as text. Numbers are
 * written as numbers: -3.5 is a value, not a formula, and a gap column must stay sortable.
 */
export function safeCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number") return Number.isFinite(cell) ? String(cell) : "";
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Rows to CSV text with CRLF line ends and a header row first; every text cell made safe. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return Papa.unparse({ fields: header.map(safeCell), data: rows.map((row) => row.map(safeCell)) }, { newline: "\r\n", escapeFormulae: false });
}
