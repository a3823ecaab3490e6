import { describe, expect, it } from "vitest";
import { carriesForward, carriesStrategies, goalDecisions, nextCheckpoint, nextSteps, phaseForDate, sameDayNextYear, suggestedDecision, type NextStepInput } from "./lifecycle";

const dates = { baseline: "2026-10-01", midyear: "2027-01-29", endyear: "2027-05-28" };

describe("year-end decisions", () => {
  it("suggests sustaining a met goal, new strategies where nothing moved, and revising the rest", () => {
    expect(suggestedDecision("met")).toBe("sustain");
    for (const status of ["not_met", "worsening", "flat"] as const) expect(suggestedDecision(status)).toBe("new_strategies");
    for (const status of ["on_track", "not_started", "no_data", "improving"] as const) expect(suggestedDecision(status)).toBe("revise");
  });

  it("carries every goal but a change of focus, and its strategies only when sustained or revised", () => {
    expect(goalDecisions.filter(carriesForward)).toEqual(["sustain", "new_strategies", "revise"]);
    expect(goalDecisions.filter(carriesStrategies)).toEqual(["sustain", "revise"]);
  });
});

describe("sameDayNextYear", () => {
  it("moves a date one year on, keeping month and day", () => {
    expect(sameDayNextYear("2026-11-15")).toBe("2027-11-15");
    expect(sameDayNextYear("2027-06-30")).toBe("2028-06-30");
  });
  it("turns 29 February into 28 February and keeps null", () => {
    expect(sameDayNextYear("2028-02-29")).toBe("2029-02-28");
    expect(sameDayNextYear(null)).toBeNull();
  });
  it("refuses what is not an ISO date", () => {
    expect(() => sameDayNextYear("15/11/2026")).toThrow(/YYYY-MM-DD/);
  });
});

describe("phase and checkpoint from the calendar", () => {
  it("organises before the baseline, implements until the end of year, then improves", () => {
    expect(phaseForDate("2026-08-20", dates)).toBe("organize");
    expect(phaseForDate("2026-10-01", dates)).toBe("implement");
    expect(phaseForDate("2027-05-27", dates)).toBe("implement");
    expect(phaseForDate("2027-05-28", dates)).toBe("improve");
  });
  it("finds the next checkpoint on or after today", () => {
    expect(nextCheckpoint("2026-09-01", dates)).toBe("baseline");
    expect(nextCheckpoint("2027-01-29", dates)).toBe("midyear");
    expect(nextCheckpoint("2027-06-01", dates)).toBeNull();
  });
});

describe("nextSteps", () => {
  const base: NextStepInput = {
    today: "2026-11-23",
    status: "active",
    phase: "implement",
    startYear: 2026,
    isDistrict: true,
    canEdit: true,
    dates,
    itemCount: 16,
    scoredCount: { baseline: 16, midyear: 0, endyear: 0 },
    goalCount: 3,
    goalsWithoutStrategies: 0,
    undecidedGoals: 3,
    overdueStrategies: 0,
  };
  const ids = (input: Partial<NextStepInput>) => nextSteps({ ...base, ...input }).map((s) => s.id);

  it("points to the next checkpoint and how much is left to score", () => {
    const steps = nextSteps(base);
    expect(steps.map((s) => s.id)).toEqual(["score"]);
    expect(steps[0].text).toBe("The mid-year checkpoint is on January 29, 2027: 16 rubric items are not scored yet.");
  });

  it("prefers a passed checkpoint that is still incomplete", () => {
    const steps = nextSteps({ ...base, scoredCount: { baseline: 15, midyear: 0, endyear: 0 } });
    expect(steps.find((s) => s.id === "score")!.text).toBe("The baseline checkpoint was on October 1, 2026: 1 rubric item is not scored yet.");
  });

  it("asks for goals, strategies and a start while the cycle is planned", () => {
    expect(ids({ status: "planning", phase: "organize", today: "2026-08-01", goalCount: 0, scoredCount: { baseline: 0, midyear: 0, endyear: 0 } })).toEqual([
      "start",
      "add-goals",
      "score",
    ]);
    expect(ids({ goalsWithoutStrategies: 2, overdueStrategies: 1 })).toEqual(["add-strategies", "overdue", "score"]);
  });

  it("suggests moving the phase on when the calendar is ahead of it", () => {
    expect(ids({ phase: "organize" })).toContain("phase");
    expect(ids({ phase: "implement" })).not.toContain("phase");
  });

  it("after the end of year asks for decisions and, at the district, the launch of next year", () => {
    const late = { today: "2027-06-03", scoredCount: { baseline: 16, midyear: 16, endyear: 16 } };
    const steps = nextSteps({ ...base, ...late });
    expect(steps.map((s) => s.id)).toEqual(["phase", "decide", "launch"]);
    expect(steps[1].text).toContain("2027–28: 3 goals have no decision yet");
    expect(ids({ ...late, isDistrict: false })).toEqual(["phase", "decide"]);
    expect(ids({ ...late, undecidedGoals: 0 })).toEqual(["phase", "launch"]);
  });

  it("shows readers the state of the year without prompts they cannot act on", () => {
    expect(ids({ canEdit: false, goalCount: 0, overdueStrategies: 2, status: "planning" })).toEqual(["overdue", "score"]);
  });

  it("says only that a closed cycle is read-only", () => {
    expect(ids({ status: "closed", overdueStrategies: 4 })).toEqual(["closed"]);
  });
});
