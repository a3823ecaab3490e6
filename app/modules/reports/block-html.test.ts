// The one HTML renderer of a frozen data block: figure, caption, accessible chart, table with headers, footnotes,
// note and "as of", with every string from the block escaped so hostile titles, labels and notes stay text.
import { describe, expect, it } from "vitest";
import { escapeHtml, renderDataBlockHTML } from "./block-html";
import type { BlockData, DataBlockAttrs } from "./report-blocks";

const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;

const data = (over: Partial<BlockData> = {}): BlockData => ({
  title: "Connectedness by student group",
  summary: "Results are shown for 2 of 3 student groups.",
  columns: [
    { label: "Student group", numeric: false },
    { label: "Result", numeric: true },
  ],
  rows: [
    { header: "Female", cells: ["64.0 %"] },
    { header: "Non-binary", cells: ["Fewer than 10 students"] },
  ],
  chart: { unit: "%", max: 100, bars: [{ label: "Female", value: 64 }, { label: "Non-binary", value: null }], reference: { label: "All students", value: 62.5 } },
  footnotes: ["Groups of fewer than 10 students are not shown."],
  asOf: "2026-11-30T12:00:00.000Z",
  ...over,
});

const attrs = (frozen: BlockData | null, note = ""): DataBlockAttrs => ({ query: { kind: "outcome-groups", cycleId: "11111111-1111-4111-8111-111111111111", options: {} }, note, frozen });

describe("renderDataBlockHTML", () => {
  it("draws a figure with caption, an accessible chart, a table with header scopes, footnotes, note and date", () => {
    const html = renderDataBlockHTML(attrs(data(), "Up from last spring."));
    expect(html).toMatch(/^<figure class="ck-block"/);
    expect(html).toContain("<figcaption>Connectedness by student group</figcaption>");
    expect(html).toMatch(/<svg[^>]* role="img" aria-labelledby="(ck-block-[a-z0-9]+)-t \1-d"/);
    expect(html).toMatch(/<title id="ck-block-[a-z0-9]+-t">Connectedness by student group<\/title>/);
    expect(html).toContain("-d\">Results are shown for 2 of 3 student groups.</desc>");
    expect(html).toContain('<th scope="col">Student group</th>');
    expect(html).toContain('<th scope="row">Non-binary</th><td class="ck-num">Fewer than 10 students</td>');
    expect(html).toContain(`<caption class="ck-visually-hidden">Connectedness by student group</caption>`);
    expect(html).toContain("<li>Groups of fewer than 10 students are not shown.</li>");
    expect(html).toContain('<p class="ck-block__note">Up from last spring.</p>');
    expect(html).toContain("Figures as of 30 November 2026");
    // One bar: the hidden group draws none and no number.
    expect(html.match(/<rect /g)).toHaveLength(1);
    expect(html).toContain("64.0 %");
  });

  it("escapes hostile strings in every place a block's text goes", () => {
    const evil = data({
      title: hostile,
      summary: hostile,
      columns: [{ label: hostile, numeric: false }, { label: hostile, numeric: true }],
      rows: [{ header: hostile, cells: [hostile] }],
      chart: { unit: "level", max: 4, bars: [{ label: hostile, value: 2 }], reference: { label: hostile, value: 3 } },
      footnotes: [hostile],
    });
    const html = renderDataBlockHTML({ ...attrs(evil, hostile), query: { ...attrs(null).query, kind: hostile as never } });
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    // Attribute values are escaped, so dropping them leaves only the markup this renderer wrote itself.
    const markup = html.replace(/"[^"]*"/g, '""');
    expect(markup).not.toMatch(/<[^>]*\sonerror=/i);
    expect(html).not.toMatch(/"'&[^a#]/);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
    // No scripts, handlers, styles or outside resources of its own.
    expect(markup).not.toMatch(/<[^>]*\s(on[a-z]+|style|href|src|xlink:href)=|<script|<iframe|<object|<img/i);
  });

  it("reads Spanish dates and renders a draft block without numbers as a placeholder", () => {
    expect(renderDataBlockHTML(attrs(data()), { language: "es" })).toContain("Datos a fecha de 30 de noviembre de 2026");
    const empty = renderDataBlockHTML(attrs(null, "<b>note</b>"));
    expect(empty).toContain("outcome-groups");
    expect(empty).toContain("&lt;b&gt;note&lt;/b&gt;");
    expect(empty).not.toContain("<table");
  });

  it("gives two different blocks different chart ids, and the same block the same id", () => {
    const a = renderDataBlockHTML(attrs(data()));
    const b = renderDataBlockHTML(attrs(data({ title: "Other" })));
    const id = (html: string) => /aria-labelledby="([^ ]+)-t/.exec(html)![1];
    expect(id(a)).not.toBe(id(b));
    expect(id(a)).toBe(id(renderDataBlockHTML(attrs(data()))));
    expect(renderDataBlockHTML(attrs(data()), { id: "given" })).toContain('aria-labelledby="given-t given-d"');
  });

  it("escapes the five markup characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
