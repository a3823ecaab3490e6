import { describe, expect, it } from "vitest";
import { escapeHtml, levelCode, matrixRowsHtml } from "./rollup-matrix-html";

describe("matrixRowsHtml", () => {
  it("writes a row header linking to the school's cycle, a numbered cell per item and the mean", () => {
    const html = matrixRowsHtml([{ cycleId: "c1", name: "Alder Elementary", levels: "14-", meanLevel: 2.5 }], 3);
    expect(html).toBe(
      '<tr><th scope="row"><a href="/cycles/c1">Alder Elementary</a></th>' +
        '<td class="ck-heat-1">1</td><td class="ck-heat-4">4</td><td class="ck-heat-none">–</td><td><strong>2.5</strong></td></tr>',
    );
  });

  it("escapes names and ids, so a school's name can never become markup", () => {
    const html = matrixRowsHtml([{ cycleId: '"><script>', name: `<img src=x onerror="alert('x')"> & Co`, levels: "", meanLevel: null }], 0);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; Co");
    expect(html).toContain('href="/cycles/&quot;&gt;&lt;script&gt;"');
    expect(html).toContain("<strong>–</strong>");
  });

  it("shows anything but a level code as unscored, and pads short rows", () => {
    expect(matrixRowsHtml([{ cycleId: "c", name: "S", levels: "9<", meanLevel: null }], 3).match(/ck-heat-none/g)).toHaveLength(3);
  });

  it("codes levels as one character", () => {
    expect([levelCode(1), levelCode(4), levelCode(null)]).toEqual(["1", "4", "-"]);
    expect(escapeHtml("plain")).toBe("plain");
  });
});
