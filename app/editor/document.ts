// Turning a collaborative document into something to read or hand on: JSON, HTML and Markdown from its Yjs state, with
// unsafe links removed on the way, and Yjs updates built from JSON for templates and restores.
import type { JSONContent } from "@tiptap/core";
import { MarkdownManager } from "@tiptap/markdown";
import { renderToHTMLString } from "@tiptap/static-renderer/pm/html-string";
import type { Node as ProseMirrorNode } from "@tiptap/pm/model";
import { prosemirrorJSONToYDoc, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { DATA_BLOCK_NODE_NAME, dataBlockLabel } from "./data-block";
import { DOCUMENT_FIELD, editorExtensions, editorSchema, type EditorExtensionOptions } from "./extensions";
import { isSafeHref } from "./links";

/** The document's body as ProseMirror JSON, read through the editor's schema (what the schema cannot hold is left out). */
export function documentJSON(ydoc: Y.Doc): JSONContent {
  return yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(DOCUMENT_FIELD), editorSchema()).toJSON() as JSONContent;
}

/** The JSON of a document stored as one Yjs update (a snapshot's state, say). */
export function documentJSONFromUpdate(update: Uint8Array): JSONContent {
  const ydoc = new Y.Doc({ gc: false });
  Y.applyUpdate(ydoc, update);
  const json = documentJSON(ydoc);
  ydoc.destroy();
  return json;
}

/** Why a stored document cannot be read, in words a district lead understands (what was wrong, not how to fix it). */
export type DocumentDamage = "unreadable-changes" | "misplaced-text" | "unknown-content" | "invalid-structure" | "invalid-attributes" | "cannot-render";

export const damageDescriptions: Record<DocumentDamage, string> = {
  "unreadable-changes": "its stored changes cannot be read back",
  "misplaced-text": "it holds text outside any paragraph or heading, which the editor cannot place",
  "unknown-content": "it holds content the editor does not know, such as a kind of block Cyclekeeper never makes",
  "invalid-structure": "its blocks are put together in a way the editor does not allow",
  "invalid-attributes": "some of its blocks carry settings the editor never writes",
  "cannot-render": "it could not be drawn as a page",
};

export type DocumentReading = { ok: true; json: JSONContent; html: string } | { ok: false; damage: DocumentDamage; detail: string };

/** Attributes whose value is structured rather than a string: what shape the editor writes for each. */
const structuredAttributes: Record<string, (value: unknown) => boolean> = {
  colwidth: (value) => Array.isArray(value) && value.every((width) => typeof width === "number" && Number.isFinite(width)),
  frozen: (value) => typeof value === "object" && !Array.isArray(value),
  query: (value) => typeof value === "object" && !Array.isArray(value),
};

/**
 * The first attribute (of a node or a mark) whose value is not of the kind the editor writes, or null. ProseMirror's
 * check() only runs an attribute's own `validate`, and our extensions declare none, so without this a heading level
 * of `{}` or a column width of "wide" would pass; the type follows from the schema: a number, boolean or string
 * default wants that type, a null default a string (or the shape above).
 */
function attributeProblem(root: ProseMirrorNode): string | null {
  const wrong = (owner: string, specs: Record<string, { default?: unknown }>, values: Record<string, unknown>) => {
    for (const [name, spec] of Object.entries(specs)) {
      const value = values[name];
      if (value === null || value === undefined) continue;
      const expected = spec.default;
      const fine =
        expected !== null && expected !== undefined
          ? typeof value === typeof expected && (typeof value !== "number" || Number.isFinite(value))
          : name in structuredAttributes
            ? structuredAttributes[name](value)
            : typeof value === "string";
      if (!fine) return `${owner}.${name} is ${JSON.stringify(value)?.slice(0, 80)}`;
    }
    return null;
  };
  let found: string | null = null;
  root.descendants((node) => {
    if (found) return false;
    found = wrong(node.type.name, node.type.spec.attrs ?? {}, node.attrs);
    for (const mark of node.marks) found ??= wrong(mark.type.name, mark.type.spec.attrs ?? {}, mark.attrs);
    return !found;
  });
  return found;
}

/**
 * Reads a stored document the way the editor would, and says whether it is damaged. The one rule for the readers
 * (pages, exports, versions, publishing, closing the year); the collaboration server refuses such changes as they
 * arrive, but what is already stored — or came from before a rule — must never take a page down with it.
 *
 * Damaged means: the state does not apply; the editor's conversion throws (a bare text at the top level) or has to
 * throw something away (y-prosemirror deletes what the schema cannot hold: in a browser that deletion would be
 * stored as the opener's own change); the node fails ProseMirror's check(); an attribute is not of the kind the
 * editor writes; or drawing it as HTML or Markdown throws. A readable document comes with its HTML, drawn with
 * `options` (goal titles), so pages need not draw it twice.
 */
export function readDocument(update: Uint8Array, options: EditorExtensionOptions = {}): DocumentReading {
  const ydoc = new Y.Doc({ gc: false });
  try {
    try {
      Y.applyUpdate(ydoc, update);
    } catch (error) {
      return { ok: false, damage: "unreadable-changes", detail: String(error) };
    }
    const fragment = ydoc.getXmlFragment(DOCUMENT_FIELD);
    if (fragment.toArray().some((child) => child instanceof Y.XmlText)) {
      return { ok: false, damage: "misplaced-text", detail: "a text node at the top level of the document" };
    }
    // The conversion repairs by deleting from the doc it reads: any change it makes means it found something to drop.
    let dropped = false;
    ydoc.on("update", () => (dropped = true));
    let json: JSONContent;
    try {
      const node = yXmlFragmentToProseMirrorRootNode(fragment, editorSchema());
      if (dropped) return { ok: false, damage: "unknown-content", detail: "the editor's schema cannot hold some of its content" };
      try {
        // A document nobody has written in (or everyone emptied) is no damage: the editor fills it with a paragraph.
        if (node.childCount > 0) node.check();
      } catch (error) {
        return { ok: false, damage: "invalid-structure", detail: String(error) };
      }
      json = node.toJSON() as JSONContent;
      const badAttribute = attributeProblem(node);
      if (badAttribute) return { ok: false, damage: "invalid-attributes", detail: badAttribute };
    } catch (error) {
      return { ok: false, damage: "invalid-structure", detail: String(error) };
    }
    // The trial render is the page's own (with the caller's goal lookup), so a reader that shows it pays once.
    let html: string;
    try {
      html = documentHTML(json, options);
      documentMarkdown(json, options);
    } catch (error) {
      return { ok: false, damage: "cannot-render", detail: String(error) };
    }
    return { ok: true, json, html };
  } finally {
    ydoc.destroy();
  }
}

/** A Yjs update that, applied to an empty document, gives the JSON's content. */
export function updateFromJSON(json: JSONContent): Uint8Array {
  const ydoc = prosemirrorJSONToYDoc(editorSchema(), json, DOCUMENT_FIELD);
  const update = Y.encodeStateAsUpdate(ydoc);
  ydoc.destroy();
  return update;
}

/**
 * The JSON with every link whose target is not allowed turned back into plain text, and how many were. The server
 * refuses such links when they are sent, so this only matters for content that predates a rule; rendering never
 * trusts the store alone.
 */
export function withoutUnsafeLinks(json: JSONContent): { json: JSONContent; removed: number } {
  let removed = 0;
  const visit = (node: JSONContent): JSONContent => {
    const next: JSONContent = { ...node };
    if (node.marks) {
      next.marks = node.marks.filter((mark) => {
        if (mark.type !== "link") return true;
        if (isSafeHref(mark.attrs?.href)) return true;
        removed += 1;
        return false;
      });
      if (next.marks.length === 0) delete next.marks;
    }
    if (node.content) next.content = node.content.map(visit);
    return next;
  };
  return { json: visit(json), removed };
}

/** Clean HTML of the document (no editor classes or collaboration state), links checked again. */
export function documentHTML(json: JSONContent, options: EditorExtensionOptions = {}): string {
  const html = renderToHTMLString({ content: withoutUnsafeLinks(json).json, extensions: editorExtensions(options) });
  return (
    html
      // The renderer writes empty elements as "<span/>", which HTML reads as an opening tag only.
      .replace(/<(?!(?:input|col|br|hr|img)\b)([a-z][a-z0-9]*)(\s[^<>]*?)?\/>/g, "<$1$2></$1>")
      // A rendered checklist is a record of what was done, not a form: disabled boxes, named for screen readers.
      .replace(/<input type="checkbox"( checked="checked")?\/>/g, (_match, checked: string | undefined) =>
        checked ? '<input type="checkbox" disabled checked aria-label="Done">' : '<input type="checkbox" disabled aria-label="Not done">',
      )
  );
}

/**
 * A link target as Markdown may hold it: the serializer writes "[text](href)" as it is, and a target ending in ")" and
 * going on with " [more](javascript:…)" would close its own link and open another. Whitespace, brackets, quotes and
 * backslashes are percent-encoded, which every browser reads back as the same address.
 */
export function markdownHref(href: string): string {
  return href.replace(/[\s()<>[\]\\`"']/g, (c) => [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""));
}

function withMarkdownHrefs(node: JSONContent): JSONContent {
  const next: JSONContent = { ...node };
  if (node.marks) next.marks = node.marks.map((mark) => (mark.type === "link" && typeof mark.attrs?.href === "string" ? { ...mark, attrs: { ...mark.attrs, href: markdownHref(mark.attrs.href) } } : mark));
  if (node.content) next.content = node.content.map(withMarkdownHrefs);
  return next;
}

/** Markdown (GitHub's flavour: tables and task lists) for pasting elsewhere. */
export function documentMarkdown(json: JSONContent, options: EditorExtensionOptions = {}): string {
  const manager = new MarkdownManager({ extensions: editorExtensions(options) });
  return manager.serialize(withMarkdownHrefs(withoutUnsafeLinks(json).json)).replace(/\n{3,}/g, "\n\n").trim() + "\n";
}

/** Plain text, one block per paragraph, for search and for people who want no formatting at all. */
export function documentText(json: JSONContent): string {
  const blocks: string[] = [];
  const textOf = (node: JSONContent): string => (node.text ?? "") + (node.content ?? []).map(textOf).join("");
  const walk = (node: JSONContent) => {
    if (node.type === "paragraph" || node.type === "heading") blocks.push(textOf(node));
    else if (node.type === DATA_BLOCK_NODE_NAME) blocks.push(`[${dataBlockLabel(node.attrs ?? {})}]`);
    else (node.content ?? []).forEach(walk);
  };
  walk(json);
  return blocks.join("\n");
}

/** Every href or src an update would store: formatting marks (links) and node attributes. */
export function hrefsInUpdate(update: Uint8Array): string[] {
  const found: string[] = [];
  const collect = (value: unknown, key?: string) => {
    if (typeof value === "string") {
      if (key === "href" || key === "src") found.push(value);
    } else if (Array.isArray(value)) {
      value.forEach((entry) => collect(entry, key));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) collect(v, k);
    }
  };
  const { structs } = Y.decodeUpdate(update);
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const content = struct.content;
    if (content instanceof Y.ContentFormat) collect(content.value, content.key);
    else if (content instanceof Y.ContentAny) collect(content.arr, struct.parentSub ?? undefined);
    else if (content instanceof Y.ContentString) collect(content.str, struct.parentSub ?? undefined);
    else if (content instanceof Y.ContentEmbed) collect(content.embed);
  }
  return found;
}

/** The first href an update would store that is not allowed, or null when all are. */
export function unsafeHrefInUpdate(update: Uint8Array): string | null {
  return hrefsInUpdate(update).find((href) => !isSafeHref(href)) ?? null;
}
