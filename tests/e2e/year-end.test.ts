// The end of a year in a real browser: a school team decides about its own goal, the lead moves the phase on,
// records decisions, closes 2026–27 and lands in 2027–28 with the goals carried forward; the board reads, never edits.
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectHeading, expectNoAxeViolations, newPage, signIn, useServerAndBrowser } from "./support";

const shown = (locator: Locator) => locator.first().waitFor({ state: "visible" });

const env = useServerAndBrowser();

async function openCurrentCycle(page: import("playwright-core").Page, linkName: RegExp | string) {
  await page.goto("/cycles");
  await page.getByRole("link", { name: linkName }).first().click();
  await expectHeading(page, "Cycle overview");
}

describe("closing a year and opening the next", () => {
  it("the board member reads decisions and settings with nothing to edit", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "board@riverbend.example");
      await openCurrentCycle(page, /district cycle/);
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Year-end" }).click();
      await expectHeading(page, "Year-end decisions");
      await shown(page.getByRole("columnheader", { name: "Decision" }));
      expect(await page.getByRole("button", { name: /Save decisions|Close 2026–27/ }).count()).toBe(0);
      await expectNoAxeViolations(page, "year-end, read-only");
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Settings" }).click();
      await expectHeading(page, "Cycle settings");
      expect(await page.getByRole("radio").count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("the principal decides about the school's own goal", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "principal@maple.riverbend.example");
      await openCurrentCycle(page, "Maple Elementary");
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Year-end" }).click();
      await expectHeading(page, "Year-end decisions");
      const goal = page.getByRole("group").filter({ has: page.getByRole("radio") }).first();
      await goal.getByRole("radio", { name: /Change the implementation focus/ }).check();
      await goal.getByLabel("Why (optional)").fill("Folded into the district's coaching goal");
      await page.getByRole("button", { name: "Save decisions" }).click();
      await shown(page.getByText("Decisions saved."));
      await shown(page.getByText("Saved: Change focus"));
      // Only the district closes the year.
      expect(await page.getByRole("button", { name: /Close 2026–27/ }).count()).toBe(0);
      await expectNoAxeViolations(page, "school year-end");
    } finally {
      await context.close();
    }
  });

  it("the lead moves to Improve, decides, closes 2026–27 and lands in 2027–28", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await openCurrentCycle(page, /district cycle/);
      const cycleUrl = page.url();

      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Settings" }).click();
      await expectHeading(page, "Cycle settings");
      await page.getByRole("radio", { name: /^Improve/ }).check();
      await page.getByRole("button", { name: "Save settings" }).click();
      await shown(page.getByText("Settings saved."));
      await shown(page.locator('.ck-phases__current:has-text("Improve")'));
      await expectNoAxeViolations(page, "cycle settings");

      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Year-end" }).click();
      await expectHeading(page, "Year-end decisions");
      const first = page.getByRole("group").filter({ has: page.getByRole("radio") }).first();
      const firstTitle = (await first.locator("legend").innerText()).trim();
      await first.getByRole("radio", { name: /Revise the goal/ }).check();
      await first.getByLabel("Why (optional)").fill("Keep it, with coaching in every building");
      await page.getByRole("button", { name: "Save decisions" }).click();
      await shown(page.getByText("Decisions saved."));
      await expectNoAxeViolations(page, "district year-end");

      // Without the confirmation nothing happens, and the page says why.
      await page.getByRole("button", { name: "Close 2026–27 and launch 2027–28" }).click();
      await shown(page.getByText("Tick the box to confirm"));
      await page.getByRole("checkbox", { name: /becomes read-only/ }).check();
      await page.getByRole("button", { name: "Close 2026–27 and launch 2027–28" }).click();
      await expectHeading(page, "Cycle overview");
      await shown(page.getByText(/The 2027–28 cycle is open, in planning/));
      await shown(page.getByText("Planning", { exact: true }));
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Goals" }).click();
      await shown(page.getByRole("link", { name: firstTitle }));

      // The closed year is read-only now.
      await page.goto(cycleUrl);
      await shown(page.getByText("Closed (read-only)"));
      await page.goto(`${cycleUrl}/settings`);
      expect(await page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
