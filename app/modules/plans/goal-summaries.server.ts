// The goals a goal reference block may name, for the reader: a cycle's own goals and, for a school's cycle, the district
// goals shared with it. Plans, meeting notes and report drafts all draw their goal blocks from this one list.
import type { Database } from "#db/client.server";
import type { GoalSummary } from "~/editor/goal-reference";
import { goalStatusLabel } from "~/modules/cycles/goal-progress";
import { listGoalsForCycle } from "~/modules/cycles/goals.server";
import type { Actor } from "~/modules/people/permissions";

/** The cycle's goals as the goal reference block shows them; the reader must be allowed to read the cycle. */
export async function goalBlockSummaries(db: Database, actor: Actor, cycleId: string): Promise<GoalSummary[]> {
  const { own, mirrored } = await listGoalsForCycle(db, actor, cycleId);
  return [...own, ...mirrored].map((goal) => ({
    id: goal.id,
    title: goal.title,
    statusLabel: goalStatusLabel(goal.progress.status),
    kindLabel: goal.kind === "implementation" ? "Implementation" : "Outcome",
  }));
}
