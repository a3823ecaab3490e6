// The goal reference block: a plan or report points at one of its cycle's goals and shows the goal's current title and
// status; a published report carries the words as they were when it was published (attrs.frozen, ADR 0026). Only
// publishing writes those words, but any editor of a shared document can write the attribute too, so only renderers
// of published content trust it; everywhere else the words are the server's, looked up by goal id (ADR 0034).
import { mergeAttributes, Node } from "@tiptap/core";

export interface GoalSummary {
  id: string;
  title: string;
  /** The status as a badge reads it ("On track", "Met", …). */
  statusLabel: string;
  kindLabel: string;
}

/**
 * What a goal block said when its report was published, written into the node by publishing so later edits to the
 * goal never change a published version. The words are in the report's language.
 */
export interface FrozenGoal {
  /** The goal's kind and status key as they were; both null when the id named no goal of the report's cycle. */
  kind: "implementation" | "outcome" | null;
  status: string | null;
  /** The block's label ("Implementation goal", "Meta de resultados", or just "Goal" for a missing one). */
  kindLabel: string;
  title: string;
  statusLabel: string;
}

export interface GoalReferenceOptions {
  /** Looks the goal up at render time, so a stored document never freezes a title that later changes. */
  lookupGoal: (goalId: string) => GoalSummary | undefined;
  /**
   * The reader may not open the cycle's goals (a named reviewer from another school): a block says so rather than
   * calling the goal gone.
   */
  goalsHidden: boolean;
  /**
   * Draw the frozen words a block carries: only for a published report's stored content, which publishing wrote
   * itself. Off (the default) for plans, drafts, notes and their exports, whatever a client put in the attribute.
   */
  trustFrozen: boolean;
}

export const MISSING_GOAL_TITLE = "A goal that is no longer in this cycle";
export const UNKNOWN_GOAL_STATUS = "Unknown status";
const HIDDEN_GOAL_TITLE = "A goal of a cycle you cannot open";
const HIDDEN_GOAL_STATUS = "Status not shown";

/** The block's three lines of text; `found` is false when it names no goal the reader can see. */
export interface GoalBlockWords {
  kind: string;
  title: string;
  status: string;
  found: boolean;
}

/**
 * The frozen words if the attribute holds them (only strings are taken: attributes come from shared documents, so a
 * malformed value is ignored rather than drawn).
 */
export function frozenGoalOf(value: unknown): FrozenGoal | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.kindLabel !== "string" || typeof v.title !== "string" || typeof v.statusLabel !== "string") return null;
  return {
    kind: v.kind === "implementation" || v.kind === "outcome" ? v.kind : null,
    status: typeof v.status === "string" ? v.status : null,
    kindLabel: v.kindLabel,
    title: v.title,
    statusLabel: v.statusLabel,
  };
}

/**
 * What a goal block shows: in published content (trustFrozen) the words frozen at publishing, else the goal as the
 * lookup finds it now; a `frozen` attribute anywhere else is a client's, never drawn.
 */
export function goalBlockWords(
  attrs: { goalId?: unknown; frozen?: unknown } | null | undefined,
  lookupGoal: GoalReferenceOptions["lookupGoal"],
  goalsHidden = false,
  trustFrozen = false,
): GoalBlockWords {
  const frozen = trustFrozen ? frozenGoalOf(attrs?.frozen) : null;
  if (frozen) return { kind: frozen.kindLabel, title: frozen.title, status: frozen.statusLabel, found: frozen.kind !== null };
  const goal = typeof attrs?.goalId === "string" ? lookupGoal(attrs.goalId) : undefined;
  if (goal) return { kind: `${goal.kindLabel} goal`, title: goal.title, status: goal.statusLabel, found: true };
  if (goalsHidden) return { kind: "Goal", title: HIDDEN_GOAL_TITLE, status: HIDDEN_GOAL_STATUS, found: false };
  return { kind: "Goal", title: MISSING_GOAL_TITLE, status: UNKNOWN_GOAL_STATUS, found: false };
}

/** The block as Markdown: a quoted line naming the goal and its status (the Markdown serializer calls this without the extension's options, so the lookup is passed in). */
export function goalReferenceMarkdown(
  attrs: { goalId?: unknown; frozen?: unknown } | null | undefined,
  lookupGoal: GoalReferenceOptions["lookupGoal"],
  goalsHidden = false,
  trustFrozen = false,
): string {
  const words = goalBlockWords(attrs, lookupGoal, goalsHidden, trustFrozen);
  const plain = (text: string) => text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
  if (!words.found) return `> **${plain(words.kind)}:** ${plain(words.title)}`;
  return `> **${plain(words.kind)}:** ${plain(words.title)} — ${plain(words.status)}`;
}

export const GoalReference = Node.create<GoalReferenceOptions>({
  name: "goalReference",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    return { lookupGoal: () => undefined, goalsHidden: false, trustFrozen: false };
  },

  addAttributes() {
    return {
      goalId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-goal-id"),
        renderHTML: (attributes) => ({ "data-goal-id": attributes.goalId }),
      },
      // Only publishing writes it; never read from or written to HTML, so pasting a page cannot forge it. Documents
      // stored before it existed read it as null.
      frozen: {
        default: null,
        parseHTML: () => null,
        renderHTML: () => ({}),
      },
    };
  },

  parseHTML() {
    return [{ tag: "div[data-goal-reference]" }];
  },

  renderHTML({ node, HTMLAttributes }) {
    const words = goalBlockWords(node.attrs, this.options.lookupGoal, this.options.goalsHidden, this.options.trustFrozen);
    return [
      "div",
      mergeAttributes(HTMLAttributes, { "data-goal-reference": "", class: "goal-ref" }),
      ["span", { class: "goal-ref-kind" }, words.kind],
      ["strong", { class: "goal-ref-title" }, words.title],
      ["span", { class: "goal-ref-status" }, words.status],
    ];
  },

  renderText({ node }) {
    const words = goalBlockWords(node.attrs, this.options.lookupGoal, this.options.goalsHidden, this.options.trustFrozen);
    return words.found ? `Goal: ${words.title} (${words.status})` : `Goal: ${words.title}`;
  },
});
