// The action plan a cycle starts from: the seven sections a district or school plan covers, with prompts in the
// team's own voice, and the cycle's goals already referenced in the goals section.
import type { JSONContent } from "@tiptap/core";

const text = (value: string): JSONContent => ({ type: "text", text: value });
const heading = (value: string): JSONContent => ({ type: "heading", attrs: { level: 2 }, content: [text(value)] });
const prompt = (value: string): JSONContent => ({ type: "paragraph", content: [{ ...text(value), marks: [{ type: "italic" }] }] });
const cell = (type: "tableHeader" | "tableCell", value: string): JSONContent => ({
  type,
  content: [{ type: "paragraph", content: value ? [text(value)] : [] }],
});
const row = (type: "tableHeader" | "tableCell", values: string[]): JSONContent => ({ type: "tableRow", content: values.map((v) => cell(type, v)) });

export const planSections = [
  "Vision and priorities",
  "Goals and strategies",
  "Timeline",
  "Roles and responsibilities",
  "Resources",
  "Communication plan",
  "How we will monitor progress",
] as const;

export interface TemplateContext {
  /** "Riverbend School District" or "Maple Elementary". */
  organisationName: string;
  /** "2026–27". */
  yearLabel: string;
  goalIds: string[];
}

export function planTemplate(context: TemplateContext): JSONContent {
  const goals: JSONContent[] =
    context.goalIds.length > 0
      ? context.goalIds.map((goalId) => ({ type: "goalReference", attrs: { goalId } }))
      : [prompt("No goals yet. Add them on the Goals page, then insert each one here with “Insert goal”.")];
  return {
    type: "doc",
    content: [
      { type: "paragraph", content: [text(`Action plan of ${context.organisationName} for ${context.yearLabel}.`)] },
      heading(planSections[0]),
      prompt("Where do we want SEL to be in three to five years, and what matters most this year? Say why, in a few sentences."),
      heading(planSections[1]),
      prompt("Each goal below shows its current title and status. Under each one, note the strategies that will get us there."),
      ...goals,
      heading(planSections[2]),
      {
        type: "table",
        content: [
          row("tableHeader", ["When", "What happens", "Who leads"]),
          row("tableCell", ["Baseline", "Score the implementation rubric; review last year's data", ""]),
          row("tableCell", ["Mid-year", "Mid-year rubric check and data reflection", ""]),
          row("tableCell", ["End of year", "End-of-year scores, reflection and decisions for next year", ""]),
        ],
      },
      heading(planSections[3]),
      prompt("Who is on the SEL team, who decides what, and who carries each strategy?"),
      {
        type: "bulletList",
        content: [{ type: "listItem", content: [{ type: "paragraph", content: [text("SEL lead: ")] }] }],
      },
      heading(planSections[4]),
      prompt("Funding, time, staff, programs and partners this plan relies on."),
      heading(planSections[5]),
      prompt("How staff, students, families and the board will hear about this work, and how they can respond."),
      {
        type: "taskList",
        content: [
          { type: "taskItem", attrs: { checked: false }, content: [{ type: "paragraph", content: [text("Share the plan with all staff")] }] },
          { type: "taskItem", attrs: { checked: false }, content: [{ type: "paragraph", content: [text("Present the plan to the board")] }] },
        ],
      },
      heading(planSections[6]),
      prompt("Which data we look at, how often, and who reflects on it: rubric checkpoints, survey results, attendance."),
    ],
  };
}
