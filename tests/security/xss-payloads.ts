// Script-injection payloads for published reports: raw HTML a sanitiser must neutralise, and the places a report's
// JSON can carry them (text, link targets, node attributes, unknown nodes). Each payload that could run sets
// window.__xss (or opens a dialog), so a browser test can tell it ran. Shared by the unit and browser tests.
import type { JSONContent } from "@tiptap/core";
import { hostileHrefs } from "./hostile-hrefs";

const run = "window.__xss=1;alert(1)";

export const xssHtmlPayloads: readonly string[] = [
  `<script>${run}</script>`,
  `<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
  `<scr<script>ipt>${run}</scr</script>ipt>`,
  `<img src=x onerror="${run}">`,
  `<img src="javascript:${run}">`,
  `<p onclick="${run}" onmouseover="${run}">hover</p>`,
  `<a href="javascript:${run}">click</a>`,
  `<a href="JaVaScRiPt:${run}">click</a>`,
  `<a href="&#106;avascript:${run}">click</a>`,
  `<a href="&#x6A;avascript&#x3A;${run}">click</a>`,
  `<a href="java&#x09;script:${run}">click</a>`,
  `<a href=" &#14; javascript:${run}">click</a>`,
  `<a href="javascript&colon;${run}">click</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>`,
  `<a href="vbscript:msgbox(1)">click</a>`,
  `<a href="//evil.example">protocol-relative</a>`,
  `<a href="https://ok.example" onclick="${run}" target="_blank" style="color:red">ok</a>`,
  `<svg onload="${run}"><circle r="5"/></svg>`,
  `<svg><script>${run}</script></svg>`,
  `<svg><a xlink:href="javascript:${run}"><text>x</text></a></svg>`,
  `<svg><animate onbegin="${run}" attributeName="x" dur="1s"/></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${run}">`,
  `<math href="javascript:${run}">CLICK</math>`,
  `<p style="background:url(javascript:${run})">styled</p>`,
  `<div style="width: expression(${run})">ie</div>`,
  `<style>@import 'javascript:${run}';</style>`,
  `<iframe src="javascript:${run}"></iframe>`,
  `<iframe srcdoc="<script>${run}</script>"></iframe>`,
  `<object data="javascript:${run}"></object>`,
  `<embed src="javascript:${run}">`,
  `<form action="javascript:${run}"><button>go</button></form>`,
  `<input type="text" onfocus="${run}" autofocus>`,
  `<input type="image" src=x onerror="${run}">`,
  `<button formaction="javascript:${run}">go</button>`,
  `<meta http-equiv="refresh" content="0;url=javascript:${run}">`,
  `<base href="javascript:/">`,
  `<link rel="stylesheet" href="javascript:${run}">`,
  `<details open ontoggle="${run}">x</details>`,
  `<video><source onerror="${run}"></video>`,
  `<body onload="${run}">`,
  `<noscript><p title="</noscript><img src=x onerror=${run}>"></noscript>`,
  `<template><script>${run}</script></template>`,
  `<xmp><img src=x onerror="${run}"></xmp>`,
  `<!--<img src=x onerror="${run}">-->`,
  `<![CDATA[<script>${run}</script>]]>`,
  `&lt;script&gt;${run}&lt;/script&gt;`,
  `<h2 onclick="${run}" id="x" class="evil">heading</h2>`,
  `<td background="javascript:${run}">cell</td>`,
  `<table><tr><td><a href="javascript:${run}">in a table</a></td></tr></table>`,
];

const text = (value: string): JSONContent => ({ type: "text", text: value });
const link = (href: string, value = "a link"): JSONContent => ({ type: "text", text: value, marks: [{ type: "link", attrs: { href, onclick: run, target: "_blank" } }] });

/** A report document carrying every payload where an author (or a tampered store) could put it. */
export function xssReportContent(): JSONContent {
  return {
    type: "doc",
    content: [
      { type: "heading", attrs: { level: 2 }, content: [text("Payloads as text")] },
      ...xssHtmlPayloads.map((payload) => ({ type: "paragraph", content: [text(payload)] })),
      { type: "heading", attrs: { level: 2 }, content: [text("Payloads as link targets")] },
      ...[...hostileHrefs, `javascript:${run}`].map((href) => ({ type: "paragraph", content: [link(href)] })),
      { type: "heading", attrs: { level: `2 onclick="${run}"` }, content: [text("A heading with a forged level")] },
      { type: "paragraph", attrs: { style: "color:red", onclick: run }, content: [text("A paragraph with forged attributes")] },
      { type: "paragraph", content: [{ type: "text", text: "forged mark", marks: [{ type: "bold", attrs: { onclick: run } }, { type: "script" }] }] },
      { type: "html", attrs: { html: `<script>${run}</script>` }, content: [text("an unknown node")] } as JSONContent,
      { type: "image", attrs: { src: `javascript:${run}`, onerror: run } },
      {
        type: "table",
        content: [
          { type: "tableRow", content: [{ type: "tableHeader", attrs: { colspan: `1" onclick="${run}`, style: "x" }, content: [{ type: "paragraph", content: [text("<b>header</b>")] }] }] },
          { type: "tableRow", content: [{ type: "tableCell", attrs: { colspan: 1, rowspan: 1 }, content: [{ type: "paragraph", content: [link(`javascript:${run}`, "cell link")] }] }] },
        ],
      },
      {
        type: "taskList",
        content: [{ type: "taskItem", attrs: { checked: `true" onfocus="${run}" autofocus="` }, content: [{ type: "paragraph", content: [text("a task")] }] }],
      },
      { type: "goalReference", attrs: { goalId: `"><script>${run}</script>` } },
      { type: "paragraph", content: [text("ck-data-block-slot-0000-0")] },
    ],
  };
}

/** The elements and attributes a published report body may hold (data blocks' own figures aside). */
const allowedMarkup: Record<string, readonly string[]> = {
  h2: [], h3: [], h4: [], h5: [], h6: [], p: [], br: [], hr: [], blockquote: [], strong: ["class"], em: [], s: [], u: [],
  ul: ["data-type"], ol: ["start"], li: ["data-type", "data-checked"], label: [], div: ["data-goal-reference", "class"], span: ["class"],
  input: ["type", "disabled", "checked", "aria-label"], a: ["href", "rel"],
  table: [], thead: [], tbody: [], tfoot: [], tr: [], th: ["colspan", "rowspan", "scope"], td: ["colspan", "rowspan"], colgroup: [], col: [], caption: [],
};

/**
 * What is wrong with sanitised HTML, read as a browser would: every "<" must open a well-formed tag on the allow-list,
 * every attribute must be allowed for its element, an href must be an absolute http, https or mailto address and an
 * input a disabled checkbox. Text (where "<" is "&lt;") may say anything.
 */
export function unsafeMarkup(html: string): string[] {
  const problems: string[] = [];
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*(\/?)>/y;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const match = tag.exec(html);
    if (!match) {
      problems.push(`a "<" that does not open a well-formed tag: ${html.slice(lt, lt + 80)}`);
      break;
    }
    i = tag.lastIndex;
    const name = match[2].toLowerCase();
    const allowed = allowedMarkup[name];
    if (!allowed) {
      problems.push(`element <${name}>`);
      continue;
    }
    for (const attr of match[3].matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g)) {
      const [, attrName, value = ""] = attr;
      const lower = attrName.toLowerCase();
      if (!allowed.includes(lower)) problems.push(`attribute ${attrName} on <${name}>`);
      const decoded = value.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)));
      if (lower === "href" && !/^(https?:\/\/|mailto:)/i.test(decoded)) problems.push(`href ${value}`);
      if (lower === "type" && value !== "checkbox") problems.push(`input type ${value}`);
    }
    if (name === "input" && !/\sdisabled\b/.test(match[3])) problems.push("an input that is not disabled");
  }
  return problems;
}
