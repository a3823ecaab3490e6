// Forms of student support, one zod schema each, used by the actions that receive them.
import { z } from "zod";
import { nameText } from "~/utils/text";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD.");

export const noteSchema = z.object({
  body: z.string().trim().min(1, "Write the note.").max(4000, "Keep notes under 4,000 characters."),
});

export const interventionSchema = z.object({
  catalogId: z.uuid("Choose an intervention."),
  ownerId: z.uuid("Choose who owns the plan."),
  startDate: isoDate,
  goal: z.string().trim().min(1, "Say what the plan should achieve for the student.").max(2000),
});

export const ratingLabels: Record<number, string> = { 1: "No progress", 2: "Some progress", 3: "Good progress", 4: "Goal reached" };

export const checkInSchema = z.object({
  weekOf: isoDate,
  rating: z.coerce.number().int().min(1, "Choose a progress rating.").max(4, "Choose a progress rating."),
  note: z.string().trim().max(2000).default(""),
});

export const outcomeLabels = { goal_met: "Goal met", progress: "Progress, goal not met", no_progress: "No progress", discontinued: "Discontinued" } as const;

export const endSchema = z.object({
  endDate: isoDate,
  outcome: z.enum(["goal_met", "progress", "no_progress", "discontinued"], "Choose an outcome."),
  outcomeNote: z.string().trim().max(2000).default(""),
  expectedVersion: z.coerce.number().int().positive(),
});

export const settingsSchema = z.object({
  absencePercent: z.coerce.number("Enter a percentage.").min(1, "Between 1 and 50.").max(50, "Between 1 and 50."),
  failingCourses: z.coerce.number().int("A whole number.").min(1, "At least 1.").max(10, "At most 10."),
  behaviourIncidents: z.coerce.number().int("A whole number.").min(0, "At least 0.").max(50, "At most 50."),
  selBenchmark: z.coerce.number("Enter a score.").min(1, "Between 1 and 5.").max(5, "Between 1 and 5."),
  retentionMonths: z.coerce.number().int("A whole number of months.").min(1, "At least 1 month.").max(120, "At most 120 months."),
  expectedVersion: z.coerce.number().int().positive(),
});

export const catalogItemSchema = z.object({
  name: nameText(z.string().trim().min(2, "Name the intervention.").max(120, "Keep the name under 120 characters.")),
  description: z.string().trim().max(1000, "Keep the description under 1,000 characters.").default(""),
});

/** Changing an item: the add form's fields, and the version the form was opened at. */
export const catalogItemEditSchema = catalogItemSchema.extend({
  expectedVersion: z.coerce.number().int().positive(),
});

/** Retiring an item or bringing it back: only the version the page showed. */
export const catalogItemStatusSchema = z.object({
  expectedVersion: z.coerce.number().int().positive(),
});

export const importKindSchema = z.enum(["roster", "indicators"]);
