import type { JSONContent } from "@tiptap/core";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import {
  documentHTML,
  documentJSON,
  documentJSONFromUpdate,
  documentMarkdown,
  documentText,
  hrefsInUpdate,
  readDocument,
  unsafeHrefInUpdate,
  updateFromJSON,
  withoutUnsafeLinks,
} from "./document";
import { DOCUMENT_FIELD, editorSchema } from "./extensions";
import type { GoalSummary } from "./goal-reference";

const text = (value: string, marks?: NonNullable<JSONContent["marks"]>): JSONContent => ({ type: "text", text: value, ...(marks ? { marks } : {}) });
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });
const item = (type: "listItem" | "taskItem", value: string, checked?: boolean, nested?: JSONContent): JSONContent => ({
  type,
  ...(type === "taskItem" ? { attrs: { checked: !!checked } } : {}),
  content: [paragraph(text(value)), ...(nested ? [nested] : [])],
});
const cell = (type: "tableHeader" | "tableCell", value: string): JSONContent => ({ type, content: [value ? paragraph(text(value)) : { type: "paragraph" }] });

const goal: GoalSummary = { id: "goal-1", title: "Morning meetings in every class", statusLabel: "On track", kindLabel: "Implementation" };
const lookupGoal = (id: string) => (id === goal.id ? goal : undefined);

/** One of every node and mark the editor's schema has. */
const everything: JSONContent = {
  type: "doc",
  content: [
    { type: "heading", attrs: { level: 2 }, content: [text("Vision and priorities")] },
    { type: "heading", attrs: { level: 3 }, content: [text("This year")] },
    { type: "heading", attrs: { level: 4 }, content: [text("Why")] },
    paragraph(
      text("We "),
      text("will", [{ type: "bold" }]),
      text(" "),
      text("grow", [{ type: "italic" }]),
      text(" "),
      text("old", [{ type: "strike" }]),
      text(" "),
      text("adult SEL", [{ type: "underline" }]),
      text(", "),
      text("all", [{ type: "bold" }, { type: "italic" }]),
      { type: "hardBreak" },
      text("see "),
      text("CASEL", [{ type: "link", attrs: { href: "https://casel.org/" } }]),
      text("."),
    ),
    { type: "paragraph" },
    { type: "bulletList", content: [item("listItem", "SEL lead: Dana"), item("listItem", "Counsellors", false, { type: "bulletList", content: [item("listItem", "Maple")] })] },
    { type: "orderedList", attrs: { start: 3 }, content: [item("listItem", "Third"), item("listItem", "Fourth")] },
    { type: "taskList", content: [item("taskItem", "Share with staff", true), item("taskItem", "Tell the board", false, { type: "taskList", content: [item("taskItem", "Book the date", true)] })] },
    { type: "blockquote", content: [paragraph(text("Every child, every day."))] },
    { type: "horizontalRule" },
    {
      type: "table",
      content: [
        { type: "tableRow", content: [cell("tableHeader", "When"), cell("tableHeader", "What")] },
        { type: "tableRow", content: [cell("tableCell", "Baseline"), cell("tableCell", "")] },
      ],
    },
    { type: "goalReference", attrs: { goalId: goal.id } },
    { type: "goalReference", attrs: { goalId: "gone" } },
    // A published report's goal block: the words it had when published, whatever the lookup says now.
    { type: "goalReference", attrs: { goalId: goal.id, frozen: { kind: "outcome", status: "met", kindLabel: "Outcome goal", title: "Attendance as published", statusLabel: "Met" } } },
    // A report's data block: its query, note and (once published) frozen numbers stay JSON attributes.
    { type: "dataBlock", attrs: { query: { kind: "goals", cycleId: "11111111-1111-4111-8111-111111111111", options: {} }, note: "New this year", frozen: null } },
  ],
};

/** The JSON as the schema reads it: default attributes filled in, which is what any round trip gives back. */
const normalised = (json: JSONContent) => editorSchema().nodeFromJSON(json).toJSON() as JSONContent;

function typesIn(json: JSONContent, found = new Set<string>()) {
  if (json.type) found.add(json.type);
  for (const mark of json.marks ?? []) found.add(mark.type);
  for (const child of json.content ?? []) typesIn(child, found);
  return found;
}

describe("JSON and Yjs", () => {
  it("covers the whole schema in the round-trip document", () => {
    const schema = editorSchema();
    const types = typesIn(normalised(everything));
    expect(Object.keys(schema.nodes).filter((name) => !types.has(name))).toEqual([]);
    expect(Object.keys(schema.marks).filter((name) => !types.has(name))).toEqual([]);
  });

  it("gives back every node, mark and attribute after JSON → update → JSON", () => {
    const update = updateFromJSON(everything);
    expect(documentJSONFromUpdate(update)).toEqual(normalised(everything));
    // And the same through a live document, as the collaboration server holds it.
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, update);
    expect(documentJSON(ydoc)).toEqual(normalised(everything));
    expect(ydoc.getXmlFragment(DOCUMENT_FIELD).length).toBe(everything.content!.length);
  });

  it("keeps goal ids, task states, list starts and link targets as attributes", () => {
    const back = documentJSONFromUpdate(updateFromJSON(everything));
    const find = (type: string) => (back.content ?? []).find((node) => node.type === type)!;
    const goalBlocks = (back.content ?? []).filter((node) => node.type === "goalReference");
    // A block stored without frozen words reads them as null; a frozen one keeps them through Yjs.
    expect(goalBlocks[0].attrs).toEqual({ goalId: "goal-1", frozen: null });
    expect(goalBlocks[2].attrs?.frozen).toEqual({ kind: "outcome", status: "met", kindLabel: "Outcome goal", title: "Attendance as published", statusLabel: "Met" });
    expect(find("orderedList").attrs).toMatchObject({ start: 3 });
    expect(find("taskList").content!.map((node) => node.attrs?.checked)).toEqual([true, false]);
    expect(hrefsInUpdate(updateFromJSON(everything))).toEqual(["https://casel.org/"]);
    expect(unsafeHrefInUpdate(updateFromJSON(everything))).toBeNull();
  });

  it("reads a document nobody has written in as an empty doc, which still renders", () => {
    const empty = documentJSONFromUpdate(Y.encodeStateAsUpdate(new Y.Doc()));
    expect(empty).toEqual({ type: "doc" });
    expect(documentHTML(empty)).toBe("");
    expect(documentMarkdown(empty)).toBe("\n");
    expect(documentText(empty)).toBe("");
  });
});

describe("finding link targets in an update", () => {
  it("finds a link added by formatting existing text, and the first one that is not allowed", () => {
    const ydoc = new Y.Doc();
    const para = new Y.XmlElement("paragraph");
    ydoc.getXmlFragment(DOCUMENT_FIELD).insert(0, [para]);
    const words = new Y.XmlText("read the guide");
    para.insert(0, [words]);
    const before = Y.encodeStateVector(ydoc);
    words.format(0, 4, { link: { href: "https://casel.org/" } });
    words.format(5, 3, { link: { href: "javascript:alert(1)" } });
    const change = Y.encodeStateAsUpdate(ydoc, before);
    expect(hrefsInUpdate(change)).toContain("javascript:alert(1)");
    expect(unsafeHrefInUpdate(change)).toBe("javascript:alert(1)");
  });

  it("finds href and src wherever an attribute or map value holds them", () => {
    const ydoc = new Y.Doc();
    const element = new Y.XmlElement("paragraph");
    ydoc.getXmlFragment(DOCUMENT_FIELD).insert(0, [element]);
    element.setAttribute("href", "vbscript:x" as never);
    ydoc.getMap("m").set("src", "data:text/html,x");
    ydoc.getArray("a").insert(0, [{ nested: { href: "//evil.example" } }]);
    expect(hrefsInUpdate(Y.encodeStateAsUpdate(ydoc)).sort()).toEqual(["//evil.example", "data:text/html,x", "vbscript:x"]);
  });

  it("finds nothing in plain typing", () => {
    const ydoc = new Y.Doc();
    ydoc.getText("t").insert(0, "href: javascript:alert(1)");
    expect(hrefsInUpdate(Y.encodeStateAsUpdate(ydoc))).toEqual([]);
  });
});

describe("HTML", () => {
  const html = documentHTML(everything, { lookupGoal });

  it("is clean: no editor classes, no editing state, empty elements closed", () => {
    expect(html).not.toMatch(/ProseMirror|contenteditable|draggable|data-pm|tiptap/i);
    expect(html).not.toMatch(/<(?!(?:input|col|br|hr|img)\b)[a-z][a-z0-9]*(\s[^<>]*)?\/>/);
    expect(html).toContain("<p></p>");
    expect(html).toContain('<td colspan="1" rowspan="1"><p></p></td>');
  });

  it("writes each node and mark as the element a reader expects", () => {
    expect(html).toContain("<h2>Vision and priorities</h2><h3>This year</h3><h4>Why</h4>");
    expect(html).toContain("<strong>will</strong>");
    expect(html).toContain("<em>grow</em>");
    expect(html).toContain("<s>old</s>");
    expect(html).toContain("<u>adult SEL</u>");
    expect(html).toContain("<br/>see ");
    expect(html).toContain('<a rel="noopener noreferrer nofollow" href="https://casel.org/">CASEL</a>');
    expect(html).toContain('<ol start="3"><li><p>Third</p></li>');
    expect(html).toContain('<li data-checked="true" data-type="taskItem"><label><input type="checkbox" disabled checked aria-label="Done">');
    expect(html).toContain('<li data-checked="false" data-type="taskItem"><label><input type="checkbox" disabled aria-label="Not done">');
    expect(html).toContain("<blockquote><p>Every child, every day.</p></blockquote><hr/>");
    expect(html).toContain('<th colspan="1" rowspan="1"><p>When</p></th>');
    expect(html).toContain(
      '<div data-goal-id="goal-1" data-goal-reference="" class="goal-ref"><span class="goal-ref-kind">Implementation goal</span><strong class="goal-ref-title">Morning meetings in every class</strong><span class="goal-ref-status">On track</span></div>',
    );
    expect(html).toContain('<strong class="goal-ref-title">A goal that is no longer in this cycle</strong><span class="goal-ref-status">Unknown status</span>');
  });

  it("draws a goal block's frozen words only for published content, and never as attributes", () => {
    const published = documentHTML(everything, { lookupGoal, trustFrozenGoals: true });
    expect(published).toContain('<span class="goal-ref-kind">Outcome goal</span><strong class="goal-ref-title">Attendance as published</strong><span class="goal-ref-status">Met</span>');
    expect(published).not.toMatch(/frozen|kindLabel/);
    // Anywhere else (a plan, a draft, their exports) the attribute is a client's: the server's words, by goal id.
    expect(html).not.toContain("Attendance as published");
    expect(html).not.toMatch(/frozen|kindLabel/);
  });

  it("never draws a client's frozen words in a plan, its Markdown or its text: the goal as the cycle has it, or missing", () => {
    const forged = { kind: "outcome", status: "met", kindLabel: "Outcome goal", title: "Forged: goal met early", statusLabel: "Met" };
    const plan = { type: "doc", content: [{ type: "goalReference", attrs: { goalId: goal.id, frozen: forged } }, { type: "goalReference", attrs: { goalId: "not-ours", frozen: forged } }] };
    for (const out of [documentHTML(plan, { lookupGoal }), documentMarkdown(plan, { lookupGoal })]) {
      expect(out).not.toContain("Forged");
      expect(out).toContain("Morning meetings in every class");
      expect(out).toContain("A goal that is no longer in this cycle");
    }
  });

  it("ignores a frozen value that is not the frozen words' shape (a shared document may hold anything)", () => {
    const odd = documentHTML({ type: "doc", content: [{ type: "goalReference", attrs: { goalId: goal.id, frozen: { title: 42 } } }] }, { lookupGoal });
    expect(odd).toContain('<strong class="goal-ref-title">Morning meetings in every class</strong>');
  });

  it("says a goal is hidden, not gone, when the reader may not open the cycle's goals", () => {
    const hidden = documentHTML({ type: "doc", content: [{ type: "goalReference", attrs: { goalId: goal.id } }] }, { goalsHidden: true });
    expect(hidden).toContain("A goal of a cycle you cannot open");
    expect(hidden).not.toContain("no longer in this cycle");
  });
});

describe("Markdown", () => {
  const markdown = documentMarkdown(everything, { lookupGoal });

  it("writes GitHub-flavoured Markdown: headings, marks, links, lists, tasks and tables", () => {
    expect(markdown).toContain("## Vision and priorities\n\n### This year\n\n#### Why\n");
    expect(markdown).toContain("We **will** *grow* ~~old~~");
    expect(markdown).toContain("[CASEL](https://casel.org/)");
    expect(markdown).toContain("- SEL lead: Dana\n");
    expect(markdown).toContain("3. Third\n4. Fourth");
    expect(markdown).toContain("- [x] Share with staff\n- [ ] Tell the board\n");
    expect(markdown).toMatch(/ {2}- \[x\] Book the date/);
    expect(markdown).toContain("> Every child, every day.");
    expect(markdown).toMatch(/\| When +\| What +\|\n\| -+ \| -+ \|\n\| Baseline \| +\|/);
  });

  it("writes a goal reference as a quoted line with the goal's current title and status", () => {
    expect(markdown).toContain("> **Implementation goal:** Morning meetings in every class — On track");
    expect(markdown).toContain("> **Goal:** A goal that is no longer in this cycle");
    const tricky = documentMarkdown({ type: "doc", content: [{ type: "goalReference", attrs: { goalId: "goal-1" } }] }, {
      lookupGoal: () => ({ ...goal, title: "Use *all* [tools] <now> `x` \\ ok" }),
    });
    expect(tricky).toBe("> **Implementation goal:** Use \\*all\\* \\[tools\\] \\<now\\> \\`x\\` \\\\ ok — On track\n");
    // Frozen words only in published content; in a plan's Markdown the block reads as the cycle has the goal.
    expect(markdown).not.toContain("Attendance as published");
    expect(documentMarkdown(everything, { lookupGoal, trustFrozenGoals: true })).toContain("> **Outcome goal:** Attendance as published — Met");
  });
});

describe("text and link clean-up", () => {
  it("gives one line per paragraph and heading", () => {
    const lines = documentText(everything).split("\n");
    expect(lines.slice(0, 3)).toEqual(["Vision and priorities", "This year", "Why"]);
    expect(lines).toContain("Every child, every day.");
  });

  it("turns links that are not allowed into plain text and counts them, leaving the rest alone", () => {
    const json: JSONContent = {
      type: "doc",
      content: [
        paragraph(
          text("bad", [{ type: "link", attrs: { href: "javascript:alert(1)" } }, { type: "bold" }]),
          text("good", [{ type: "link", attrs: { href: "/cycles/x" } }]),
          text("worse", [{ type: "link", attrs: { href: "data:text/html,x" } }]),
        ),
      ],
    };
    const { json: clean, removed } = withoutUnsafeLinks(json);
    expect(removed).toBe(2);
    expect(clean.content![0].content!.map((node) => node.marks)).toEqual([[{ type: "bold" }], [{ type: "link", attrs: { href: "/cycles/x" } }], undefined]);
    // The input is left as it was.
    expect(json.content![0].content![0].marks).toHaveLength(2);
  });
});

describe("readDocument: is a stored document damaged?", () => {
  /** A readable document plus one change made with Yjs's real encoding, as a collaborator could send it. */
  const damagedBy = (change: (fragment: Y.XmlFragment) => void) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, updateFromJSON({ type: "doc", content: [paragraph(text("Kept"))] }));
    doc.transact(() => change(doc.getXmlFragment(DOCUMENT_FIELD)));
    return Y.encodeStateAsUpdate(doc);
  };
  const element = (name: string, attrs: Record<string, unknown> = {}, children: (Y.XmlElement | Y.XmlText)[] = []) => {
    const node = new Y.XmlElement(name);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value as string);
    node.insert(0, children);
    return node;
  };

  it("reads every node and mark the schema has, and the JSON it gives is the document's", () => {
    const reading = readDocument(updateFromJSON(everything));
    expect(reading.ok ? "ok" : `${reading.damage}: ${reading.detail}`).toBe("ok");
    expect(reading.ok && reading.json).toEqual(documentJSONFromUpdate(updateFromJSON(everything)));
    // Its HTML is the page's, drawn with the caller's goal lookup.
    const withGoals = readDocument(updateFromJSON(everything), { lookupGoal });
    expect(withGoals.ok && withGoals.html).toBe(documentHTML(everything, { lookupGoal }));
    expect(withGoals.ok && withGoals.html).toContain(goal.title);
    expect(readDocument(Y.encodeStateAsUpdate(new Y.Doc()))).toMatchObject({ ok: true });
  });

  it.each([
    ["a bare text at the top level", (f: Y.XmlFragment) => f.push([new Y.XmlText("loose")]), "misplaced-text"],
    ["an element the schema does not know", (f: Y.XmlFragment) => f.push([element("marquee", {}, [new Y.XmlText("x")])]), "unknown-content"],
    ["a list holding text instead of items", (f: Y.XmlFragment) => f.push([element("bulletList", {}, [new Y.XmlText("x")])]), "unknown-content"],
    ["a table row outside a table", (f: Y.XmlFragment) => f.push([element("tableRow", {}, [element("tableCell", {}, [element("paragraph")])])]), "invalid-structure"],
    ["a heading level that is an object", (f: Y.XmlFragment) => f.push([element("heading", { level: { two: 2 } }, [new Y.XmlText("h")])]), "invalid-attributes"],
    ["a heading level that is a word", (f: Y.XmlFragment) => f.push([element("heading", { level: "two" }, [new Y.XmlText("h")])]), "invalid-attributes"],
    ["a checked box that is a string", (f: Y.XmlFragment) => f.push([element("taskList", {}, [element("taskItem", { checked: "yes" }, [element("paragraph")])])]), "invalid-attributes"],
    [
      "a column width that is not a list of numbers",
      (f: Y.XmlFragment) => f.push([element("table", {}, [element("tableRow", {}, [element("tableCell", { colwidth: "wide" }, [element("paragraph")])])])]),
      "invalid-attributes",
    ],
  ] as const)("calls a document with %s damaged, and says how", (_what, change, damage) => {
    const reading = readDocument(damagedBy(change));
    expect(reading).toMatchObject({ ok: false, damage });
  });

  it("calls bytes that are no Yjs update damaged instead of throwing", () => {
    expect(readDocument(new Uint8Array([1, 2, 3, 4, 5]))).toMatchObject({ ok: false, damage: "unreadable-changes" });
  });

  it("accepts what the editor writes for structured attributes: column widths, a data block's query, a goal id", () => {
    const update = damagedBy((f) =>
      f.push([
        element("table", {}, [element("tableRow", {}, [element("tableCell", { colwidth: [120], colspan: 1 }, [element("paragraph")])])]),
        element("goalReference", { goalId: "goal-1" }),
      ]),
    );
    expect(readDocument(update)).toMatchObject({ ok: true });
  });
});
