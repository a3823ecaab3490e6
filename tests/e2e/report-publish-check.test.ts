// A refused publish in a real browser (ADR 0034): the lead types a demo student's name and id into the report in
// review, presses Publish, and the page names each place with the words marked, offers to confirm the name but never
// the id, passes axe and fits a phone; once the words are gone the report publishes.
import path from "node:path";
import type { Page } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, expectNoAxeViolations, launchBrowser, newPage, removeTempDirs, signIn, spawnServer, waitForHealthy, type ServerProcess } from "./support";

// Loading the demo takes minutes on a busy machine: the server gets longer than startServer's minute to be ready.
const env = {} as { server: ServerProcess; browser: Browser };
beforeAll(async () => {
  env.server = await spawnServer();
  [env.browser] = await Promise.all([launchBrowser(), waitForHealthy(env.server, 300_000)]);
}, 330_000);
afterAll(async () => {
  await env.browser?.close();
  await env.server?.stop();
  removeTempDirs();
});

/** The window with the refusal at its top (the whole report page is many screens long). */
async function shot(page: Page, name: string) {
  await page.locator(".ck-publish-check").evaluate((el) => el.scrollIntoView({ block: "start" }));
  await page.screenshot({ path: path.join(artifactsDir, `report-publish-check-${name}.png`) });
}
const editor = (page: Page) => page.locator("[data-testid=plan-editor] .ProseMirror");
// The demo roster's first student (db/seed/students-demo.server.ts): obviously fictional.
const TYPED = " Thanks to alder BROOKFIELD (MPL-1001).";

describe("publishing a report that names a student", () => {
  it("is refused on the report page with the places marked, and publishes once the words are removed", { timeout: 240_000 }, async () => {
    const { page, context } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/reports");
      await page.getByRole("link", { name: /2026–27/ }).first().click();
      await page.getByRole("heading", { name: "State and next steps" }).waitFor();
      await page.locator(".ck-connection[data-state=saved]").waitFor();

      await editor(page).locator("p").first().click();
      await page.keyboard.press("End");
      await page.keyboard.type(TYPED);
      await page.waitForFunction(() => document.querySelector(".ck-connection")?.getAttribute("data-state") === "saved", null, { timeout: 20_000 });

      await page.getByRole("button", { name: "Publish", exact: true }).click();
      const check = page.locator(".ck-publish-check");
      await check.getByRole("heading", { name: "Not published: the report names students" }).waitFor();
      // The cursor lands on the list, so keyboard and screen reader users start at the problem.
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Not published: the report names students");
      expect(await check.getByRole("alert").textContent()).toMatch(/^Not published: 2 places name a student on the district's roster\. Remove every student id/);
      const places = check.locator(".ck-publish-check__place");
      expect(await places.count()).toBe(2);
      expect(await places.nth(0).locator("mark").textContent()).toBe("alder BROOKFIELD");
      expect(await places.nth(1).locator("mark").textContent()).toBe("MPL-1001");
      expect(await places.nth(0).locator("strong").textContent()).toMatch(/paragraph \d+$/);
      // The name may be confirmed as not a student's; the id offers nothing of the kind.
      await expect(check.getByRole("checkbox", { name: "“alder BROOKFIELD” is not a student" }).isVisible()).resolves.toBe(true);
      expect(await check.getByRole("checkbox").count()).toBe(1);
      expect(await check.getByRole("button").textContent()).toBe("Publish again once the ids are removed");

      await expectNoAxeViolations(page, "a refused publish");
      await page.setViewportSize({ width: 1366, height: 900 });
      await shot(page, "1366");
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, "390");
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

      // The draft still holds the words (nothing was lost); removing them lets the report publish.
      await page.setViewportSize({ width: 1366, height: 900 });
      // Select the typed words where they are and delete them, as a person would with the mouse.
      await editor(page).locator("p").first().click();
      await page.evaluate((typed) => {
        const root = document.querySelector<HTMLElement>("[data-testid=plan-editor] .ProseMirror")!;
        root.focus();
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent!.indexOf(typed);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + typed.length);
          getSelection()!.removeAllRanges();
          getSelection()!.addRange(range);
          return;
        }
        throw new Error("the typed words are not in the draft");
      }, TYPED);
      await page.keyboard.press("Backspace");
      await page.waitForFunction((typed) => !document.querySelector("[data-testid=plan-editor] .ProseMirror")?.textContent?.includes(typed.trim()), TYPED, { timeout: 10_000 });
      await page.waitForFunction(() => document.querySelector(".ck-connection")?.getAttribute("data-state") === "saved", null, { timeout: 20_000 });
      await check.getByRole("button", { name: "Publish again once the ids are removed" }).click();
      await page.getByText("Published. The public page now shows this version.").waitFor();
      expect(await page.locator(".ck-publish-check").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
