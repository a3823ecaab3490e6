// The district profile form: what SEL means here, the history of the commitment and its milestones (rows a form
// adds and removes), read from form fields so the page works without JavaScript.
import { z } from "zod";
import { ValidationFailed } from "~/utils/errors";

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
  // A row ticked "Remove" goes, by its position in the form; so does a row left wholly empty.
  const removed = new Set(form.getAll("removeMilestone").map(String));
  const rows = Array.from({ length: Math.max(years.length, texts.length) }, (_, i) => ({ startYear: (years[i] ?? "").trim(), text: (texts[i] ?? "").trim() }));
  return {
    selStatement: String(form.get("selStatement") ?? ""),
    history: String(form.get("history") ?? ""),
    milestones: rows.filter((r, i) => !removed.has(String(i)) && (r.startYear !== "" || r.text !== "")),
    expectedVersion: String(form.get("expectedVersion") ?? "0"),
  };
}

/**
 * The form parsed, or ValidationFailed naming each bad field; a milestone's error names its row
 * ("milestones.1.startYear": "Row 2: Enter a whole year, like 2019.").
 */
export function parseProfileForm(form: FormData): ProfileInput {
  const result = profileSchema.safeParse(profileFormValues(form));
  if (result.success) return result.data;
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const [first, row, field] = issue.path.map(String);
    const key = first === "milestones" && row !== undefined && field ? `milestones.${row}.${field}` : (first ?? "form");
    const message = first === "milestones" && row !== undefined && field ? `Milestone ${Number(row) + 1}: ${issue.message}` : issue.message;
    (errors[key] ??= []).push(message);
  }
  throw new ValidationFailed(errors);
}
