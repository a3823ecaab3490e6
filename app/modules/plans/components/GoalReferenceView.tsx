// The goal reference block in the browser: the goal's title and status as the cycle has them now.
import { NodeViewWrapper, type ReactNodeViewProps } from "@tiptap/react";
import { createContext, useContext } from "react";
import type { GoalSummary } from "~/editor/goal-reference";

export interface PlanGoals {
  cycleId: string;
  byId: Map<string, GoalSummary>;
}

export const PlanGoalsContext = createContext<PlanGoals>({ cycleId: "", byId: new Map() });

export function GoalReferenceView({ node, selected }: ReactNodeViewProps) {
  const { cycleId, byId } = useContext(PlanGoalsContext);
  const goalId = typeof node.attrs.goalId === "string" ? node.attrs.goalId : "";
  const goal = byId.get(goalId);
  return (
    <NodeViewWrapper className={`goal-ref${selected ? " goal-ref--selected" : ""}`} data-goal-reference="" data-goal-id={goalId}>
      <span className="goal-ref-kind">{goal ? `${goal.kindLabel} goal` : "Goal"}</span>
      {goal ? (
        <a className="goal-ref-title" href={`/cycles/${cycleId}/goals/${goal.id}`} contentEditable={false}>
          {goal.title}
        </a>
      ) : (
        <strong className="goal-ref-title">A goal that is no longer in this cycle</strong>
      )}
      <span className="goal-ref-status">{goal?.statusLabel ?? "Unknown status"}</span>
    </NodeViewWrapper>
  );
}
