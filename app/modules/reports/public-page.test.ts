import { describe, expect, it } from "vitest";
import { PUBLIC_STYLESHEET, renderIndexPage, renderNotFoundPage, renderReportPage, renderRetractedPage } from "./public-page";

const page = (over: Partial<Parameters<typeof renderReportPage>[0]> = {}) =>
  renderReportPage({
    districtName: "Riverbend <Unified>",
    districtSlug: "riverbend",
    reportSlug: "annual-2026-27",
    title: 'Annual "SEL" report',
    language: "en",
    versionNumber: 2,
    publishedAt: new Date("2027-06-20T12:00:00Z"),
    bodyHtml: "<h2>What SEL is here</h2><p>Body</p><h3>Detail</h3>",
    supersededBy: null,
    translations: [{ language: "es", title: "Informe anual", href: "/r/riverbend/informe-anual" }],
    canonical: "/r/riverbend/annual-2026-27",
    pdfHref: "/r/riverbend/annual-2026-27.pdf",
    ...over,
  });
const headingLevels = (html: string) => [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));

describe("the public report page", () => {
  it("is a standalone document in the report's language with landmarks, a skip link and no script or inline style attribute", () => {
    const html = page();
    expect(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">")).toBe(true);
    expect(html).toContain('<a class="skip" href="#content">Skip to the report</a>');
    expect(html).toContain("<header");
    expect(html).toContain('<nav aria-label="All reports">');
    expect(html).toContain('<main id="content" tabindex="-1">');
    expect(html).toContain("<footer");
    expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    // The only style is the stylesheet whose hash the CSP names.
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).toContain(`<style>${PUBLIC_STYLESHEET}</style>`);
    expect(PUBLIC_STYLESHEET).toContain("@media print");
    expect(PUBLIC_STYLESHEET).toContain(":focus-visible");
  });

  it("escapes what it is given and puts the title as the one h1 above the body's headings", () => {
    const html = page();
    expect(html).toContain("<h1>Annual &quot;SEL&quot; report</h1>");
    expect(html).toContain("Riverbend &lt;Unified&gt;");
    expect(headingLevels(html)).toEqual([1, 2, 3]);
  });

  it("links its language versions both ways with hreflang and lang", () => {
    const html = page();
    expect(html).toContain('<link rel="alternate" hreflang="es" href="/r/riverbend/informe-anual">');
    expect(html).toContain('<a href="/r/riverbend/informe-anual" hreflang="es" lang="es">Español: Informe anual</a>');
  });

  it("says a superseded version is superseded and links the current one; the current one says nothing of the kind", () => {
    expect(page()).not.toContain("A newer version");
    const old = page({ versionNumber: 1, supersededBy: 2, canonical: "/r/riverbend/annual-2026-27/v/1" });
    expect(old).toContain("This is version 1 of this report. A newer version has been published since.");
    expect(old).toContain('<a href="/r/riverbend/annual-2026-27">Read the current version (Version 2)</a>');
  });

  it("speaks Spanish around a Spanish report, and marks English chrome around a report in another language", () => {
    const es = page({ language: "es" });
    expect(es).toContain('<html lang="es">');
    expect(es).toContain("Descargar PDF");
    expect(es).toContain("Publicado el 20 de junio de 2027");
    const fr = page({ language: "fr" });
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('<a class="skip" href="#content" lang="en">');
  });
});

describe("the retracted, index and not-found pages", () => {
  it("says when and why a report was retracted", () => {
    const html = renderRetractedPage({ districtName: "Riverbend", districtSlug: "riverbend", title: "Informe", language: "es", retractedAt: new Date("2027-06-25T09:00:00Z"), reason: "A <small> group" });
    expect(html).toContain('“<span lang="es">Informe</span>” was retracted on June 25, 2027.');
    expect(html).toContain("The district’s reason: A &lt;small&gt; group");
    expect(headingLevels(html)).toEqual([1]);
  });

  it("groups reports by school year, newest first, with language versions together", () => {
    const base = { versionNumber: 1, publishedAt: new Date("2027-06-01T00:00:00Z"), schoolName: null };
    const html = renderIndexPage({
      districtName: "Riverbend",
      districtSlug: "riverbend",
      entries: [
        { ...base, title: "Old report", language: "en", reportSlug: "old", startYear: 2025, translationGroupId: "g1" },
        { ...base, title: "Annual", language: "en", reportSlug: "annual", startYear: 2026, translationGroupId: "g2" },
        { ...base, title: "Anual", language: "es", reportSlug: "anual", startYear: 2026, translationGroupId: "g2" },
      ],
    });
    expect(html.indexOf("School year 2026–27")).toBeLessThan(html.indexOf("School year 2025–26"));
    expect(html).toMatch(/Annual<\/a>[^\n]*hreflang="es" lang="es">Anual<\/a>/);
    expect(headingLevels(html)).toEqual([1, 2, 2]);
    expect(renderIndexPage({ districtName: "R", districtSlug: "r", entries: [] })).toContain("No reports have been published yet.");
  });

  it("has a not-found page with a heading and lang", () => {
    const html = renderNotFoundPage();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("<h1>Report not found</h1>");
  });
});
