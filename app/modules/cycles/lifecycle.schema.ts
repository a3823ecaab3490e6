// Forms about a cycle's life: its settings, year-end decisions and opening the next year.
import { z } from "zod";
import { checkpointDate } from "./cycles.schema";
import { cyclePhases, goalDecisions } from "./lifecycle";


const expectedVersion = z.coerce.number({ error: "The form is missing its version; reload the page." }).int().positive();

export const cycleSettingsSchema = z.object({
  phase: z.enum(cyclePhases, { error: "Choose the phase the cycle is in." }),
  baselineDate: checkpointDate("baseline"),
  midyearDate: checkpointDate("mid-year"),
  endyearDate: checkpointDate("end-of-year"),
  expectedVersion,
});

export const startCycleSchema = z.object({ expectedVersion });

/**
 * A decisions form (the year-end page, a reflection meeting) sends, per goal, `decision.<goalId>` and
 * `note.<goalId>`; this turns those fields into a list so each problem can name its goal.
 */
export function decisionFields(raw: unknown) {
  const form = (raw ?? {}) as Record<string, unknown>;
  const ids = Object.keys(form)
    .filter((k) => k.startsWith("decision."))
    .map((k) => k.slice("decision.".length));
  return {
    expectedVersion: form.expectedVersion,
    decisions: ids.map((goalId) => ({ goalId, decision: form[`decision.${goalId}`], note: form[`note.${goalId}`] ?? "" })),
  };
}

export const yearEndDecisionsSchema = z.preprocess(
  decisionFields,
  z.object({
    expectedVersion,
    decisions: z
      .array(
        z.object({
          goalId: z.uuid({ error: "The form names a goal that does not exist; reload the page." }),
          decision: z.enum(goalDecisions, { error: "Choose what happens to this goal next year." }),
          note: z.string().trim().max(2000, "Keep the note under 2,000 characters."),
        }),
      )
      .min(1, "There are no goals to decide about."),
  }),
);

export const launchNextSchema = z.object({
  baselineDate: checkpointDate("baseline"),
  midyearDate: checkpointDate("mid-year"),
  endyearDate: checkpointDate("end-of-year"),
  expectedVersion,
  confirm: z.literal("yes", { error: "Tick the box to confirm that this year becomes read-only for the district and every school." }),
});

export type CycleSettingsInput = z.output<typeof cycleSettingsSchema>;
export type YearEndDecisionsInput = z.output<typeof yearEndDecisionsSchema>;
export type LaunchNextInput = z.output<typeof launchNextSchema>;
