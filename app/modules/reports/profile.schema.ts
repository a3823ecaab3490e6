// The district profile form: what SEL means here, the history of the commitment and its milestones (rows a form
// adds and removes), read from form fields so the page works without JavaScript.
import { z } from "zod";

export const PROFILE_TEXT_MAX = 5000;
export const MILESTONE_TEXT_MAX = 300;
export const MILESTONES_MAX = 40;

const milestone = z.object({
  startYear: z.coerce
    .number({ error: "Enter the school year's first year, like 2019." })
    .int("Enter a whole year, like 2019.")
    .min(1950, "Enter a year from 1950 on.")
    .max(2100, "Enter a year before 2100."),
  text: z.string().trim().min(1, "Say what happened that year.").max(MILESTONE_TEXT_MAX, `Keep a milestone under ${MILESTONE_TEXT_MAX} characters.`),
});

export const profileSchema = z.object({
  selStatement: z.string().trim().max(PROFILE_TEXT_MAX, `Keep it under ${PROFILE_TEXT_MAX} characters.`),
  history: z.string().trim().max(PROFILE_TEXT_MAX, `Keep it under ${PROFILE_TEXT_MAX} characters.`),
  milestones: z.array(milestone).max(MILESTONES_MAX, `Keep to ${MILESTONES_MAX} milestones.`),
  /** 0 when no profile was saved yet. */
  expectedVersion: z.coerce.number().int().min(0),
});
export type ProfileInput = z.output<typeof profileSchema>;

/**
 * The form's fields as the schema reads them: milestone rows come as milestoneYear/milestoneText pairs; a row left
 * wholly empty is dropped (the blank row the page offers for adding), one half-filled is kept so it gets an error.
 */
export function profileFormValues(form: FormData) {
  const years = form.getAll("milestoneYear").map(String);
  const texts = form.getAll("milestoneText").map(String);
  const rows = Array.from({ length: Math.max(years.length, texts.length) }, (_, i) => ({ startYear: (years[i] ?? "").trim(), text: (texts[i] ?? "").trim() }));
  return {
    selStatement: String(form.get("selStatement") ?? ""),
    history: String(form.get("history") ?? ""),
    milestones: rows.filter((r) => r.startYear !== "" || r.text !== ""),
    expectedVersion: String(form.get("expectedVersion") ?? "0"),
  };
}
