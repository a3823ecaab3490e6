// The goal reference block: a plan points at one of its cycle's goals and always shows the goal's current title and status.
import { mergeAttributes, Node } from "@tiptap/core";

export interface GoalSummary {
  id: string;
  title: string;
  /** The status as a badge reads it ("On track", "Met", …). */
  statusLabel: string;
  kindLabel: string;
}

export interface GoalReferenceOptions {
  /** Looks the goal up at render time, so a stored document never freezes a title that later changes. */
  lookupGoal: (goalId: string) => GoalSummary | undefined;
}

const MISSING_TITLE = "A goal that is no longer in this cycle";

/** The block as Markdown: a quoted line naming the goal and its status (the Markdown serializer calls this without the extension's options, so the lookup is passed in). */
export function goalReferenceMarkdown(goalId: unknown, lookupGoal: GoalReferenceOptions["lookupGoal"]): string {
  const goal = typeof goalId === "string" ? lookupGoal(goalId) : undefined;
  if (!goal) return `> **Goal:** ${MISSING_TITLE}`;
  const plain = (text: string) => text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
  return `> **${goal.kindLabel} goal:** ${plain(goal.title)} — ${goal.statusLabel}`;
}

export const GoalReference = Node.create<GoalReferenceOptions>({
  name: "goalReference",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    return { lookupGoal: () => undefined };
  },

  addAttributes() {
    return {
      goalId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-goal-id"),
        renderHTML: (attributes) => ({ "data-goal-id": attributes.goalId }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "div[data-goal-reference]" }];
  },

  renderHTML({ node, HTMLAttributes }) {
    const goal = node.attrs.goalId ? this.options.lookupGoal(node.attrs.goalId) : undefined;
    return [
      "div",
      mergeAttributes(HTMLAttributes, { "data-goal-reference": "", class: "goal-ref" }),
      ["span", { class: "goal-ref-kind" }, goal ? `${goal.kindLabel} goal` : "Goal"],
      ["strong", { class: "goal-ref-title" }, goal?.title ?? MISSING_TITLE],
      ["span", { class: "goal-ref-status" }, goal?.statusLabel ?? "Unknown status"],
    ];
  },

  renderText({ node }) {
    const goal = node.attrs.goalId ? this.options.lookupGoal(node.attrs.goalId) : undefined;
    return goal ? `Goal: ${goal.title} (${goal.statusLabel})` : `Goal: ${MISSING_TITLE}`;
  },
});
