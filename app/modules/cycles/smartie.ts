// Checks a goal draft against SMARTIE (specific, measurable, ambitious and attainable, relevant, time-bound, inclusive, equitable) and says, in plain words, what is still needed.
import { improves, measureDirectionLabels, type MeasureDirection } from "./goal-progress";
import { levelLabel, isRubricLevel } from "./rubric-rollup";
import { formatLongDate, isIsoDate, isInSchoolYear, schoolYearLabel, schoolYearSpan, type Checkpoint, type CheckpointDates } from "./school-year";

interface GoalDraftCommon {
  title: string;
  description?: string | null;
  /** Which students the goal is for: "all students", "grades 6–8", "multilingual learners". */
  population?: string | null;
  /** Who shaped the goal, especially people often left out of such decisions. */
  inclusiveNote?: string | null;
  /** How the goal narrows gaps between groups of students. */
  equityNote?: string | null;
  /** How the goal serves the district's SEL vision and needs. */
  relevance?: string | null;
}

export interface ImplementationGoalDraft extends GoalDraftCommon {
  kind: "implementation";
  rubricItemId?: string | null;
  targetLevel?: number | null;
  targetCheckpoint?: Checkpoint | null;
  /** The item's level now, when it has been scored. */
  currentLevel?: number | null;
}

export interface OutcomeGoalDraft extends GoalDraftCommon {
  kind: "outcome";
  measureId?: string | null;
  direction?: MeasureDirection | null;
  baselineValue?: number | null;
  targetValue?: number | null;
  /** YYYY-MM-DD */
  dueDate?: string | null;
}

export type GoalDraft = ImplementationGoalDraft | OutcomeGoalDraft;

export interface SmartieCycle {
  startYear: number;
  checkpointDates: CheckpointDates;
}

export const smartieLetters = ["S", "M", "A", "R", "T", "I", "E"] as const;
export type SmartieLetter = (typeof smartieLetters)[number];

export const smartieNames: Record<SmartieLetter, string> = {
  S: "Specific",
  M: "Measurable",
  A: "Ambitious and attainable",
  R: "Relevant",
  T: "Time-bound",
  I: "Inclusive",
  E: "Equitable",
};

/** "missing" blocks marking the goal ready; "prompt" is a nudge the team may answer or leave. */
export type SmartieStatus = "met" | "missing" | "prompt";

export interface SmartieCheck {
  letter: SmartieLetter;
  name: string;
  status: SmartieStatus;
  message: string;
}

/** Shorter than this, a description rarely says what will change, for whom and how. */
const specificDescriptionLength = 20;

// More than two rubric levels in one school year is rare; worth a second look, never a block.
const attainableLevelJump = 2;

const filled = (text: string | null | undefined): text is string => typeof text === "string" && text.trim().length > 0;
const isNumber = (value: number | null | undefined): value is number => typeof value === "number" && Number.isFinite(value);

const checkpointPhrase: Record<Checkpoint, string> = {
  baseline: "the baseline",
  midyear: "the mid-year checkpoint",
  endyear: "the end-of-year checkpoint",
};

/** One check per SMARTIE letter, always in S-M-A-R-T-I-E order. */
export function checkSmartie(goal: GoalDraft, cycle: SmartieCycle): SmartieCheck[] {
  const result: Record<SmartieLetter, [SmartieStatus, string]> = {
    S: specific(goal),
    M: goal.kind === "implementation" ? measurableImplementation(goal) : measurableOutcome(goal),
    A: goal.kind === "implementation" ? ambitiousImplementation(goal) : ambitiousOutcome(goal),
    R: filled(goal.relevance)
      ? ["met", "Says how it serves the district's SEL priorities."]
      : ["prompt", "Say how this goal connects to your SEL vision and the needs your data showed."],
    T: goal.kind === "implementation" ? timeBoundImplementation(goal, cycle) : timeBoundOutcome(goal, cycle),
    I: inclusive(goal),
    E: filled(goal.equityNote)
      ? ["met", "Says how it narrows gaps between groups of students."]
      : ["prompt", "Say how this goal will narrow gaps between groups of students, for example by race, language or disability."],
  };
  return smartieLetters.map((letter) => ({ letter, name: smartieNames[letter], status: result[letter][0], message: result[letter][1] }));
}

/** The checks that stop a goal from being marked ready. Prompts never do. */
export function smartieBlockers(checks: readonly SmartieCheck[]): SmartieCheck[] {
  return checks.filter((check) => check.status === "missing");
}

/** How many of the seven letters the goal meets, for "5 of 7". */
export function smartieScore(checks: readonly SmartieCheck[]): { met: number; total: number } {
  return { met: checks.filter((check) => check.status === "met").length, total: checks.length };
}

function specific(goal: GoalDraft): [SmartieStatus, string] {
  if (!filled(goal.title)) return ["missing", "Not specific yet: give the goal a title that names what will change."];
  if (!filled(goal.description) || goal.description.trim().length < specificDescriptionLength) {
    return ["prompt", "Say what exactly will change, for whom and how, in a sentence or two."];
  }
  return ["met", "Says what will change."];
}

function measurableImplementation(goal: ImplementationGoalDraft): [SmartieStatus, string] {
  const hasItem = filled(goal.rubricItemId);
  const hasLevel = goal.targetLevel !== null && goal.targetLevel !== undefined;
  if (!hasItem && !hasLevel) return ["missing", "Not measurable yet: choose the rubric activity and the level to reach."];
  if (!hasItem) return ["missing", "Not measurable yet: choose the rubric activity this goal is about."];
  if (!hasLevel) return ["missing", "Not measurable yet: choose the rubric level to reach."];
  if (!isRubricLevel(goal.targetLevel)) return ["missing", "Not measurable yet: the level to reach must be 1, 2, 3 or 4."];
  return ["met", `Measured by the rubric: reach ${levelLabel(goal.targetLevel)}.`];
}

function measurableOutcome(goal: OutcomeGoalDraft): [SmartieStatus, string] {
  const hasMeasure = filled(goal.measureId);
  const hasTarget = isNumber(goal.targetValue);
  if (!hasMeasure && !hasTarget) return ["missing", "Not measurable yet: choose a measure and add a target value."];
  if (!hasMeasure) return ["missing", "Not measurable yet: choose the measure this goal is about."];
  if (!hasTarget) return ["missing", "Not measurable yet: add a target value."];
  return ["met", `Measured against a target of ${goal.targetValue}.`];
}

function ambitiousImplementation(goal: ImplementationGoalDraft): [SmartieStatus, string] {
  // Without a valid target level there is nothing to judge; Measurable already says so.
  if (!isRubricLevel(goal.targetLevel)) return ["prompt", "Once there is a level to reach, it can be compared with where the activity stands now."];
  const target = goal.targetLevel;
  if (!isRubricLevel(goal.currentLevel)) {
    return ["prompt", "Score this activity on the rubric first, to check the level to reach is a step up."];
  }
  const current = goal.currentLevel;
  if (current === 4) {
    return ["missing", "This activity is already fully planned and implemented; choose another activity to grow."];
  }
  if (target <= current) {
    return ["missing", `The level to reach does not go beyond where the activity stands now (${levelLabel(current)}).`];
  }
  if (target - current > attainableLevelJump) {
    return ["prompt", `Moving from level ${current} to level ${target} in one year is a big step; check it is attainable.`];
  }
  return ["met", `A step up from level ${current} to level ${target}.`];
}

function ambitiousOutcome(goal: OutcomeGoalDraft): [SmartieStatus, string] {
  if (!isNumber(goal.targetValue)) return ["prompt", "Once there is a target value, it can be compared with the baseline."];
  if (!goal.direction) return ["prompt", "Say whether higher or lower is better for this measure, to check the target is an improvement."];
  if (!isNumber(goal.baselineValue)) {
    return ["prompt", "Add the baseline value, to check the target is an improvement on where students are now."];
  }
  if (!improves(goal.direction, goal.baselineValue, goal.targetValue)) {
    return ["missing", `The target does not improve on the baseline (${measureDirectionLabels[goal.direction]} for this measure).`];
  }
  return ["met", `Improves on the baseline of ${goal.baselineValue}.`];
}

function timeBoundImplementation(goal: ImplementationGoalDraft, cycle: SmartieCycle): [SmartieStatus, string] {
  const label = schoolYearLabel(cycle.startYear);
  if (!goal.targetCheckpoint) return ["missing", `Not time-bound yet: choose the checkpoint in ${label} by which to reach the level.`];
  const phrase = checkpointPhrase[goal.targetCheckpoint];
  const date = cycle.checkpointDates[goal.targetCheckpoint];
  if (!isIsoDate(date)) return ["missing", `Not time-bound yet: set the date of ${phrase} for ${label}.`];
  if (!isInSchoolYear(date, cycle.startYear)) {
    return [
      "missing",
      `Not time-bound within ${label}: ${phrase} is set for ${formatLongDate(date)}, outside the school year (${schoolYearSpan(cycle.startYear)}).`,
    ];
  }
  return ["met", `Due by ${phrase} (${formatLongDate(date)}).`];
}

function timeBoundOutcome(goal: OutcomeGoalDraft, cycle: SmartieCycle): [SmartieStatus, string] {
  const label = schoolYearLabel(cycle.startYear);
  if (!filled(goal.dueDate)) return ["missing", `Not time-bound yet: add a due date within ${label}.`];
  if (!isIsoDate(goal.dueDate)) return ["missing", "Not time-bound yet: the due date is not a date; write it as YYYY-MM-DD."];
  if (!isInSchoolYear(goal.dueDate, cycle.startYear)) {
    return [
      "missing",
      `Not time-bound within ${label}: the due date, ${formatLongDate(goal.dueDate)}, falls outside the school year (${schoolYearSpan(cycle.startYear)}).`,
    ];
  }
  return ["met", `Due by ${formatLongDate(goal.dueDate)}.`];
}

function inclusive(goal: GoalDraft): [SmartieStatus, string] {
  const hasPopulation = filled(goal.population);
  const hasNote = filled(goal.inclusiveNote);
  if (!hasPopulation && !hasNote) {
    return ["prompt", "Say which students this goal is for, and who helped shape it: students, families and staff who are often left out."];
  }
  if (!hasPopulation) return ["prompt", "Say which students this goal is for, for example all students or grades 6–8."];
  if (!hasNote) return ["prompt", "Say who helped shape this goal: students, families and staff who are often left out."];
  return ["met", `For ${goal.population!.trim()}, shaped with the people it affects.`];
}
