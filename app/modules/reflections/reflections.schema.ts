// Forms about reflection: editing a protocol, planning a meeting, answering a question, recording a finding and
// deciding about goals in a meeting. Values arrive as strings from FormData.
import { z } from "zod";
import { goalDecisions } from "~/modules/cycles/lifecycle";
import { decisionFields } from "~/modules/cycles/lifecycle.schema";
import { checkpoints, isIsoDate } from "~/modules/cycles/school-year";
import { dataViewKeys, findingKinds, parseFindingEvidence, parseFindingTarget, stakeholderGroups } from "./reflections";
import { nameText } from "~/utils/text";

const version = z.coerce.number({ error: "The form is missing its version; reload the page." }).int().nonnegative();
const list = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);

/**
 * The protocol form sends, per question, `question.<id>`, `position.<id>` and `remove.<id>`, plus `newQuestion`
 * (repeatable) for added ones; this gathers them into a list so each problem can name its question.
 */
export const protocolSchema = z.preprocess(
  (raw) => {
    const form = (raw ?? {}) as Record<string, unknown>;
    const ids = Object.keys(form)
      .filter((k) => k.startsWith("question."))
      .map((k) => k.slice("question.".length));
    return {
      name: form.name,
      purpose: form.purpose ?? "",
      dataViews: list(form.dataViews),
      expectedVersion: form.expectedVersion,
      questions: ids.map((id) => ({ id, text: form[`question.${id}`], position: form[`position.${id}`], remove: form[`remove.${id}`] === "on" })),
      added: list(form.newQuestion),
    };
  },
  z.object({
    name: nameText(z.string({ error: "Name the protocol." }).trim().min(1, "Name the protocol.").max(120, "Keep the name under 120 characters.")),
    purpose: z.string().trim().max(1000, "Keep the purpose under 1,000 characters."),
    dataViews: z.array(z.enum(dataViewKeys as [string, ...string[]], { error: "Choose data views from the list." })),
    expectedVersion: version,
    questions: z.array(
      z.object({
        id: z.string().min(1).max(40),
        text: z.string().max(1000, "Keep each question under 1,000 characters."),
        position: z.coerce.number({ error: "Give each question a position number." }).int("Positions are whole numbers."),
        remove: z.boolean(),
      }),
    ),
    added: z.array(z.string().max(1000, "Keep each question under 1,000 characters.")),
  }),
);

export const meetingSchema = z.object({
  protocolId: z.uuid({ error: "Choose a protocol." }),
  title: nameText(z.string({ error: "Give the meeting a title." }).trim().min(1, "Give the meeting a title.").max(200, "Keep the title under 200 characters.")),
  checkpoint: z.enum(checkpoints, { error: "Choose the checkpoint the meeting reflects on." }),
  heldOn: z.string({ error: "Enter the date of the meeting." }).refine(isIsoDate, "Enter the date of the meeting as a date."),
  participantIds: z.preprocess(list, z.array(z.uuid({ error: "Choose participants from the list." }))),
  stakeholderGroups: z.preprocess(list, z.array(z.enum(stakeholderGroups, { error: "Choose groups from the list." }))),
  stakeholderNote: z.string().trim().max(1000, "Keep the note under 1,000 characters.").default(""),
});

/** Changing a meeting's details after it was planned: everything but its protocol, at the version the form showed. */
export const meetingDetailsSchema = meetingSchema.omit({ protocolId: true }).extend({ expectedVersion: version });

export const answerSchema = z.object({
  questionId: z.string().min(1).max(40),
  answer: z.string().trim().max(5000, "Keep the answer under 5,000 characters."),
  expectedVersion: version,
});

export const findingSchema = z.object({
  kind: z.enum(findingKinds, { error: "Say whether this is a success or a challenge." }),
  summary: z.string({ error: "Write what the group found." }).trim().min(1, "Write what the group found.").max(2000, "Keep it under 2,000 characters."),
  target: z
    .string({ error: "Choose the goal or rubric item it is about." })
    .transform((v, ctx) => parseFindingTarget(v) ?? (ctx.addIssue({ code: "custom", message: "Choose the goal or rubric item it is about." }), z.NEVER)),
  evidence: z
    .string({ error: "Choose the evidence: a data view or a rubric score." })
    .transform((v, ctx) => parseFindingEvidence(v) ?? (ctx.addIssue({ code: "custom", message: "Choose the evidence: a data view or a rubric score." }), z.NEVER)),
  evidenceLabel: z.string().trim().max(200, "Keep the label under 200 characters.").default(""),
});

/** Changing a finding: what recording one takes, at the version the page showed. */
export const findingEditSchema = findingSchema.extend({ findingId: z.uuid({ error: "The form names a finding that does not exist; reload the page." }), expectedVersion: version });

export const removeFindingSchema = z.object({ findingId: z.uuid(), expectedVersion: version });

/** Decisions taken in a meeting: like the year-end form, but each one needs its rationale. */
export const meetingDecisionsSchema = z.preprocess(
  decisionFields,
  z.object({
    expectedVersion: z.coerce.number({ error: "The form is missing its version; reload the page." }).int().positive(),
    decisions: z
      .array(
        z.object({
          goalId: z.uuid({ error: "The form names a goal that does not exist; reload the page." }),
          decision: z.enum(goalDecisions, { error: "Choose what happens to this goal next year." }),
          note: z.string().trim().min(1, "Give the group's rationale for this decision.").max(2000, "Keep the rationale under 2,000 characters."),
        }),
      )
      .min(1, "There are no goals to decide about."),
  }),
);

export type ProtocolInput = z.output<typeof protocolSchema>;
export type MeetingInput = z.output<typeof meetingSchema>;
export type MeetingDetailsInput = z.output<typeof meetingDetailsSchema>;
export type AnswerInput = z.output<typeof answerSchema>;
export type FindingInput = z.output<typeof findingSchema>;
export type FindingEditInput = z.output<typeof findingEditSchema>;
export type MeetingDecisionsInput = z.output<typeof meetingDecisionsSchema>;
