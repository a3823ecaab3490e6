// Hostile link targets: refused by the one link rule, and never written out by the HTML or Markdown export, whatever
// the stored document holds; text and goal titles come out escaped.
import type { JSONContent } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { documentHTML, documentMarkdown, documentText, markdownHref } from "~/editor/document";
import type { GoalSummary } from "~/editor/goal-reference";
import { checkHref, isSafeHref } from "~/editor/links";
import { allowedHrefs, hostileHrefs } from "./hostile-hrefs";

const link = (href: string, text = "read this"): JSONContent => ({ type: "text", text, marks: [{ type: "link", attrs: { href } }] });
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });
const doc = (...content: JSONContent[]): JSONContent => ({ type: "doc", content });

/** Every start tag of the given element with its attributes, read strictly: anything that is not name="value" fails. */
function startTags(html: string, element: string) {
  return [...html.matchAll(new RegExp(`<${element}(\\s[^>]*)?>`, "g"))].map((match) => {
    const source = match[1] ?? "";
    const attributes = [...source.matchAll(/\s([a-z-]+)="([^"<>]*)"/g)];
    expect(attributes.map((a) => a[0]).join("")).toBe(source);
    return Object.fromEntries(attributes.map((a) => [a[1], a[2]]));
  });
}

/** What a browser reads from an attribute value the serializer escaped. */
const unescapeAttribute = (value: string) => value.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

describe("checkHref", () => {
  it.each(hostileHrefs.map((href) => [JSON.stringify(href).slice(0, 60), href]))("refuses %s", (_label, href) => {
    const verdict = checkHref(href);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
  });

  it.each(allowedHrefs.map((href) => [href]))("allows %s", (href) => {
    expect(checkHref(href)).toEqual({ ok: true });
  });

  it("refuses whatever is not text", () => {
    for (const value of [null, undefined, 42, { href: "https://example.org" }, ["https://example.org"]]) expect(isSafeHref(value)).toBe(false);
  });
});

describe("HTML export of hostile links", () => {
  it.each(hostileHrefs.map((href) => [JSON.stringify(href).slice(0, 60), href]))("writes %s as plain text, not a link", (_label, href) => {
    const html = documentHTML(doc(paragraph({ type: "text", text: "See " }, link(href), { type: "text", text: "." })));
    expect(startTags(html, "a")).toEqual([]);
    expect(html).toContain("See read this.");
    expect(html).not.toMatch(/javascript:|vbscript:|data:text/i);
  });

  it("keeps allowed links, with the attributes escaped and nothing but rel and href on them", () => {
    const html = documentHTML(doc(paragraph(...allowedHrefs.map((href) => link(href)))));
    const anchors = startTags(html, "a");
    expect(anchors.map((a) => unescapeAttribute(a.href))).toEqual(allowedHrefs);
    for (const anchor of anchors) expect(Object.keys(anchor).sort()).toEqual(["href", "rel"]);
  });

  it("cannot break out of the href attribute with quotes or angle brackets", () => {
    const sneaky = `https://example.org/"onmouseover="alert(1)"x='y'<script>alert(2)</script>`;
    const html = documentHTML(doc(paragraph(link(sneaky))));
    const [anchor] = startTags(html, "a");
    expect(Object.keys(anchor).sort()).toEqual(["href", "rel"]);
    expect(unescapeAttribute(anchor.href)).toBe(sneaky);
    expect(html).not.toContain("<script");
  });
});

describe("Markdown export of hostile links", () => {
  it.each(hostileHrefs.map((href) => [JSON.stringify(href).slice(0, 60), href]))("writes %s as plain text, not a link", (_label, href) => {
    const markdown = documentMarkdown(doc(paragraph({ type: "text", text: "See " }, link(href), { type: "text", text: "." })));
    expect(markdown).toBe("See read this.\n");
  });

  it("cannot close a link early and open another one", () => {
    const sneaky = "https://example.org/a) [click](javascript:alert(1)";
    const markdown = documentMarkdown(doc(paragraph(link(sneaky, "ok"))));
    expect(markdown).toBe("[ok](https://example.org/a%29%20%5Bclick%5D%28javascript:alert%281%29)\n");
    expect(markdown.match(/\]\(/g)).toHaveLength(1);
  });

  it("percent-encodes only what Markdown would misread", () => {
    expect(markdownHref("https://example.org/plan?x=1&y=2#top")).toBe("https://example.org/plan?x=1&y=2#top");
    expect(markdownHref('/cycles/a b/"c"<d>\\e`f\'g')).toBe("/cycles/a%20b/%22c%22%3Cd%3E%5Ce%60f%27g");
    expect(markdownHref("/a\u2028b")).toBe("/a%E2%80%A8b");
  });
});

describe("text and goal titles", () => {
  const hostileGoal: GoalSummary = {
    id: "g-1",
    title: `<script>alert(1)</script> "quoted" & <img src=x onerror=alert(2)> [x](javascript:alert(3))`,
    statusLabel: "On track",
    kindLabel: "Outcome",
  };
  const lookupGoal = (goalId: string) => (goalId === hostileGoal.id ? hostileGoal : undefined);
  const content = doc(
    paragraph({ type: "text", text: "<script>alert(4)</script> & <b onclick=\"x\">bold</b> [y](javascript:alert(5))" }),
    { type: "goalReference", attrs: { goalId: "g-1" } },
    { type: "goalReference", attrs: { goalId: `g-2" onclick="alert(6)` } },
  );

  it("escapes text and titles in HTML, and attribute values cannot grow new attributes", () => {
    const html = documentHTML(content, { lookupGoal });
    expect(html).toContain("&lt;script&gt;alert(4)&lt;/script&gt; &amp; &lt;b onclick=\"x\"&gt;bold&lt;/b&gt;");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; \"quoted\" &amp; &lt;img src=x onerror=alert(2)&gt;");
    expect(html).not.toMatch(/<script|<img|<b\s/);
    const blocks = startTags(html, "div");
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(Object.keys(block).sort()).toEqual(["class", "data-goal-id", "data-goal-reference"]);
    expect(unescapeAttribute(blocks[1]["data-goal-id"])).toBe(`g-2" onclick="alert(6)`);
    expect(startTags(html, "a")).toEqual([]);
  });

  it("escapes text and titles in Markdown, so neither becomes markup or a link", () => {
    const markdown = documentMarkdown(content, { lookupGoal });
    // A tag needs a "<" that is not backslash-escaped; a link needs "](" after an unescaped "]".
    expect(markdown).not.toMatch(/(^|[^\\])<[a-z/]/im);
    expect(markdown).not.toMatch(/[^\\]\]\(/);
    expect(markdown).toContain("> **Outcome goal:** \\<script\\>alert(1)\\</script\\> \"quoted\" & \\<img src=x onerror=alert(2)\\> \\[x\\](javascript:alert(3)) — On track");
    expect(markdown).toContain("> **Goal:** A goal that is no longer in this cycle");
  });

  it("keeps plain text as the words people wrote", () => {
    expect(documentText(content).split("\n")[0]).toBe("<script>alert(4)</script> & <b onclick=\"x\">bold</b> [y](javascript:alert(5))");
  });
});
