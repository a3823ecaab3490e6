import { describe, expect, it } from "vitest";
import {
  absencePercent,
  defaultThresholds,
  isChronicallyAbsent,
  mondayOf,
  newSignals,
  signalsFor,
  startYearOf,
  summariseWeek,
  termOf,
  type WeekFigures,
  type WeekSummary,
} from "./indicators";

const calm: WeekSummary = { daysEnrolled: 40, daysAbsent: 1, coursesFailing: 0, recentIncidents: 0, latestSel: 3.8, latestTrustedAdult: true };

function week(weekOf: string, figures: Partial<WeekFigures> = {}): WeekFigures {
  return { weekOf, daysEnrolled: 20, daysAbsent: 0, coursesFailing: 0, behaviourIncidents: 0, selScore: null, trustedAdult: null, ...figures };
}

describe("chronic absence", () => {
  it("flags exactly 10 % of enrolled days, not 9.9 %", () => {
    expect(isChronicallyAbsent({ daysEnrolled: 30, daysAbsent: 3 }, defaultThresholds)).toBe(true);
    expect(isChronicallyAbsent({ daysEnrolled: 31, daysAbsent: 3 }, defaultThresholds)).toBe(false);
  });

  it("says nothing before the first enrolled day", () => {
    expect(absencePercent({ daysEnrolled: 0, daysAbsent: 0 })).toBeNull();
    expect(isChronicallyAbsent({ daysEnrolled: 0, daysAbsent: 0 }, defaultThresholds)).toBe(false);
  });

  it("follows the district's threshold", () => {
    expect(isChronicallyAbsent({ daysEnrolled: 100, daysAbsent: 12 }, { ...defaultThresholds, absencePercent: 15 })).toBe(false);
    expect(isChronicallyAbsent({ daysEnrolled: 100, daysAbsent: 15 }, { ...defaultThresholds, absencePercent: 15 })).toBe(true);
  });
});

describe("signals", () => {
  it("raises nothing for a student who is doing fine", () => {
    expect(signalsFor(calm, defaultThresholds)).toEqual([]);
  });

  it("raises every signal, in a fixed order, for a student struggling on every front", () => {
    const struggling = { daysEnrolled: 40, daysAbsent: 8, coursesFailing: 2, recentIncidents: 3, latestSel: 2.1, latestTrustedAdult: false };
    expect(signalsFor(struggling, defaultThresholds)).toEqual(["chronic_absence", "failing", "behaviour", "sel", "no_trusted_adult"]);
  });

  it("counts behaviour above the threshold only, and SEL strictly below the benchmark", () => {
    expect(signalsFor({ ...calm, recentIncidents: 2 }, defaultThresholds)).toEqual([]);
    expect(signalsFor({ ...calm, recentIncidents: 3 }, defaultThresholds)).toEqual(["behaviour"]);
    expect(signalsFor({ ...calm, latestSel: 3 }, defaultThresholds)).toEqual([]);
    expect(signalsFor({ ...calm, latestSel: 2.99 }, defaultThresholds)).toEqual(["sel"]);
  });

  it("does not read a missing SEL score or connectedness answer as a bad one", () => {
    expect(signalsFor({ ...calm, latestSel: null, latestTrustedAdult: null }, defaultThresholds)).toEqual([]);
  });

  it("uses a district's stricter course rule", () => {
    expect(signalsFor({ ...calm, coursesFailing: 1 }, { ...defaultThresholds, failingCourses: 2 })).toEqual([]);
    expect(signalsFor({ ...calm, coursesFailing: 2 }, { ...defaultThresholds, failingCourses: 2 })).toEqual(["failing"]);
  });

  it("finds the signals new this week", () => {
    expect(newSignals(["chronic_absence", "sel"], ["sel"])).toEqual(["chronic_absence"]);
    expect(newSignals(["sel"], ["sel", "failing"])).toEqual([]);
  });
});

describe("summariseWeek", () => {
  const weeks = [
    week("2026-09-07", { daysEnrolled: 5, daysAbsent: 0, selScore: 2.5, trustedAdult: false, behaviourIncidents: 1 }),
    week("2026-09-14", { daysEnrolled: 10, daysAbsent: 1, behaviourIncidents: 1 }),
    week("2026-09-21", { daysEnrolled: 15, daysAbsent: 2 }),
    week("2026-09-28", { daysEnrolled: 20, daysAbsent: 2, behaviourIncidents: 1, coursesFailing: 1 }),
    week("2026-10-05", { daysEnrolled: 25, daysAbsent: 2, selScore: 3.4, trustedAdult: true, behaviourIncidents: 2 }),
  ];

  it("takes the latest week on or before the date, whatever the order", () => {
    const summary = summariseWeek([...weeks].reverse(), "2026-09-30");
    expect(summary).toMatchObject({ weekOf: "2026-09-28", daysEnrolled: 20, daysAbsent: 2, coursesFailing: 1 });
  });

  it("adds up incidents of the last four weeks only", () => {
    // 09-14, 09-21, 09-28 and 10-05 are in the window ending 10-05; 09-07 is not.
    expect(summariseWeek(weeks, "2026-10-05")?.recentIncidents).toBe(4);
    expect(summariseWeek(weeks, "2026-09-28")?.recentIncidents).toBe(3);
  });

  it("carries the latest SEL score and connectedness answer forward", () => {
    expect(summariseWeek(weeks, "2026-09-28")).toMatchObject({ latestSel: 2.5, latestTrustedAdult: false });
    expect(summariseWeek(weeks, "2026-10-05")).toMatchObject({ latestSel: 3.4, latestTrustedAdult: true });
  });

  it("is null before the first week", () => {
    expect(summariseWeek(weeks, "2026-09-01")).toBeNull();
    expect(summariseWeek([], "2026-09-01")).toBeNull();
  });

  it("raises the flags a meeting would see week by week", () => {
    const at = (d: string) => signalsFor(summariseWeek(weeks, d)!, defaultThresholds);
    expect(at("2026-09-07")).toEqual(["sel", "no_trusted_adult"]);
    expect(at("2026-09-14")).toEqual(["chronic_absence", "sel", "no_trusted_adult"]);
    expect(at("2026-09-28")).toEqual(["chronic_absence", "failing", "behaviour", "sel", "no_trusted_adult"]);
    // Courses are as of the week: passing again clears the signal; the fifth week's answers clear SEL and connectedness.
    expect(at("2026-10-05")).toEqual(["behaviour"]);
  });
});

describe("calendar", () => {
  it("finds the Monday of a week", () => {
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(mondayOf("2026-12-06")).toBe("2026-11-30");
    expect(mondayOf("2026-12-02")).toBe("2026-11-30");
  });

  it("places dates in school years and terms", () => {
    expect(startYearOf("2026-08-24")).toBe(2026);
    expect(startYearOf("2027-05-31")).toBe(2026);
    expect(termOf("2026-10-05")).toBe("fall");
    expect(termOf("2027-01-11")).toBe("winter");
    expect(termOf("2027-04-12")).toBe("spring");
  });
});
