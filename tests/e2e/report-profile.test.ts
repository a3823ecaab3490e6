// The district profile page in a real browser: the lead reads the demo's profile, adds a milestone and saves; a save
// from an older copy of the page shows the newer values instead of overwriting them; the board member reads it with
// nothing to edit. Every state passes axe.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { artifactsDir, expectHeading, expectNoAxeViolations, newPage, signIn, useServerAndBrowser } from "./support";

const env = useServerAndBrowser({ port: 4117 });
const shots = path.join(artifactsDir, "report-profile");
mkdirSync(shots, { recursive: true });

describe("district profile page", () => {
  it("the lead edits it, adds a milestone, and meets a conflict with the newer values shown", async () => {
    const first = await newPage(env.browser, env.server.url);
    const second = await newPage(env.browser, env.server.url);
    try {
      for (const { page } of [first, second]) {
        await signIn(page, "lead@riverbend.example");
        await page.goto("/reports/profile");
        await expectHeading(page, "District profile");
      }
      const page = first.page;
      await expect(page.getByLabel("What SEL means here").inputValue()).resolves.toContain("In Riverbend, social and emotional learning");
      await expectNoAxeViolations(page, "district profile form");
      await page.screenshot({ path: path.join(shots, "form.png"), fullPage: true });

      await page.getByLabel("New milestone: school year starting").fill("2026");
      await page.getByLabel("New milestone: what happened").fill("Every school holds a family SEL night");
      await page.getByRole("checkbox", { name: "Remove milestone 1" }).check();
      await page.getByRole("button", { name: "Save profile" }).click();
      await page.getByRole("status").filter({ hasText: "Profile saved." }).waitFor();
      await expect(page.getByLabel("Milestone 4: what happened").inputValue()).resolves.toBe("Every school holds a family SEL night");
      expect(await page.getByRole("textbox", { name: /what happened/ }).count()).toBe(5);

      // The second copy was loaded before that save.
      await second.page.getByLabel("History of the commitment").fill("An older draft of the history.");
      await second.page.getByRole("button", { name: "Save profile" }).click();
      const alert = second.page.getByRole("alert").filter({ hasText: "Someone saved the profile while you were editing" });
      await alert.waitFor();
      await alert.getByText("Every school holds a family SEL night").waitFor();
      await expect(second.page.getByLabel("History of the commitment").inputValue()).resolves.toBe("An older draft of the history.");
      await expectNoAxeViolations(second.page, "district profile conflict");
      await second.page.screenshot({ path: path.join(shots, "conflict.png"), fullPage: true });
      // Saving again from the conflict is deliberate and goes through.
      await second.page.getByRole("button", { name: "Save profile" }).click();
      await second.page.getByRole("status").filter({ hasText: "Profile saved." }).waitFor();
      await expect(second.page.getByLabel("History of the commitment").inputValue()).resolves.toBe("An older draft of the history.");
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });

  it("the board member reads the profile with nothing to edit", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "board@riverbend.example");
      await page.goto("/reports/profile");
      await expectHeading(page, "District profile");
      await page.getByRole("heading", { name: "Milestones" }).waitFor();
      expect(await page.getByRole("button", { name: "Save profile" }).count()).toBe(0);
      expect(await page.getByRole("textbox").count()).toBe(0);
      await expectNoAxeViolations(page, "district profile, read-only");
      await page.screenshot({ path: path.join(shots, "read-only.png"), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
