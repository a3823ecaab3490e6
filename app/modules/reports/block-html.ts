// A data block as trusted HTML: one figure with its caption, an accessible bar chart (when the block has one), the
// data table, footnotes, the authors' note and when the figures were read. Every string from the block is escaped
// here, so this output can be placed into a sanitised page as is; it carries no script, no event attribute, no style
// attribute and no external resource (the chart uses SVG presentation attributes, which a CSP allows).
// The public page, the PDF's source and the editor's preview all use this one function.
import { scaleBand, scaleLinear } from "d3-scale";
import type { BlockData, DataBlockAttrs } from "./report-blocks";
import { formatReportDate, reportMessages } from "./report-messages";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text and attribute values: every character that could open markup or end an attribute is replaced. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export interface BlockHtmlOptions {
  /** Prefix of the chart's title/desc ids; defaults to one derived from the block, so the output is repeatable. */
  id?: string;
  /** The report's language, for "Figures as of …" and what a missing value reads. */
  language?: string;
}

/** A short, stable id from the block's content (FNV-1a). */
function stableId(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return `ck-block-${(h >>> 0).toString(36)}`;
}

const num = (n: number) => (Math.round(n * 10) / 10).toString();

/** Bar labels fit their 250-unit column; the table beside always has the full text. */
const LABEL_MAX = 38;
const shortLabel = (label: string) => (label.length > LABEL_MAX ? `${label.slice(0, LABEL_MAX - 1).trimEnd()}…` : label);

function chartSvg(data: BlockData, id: string, language: string | undefined): string {
  const chart = data.chart!;
  const labelWidth = 250;
  const valueWidth = 90;
  const width = 640;
  const rowHeight = 28;
  const top = chart.reference ? 28 : 8;
  const height = top + chart.bars.length * rowHeight + 24;
  const x = scaleLinear().domain([0, chart.max]).range([labelWidth, width - valueWidth]);
  const y = scaleBand<number>()
    .domain(chart.bars.map((_, i) => i))
    .range([top, top + chart.bars.length * rowHeight])
    .padding(0.25);
  const m = reportMessages(language);
  const format = (v: number) => (chart.unit === "%" ? `${m.decimal(v, 1)} %` : m.decimal(v, 1));
  const ticks = chart.unit === "level" ? [0, 1, 2, 3, 4].filter((t) => t <= chart.max) : x.ticks(5);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="ck-chart__svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" font-family="sans-serif">`,
    `<title id="${id}-t">${escapeHtml(data.title)}</title>`,
    `<desc id="${id}-d">${escapeHtml(data.summary)}</desc>`,
  );
  for (const t of ticks) {
    parts.push(
      `<line x1="${num(x(t))}" x2="${num(x(t))}" y1="${top}" y2="${height - 20}" stroke="#d5dbe2"/>`,
      `<text x="${num(x(t))}" y="${height - 6}" text-anchor="middle" font-size="12" fill="#4a5563">${escapeHtml(chart.unit === "%" ? `${t}` : t)}</text>`,
    );
  }
  // The reference line goes under the bars and their values, which keep a white halo so the line never crosses a number.
  if (chart.reference && Number.isFinite(chart.reference.value)) {
    const rx = num(x(Math.min(chart.max, Math.max(0, chart.reference.value))));
    parts.push(
      `<line x1="${rx}" x2="${rx}" y1="${top - 4}" y2="${height - 20}" stroke="#1d2530" stroke-width="2" stroke-dasharray="6 4"/>`,
      `<text x="${rx}" y="${top - 10}" text-anchor="end" dx="-4" font-size="12" font-weight="600" fill="#1d2530">${escapeHtml(`${chart.reference.label}: ${format(chart.reference.value)}`)}</text>`,
    );
  }
  chart.bars.forEach((bar, i) => {
    const yy = y(i) ?? 0;
    const mid = num(yy + y.bandwidth() / 2);
    const value = typeof bar.value === "number" && Number.isFinite(bar.value) ? Math.min(chart.max, Math.max(0, bar.value)) : null;
    parts.push(`<text x="${labelWidth - 8}" y="${mid}" dominant-baseline="middle" text-anchor="end" font-size="13" fill="#1d2530">${escapeHtml(shortLabel(bar.label))}</text>`);
    if (value !== null) {
      const end = x(value);
      parts.push(
        `<rect x="${labelWidth}" y="${num(yy)}" width="${num(Math.max(1, end - labelWidth))}" height="${num(y.bandwidth())}" fill="#0f5e5f" stroke="#0b3b3c"/>`,
        `<text x="${num(end + 6)}" y="${mid}" dominant-baseline="middle" font-size="13" font-weight="600" fill="#1d2530" stroke="#fff" stroke-width="4" paint-order="stroke">${escapeHtml(format(value))}</text>`,
      );
    } else {
      // No bar and no number: the table says why the value is not shown.
      parts.push(`<text x="${labelWidth + 4}" y="${mid}" dominant-baseline="middle" font-size="12" font-style="italic" fill="#4a5563">${escapeHtml(m.notShown)}</text>`);
    }
  });
  parts.push("</svg>");
  return parts.join("");
}

function tableHtml(data: BlockData): string {
  if (data.columns.length === 0) return "";
  const head = `<tr>${data.columns.map((c) => `<th scope="col"${c.numeric ? ' class="ck-num"' : ""}>${escapeHtml(c.label)}</th>`).join("")}</tr>`;
  const body = data.rows
    .map((row) => {
      const cells = row.cells.map((cell, i) => `<td${data.columns[i + 1]?.numeric ? ' class="ck-num"' : ""}>${escapeHtml(cell)}</td>`).join("");
      return `<tr><th scope="row">${escapeHtml(row.header)}</th>${cells}</tr>`;
    })
    .join("");
  return `<table class="ck-block__table"><caption class="ck-visually-hidden">${escapeHtml(data.title)}</caption><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** The block as HTML. A block without frozen numbers (a draft read without data) renders its kind as a placeholder. */
export function renderDataBlockHTML(attrs: DataBlockAttrs, options: BlockHtmlOptions = {}): string {
  const data = attrs.frozen;
  const note = typeof attrs.note === "string" && attrs.note.trim() ? `<p class="ck-block__note">${escapeHtml(attrs.note)}</p>` : "";
  if (!data) {
    return `<figure class="ck-block ck-block--empty"><figcaption>${escapeHtml(attrs.query?.kind ?? "data")}</figcaption>${note}</figure>`;
  }
  const id = options.id ?? stableId(JSON.stringify([attrs.query, data.title, data.asOf, data.rows]));
  const chart = data.chart && data.chart.bars.length ? `<div class="ck-block__chart">${chartSvg(data, id, options.language)}</div>` : "";
  const footnotes = data.footnotes.length ? `<ul class="ck-block__footnotes">${data.footnotes.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>` : "";
  const m = reportMessages(options.language);
  const asOf = `<p class="ck-block__as-of">${escapeHtml(m.asOf(formatReportDate(data.asOf, options.language)))}</p>`;
  return [
    `<figure class="ck-block" data-block-kind="${escapeHtml(attrs.query?.kind ?? "")}">`,
    `<figcaption>${escapeHtml(data.title)}</figcaption>`,
    chart,
    `<p class="ck-block__summary">${escapeHtml(data.summary)}</p>`,
    tableHtml(data),
    footnotes,
    note,
    asOf,
    "</figure>",
  ].join("");
}
