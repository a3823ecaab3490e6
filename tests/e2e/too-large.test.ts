// The 413 page a browser lands on when a form is too large to send: readable at desktop and phone widths, no sideways
// scroll, axe-clean, its way back reachable by keyboard, and the sign-in form still working afterwards (ADR 0030).
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "#db/client.server";
import { makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { artifactsDir, expectNoAxeViolations, freshDataDir, launchBrowser, newPage, removeTempDirs, signIn, startServer, type ServerProcess } from "./support";

// A small district made by the factories rather than the demo: the server starts in seconds, even on a busy machine.
const env = {} as { server: ServerProcess; browser: Browser; leadEmail: string };
beforeAll(async () => {
  const dataDir = freshDataDir("too-large");
  const handle = await openDatabase({ dataDir: `${dataDir}/pglite` });
  await handle.migrate();
  env.leadEmail = (await makeDistrictWithPeople(handle.db)).lead.email;
  await handle.close();
  [env.server, env.browser] = await Promise.all([startServer({ demo: "0", dataDir }), launchBrowser()]);
});
afterAll(async () => {
  await env.browser?.close();
  await env.server?.stop();
  removeTempDirs();
});
const shotsDir = path.join(artifactsDir, "screenshots");

describe("a form too large to send", () => {
  it.each([1366, 390])("lands on a readable 413 page at %i px wide", async (width) => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await page.setViewportSize({ width, height: 800 });
      await page.goto("/sign-in");
      // A real form of this origin posting 2 MB: the browser sends Origin, the server cuts it off at 1 MiB.
      const answered = page.waitForResponse((res) => res.request().method() === "POST");
      await page.evaluate(() => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = "/sign-in";
        const area = document.createElement("textarea");
        area.name = "notes";
        area.value = "x".repeat(2 * 1024 * 1024);
        form.append(area);
        document.body.append(form);
        form.submit();
      });
      expect((await answered).status()).toBe(413);
      await page.getByRole("heading", { level: 1, name: "That was too large to send" }).waitFor();
      expect((await page.textContent("main"))?.replace(/\s+/g, " ")).toContain("Nothing was saved. A form can hold up to 1 MB of text.");
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await expectNoAxeViolations(page, `413 page at ${width} px`);
      fs.mkdirSync(shotsDir, { recursive: true });
      await page.screenshot({ path: path.join(shotsDir, `too-large-${width}.png`), fullPage: true });

      // The way back is the first thing Tab reaches, and it leads to the working form.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Go back to the form");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/sign-in");
      await signIn(page, env.leadEmail, TEST_PASSWORD);
    } finally {
      await context.close();
    }
  });
});
