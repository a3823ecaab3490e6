// Forms of the rubric editor: an item's wording, a new item, publishing a draft.
import { z } from "zod";
import { nameText } from "~/utils/text";

const levelNames = ["not yet planned or implemented", "partially planned and implemented", "mostly planned and implemented", "fully planned and implemented"];

const descriptor = (n: 1 | 2 | 3 | 4) =>
  z
    .string({ error: `Describe level ${n} (${levelNames[n - 1]}).` })
    .trim()
    .min(1, `Describe level ${n} (${levelNames[n - 1]}).`)
    .max(1000, `Keep the level ${n} descriptor under 1,000 characters.`);

const wording = {
  title: nameText(z.string({ error: "Give the item a title." }).trim().min(1, "Give the item a title.").max(200, "Keep the title under 200 characters.")),
  level1: descriptor(1),
  level2: descriptor(2),
  level3: descriptor(3),
  level4: descriptor(4),
};

export const rubricItemEditSchema = z.object({
  ...wording,
  // The item version the form was loaded with, so a save over someone else's newer words is caught.
  expectedVersion: z.coerce.number({ error: "The form lost track of the item's version; reload the page." }).int().positive(),
});

export const newRubricItemSchema = z.object({
  focusAreaId: z.string({ error: "Choose the focus area the item belongs to." }).trim().min(1, "Choose the focus area the item belongs to."),
  ...wording,
});

export const publishRubricSchema = z.object({
  note: z
    .string({ error: "Say what changed and why, so people reading older scores understand." })
    .trim()
    .min(1, "Say what changed and why, so people reading older scores understand.")
    .max(2000, "Keep the note under 2,000 characters."),
  // A checkbox: present ("on") when ticked, absent otherwise.
  applyToOpenCycles: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
});

export type RubricItemEdit = z.infer<typeof rubricItemEditSchema>;
export type NewRubricItem = z.infer<typeof newRubricItemSchema>;
export type PublishRubricInput = z.infer<typeof publishRubricSchema>;
