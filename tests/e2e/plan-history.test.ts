// A plan's history in a real browser: saving a version, reading it, restoring it after confirming, with and without
// JavaScript; accessibility checked with axe and screenshots taken for people to look at.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { artifactsDir, expectHeading, expectNoAxeViolations, newPage, randomSuffix, signIn, useServerAndBrowser } from "./support";

const shotsDir = path.join(artifactsDir, "screenshots");

async function shoot(page: Page, name: string) {
  fs.mkdirSync(shotsDir, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}

/** The demo district's current district cycle, by its overview's address. */
async function districtCycleId(page: Page) {
  await page.goto("/cycles");
  await page.getByRole("link", { name: /district cycle/ }).first().click();
  await expectHeading(page, "Cycle overview");
  return new URL(page.url()).pathname.split("/")[2];
}

const env = useServerAndBrowser();

describe("plan history", () => {
  it("saves a version, shows it read-only and restores it after a confirmation", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      const cycleId = await districtCycleId(page);
      await page.goto(`/cycles/${cycleId}/plan/history`);
      await expectHeading(page, "Action plan history");
      await expectNoAxeViolations(page, "plan history (empty)");

      await page.getByRole("button", { name: "Save this version" }).click();
      await page.getByText("Give the version a name").first().waitFor();
      const name = `Approved by board, May 2027 ${randomSuffix()}`;
      await page.getByLabel("Version name").fill(name);
      await page.getByRole("button", { name: "Save this version" }).click();
      await page.getByText("Version saved.").waitFor();
      const versions = page.getByRole("table", { name: /Versions of the action plan/ });
      await versions.getByRole("link", { name }).waitFor();
      const changes = page.getByRole("table", { name: /Changes to the action plan/ });
      expect(await changes.getByRole("columnheader").allTextContents()).toEqual(["Person", "Day", "Changes", "First change", "Last change"]);
      await expectNoAxeViolations(page, "plan history");
      await shoot(page, "plan-history");

      await versions.getByRole("link", { name }).click();
      await expectHeading(page, `Past version: ${name}`);
      await page.getByText("This is a past version of the action plan, shown read-only.").waitFor();
      // The template's goal references show the goals' current titles.
      expect(await page.locator("article .goal-ref").count()).toBeGreaterThan(0);
      await expectNoAxeViolations(page, "past version");
      await shoot(page, "plan-version");

      await page.getByRole("link", { name: "Restore this version…" }).click();
      await page.getByRole("heading", { name: "Restore this version?" }).waitFor();
      await expectNoAxeViolations(page, "restore confirmation");
      await shoot(page, "plan-version-restore-confirm");
      await page.getByRole("button", { name: "Yes, restore this version" }).click();
      await expectHeading(page, "Action plan history");
      await page.getByText("Version restored as a new change.").waitFor();
      await versions.getByRole("link", { name: `Before restoring “${name}”` }).waitFor();
      await changes.getByRole("rowheader", { name: "Dana Okafor" }).first().waitFor();
    } finally {
      await context.close();
    }
  });

  it("works without JavaScript, and shows readers no forms", async () => {
    const context = await env.browser.newContext({ baseURL: env.server.url, javaScriptEnabled: false, locale: "en-US", timezoneId: "UTC" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      await page.goto("/sign-in");
      await page.getByLabel("Email").fill("team@riverbend.example");
      await page.getByLabel("Password").fill("cyclekeeper-demo");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/home");
      const cycleId = await districtCycleId(page);
      await page.goto(`/cycles/${cycleId}/plan/history`);
      await page.getByLabel("Version name").fill("x".repeat(121));
      // The browser's maxlength keeps it to 120; an empty name is refused by the server.
      await page.getByLabel("Version name").fill("");
      await page.getByRole("button", { name: "Save this version" }).click();
      await page.getByText("Give the version a name").first().waitFor();
      const name = `Before the spring retreat ${randomSuffix()}`;
      await page.getByLabel("Version name").fill(name);
      await page.getByRole("button", { name: "Save this version" }).click();
      await page.getByText("Version saved.").waitFor();
      await page.getByRole("link", { name }).click();
      await page.getByRole("link", { name: "Restore this version…" }).click();
      await page.getByRole("button", { name: "Yes, restore this version" }).click();
      await page.getByText("Version restored as a new change.").waitFor();

      const board = await env.browser.newContext({ baseURL: env.server.url, locale: "en-US", timezoneId: "UTC" });
      const boardPage = await board.newPage();
      await signIn(boardPage, "board@riverbend.example");
      await boardPage.goto(`/cycles/${cycleId}/plan/history`);
      await expectHeading(boardPage, "Action plan history");
      expect(await boardPage.getByRole("button", { name: "Save this version" }).count()).toBe(0);
      await boardPage.getByRole("link", { name, exact: true }).click();
      await boardPage.getByText("This is a past version of the action plan, shown read-only.").waitFor();
      expect(await boardPage.getByRole("link", { name: "Restore this version…" }).count()).toBe(0);
      await board.close();
    } finally {
      await context.close();
    }
  });
});
