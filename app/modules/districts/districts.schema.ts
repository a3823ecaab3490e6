// Forms about the district and its schools.
import { z } from "zod";
import { isTimeZone } from "~/utils/time-zone";
import { districtNameSchema } from "~/modules/people/people.schema";
import { nameText } from "~/utils/text";

export const schoolLevels = ["elementary", "middle", "high", "k8", "other"] as const;
export const schoolLevelLabels: Record<(typeof schoolLevels)[number], string> = {
  elementary: "Elementary",
  middle: "Middle",
  high: "High",
  k8: "K–8",
  other: "Other",
};

export const schoolSchema = z.object({
  name: nameText(z.string({ error: "Enter the school's name." }).trim().min(2, "Use at least 2 characters.").max(120, "Use at most 120 characters.")),
  level: z.enum(schoolLevels, { error: "Choose a level." }),
});

export const districtSettingsSchema = z.object({
  name: districtNameSchema,
  minCellSize: z.coerce
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(5, "Use at least 5: smaller groups can identify students.")
    .max(100, "Use at most 100."),
  // Optional for clients that predate it: left out, the district keeps its zone.
  timeZone: z
    .string()
    .trim()
    .refine(isTimeZone, "Choose a time zone from the list.")
    .optional(),
});

export type SchoolInput = z.infer<typeof schoolSchema>;
