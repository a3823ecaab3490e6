// The data block node through the one extension list: JSON ⇄ Yjs keeps its attributes, the server placeholder carries
// nothing from the note or the numbers, and text/Markdown name the block.
import { describe, expect, it } from "vitest";
import { documentHTML, documentJSONFromUpdate, documentMarkdown, documentText, updateFromJSON } from "~/editor/document";
import type { BlockData } from "./report-blocks";

const frozen: BlockData = {
  title: "Goals <b>for</b> 2026–27",
  summary: "2 goals",
  columns: [{ label: "Goal", numeric: false }],
  rows: [{ header: "A", cells: [] }],
  chart: null,
  footnotes: [],
  asOf: "2026-11-30T12:00:00.000Z",
};
const doc = {
  type: "doc",
  content: [
    { type: "paragraph", content: [{ type: "text", text: "Before" }] },
    { type: "dataBlock", attrs: { query: { kind: "goals", cycleId: "11111111-1111-4111-8111-111111111111", options: { x: '"><script>alert(1)</script>' } }, note: "<img src=x onerror=alert(1)>", frozen } },
  ],
};

describe("data block node", () => {
  it("keeps query, note and frozen numbers through a Yjs round trip", () => {
    const back = documentJSONFromUpdate(updateFromJSON(doc));
    const node = back.content!.find((n) => n.type === "dataBlock")!;
    expect(node.attrs).toEqual(doc.content[1].attrs);
  });

  it("renders on the server as an inert placeholder without the note or numbers", () => {
    const html = documentHTML(doc);
    expect(html).toContain("data-data-block");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("onerror");
    expect(html).not.toContain("Goals");
    expect(html).toMatch(/data-query="[^"]*&quot;/);
  });

  it("names the block in text and Markdown by its frozen title (escaped) or its kind", () => {
    expect(documentText(doc)).toContain("[Goals <b>for</b> 2026–27 — <img src=x onerror=alert(1)>]");
    expect(documentMarkdown(doc)).toContain("> **Data:** Goals \\<b\\>for\\</b\\> 2026–27");
    const live = { type: "doc", content: [{ type: "dataBlock", attrs: { query: { kind: "outcomes", cycleId: "11111111-1111-4111-8111-111111111111", options: {} }, note: "", frozen: null } }] };
    expect(documentText(live)).toContain("[outcomes (live data)]");
  });
});
