import { describe, expect, it } from "vitest";
import {
  applyQuestionEdits,
  carriedScoreEvidence,
  dataViewLinks,
  defaultProtocols,
  findingConflictRows,
  findingFormValues,
  openStrategyFate,
  parseFindingEvidence,
  parseFindingTarget,
} from "./reflections";
import { meetingDecisionsSchema, protocolSchema } from "./reflections.schema";

const questions = [
  { id: "q1", text: "First?" },
  { id: "q2", text: "Second?" },
  { id: "q3", text: "Third?" },
];
let counter = 0;
const newId = () => `new-${++counter}`;
const keep = (id: string, text: string, position: number) => ({ id, text, position, remove: false });

describe("applyQuestionEdits", () => {
  it("rewords in place, keeping each question's id", () => {
    const result = applyQuestionEdits(questions, [keep("q1", "First, reworded?", 1), keep("q2", "Second?", 2), keep("q3", "Third?", 3)], [], newId);
    expect(result).toEqual({ ok: true, questions: [{ id: "q1", text: "First, reworded?" }, questions[1], questions[2]] });
  });

  it("reorders by position, ties keeping the current order, and removes ticked questions", () => {
    const result = applyQuestionEdits(questions, [keep("q1", "First?", 3), keep("q2", "Second?", 1), { ...keep("q3", "Third?", 1), remove: true }], [], newId);
    expect(result.ok && result.questions.map((q) => q.id)).toEqual(["q2", "q1"]);
    const tie = applyQuestionEdits(questions, [keep("q1", "First?", 1), keep("q2", "Second?", 1), keep("q3", "Third?", 1)], [], newId);
    expect(tie.ok && tie.questions.map((q) => q.id)).toEqual(["q1", "q2", "q3"]);
  });

  it("appends new questions with fresh ids that never reuse an existing one, ignoring blank ones", () => {
    const ids = ["q2", "q2", "fresh"];
    const result = applyQuestionEdits(questions, [], ["  New one?  ", "   "], () => ids.shift()!);
    expect(result).toEqual({ ok: true, questions: [...questions, { id: "fresh", text: "New one?" }] });
  });

  it("keeps a question the form did not mention (added by someone else meanwhile)", () => {
    const result = applyQuestionEdits(questions, [keep("q2", "Second?", 1), keep("q1", "First?", 2)], [], newId);
    expect(result.ok && result.questions.map((q) => q.id)).toEqual(["q2", "q1", "q3"]);
  });

  it("refuses an empty question, an unknown id, and removing every question", () => {
    const empty = applyQuestionEdits(questions, [keep("q1", "  ", 1)], [], newId);
    expect(empty).toEqual({ ok: false, errors: { "question.q1": ["Write the question, or tick Remove."] } });
    expect(applyQuestionEdits(questions, [keep("zz", "Who?", 1)], [], newId).ok).toBe(false);
    const none = applyQuestionEdits(questions, questions.map((q, i) => ({ ...keep(q.id, q.text, i), remove: true })), [], newId);
    expect(none).toEqual({ ok: false, errors: { questions: ["A protocol needs at least one question."] } });
  });
});

describe("findings and data views", () => {
  it("reads what a finding is about and its evidence from the form's values", () => {
    expect(parseFindingTarget("goal:abc")).toEqual({ goalId: "abc", rubricItemId: null });
    expect(parseFindingTarget("item:def")).toEqual({ goalId: null, rubricItemId: "def" });
    expect(parseFindingTarget("school:x")).toBeNull();
    expect(parseFindingTarget("goal:")).toBeNull();
    expect(parseFindingEvidence("view:groups")).toEqual({ viewKey: "groups", scoreId: null });
    expect(parseFindingEvidence("view:nonsense")).toBeNull();
    expect(parseFindingEvidence("score:s1")).toEqual({ viewKey: null, scoreId: "s1" });
  });

  it("writes a saved finding back as its form's values, a view's own label standing for no note", () => {
    const base = { goalId: null, rubricItemId: null, evidenceViewPath: null, evidenceScoreId: null, evidenceLabel: "" };
    expect(findingFormValues({ ...base, goalId: "g1", evidenceViewPath: "/data/groups", evidenceLabel: "Results by grade and student group" }, "c-1")).toEqual({
      target: "goal:g1",
      evidence: "view:groups",
      evidenceLabel: "",
    });
    expect(findingFormValues({ ...base, rubricItemId: "i1", evidenceViewPath: "/cycles/c-1/goals", evidenceLabel: "Grade 7" }, "c-1")).toEqual({
      target: "item:i1",
      evidence: "view:goal-progress",
      evidenceLabel: "Grade 7",
    });
    expect(findingFormValues({ ...base, goalId: "g1", evidenceScoreId: "s1", evidenceLabel: "Walkthroughs" }, "c-1")).toMatchObject({ evidence: "score:s1", evidenceLabel: "Walkthroughs" });
    // A view that moved since (or a score deleted) leaves the choice open rather than guessing.
    expect(findingFormValues({ ...base, goalId: "g1", evidenceViewPath: "/data/old-page", evidenceLabel: "Old" }, "c-1")).toMatchObject({ evidence: "", evidenceLabel: "Old" });
  });

  it("puts a finding saved meanwhile beside what was typed, in the form's words", () => {
    const options = { targets: [{ value: "goal:g1", label: "Goal: Coaching" }, { value: "item:i1", label: "Rubric item: Vision" }], evidenceOptions: [{ value: "view:trend", label: "Data view: Trend" }] };
    const saved = { kind: "success", summary: "Coaching reached every school", target: "goal:g1", evidence: "view:trend", evidenceLabel: "" };
    expect(findingConflictRows(saved, { ...saved, summary: " Coaching reached every school " }, options)).toEqual([]);
    expect(findingConflictRows(saved, { kind: "challenge", summary: "Coaching reached four schools", target: "item:i1", evidence: "view:trend", evidenceLabel: "" }, options)).toEqual([
      { field: "kind", label: "Kind", saved: "Success", typed: "Challenge" },
      { field: "summary", label: "What the group found", saved: "Coaching reached every school", typed: "Coaching reached four schools" },
      { field: "target", label: "About (a goal or rubric item)", saved: "Goal: Coaching", typed: "Rubric item: Vision" },
    ]);
  });

  it("links a protocol's data views under /data, skipping keys it does not know", () => {
    expect(dataViewLinks(["trend", "gone", "benchmark"]).map((v) => v.path)).toEqual(["/data/trend", "/data/competencies"]);
    // Goal progress is shown with a cycle's goals; without a cycle it points to the list of cycles.
    expect(dataViewLinks(["goal-progress"], "c-1").map((v) => v.path)).toEqual(["/cycles/c-1/goals"]);
    expect(dataViewLinks(["goal-progress"]).map((v) => v.path)).toEqual(["/cycles"]);
  });

  it("seeds the two protocols the issue names, each with questions and data views that exist", () => {
    expect(defaultProtocols.map((p) => p.name)).toEqual(["Reflect on progress toward annual goals", "Data inquiry with student and family voice"]);
    for (const p of defaultProtocols) {
      expect(p.questions.length).toBeGreaterThan(2);
      expect(new Set(p.questions.map((q) => q.id)).size).toBe(p.questions.length);
      expect(dataViewLinks(p.dataViews)).toHaveLength(p.dataViews.length);
    }
  });
});

describe("after a launch", () => {
  it("says what became of an open strategy by its goal's decision", () => {
    expect(openStrategyFate("sustain")).toBe("carried");
    expect(openStrategyFate("revise")).toBe("carried");
    expect(openStrategyFate("new_strategies")).toBe("to_rewrite");
    expect(openStrategyFate("change_focus")).toBe("ended");
  });

  it("notes where a carried baseline score came from, keeping the old evidence", () => {
    expect(carriedScoreEvidence("2026–27", "")).toBe("Carried from the end-of-year score of 2026–27.");
    expect(carriedScoreEvidence("2026–27", " Walkthroughs ")).toBe("Carried from the end-of-year score of 2026–27. Walkthroughs");
  });
});

describe("forms", () => {
  it("gathers a protocol form's per-question fields into one list", () => {
    const parsed = protocolSchema.parse({
      name: " Annual ",
      purpose: "",
      dataViews: ["trend", "groups"],
      expectedVersion: "3",
      "question.q1": "First?",
      "position.q1": "2",
      "question.q2": "Second?",
      "position.q2": "1",
      "remove.q2": "on",
      newQuestion: "Added?",
    });
    expect(parsed).toMatchObject({
      name: "Annual",
      dataViews: ["trend", "groups"],
      expectedVersion: 3,
      questions: [
        { id: "q1", text: "First?", position: 2, remove: false },
        { id: "q2", text: "Second?", position: 1, remove: true },
      ],
      added: ["Added?"],
    });
    expect(protocolSchema.safeParse({ name: "A", expectedVersion: "1", dataViews: "nowhere" }).success).toBe(false);
  });

  it("asks for a rationale with every decision taken in a meeting", () => {
    const goalId = "3f2b8c1e-8d7a-4c55-9a34-1f0e2d3c4b5a";
    const missing = meetingDecisionsSchema.safeParse({ expectedVersion: "2", [`decision.${goalId}`]: "sustain", [`note.${goalId}`]: " " });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0].path).toEqual(["decisions", 0, "note"]);
    const ok = meetingDecisionsSchema.parse({ expectedVersion: "2", [`decision.${goalId}`]: "revise", [`note.${goalId}`]: "Needs another year" });
    expect(ok.decisions).toEqual([{ goalId, decision: "revise", note: "Needs another year" }]);
  });
});
