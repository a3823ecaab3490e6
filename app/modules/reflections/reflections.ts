// Reflection on data, in plain functions: the protocols a district starts with, the data views they point to, how a
// protocol's questions are edited (ids stay, so answers keep their question), and what a finding must be tied to.
import type { ProtocolQuestion } from "#db/schema";

export const stakeholderGroups = ["students", "families", "staff", "community_partners", "board"] as const;
export type StakeholderGroup = (typeof stakeholderGroups)[number];

export const stakeholderGroupLabels: Record<StakeholderGroup, string> = {
  students: "Students",
  families: "Families",
  staff: "Staff",
  community_partners: "Community partners",
  board: "Board",
};

export const findingKinds = ["success", "challenge"] as const;
export type FindingKind = (typeof findingKinds)[number];
export const findingKindLabels: Record<FindingKind, string> = { success: "Success", challenge: "Challenge" };

/**
 * The data views a protocol can point to, and where each one lives. The data pages are built separately (under
 * /data); this one map is the only place that knows their addresses, so moving a page is a one-line change here.
 */
export const dataViews = {
  benchmark: { label: "Competencies against the benchmark", path: "/data/competencies" },
  groups: { label: "Results by grade and student group", path: "/data/groups" },
  trend: { label: "Trend across terms and years", path: "/data/trend" },
  // Outcome goal progress is shown with the goals themselves (baseline → latest → target), so it lives in the cycle.
  "goal-progress": { label: "Progress toward outcome goals", path: "/cycles/:cycle/goals" },
} as const;
export type DataViewKey = keyof typeof dataViews;
export const dataViewKeys = Object.keys(dataViews) as DataViewKey[];

export function isDataViewKey(key: string): key is DataViewKey {
  return Object.hasOwn(dataViews, key);
}

/** A view's address in a cycle; outside one (a protocol's own page) a cycle-bound view points to the list of cycles. */
export function dataViewPath(key: DataViewKey, cycleId?: string): string {
  const path: string = dataViews[key].path;
  if (!path.includes(":cycle")) return path;
  return cycleId ? path.replace(":cycle", cycleId) : "/cycles";
}

/** The views of a protocol that still exist, in the order the protocol lists them, with their links. */
export function dataViewLinks(keys: readonly string[], cycleId?: string): { key: DataViewKey; label: string; path: string }[] {
  return keys.filter(isDataViewKey).map((key) => ({ key, label: dataViews[key].label, path: dataViewPath(key, cycleId) }));
}

export interface ProtocolTemplate {
  slug: string;
  name: string;
  purpose: string;
  questions: ProtocolQuestion[];
  dataViews: DataViewKey[];
}

/** The protocols every district starts with; the district then rewords, reorders, adds or archives as it likes. */
export const defaultProtocols: ProtocolTemplate[] = [
  {
    slug: "annual-goals",
    name: "Reflect on progress toward annual goals",
    purpose: "Look at where each goal stands, what moved it, and what the team will do with it next year.",
    questions: [
      { id: "q1", text: "Which of our goals did we reach, and what do the rubric scores and outcome data show about how we got there?" },
      { id: "q2", text: "Where did we fall short? What got in the way: time, people, resources, or the strategy itself?" },
      { id: "q3", text: "Which strategies made a visible difference for students and adults, and which ones can we stop?" },
      { id: "q4", text: "For each goal: do we sustain it, keep it with new strategies, change our focus, or revise it and give it more time?" },
    ],
    dataViews: ["goal-progress", "benchmark", "trend"],
  },
  {
    slug: "student-family-voice",
    name: "Data inquiry with student and family voice",
    purpose: "Read the data together with students and families, and hear what the numbers leave out.",
    questions: [
      { id: "q1", text: "Which SEL competencies do students report above the benchmark, and which below?" },
      { id: "q2", text: "Which grades or student groups report a different experience, and how large are the gaps?" },
      { id: "q3", text: "What do students and families tell us that explains these results or challenges them?" },
      { id: "q4", text: "What should we prioritise next, and who should be part of deciding how?" },
    ],
    dataViews: ["benchmark", "groups", "trend"],
  },
];

export interface QuestionEdit {
  id: string;
  text: string;
  position: number;
  remove: boolean;
}

export type QuestionEditResult = { ok: true; questions: ProtocolQuestion[] } | { ok: false; errors: Record<string, string[]> };

/**
 * The protocol's questions after an edit: reworded in place (the id stays, so past answers still point at their
 * question), reordered by position (ties keep the current order), removed, and new ones appended with fresh ids.
 */
export function applyQuestionEdits(current: readonly ProtocolQuestion[], edits: readonly QuestionEdit[], added: readonly string[], newId: () => string): QuestionEditResult {
  const errors: Record<string, string[]> = {};
  const known = new Map(current.map((q, index) => [q.id, index]));
  const seen = new Set<string>();
  for (const edit of edits) {
    if (!known.has(edit.id) || seen.has(edit.id)) (errors.questions ??= []).push("The form names a question this protocol does not have; reload the page.");
    seen.add(edit.id);
    if (!edit.remove && edit.text.trim() === "") (errors[`question.${edit.id}`] ??= []).push("Write the question, or tick Remove.");
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  // A question the form did not mention (added by someone else since) stays, at the end of its old place.
  const untouched = current.filter((q) => !seen.has(q.id)).map((q) => ({ id: q.id, text: q.text, position: Number.MAX_SAFE_INTEGER, remove: false }));
  const kept = [...edits, ...untouched]
    .filter((e) => !e.remove)
    .map((e) => ({ ...e, order: known.get(e.id)! }))
    .sort((a, b) => a.position - b.position || a.order - b.order)
    .map((e) => ({ id: e.id, text: e.text.trim() }));
  const ids = new Set(kept.map((q) => q.id));
  for (const text of added.map((t) => t.trim()).filter(Boolean)) {
    let id = newId();
    while (ids.has(id) || known.has(id)) id = newId();
    ids.add(id);
    kept.push({ id, text });
  }
  if (kept.length === 0) return { ok: false, errors: { questions: ["A protocol needs at least one question."] } };
  return { ok: true, questions: kept };
}

/** What a finding is about: one goal or one rubric item, written "goal:<id>" or "item:<id>" in forms. */
export type FindingTarget = { goalId: string; rubricItemId: null } | { goalId: null; rubricItemId: string };
/** What shows it: a data view or a rubric score, written "view:<key>" or "score:<id>" in forms. */
export type FindingEvidence = { viewKey: DataViewKey; scoreId: null } | { viewKey: null; scoreId: string };

export function parseFindingTarget(value: string): FindingTarget | null {
  const [kind, id] = value.split(":", 2);
  if (!id) return null;
  if (kind === "goal") return { goalId: id, rubricItemId: null };
  if (kind === "item") return { goalId: null, rubricItemId: id };
  return null;
}

export function parseFindingEvidence(value: string): FindingEvidence | null {
  const [kind, id] = value.split(":", 2);
  if (!id) return null;
  if (kind === "view") return isDataViewKey(id) ? { viewKey: id, scoreId: null } : null;
  if (kind === "score") return { viewKey: null, scoreId: id };
  return null;
}

/** A stored finding's target and evidence as the finding form writes them, so an edit form starts from what is saved. */
export function findingFormValues(
  finding: { goalId: string | null; rubricItemId: string | null; evidenceViewPath: string | null; evidenceScoreId: string | null; evidenceLabel: string },
  cycleId: string,
): { target: string; evidence: string; evidenceLabel: string } {
  const target = finding.goalId ? `goal:${finding.goalId}` : finding.rubricItemId ? `item:${finding.rubricItemId}` : "";
  const viewKey = finding.evidenceViewPath ? dataViewKeys.find((key) => dataViewPath(key, cycleId) === finding.evidenceViewPath) : undefined;
  const evidence = viewKey ? `view:${viewKey}` : finding.evidenceScoreId ? `score:${finding.evidenceScoreId}` : "";
  // A view's own label is filled in when no note was given; the form shows that as no note.
  const evidenceLabel = viewKey && finding.evidenceLabel === dataViews[viewKey].label ? "" : finding.evidenceLabel;
  return { target, evidence, evidenceLabel };
}

export const findingFieldLabels: Record<string, string> = {
  kind: "Kind",
  summary: "What the group found",
  target: "About (a goal or rubric item)",
  evidence: "Evidence",
  evidenceLabel: "Evidence note (optional)",
};

/**
 * The fields of a finding where the version saved since the form was opened differs from what was typed, in the
 * words the form shows (a goal's title, not its id).
 */
export function findingConflictRows(
  saved: Record<string, unknown>,
  typed: Record<string, string | string[] | undefined>,
  options: { targets: { value: string; label: string }[]; evidenceOptions: { value: string; label: string }[] },
): { field: string; label: string; saved: string; typed: string }[] {
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : Array.isArray(v) ? String(v[0] ?? "").trim() : "");
  const words = (field: string, value: string) => {
    if (value === "") return "(empty)";
    if (field === "kind") return findingKindLabels[value as FindingKind] ?? value;
    if (field === "target") return options.targets.find((o) => o.value === value)?.label ?? "(not in the list)";
    if (field === "evidence") return options.evidenceOptions.find((o) => o.value === value)?.label ?? "(not in the list)";
    return value;
  };
  return Object.keys(findingFieldLabels).flatMap((field) => {
    const theirs = text(saved[field]);
    const yours = text(typed[field]);
    return theirs === yours ? [] : [{ field, label: findingFieldLabels[field], saved: words(field, theirs), typed: words(field, yours) }];
  });
}

/** What happened to a strategy left open at the end of a year, by the decision about its goal. */
export type OpenStrategyFate = "carried" | "to_rewrite" | "ended";

export function openStrategyFate(decision: "sustain" | "new_strategies" | "change_focus" | "revise" | null): OpenStrategyFate {
  if (decision === "sustain" || decision === "revise") return "carried";
  if (decision === "new_strategies") return "to_rewrite";
  return "ended";
}

export const openStrategyFateLabels: Record<OpenStrategyFate, string> = {
  carried: "Carried over with its goal",
  to_rewrite: "Left behind: the goal was kept with new strategies",
  ended: "Ended with its goal (focus changed)",
};

/** The evidence note a baseline score carried from last year's end-of-year score starts with. */
export function carriedScoreEvidence(yearLabel: string, evidence: string): string {
  const note = `Carried from the end-of-year score of ${yearLabel}.`;
  return evidence.trim() ? `${note} ${evidence.trim()}` : note;
}
