// What a collaborative document may hold: the one definition of "valid" (the editor's schema, attribute rules and size
// limits) that the collaboration server checks every change against, and that tests and readers can ask too.
import { Fragment, type Mark, type MarkType, type Node as ProseMirrorNode, type NodeType, type Schema } from "@tiptap/pm/model";
import * as Y from "yjs";
import { dataBlockQuerySchema } from "~/modules/reports/report-blocks";
import { DATA_BLOCK_NODE_NAME } from "./data-block";
import { DOCUMENT_FIELD, editorSchema } from "./extensions";
import { frozenGoalOf } from "./goal-reference";
import { checkHref } from "./links";

/**
 * The limits every document keeps. Characters are UTF-16 code units, as the editor counts them. A document's size is its
 * text plus its attribute values plus one per node (`documentSize`); at the maximum its whole state still fits the
 * collaboration socket's 4 MiB message cap, so an editor that went offline can always send everything it holds.
 */
export const DOCUMENT_LIMITS = {
  /** One run of text (a paragraph's text between hard breaks, say): about 40 pages. */
  textLength: 100_000,
  /** A plain attribute value (a link target, a goal id). Link targets have their own, lower cap in links.ts. */
  attributeLength: 2_048,
  /** An attribute holding structured data (a data block's frozen numbers), as JSON. */
  jsonAttributeLength: 256 * 1024,
  /** The whole document: about 400 pages of text. */
  documentSize: 1_000_000,
  /** How deep blocks may nest (lists in lists in quotes…); readers walk documents recursively. */
  depth: 32,
} as const;

/** Why a change was refused: `invalid` (the editor could not have made it) or `too-large` (it passes a limit). */
export interface Refusal {
  kind: "invalid" | "too-large";
  /** A sentence for the person whose change it was (the close reason: keep it under about 110 characters). */
  reason: string;
}

const refuse = (reason: string): Refusal => ({ kind: "invalid", reason: reason.slice(0, 110) });
const tooLarge = (reason: string): Refusal => ({ kind: "too-large", reason: reason.slice(0, 110) });

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Attribute values

type AttributeRule = (value: unknown) => string | null;

const isInteger = (min: number, max: number): AttributeRule => (value) =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? null : `must be a whole number from ${min} to ${max}`;
const isBoolean: AttributeRule = (value) => (typeof value === "boolean" ? null : "must be true or false");
const isTextOrNull: AttributeRule = (value) => (value === null || typeof value === "string" ? null : "must be text");
const isHref: AttributeRule = (value) => {
  const verdict = checkHref(value);
  return verdict.ok ? null : verdict.reason;
};

/** A data block's frozen numbers: the shape block-html.ts draws (checked loosely: extra keys are the renderer's business). */
function isFrozenBlockData(value: unknown): string | null {
  if (value === null) return null;
  if (!value || typeof value !== "object" || Array.isArray(value)) return "must be an object";
  const v = value as Record<string, unknown>;
  if (typeof v.title !== "string" || typeof v.summary !== "string") return "needs a title and a summary";
  if (!Array.isArray(v.columns) || !Array.isArray(v.rows) || !Array.isArray(v.footnotes)) return "needs columns, rows and footnotes";
  return null;
}

/**
 * Rules for attributes whose values matter to readers, by "node.attribute" or "mark.attribute". Attributes not named
 * here may hold text, a number, true/false or nothing; every attribute must be one the schema declares.
 */
const ATTRIBUTE_RULES: Record<string, AttributeRule> = {
  "heading.level": isInteger(1, 6),
  "orderedList.start": isInteger(-1_000_000, 1_000_000),
  "orderedList.type": isTextOrNull,
  "taskItem.checked": isBoolean,
  "tableCell.colspan": isInteger(1, 1_000),
  "tableCell.rowspan": isInteger(1, 1_000),
  "tableHeader.colspan": isInteger(1, 1_000),
  "tableHeader.rowspan": isInteger(1, 1_000),
  "tableCell.colwidth": (value) => (value === null || (Array.isArray(value) && value.length <= 1_000 && value.every((w) => Number.isInteger(w) && w >= 0 && w <= 100_000)) ? null : "must be a list of widths"),
  "tableHeader.colwidth": (value) => (value === null || (Array.isArray(value) && value.length <= 1_000 && value.every((w) => Number.isInteger(w) && w >= 0 && w <= 100_000)) ? null : "must be a list of widths"),
  "goalReference.goalId": isTextOrNull,
  "goalReference.frozen": (value) => (value === null || frozenGoalOf(value) ? null : "must be a goal's published words"),
  [`${DATA_BLOCK_NODE_NAME}.query`]: (value) => (value === null || dataBlockQuerySchema.safeParse(value).success ? null : "must be a data query (kind, cycle, options)"),
  [`${DATA_BLOCK_NODE_NAME}.note`]: (value) => (typeof value === "string" || value === null ? null : "must be text"),
  [`${DATA_BLOCK_NODE_NAME}.frozen`]: isFrozenBlockData,
  "link.href": isHref,
};

/** Attributes whose value is structured JSON and may be longer than plain text. */
const JSON_ATTRIBUTES = new Set(["goalReference.frozen", `${DATA_BLOCK_NODE_NAME}.query`, `${DATA_BLOCK_NODE_NAME}.frozen`]);

/** How much an attribute value counts towards a document's size: its text, or its JSON. */
export function attributeSize(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "string") return value.length;
  if (typeof value === "number" || typeof value === "boolean") return String(value).length;
  return JSON.stringify(value)?.length ?? 0;
}

function plainJSON(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (depth > 8) return false;
  if (Array.isArray(value)) return value.every((entry) => plainJSON(entry, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every((entry) => plainJSON(entry, depth + 1));
  return false;
}

/** Null when the attribute may hold the value, else why not. `owner` is a node or mark type. */
export function checkAttribute(owner: NodeType | MarkType, name: string, value: unknown): string | null {
  const kind = "isText" in owner ? "" : " mark";
  const where = `${owner.name}${kind}`;
  // Every node and mark type has its computed attributes here at run time (prosemirror-model's types leave it out).
  const declared = (owner as unknown as { attrs: Record<string, unknown> }).attrs;
  if (!(name in declared)) return `"${name}" is not an attribute of ${where}`;
  if (value === undefined || value === null) return null;
  if (!plainJSON(value)) return `${where} "${name}" must be plain data`;
  const key = `${owner.name}.${name}`;
  const size = attributeSize(value);
  const cap = JSON_ATTRIBUTES.has(key) ? DOCUMENT_LIMITS.jsonAttributeLength : DOCUMENT_LIMITS.attributeLength;
  if (size > cap) return `${where} "${name}" is longer than ${cap} characters`;
  const rule = ATTRIBUTE_RULES[key];
  if (rule) {
    const problem = rule(value);
    return problem ? `${where} "${name}" ${problem}` : null;
  }
  if (typeof value === "object") return `${where} "${name}" must be text, a number or true/false`;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------------
// The schema's shapes

const allowedChildren = new WeakMap<NodeType, Set<NodeType>>();

/** Every node type the content expression of `type` admits somewhere (so "text at the top level" is never fine). */
function childTypesOf(type: NodeType): Set<NodeType> {
  let found = allowedChildren.get(type);
  if (found) return found;
  found = new Set();
  const seen = new Set([type.contentMatch]);
  const todo = [type.contentMatch];
  while (todo.length) {
    const match = todo.pop()!;
    for (let i = 0; i < match.edgeCount; i++) {
      const edge = match.edge(i);
      found.add(edge.type);
      if (!seen.has(edge.next)) {
        seen.add(edge.next);
        todo.push(edge.next);
      }
    }
  }
  allowedChildren.set(type, found);
  return found;
}

/** The mark name y-prosemirror stored ("link--a1b2c3d4" for marks that may overlap themselves). */
function markNameOf(key: string) {
  return /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(key)?.[1] ?? key;
}

/** The node a Yjs element stands for, or why it cannot stand for one. */
function nodeTypeOf(schema: Schema, element: Y.XmlElement): NodeType {
  const type = Object.prototype.hasOwnProperty.call(schema.nodes, element.nodeName) ? schema.nodes[element.nodeName] : undefined;
  if (!type || type.isText || type === schema.topNodeType) throw new Refused(refuse(`"${element.nodeName.slice(0, 40)}" is not something the editor makes`));
  return type;
}

function checkElementAttributes(type: NodeType, attributes: Record<string, unknown>) {
  for (const [name, value] of Object.entries(attributes)) {
    const problem = checkAttribute(type, name, value);
    if (problem) throw new Refused(refuse(problem));
  }
}

/** The text's marks as the schema's, checked: known, allowed in `parent`, valid attributes, combinable. */
function marksOf(schema: Schema, parent: NodeType, attributes: Record<string, unknown> | undefined): Mark[] {
  if (!attributes) return [];
  const marks: Mark[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined) continue;
    const name = markNameOf(key);
    const markType = Object.prototype.hasOwnProperty.call(schema.marks, name) ? schema.marks[name] : undefined;
    if (!markType) throw new Refused(refuse(`"${name.slice(0, 40)}" is not a formatting the editor makes`));
    if (!parent.allowsMarkType(markType)) throw new Refused(refuse(`${name} formatting is not allowed in ${parent.name}`));
    if (typeof value !== "object" || Array.isArray(value)) throw new Refused(refuse(`${name} formatting must carry attributes`));
    for (const [attr, attrValue] of Object.entries(value as Record<string, unknown>)) {
      const problem = checkAttribute(markType, attr, attrValue);
      if (problem) throw new Refused(refuse(problem));
    }
    try {
      marks.push(markType.create(value as Record<string, unknown>));
    } catch (error) {
      throw new Refused(refuse(`${name} formatting: ${(error as Error).message}`));
    }
  }
  for (const a of marks) for (const b of marks) if (a !== b && a.type.excludes(b.type)) throw new Refused(refuse(`${a.type.name} and ${b.type.name} formatting cannot be combined`));
  return marks;
}

/** How much a run's formatting counts towards a document's size: its marks' attribute values. */
function formattingSize(attributes: Record<string, unknown> | undefined): number {
  let total = 0;
  for (const value of Object.values(attributes ?? {})) {
    if (value && typeof value === "object") for (const attr of Object.values(value)) total += attributeSize(attr);
  }
  return total;
}

/** Text runs of one Yjs text, checked; returns the size they add to the document. */
function checkText(schema: Schema, parent: NodeType, text: Y.XmlText, into?: ProseMirrorNode[]): number {
  if (!parent.inlineContent || !childTypesOf(parent).has(schema.nodes.text)) throw new Refused(refuse(`text cannot be placed directly in ${parent.name === schema.topNodeType.name ? "the document" : parent.name}`));
  if (text.length > DOCUMENT_LIMITS.textLength) throw new Refused(tooLarge(`a paragraph may hold at most ${DOCUMENT_LIMITS.textLength} characters`));
  if (Object.keys(text.getAttributes()).length) throw new Refused(refuse("text cannot carry attributes"));
  let size = 0;
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== "string") throw new Refused(refuse("text may only hold characters"));
    const marks = marksOf(schema, parent, op.attributes);
    size += op.insert.length + formattingSize(op.attributes);
    if (into && op.insert.length) into.push(schema.text(op.insert, marks));
  }
  return size;
}

/** The ProseMirror node one Yjs element and everything in it stand for, strictly: nothing is dropped or repaired. */
function strictNode(schema: Schema, element: Y.XmlElement, depth: number, size: { total: number }, root = true): ProseMirrorNode {
  if (depth > DOCUMENT_LIMITS.depth) throw new Refused(refuse(`blocks may be nested at most ${DOCUMENT_LIMITS.depth} deep`));
  const type = nodeTypeOf(schema, element);
  const attributes = element.getAttributes() as Record<string, unknown>;
  checkElementAttributes(type, attributes);
  size.total += 1 + Object.values(attributes).reduce<number>((n, v) => n + attributeSize(v), 0);
  const children: ProseMirrorNode[] = [];
  for (const child of element.toArray()) {
    if (child instanceof Y.XmlText) size.total += checkText(schema, type, child, children);
    else if (child instanceof Y.XmlElement) {
      const node = strictNode(schema, child, depth + 1, size, false);
      if (!childTypesOf(type).has(node.type)) throw new Refused(refuse(`${node.type.name} cannot be placed in ${type.name}`));
      children.push(node);
    } else throw new Refused(refuse(`${type.name} may only hold blocks and text`));
  }
  let node: ProseMirrorNode;
  try {
    node = type.create(attributes, children);
  } catch (error) {
    throw new Refused(refuse(`${type.name}: ${(error as Error).message.slice(0, 60)}`));
  }
  // ProseMirror's own check, once per new subtree (it walks everything below).
  if (root) checkNode(node);
  return node;
}

/** node.check(), with its error turned into a refusal that names the node (never the text it holds). */
function checkNode(node: ProseMirrorNode) {
  try {
    node.check();
  } catch (error) {
    const name = /node (\w+)/.exec((error as Error).message)?.[1] ?? node.type.name;
    throw new Refused(refuse(`${name === node.type.schema.topNodeType.name ? "the document" : `a ${name}`} cannot hold this content`));
  }
}

/** A placeholder with the child's type (and no marks): enough to match a parent's content expression. */
function placeholderOf(schema: Schema, child: unknown): ProseMirrorNode | null {
  if (child instanceof Y.XmlText) return child.length ? schema.text("x") : null;
  if (child instanceof Y.XmlElement) {
    const type = Object.prototype.hasOwnProperty.call(schema.nodes, child.nodeName) ? schema.nodes[child.nodeName] : undefined;
    // An unknown old child: readers leave it out, and so does the match.
    return type && !type.isText && type !== schema.topNodeType ? type.create() : null;
  }
  return null;
}

function fits(type: NodeType, children: (ProseMirrorNode | null)[]) {
  return type.contentMatch.matchFragment(Fragment.from(children.filter((c): c is ProseMirrorNode => c !== null)))?.validEnd ?? false;
}

/** How deep an element is: the document body's children are at depth 1. */
function depthOf(type: Y.XmlElement | Y.XmlFragment): number {
  let depth = 0;
  for (let item = type._item; item; item = (item.parent as Y.XmlElement)._item) depth++;
  return depth;
}

function containerTypeOf(schema: Schema, target: Y.XmlElement | Y.XmlFragment): NodeType {
  return target instanceof Y.XmlElement ? nodeTypeOf(schema, target) : schema.topNodeType;
}

function label(type: NodeType, schema: Schema) {
  return type === schema.topNodeType ? "the document" : `a ${type.name}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Checking

/** The size one change adds at most (its new text, nodes and attributes); deletions are not subtracted. */
export interface ChangeVerdict {
  refusal: Refusal | null;
  growth: number;
}

/**
 * Checks what one Yjs transaction changed in the document body, as the events of `observeDeep` on the body report it.
 * New content is checked whole and strictly (every node, attribute, mark and content expression, through
 * ProseMirror's own `check()`); existing nodes are checked where they changed: their attributes, their text, and their
 * children. A container whose children fitted its content expression before the change must still fit after it
 * (a change may not delete a list's last item or the document's last block); one that did not already fit (damage
 * from before these checks, or a rare merge of two people's deletions) is not held against the change.
 */
export function checkBodyChanges(events: Y.YEvent<Y.AbstractType<unknown>>[], schema: Schema = editorSchema()): ChangeVerdict {
  let growth = 0;
  try {
    for (const event of events) {
      const target = event.target;
      if (target instanceof Y.XmlText) {
        const parent = target.parent;
        const parentType = parent instanceof Y.XmlElement ? nodeTypeOf(schema, parent) : schema.topNodeType;
        if ((event as Y.YTextEvent).keysChanged?.size) throw new Refused(refuse("text cannot carry attributes"));
        checkText(schema, parentType, target);
        for (const op of (event as Y.YTextEvent).delta) {
          if (typeof op.insert === "string") growth += op.insert.length;
          else if (op.insert !== undefined) throw new Refused(refuse("text may only hold characters"));
          growth += formattingSize(op.attributes);
        }
        continue;
      }
      if (!(target instanceof Y.XmlElement) && !(target instanceof Y.XmlFragment)) throw new Refused(refuse("the document holds only blocks and text"));
      const type = containerTypeOf(schema, target);
      const attributesChanged = (event as Y.YXmlEvent).attributesChanged ?? new Set<string>();
      if (target instanceof Y.XmlElement) {
        for (const name of attributesChanged) {
          const value = target.getAttribute(name) as unknown;
          const problem = checkAttribute(type, name, value);
          if (problem) throw new Refused(refuse(problem));
          growth += attributeSize(value);
        }
      } else if (attributesChanged.size) throw new Refused(refuse("the document cannot carry attributes"));
      if (!event.changes.added.size && !event.changes.deleted.size) continue;
      const depth = depthOf(target);
      const allowed = childTypesOf(type);
      for (const item of event.changes.added) {
        const content = item.content;
        if (!(content instanceof Y.ContentType)) throw new Refused(refuse(`${label(type, schema)} may only hold blocks and text`));
        const child = content.type;
        if (child instanceof Y.XmlText) {
          growth += checkText(schema, type, child);
        } else if (child instanceof Y.XmlElement) {
          const size = { total: 0 };
          const node = strictNode(schema, child, depth + 1, size);
          if (!allowed.has(node.type)) throw new Refused(refuse(`${node.type.name} cannot be placed in ${label(type, schema).replace(/^a /, "")}`));
          growth += size.total;
        } else throw new Refused(refuse(`${label(type, schema)} may only hold blocks and text`));
      }
      const after = target.toArray().map((child) => placeholderOf(schema, child));
      if (fits(type, after)) continue;
      const before: (ProseMirrorNode | null)[] = [];
      for (let item = target._start; item; item = item.right) {
        if (!item.countable || event.adds(item)) continue;
        if (item.deleted && !event.deletes(item)) continue;
        before.push(item.content instanceof Y.ContentType ? placeholderOf(schema, item.content.type) : null);
      }
      if (fits(type, before)) throw new Refused(refuse(`this change would leave ${label(type, schema)} without the content it needs`));
    }
  } catch (error) {
    if (error instanceof Refused) return { refusal: error.refusal, growth };
    throw error;
  }
  return { refusal: null, growth };
}

/** Checks a whole document body (a stored document, a restore): the strict reading of every node. */
export function checkBody(fragment: Y.XmlFragment, schema: Schema = editorSchema()): { refusal: Refusal | null; size: number } {
  const size = { total: 0 };
  try {
    const children: ProseMirrorNode[] = [];
    for (const child of fragment.toArray()) {
      if (child instanceof Y.XmlElement) children.push(strictNode(schema, child, 1, size, false));
      else if (child instanceof Y.XmlText) checkText(schema, schema.topNodeType, child);
      else throw new Refused(refuse("the document holds only blocks and text"));
    }
    checkNode(schema.topNodeType.create(null, children));
    if (size.total > DOCUMENT_LIMITS.documentSize) return { refusal: tooLarge(documentTooLargeReason), size: size.total };
  } catch (error) {
    if (error instanceof Refused) return { refusal: error.refusal, size: size.total };
    throw error;
  }
  return { refusal: null, size: size.total };
}

export const documentTooLargeReason = `a document may hold at most ${DOCUMENT_LIMITS.documentSize / 1_000_000} million characters`;

/** The size of a document body as `DOCUMENT_LIMITS.documentSize` counts it, without checking anything else. */
export function bodySize(fragment: Y.XmlFragment): number {
  let total = 0;
  const walk = (type: Y.XmlElement | Y.XmlFragment) => {
    for (const child of type.toArray()) {
      if (child instanceof Y.XmlText) {
        for (const op of child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
          total += (typeof op.insert === "string" ? op.insert.length : 1) + formattingSize(op.attributes);
        }
      } else if (child instanceof Y.XmlElement) {
        total += 1;
        for (const value of Object.values(child.getAttributes())) total += attributeSize(value);
        walk(child);
      } else total += 1;
    }
  };
  walk(fragment);
  return total;
}

/** The same measure for a ProseMirror document (the browser's editor), memoised per node: nodes are immutable. */
const sizes = new WeakMap<ProseMirrorNode, number>();
export function nodeSize(node: ProseMirrorNode): number {
  const known = sizes.get(node);
  if (known !== undefined) return known;
  let total: number;
  if (node.isText) total = (node.text?.length ?? 0) + node.marks.reduce((n, mark) => n + Object.values(mark.attrs).reduce<number>((m, v) => m + attributeSize(v), 0), 0);
  else {
    total = node.type === node.type.schema.topNodeType ? 0 : 1 + Object.values(node.attrs).reduce<number>((n, v) => n + attributeSize(v), 0);
    node.forEach((child) => (total += nodeSize(child)));
  }
  sizes.set(node, total);
  return total;
}

/** Whether a whole Yjs document's body is valid, for tests and readers: null when it is, else the refusal. */
export function checkYDoc(ydoc: Y.Doc): Refusal | null {
  return checkBody(ydoc.getXmlFragment(DOCUMENT_FIELD)).refusal;
}
