// An edit too large for a document, in a real browser: a 5 MB paste is refused with a visible reason before it enters
// the shared document, and the person's next small edit is still saved (receipted by the server).
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentJSON } from "~/editor/document";
import { connectProvider } from "../collab/support";
import { artifactsDir, expectHeading, expectNoAxeViolations, launchBrowser, newPage, removeTempDirs, signIn, spawnServer, waitForHealthy, type ServerProcess } from "./support";

// The demo server seeds its district on first start, which takes over a minute when the shared machine is busy: this
// file waits longer for it than useServerAndBrowser's 60 s.
const env = {} as { server: ServerProcess; browser: Browser };
beforeAll(async () => {
  const [server, browser] = await Promise.all([spawnServer(), launchBrowser()]);
  env.browser = browser;
  env.server = server;
  await waitForHealthy(server, 240_000);
}, 300_000);
afterAll(async () => {
  await env.browser?.close();
  await env.server?.stop();
  removeTempDirs();
});
const shotsDir = path.join(artifactsDir, "screenshots");

const editorOf = (page: Page) => page.locator("[data-testid=plan-editor] .ProseMirror");

async function openDistrictPlan(page: Page) {
  await page.goto("/cycles");
  await page.getByRole("link", { name: /district cycle/ }).first().click();
  await expectHeading(page, "Cycle overview");
  await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Action plan" }).click();
  await expectHeading(page, "Action plan");
  await editorOf(page).waitFor();
}

async function storedPlanText(context: BrowserContext, page: Page) {
  const cookie = (await context.cookies(env.server.url)).map((c) => `${c.name}=${c.value}`).join("; ");
  const planId = await page.getAttribute("[data-plan-document]", "data-plan-document");
  const { provider, doc } = await connectProvider(env.server.url, planId!, { cookie, origin: env.server.url });
  try {
    return JSON.stringify(documentJSON(doc));
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

async function shoot(page: Page, name: string) {
  mkdirSync(shotsDir, { recursive: true });
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.locator("[data-testid=edit-refused]").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shotsDir, `${name}-${width}.png`), fullPage: false });
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(sideways, `sideways scroll at ${width} px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("an edit too large for the document", () => {
  it("refuses a 5 MB paste with a visible reason, and a later small edit is still saved", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await openDistrictPlan(page);
      await page.locator(".ck-connection[data-state=saved]").waitFor();
      await editorOf(page).locator("p").first().click();
      await page.keyboard.press("End");
      await editorOf(page).evaluate((element) => {
        const data = new DataTransfer();
        data.setData("text/plain", "Pasted report. " + "An enormous paste. ".repeat(5 * 1024 * 1024 / 19));
        element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      });

      const notice = page.locator("[data-testid=edit-refused]");
      await notice.waitFor();
      expect(await notice.getAttribute("role")).toBe("alert");
      expect(await notice.innerText()).toMatch(/That change was not made: the document may hold at most 1 million characters/);
      expect(await editorOf(page).innerText()).not.toContain("An enormous paste.");
      // Nothing was sent and the connection stays open: the indicator still says everything is saved.
      expect(await page.locator(".ck-connection").getAttribute("data-state")).toBe("saved");
      await expectNoAxeViolations(page, "plan page with a refused paste");
      await shoot(page, "plan-refused-paste");

      // A small edit afterwards is stored: the server's receipt turns the indicator back to saved, and a fresh client
      // reads it from the server.
      await editorOf(page).locator("p").first().click();
      await page.keyboard.press("End");
      await page.keyboard.type(" Small edit after the refusal.");
      await page.locator(".ck-connection[data-state=saved]").waitFor();
      expect(await storedPlanText(context, page)).toContain("Small edit after the refusal.");
      expect(await storedPlanText(context, page)).not.toContain("An enormous paste.");

      // The notice is dismissed from the keyboard.
      await page.getByRole("button", { name: "Dismiss" }).focus();
      await page.keyboard.press("Enter");
      await notice.waitFor({ state: "detached" });
    } finally {
      await context.close();
    }
  });

  it("refuses a single paragraph longer than 100 000 characters, naming the limit", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "team@riverbend.example");
      await openDistrictPlan(page);
      await editorOf(page).locator("p").first().click();
      await page.keyboard.press("End");
      await editorOf(page).evaluate((element) => {
        const data = new DataTransfer();
        data.setData("text/plain", "y".repeat(120_000));
        element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      });
      await page.locator("[data-testid=edit-refused]", { hasText: "a paragraph may hold at most 100,000 characters" }).waitFor();
      await page.keyboard.type(" Still typing.");
      await page.locator(".ck-connection[data-state=saved]").waitFor();
      expect(await storedPlanText(context, page)).toContain("Still typing.");
    } finally {
      await context.close();
    }
  });
});
