// Forms for the measures catalog and the district's own student groups.
import { z } from "zod";
import { nameText } from "~/utils/text";

export const measureUnits = ["percent", "mean"] as const;
export const measureUnitLabels: Record<(typeof measureUnits)[number], string> = { percent: "Percent (%)", mean: "Mean score" };

export const measureDirections = ["higher_is_better", "lower_is_better"] as const;
export const measureDirectionLabels: Record<(typeof measureDirections)[number], string> = {
  higher_is_better: "Higher is better",
  lower_is_better: "Lower is better",
};

export const measureCategories = ["sel_competency", "connectedness", "attendance", "course_failure", "custom"] as const;
export const measureCategoryLabels: Record<(typeof measureCategories)[number], string> = {
  sel_competency: "SEL competency",
  connectedness: "Connectedness",
  attendance: "Attendance",
  course_failure: "Course failure",
  custom: "Other",
};

const name = nameText(
  z
    .string({ error: "Enter a name." })
    .trim()
    .min(2, "Use at least 2 characters.")
    .max(120, "Use at most 120 characters."),
);

const scaleNumber = (what: string) =>
  z
    .string({ error: `Enter the scale's ${what}.` })
    .trim()
    .min(1, `Enter the scale's ${what}.`)
    .transform(Number)
    .pipe(z.number({ error: "Enter a number." }).min(-1_000_000, "Too small.").max(1_000_000, "Too large."));

const measureFields = z.object({
  name,
  description: z.string().trim().max(500, "Use at most 500 characters.").optional().default(""),
  unit: z.enum(measureUnits, { error: "Choose a unit." }),
  direction: z.enum(measureDirections, { error: "Choose which way is better." }),
  category: z.enum(measureCategories, { error: "Choose a category." }),
  scaleMin: scaleNumber("lowest value"),
  scaleMax: scaleNumber("highest value"),
});

function checkScale(m: { unit: string; scaleMin: number; scaleMax: number }, ctx: z.core.$RefinementCtx) {
  if (m.scaleMax <= m.scaleMin) ctx.addIssue({ code: "custom", path: ["scaleMax"], message: "The highest value must be above the lowest." });
  if (m.unit === "percent" && (m.scaleMin < 0 || m.scaleMax > 100)) {
    ctx.addIssue({ code: "custom", path: ["scaleMax"], message: "A percentage runs from 0 to 100 at most." });
  }
}

export const measureSchema = measureFields.superRefine(checkScale);

/** The version a form was loaded with, so a save over someone else's newer one is refused instead of overwriting it. */
const expectedVersion = z.coerce.number({ error: "The form is missing its version; reload the page." }).int().positive("The form is missing its version; reload the page.");

/** Changing a district measure: the same fields as adding one, at the version the form showed. */
export const measureEditSchema = measureFields.extend({ expectedVersion }).superRefine(checkScale);

export type MeasureInput = z.infer<typeof measureSchema>;
export type MeasureEdit = z.infer<typeof measureEditSchema>;

export const studentGroupSchema = z.object({ name });
export type StudentGroupInput = z.infer<typeof studentGroupSchema>;

/** Renaming a district group, at the version the form showed. */
export const studentGroupEditSchema = studentGroupSchema.extend({ expectedVersion });
export type StudentGroupEdit = z.infer<typeof studentGroupEditSchema>;

/** A short name for CSV files: lower case, words joined by hyphens. */
export function slugify(text: string) {
  return (
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "measure"
  );
}
