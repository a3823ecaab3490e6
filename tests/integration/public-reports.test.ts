// The public report pages over HTTP against the real server, signed out: only published, non-retracted versions of
// the district named in the address; versions and supersession; 410 for a retracted report; ETag, Cache-Control and
// CSP; and the PDF carrying the page's text (read with pdftotext).
import type { JSONContent } from "@tiptap/core";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reports } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import type { BlockData } from "~/modules/reports/report-blocks";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { makeReport, publishVersion, retractLatest } from "../factories/reports";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

const datesOf = (year: number) => ({ baselineDate: `${year}-10-01`, midyearDate: `${year + 1}-01-31`, endyearDate: `${year + 1}-05-31` });
const dates = datesOf(2026);
const frozen: BlockData = {
  title: "Implementation rubric, district average by focus area",
  summary: "Most focus areas rose by one level.",
  columns: [{ label: "Focus area", numeric: false }, { label: "Baseline", numeric: true }, { label: "End of year", numeric: true }],
  rows: [
    { header: "Adult SEL", cells: ["2.1", "2.9"] },
    { header: "Family partnerships", cells: ["1.8", "Fewer than 10 students"] },
  ],
  chart: null,
  footnotes: ["Groups of fewer than 10 students are not shown."],
  asOf: "2027-06-01T00:00:00.000Z",
};

const p = (text: string): JSONContent => ({ type: "paragraph", content: [{ type: "text", text }] });
const h = (level: number, text: string): JSONContent => ({ type: "heading", attrs: { level }, content: [{ type: "text", text }] });
const cell = (type: "tableHeader" | "tableCell", text: string): JSONContent => ({ type, content: [p(text)] });

function contentOf(marker: string): JSONContent {
  return {
    type: "doc",
    content: [
      h(2, "What SEL is here"),
      p(`${marker}: social and emotional learning – “SEL” – for niños y niñas ≥ grade 3.`),
      { type: "bulletList", content: [{ type: "listItem", content: [p("Adult SEL comes first")] }, { type: "listItem", content: [p("Families are partners")] }] },
      h(3, "Progress to date"),
      {
        type: "table",
        content: [
          { type: "tableRow", content: [cell("tableHeader", "Year"), cell("tableHeader", "Schools")] },
          { type: "tableRow", content: [cell("tableCell", "2025–26"), cell("tableCell", "12")] },
        ],
      },
      { type: "dataBlock", attrs: { query: { kind: "rubric-rollup", cycleId: "00000000-0000-4000-8000-000000000000", options: {} }, note: "", frozen } },
      h(2, "Next steps"),
      p("Keep going."),
    ],
  };
}

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let anonymous: TestClient;
let annual: Awaited<ReturnType<typeof makeReport>>;
let spanish: Awaited<ReturnType<typeof makeReport>>;
let gone: Awaited<ReturnType<typeof makeReport>>;
const base = () => `/r/${world.district.slug}`;

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database);
  anonymous = new TestClient(server.url);
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, ...dates });
  const otherCycle = await createDistrictCycle(database.db, actorOf(other.lead), { startYear: 2026, ...dates });

  annual = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "annual-2026-27", title: "Annual report 2026–27" });
  await publishVersion(database.db, annual, contentOf("Version one text"), { publishedAt: new Date("2027-06-10T12:00:00Z") });
  await publishVersion(database.db, annual, contentOf("Version two text"), { publishedAt: new Date("2027-06-20T12:00:00Z") });
  spanish = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "informe-anual-2026-27", title: "Informe anual 2026–27", language: "es", translationGroupId: annual.translationGroupId });
  await publishVersion(database.db, spanish, contentOf("Texto de la versión uno"));
  gone = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "families-2026-27", title: "Families report 2026–27" });
  await publishVersion(database.db, gone, contentOf("Retracted text"));
  await retractLatest(database.db, gone.id, "A table showed a group below the minimum size.", new Date("2027-06-25T09:00:00Z"));
  // A draft that was never published, and another district's published report under a slug this district also uses.
  await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "staff-draft", title: "Staff draft secret" });
  const theirs = await makeReport(database.db, { districtId: other.district.id, cycleId: otherCycle.id, slug: "their-report", title: "Other district report" });
  await publishVersion(database.db, theirs, contentOf("Other district text"));
  // The draft of a published report moves on: its title changes, the published pages must not.
  await database.db.update(reports).set({ title: "Draft title not yet published" }).where(eq(reports.id, annual.id));
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("the district's index", () => {
  it("lists the published, non-retracted reports signed out, linking language versions, and sets no cookie", async () => {
    const res = await fetch(server.url + base());
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("School year 2026–27");
    expect(html).toContain(`href="${base()}/annual-2026-27" hreflang="en" lang="en">Annual report 2026–27</a>`);
    expect(html).toContain(`href="${base()}/informe-anual-2026-27" hreflang="es" lang="es">Informe anual 2026–27</a>`);
    expect(html).toContain("version 2");
    expect(html).not.toContain("Families report");
    expect(html).not.toContain("Staff draft secret");
    expect(html).not.toContain("Draft title not yet published");
    expect(html).not.toContain("Other district report");
    expect(html).not.toMatch(/<script/i);
  });

  it("answers 404 for an unknown district", async () => {
    const res = await anonymous.get("/r/no-such-district");
    expect(res.status).toBe(404);
    expect(res.text).toContain("Report not found");
  });
});

describe("a report's pages", () => {
  it("serves the latest version from stored HTML, with the report's lang, ordered headings and the other language linked", async () => {
    const res = await anonymous.get(`${base()}/annual-2026-27`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain("<h1>Annual report 2026–27</h1>");
    expect(res.text).toContain("Version two text");
    expect(res.text).not.toContain("Version one text");
    expect(res.text).not.toContain("superseded");
    expect(res.text).toContain(`<link rel="alternate" hreflang="es" href="${base()}/informe-anual-2026-27">`);
    expect(res.text).toContain("Implementation rubric, district average by focus area");
    const levels = [...res.text.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
    expect(levels[0]).toBe(1);
    levels.forEach((level, i) => i > 0 && expect(level).toBeLessThanOrEqual(levels[i - 1] + 1));
    expect(res.text).toContain(`href="${base()}/annual-2026-27.pdf"`);
  });

  it("serves the Spanish version with lang es and its own words, linking back to English", async () => {
    const res = await anonymous.get(`${base()}/informe-anual-2026-27`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="es">');
    expect(res.text).toContain("Descargar PDF");
    expect(res.text).toContain(`hreflang="en" lang="en">English: Annual report 2026–27</a>`);
  });

  it("keeps version 1 reachable, saying it is superseded and linking the current version", async () => {
    const res = await anonymous.get(`${base()}/annual-2026-27/v/1`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("Version one text");
    expect(res.text).toContain("A newer version has been published since.");
    expect(res.text).toContain(`<a href="${base()}/annual-2026-27">Read the current version (Version 2)</a>`);
    expect(res.text).toContain(`<link rel="canonical" href="${base()}/annual-2026-27/v/1">`);
    const current = await anonymous.get(`${base()}/annual-2026-27/v/2`);
    expect(current.text).toContain("Version two text");
    expect(current.text).not.toContain("A newer version has been published since.");
    expect((await anonymous.get(`${base()}/annual-2026-27/v/3`)).status).toBe(404);
    expect((await anonymous.get(`${base()}/annual-2026-27/v/zero`)).status).toBe(404);
  });

  it("answers 410 for a retracted report, at every address, saying when and why", async () => {
    for (const suffix of ["", "/v/1", ".pdf", "/pdf"]) {
      const res = await anonymous.get(`${base()}/families-2026-27${suffix}`);
      expect(res.status, suffix).toBe(410);
      expect(res.text).toContain("was retracted on June 25, 2027");
      expect(res.text).toContain("A table showed a group below the minimum size.");
      expect(res.text).not.toContain("Retracted text");
    }
  });

  it("never serves a draft, or another district's report under this district's address", async () => {
    expect((await anonymous.get(`${base()}/staff-draft`)).status).toBe(404);
    expect((await anonymous.get(`${base()}/their-report`)).status).toBe(404);
    expect((await anonymous.get(`/r/${other.district.slug}/annual-2026-27`)).status).toBe(404);
    const theirs = await anonymous.get(`/r/${other.district.slug}/their-report`);
    expect(theirs.status).toBe(200);
    expect(theirs.text).toContain("Other district text");
    const page = await anonymous.get(`${base()}/annual-2026-27`);
    expect(page.text).not.toContain("Draft title not yet published");
  });

  it("refuses writes", async () => {
    const res = await anonymous.post(`${base()}/annual-2026-27`, { x: "1" });
    expect(res.status).toBe(405);
  });
});

describe("caching and headers", () => {
  it("sends a strict CSP, Cache-Control, Vary and a strong ETag, and 304 for a matching If-None-Match", async () => {
    const res = await fetch(`${server.url}${base()}/annual-2026-27`, { headers: { "accept-encoding": "gzip" } });
    await res.arrayBuffer();
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("form-action 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src");
    expect(res.headers.get("cache-control")).toBe("public, no-cache");
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await fetch(`${server.url}${base()}/annual-2026-27`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    const stale = await fetch(`${server.url}${base()}/annual-2026-27`, { headers: { "if-none-match": '"something-else"' } });
    expect(stale.status).toBe(200);
    await stale.text();
  });

  it("changes the latest page (and its ETag) when a new version is published, as another instance would", async () => {
    const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2027, ...datesOf(2027) });
    const report = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "annual-2027-28", title: "Annual report 2027–28" });
    await publishVersion(database.db, report, contentOf("First publication"));
    const first = await anonymous.get(`${base()}/annual-2027-28`);
    expect(first.text).toContain("First publication");
    const index = await anonymous.get(base());
    expect(index.text).toContain("School year 2027–28");
    // Written straight to the database: this server's cache must not hide it.
    await publishVersion(database.db, report, contentOf("Second publication"));
    const second = await anonymous.get(`${base()}/annual-2027-28`, { "if-none-match": first.headers.get("etag")! });
    expect(second.status).toBe(200);
    expect(second.text).toContain("Second publication");
    expect(second.headers.get("etag")).not.toBe(first.headers.get("etag"));
    await retractLatest(database.db, report.id, "Published too early.");
    const retracted = await anonymous.get(`${base()}/annual-2027-28`, { "if-none-match": second.headers.get("etag")! });
    expect(retracted.status).toBe(410);
    expect((await anonymous.get(base())).text).not.toContain("School year 2027–28");
  });
});

describe("the PDF", () => {
  function pdfText(bytes: ArrayBuffer) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ck-report-pdf-")), "report.pdf");
    fs.writeFileSync(file, Buffer.from(bytes));
    try {
      return execFileSync("pdftotext", ["-raw", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }
  const decode = (s: string) => s.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  const squash = (s: string) => s.replace(/\s+/g, "");

  it("is made without a browser, tagged, and carries the page's headings, paragraphs and table cells in order", async () => {
    const page = await anonymous.get(`${base()}/annual-2026-27`);
    const res = await fetch(`${server.url}${base()}/annual-2026-27.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe('inline; filename="annual-2026-27-v2.pdf"');
    const bytes = await res.arrayBuffer();
    expect(Buffer.from(bytes).subarray(0, 8).toString("latin1")).toBe("%PDF-1.7");
    expect(Buffer.from(bytes).toString("latin1")).toContain("/MarkInfo");
    const text = squash(pdfText(bytes));
    // The title, then the body: the page's chrome between them (meta line, language links, download link) is the page's own.
    const article = page.text.slice(page.text.indexOf("<h1>"), page.text.indexOf("</h1>") + 5) + page.text.slice(page.text.indexOf("<article>"), page.text.indexOf("</article>"));
    // The page's own chrome around the title (the meta line's separators are CSS) is left out; the PDF says it its way.
    const pieces = [...article.matchAll(/<(h[1-6]|p|th|td|figcaption)(\s[^>]*)?>([\s\S]*?)<\/\1>/g)]
      .filter((m) => !(m[2] ?? "").includes('class="meta"'))
      .map((m) => squash(decode(m[3])))
      .filter((piece) => piece && !piece.startsWith("DownloadPDF"));
    expect(pieces.length).toBeGreaterThan(10);
    let from = 0;
    for (const piece of pieces) {
      const at = text.indexOf(piece, from);
      expect(at, `"${piece}" in the PDF after position ${from}`).toBeGreaterThanOrEqual(0);
      from = at + piece.length;
    }
    expect(text).toContain(squash(`${world.district.name} Version 2 · Published June 20, 2027`));
    for (const word of ["niñosyniñas≥grade3", "–“SEL”–", "Groupsoffewerthan10studentsarenotshown."]) expect(text).toContain(word);
    // Version one's PDF is its own.
    const v1 = squash(pdfText(await (await fetch(`${server.url}${base()}/annual-2026-27/v/1.pdf`)).arrayBuffer()));
    expect(v1).toContain("Versiononetext");
    expect(v1).not.toContain("Versiontwotext");
  });

  it("serves stored PDF bytes when the version has them", async () => {
    const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2028, ...datesOf(2028) });
    const report = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "stored-pdf", title: "Stored" });
    const stored = new TextEncoder().encode("%PDF-1.7 stored bytes");
    await publishVersion(database.db, report, contentOf("x"), { pdf: stored });
    const res = await fetch(`${server.url}${base()}/stored-pdf/pdf`);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe("%PDF-1.7 stored bytes");
  });
});
