// The data views in a real browser, without client-side JavaScript doing the work: the lead walks from the hub to each
// view and the benchmarks page and saves a benchmark; a school team member sees only its school; every page passes axe
// and is screenshotted for a person to look at.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { artifactsDir, expectHeading, expectNoAxeViolations, newPage, signIn, useServerAndBrowser } from "./support";

const env = useServerAndBrowser();

const shot = (page: import("playwright-core").Page, name: string) => page.screenshot({ path: path.join(artifactsDir, `data-${name}.png`), fullPage: true });

describe("outcome data views", () => {
  it("the lead reads the hub and the competencies with charts and tables, and downloads a CSV", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Data" }).click();
      await expectHeading(page, "Outcome data");
      await expectNoAxeViolations(page, "data hub");
      await shot(page, "hub");

      await page.getByRole("link", { name: "Open competencies against benchmark" }).click();
      await expectHeading(page, "Competencies against benchmark");
      // Charts are images with a name and a description, and a table sits beside each.
      const charts = page.getByRole("img", { name: /Growth mindset \(% favourable\)/ });
      expect(await charts.count()).toBe(1);
      expect(await page.locator("svg[role=img] desc").count()).toBeGreaterThan(5);
      expect(await page.getByRole("table").count()).toBeGreaterThan(5);
      await expectNoAxeViolations(page, "competencies");
      await shot(page, "competencies");

      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
      expect(download.suggestedFilename()).toBe("cyclekeeper-competencies.csv");
    } finally {
      await context.close();
    }
  });

  it("the lead compares groups at a school, where small groups are hidden, and reads the trend", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/data/groups?year=2025&term=spring");
      await expectHeading(page, "Grades and student groups");
      await page.getByLabel("School or district").selectOption({ label: "Maple Elementary" });
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL(/school=/);
      expect(await page.getByText("fewer than 10 students").count()).toBeGreaterThan(0);
      expect(await page.getByText("hidden so a small group cannot be worked out").count()).toBeGreaterThan(0);
      await expectNoAxeViolations(page, "groups at Maple");
      await shot(page, "groups");

      await page.goto("/data/trend");
      await expectHeading(page, "Trend across terms and years");
      await expectNoAxeViolations(page, "trend");
      await shot(page, "trend");
    } finally {
      await context.close();
    }
  });

  it("the lead changes a benchmark", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/data/benchmarks");
      await expectHeading(page, "Benchmarks and targets");
      await expectNoAxeViolations(page, "benchmarks");
      const field = page.getByLabel("Value — Benchmark for Growth mindset (% favourable), all grades");
      await field.fill("66.5");
      await page.getByRole("button", { name: "Save Benchmark for Growth mindset (% favourable), all grades" }).click();
      await page.getByText("Saved.").waitFor();
      expect(await page.getByLabel("Value — Benchmark for Growth mindset (% favourable), all grades").inputValue()).toBe("66.5");
      await shot(page, "benchmarks");
    } finally {
      await context.close();
    }
  });

  it("a school team member sees its school and the district, not other schools, and nothing to manage", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "principal@maple.riverbend.example");
      await page.goto("/data");
      await expectHeading(page, "Outcome data");
      expect(await page.getByRole("link", { name: "Import results from a CSV file" }).count()).toBe(0);
      const options = await page.getByLabel("School or district").locator("option").allTextContents();
      expect(options).toEqual(["Riverbend Unified School District (district)", "Maple Elementary"]);
      await page.goto("/data/competencies");
      expect(await page.content()).not.toContain("Cedar Creek Elementary");
      await page.goto("/data/benchmarks");
      expect(await page.getByRole("button", { name: /^Save/ }).count()).toBe(0);
      await expectNoAxeViolations(page, "benchmarks, read-only");
    } finally {
      await context.close();
    }
  });

  it("an outcome goal shows baseline, latest and target from the data", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "principal@maple.riverbend.example");
      await page.goto("/cycles");
      await page.getByRole("link", { name: "Maple Elementary" }).first().click();
      await page.getByRole("link", { name: "Goals" }).first().click();
      await page.getByRole("link", { name: "More students know an adult at school cares about them" }).click();
      await expectHeading(page, "More students know an adult at school cares about them");
      const progress = page.getByRole("definition");
      expect(await progress.count()).toBe(3);
      expect(await page.locator("dl").filter({ has: progress.first() }).innerText()).toMatch(/Baseline[\s\S]*%[\s\S]*Latest[\s\S]*Target[\s\S]*%/);
      await expectNoAxeViolations(page, "outcome goal");
      await shot(page, "outcome-goal");
    } finally {
      await context.close();
    }
  });
});
