// The pure import pipeline on tricky files: encodings, quoting, blank rows, every kind of bad row, and 100 000 rows.
import { describe, expect, it } from "vitest";
import { decodeUpload, guessMapping, isTemplateLayout, parseCsv, readCsvInPieces, slicesOf, templateRows, validateRecords, type ImportLookups, type ParsedCsv } from "./import";

const lookups: ImportLookups = {
  schools: [
    { id: "s-maple", name: "Maple Elementary" },
    { id: "s-cedar", name: "Cedar  High School" },
    { id: "s-accent", name: "Académie Laurier" },
  ],
  groups: [
    { id: "g-all", slug: "all", name: "All students" },
    { id: "g-el", slug: "english-learners", name: "English learners" },
    { id: "g-own", slug: "newcomers", name: "Newcomers" },
  ],
  measures: [
    { id: "m-pct", slug: "sel-self-management-favourable", name: "Self-management (% favourable)", unit: "percent", scaleMin: 0, scaleMax: 100 },
    { id: "m-mean", slug: "sel-self-management-mean", name: "Self-management (mean score)", unit: "mean", scaleMin: 1, scaleMax: 5 },
  ],
};

const HEADER = "school,school_year,term,grade,student_group,measure,n,value";
const utf8 = (s: string) => new TextEncoder().encode(s);

function parse(text: string): ParsedCsv {
  const result = parseCsv(text);
  if (!result.ok) throw new Error(result.error);
  return result;
}

function validate(text: string) {
  const parsed = parse(text);
  return validateRecords(parsed, guessMapping(parsed.headers), lookups);
}

describe("decoding uploads", () => {
  it("drops a UTF-8 byte-order mark so the first heading is still found", () => {
    const decoded = decodeUpload(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(`${HEADER}\r\nMaple Elementary,2026-27,fall,all,all,sel-self-management-mean,30,3.4\r\n`)]));
    expect(decoded).toMatchObject({ ok: true, encoding: "utf-8" });
    const parsed = parse((decoded as { text: string }).text);
    expect(parsed.headers[0]).toBe("school");
    expect(guessMapping(parsed.headers).school).toBe(0);
  });

  it("reads UTF-16 with its byte-order mark, as Excel's “Unicode text” saves it", () => {
    const text = `${HEADER}\nAcadémie Laurier,2026-27,fall,all,all,sel-self-management-mean,30,3.4\n`;
    const le = new Uint8Array(2 + text.length * 2);
    le[0] = 0xff;
    le[1] = 0xfe;
    for (let i = 0; i < text.length; i++) {
      le[2 + i * 2] = text.charCodeAt(i) & 0xff;
      le[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    const decoded = decodeUpload(le);
    expect(decoded).toMatchObject({ ok: true, encoding: "utf-16le" });
    const result = validate((decoded as { text: string }).text);
    expect(result.errors).toEqual([]);
    expect(result.rows[0].schoolId).toBe("s-accent");
  });

  it("reads a Latin-1 / Windows-1252 file so accented school names still match", () => {
    const text = `${HEADER}\nAcadémie Laurier,2026-27,fall,all,all,sel-self-management-mean,30,3.4\n`;
    const bytes = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
    const decoded = decodeUpload(bytes);
    expect(decoded).toMatchObject({ ok: true, encoding: "windows-1252" });
    expect(validate((decoded as { text: string }).text).rows[0].schoolId).toBe("s-accent");
  });

  it("refuses UTF-16 without a mark, workbooks and empty files with a message saying what to do", () => {
    const noBom = new Uint8Array([0x73, 0x00, 0x63, 0x00, 0x68, 0x00]);
    expect(decodeUpload(noBom)).toMatchObject({ ok: false, error: expect.stringContaining("CSV (UTF-8)") });
    expect(decodeUpload(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]))).toMatchObject({ ok: false, error: expect.stringContaining(".xlsx") });
    expect(decodeUpload(new Uint8Array())).toEqual({ ok: false, error: "The file is empty." });
  });
});

describe("parsing", () => {
  it("keeps commas and newlines inside quoted cells, reads CRLF, skips blank rows and numbers rows as a spreadsheet does", () => {
    const text = [
      HEADER,
      "",
      '"Maple Elementary",2026-27,fall,all,"All students",sel-self-management-mean,30,3.4',
      "   ,  ,",
      '"Cedar ""High""\nAnnex, North",2026-27,fall,all,all,sel-self-management-mean,30,3.5',
      "Maple Elementary,2026-27,spring,all,all,sel-self-management-mean,31,3.6",
      "",
      "",
    ].join("\r\n");
    const parsed = parse(text);
    expect(parsed.records.map((r) => r.row)).toEqual([3, 5, 6]);
    expect(parsed.records[1].cells[0]).toBe('Cedar "High"\nAnnex, North');
    const result = validateRecords(parsed, guessMapping(parsed.headers), lookups);
    expect(result.errors).toEqual([
      { row: 5, field: "school", column: "school", reason: 'Unknown school “Cedar "High"\nAnnex, North”: no school of that name in this district.' },
    ]);
    expect(result.rows.map((r) => r.row)).toEqual([3, 6]);
  });

  it("says so when a quote never closes or the columns cannot be told apart, and reads semicolon files as Excel saves them in Europe", () => {
    expect(parseCsv(`${HEADER}\n"Maple,2026-27,fall\n`)).toMatchObject({ ok: false, error: expect.stringContaining("never closes") });
    expect(parseCsv("school school_year term\nMaple 2026-27 fall\n")).toMatchObject({ ok: false, error: expect.stringContaining("only one column") });
    expect(parseCsv("school;school_year;term\nMaple;2026-27;fall\n")).toMatchObject({ ok: true, headers: ["school", "school_year", "term"] });
    expect(parseCsv("\n\n  \n")).toEqual({ ok: false, error: "The file has no rows." });
  });
});

describe("guessing the column mapping", () => {
  it("matches other headings forgivingly and each heading once", () => {
    const headers = ["School Name", "School Year", "Survey Window", "Grade Level", "Subgroup", "Indicator", "N", "pct_favorable"];
    expect(guessMapping(headers)).toEqual({ school: 0, school_year: 1, term: 2, grade: 3, student_group: 4, measure: 5, n: 6, value: 7 });
    expect(guessMapping(["site", "year", "term", "grade", "group", "metric", "count", "value"])).toMatchObject({ school: 0, n: 6, value: 7 });
  });

  it("leaves a field unmapped when nothing fits, and knows the template's own layout", () => {
    const mapping = guessMapping(["school", "school_year", "term", "grade", "student_group", "measure", "value"]);
    expect(mapping.n).toBeNull();
    expect(isTemplateLayout(HEADER.split(","), guessMapping(HEADER.split(",")))).toBe(true);
    expect(isTemplateLayout(["School Name", ...HEADER.split(",").slice(1)], guessMapping(["School Name", ...HEADER.split(",").slice(1)]))).toBe(false);
  });
});

describe("validating rows", () => {
  it("matches schools, groups and measures by name or short name, whatever the case and spacing", () => {
    const result = validate(
      [
        HEADER,
        "  maple ELEMENTARY ,2026-27,Fall,all,english learners,self-management (mean score),30,3.4",
        "cedar high school,2026–2027,WINTER,Grade 3,Newcomers,SEL-SELF-MANAGEMENT-FAVOURABLE,12,72.5%",
        "district,2026-27,year,k,all,sel-self-management-mean,400,4",
        ",2026-27,spring,07,all,sel-self-management-mean,400,1",
      ].join("\n"),
    );
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => [r.schoolId, r.startYear, r.term, r.grade, r.studentGroupId, r.measureId, r.n, r.value])).toEqual([
      ["s-maple", 2026, "fall", "all", "g-el", "m-mean", 30, 3.4],
      ["s-cedar", 2026, "winter", "3", "g-own", "m-pct", 12, 72.5],
      [null, 2026, "year", "K", "g-all", "m-mean", 400, 4],
      [null, 2026, "spring", "7", "g-all", "m-mean", 400, 1],
    ]);
  });

  it("reports every problem with its row, column and reason, and keeps no bad row", () => {
    const result = validate(
      [
        HEADER,
        "Oak Middle,2026-27,fall,all,all,sel-self-management-mean,30,3.4",
        "Maple Elementary,2026,fall,all,all,sel-self-management-mean,30,3.4",
        "Maple Elementary,2026-28,fall,all,all,sel-self-management-mean,30,3.4",
        "Maple Elementary,2026-27,summer,all,all,sel-self-management-mean,30,3.4",
        "Maple Elementary,2026-27,fall,13,all,sel-self-management-mean,30,3.4",
        "Maple Elementary,2026-27,fall,all,Left-handed,sel-self-management-mean,30,3.4",
        "Maple Elementary,2026-27,fall,all,all,happiness,30,3.4",
        "Maple Elementary,2026-27,fall,all,all,sel-self-management-mean,30,5.5",
        "Maple Elementary,2026-27,fall,all,all,sel-self-management-favourable,30,-1",
        "Maple Elementary,2026-27,fall,all,all,sel-self-management-mean,12.5,3",
        "Maple Elementary,2026-27,fall,all,all,sel-self-management-mean,-4,3",
        "Maple Elementary,2026-27,fall,all,all,sel-self-management-mean,30,n/a",
        "Maple Elementary,2026-27,fall,3,all,sel-self-management-mean,30,3",
        "maple elementary,2026-27,FALL,3,All students,sel-self-management-mean,31,3.1",
        "Maple Elementary,2026-27,fall,all,all,sel-self-management-mean,,",
        "Maple Elementary,2026-27,fall,all,all,sel-self-management-mean,1e3,3",
      ].join("\n"),
    );
    const byRow = result.errors.map((e) => [e.row, e.column, e.reason]);
    expect(byRow).toEqual([
      [2, "school", "Unknown school “Oak Middle”: no school of that name in this district."],
      [3, "school_year", "“2026” is not a school year; write it like 2026-27."],
      [4, "school_year", "“2026-28” is not a school year; write it like 2026-27."],
      [5, "term", "Unknown term “summer”: use fall, winter, spring or year."],
      [6, "grade", "Grade “13” is not allowed: use all, K or 1 to 12."],
      [7, "student_group", "Unknown student group “Left-handed”."],
      [8, "measure", "Unknown measure “happiness”."],
      [9, "value", "Value 5.5 is outside the scale of “Self-management (mean score)” (1 to 5)."],
      [10, "value", "Value -1 is outside the scale of “Self-management (% favourable)” (0 to 100)."],
      [11, "n", "n “12.5” is not a whole number."],
      [12, "n", "n “-4” is negative; it counts students."],
      [13, "value", "Value “n/a” is not a number."],
      [15, "", "Duplicate of row 14: the same school, year, term, grade, student group and measure."],
      [16, "n", "The number of students is missing."],
      [16, "value", "The value is missing."],
      [17, "n", "n “1e3” is not a whole number."],
    ]);
    expect(result.rows.map((r) => r.row)).toEqual([14]);
    expect(result.total).toBe(16);
    expect(result.badRows).toBe(15);
  });

  it("reports a missing column once, at the header row, instead of an error on every row", () => {
    const text = "school,school_year,term,grade,student_group,measure,value\nMaple Elementary,2026-27,fall,all,all,sel-self-management-mean,3\n";
    const parsed = parse(text);
    const result = validateRecords(parsed, guessMapping(parsed.headers), lookups);
    expect(result.errors).toEqual([{ row: 1, field: "n", column: "", reason: "No column is chosen for number of students (n); the file needs one." }]);
    expect(result.rows).toEqual([]);
  });

  it("reads a short row's missing cells as empty", () => {
    const result = validate(`${HEADER}\nMaple Elementary,2026-27,fall,all,all\n`);
    expect(result.errors.map((e) => e.field)).toEqual(["measure", "n", "value"]);
  });
});

describe("slices and templates", () => {
  it("groups rows into the slices an import replaces", () => {
    const result = validate(
      [
        HEADER,
        "Maple Elementary,2026-27,fall,all,all,sel-self-management-mean,30,3.4",
        "Maple Elementary,2026-27,fall,3,all,sel-self-management-mean,30,3.4",
        "Maple Elementary,2026-27,spring,all,all,sel-self-management-mean,30,3.4",
        "district,2026-27,fall,all,all,sel-self-management-mean,30,3.4",
      ].join("\n"),
    );
    expect(slicesOf(result.rows).map((s) => [s.schoolId, s.term, s.rows])).toEqual([
      ["s-maple", "fall", 2],
      ["s-maple", "spring", 1],
      [null, "fall", 1],
    ]);
  });

  it("a measure's template validates cleanly against the same district", () => {
    const rows = templateRows(lookups.measures[1], 2026, ["Maple Elementary", "Cedar High School"]);
    const result = validate([HEADER, ...rows.map((r) => r.join(","))].join("\n"));
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(6);
    expect(result.rows.every((r) => r.measureId === "m-mean" && r.value >= 1 && r.value <= 5)).toBe(true);
  });
});

describe("a large file", () => {
  it("parses and validates 100 000 rows", () => {
    const lines = [HEADER];
    const grades = ["all", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
    let i = 0;
    outer: for (let year = 2000; ; year++) {
      for (const term of ["fall", "winter", "spring", "year"]) {
        for (const school of ["Maple Elementary", "Cedar High School", "Académie Laurier", "district"]) {
          for (const grade of grades) {
            for (const group of ["all", "english-learners", "newcomers"]) {
              for (const measure of ["sel-self-management-mean", "sel-self-management-favourable"]) {
                lines.push(`${school},${year}-${String((year + 1) % 100).padStart(2, "0")},${term},${grade},${group},${measure},${20 + (i % 50)},${measure.endsWith("mean") ? 3 : 60}`);
                if (++i === 100_000) break outer;
              }
            }
          }
        }
      }
    }
    const decoded = decodeUpload(utf8(lines.join("\r\n")));
    const parsed = parse((decoded as { text: string }).text);
    expect(parsed.records).toHaveLength(100_000);
    const result = validateRecords(parsed, guessMapping(parsed.headers), lookups);
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(100_000);
    expect(result.rows[99_999].row).toBe(100_001);
  });
});

describe("reading a file in pieces", () => {
  /** Every piece's records joined, as one parse result, for comparing with `parseCsv`. */
  function joined(text: string, pieceChars: number) {
    const records: ParsedCsv["records"] = [];
    let headers: string[] = [];
    let pieces = 0;
    for (const piece of readCsvInPieces(text, pieceChars)) {
      if (!piece.ok) return { ok: false as const, error: piece.error };
      headers = piece.headers;
      records.push(...piece.records);
      pieces++;
    }
    return { ok: true as const, headers, records, pieces };
  }

  const files = {
    quotedLineBreaks: 'school,n,note\r\nMaple,3,"two\r\nlines, and a comma"\r\n\r\nCedar,4,"say ""hi""\r\nthere"\r\nOak,5,x\r\n',
    semicolons: "\uFEFFschool;n;value\n\nMaple;3;72,5\n\n\nCedar;4;\"a;b\"\n",
    strayQuote: 'school,n,note\nMaple,5"7,"a\nb"\nCedar,4,"c\nd"\n',
    blankStart: "\n\n\nschool,n\nMaple,1\nCedar,2",
    unclosed: 'school,n\nMaple,1\nCedar,"2\nOak,3\n',
    oneColumn: "school\nMaple\n",
    onlyBlank: "\n\n\n",
  };

  it.each(Object.entries(files))("gives parseCsv's rows, row numbers and errors whatever the piece size (%s)", (_name, text) => {
    const whole = parseCsv(text);
    for (const size of [1, 5, 11, 64, 1 << 20]) {
      const pieces = joined(text, size);
      if (!whole.ok) {
        expect(pieces).toEqual({ ok: false, error: whole.error });
        continue;
      }
      expect(pieces.ok).toBe(true);
      if (!pieces.ok) continue;
      expect({ headers: pieces.headers, records: pieces.records }).toEqual({ headers: whole.headers, records: whole.records });
      if (size === 1 && whole.records.length > 1) expect(pieces.pieces).toBeGreaterThan(1);
    }
  });

  it("reads 100 000 rows in pieces of bounded size with the same result as one parse", () => {
    const lines = ["school,school_year,term,grade,student_group,measure,n,value"];
    for (let i = 0; i < 100_000; i++) lines.push(`Maple Elementary,2026-27,fall,${(i % 12) + 1},all,m-${i},${i % 300},"${i % 4}.5"`);
    const text = lines.join("\r\n");
    let count = 0;
    let pieces = 0;
    let largest = 0;
    let lastRow = 1;
    let inOrder = true;
    for (const piece of readCsvInPieces(text, 64 * 1024)) {
      if (!piece.ok) throw new Error(piece.error);
      pieces++;
      count += piece.records.length;
      largest = Math.max(largest, piece.records.length);
      for (const r of piece.records) {
        inOrder &&= r.row === lastRow + 1;
        lastRow = r.row;
      }
    }
    expect(count).toBe(100_000);
    expect(inOrder).toBe(true);
    expect(lastRow).toBe(100_001);
    expect(pieces).toBeGreaterThan(50);
    expect(largest).toBeLessThan(2_000);
  });
});
