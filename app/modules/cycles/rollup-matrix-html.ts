// The roll-up matrix's body as an HTML string: 3,200 cells built by React cost the page more than everything else on it together.
import type { RubricLevel } from "./rubric-rollup";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

// Only these codes become cells; anything else (which the server never sends) shows as unscored.
const cells: Record<string, string> = {
  "1": '<td class="ck-heat-1">1</td>',
  "2": '<td class="ck-heat-2">2</td>',
  "3": '<td class="ck-heat-3">3</td>',
  "4": '<td class="ck-heat-4">4</td>',
};
const unscored = '<td class="ck-heat-none">–</td>';

export interface MatrixRow {
  cycleId: string;
  name: string;
  /** One character per item: "1"–"4", or "-" when unscored. */
  levels: string;
  meanLevel: number | null;
}

/**
 * The rows of the matrix: the school (linking to its cycle) as the row header, a cell per item with its level as a
 * number (the colour is never the only cue), then the school's mean. Every piece of text is escaped.
 */
export function matrixRowsHtml(rows: readonly MatrixRow[], itemCount: number): string {
  let html = "";
  for (const row of rows) {
    html += `<tr><th scope="row"><a href="/cycles/${escapeHtml(row.cycleId)}">${escapeHtml(row.name)}</a></th>`;
    for (let i = 0; i < itemCount; i++) html += cells[row.levels[i]] ?? unscored;
    html += `<td><strong>${row.meanLevel === null ? "–" : row.meanLevel.toFixed(1)}</strong></td></tr>`;
  }
  return html;
}

/** The code a level is sent as. */
export function levelCode(level: RubricLevel | null): string {
  return level === null ? "-" : String(level);
}
