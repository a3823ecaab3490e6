// An editor left open on a shared computer signs out at the idle limit and says so in the editor (ADR 0033): the
// socket's re-checks do not keep the session alive. Real Chromium against a server whose idle limit is 8 seconds.
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, expectHeading, expectNoAxeViolations, launchBrowser, newPage, removeTempDirs, signIn, spawnServer, waitForHealthy, type ServerProcess } from "./support";

const IDLE_SECONDS = 8;
const env = {} as { server: ServerProcess; browser: Browser };

// useServerAndBrowser's, with a longer wait for /healthz: seeding the demo district took 98 s on the shared machine.
beforeAll(async () => {
  const start = async () => {
    const server = await spawnServer({ env: { SESSION_IDLE_MINUTES: String(IDLE_SECONDS / 60) } });
    await waitForHealthy(server, 170_000).catch(async (error) => {
      await server.stop(5_000);
      throw error;
    });
    return server;
  };
  [env.server, env.browser] = await Promise.all([start(), launchBrowser()]);
}, 180_000);
afterAll(async () => {
  await env.browser?.close();
  await env.server?.stop();
  removeTempDirs();
});

describe("an idle editor", () => {
  it("is signed out at the idle limit, shows why in the editor, stops taking input, and reads well at 1366 and 390 px", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await page.setViewportSize({ width: 1366, height: 900 });
      await signIn(page, "team@riverbend.example");
      await page.goto("/cycles");
      await page.getByRole("link", { name: /district cycle/ }).first().click();
      await expectHeading(page, "Cycle overview");
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Action plan" }).click();
      await expectHeading(page, "Action plan");
      const editor = page.locator("[data-testid=plan-editor] .ProseMirror");
      await editor.waitFor();
      await page.locator(".ck-connection[data-state=saved]").waitFor({ timeout: 10_000 });
      const openedAt = Date.now();

      const indicator = page.locator(".ck-connection[data-state=closed]");
      await indicator.waitFor({ timeout: (IDLE_SECONDS + 10) * 1000 });
      // Not a moment before the limit: the socket's re-checks (every 30 s, and at the deadline) were not activity,
      // and nothing else happened since the page loaded.
      expect(Date.now() - openedAt).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 2_000);
      expect(await indicator.innerText()).toContain(`You were signed out after ${IDLE_SECONDS} seconds without activity. Sign in again to keep editing.`);
      expect(await editor.getAttribute("contenteditable")).toBe("false");

      await expectNoAxeViolations(page, "plan after an idle sign-out");
      await page.screenshot({ path: path.join(artifactsDir, "screenshots", "idle-sign-out-1366.png"), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: path.join(artifactsDir, "screenshots", "idle-sign-out-390.png"), fullPage: true });

      // The session is gone on the server too: the next page asks to sign in.
      await page.goto("/home");
      await page.waitForURL(/\/sign-in/);
    } finally {
      await context.close();
    }
  });
});
