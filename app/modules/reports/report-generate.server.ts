// SCAFFOLDING (replaced by the generation work): builds a report draft's content from a cycle.
import type { JSONContent } from "@tiptap/core";
import type { Database } from "#db/client.server";
import type { Actor } from "~/modules/people/permissions";
import type { ReportAudience } from "./report-blocks";

export interface GenerateOptions {
  audience: ReportAudience;
  language: string;
}

export const reportSectionTitles = [
  "What SEL is here",
  "Progress to date",
  "This year's goals",
  "What data we collected",
  "Implementation and outcome results",
  "How stakeholders took part",
  "What we learned and what comes next",
];

export async function generateReportContent(_db: Database, _actor: Actor, _cycleId: string, _options: GenerateOptions): Promise<JSONContent> {
  return {
    type: "doc",
    content: reportSectionTitles.flatMap((title) => [
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: title }] },
      { type: "paragraph", content: [{ type: "text", text: "…" }] },
    ]),
  };
}
