// Importing outcome data in a real browser: upload with a progress bar, column mapping, preview with errors, a fixed
// file, confirm, an identical re-import that changes nothing, a replacing import that blocks undo of the first, and
// undo; the same steps without JavaScript; axe on every step.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { artifactsDir, expectHeading, expectNoAxeViolations, newPage, randomSuffix, signIn, useServerAndBrowser } from "./support";

const env = useServerAndBrowser();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-e2e-import-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADINGS = "School Name,Year,Survey Window,Grade Level,Subgroup,Indicator,N,pct_favorable";
const measure = "sel-growth-mindset-favourable";

function file(name: string, lines: string[], bom = false) {
  const full = path.join(dir, name);
  fs.writeFileSync(full, (bom ? "\uFEFF" : "") + [HEADINGS, ...lines].join("\r\n") + "\r\n");
  return full;
}

async function shoot(page: Page, name: string) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `data-import-${name}.png`), fullPage: true });
}

async function upload(page: Page, filePath: string) {
  await page.setInputFiles("#import-file", filePath);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.waitForURL((url) => url.searchParams.has("upload"));
}

describe("importing outcome data", () => {
  it("upload → mapping → preview with errors → fixed file → confirm → identical re-import → replace → undo", async () => {
    const label = "2050-51";
    const tag = randomSuffix();
    const bad = file(`fall-${tag}.csv`, [
      `Maple Elementary,${label},fall,all,All students,${measure},120,71.5`,
      `Maple Elementary,${label},fall,3,All students,${measure},12.5,70`,
      `Elm Street School,${label},fall,all,All students,${measure},80,65`,
      `"Cedar Creek Elementary",${label},fall,all,All students,${measure},80,165`,
      `Maple Elementary,${label},fall,all,All students,${measure},120,71.5`,
    ]);
    const good = file(
      `fall-fixed-${tag}.csv`,
      [
        `Maple Elementary,${label},fall,all,All students,${measure},120,71.5`,
        `Maple Elementary,${label},fall,3,All students,${measure},12,70`,
        `"Cedar Creek Elementary",${label},fall,all,All students,${measure},80,65`,
        "",
        `district,${label},fall,all,english learners,${measure},300,60`,
      ],
      true,
    );
    const corrected = file(`fall-corrected-${tag}.csv`, [`Maple Elementary,${label},fall,all,All students,${measure},121,72`]);

    const { page, context } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/data/import");
      await expectHeading(page, "Import data");
      await expectNoAxeViolations(page, "/data/import (upload)");
      await shoot(page, "1-upload");

      // Other headings: the mapping step guesses each field, and works as a plain GET form.
      await upload(page, bad);
      await page.getByRole("heading", { name: "2. Match the columns" }).waitFor();
      await expect(page.getByLabel("School", { exact: true }).evaluate((s: HTMLSelectElement) => s.selectedOptions[0].text)).resolves.toBe("School Name");
      await expect(page.getByLabel("Value", { exact: true }).evaluate((s: HTMLSelectElement) => s.selectedOptions[0].text)).resolves.toBe("pct_favorable");
      await expect(page.getByLabel("Number of students (n)").evaluate((s: HTMLSelectElement) => s.selectedOptions[0].text)).resolves.toBe("N");
      await expectNoAxeViolations(page, "/data/import (mapping)");
      await shoot(page, "2-mapping");
      await page.getByRole("button", { name: "Check the rows" }).click();

      // Every problem, with the row a spreadsheet shows, the file's column heading and the reason; no import button.
      await page.getByRole("heading", { name: "Errors" }).waitFor();
      const errorRows = await page.getByRole("table").filter({ hasText: "Problem" }).locator("tbody tr").allInnerTexts();
      expect(errorRows.map((r) => r.replace(/\s+/g, " ").trim())).toEqual([
        "3 N n “12.5” is not a whole number.",
        "4 School Name Unknown school “Elm Street School”: no school of that name in this district.",
        "5 pct_favorable Value 165 is outside the scale of “Growth mindset (% favourable)” (0 to 100).",
        "6 — Duplicate of row 2: the same school, year, term, grade, student group and measure.",
      ]);
      await expect(page.getByRole("button", { name: /^Import \d/ }).count()).resolves.toBe(0);
      const errorFile = await page.request.get(await page.getByRole("link", { name: "Download every error as CSV" }).getAttribute("href") ?? "");
      expect(errorFile.status()).toBe(200);
      expect(await errorFile.text()).toContain("4,School Name,Unknown school “Elm Street School”");
      await expectNoAxeViolations(page, "/data/import (preview with errors)");
      await shoot(page, "3-errors");

      // The corrected file, uploaded from the error page itself, then confirmed.
      await upload(page, good);
      await page.getByRole("button", { name: "Check the rows" }).click();
      await page.getByRole("button", { name: "Import 4 rows" }).waitFor();
      await expectNoAxeViolations(page, "/data/import (clean preview)");
      await shoot(page, "4-preview");
      await page.getByRole("button", { name: "Import 4 rows" }).click();
      await expectHeading(page, "Import history");
      await page.getByRole("status").filter({ hasText: `Imported “fall-fixed-${tag}.csv”: 4 rows in 3 slices.` }).waitFor();
      await expectNoAxeViolations(page, "/data/imports");

      // The same file again: nothing changes and nothing is recorded.
      await page.goto("/data/import");
      await upload(page, good);
      await page.getByRole("button", { name: "Check the rows" }).click();
      await page.getByRole("button", { name: "Import 4 rows" }).click();
      await page.getByRole("status").filter({ hasText: "Nothing changed" }).waitFor();
      await expect(page.getByRole("row").filter({ hasText: `fall-fixed-${tag}.csv` }).count()).resolves.toBe(1);

      // A correction for Maple replaces that slice; the first import cannot be undone while it stands.
      await page.goto("/data/import");
      await upload(page, corrected);
      await page.getByRole("button", { name: "Check the rows" }).click();
      await page.getByRole("button", { name: "Import 1 row" }).click();
      await expectHeading(page, "Import history");
      const first = page.getByRole("row").filter({ hasText: `fall-fixed-${tag}.csv` });
      await expect(first.innerText()).resolves.toContain(`Partly replaced by “fall-corrected-${tag}.csv”`);
      await expect(first.getByRole("button", { name: /Undo/ }).count()).resolves.toBe(0);
      await shoot(page, "5-history");

      // Undo the correction: the first import's rows are current again and it may be undone in turn.
      await page.getByRole("row").filter({ hasText: `fall-corrected-${tag}.csv` }).getByRole("button", { name: /Undo/ }).click();
      await page.getByRole("status").filter({ hasText: `Undid “fall-corrected-${tag}.csv”` }).waitFor();
      await expect(page.getByRole("row").filter({ hasText: `fall-corrected-${tag}.csv` }).innerText()).resolves.toContain("Undone");
      await first.getByRole("button", { name: /Undo/ }).click();
      await page.getByRole("status").filter({ hasText: `Undid “fall-fixed-${tag}.csv”` }).waitFor();
      await expectNoAxeViolations(page, "/data/imports after undo");
      await shoot(page, "6-undone");
    } finally {
      await context.close();
    }
  }, 180_000);

  it("shows upload progress with a <progress> bar while a large file is sent", async () => {
    const lines = Array.from({ length: 8000 }, (_, i) => `Maple Elementary,2090-91,fall,${(i % 12) + 1},All students,${measure},${i},50`);
    const big = file(`big-${randomSuffix()}.csv`, lines);
    const { page, context } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/data/import");
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 120 * 1024 });
      await page.setInputFiles("#import-file", big);
      await page.getByRole("button", { name: "Upload and check" }).click();
      const bar = page.locator("#import-progress");
      await bar.waitFor({ state: "visible" });
      await expect.poll(() => bar.evaluate((p: HTMLProgressElement) => p.value), { timeout: 20_000 }).toBeGreaterThan(0);
      await shoot(page, "7-progress");
      await page.waitForURL((url) => url.searchParams.has("upload"), { timeout: 60_000 });
      await page.getByRole("heading", { name: "2. Match the columns" }).waitFor();
    } finally {
      await context.close();
    }
  });

  it("a district adds its own measure and student group; the catalog stays read-only", async () => {
    const { page, context } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/data/measures");
      await expectHeading(page, "Measures");
      await expectNoAxeViolations(page, "/data/measures");
      await page.getByLabel("Name", { exact: true }).fill("Sense of belonging index");
      await page.getByLabel("Unit").selectOption({ label: "Mean score" });
      await page.getByLabel("Scale: lowest value").fill("5");
      await page.getByLabel("Scale: highest value").fill("1");
      await page.getByRole("button", { name: "Add measure" }).click();
      await page.getByText("The highest value must be above the lowest.").waitFor();
      await expectNoAxeViolations(page, "/data/measures with a field error");
      await page.getByLabel("Scale: lowest value").fill("1");
      await page.getByLabel("Scale: highest value").fill("5");
      await page.getByRole("button", { name: "Add measure" }).click();
      await page.getByRole("status").filter({ hasText: "Added “Sense of belonging index”" }).waitFor();
      const own = page.getByRole("table").filter({ hasText: "The district's own measures" });
      await expect(own.innerText()).resolves.toContain("sense-of-belonging-index");
      await shoot(page, "8-measures");
      await page.goto("/data/student-groups");
      await page.getByLabel("Group name").fill("Newcomers");
      await page.getByRole("button", { name: "Add group" }).click();
      await page.getByRole("status").filter({ hasText: "Added “Newcomers”" }).waitFor();
      await expectNoAxeViolations(page, "/data/student-groups");
    } finally {
      await context.close();
    }
  }, 180_000);

  it("works without JavaScript: plain form post, GET mapping form, confirm", async () => {
    const plain = file(`plain-${randomSuffix()}.csv`, [`Maple Elementary,2095-96,spring,all,All students,${measure},50,40`]);
    const context = await env.browser.newContext({ baseURL: env.server.url, javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      await page.goto("/sign-in");
      await page.getByLabel("Email").fill("team@riverbend.example");
      await page.getByLabel("Password").fill("cyclekeeper-demo");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/home");
      await page.goto("/data/import");
      await upload(page, plain);
      await page.getByLabel("Term", { exact: true }).selectOption({ label: "Survey Window" });
      await page.getByRole("button", { name: "Check the rows" }).click();
      await page.getByRole("button", { name: "Import 1 row" }).click();
      await page.waitForURL((url) => url.pathname === "/data/imports");
      await page.getByText("Imported “plain-").waitFor();
      // (axe needs JavaScript in the page; the same pages are checked with it in the first test.)
    } finally {
      await context.close();
    }
  }, 180_000);
});
