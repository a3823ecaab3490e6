// The goal reference block in the browser: the goal's title and status as the cycle has them now. The browser edits
// plans and drafts only, so a `frozen` attribute here is a client's and is never drawn (ADR 0034).
import { NodeViewWrapper, type ReactNodeViewProps } from "@tiptap/react";
import { createContext, useContext } from "react";
import { goalBlockWords, type GoalSummary } from "~/editor/goal-reference";

export interface PlanGoals {
  cycleId: string;
  byId: Map<string, GoalSummary>;
  /** The reader may not open the cycle's goals (see GoalReferenceOptions.goalsHidden). */
  hidden?: boolean;
}

export const PlanGoalsContext = createContext<PlanGoals>({ cycleId: "", byId: new Map() });

export function GoalReferenceView({ node, selected }: ReactNodeViewProps) {
  const { cycleId, byId, hidden } = useContext(PlanGoalsContext);
  const goalId = typeof node.attrs.goalId === "string" ? node.attrs.goalId : "";
  const words = goalBlockWords(node.attrs, (id) => byId.get(id), hidden);
  const link = byId.has(goalId);
  return (
    <NodeViewWrapper className={`goal-ref${selected ? " goal-ref--selected" : ""}`} data-goal-reference="" data-goal-id={goalId}>
      <span className="goal-ref-kind">{words.kind}</span>
      {link ? (
        <a className="goal-ref-title" href={`/cycles/${cycleId}/goals/${goalId}`} contentEditable={false}>
          {words.title}
        </a>
      ) : (
        <strong className="goal-ref-title">{words.title}</strong>
      )}
      <span className="goal-ref-status">{words.status}</span>
    </NodeViewWrapper>
  );
}
