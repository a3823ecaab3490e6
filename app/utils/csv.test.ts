import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { safeCell, toCsv } from "./csv";

describe("CSV export", () => {
  it("never lets a text cell start a formula, and reads back as the same text after the apostrophe", () => {
    for (const payload of ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) {
      expect(safeCell(payload)).toBe(`'${payload}`);
    }
    expect(safeCell("Maple Elementary")).toBe("Maple Elementary");
  });

  it("writes numbers as numbers, negative ones included, and empty cells for missing values", () => {
    expect(safeCell(-3.5)).toBe("-3.5");
    expect(safeCell(null)).toBe("");
    expect(safeCell(Number.NaN)).toBe("");
  });

  it("quotes commas, quotes and line breaks so the file parses back to the same cells", () => {
    const csv = toCsv(["school", "note"], [["Oak, North", 'said "hi"\nthen left'], ["=cmd", -1]]);
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
    expect(parsed).toEqual([
      ["school", "note"],
      ["Oak, North", 'said "hi"\nthen left'],
      ["'=cmd", "-1"],
    ]);
    expect(csv.split("\r\n")[0]).toBe("school,note");
  });
});
