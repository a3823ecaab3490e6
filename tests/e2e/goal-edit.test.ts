// Editing in a real browser: the district lead has the same goal open in two windows and saves in both, so the
// second save meets the first and must show it beside what was typed; then a strategy is changed and another removed.
import fs from "node:fs";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { artifactsDir, expectHeading, expectNoAxeViolations, newPage, randomSuffix, signIn, useServerAndBrowser } from "./support";

const shown = (locator: Locator) => locator.first().waitFor({ state: "visible" });
const shotsDir = path.join(artifactsDir, "screenshots");

/** A full-page picture for people to look at (tests/.artifacts, not in git). */
async function shoot(page: Page, name: string) {
  fs.mkdirSync(shotsDir, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}

/** From sign-in to the page of one of the demo district's goals in this year's district cycle. */
async function openDistrictGoal(page: Page, title: string) {
  await signIn(page, "lead@riverbend.example");
  await page.goto("/cycles");
  await page.getByRole("link", { name: /district cycle/ }).first().click();
  await expectHeading(page, "Cycle overview");
  await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Goals" }).click();
  await expectHeading(page, "Annual goals");
  await page.getByRole("link", { name: title }).click();
  await expectHeading(page, title);
}

const env = useServerAndBrowser();

describe("editing a goal in two windows at once", () => {
  it("the second save shows the first one's values, keeps what was typed, and saves on purpose the second time", async () => {
    const goal = "Cut chronic absenteeism";
    const first = await newPage(env.browser, env.server.url);
    const second = await newPage(env.browser, env.server.url);
    try {
      await openDistrictGoal(first.page, goal);
      await first.page.getByRole("link", { name: "Edit goal" }).click();
      await expectHeading(first.page, `Edit goal: ${goal}`);
      await signIn(second.page, "lead@riverbend.example");
      await second.page.goto(first.page.url());
      await expectHeading(second.page, `Edit goal: ${goal}`);
      await expectNoAxeViolations(first.page, "edit goal form");
      await shoot(first.page, "goal-edit");
      // The form comes filled in with the saved goal.
      expect(await first.page.getByLabel("Target value").inputValue()).toBe("14");
      expect(await first.page.getByLabel("By date").inputValue()).toBe("2027-06-15");

      const firstTitle = `Cut chronic absenteeism to 14% ${randomSuffix()}`;
      await first.page.getByLabel("Goal", { exact: true }).fill(firstTitle);
      await first.page.getByLabel("Target value").fill("13.5");
      await first.page.getByRole("button", { name: "Save changes" }).click();
      await expectHeading(first.page, firstTitle);
      await shown(first.page.getByText("Goal saved."));

      const secondTitle = `Halve chronic absenteeism ${randomSuffix()}`;
      const secondDescription = "Fewer students miss 10% of days, starting with grade 9.";
      await second.page.getByLabel("Goal", { exact: true }).fill(secondTitle);
      await second.page.getByLabel("Specific: what exactly will change").fill(secondDescription);
      await second.page.getByRole("button", { name: "Save changes" }).click();
      const conflict = second.page.getByRole("alert").filter({ hasText: "Someone saved a newer version" });
      await shown(conflict);
      await shown(conflict.getByText(/Dana Okafor saved version 2 on/));
      await shown(conflict.getByRole("row", { name: new RegExp(`Goal ${firstTitle} ${secondTitle}`) }));
      await shown(conflict.getByRole("row", { name: /Target value 13\.5 14/ }));
      // What the second window typed is still there to re-apply.
      expect(await second.page.getByLabel("Goal", { exact: true }).inputValue()).toBe(secondTitle);
      expect(await second.page.getByLabel("Specific: what exactly will change").inputValue()).toBe(secondDescription);
      // The page reloads the saved goal after a conflict, so its heading names the first window's title.
      await expectHeading(second.page, `Edit goal: ${firstTitle}`);
      // The SMARTIE card beside the form now reads the newer version.
      await shown(second.page.getByText("Measured against a target of 13.5."));
      await expectNoAxeViolations(second.page, "edit goal form with a conflict");
      await shoot(second.page, "goal-edit-conflict");

      // Taking the first window's target on board, the second saves again, now knowingly over version 2.
      await second.page.getByLabel("Target value").fill("13.5");
      await second.page.getByRole("button", { name: "Save changes" }).click();
      await expectHeading(second.page, secondTitle);
      await shown(second.page.getByText(secondDescription));
      await shown(second.page.getByText(/from 18\.4 to 13\.5/));
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });
});

describe("editing strategies", () => {
  it("the lead changes a strategy's owner and status, then removes another after confirming", async () => {
    const goal = "Every school runs a year-long professional learning sequence on SEL";
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await openDistrictGoal(page, goal);
      await page.getByRole("link", { name: "Edit or remove “Train two SEL coaches per school”" }).click();
      await expectHeading(page, "Edit strategy: Train two SEL coaches per school");
      await expectNoAxeViolations(page, "edit strategy form");
      expect(await page.getByLabel("Owner").inputValue()).toBe("Luis Romero");
      await page.getByLabel("Strategy", { exact: true }).fill("Train two SEL coaches per school, one per grade band");
      await page.getByLabel("Owner").fill("Dana Okafor");
      await page.getByLabel("Due date").fill("2026-12-01");
      await page.getByLabel("Status").selectOption("done");
      await page.getByRole("button", { name: "Save strategy" }).click();
      await expectHeading(page, goal);
      const row = page.getByRole("row", { name: /Train two SEL coaches per school, one per grade band/ });
      await shown(row);
      await shown(row.getByText("December 1, 2026"));
      await shown(row.getByText("Dana Okafor"));

      await page.getByRole("link", { name: "Edit or remove “Publish the district learning calendar”" }).click();
      await expectHeading(page, "Edit strategy: Publish the district learning calendar");
      // The confirmation opens from the keyboard, and nothing is removed until it is confirmed.
      const remove = page.getByRole("button", { name: "Yes, remove “Publish the district learning calendar”" });
      expect(await remove.isVisible()).toBe(false);
      await page.getByText("Remove this strategy…").focus();
      await page.keyboard.press("Enter");
      await shown(remove);
      await shoot(page, "strategy-edit");
      await remove.click();
      await expectHeading(page, goal);
      await shown(page.getByText("Strategy removed."));
      expect(await page.getByRole("row", { name: /Publish the district learning calendar/ }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe("a school's local target saved from two windows", () => {
  it("the second save is refused once, then saves deliberately over the newer version", async () => {
    const goal = "Families co-design SEL with us at every school";
    const first = await newPage(env.browser, env.server.url);
    const second = await newPage(env.browser, env.server.url);
    try {
      for (const { page } of [first, second]) {
        await signIn(page, "principal@maple.riverbend.example");
        await page.goto("/cycles");
        await page.getByRole("link", { name: "Maple Elementary" }).first().click();
        await expectHeading(page, "Cycle overview");
        await page.getByRole("link", { name: goal }).first().click();
        await expectHeading(page, goal);
      }
      const target = (page: Page) => page.getByLabel("What this goal means for our school");
      await target(first.page).fill("Family night each term");
      await first.page.getByRole("button", { name: "Save local target" }).click();
      await shown(first.page.getByText("Saved."));

      await target(second.page).fill("A family SEL team of six");
      await second.page.getByRole("button", { name: "Save local target" }).click();
      await shown(second.page.getByRole("alert").filter({ hasText: "Someone saved a newer version" }));
      expect(await target(second.page).inputValue()).toBe("A family SEL team of six");
      // The page reloaded the newer version, so saving again now succeeds instead of conflicting forever.
      await second.page.getByRole("button", { name: "Save local target" }).click();
      await shown(second.page.getByText("Saved."));
      expect(await target(second.page).inputValue()).toBe("A family SEL team of six");
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });
});
