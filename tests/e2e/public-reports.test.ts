// The public report pages in Chromium, signed out: an XSS corpus published through renderReportBody never runs, every
// page passes axe (WCAG 2.1 A/AA), keyboard-only reading works with visible focus, and screenshots (screen and
// print) are written to tests/.artifacts/public-reports for a person to look at.
import type { JSONContent } from "@tiptap/core";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import type { BlockData } from "~/modules/reports/report-blocks";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { makeReport, publishVersion, retractLatest } from "../factories/reports";
import { xssReportContent } from "../security/xss-payloads";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, type TestServer } from "../setup/server";
import { artifactsDir, axeViolations, launchBrowser, newPage } from "./support";

const shots = path.join(artifactsDir, "public-reports");
const frozen: BlockData = {
  title: "Implementation rubric, district average by focus area, end of year 2026–27",
  summary: "Four of five focus areas rose by at least one level since the baseline.",
  columns: [{ label: "Focus area", numeric: false }, { label: "Baseline", numeric: true }, { label: "End of year", numeric: true }],
  rows: [
    { header: "Adult SEL", cells: ["2.1", "2.9"] },
    { header: "Family partnerships", cells: ["1.8", "Fewer than 10 students"] },
  ],
  chart: null,
  footnotes: ["Groups of fewer than 10 students are not shown."],
  asOf: "2027-06-01T00:00:00.000Z",
};
const p = (text: string, marks?: JSONContent["marks"]): JSONContent => ({ type: "paragraph", content: [{ type: "text", text, ...(marks ? { marks } : {}) }] });
const h = (level: number, text: string): JSONContent => ({ type: "heading", attrs: { level }, content: [{ type: "text", text }] });
const report = (marker: string): JSONContent => ({
  type: "doc",
  content: [
    h(2, "What SEL is here"),
    p(`${marker}. Social and emotional learning is how children and adults learn to understand and manage emotions, set goals and build relationships.`),
    { type: "paragraph", content: [{ type: "text", text: "Read CASEL's framework", marks: [{ type: "link", attrs: { href: "https://casel.org/fundamentals-of-sel/" } }] }, { type: "text", text: " for the five competencies." }] },
    h(2, "This year's goals"),
    { type: "bulletList", content: [{ type: "listItem", content: [p("Every school has an SEL team that meets monthly.")] }, { type: "listItem", content: [p("Families hear about SEL at least twice a year.")] }] },
    h(3, "Implementation results"),
    { type: "dataBlock", attrs: { query: { kind: "rubric-rollup", cycleId: "00000000-0000-4000-8000-000000000000", options: {} }, note: "", frozen } },
    { type: "blockquote", content: [p("“Our students now name their feelings before they act.” — a grade 4 teacher")] },
    h(2, "What we learned and what comes next"),
    p("Next year we keep the teams and add family nights at every middle school."),
  ],
});

let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let slug: string;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  database = await createTestDatabase({ catalog: true });
  const world = await makeDistrictWithPeople(database.db);
  slug = world.district.slug;
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" });
  const annual = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "annual-2026-27", title: "Annual SEL report 2026–27" });
  await publishVersion(database.db, annual, report("First version"));
  await publishVersion(database.db, annual, report("Second version"));
  const es = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "informe-2026-27", title: "Informe anual de SEL 2026–27", language: "es", translationGroupId: annual.translationGroupId });
  await publishVersion(database.db, es, report("Primera versión"));
  const hostile = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "hostile", title: `<script>window.__xss=1</script>Hostile "report"` });
  // jsonb cannot hold U+0000, so the one payload with it goes in without it (the link tests cover it elsewhere).
  await publishVersion(database.db, hostile, JSON.parse(JSON.stringify(xssReportContent()).replace(/\\u0000/g, "")) as JSONContent);
  const retracted = await makeReport(database.db, { districtId: world.district.id, cycleId: cycle.id, slug: "families-2026-27", title: "Families report 2026–27" });
  await publishVersion(database.db, retracted, report("Retracted"));
  await retractLatest(database.db, retracted.id, "A table showed a group below the minimum size.");
  [server, browser] = await Promise.all([startTestServer(database), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

/** A fresh signed-out page that records dialogs, script errors and console output. */
async function watchedPage() {
  const { context, page } = await newPage(browser, server.url);
  const events: string[] = [];
  page.on("dialog", (dialog) => {
    events.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => events.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // The CSP refusing something is the defence working, and the 404/410 of a missing favicon or of the retracted and
    // unknown pages themselves are expected; anything else is recorded.
    if (!/Content Security Policy|status of 40[40]|status of 410/i.test(message.text())) events.push(`console: ${message.text()}`);
  });
  return { context, page, events };
}

async function xssRan(page: Page) {
  return page.evaluate(() => Boolean((window as unknown as { __xss?: unknown }).__xss) || document.scripts.length > 0);
}

describe("public report pages in a browser", () => {
  it("never runs the XSS corpus, even when every element is focused, hovered and clicked", async () => {
    const { context, page, events } = await watchedPage();
    try {
      const res = await page.goto(`/r/${slug}/hostile`);
      expect(res?.status()).toBe(200);
      expect(await page.locator("h1").innerText()).toBe(`<script>window.__xss=1</script>Hostile "report"`);
      const count = await page.locator("article *").count();
      expect(count).toBeGreaterThan(50);
      for (let i = 0; i < count; i++) {
        const el = page.locator("article *").nth(i);
        await el.hover({ timeout: 500, force: true }).catch(() => {});
        await el.focus({ timeout: 500 }).catch(() => {});
      }
      // Clicking links would leave the page; a link's target is checked instead.
      const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
      for (const href of hrefs) expect(href, href).toMatch(/^(https?:|mailto:)/);
      await page.waitForTimeout(300);
      expect(await xssRan(page)).toBe(false);
      expect(events).toEqual([]);
      expect(await axeViolations(page)).toBe("");
      await page.screenshot({ path: path.join(shots, "hostile.png"), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it("passes axe on the index, a report, its Spanish version, a superseded version and a retracted report", async () => {
    const { context, page, events } = await watchedPage();
    try {
      for (const [name, url, status] of [
        ["index", `/r/${slug}`, 200],
        ["report", `/r/${slug}/annual-2026-27`, 200],
        ["spanish", `/r/${slug}/informe-2026-27`, 200],
        ["superseded", `/r/${slug}/annual-2026-27/v/1`, 200],
        ["retracted", `/r/${slug}/families-2026-27`, 410],
        ["not-found", `/r/${slug}/nothing-here`, 404],
      ] as const) {
        const res = await page.goto(url);
        expect(res?.status(), url).toBe(status);
        expect(await axeViolations(page), url).toBe("");
        expect(await xssRan(page), url).toBe(false);
        await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
      }
      await page.goto(`/r/${slug}/annual-2026-27`);
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      await page.emulateMedia({ media: "print" });
      await page.screenshot({ path: path.join(shots, "report-print.png"), fullPage: true });
      expect(await page.getByRole("link", { name: "Download PDF" }).isVisible()).toBe(false);
      await page.emulateMedia({ media: "screen" });
      await page.goto(`/r/${slug}/informe-2026-27`);
      expect(await page.locator("html").getAttribute("lang")).toBe("es");
      expect(events).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("is readable with the keyboard alone: a visible skip link first, then links with visible focus", async () => {
    const { context, page } = await watchedPage();
    try {
      await page.goto(`/r/${slug}/annual-2026-27/v/1`);
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          const box = el.getBoundingClientRect();
          return { tag: el.tagName.toLowerCase(), text: (el.textContent ?? "").trim(), id: el.id, outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), onScreen: box.bottom > 0 && box.right > 0 };
        });
      await page.keyboard.press("Tab");
      const skip = await focused();
      expect(skip).toMatchObject({ tag: "a", text: "Skip to the report", onScreen: true, outline: "solid" });
      expect(skip.outlineWidth).toBeGreaterThanOrEqual(2);
      await page.screenshot({ path: path.join(shots, "keyboard-skip.png") });
      await page.keyboard.press("Enter");
      expect((await focused()).id).toBe("content");
      const reached: string[] = [];
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press("Tab");
        const now = await focused();
        // Past the last link focus leaves the document.
        if (now.tag === "body") break;
        expect(now.outline, now.text).toBe("solid");
        reached.push(now.text);
      }
      expect(reached).toContain("Read the current version (Version 2)");
      expect(reached).toContain("Download PDF");
      expect(reached).toContain("Read CASEL's framework");
    } finally {
      await context.close();
    }
  });
});
