// Forms of the report workflow: creating a report or a language version, the state steps with the version the
// page was loaded at, reviewers and comments. Values arrive as strings from FormData.
import { z } from "zod";
import { reportAudiences } from "./report-blocks";
import { REPORT_SLUG_PATTERN, reportLanguageCodes } from "./reports";
import { nameText } from "~/utils/text";

const expectedVersion = z.coerce.number({ error: "The form is missing its version; reload the page." }).int().positive();
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const title = nameText(
  z
    .string({ error: "Give the report a title." })
    .trim()
    .min(3, "Give the report a title of at least 3 characters.")
    .max(160, "Keep the title under 160 characters."),
);
const slug = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
  z
    .string()
    .max(80, "Keep the address under 80 characters.")
    .regex(REPORT_SLUG_PATTERN, "Use lower-case letters, digits and single hyphens (for example annual-report-2026-27)."),
);
const language = z.enum(reportLanguageCodes, { error: "Choose a language from the list." });

export const createReportSchema = z.object({
  audience: z.enum(reportAudiences, { error: "Choose who the report is for: board, families or staff." }),
  language: z.preprocess((v) => v ?? "en", language),
  /** Left empty, the default title for the cycle, audience and language. */
  title: z.preprocess(blankToUndefined, title.optional()),
  /** Left empty, made from the title. */
  slug: z.preprocess(blankToUndefined, slug.optional()),
});
export type CreateReportInput = z.infer<typeof createReportSchema>;

export const languageVersionSchema = z.object({
  language,
  title: z.preprocess(blankToUndefined, title.optional()),
  slug: z.preprocess(blankToUndefined, slug.optional()),
});
export type LanguageVersionInput = z.infer<typeof languageVersionSchema>;

export const transitionSchema = z.object({ expectedVersion });
export type TransitionInput = z.infer<typeof transitionSchema>;

/**
 * Publishing: the step, plus the matches of the roster check the lead confirms are not about a student ("name:…",
 * "number:…"; ADR 0034). A student id can never be confirmed.
 */
export const publishSchema = transitionSchema.extend({
  notStudents: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(
        z
          .string()
          .max(300, "That confirmation is too long; publish again from the report page.")
          .regex(/^(name|number):\S/, "Only a name or a short number can be confirmed as not about a student; a student id is never published."),
      )
      .max(500, "Confirm at most 500 names at once."),
  ),
});
export type PublishInput = z.infer<typeof publishSchema>;

export const retractSchema = z.object({
  expectedVersion,
  reason: z
    .string({ error: "Say why the report is retracted; readers of the public page see it." })
    .trim()
    .min(5, "Say why the report is retracted (at least 5 characters); readers of the public page see it.")
    .max(1000, "Keep the reason under 1,000 characters."),
});
export type RetractInput = z.infer<typeof retractSchema>;

export const reviewerSchema = z.object({ userId: z.uuid({ error: "Choose a person from the list." }) });

export const commentSchema = z.object({
  body: z.string({ error: "Write the comment." }).trim().min(1, "Write the comment.").max(4000, "Keep the comment under 4,000 characters."),
  quote: z.preprocess((v) => v ?? "", z.string().trim().max(1000, "Keep the quoted passage under 1,000 characters.")),
});
export type CommentInput = z.infer<typeof commentSchema>;

export const commentIdSchema = z.object({ commentId: z.uuid({ error: "That comment does not exist." }) });
