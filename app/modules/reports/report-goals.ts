// Freezing a report's goal blocks on publish: each block gets the words it shows (kind, title, status) written into
// attrs.frozen, in the report's language, from the goals of the report's own cycle only. A block naming any other id
// (a goal of another cycle, another district, or one since deleted) is frozen as a goal no longer in the cycle, so a
// published page never names a goal its report does not cover. See docs/decisions/0026-published-reports.md.
import type { JSONContent } from "@tiptap/core";
import type { FrozenGoal } from "~/editor/goal-reference";
import { reportMessages } from "./report-messages";

export const GOAL_REFERENCE_NODE = "goalReference";

/** A goal of the report's cycle as publishing reads it: its own, or a district goal shared with the school. */
export interface ReportGoal {
  id: string;
  kind: "implementation" | "outcome";
  title: string;
  /** The progress status key (on_track, met, …). */
  status: string;
}

/** Whether the document has a goal block at all (publishing reads the cycle's goals only then). */
export function hasGoalReferences(content: JSONContent): boolean {
  return content.type === GOAL_REFERENCE_NODE || (content.content ?? []).some(hasGoalReferences);
}

/** What one goal block says once published: the goal as it is now, or the missing goal's words. */
export function frozenGoal(goalId: unknown, goals: ReadonlyMap<string, ReportGoal>, language?: string): FrozenGoal {
  const m = reportMessages(language);
  const goal = typeof goalId === "string" ? goals.get(goalId) : undefined;
  if (!goal) return { kind: null, status: null, kindLabel: m.goalBlock.missingLabel, title: m.goalBlock.missingTitle, statusLabel: m.goalBlock.unknownStatus };
  const statusLabel = (m.goalStatus as Record<string, string>)[goal.status] ?? m.goalBlock.unknownStatus;
  return { kind: goal.kind, status: goal.status, kindLabel: m.goalBlock.label(goal.kind), title: goal.title, statusLabel };
}

/**
 * The document with every goal block's `frozen` set from `goals` (the report's cycle's, and nothing else), replacing
 * whatever the draft held there: only publishing writes it, so a value a draft carries is never trusted.
 */
export function freezeGoalReferences(content: JSONContent, goals: readonly ReportGoal[], language?: string): JSONContent {
  const byId = new Map(goals.map((goal) => [goal.id, goal]));
  const visit = (node: JSONContent): JSONContent => {
    if (node.type === GOAL_REFERENCE_NODE) {
      const goalId = typeof node.attrs?.goalId === "string" ? node.attrs.goalId : null;
      return { ...node, attrs: { goalId, frozen: frozenGoal(goalId, byId, language) } };
    }
    return node.content ? { ...node, content: node.content.map(visit) } : node;
  };
  return visit(content);
}
