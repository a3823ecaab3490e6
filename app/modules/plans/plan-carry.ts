// Next year's action plan starts from this year's: the same content, with each goal block pointing at the goal that
// continues it, and a goal that did not go on turned into a line saying so (a block for a goal of another year would
// only show "not in this cycle").
import type { JSONContent } from "@tiptap/core";

export interface CarriedGoals {
  /** This year's goal id → next year's goal id, for goals carried forward. */
  next: ReadonlyMap<string, string>;
  /** This year's goal titles, to name the ones that ended. */
  titles: ReadonlyMap<string, string>;
}

/** `yearLabel` is the year that closed ("2026–27"), `nextYearLabel` the one the plan is now for. */
export function carryPlanContent(json: JSONContent, goals: CarriedGoals, yearLabel: string, nextYearLabel: string): JSONContent {
  const visit = (node: JSONContent): JSONContent => {
    if (node.type === "goalReference") {
      const oldId = typeof node.attrs?.goalId === "string" ? node.attrs.goalId : null;
      const nextId = oldId ? goals.next.get(oldId) : undefined;
      if (nextId) return { ...node, attrs: { ...node.attrs, goalId: nextId } };
      const title = oldId ? goals.titles.get(oldId) : undefined;
      return {
        type: "paragraph",
        content: [{ type: "text", text: `${title ? `“${title}”` : "A goal"} ended in ${yearLabel} and was not carried forward.`, marks: [{ type: "italic" }] }],
      };
    }
    return node.content ? { ...node, content: node.content.map(visit) } : node;
  };
  const carried = visit(json);
  const note: JSONContent = {
    type: "paragraph",
    content: [{ type: "text", text: `Started from the ${yearLabel} action plan: update it for ${nextYearLabel}.`, marks: [{ type: "italic" }] }],
  };
  return { ...carried, content: [note, ...(carried.content ?? [])] };
}

/** The year-end note for a damaged plan next year starts from an earlier version of (`from`: "its version “…”"). */
export function damagedPlanCarried(documentLabel: string, from: string) {
  return `${documentLabel} is damaged, so next year’s plan starts from ${from}, the last one that reads cleanly: check it for anything written after that.`;
}

/** The year-end note for a damaged plan with no version that reads cleanly: nothing of it could be carried. */
export function damagedPlanNotCarried(documentLabel: string) {
  return `${documentLabel} could not be copied: it is damaged and no earlier version reads cleanly. Next year’s plan starts from the template; the closed plan’s history keeps every version.`;
}
