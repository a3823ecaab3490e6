// Forms about goals, their strategies and a school's adoption of a district goal. Values arrive as strings from FormData.
import { z } from "zod";
import { checkpoints, isIsoDate } from "./school-year";
import { stripBidiControls } from "~/utils/text";

export const goalKinds = ["implementation", "outcome"] as const;
export type GoalKind = (typeof goalKinds)[number];

export const goalKindLabels: Record<GoalKind, string> = {
  implementation: "Implementation goal (a rubric level to reach)",
  outcome: "Outcome goal (a measure to move)",
};

export const mirrorScopes = ["none", "all_schools", "chosen_schools"] as const;
export type MirrorScope = (typeof mirrorScopes)[number];

export const mirrorScopeLabels: Record<MirrorScope, string> = {
  none: "District only",
  all_schools: "Shared with every school",
  chosen_schools: "Shared with chosen schools",
};

export const strategyStatuses = ["planned", "in_progress", "done", "blocked"] as const;
export type StrategyStatus = (typeof strategyStatuses)[number];

export const strategyStatusLabels: Record<StrategyStatus, string> = {
  planned: "Planned",
  in_progress: "In progress",
  done: "Done",
  blocked: "Blocked",
};

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");
/** An empty field is "not given": required fields then report their own message instead of coercing "" to 0. */
const blankToUndefined = (v: unknown) => (isBlank(v) ? undefined : v);
const blankToNull = (v: unknown) => (isBlank(v) ? null : v);

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter the ${label} as text.` })
    .trim()
    .max(max, `Keep the ${label} under ${max.toLocaleString("en-US")} characters.`)
    .default("");

const isoDate = (label: string) =>
  z
    .string({ error: `Enter the ${label} as YYYY-MM-DD.` })
    .trim()
    .refine(isIsoDate, `Enter the ${label} as a real date, YYYY-MM-DD.`);

/** The version the form was loaded with; empty when the record did not exist yet. */
const expectedVersion = z.preprocess(
  blankToNull,
  z.coerce.number({ error: "The form's version is not a number; reload the page." }).int().positive().nullable(),
);

const mirrorScope = z.preprocess(
  (v) => (isBlank(v) ? "none" : v),
  z.enum(mirrorScopes, { error: "Choose who this goal is shared with: the district only, every school, or chosen schools." }),
);

/** Checkboxes named schoolIds: absent, one value or many. */
const schoolIds = z.preprocess(
  (v) => (isBlank(v) ? [] : Array.isArray(v) ? v.filter((s) => !isBlank(s)) : [v]),
  z
    .array(z.uuid({ error: "Choose schools from the list." }))
    .max(500, "Choose at most 500 schools.")
    .transform((ids) => [...new Set(ids)]),
);

const common = {
  title: z.preprocess(
    (v) => (typeof v === "string" ? stripBidiControls(v) : (v ?? "")),
    z.string({ error: "Enter a title for the goal." }).trim().min(1, "Enter a title for the goal.").max(200, "Keep the title under 200 characters."),
  ),
  description: text("description", 4000),
  relevance: text("note on relevance", 2000),
  population: text("students this goal is for", 500),
  inclusiveNote: text("note on who shaped the goal", 2000),
  equityNote: text("note on equity", 2000),
  mirrorScope,
  schoolIds,
  expectedVersion,
};

const levelMessage = "Choose the rubric level to reach, from 1 to 4.";

export const implementationGoalSchema = z.object({
  kind: z.literal("implementation"),
  ...common,
  rubricItemId: z.preprocess(blankToUndefined, z.uuid({ error: "Choose the rubric activity this goal is about." })),
  targetLevel: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: levelMessage }).int(levelMessage).min(1, levelMessage).max(4, levelMessage),
  ),
  targetCheckpoint: z.preprocess(
    blankToUndefined,
    z.enum(checkpoints, { error: "Choose the checkpoint by which to reach the level: baseline, mid-year or end of year." }),
  ),
});

export const outcomeGoalSchema = z.object({
  kind: z.literal("outcome"),
  ...common,
  measureId: z.preprocess(blankToUndefined, z.uuid({ error: "Choose the measure this goal is about." })),
  baselineValue: z.preprocess(blankToNull, z.coerce.number({ error: "Enter the baseline value as a number, or leave it empty." }).nullable()),
  targetValue: z.preprocess(blankToUndefined, z.coerce.number({ error: "Enter the target value as a number." })),
  dueDate: z.preprocess(blankToUndefined, isoDate("due date")),
});

export const goalSchema = z
  .discriminatedUnion("kind", [implementationGoalSchema, outcomeGoalSchema], {
    error: "Choose the kind of goal: implementation or outcome.",
  })
  .refine((goal) => goal.mirrorScope !== "chosen_schools" || goal.schoolIds.length > 0, {
    path: ["schoolIds"],
    message: "Choose at least one school to share this goal with.",
  });

export const strategySchema = z.object({
  title: z.preprocess(
    (v) => (typeof v === "string" ? stripBidiControls(v) : (v ?? "")),
    z
      .string({ error: "Enter what the strategy is." })
      .trim()
      .min(1, "Enter what the strategy is.")
      .max(300, "Keep the strategy's title under 300 characters."),
  ),
  ownerName: text("owner's name", 120),
  dueDate: z.preprocess(blankToNull, isoDate("due date").nullable()),
  status: z.preprocess(
    (v) => (isBlank(v) ? "planned" : v),
    z.enum(strategyStatuses, { error: "Choose the status: planned, in progress, done or blocked." }),
  ),
  expectedVersion,
});

/** Removing a step: only the version the person saw, so a newer change is never removed unseen. */
export const strategyRemovalSchema = z.object({ expectedVersion });

export const adoptionSchema = z.object({
  localTarget: text("local target", 1000),
  expectedVersion,
});

export type GoalInput = z.output<typeof goalSchema>;
export type StrategyInput = z.output<typeof strategySchema>;
export type AdoptionInput = z.output<typeof adoptionSchema>;
