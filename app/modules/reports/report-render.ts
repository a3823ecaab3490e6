// The published body of a report: its document rendered with the editor's one extension list, then sanitised with an
// allow-list of exactly what that editor produces. Frozen data blocks are our own escaped HTML (with SVG charts the
// sanitiser must not rewrite), so they go in as random slots before sanitising and are put back after it.
// See docs/decisions/0026-published-reports.md.
import type { JSONContent } from "@tiptap/core";
import { randomBytes } from "node:crypto";
import sanitizeHtml from "sanitize-html";
import { documentHTML } from "~/editor/document";
import { editorSchema } from "~/editor/extensions";
import { renderDataBlockHTML } from "./block-html";
import { DATA_BLOCK_NODE, type DataBlockAttrs } from "./report-blocks";

/** Link targets a published page may carry: absolute web and mail addresses only (nothing relative to the app). */
const PUBLIC_HREF = /^(?:https?:\/\/[^\s]|mailto:[^\s])/i;
const LINK_REL = "noopener noreferrer nofollow";

/** A table cell's colspan and rowspan, kept only as small whole numbers. */
function spans(attribs: Record<string, string>, rest: Record<string, string>): Record<string, string> {
  const out = { ...rest };
  for (const name of ["colspan", "rowspan"]) if (/^\d{1,3}$/.test(attribs[name] ?? "")) out[name] = attribs[name];
  return out;
}

/** Everything the editor's extensions render, and nothing else: no style, no event handlers, no images, no forms. */
export const reportSanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote",
    "ul", "ol", "li", "label", "input", "div", "span",
    "strong", "em", "s", "u", "a",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col", "caption",
  ],
  allowedAttributes: {
    a: ["href", "rel"],
    ol: ["start"],
    ul: ["data-type"],
    li: ["data-type", "data-checked"],
    input: ["type", "disabled", "checked", "aria-label"],
    th: ["colspan", "rowspan", "scope"],
    td: ["colspan", "rowspan"],
    div: ["data-goal-reference"],
  },
  allowedClasses: { div: ["goal-ref"], span: ["goal-ref-kind", "goal-ref-status"], strong: ["goal-ref-title"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  allowedStyles: {},
  disallowedTagsMode: "discard",
  // The contents of these never become text on the page.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "iframe", "object", "embed", "svg", "math", "template", "xmp", "noembed", "noframes", "plaintext"],
  parseStyleAttributes: false,
  transformTags: {
    // A link keeps its href only when it is an absolute http, https or mailto address; otherwise its text stays.
    a: (tagName, attribs): sanitizeHtml.Tag => {
      const href = (attribs.href ?? "").trim();
      if (!PUBLIC_HREF.test(href)) return { tagName: "span", attribs: {} as sanitizeHtml.Attributes };
      return { tagName, attribs: { href, rel: LINK_REL } };
    },
    // A checklist's boxes are a record of what was done: always a disabled checkbox, never a field to type into.
    input: (_tagName, attribs): sanitizeHtml.Tag =>
      attribs.type === "checkbox"
        ? { tagName: "input", attribs: { type: "checkbox", disabled: "", ...("checked" in attribs ? { checked: "" } : {}), "aria-label": "checked" in attribs ? "Done" : "Not done" } }
        : // Not on the allow-list, so dropped (an input has no content to keep).
          { tagName: "discarded-input", attribs: {} },
    th: (tagName, attribs) => ({ tagName, attribs: spans(attribs, attribs.scope === "row" || attribs.scope === "col" ? { scope: attribs.scope } : {}) }),
    td: (tagName, attribs) => ({ tagName, attribs: spans(attribs, {}) }),
    li: (tagName, attribs): sanitizeHtml.Tag => ({
      tagName,
      attribs: {
        ...(attribs["data-type"] === "taskItem" ? { "data-type": "taskItem" } : {}),
        ...(attribs["data-checked"] === "true" || attribs["data-checked"] === "false" ? { "data-checked": attribs["data-checked"] } : {}),
      },
    }),
    ul: (tagName, attribs): sanitizeHtml.Tag => ({ tagName, attribs: attribs["data-type"] === "taskList" ? { "data-type": "taskList" } : ({} as sanitizeHtml.Attributes) }),
    ol: (tagName, attribs): sanitizeHtml.Tag => ({ tagName, attribs: /^\d{1,6}$/.test(attribs.start ?? "") ? { start: attribs.start } : {} }),
  },
};

/** Sanitises HTML with the report allow-list. Exported for tests; publishing goes through renderReportBody. */
export function sanitizeReportHtml(html: string): string {
  return sanitizeHtml(html, reportSanitizeOptions);
}

/**
 * Heading levels put in order under the page's own h1 (the report's title): the first heading becomes an h2 and no
 * heading is more than one level below the one before it, so a document that starts at h3 or jumps from h2 to h4 still
 * gives screen readers an outline without gaps.
 */
export function orderedHeadings(content: JSONContent): JSONContent {
  let previous = 1;
  const visit = (node: JSONContent): JSONContent => {
    if (node.type === "heading") {
      const wanted = Number(node.attrs?.level) || 2;
      const level = Math.max(2, Math.min(wanted, previous + 1, 6));
      previous = level;
      return { ...node, attrs: { ...node.attrs, level } };
    }
    return node.content ? { ...node, content: node.content.map(visit) } : node;
  };
  return visit(content);
}

/** A paragraph holding only this text marks where a data block goes; the random part makes it unforgeable. */
function slotText(nonce: string, index: number) {
  return `ck-data-block-slot-${nonce}-${index}`;
}

interface Slotted {
  content: JSONContent;
  blocks: DataBlockAttrs[];
}

/**
 * Data blocks swapped for slot paragraphs, and nodes the editor's schema does not know left out (the static renderer
 * refuses them, and nothing unknown should reach a public page).
 */
function withSlots(content: JSONContent, nonce: string): Slotted {
  const known = new Set([...Object.keys(editorSchema().nodes), ...Object.keys(editorSchema().marks)]);
  const blocks: DataBlockAttrs[] = [];
  const visit = (node: JSONContent): JSONContent | null => {
    if (node.type === DATA_BLOCK_NODE) {
      blocks.push(node.attrs as DataBlockAttrs);
      return { type: "paragraph", content: [{ type: "text", text: slotText(nonce, blocks.length - 1) }] };
    }
    if (!node.type || !known.has(node.type)) return null;
    const next: JSONContent = { ...node };
    if (node.marks) next.marks = node.marks.filter((mark) => known.has(mark.type));
    if (node.content) next.content = node.content.map(visit).filter((child): child is JSONContent => child !== null);
    return next;
  };
  const root = content?.type === "doc" ? content : { type: "doc", content: [] };
  return { content: visit(root) ?? { type: "doc", content: [] }, blocks };
}

/** The sanitised body HTML of a report's published content (every data block frozen), as the public page serves it. */
export function renderReportBody(content: JSONContent, options: { language?: string } = {}): string {
  const nonce = randomBytes(12).toString("hex");
  const { content: slotted, blocks } = withSlots(orderedHeadings(content), nonce);
  // Published content only: its goal blocks' words are the ones freezeReportContent just wrote (ADR 0026, 0034).
  const clean = sanitizeReportHtml(documentHTML(slotted, { trustFrozenGoals: true }));
  return clean.replace(new RegExp(`<p>${slotText(nonce, 0).replace(/-0$/, "")}-(\\d+)</p>`, "g"), (_match, index: string) => {
    const attrs = blocks[Number(index)];
    // Ids by position: two identical blocks in one report must not share their chart's title and description ids.
    return attrs ? renderDataBlockHTML(attrs, { id: `block-${index}`, language: options.language }) : "";
  });
}
