// SCAFFOLDING (replaced by the data-block work): a frozen data block as HTML (figure, caption, table, footnotes).
import { escapeHtml } from "~/modules/cycles/rollup-matrix-html";
import type { DataBlockAttrs } from "./report-blocks";

export function renderDataBlockHTML(attrs: DataBlockAttrs): string {
  const data = attrs.frozen;
  if (!data) return `<p>${escapeHtml(attrs.query.kind)}</p>`;
  const head = `<tr><th scope="col">${data.columns.map((c) => escapeHtml(c.label)).join('</th><th scope="col">')}</th></tr>`;
  const body = data.rows.map((row) => `<tr><th scope="row">${escapeHtml(row.header)}</th><td>${row.cells.map(escapeHtml).join("</td><td>")}</td></tr>`).join("");
  return `<figure><figcaption>${escapeHtml(data.title)}</figcaption><table><thead>${head}</thead><tbody>${body}</tbody></table></figure>`;
}
