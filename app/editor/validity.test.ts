// The one definition of a valid document: what the editor makes passes, what it cannot make is refused with a reason.
import type { JSONContent } from "@tiptap/core";
import { Node as ProseMirrorNode } from "@tiptap/pm/model";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { updateFromJSON } from "./document";
import { DOCUMENT_FIELD, editorSchema } from "./extensions";
import { bodySize, checkBodyChanges, checkYDoc, DOCUMENT_LIMITS, nodeSize, type ChangeVerdict } from "./validity";

const goalId = "11111111-1111-4111-8111-111111111111";
const sample: JSONContent = {
  type: "doc",
  content: [
    { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Vision" }] },
    { type: "paragraph", content: [{ type: "text", text: "Every student ", marks: [{ type: "bold" }] }, { type: "text", text: "belongs", marks: [{ type: "link", attrs: { href: "https://casel.org/" } }] }] },
    { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "one" }] }] }, { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "two" }] }] }] },
    { type: "taskList", content: [{ type: "taskItem", attrs: { checked: true }, content: [{ type: "paragraph", content: [{ type: "text", text: "done" }] }] }] },
    { type: "goalReference", attrs: { goalId } },
    { type: "table", content: [{ type: "tableRow", content: [{ type: "tableHeader", content: [{ type: "paragraph" }] }, { type: "tableCell", content: [{ type: "paragraph", content: [{ type: "text", text: "cell" }] }] }] }] },
    { type: "dataBlock", attrs: { query: { kind: "goals", cycleId: goalId, options: {} }, note: "A note", frozen: null } },
  ],
};

function sampleDoc() {
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, updateFromJSON(sample));
  return ydoc;
}

/** What the check says about one change made to the document inside a single transaction. */
function verdictOf(ydoc: Y.Doc, change: (body: Y.XmlFragment) => void): ChangeVerdict | null {
  let verdict: ChangeVerdict | null = null;
  const body = ydoc.getXmlFragment(DOCUMENT_FIELD);
  const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => (verdict = checkBodyChanges(events));
  body.observeDeep(observer);
  ydoc.transact(() => change(body));
  body.unobserveDeep(observer);
  return verdict;
}

const element = (name: string, attributes: Record<string, unknown> = {}, children: (Y.XmlElement | Y.XmlText)[] = []) => {
  const el = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value as string);
  el.insert(0, children);
  return el;
};
const text = (value: string, format?: Record<string, unknown>) => {
  const t = new Y.XmlText();
  t.insert(0, value, format);
  return t;
};
const paragraph = (value = "words") => element("paragraph", {}, [text(value)]);

describe("the editor's own documents", () => {
  it("accepts a document with every kind of node the editor makes", () => {
    expect(checkYDoc(sampleDoc())).toBeNull();
  });

  it("accepts typing, formatting, new blocks and deleting one of several", () => {
    const ydoc = sampleDoc();
    const heading = ydoc.getXmlFragment(DOCUMENT_FIELD).get(0) as Y.XmlElement;
    expect(verdictOf(ydoc, () => (heading.get(0) as Y.XmlText).insert(6, " for all"))).toEqual({ refusal: null, growth: 8 });
    expect(verdictOf(ydoc, () => (heading.get(0) as Y.XmlText).format(0, 3, { italic: {} }))?.refusal).toBeNull();
    expect(verdictOf(ydoc, (body) => body.insert(1, [paragraph("a new paragraph")]))?.refusal).toBeNull();
    const list = ydoc.getXmlFragment(DOCUMENT_FIELD).get(3) as Y.XmlElement;
    expect(verdictOf(ydoc, () => list.delete(0, 1))?.refusal).toBeNull();
    expect(verdictOf(ydoc, (body) => body.delete(0, 1))?.refusal).toBeNull();
  });

  it("measures a document the same way from Yjs and from the editor", () => {
    const ydoc = sampleDoc();
    const fromEditor = ProseMirrorNode.fromJSON(editorSchema(), sample);
    expect(bodySize(ydoc.getXmlFragment(DOCUMENT_FIELD))).toBe(nodeSize(fromEditor));
    expect(nodeSize(fromEditor)).toBeGreaterThan(40);
  });
});

describe("changes the editor could not make", () => {
  const refusals: [string, (body: Y.XmlFragment) => void, RegExp][] = [
    ["bare text at the top level", (body) => body.insert(0, [text("loose")]), /text cannot be placed directly in the document/],
    ["an unknown node", (body) => body.insert(0, [element("script", {}, [text("x")])]), /"script" is not something the editor makes/],
    ["a document node inside the document", (body) => body.insert(0, [element("doc", {}, [paragraph()])]), /"doc" is not something/],
    ["a list item outside a list", (body) => body.insert(0, [element("listItem", {}, [paragraph()])]), /listItem cannot be placed in the document/],
    ["an empty list", (body) => body.insert(0, [element("bulletList")]), /bulletList cannot hold this content/],
    ["a list item that does not start with a paragraph", (body) => body.insert(0, [element("bulletList", {}, [element("listItem", {}, [element("bulletList", {}, [element("listItem", {}, [paragraph()])])])])]), /listItem cannot hold this content/],
    ["an unknown mark", (body) => body.insert(0, [element("paragraph", {}, [text("x", { blink: {} })])]), /"blink" is not a formatting/],
    ["a link with an unknown attribute", (body) => body.insert(0, [element("paragraph", {}, [text("x", { link: { href: "https://a.example/", onclick: "alert(1)" } })])]), /"onclick" is not an attribute of link mark/],
    ["a link to script", (body) => body.insert(0, [element("paragraph", {}, [text("x", { link: { href: "javascript:alert(1)" } })])]), /link mark "href" "javascript:" links are not allowed/],
    ["an unknown attribute", (body) => body.insert(0, [element("paragraph", { style: "x" }, [text("x")])]), /"style" is not an attribute of paragraph/],
    ["a heading level out of range", (body) => body.insert(0, [element("heading", { level: 99 }, [text("x")])]), /heading "level" must be a whole number/],
    ["a checkbox that is not true or false", (body) => body.insert(0, [element("taskList", {}, [element("taskItem", { checked: "yes" }, [paragraph()])])]), /taskItem "checked" must be true or false/],
    ["a huge attribute", (body) => body.insert(0, [element("goalReference", { goalId: "g".repeat(5_000) })]), /goalReference "goalId" is longer than 2048/],
    ["an object where text belongs", (body) => body.insert(0, [element("goalReference", { goalId: { $gt: "" } })]), /goalReference "goalId" must be text/],
    ["a data block with a made-up query", (body) => body.insert(0, [element("dataBlock", { query: { kind: "student-names", cycleId: "x" } })]), /dataBlock "query" must be a data query/],
    ["text inside a goal block", (body) => body.insert(0, [element("goalReference", { goalId }, [text("x")])]), /text cannot be placed directly in goalReference/],
    [
      "nesting deeper than the limit",
      (body) => {
        let inner: Y.XmlElement = element("blockquote", {}, [paragraph()]);
        for (let i = 0; i < DOCUMENT_LIMITS.depth + 2; i++) inner = element("blockquote", {}, [inner]);
        body.insert(0, [inner]);
      },
      /nested at most 32 deep/,
    ],
    ["deleting the document's last block", (body) => body.delete(0, body.length), /would leave the document without the content it needs/],
    [
      "deleting a list's last item",
      (body) => {
        const list = body.get(2) as Y.XmlElement;
        list.delete(0, list.length);
      },
      /would leave a bulletList without the content it needs/,
    ],
    ["an attribute on text", (body) => ((body.get(1) as Y.XmlElement).get(0) as Y.XmlText).setAttribute("x", "y"), /text cannot carry attributes/],
    ["an embedded object in text", (body) => ((body.get(1) as Y.XmlElement).get(0) as Y.XmlText).insertEmbed(0, { image: "x" }), /text may only hold characters/],
    ["an unknown attribute set later", (body) => (body.get(0) as Y.XmlElement).setAttribute("onclick", "x"), /"onclick" is not an attribute of heading/],
  ];

  for (const [what, change, reason] of refusals) {
    it(`refuses ${what}`, () => {
      const verdict = verdictOf(sampleDoc(), change);
      expect(verdict?.refusal?.kind).toBe("invalid");
      expect(verdict?.refusal?.reason).toMatch(reason);
      expect(verdict!.refusal!.reason.length).toBeLessThanOrEqual(110);
    });
  }

  it("refuses text runs past the limit as too large", () => {
    const ydoc = sampleDoc();
    const verdict = verdictOf(ydoc, () => ((ydoc.getXmlFragment(DOCUMENT_FIELD).get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, "x".repeat(DOCUMENT_LIMITS.textLength + 1)));
    expect(verdict?.refusal).toEqual({ kind: "too-large", reason: "a paragraph may hold at most 100000 characters" });
  });

  it("does not hold old damage against a change elsewhere or inside it", () => {
    const ydoc = sampleDoc();
    // A list emptied before these checks existed (or by two people's deletions crossing): still editable around it.
    const list = ydoc.getXmlFragment(DOCUMENT_FIELD).get(2) as Y.XmlElement;
    list.delete(0, list.length);
    expect(checkYDoc(ydoc)?.reason).toMatch(/cannot hold this content/);
    expect(verdictOf(ydoc, (body) => body.insert(0, [paragraph()]))?.refusal).toBeNull();
    expect(verdictOf(ydoc, () => list.insert(0, [element("listItem", {}, [paragraph("back")])]))?.refusal).toBeNull();
    // …but what is added to it must still be something the editor makes.
    expect(verdictOf(ydoc, () => list.insert(0, [paragraph()]))?.refusal?.reason).toMatch(/paragraph cannot be placed in a bulletList|cannot be placed in bulletList/);
  });
});
