// How a cycle moves through its year: which phase the calendar suggests, what the team should do next, and which
// goals a closing cycle carries into the next one.
import type { GoalStatus } from "./goal-progress";
import { checkpointLabels, checkpoints, formatLongDate, schoolYearLabel, type Checkpoint, type CheckpointDates } from "./school-year";

export const cyclePhases = ["organize", "implement", "improve"] as const;
export type CyclePhase = (typeof cyclePhases)[number];
export type CycleStatus = "planning" | "active" | "closed";

export const cyclePhaseLabels: Record<CyclePhase, string> = {
  organize: "Organize (focus area 1: build foundational support and plan)",
  implement: "Implement (focus areas 2 and 3: adult and student SEL)",
  improve: "Improve (focus area 4: reflect on data and improve)",
};

export const goalDecisions = ["sustain", "new_strategies", "change_focus", "revise"] as const;
export type GoalDecision = (typeof goalDecisions)[number];

export const goalDecisionLabels: Record<GoalDecision, string> = {
  sustain: "Sustain and scale: carry it into next year as it is",
  new_strategies: "Keep the goal with new strategies: carry it, strategies rewritten",
  change_focus: "Change the implementation focus: end this goal",
  revise: "Revise the goal or extend its timeline: carry it, marked for revision",
};

/** A short form for badges and lists. */
export const goalDecisionShortLabels: Record<GoalDecision, string> = {
  sustain: "Sustain and scale",
  new_strategies: "New strategies",
  change_focus: "Change focus",
  revise: "Revise or extend",
};

/**
 * What a team would most likely decide when it has not said: what worked is sustained, a goal that missed or did not
 * move needs new strategies, and anything in between is revised or given more time. The year-end form starts
 * from this, and closing a cycle uses it for goals nobody decided about.
 */
export function suggestedDecision(status: GoalStatus): GoalDecision {
  if (status === "met") return "sustain";
  if (status === "not_met" || status === "worsening" || status === "flat") return "new_strategies";
  return "revise";
}

/** Whether the goal goes on into next year at all. */
export function carriesForward(decision: GoalDecision): boolean {
  return decision !== "change_focus";
}

/** Whether the goal's unfinished strategies go on with it (new strategies means the team writes them afresh). */
export function carriesStrategies(decision: GoalDecision): boolean {
  return decision === "sustain" || decision === "revise";
}

/**
 * The same calendar day a year later, for due dates carried into the next cycle. 29 February becomes
 * 28 February, because the next year has no such day.
 */
export function sameDayNextYear(date: string | null): string | null {
  if (date === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`Expected a date as YYYY-MM-DD, not "${date}".`);
  const year = Number(match[1]) + 1;
  const day = match[2] === "02" && match[3] === "29" ? "28" : match[3];
  return `${String(year).padStart(4, "0")}-${match[2]}-${day}`;
}

/**
 * The phase a cycle's calendar points to: organising until the baseline, implementing until the end-of-year
 * checkpoint, then improving (reflecting on the year's data and deciding what comes next).
 */
export function phaseForDate(today: string, dates: CheckpointDates): CyclePhase {
  if (today < dates.baseline) return "organize";
  if (today < dates.endyear) return "implement";
  return "improve";
}

/** The next checkpoint on or after today, or null when the year's checkpoints have all passed. */
export function nextCheckpoint(today: string, dates: CheckpointDates): Checkpoint | null {
  return checkpoints.find((c) => dates[c] >= today) ?? null;
}

export interface NextStepInput {
  today: string;
  status: CycleStatus;
  phase: CyclePhase;
  startYear: number;
  isDistrict: boolean;
  canEdit: boolean;
  dates: CheckpointDates;
  itemCount: number;
  /** How many rubric items have a score at each checkpoint. */
  scoredCount: Record<Checkpoint, number>;
  goalCount: number;
  goalsWithoutStrategies: number;
  /** Own goals nobody has recorded a year-end decision for. */
  undecidedGoals: number;
  overdueStrategies: number;
}

export interface NextStep {
  /** Stable key, so a page can pick an icon or a link for it. */
  id: "start" | "add-goals" | "add-strategies" | "score" | "overdue" | "phase" | "decide" | "launch" | "closed";
  text: string;
  /** The page of the cycle where the step is done, relative to the cycle. */
  to: string;
}

/**
 * What needs attention next in a cycle, most urgent first, in words a team reads at the top of its cycle page.
 * Only steps the reader can act on or should know about; a closed cycle has just one: it is read-only.
 */
export function nextSteps(input: NextStepInput): NextStep[] {
  const { today, dates } = input;
  if (input.status === "closed") {
    return [{ id: "closed", text: `The ${schoolYearLabel(input.startYear)} cycle is closed: what it holds stays as it was, read-only.`, to: "" }];
  }
  const steps: NextStep[] = [];
  if (input.status === "planning" && input.isDistrict) {
    steps.push({
      id: "start",
      text: "This cycle is still being planned. Start it when the goals are ready, so schools know the year is under way.",
      to: "settings",
    });
  }
  if (input.goalCount === 0) {
    steps.push({ id: "add-goals", text: "No annual goals yet: set at least one implementation goal and one outcome goal.", to: "goals/new" });
  } else if (input.goalsWithoutStrategies > 0) {
    steps.push({
      id: "add-strategies",
      text: `${plural(input.goalsWithoutStrategies, "goal has", "goals have")} no strategies yet: add the action steps, owners and dates.`,
      to: "goals",
    });
  }
  if (input.overdueStrategies > 0) {
    steps.push({ id: "overdue", text: `${plural(input.overdueStrategies, "strategy is", "strategies are")} past due.`, to: "" });
  }
  // The checkpoint that is due: the latest one whose date has passed but is not fully scored, else the next one.
  const passedUnscored = [...checkpoints].reverse().find((c) => dates[c] <= today && input.scoredCount[c] < input.itemCount);
  const upcoming = nextCheckpoint(today, dates);
  const due = passedUnscored ?? upcoming;
  if (due && input.scoredCount[due] < input.itemCount && input.itemCount > 0) {
    const missing = input.itemCount - input.scoredCount[due];
    const when = dates[due] <= today ? `was on ${formatLongDate(dates[due])}` : `is on ${formatLongDate(dates[due])}`;
    steps.push({
      id: "score",
      text: `The ${checkpointLabels[due].toLowerCase()} checkpoint ${when}: ${plural(missing, "rubric item is", "rubric items are")} not scored yet.`,
      to: "rubric",
    });
  }
  const suggested = phaseForDate(today, dates);
  if (input.status === "active" && cyclePhases.indexOf(suggested) > cyclePhases.indexOf(input.phase)) {
    steps.push({
      id: "phase",
      text: `The calendar has reached the ${cyclePhaseLabels[suggested].split(" (")[0]} phase; move the cycle on when the team is ready.`,
      to: "settings",
    });
  }
  if (input.phase === "improve" || today >= dates.endyear) {
    if (input.undecidedGoals > 0) {
      steps.push({
        id: "decide",
        text: `Reflect on the year and decide, goal by goal, what carries into ${schoolYearLabel(input.startYear + 1)}: ${plural(input.undecidedGoals, "goal has", "goals have")} no decision yet.`,
        to: "year-end",
      });
    }
    if (input.isDistrict && input.status === "active") {
      steps.push({
        id: "launch",
        text: `When the decisions are made, close ${schoolYearLabel(input.startYear)} and open ${schoolYearLabel(input.startYear + 1)} with the goals you carry forward.`,
        to: "year-end",
      });
    }
  }
  // Readers see how the year stands, not prompts for decisions they cannot take.
  return input.canEdit ? steps : steps.filter((s) => s.id === "overdue" || s.id === "score");
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}
