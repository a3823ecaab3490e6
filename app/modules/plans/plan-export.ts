// Turns a plan's content into a file someone can keep, print or paste elsewhere: standalone HTML, Markdown or plain text.
import type { JSONContent } from "@tiptap/core";
import { z } from "zod";
import { documentHTML, documentMarkdown } from "~/editor/document";
import type { GoalReferenceOptions } from "~/editor/goal-reference";
import { escapeHtml } from "~/modules/cycles/rollup-matrix-html";

export const exportFormatSchema = z.enum(["html", "md", "txt"]);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const exportContentTypes: Record<ExportFormat, string> = {
  html: "text/html; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  txt: "text/plain; charset=utf-8",
};

export interface ExportContext {
  /** "Riverbend School District" or "Maple Elementary". */
  organisationName: string;
  /** "2026–27". */
  yearLabel: string;
  /** "November 23, 2026". */
  exportedOn: string;
  exportedBy: string;
  lookupGoal: GoalReferenceOptions["lookupGoal"];
}

export interface PlanFile {
  filename: string;
  contentType: string;
  body: string;
}

/** "riverbend-school-district-action-plan-2026-27.md": readable, ASCII only, so every browser and file system keeps it. */
export function exportFilename(organisationName: string, yearLabel: string, format: ExportFormat): string {
  const slug = (text: string) =>
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
  const name = [slug(organisationName), "action-plan", slug(yearLabel)].filter(Boolean).join("-");
  return `${name}.${format}`;
}

function title(context: ExportContext) {
  return `${context.organisationName} action plan ${context.yearLabel}`;
}

function exportedLine(context: ExportContext) {
  return `Exported from Cyclekeeper on ${context.exportedOn} by ${context.exportedBy}`;
}

// Print-friendly and readable on screen; no external resources, so the file looks the same offline and years later.
const stylesheet = `
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;max-width:46rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 1.5rem}h2{font-size:1.3rem;margin:2rem 0 .5rem}h3{font-size:1.1rem}
a{color:#0b57d0}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #8c959f;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f4}td p,th p{margin:0}ul[data-type=taskList]{list-style:none;padding-left:.25rem}
ul[data-type=taskList] li{display:flex;gap:.5rem}ul[data-type=taskList] label span{display:none}
.goal-ref{border-left:4px solid #3b6e8f;background:#f3f7fa;padding:.5rem .75rem;margin:.75rem 0;display:flex;flex-wrap:wrap;gap:.5rem}
.goal-ref-kind,.goal-ref-status{color:#4a5560}.goal-ref-status::before{content:"· "}
footer{margin-top:3rem;border-top:1px solid #d0d7de;padding-top:.75rem;color:#4a5560;font-size:.875rem}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:inherit}a[href^=http]::after{content:" (" attr(href) ")";font-size:.85em}
h2,h3{break-after:avoid}table,.goal-ref{break-inside:avoid}footer{position:static}}
`.trim();

/** A complete HTML5 document that opens on its own; a policy in the file itself forbids scripts wherever it is opened. */
export function planHTMLFile(json: JSONContent, context: ExportContext): string {
  const body = documentHTML(json, { lookupGoal: context.lookupGoal });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title(context))}</title>
<style>
${stylesheet}
</style>
</head>
<body>
<header><h1>${escapeHtml(context.organisationName)} · Action plan ${escapeHtml(context.yearLabel)}</h1></header>
<main>
${body}
</main>
<footer><p>${escapeHtml(exportedLine(context))}</p></footer>
</body>
</html>
`;
}

/** Markdown with the plan's title as its heading and who exported it at the end. */
export function planMarkdownFile(json: JSONContent, context: ExportContext): string {
  const plain = (text: string) => text.replace(/[\\`*_[\]<>#]/g, (c) => `\\${c}`);
  const body = documentMarkdown(json, { lookupGoal: context.lookupGoal });
  return `# ${plain(context.organisationName)} · Action plan ${plain(context.yearLabel)}\n\n${body}\n---\n\n_${plain(exportedLine(context))}_\n`;
}

/** Plain text: blocks separated by blank lines, lists and tasks marked as people type them, goals by their current title. */
export function planText(json: JSONContent, lookupGoal: ExportContext["lookupGoal"]): string {
  const inline = (node: JSONContent): string => (node.type === "hardBreak" ? "\n" : (node.text ?? "") + (node.content ?? []).map(inline).join(""));
  const indent = (text: string, first: string, rest = " ".repeat(first.length)) =>
    text
      .split("\n")
      .map((line, i) => (line ? (i === 0 ? first : rest) + line : line))
      .join("\n");
  const block = (node: JSONContent): string => {
    const children = node.content ?? [];
    switch (node.type) {
      case "paragraph":
      case "heading":
        return inline(node);
      case "bulletList":
        return children.map((item) => indent(blocks(item.content ?? [], "\n"), "- ")).join("\n");
      case "orderedList": {
        const start = typeof node.attrs?.start === "number" ? node.attrs.start : 1;
        return children.map((item, i) => indent(blocks(item.content ?? [], "\n"), `${start + i}. `)).join("\n");
      }
      case "taskList":
        return children.map((item) => indent(blocks(item.content ?? [], "\n"), item.attrs?.checked ? "[x] " : "[ ] ")).join("\n");
      case "blockquote":
        return indent(blocks(children), "> ", "> ");
      case "table":
        return children.map((row) => (row.content ?? []).map((cell) => blocks(cell.content ?? [], " ").trim()).join(" | ")).join("\n");
      case "horizontalRule":
        return "---";
      case "goalReference": {
        const goal = typeof node.attrs?.goalId === "string" ? lookupGoal(node.attrs.goalId) : undefined;
        return goal ? `${goal.kindLabel} goal: ${goal.title} (${goal.statusLabel})` : "Goal: a goal that is no longer in this cycle";
      }
      default:
        return blocks(children);
    }
  };
  const blocks = (nodes: JSONContent[], separator = "\n\n"): string => nodes.map(block).join(separator);
  return blocks(json.content ?? []).replace(/\n{3,}/g, "\n\n").trim();
}

/** The plan as a plain-text file, titled and signed like the others. */
export function planTextFile(json: JSONContent, context: ExportContext): string {
  const heading = title(context);
  return `${heading}\n${"=".repeat(heading.length)}\n\n${planText(json, context.lookupGoal)}\n\n--\n${exportedLine(context)}\n`;
}

export function planFile(json: JSONContent, format: ExportFormat, context: ExportContext): PlanFile {
  const render = { html: planHTMLFile, md: planMarkdownFile, txt: planTextFile }[format];
  return { filename: exportFilename(context.organisationName, context.yearLabel, format), contentType: exportContentTypes[format], body: render(json, context) };
}
