import type { JSONContent } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { unsafeMarkup, xssHtmlPayloads, xssReportContent } from "../../../tests/security/xss-payloads";
import type { BlockData, DataBlockAttrs } from "./report-blocks";
import { orderedHeadings, renderReportBody, sanitizeReportHtml } from "./report-render";

function assertClean(html: string, context: string) {
  expect(unsafeMarkup(html), `${context} → ${html}`).toEqual([]);
}

const frozen: BlockData = {
  title: "Implementation rubric, district average",
  summary: "Most schools rose one level.",
  columns: [{ label: "Focus area", numeric: false }, { label: "Average", numeric: true }],
  rows: [{ header: "Adult SEL", cells: ["2.8"] }],
  chart: null,
  footnotes: ["Groups of fewer than 10 students are not shown."],
  asOf: "2027-06-01T00:00:00.000Z",
};
const block = (over: Partial<DataBlockAttrs> = {}): JSONContent => ({
  type: "dataBlock",
  attrs: { query: { kind: "rubric-rollup", cycleId: "00000000-0000-4000-8000-000000000000", options: {} }, note: "", frozen, ...over } satisfies DataBlockAttrs,
});

describe("sanitizeReportHtml", () => {
  it.each(xssHtmlPayloads.map((payload) => [payload]))("neutralises %s", (payload) => {
    const clean = sanitizeReportHtml(payload);
    assertClean(clean, payload);
    // Sanitising twice changes nothing: the output is already inside the allow-list.
    expect(sanitizeReportHtml(clean)).toBe(clean);
  });

  it("the markup check itself finds what it must", () => {
    expect(unsafeMarkup('<p onclick="x">a</p>')).toEqual(["attribute onclick on <p>"]);
    expect(unsafeMarkup('<a href="javascript:x">a</a>')).toEqual(["href javascript:x"]);
    expect(unsafeMarkup("<script>x</script>")).toEqual(["element <script>", "element <script>"]);
    expect(unsafeMarkup("<p>&lt;script&gt; onclick=x</p>")).toEqual([]);
  });

  it("keeps what the editor produces", () => {
    const html =
      '<h2>A</h2><p>x<br><strong>b</strong><em>i</em><s>s</s><u>u</u></p><blockquote><p>q</p></blockquote><hr>' +
      '<ul><li><p>l</p></li></ul><ol start="3"><li><p>n</p></li></ol>' +
      '<table><tbody><tr><th colspan="2" rowspan="1"><p>h</p></th></tr><tr><td colspan="1" rowspan="1"><p>c</p></td></tr></tbody></table>' +
      '<p><a href="https://casel.org/" rel="x">w</a> <a href="mailto:a@b.example">m</a></p>';
    const clean = sanitizeReportHtml(html);
    for (const piece of ["<h2>A</h2>", "<strong>b</strong>", "<em>i</em>", "<s>s</s>", "<u>u</u>", "<blockquote>", "<hr />", '<ol start="3">', '<th colspan="2" rowspan="1">', "<td colspan=\"1\" rowspan=\"1\">"]) {
      expect(clean).toContain(piece);
    }
    expect(clean).toContain('<a href="https://casel.org/" rel="noopener noreferrer nofollow">w</a>');
    expect(clean).toContain('<a href="mailto:a@b.example" rel="noopener noreferrer nofollow">m</a>');
  });

  it("turns links that are relative or use another scheme into plain text", () => {
    expect(sanitizeReportHtml('<p><a href="/cycles/x">inside</a></p>')).toBe("<p><span>inside</span></p>");
    expect(sanitizeReportHtml('<p><a href="ftp://x.example/">ftp</a></p>')).toBe("<p><span>ftp</span></p>");
  });

  it("keeps a checklist box only as a disabled checkbox", () => {
    expect(sanitizeReportHtml('<input type="checkbox" checked>')).toBe('<input type="checkbox" disabled checked aria-label="Done" />');
    expect(sanitizeReportHtml('<input type="text" value="x">')).toBe("");
  });
});

describe("renderReportBody", () => {
  it("renders the XSS corpus as inert text, with no script, handler, style or unsafe link left", () => {
    const html = renderReportBody(xssReportContent());
    assertClean(html, "report body");
    // The payloads are still there for a reader to see, as text.
    expect(html).toContain("&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;");
    // Text that looks like a data-block slot stays text: the slot's random part cannot be guessed.
    expect(html).toContain("<p>ck-data-block-slot-0000-0</p>");
    expect(html).toContain("A heading with a forged level");
    expect(html).not.toContain("an unknown node");
  });

  it("keeps safe links with rel noopener noreferrer nofollow and drops the others' targets", () => {
    const doc: JSONContent = {
      type: "doc",
      content: [
        { type: "paragraph", content: [{ type: "text", text: "CASEL", marks: [{ type: "link", attrs: { href: "https://casel.org/" } }] }] },
        { type: "paragraph", content: [{ type: "text", text: "bad", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }] },
      ],
    };
    const html = renderReportBody(doc);
    expect(html).toContain('<a href="https://casel.org/" rel="noopener noreferrer nofollow">CASEL</a>');
    expect(html).toContain("<p>bad</p>");
  });

  it("puts each frozen data block's own HTML where the block was, after sanitising", () => {
    const doc: JSONContent = {
      type: "doc",
      content: [
        { type: "paragraph", content: [{ type: "text", text: "before" }] },
        block(),
        { type: "paragraph", content: [{ type: "text", text: "between" }] },
        block({ frozen: { ...frozen, title: "Second <block>" } }),
      ],
    };
    const html = renderReportBody(doc);
    const first = html.indexOf("Implementation rubric, district average");
    const second = html.indexOf("Second &lt;block&gt;");
    expect(html.indexOf("before")).toBeLessThan(first);
    expect(first).toBeLessThan(html.indexOf("between"));
    expect(html.indexOf("between")).toBeLessThan(second);
    expect(html).not.toContain("ck-data-block-slot");
    expect(html.match(/<figure/g)).toHaveLength(2);
  });

  it("renders task lists as disabled, labelled checkboxes", () => {
    const html = renderReportBody({
      type: "doc",
      content: [{ type: "taskList", content: [{ type: "taskItem", attrs: { checked: true }, content: [{ type: "paragraph", content: [{ type: "text", text: "done" }] }] }] }],
    });
    expect(html).toContain('<input type="checkbox" disabled checked aria-label="Done" />');
  });
});

describe("orderedHeadings", () => {
  const levels = (doc: JSONContent) => (doc.content ?? []).filter((n) => n.type === "heading").map((n) => n.attrs?.level);
  const h = (level: number): JSONContent => ({ type: "heading", attrs: { level }, content: [{ type: "text", text: `h${level}` }] });

  it("starts the outline at h2 and never skips a level", () => {
    expect(levels(orderedHeadings({ type: "doc", content: [h(3), h(4), h(2), h(4), h(3)] }))).toEqual([2, 3, 2, 3, 3]);
    expect(levels(orderedHeadings({ type: "doc", content: [h(2), h(3), h(4), h(2)] }))).toEqual([2, 3, 4, 2]);
  });

  it("renders the ordered levels", () => {
    expect(renderReportBody({ type: "doc", content: [h(4), h(4)] })).toBe("<h2>h4</h2><h3>h4</h3>");
  });
});
