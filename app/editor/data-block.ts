// The data block node: a chart or table bound to a query, placed in a report by generation or by an author. Its
// attributes (query, note, frozen numbers) are stored as JSON in the document and in Yjs. Rendered on the server it
// is only a placeholder carrying nothing executable; publishing replaces it with renderDataBlockHTML after
// sanitising, and the browser draws it with a React node view that reads live (draft) or frozen numbers.
import { Node } from "@tiptap/core";
import type { BlockData, DataBlockQuery } from "~/modules/reports/report-blocks";

export const DATA_BLOCK_NODE_NAME = "dataBlock";

/** Attribute values parse back from JSON strings (HTML) or arrive as objects (JSON content, Yjs). */
function parseJson<T>(value: unknown): T | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "object") return value as T;
  try {
    return JSON.parse(String(value)) as T;
  } catch {
    return null;
  }
}

/** What the block is called in text and Markdown: its frozen title, else its kind. */
export function dataBlockLabel(attrs: { query?: Partial<DataBlockQuery> | null; frozen?: BlockData | null; note?: string | null }): string {
  const title = attrs.frozen?.title ?? `${attrs.query?.kind ?? "unknown"} (live data)`;
  return attrs.note ? `${title} — ${attrs.note}` : title;
}

export const DataBlock = Node.create({
  name: DATA_BLOCK_NODE_NAME,
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      query: {
        default: null,
        parseHTML: (element) => parseJson<DataBlockQuery>(element.getAttribute("data-query")),
        // The placeholder keeps only the query (a kind, a cycle id and plain options), never the numbers or note.
        renderHTML: (attributes) => (attributes.query ? { "data-query": JSON.stringify(attributes.query) } : {}),
      },
      note: {
        default: "",
        parseHTML: () => "",
        renderHTML: () => ({}),
      },
      frozen: {
        default: null,
        parseHTML: () => null,
        renderHTML: () => ({}),
      },
    };
  },

  parseHTML() {
    return [{ tag: "div[data-data-block]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["div", { "data-data-block": "", "data-query": HTMLAttributes["data-query"] ?? "" }];
  },

  renderText({ node }) {
    return `[${dataBlockLabel(node.attrs)}]`;
  },
});

/** The block as Markdown: a quoted line naming it, escaped so a title cannot become markup. */
export function dataBlockMarkdown(attrs: Parameters<typeof dataBlockLabel>[0]): string {
  const plain = dataBlockLabel(attrs).replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
  return `> **Data:** ${plain}`;
}
