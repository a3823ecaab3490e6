// The one list of editor extensions: the browser editor, server-side rendering, export and the template all use it,
// so a document means the same thing everywhere.
import { getSchema, type Extensions, type NodeViewRenderer } from "@tiptap/core";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { Table, TableCell, TableHeader, TableRow } from "@tiptap/extension-table";
import StarterKit from "@tiptap/starter-kit";
import { DataBlock, dataBlockMarkdown } from "./data-block";
import { GoalReference, goalReferenceMarkdown, type GoalReferenceOptions } from "./goal-reference";
import { DocumentLimits } from "./limits";
import { isSafeHref } from "./links";

/** The Yjs XmlFragment every collaborative document keeps its body in (Tiptap's Collaboration default). */
export const DOCUMENT_FIELD = "default";

export interface EditorExtensionOptions {
  lookupGoal?: GoalReferenceOptions["lookupGoal"];
  /** The reader may not open the cycle's goals: goal blocks say so instead of calling the goal gone. */
  goalsHidden?: boolean;
  /** Rendering a published report's stored content: goal blocks draw the words publishing froze into them. */
  trustFrozenGoals?: boolean;
  /** The browser draws the goal block with React; rendering on the server uses the node's renderHTML. */
  goalNodeView?: NodeViewRenderer;
  /** The browser draws a report's data block (live or frozen numbers, note, move and remove) with React. */
  dataBlockNodeView?: NodeViewRenderer;
  /** Told why an edit was not made because it would pass a document limit (validity.ts); the page says so. */
  onEditRefused?: (reason: string) => void;
}

export function editorExtensions(options: EditorExtensionOptions = {}): Extensions {
  const lookupGoal = options.lookupGoal ?? (() => undefined);
  const goalsHidden = options.goalsHidden ?? false;
  const trustFrozen = options.trustFrozenGoals ?? false;
  return [
    StarterKit.configure({
      // Undo in a shared document is Yjs's (per person), which the Collaboration extension brings in the browser.
      undoRedo: false,
      heading: { levels: [2, 3, 4] },
      code: false,
      codeBlock: false,
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: "https",
        // Checked on paste, on typing, on setLink and when rendering: anything else never becomes a link.
        isAllowedUri: (url) => isSafeHref(url),
        shouldAutoLink: (url) => isSafeHref(url),
        HTMLAttributes: { rel: "noopener noreferrer nofollow", target: null },
      },
    }),
    TaskList,
    TaskItem.configure({ nested: true }),
    Table.configure({ resizable: false }),
    TableRow,
    TableHeader,
    TableCell,
    GoalReference.configure({ lookupGoal, goalsHidden, trustFrozen }).extend({
      renderMarkdown: (node) => goalReferenceMarkdown(node.attrs, lookupGoal, goalsHidden, trustFrozen),
      ...(options.goalNodeView ? { addNodeView: () => options.goalNodeView! } : {}),
    }),
    DataBlock.extend({
      renderMarkdown: (node) => dataBlockMarkdown(node.attrs ?? {}),
      ...(options.dataBlockNodeView ? { addNodeView: () => options.dataBlockNodeView! } : {}),
    }),
    // Not schema: keeps the editor from making a change the collaboration server would refuse for its size.
    DocumentLimits.configure({ onRefused: options.onEditRefused ?? (() => {}) }),
  ];
}

let cachedSchema: ReturnType<typeof getSchema> | null = null;

/** The ProseMirror schema of every plan document; node and mark names here are what Yjs stores. */
export function editorSchema() {
  cachedSchema ??= getSchema(editorExtensions());
  return cachedSchema;
}
