import { describe, expect, it } from "vitest";
import { isTimeZone, localDate, timeZoneChoices, todayFor } from "./time-zone";

describe("a district's today", () => {
  // 2026-12-01 02:30 UTC: still November 30 in the Americas, already December 1 in Europe and the Pacific.
  const lateEvening = new Date("2026-12-01T02:30:00Z");

  it("is the calendar day where the district is, not in UTC", () => {
    expect(localDate(lateEvening, "UTC")).toBe("2026-12-01");
    expect(localDate(lateEvening, "America/New_York")).toBe("2026-11-30");
    expect(localDate(lateEvening, "America/Los_Angeles")).toBe("2026-11-30");
    expect(localDate(lateEvening, "Pacific/Auckland")).toBe("2026-12-01");
    expect(localDate(new Date("2026-11-30T11:30:00Z"), "Pacific/Auckland")).toBe("2026-12-01");
    expect(todayFor({ timeZone: "America/Chicago" }, lateEvening)).toBe("2026-11-30");
  });

  it("follows daylight saving time", () => {
    // New York is UTC−4 in summer and UTC−5 in winter: 03:30 UTC is the previous day in both, 04:30 only in winter.
    expect(localDate(new Date("2026-07-01T03:30:00Z"), "America/New_York")).toBe("2026-06-30");
    expect(localDate(new Date("2026-07-01T04:30:00Z"), "America/New_York")).toBe("2026-07-01");
    expect(localDate(new Date("2026-01-15T04:30:00Z"), "America/New_York")).toBe("2026-01-14");
  });

  it("knows real zones only, and reads an unknown one as UTC", () => {
    expect(isTimeZone("America/Chicago")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
    expect(isTimeZone(42)).toBe(false);
    expect(localDate(lateEvening, "Mars/Olympus_Mons")).toBe("2026-12-01");
    expect(timeZoneChoices()).toEqual(expect.arrayContaining(["UTC", "America/Chicago", "Europe/Madrid"]));
  });
});
