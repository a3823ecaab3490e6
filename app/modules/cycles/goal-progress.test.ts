import { describe, expect, it } from "vitest";
import { goalStatusLabel, implementationProgress, improves, outcomeProgress, type GoalStatus, type MeasureValue } from "./goal-progress";

describe("improves", () => {
  it("follows the measure's direction and treats no change as no improvement", () => {
    expect(improves("higher_is_better", 60, 70)).toBe(true);
    expect(improves("higher_is_better", 70, 60)).toBe(false);
    expect(improves("lower_is_better", 12, 8)).toBe(true);
    expect(improves("lower_is_better", 8, 12)).toBe(false);
    expect(improves("higher_is_better", 5, 5)).toBe(false);
    expect(improves("lower_is_better", 5, 5)).toBe(false);
  });
});

describe("implementationProgress", () => {
  const goal = { targetLevel: 3, targetCheckpoint: "endyear" as const, baselineLevel: 1 };

  it("has no data before the first score", () => {
    expect(implementationProgress({ ...goal, scores: [] })).toEqual({ status: "no_data", latestLevel: null, latestCheckpoint: null, fraction: 0 });
  });

  it("is not started while the level has not risen above the baseline", () => {
    const progress = implementationProgress({ ...goal, scores: [{ checkpoint: "baseline", level: 1 }] });
    expect(progress).toEqual({ status: "not_started", latestLevel: 1, latestCheckpoint: "baseline", fraction: 0 });
  });

  it("is on track, part of the way, once the level rises above the baseline", () => {
    const progress = implementationProgress({
      ...goal,
      scores: [
        { checkpoint: "midyear", level: 2 },
        { checkpoint: "baseline", level: 1 },
      ],
    });
    expect(progress).toEqual({ status: "on_track", latestLevel: 2, latestCheckpoint: "midyear", fraction: 0.5 });
  });

  it("is met when a score by the target checkpoint reaches the level, and stays met if it later slips", () => {
    expect(implementationProgress({ ...goal, scores: [{ checkpoint: "endyear", level: 3 }] })).toMatchObject({ status: "met", fraction: 1 });
    expect(implementationProgress({ ...goal, scores: [{ checkpoint: "endyear", level: 4 }] })).toMatchObject({ status: "met", latestLevel: 4 });
    const slipped = implementationProgress({
      ...goal,
      targetCheckpoint: "midyear",
      scores: [
        { checkpoint: "midyear", level: 3 },
        { checkpoint: "endyear", level: 2 },
      ],
    });
    expect(slipped).toEqual({ status: "met", latestLevel: 2, latestCheckpoint: "endyear", fraction: 1 });
  });

  it("is met early when an earlier checkpoint already reaches the level", () => {
    const early = implementationProgress({ ...goal, scores: [{ checkpoint: "midyear", level: 3 }] });
    expect(early).toMatchObject({ status: "met", latestCheckpoint: "midyear" });
  });

  it("is not met when the target checkpoint is scored below the level", () => {
    const progress = implementationProgress({
      ...goal,
      scores: [
        { checkpoint: "baseline", level: 1 },
        { checkpoint: "endyear", level: 2 },
      ],
    });
    expect(progress).toEqual({ status: "not_met", latestLevel: 2, latestCheckpoint: "endyear", fraction: 0.5 });
  });

  it("stays not met when the level is reached after the target checkpoint, and judges the bar at the deadline", () => {
    const late = implementationProgress({
      targetLevel: 3,
      targetCheckpoint: "midyear",
      baselineLevel: 1,
      scores: [
        { checkpoint: "midyear", level: 2 },
        { checkpoint: "endyear", level: 3 },
      ],
    });
    expect(late).toEqual({ status: "not_met", latestLevel: 3, latestCheckpoint: "endyear", fraction: 0.5 });
  });

  it("is not met when a later checkpoint was scored but the target one never was", () => {
    const skipped = implementationProgress({
      targetLevel: 3,
      targetCheckpoint: "midyear",
      baselineLevel: 1,
      scores: [{ checkpoint: "endyear", level: 2 }],
    });
    expect(skipped).toMatchObject({ status: "not_met", fraction: 0 });
  });

  it("uses the baseline checkpoint's score when no baseline level is given, else level 1", () => {
    const fromScore = implementationProgress({
      ...goal,
      baselineLevel: null,
      scores: [
        { checkpoint: "baseline", level: 2 },
        { checkpoint: "midyear", level: 2 },
      ],
    });
    expect(fromScore).toMatchObject({ status: "not_started", fraction: 0 });
    const fromFloor = implementationProgress({ ...goal, baselineLevel: null, scores: [{ checkpoint: "midyear", level: 2 }] });
    expect(fromFloor).toMatchObject({ status: "on_track", fraction: 0.5 });
  });

  it("keeps the fraction between 0 and 1 when the level falls below the baseline", () => {
    const fell = implementationProgress({ ...goal, baselineLevel: 2, scores: [{ checkpoint: "midyear", level: 1 }] });
    expect(fell).toEqual({ status: "not_started", latestLevel: 1, latestCheckpoint: "midyear", fraction: 0 });
  });

  it("does not divide by zero when the baseline already equals the target", () => {
    const odd = implementationProgress({ ...goal, baselineLevel: 3, scores: [{ checkpoint: "midyear", level: 2 }] });
    expect(odd.fraction).toBe(0);
    expect(Number.isFinite(odd.fraction)).toBe(true);
  });

  it("lets the later of two scores at one checkpoint win", () => {
    const twice = implementationProgress({
      ...goal,
      scores: [
        { checkpoint: "endyear", level: 3 },
        { checkpoint: "endyear", level: 2 },
      ],
    });
    expect(twice).toMatchObject({ status: "not_met", latestLevel: 2 });
  });
});

describe("outcomeProgress", () => {
  const v = (term: string, value: number, n = 120): MeasureValue => ({ term, value, n });
  // Chronic absence: lower is better, from 20% down to 12%.
  const absence = { direction: "lower_is_better" as const, baselineValue: 20, targetValue: 12, minN: 10 };
  // Sense of belonging: higher is better, from 60% up to 70%.
  const belonging = { direction: "higher_is_better" as const, baselineValue: 60, targetValue: 70, minN: 10 };

  it("has no data without values", () => {
    expect(outcomeProgress({ ...absence, values: [] })).toEqual({ status: "no_data", latest: null, fraction: 0, suppressed: false, suppressedCount: 0 });
  });

  it("is improving, part of the way, when the newest value moves in the measure's direction", () => {
    const lower = outcomeProgress({ ...absence, values: [v("Fall 2026", 18), v("Winter 2027", 16)] });
    expect(lower).toEqual({ status: "improving", latest: v("Winter 2027", 16), fraction: 0.5, suppressed: false, suppressedCount: 0 });
    const higher = outcomeProgress({ ...belonging, values: [v("Fall 2026", 62.5)] });
    expect(higher).toMatchObject({ status: "improving", fraction: 0.25 });
  });

  it("is worsening when the value moves the wrong way, with the fraction held at 0", () => {
    expect(outcomeProgress({ ...absence, values: [v("Fall 2026", 23)] })).toMatchObject({ status: "worsening", fraction: 0 });
    expect(outcomeProgress({ ...belonging, values: [v("Fall 2026", 55)] })).toMatchObject({ status: "worsening", fraction: 0 });
  });

  it("is flat when the value equals the baseline", () => {
    expect(outcomeProgress({ ...absence, values: [v("Fall 2026", 20)] })).toMatchObject({ status: "flat", fraction: 0 });
  });

  it("is met at or beyond the target, with a full bar", () => {
    expect(outcomeProgress({ ...absence, values: [v("Spring 2027", 12)] })).toMatchObject({ status: "met", fraction: 1 });
    expect(outcomeProgress({ ...absence, values: [v("Spring 2027", 9)] })).toMatchObject({ status: "met", fraction: 1 });
    expect(outcomeProgress({ ...belonging, values: [v("Spring 2027", 71)] })).toMatchObject({ status: "met", fraction: 1 });
    expect(outcomeProgress({ ...belonging, values: [v("Spring 2027", 69.9)] })).toMatchObject({ status: "improving" });
  });

  it("judges by the newest value, not the best one", () => {
    const slipped = outcomeProgress({ ...belonging, values: [v("Fall 2026", 72), v("Spring 2027", 58)] });
    expect(slipped).toMatchObject({ status: "worsening", latest: { term: "Spring 2027", value: 58 } });
  });

  it("holds back values about fewer students than the minimum and falls back to the newest one shown", () => {
    const progress = outcomeProgress({ ...absence, values: [v("Fall 2026", 16, 40), v("Winter 2027", 11, 9)] });
    expect(progress).toEqual({ status: "improving", latest: v("Fall 2026", 16, 40), fraction: 0.5, suppressed: true, suppressedCount: 1 });
  });

  it("shows a value about exactly the minimum number of students", () => {
    expect(outcomeProgress({ ...absence, values: [v("Fall 2026", 16, 10)] })).toMatchObject({ status: "improving", suppressed: false });
  });

  it("has no data, and says so for privacy, when every value is held back", () => {
    const progress = outcomeProgress({ ...absence, values: [v("Fall 2026", 11, 3), v("Winter 2027", 10, 9)] });
    expect(progress).toEqual({ status: "no_data", latest: null, fraction: 0, suppressed: true, suppressedCount: 2 });
  });

  it("measures from the oldest value shown when there is no baseline value", () => {
    const progress = outcomeProgress({ ...absence, baselineValue: null, values: [v("Fall 2026", 18, 5), v("Winter 2027", 16), v("Spring 2027", 14)] });
    expect(progress).toMatchObject({ status: "improving", fraction: 0.5 });
    expect(outcomeProgress({ ...absence, baselineValue: null, values: [v("Fall 2026", 16)] })).toMatchObject({ status: "flat", fraction: 0 });
  });

  it("does not divide by zero when the target equals the baseline", () => {
    const same = outcomeProgress({ ...belonging, targetValue: 60, baselineValue: 60, values: [v("Fall 2026", 59)] });
    expect(same).toMatchObject({ status: "worsening", fraction: 0 });
  });

  it("ignores values that are not numbers", () => {
    const progress = outcomeProgress({ ...belonging, values: [v("Fall 2026", 65), v("Winter 2027", Number.NaN)] });
    expect(progress).toMatchObject({ status: "improving", latest: { term: "Fall 2026" } });
  });
});

describe("goalStatusLabel", () => {
  it("has words for every status", () => {
    const labels: Record<GoalStatus, string> = {
      not_started: "Not started",
      on_track: "On track",
      met: "Met",
      not_met: "Not met",
      no_data: "No data yet",
      improving: "Improving",
      worsening: "Worsening",
      flat: "No change",
    };
    for (const [status, label] of Object.entries(labels)) expect(goalStatusLabel(status as GoalStatus)).toBe(label);
  });
});
