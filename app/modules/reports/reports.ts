// The report workflow's rules as plain functions: which state change is allowed from where, default titles and
// addresses, the languages offered, and whether a draft has changed since it was published.
import type { JSONContent } from "@tiptap/core";
import { DATA_BLOCK_NODE, type ReportAudience } from "./report-blocks";
import { GOAL_REFERENCE_NODE } from "./report-goals";

export type ReportState = "draft" | "in_review" | "published" | "retracted";

export const reportStateLabels: Record<ReportState, string> = {
  draft: "Draft",
  in_review: "In review",
  published: "Published",
  retracted: "Retracted",
};

/** The workflow's steps: who takes them is decided by permissions, where they may start from is decided here. */
export type ReportTransition = "submit" | "return" | "publish" | "retract";

const allowedFrom: Record<ReportTransition, readonly ReportState[]> = {
  // Authors hand a draft to the board and reviewers; a published report goes back through review before the next version if they wish.
  submit: ["draft", "published"],
  // Reviewers asked for changes: the authors take it back.
  return: ["in_review"],
  // The lead publishes what was reviewed, and republishes a published report's edited draft as its next version.
  publish: ["in_review", "published"],
  retract: ["published"],
};

const refusals: Record<ReportTransition, Partial<Record<ReportState, string>>> = {
  submit: { in_review: "This report is already in review.", retracted: "This report was retracted; it cannot go back into review." },
  return: {
    draft: "This report is already a draft.",
    published: "A published report stays published; edit its draft and publish again.",
    retracted: "This report was retracted.",
  },
  publish: { draft: "Submit this report for review before publishing it.", retracted: "This report was retracted; it cannot be published again." },
  retract: {
    draft: "Only a published report can be retracted.",
    in_review: "Only a published report can be retracted.",
    retracted: "This report was already retracted.",
  },
};

/** null when the step may be taken from this state, otherwise why not (in words for the person). */
export function transitionRefusal(step: ReportTransition, from: ReportState): string | null {
  if (allowedFrom[step].includes(from)) return null;
  return refusals[step][from] ?? "That step is not possible from this report's state.";
}

export function nextState(step: ReportTransition): ReportState {
  return step === "submit" ? "in_review" : step === "return" ? "draft" : step === "publish" ? "published" : "retracted";
}

/** Languages a report can be written in (BCP 47 tags): the districts' common ones; the public page's lang. */
export const reportLanguages = {
  en: "English",
  es: "Spanish (Español)",
  fr: "French (Français)",
  pt: "Portuguese (Português)",
  zh: "Chinese (中文)",
  vi: "Vietnamese (Tiếng Việt)",
  ar: "Arabic (العربية)",
  ht: "Haitian Creole (Kreyòl ayisyen)",
  ko: "Korean (한국어)",
  ru: "Russian (Русский)",
  so: "Somali (Soomaali)",
} as const;
export type ReportLanguage = keyof typeof reportLanguages;
export const reportLanguageCodes = Object.keys(reportLanguages) as [ReportLanguage, ...ReportLanguage[]];

export function languageLabel(code: string): string {
  return (reportLanguages as Record<string, string>)[code] ?? code;
}

const audienceTitleWords: Record<ReportAudience, string> = {
  board: "SEL annual report",
  families: "SEL annual report for families",
  staff: "SEL annual report for staff",
};

/** "Riverbend School District SEL annual report 2026–27". */
export function defaultReportTitle(organisation: string, yearLabel: string, audience: ReportAudience, language = "en"): string {
  const base = `${organisation} ${audienceTitleWords[audience]} ${yearLabel}`;
  return language === "en" ? base : `${base} (${languageLabel(language).split(" (")[0]})`;
}

/** A title as a public address part: lower case ASCII words joined by hyphens, at most 80 characters. */
export function reportSlug(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/g, "");
  return slug || "report";
}

export const REPORT_SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The report's addresses on the public site. */
export function publicReportPath(districtSlug: string, reportSlug: string, versionNumber?: number): string {
  const base = `/r/${districtSlug}/${reportSlug}`;
  return versionNumber === undefined ? base : `${base}/v/${versionNumber}`;
}

/**
 * The content without what publishing adds (data blocks' frozen numbers, goal blocks' frozen words), for comparing a
 * draft with a version. Set to null whether present or not, so versions published before goal blocks were frozen
 * compare the same way.
 */
export function withoutFrozenData(node: JSONContent): JSONContent {
  const next: JSONContent = { ...node };
  if ((node.type === DATA_BLOCK_NODE || node.type === GOAL_REFERENCE_NODE) && node.attrs) next.attrs = { ...node.attrs, frozen: null };
  if (node.content) next.content = node.content.map(withoutFrozenData);
  return next;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Whether the draft says something other than the published version did (frozen numbers aside). */
export function draftChangedSince(draft: JSONContent, published: JSONContent): boolean {
  return stable(withoutFrozenData(draft)) !== stable(withoutFrozenData(published));
}

/**
 * The content without U+0000 anywhere: a browser may type or paste it, Yjs keeps it, but PostgreSQL's jsonb refuses
 * it, and a published version must store on both databases.
 */
export function withoutNulCharacters<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\u0000", "") as T;
  if (Array.isArray(value)) return value.map((item) => withoutNulCharacters(item)) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNulCharacters(item)])) as T;
  return value;
}

/** Why a retracted report's draft history offers no saving or restoring. */
export const retractedReportMessage = "This report was retracted: its draft and versions can be read but not changed.";
