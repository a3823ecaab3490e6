import { describe, expect, it } from "vitest";
import { planEndConflictRows } from "./interventions";

describe("a plan's ending that met a newer version", () => {
  it("sets how the plan was ended beside what was typed, in words, where they differ", () => {
    const rows = planEndConflictRows({ endDate: "2026-12-11", outcome: "goal_met", outcomeNote: "Passed the unit test." }, { endDate: "2026-12-18", outcome: "progress", outcomeNote: " " });
    expect(rows).toEqual([
      { field: "endDate", label: "End date", saved: "2026-12-11", typed: "2026-12-18" },
      { field: "outcome", label: "Outcome", saved: "Goal met", typed: "Progress, goal not met" },
      { field: "outcomeNote", label: "Outcome note", saved: "Passed the unit test.", typed: "(empty)" },
    ]);
    const sameDay = planEndConflictRows({ endDate: "2026-12-11", outcome: "goal_met", outcomeNote: "" }, { endDate: "2026-12-11", outcome: "progress", outcomeNote: "" });
    expect(sameDay.map((r) => r.field)).toEqual(["outcome"]);
    expect(planEndConflictRows({ endDate: "2026-12-11", outcome: "goal_met", outcomeNote: "Done." }, { endDate: "2026-12-11", outcome: "goal_met", outcomeNote: " Done. " })).toEqual([]);
  });

  it("says the plan is not ended when only its version moved, and never shows an unknown outcome as a label", () => {
    const rows = planEndConflictRows({ endDate: null, outcome: null, outcomeNote: "" }, { endDate: "2026-12-18", outcome: "made-up", outcomeNote: "" });
    expect(rows.map((r) => [r.saved, r.typed])).toEqual([
      ["Not ended", "2026-12-18"],
      ["–", "made-up"],
      ["–", "(empty)"],
    ]);
  });
});
