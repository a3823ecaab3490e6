// A large import in a real browser and a real server process: while every row is checked in the background the page
// shows rows checked so far — polling with JavaScript, refreshing itself without — and then the preview (axe, 1366 and
// 390 px wide, no sideways scroll) (ADR 0039).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { artifactsDir, expectNoAxeViolations, newPage, randomSuffix, signIn, useServerAndBrowser } from "./support";

const env = useServerAndBrowser();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-e2e-import-progress-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = "school,school_year,term,grade,student_group,measure,n,value";
const GRADES = ["all", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

interface Measure {
  slug: string;
  value: string;
}

/** A file of `count` distinct, valid rows for the demo district, for the measures its template list offers. */
function largeFile(name: string, measures: Measure[], count: number) {
  const lines = [HEADER];
  outer: for (let year = 1990; year < 2100; year++) {
    const label = `${year}-${String((year + 1) % 100).padStart(2, "0")}`;
    for (const measure of measures) {
      for (const term of ["fall", "winter", "spring", "year"]) {
        for (const place of ["district", "Maple Elementary"]) {
          for (const grade of GRADES) {
            for (const group of ["all", "english-learners"]) {
              lines.push(`${place},${label},${term},${grade},${group},${measure.slug},${10 + (lines.length % 50)},${measure.value}`);
              if (lines.length > count) break outer;
            }
          }
        }
      }
    }
  }
  const full = path.join(dir, name);
  fs.writeFileSync(full, lines.join("\r\n") + "\r\n");
  return full;
}

/** The demo district's measures, each with a value within its scale: the template links of the upload page and the example value of each template. */
async function measureSlugs(page: Page): Promise<Measure[]> {
  await page.goto("/data/import");
  const hrefs = await page.locator('a[href^="/data/template/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const measures: Measure[] = [];
  for (const href of hrefs) {
    const template = await (await page.request.get(href)).text();
    const example = template.trim().split(/\r?\n/)[1].split(",");
    measures.push({ slug: href.replace("/data/template/", ""), value: example[example.length - 1] });
  }
  return measures;
}

async function shoot(page: Page, name: string) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: path.join(artifactsDir, `import-progress-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function uploadFile(page: Page, file: string) {
  await page.setInputFiles("#import-file", file);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.waitForURL((url) => url.searchParams.has("upload"), { timeout: 60_000 });
}

describe("a large import", () => {
  it("shows rows checked while the file is checked, then the preview — with JavaScript and without", async () => {
    const { page, context } = await newPage(env.browser, env.server.url);
    let file: string;
    try {
      await signIn(page, "lead@riverbend.example");
      file = largeFile(`large-${randomSuffix()}.csv`, await measureSlugs(page), 150_000);
      await page.goto("/data/import");
      await uploadFile(page, file);
      const status = page.locator("#check-status");
      await status.waitFor();
      expect(await status.innerText()).toMatch(/^Checking every row before anything is saved: [\d,]+ rows checked \(\d+ % of the file\)\.$/);
      await expectNoAxeViolations(page, "/data/import (checking)");
      await shoot(page, "checking");
      // The page keeps itself current: the preview replaces the progress without a reload.
      const importButton = page.getByRole("button", { name: "Import 150,000 rows" });
      await importButton.waitFor({ timeout: 120_000 });
      await expectNoAxeViolations(page, "/data/import (large preview)");
      await shoot(page, "preview");
    } finally {
      await context.close();
    }

    const plain = await env.browser.newContext({ baseURL: env.server.url, javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    try {
      const page2 = await plain.newPage();
      await signIn(page2, "lead@riverbend.example");
      await page2.goto("/data/import");
      await uploadFile(page2, file!);
      await page2.locator("#check-status").waitFor();
      // Without JavaScript the page refreshes itself (a meta refresh inside <noscript>) until the check is done.
      await page2.getByRole("button", { name: "Import 150,000 rows" }).waitFor({ timeout: 120_000 });
    } finally {
      await plain.close();
    }
  }, 400_000);
});

