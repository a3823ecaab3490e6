// Keeps the browser's editor inside the document limits the collaboration server enforces (validity.ts): an edit that
// would pass one (a 5 MB paste, say) is not made at all and the person is told why, so it can never sit unsendable in
// the shared document and stop every later edit from saving.
import { Extension } from "@tiptap/core";
import type { Node as ProseMirrorNode } from "@tiptap/pm/model";
import { Plugin, PluginKey, type Transaction } from "@tiptap/pm/state";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { DOCUMENT_LIMITS, nodeSize } from "./validity";

/**
 * The browser stops a little short of the server's document limit: its measure of a document and the server's agree
 * on text and attributes, but a margin keeps a rounding of the two from ever closing a connection.
 */
const DOCUMENT_MARGIN = 0.98;

export interface DocumentLimitsOptions {
  /** Told the reason when an edit is not made; the page shows it. */
  onRefused: (reason: string) => void;
}

/** Why the new document breaks a limit the old one kept, or null. Only the parts the transaction touched are read. */
export function limitBroken(tr: Transaction, before: ProseMirrorNode): string | null {
  const after = tr.doc;
  const size = nodeSize(after);
  if (size > DOCUMENT_LIMITS.documentSize * DOCUMENT_MARGIN && size > nodeSize(before)) {
    return `the document may hold at most ${(DOCUMENT_LIMITS.documentSize / 1_000_000).toLocaleString("en")} million characters, and this change would pass that`;
  }
  let problem: string | null = null;
  tr.mapping.maps.forEach((map, index) => {
    const rest = tr.mapping.slice(index + 1);
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => {
      if (problem) return;
      const from = Math.max(0, rest.map(newStart, -1));
      const to = Math.min(after.content.size, rest.map(newEnd, 1));
      after.nodesBetween(from, to, (node, pos) => {
        if (problem) return false;
        if (!node.isTextblock) return true;
        if (after.resolve(pos).depth + 1 > DOCUMENT_LIMITS.depth) problem = `blocks may be nested at most ${DOCUMENT_LIMITS.depth} deep`;
        // A run of text ends at an inline node (a line break): the server counts each run, so the browser does too.
        let run = 0;
        node.forEach((child) => {
          run = child.isText ? run + (child.text?.length ?? 0) : 0;
          if (run > DOCUMENT_LIMITS.textLength) problem = `a paragraph may hold at most ${DOCUMENT_LIMITS.textLength.toLocaleString("en")} characters`;
        });
        return false;
      });
    });
  });
  return problem;
}

const key = new PluginKey("documentLimits");

export const DocumentLimits = Extension.create<DocumentLimitsOptions>({
  name: "documentLimits",

  addOptions() {
    return { onRefused: () => {} };
  },

  addProseMirrorPlugins() {
    const options = this.options;
    return [
      new Plugin({
        key,
        filterTransaction(tr, state) {
          if (!tr.docChanged) return true;
          // Changes that arrive from the shared document (others' edits, the first render, undo) are in it already:
          // refusing them would split this editor off from it.
          if (tr.getMeta(ySyncPluginKey) !== undefined) return true;
          const problem = limitBroken(tr, state.doc);
          if (!problem) return true;
          options.onRefused(problem);
          return false;
        },
      }),
    ];
  },
});
