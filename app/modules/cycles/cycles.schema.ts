// Forms about cycles and rubric scores.
import { z } from "zod";
import { checkpoints } from "./school-year";

export type { Checkpoint } from "./school-year";

/** A checkpoint date field; whether it is a real date inside the school year is checked with the other dates. */
export const checkpointDate = (label: string) =>
  z.string({ error: `Enter the ${label} date.` }).regex(/^\d{4}-\d{2}-\d{2}$/, `Enter the ${label} date as YYYY-MM-DD.`);

export const newCycleSchema = z.object({
  startYear: z.coerce.number({ error: "Choose the school year." }).int().min(2000, "Choose a school year from 2000 on.").max(2100),
  baselineDate: checkpointDate("baseline"),
  midyearDate: checkpointDate("mid-year"),
  endyearDate: checkpointDate("end-of-year"),
});

const evidenceLinks = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean)
      : (v ?? []),
  z
    .array(z.url({ protocol: /^https?$/, error: "Each link must be a full web address starting with https:// (one per line)." }))
    .max(20, "Add at most 20 links."),
);

export const rubricScoreSchema = z.object({
  rubricItemId: z.uuid({ error: "Choose a rubric item." }),
  checkpoint: z.enum(checkpoints, { error: "Choose a checkpoint." }),
  level: z.coerce.number({ error: "Choose a level from 1 to 4." }).int().min(1, "Choose a level from 1 to 4.").max(4, "Choose a level from 1 to 4."),
  evidence: z.string().trim().max(4000, "Keep the evidence under 4,000 characters.").default(""),
  evidenceLinks,
  // The version the form was loaded with; empty when the item had no score yet.
  expectedVersion: z.preprocess((v) => (v === "" || v === undefined ? null : v), z.coerce.number().int().positive().nullable()),
});

export type NewCycleInput = z.infer<typeof newCycleSchema>;
export type RubricScoreForm = z.infer<typeof rubricScoreSchema>;
