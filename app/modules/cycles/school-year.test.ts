import { describe, expect, it } from "vitest";
import {
  checkpointIndex,
  checkpoints,
  defaultCheckpointDates,
  formatLongDate,
  isInSchoolYear,
  isIsoDate,
  parseSchoolYear,
  schoolYearBounds,
  schoolYearLabel,
  schoolYearOf,
  validateCheckpointDates,
} from "./school-year";

describe("schoolYearLabel", () => {
  it("writes the start year, an en dash and the next year's last two digits", () => {
    expect(schoolYearLabel(2026)).toBe("2026–27");
    expect(schoolYearLabel(2009)).toBe("2009–10");
  });

  it("keeps two digits across a century", () => {
    expect(schoolYearLabel(1999)).toBe("1999–00");
    expect(schoolYearLabel(2000)).toBe("2000–01");
    expect(schoolYearLabel(2099)).toBe("2099–00");
  });

  it("refuses a year that is not whole", () => {
    expect(() => schoolYearLabel(2026.5)).toThrow(RangeError);
    expect(() => schoolYearLabel(Number.NaN)).toThrow(RangeError);
  });
});

describe("parseSchoolYear", () => {
  it("reads the forms people type", () => {
    expect(parseSchoolYear("2026–27")).toBe(2026);
    expect(parseSchoolYear("2026-27")).toBe(2026);
    expect(parseSchoolYear("2026-2027")).toBe(2026);
    expect(parseSchoolYear("2026–2027")).toBe(2026);
    expect(parseSchoolYear(" 2026 – 27 ")).toBe(2026);
  });

  it("reads the century turn both ways", () => {
    expect(parseSchoolYear("1999–00")).toBe(1999);
    expect(parseSchoolYear("1999-2000")).toBe(1999);
    expect(parseSchoolYear("1999-99")).toBeNull();
    expect(parseSchoolYear("1999-1900")).toBeNull();
  });

  it("refuses a second part that is not the next year", () => {
    expect(parseSchoolYear("2026-28")).toBeNull();
    expect(parseSchoolYear("2026-26")).toBeNull();
    expect(parseSchoolYear("2026-2028")).toBeNull();
    expect(parseSchoolYear("2026-2026")).toBeNull();
  });

  it("refuses things that are not school years", () => {
    for (const text of ["", "2026", "26-27", "2026/27", "2026-7", "2026-027", "next year", "2026–27 extra"]) {
      expect(parseSchoolYear(text), text).toBeNull();
    }
  });

  it("reads back every label it writes", () => {
    for (const year of [1999, 2000, 2025, 2026, 2099]) expect(parseSchoolYear(schoolYearLabel(year))).toBe(year);
  });
});

describe("schoolYearBounds", () => {
  it("runs from July 1 to June 30 of the next year", () => {
    expect(schoolYearBounds(2026)).toEqual({ start: "2026-07-01", end: "2027-06-30" });
    expect(schoolYearBounds(1999)).toEqual({ start: "1999-07-01", end: "2000-06-30" });
  });
});

describe("isIsoDate", () => {
  it("accepts real dates only", () => {
    expect(isIsoDate("2027-06-30")).toBe(true);
    expect(isIsoDate("2028-02-29")).toBe(true);
    expect(isIsoDate("2027-02-29")).toBe(false);
    expect(isIsoDate("2027-02-30")).toBe(false);
    expect(isIsoDate("2027-13-01")).toBe(false);
    expect(isIsoDate("2027-00-10")).toBe(false);
    expect(isIsoDate("2027-04-00")).toBe(false);
    expect(isIsoDate("2027-4-1")).toBe(false);
    expect(isIsoDate("2027-04-01T00:00")).toBe(false);
    expect(isIsoDate(20270401)).toBe(false);
    expect(isIsoDate(null)).toBe(false);
  });
});

describe("schoolYearOf", () => {
  it("puts July to December in the year that starts then, January to June in the one before", () => {
    expect(schoolYearOf("2026-07-01")).toBe(2026);
    expect(schoolYearOf("2026-12-31")).toBe(2026);
    expect(schoolYearOf("2027-01-01")).toBe(2026);
    expect(schoolYearOf("2027-06-30")).toBe(2026);
    expect(schoolYearOf("2026-06-30")).toBe(2025);
    expect(schoolYearOf("2000-03-01")).toBe(1999);
  });

  it("refuses text that is not a date", () => {
    expect(() => schoolYearOf("2026-13-01")).toThrow(RangeError);
    expect(() => schoolYearOf("July 1")).toThrow(RangeError);
  });

  it("agrees with the bounds", () => {
    const { start, end } = schoolYearBounds(2026);
    expect(schoolYearOf(start)).toBe(2026);
    expect(schoolYearOf(end)).toBe(2026);
    expect(isInSchoolYear(start, 2026)).toBe(true);
    expect(isInSchoolYear(end, 2026)).toBe(true);
    expect(isInSchoolYear("2026-06-30", 2026)).toBe(false);
    expect(isInSchoolYear("2027-07-01", 2026)).toBe(false);
    expect(isInSchoolYear("not a date", 2026)).toBe(false);
  });
});

describe("checkpoints", () => {
  it("come in the order of the year", () => {
    expect(checkpoints).toEqual(["baseline", "midyear", "endyear"]);
    expect(checkpointIndex("baseline")).toBeLessThan(checkpointIndex("midyear"));
    expect(checkpointIndex("midyear")).toBeLessThan(checkpointIndex("endyear"));
  });
});

describe("defaultCheckpointDates", () => {
  it("sets October 1, January 31 and May 31", () => {
    expect(defaultCheckpointDates(2026)).toEqual({ baseline: "2026-10-01", midyear: "2027-01-31", endyear: "2027-05-31" });
    expect(defaultCheckpointDates(1999)).toEqual({ baseline: "1999-10-01", midyear: "2000-01-31", endyear: "2000-05-31" });
  });

  it("always passes its own validation", () => {
    for (const year of [1999, 2026, 2027, 2099]) expect(validateCheckpointDates(defaultCheckpointDates(year), year)).toEqual([]);
  });
});

describe("formatLongDate", () => {
  it("writes the month in words without a leading zero on the day", () => {
    expect(formatLongDate("2026-07-01")).toBe("July 1, 2026");
    expect(formatLongDate("2027-12-25")).toBe("December 25, 2027");
  });
});

describe("validateCheckpointDates", () => {
  const year = 2026;

  it("accepts the first and last day of the year", () => {
    expect(validateCheckpointDates({ baseline: "2026-07-01", midyear: "2027-01-15", endyear: "2027-06-30" }, year)).toEqual([]);
  });

  it("asks for a date that is missing or blank", () => {
    expect(validateCheckpointDates({ baseline: "2026-10-01", midyear: "  ", endyear: "2027-05-31" }, year)).toEqual([
      { field: "midyear", message: "Enter a date for the mid-year checkpoint." },
    ]);
    expect(validateCheckpointDates({}, year).map((p) => p.field)).toEqual(["baseline", "midyear", "endyear"]);
  });

  it("explains a date that is not a date", () => {
    const problems = validateCheckpointDates({ baseline: "2026-02-30", midyear: "2027-01-31", endyear: "2027-05-31" }, year);
    expect(problems).toEqual([{ field: "baseline", message: "The baseline date is not a date; write it as YYYY-MM-DD." }]);
  });

  it("keeps each date inside the school year and says which year that is", () => {
    const problems = validateCheckpointDates({ baseline: "2026-06-30", midyear: "2027-01-31", endyear: "2027-07-01" }, year);
    expect(problems).toEqual([
      { field: "baseline", message: "The baseline must fall within the 2026–27 school year (July 1, 2026 to June 30, 2027)." },
      { field: "endyear", message: "The end-of-year checkpoint must fall within the 2026–27 school year (July 1, 2026 to June 30, 2027)." },
    ]);
  });

  it("wants the checkpoints strictly in order", () => {
    expect(validateCheckpointDates({ baseline: "2026-10-01", midyear: "2026-10-01", endyear: "2027-05-31" }, year)).toEqual([
      { field: "midyear", message: "The mid-year checkpoint must come after the baseline." },
    ]);
    expect(validateCheckpointDates({ baseline: "2026-10-01", midyear: "2027-01-31", endyear: "2027-01-30" }, year)).toEqual([
      { field: "endyear", message: "The end-of-year checkpoint must come after the mid-year checkpoint." },
    ]);
  });

  it("compares the end of year with the baseline when the mid-year date is unusable", () => {
    expect(validateCheckpointDates({ baseline: "2027-03-01", midyear: "2026-09-01", endyear: "2027-02-01" }, year)).toEqual([
      { field: "midyear", message: "The mid-year checkpoint must come after the baseline." },
      { field: "endyear", message: "The end-of-year checkpoint must come after the baseline." },
    ]);
    expect(validateCheckpointDates({ baseline: "2026-10-01", midyear: "soon", endyear: "2027-05-31" }, year).map((p) => p.field)).toEqual([
      "midyear",
    ]);
  });

  it("judges dates against the cycle's own year", () => {
    const dates = defaultCheckpointDates(2026);
    expect(validateCheckpointDates(dates, 2027).map((p) => p.field)).toEqual(["baseline", "midyear", "endyear"]);
  });
});
