import { describe, expect, it } from "vitest";
import { defaultCheckpointDates } from "./school-year";
import {
  checkSmartie,
  smartieBlockers,
  smartieScore,
  type ImplementationGoalDraft,
  type OutcomeGoalDraft,
  type SmartieCheck,
  type SmartieLetter,
} from "./smartie";

const cycle = { startYear: 2026, checkpointDates: defaultCheckpointDates(2026) };

const fullOutcome: OutcomeGoalDraft = {
  kind: "outcome",
  title: "Fewer students chronically absent",
  description: "Cut chronic absence by building belonging in advisory periods.",
  measureId: "m-absence",
  direction: "lower_is_better",
  population: "all students in grades 6–8",
  baselineValue: 20,
  targetValue: 15,
  dueDate: "2027-06-15",
  inclusiveNote: "Drafted with the student council and two family listening sessions.",
  equityNote: "Gaps for multilingual learners close by half.",
  relevance: "Absence was the top concern in our needs assessment.",
};

const fullImplementation: ImplementationGoalDraft = {
  kind: "implementation",
  title: "Explicit SEL instruction in every classroom",
  description: "Every teacher delivers the adopted SEL lessons weekly with fidelity.",
  rubricItemId: "item-explicit-sel",
  targetLevel: 3,
  targetCheckpoint: "endyear",
  currentLevel: 2,
  population: "all K–5 students",
  inclusiveNote: "Teachers and families chose the curriculum together.",
  equityNote: "Lessons reach students in special education settings too.",
  relevance: "Our vision names explicit instruction first.",
};

const byLetter = (checks: SmartieCheck[], letter: SmartieLetter) => checks.find((c) => c.letter === letter)!;

describe("checkSmartie", () => {
  it("returns one check per letter in S-M-A-R-T-I-E order, with names", () => {
    const checks = checkSmartie(fullOutcome, cycle);
    expect(checks.map((c) => c.letter)).toEqual(["S", "M", "A", "R", "T", "I", "E"]);
    expect(checks.map((c) => c.name)).toEqual(["Specific", "Measurable", "Ambitious and attainable", "Relevant", "Time-bound", "Inclusive", "Equitable"]);
  });

  it("meets every letter for a complete outcome goal and a complete implementation goal", () => {
    for (const goal of [fullOutcome, fullImplementation]) {
      const checks = checkSmartie(goal, cycle);
      expect(checks.filter((c) => c.status !== "met"), goal.kind).toEqual([]);
      expect(checks.every((c) => c.message.length > 0)).toBe(true);
    }
  });

  it("says when a goal is due", () => {
    expect(byLetter(checkSmartie(fullOutcome, cycle), "T").message).toBe("Due by June 15, 2027.");
    expect(byLetter(checkSmartie(fullImplementation, cycle), "T").message).toBe("Due by the end-of-year checkpoint (May 31, 2027).");
  });

  describe("Specific", () => {
    it("blocks a goal without a title", () => {
      expect(byLetter(checkSmartie({ ...fullOutcome, title: "   " }, cycle), "S")).toMatchObject({ status: "missing" });
    });

    it("prompts for a description that is missing or too short to say what will change", () => {
      for (const description of [undefined, null, "", "Less absence.", "  Less absence, please.  ".slice(0, 21)]) {
        const check = byLetter(checkSmartie({ ...fullOutcome, description }, cycle), "S");
        expect(check.status, String(description)).toBe("prompt");
        expect(check.message).toMatch(/^Say what exactly will change/);
      }
      expect(byLetter(checkSmartie({ ...fullOutcome, description: "Twenty characters ok" }, cycle), "S").status).toBe("met");
    });
  });

  describe("Measurable", () => {
    it("blocks an outcome goal without a numeric target", () => {
      for (const targetValue of [undefined, null, Number.NaN]) {
        expect(byLetter(checkSmartie({ ...fullOutcome, targetValue }, cycle), "M")).toEqual({
          letter: "M",
          name: "Measurable",
          status: "missing",
          message: "Not measurable yet: add a target value.",
        });
      }
    });

    it("blocks an outcome goal without a measure, naming both gaps when both are missing", () => {
      expect(byLetter(checkSmartie({ ...fullOutcome, measureId: "" }, cycle), "M").message).toBe(
        "Not measurable yet: choose the measure this goal is about.",
      );
      expect(byLetter(checkSmartie({ ...fullOutcome, measureId: null, targetValue: null }, cycle), "M").message).toBe(
        "Not measurable yet: choose a measure and add a target value.",
      );
    });

    it("accepts a target of zero", () => {
      expect(byLetter(checkSmartie({ ...fullOutcome, targetValue: 0 }, cycle), "M").status).toBe("met");
    });

    it("blocks an implementation goal without a rubric activity or a valid level", () => {
      const cases: [Partial<ImplementationGoalDraft>, string][] = [
        [{ rubricItemId: null, targetLevel: null }, "Not measurable yet: choose the rubric activity and the level to reach."],
        [{ rubricItemId: null }, "Not measurable yet: choose the rubric activity this goal is about."],
        [{ targetLevel: undefined }, "Not measurable yet: choose the rubric level to reach."],
        [{ targetLevel: 5 }, "Not measurable yet: the level to reach must be 1, 2, 3 or 4."],
        [{ targetLevel: 2.5 }, "Not measurable yet: the level to reach must be 1, 2, 3 or 4."],
      ];
      for (const [change, message] of cases) {
        expect(byLetter(checkSmartie({ ...fullImplementation, ...change }, cycle), "M")).toMatchObject({ status: "missing", message });
      }
    });

    it("names the level to reach in the rubric's words", () => {
      expect(byLetter(checkSmartie(fullImplementation, cycle), "M").message).toBe("Measured by the rubric: reach 3 — Mostly planned and implemented.");
    });
  });

  describe("Ambitious and attainable", () => {
    it("blocks an outcome target that does not move in the measure's direction", () => {
      const lower = byLetter(checkSmartie({ ...fullOutcome, targetValue: 22 }, cycle), "A");
      expect(lower).toEqual({
        letter: "A",
        name: "Ambitious and attainable",
        status: "missing",
        message: "The target does not improve on the baseline (lower is better for this measure).",
      });
      const higher = byLetter(checkSmartie({ ...fullOutcome, direction: "higher_is_better", baselineValue: 60, targetValue: 55 }, cycle), "A");
      expect(higher.message).toBe("The target does not improve on the baseline (higher is better for this measure).");
    });

    it("blocks a target equal to the baseline", () => {
      expect(byLetter(checkSmartie({ ...fullOutcome, targetValue: 20 }, cycle), "A").status).toBe("missing");
    });

    it("only prompts when there is nothing to compare yet", () => {
      expect(byLetter(checkSmartie({ ...fullOutcome, baselineValue: null }, cycle), "A").status).toBe("prompt");
      expect(byLetter(checkSmartie({ ...fullOutcome, direction: null }, cycle), "A").status).toBe("prompt");
      expect(byLetter(checkSmartie({ ...fullOutcome, targetValue: null }, cycle), "A").status).toBe("prompt");
    });

    it("blocks an implementation level that is not above the current level", () => {
      const same = byLetter(checkSmartie({ ...fullImplementation, currentLevel: 3 }, cycle), "A");
      expect(same).toMatchObject({ status: "missing", message: "The level to reach does not go beyond where the activity stands now (3 — Mostly planned and implemented)." });
      expect(byLetter(checkSmartie({ ...fullImplementation, currentLevel: 3, targetLevel: 2 }, cycle), "A").status).toBe("missing");
      const full = byLetter(checkSmartie({ ...fullImplementation, currentLevel: 4, targetLevel: 4 }, cycle), "A");
      expect(full).toMatchObject({ status: "missing", message: expect.stringContaining("already fully planned and implemented") });
    });

    it("asks for a second look at a jump of three levels, without blocking", () => {
      const jump = byLetter(checkSmartie({ ...fullImplementation, currentLevel: 1, targetLevel: 4 }, cycle), "A");
      expect(jump).toMatchObject({ status: "prompt", message: "Moving from level 1 to level 4 in one year is a big step; check it is attainable." });
      expect(byLetter(checkSmartie({ ...fullImplementation, currentLevel: 1, targetLevel: 3 }, cycle), "A").status).toBe("met");
    });

    it("prompts to score the activity first when there is no current level", () => {
      expect(byLetter(checkSmartie({ ...fullImplementation, currentLevel: null }, cycle), "A").status).toBe("prompt");
    });
  });

  describe("Time-bound", () => {
    it("blocks an outcome goal without a due date, or with one that is not a date", () => {
      expect(byLetter(checkSmartie({ ...fullOutcome, dueDate: null }, cycle), "T")).toMatchObject({
        status: "missing",
        message: "Not time-bound yet: add a due date within 2026–27.",
      });
      expect(byLetter(checkSmartie({ ...fullOutcome, dueDate: "June 2027" }, cycle), "T").status).toBe("missing");
    });

    it("blocks a due date outside the cycle's school year, at either end", () => {
      const late = byLetter(checkSmartie({ ...fullOutcome, dueDate: "2027-07-01" }, cycle), "T");
      expect(late).toMatchObject({
        status: "missing",
        message: "Not time-bound within 2026–27: the due date, July 1, 2027, falls outside the school year (July 1, 2026 to June 30, 2027).",
      });
      expect(byLetter(checkSmartie({ ...fullOutcome, dueDate: "2026-06-30" }, cycle), "T").status).toBe("missing");
      expect(byLetter(checkSmartie({ ...fullOutcome, dueDate: "2027-06-30" }, cycle), "T").status).toBe("met");
      expect(byLetter(checkSmartie({ ...fullOutcome, dueDate: "2026-07-01" }, cycle), "T").status).toBe("met");
    });

    it("blocks an implementation goal without a target checkpoint", () => {
      expect(byLetter(checkSmartie({ ...fullImplementation, targetCheckpoint: null }, cycle), "T").status).toBe("missing");
    });

    it("blocks a target checkpoint whose date lies outside the school year", () => {
      const odd = { startYear: 2026, checkpointDates: { ...defaultCheckpointDates(2026), midyear: "2027-08-01" } };
      const check = byLetter(checkSmartie({ ...fullImplementation, targetCheckpoint: "midyear" }, odd), "T");
      expect(check.status).toBe("missing");
      expect(check.message).toMatch(/^Not time-bound within 2026–27: the mid-year checkpoint is set for August 1, 2027/);
      // The end-of-year date is fine, so a goal due then still is.
      expect(byLetter(checkSmartie(fullImplementation, odd), "T").status).toBe("met");
    });

    it("judges the dates against the cycle's own year, 1999–00 included", () => {
      const y2k = { startYear: 1999, checkpointDates: defaultCheckpointDates(1999) };
      expect(byLetter(checkSmartie({ ...fullOutcome, dueDate: "2000-05-01" }, y2k), "T").status).toBe("met");
      expect(byLetter(checkSmartie(fullOutcome, y2k), "T").message).toMatch(/^Not time-bound within 1999–00/);
      expect(byLetter(checkSmartie(fullImplementation, y2k), "T").status).toBe("met");
    });
  });

  describe("Relevant, Inclusive and Equitable", () => {
    it("prompt, never block, when left empty", () => {
      const bare = { ...fullOutcome, relevance: "", population: null, inclusiveNote: undefined, equityNote: "  " };
      const checks = checkSmartie(bare, cycle);
      for (const letter of ["R", "I", "E"] as const) expect(byLetter(checks, letter).status).toBe("prompt");
      expect(byLetter(checks, "I").message).toMatch(/^Say which students this goal is for/);
      expect(byLetter(checks, "E").message).toMatch(/gaps between groups of students/);
      expect(smartieBlockers(checks)).toEqual([]);
    });

    it("asks only for the part of Inclusive that is missing", () => {
      expect(byLetter(checkSmartie({ ...fullOutcome, population: "" }, cycle), "I").message).toMatch(/^Say which students this goal is for/);
      const noNote = byLetter(checkSmartie({ ...fullOutcome, inclusiveNote: null }, cycle), "I");
      expect(noNote).toMatchObject({ status: "prompt", message: expect.stringMatching(/^Say who helped shape this goal/) });
      expect(byLetter(checkSmartie(fullOutcome, cycle), "I").message).toContain("all students in grades 6–8");
    });
  });
});

describe("smartieBlockers and smartieScore", () => {
  it("block only on what is missing and count what is met", () => {
    const draft: OutcomeGoalDraft = { kind: "outcome", title: "Belonging" };
    const checks = checkSmartie(draft, cycle);
    expect(smartieBlockers(checks).map((c) => c.letter)).toEqual(["M", "T"]);
    expect(smartieScore(checks)).toEqual({ met: 0, total: 7 });
  });

  it("count a complete goal as 7 of 7 with nothing blocking", () => {
    const checks = checkSmartie(fullImplementation, cycle);
    expect(smartieBlockers(checks)).toEqual([]);
    expect(smartieScore(checks)).toEqual({ met: 7, total: 7 });
  });

  it("count a goal with one prompt and one block", () => {
    const checks = checkSmartie({ ...fullOutcome, equityNote: null, dueDate: "2028-01-01" }, cycle);
    expect(smartieBlockers(checks).map((c) => c.letter)).toEqual(["T"]);
    expect(smartieScore(checks)).toEqual({ met: 5, total: 7 });
  });

  it("handle an empty list", () => {
    expect(smartieBlockers([])).toEqual([]);
    expect(smartieScore([])).toEqual({ met: 0, total: 0 });
  });
});
