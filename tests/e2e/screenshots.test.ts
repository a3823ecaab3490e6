// Full-page screenshots of the main screens for people to look at (tests/.artifacts/screenshots/, not in git),
// and the cold-start time of a server on an empty data directory.
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  artifactsDir,
  expectHeading,
  launchBrowser,
  newPage,
  removeTempDirs,
  signIn,
  spawnServer,
  waitForHealthy,
  type ServerProcess,
} from "./support";

const shotsDir = path.join(artifactsDir, "screenshots");
let server: ServerProcess;
let browser: Browser;
let coldStartMs: number;

beforeAll(async () => {
  fs.mkdirSync(shotsDir, { recursive: true });
  const browserReady = launchBrowser();
  const spawnedAt = Date.now();
  server = await spawnServer();
  await waitForHealthy(server);
  coldStartMs = Date.now() - spawnedAt;
  console.log(
    `[e2e] cold start: ${coldStartMs} ms from spawning the server on an empty DATA_DIR (migrations + demo) to the first 200 from /healthz`,
  );
  browser = await browserReady;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  removeTempDirs();
});

/** Saves a full-page PNG and checks it is a real, non-empty PNG at the page's width. */
async function shoot(page: Page, name: string) {
  const file = path.join(shotsDir, `${name}.png`);
  fs.rmSync(file, { force: true });
  // Let fonts settle so the picture is what a person would see.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: file, fullPage: true });
  const bytes = fs.readFileSync(file);
  expect(bytes.length, `${file} size`).toBeGreaterThan(1_000);
  expect(bytes.subarray(0, 8).toString("hex"), `${file} is a PNG`).toBe("89504e470d0a1a0a");
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  expect(width).toBe(page.viewportSize()!.width);
  expect(height).toBeGreaterThanOrEqual(page.viewportSize()!.height);
  return file;
}

describe("screenshots", () => {
  it("the cold start was measured and is reasonable", () => {
    expect(coldStartMs).toBeGreaterThan(0);
    expect(coldStartMs).toBeLessThan(60_000);
  });

  it("sign-in and the lead's pages", async () => {
    const { context, page } = await newPage(browser, server.url);
    try {
      await page.goto("/sign-in");
      await expectHeading(page, "Sign in");
      await shoot(page, "01-sign-in");

      await signIn(page, "lead@riverbend.example");
      await expectHeading(page, "Welcome, Dana");
      await shoot(page, "02-home-lead");

      await page.goto("/schools");
      await expectHeading(page, "Schools");
      await shoot(page, "03-schools");

      await page.getByRole("link", { name: "Maple Elementary" }).first().click();
      await expectHeading(page, "Maple Elementary");
      await shoot(page, "04-school-maple");

      await page.goto("/people");
      await expectHeading(page, "People");
      await shoot(page, "05-people");

      await page.getByRole("link", { name: "Samir Haddad" }).click();
      await expectHeading(page, "Samir Haddad");
      await shoot(page, "06-person-coach");

      await page.goto("/settings");
      await expectHeading(page, "Settings");
      await shoot(page, "07-settings");

      await page.goto("/account");
      await expectHeading(page, "Your account");
      await shoot(page, "08-account");
    } finally {
      await context.close();
    }
  });

  it("home as the board member and as the principal, and the 404 page", async () => {
    for (const [email, first, name] of [
      ["board@riverbend.example", "Patricia", "09-home-board"],
      ["principal@maple.riverbend.example", "Grace", "10-home-principal"],
    ] as const) {
      const { context, page } = await newPage(browser, server.url);
      try {
        await signIn(page, email);
        await expectHeading(page, `Welcome, ${first}`);
        await shoot(page, name);
      } finally {
        await context.close();
      }
    }
    const { context, page } = await newPage(browser, server.url);
    try {
      const response = await page.goto("/does-not-exist");
      expect(response?.status()).toBe(404);
      await expectHeading(page, "Page not found");
      await shoot(page, "11-not-found");
    } finally {
      await context.close();
    }
  });

  it("every expected screenshot is on disk and non-empty", () => {
    const expected = [
      "01-sign-in",
      "02-home-lead",
      "03-schools",
      "04-school-maple",
      "05-people",
      "06-person-coach",
      "07-settings",
      "08-account",
      "09-home-board",
      "10-home-principal",
      "11-not-found",
    ];
    for (const name of expected) {
      const file = path.join(shotsDir, `${name}.png`);
      expect(fs.existsSync(file), file).toBe(true);
      expect(fs.statSync(file).size, file).toBeGreaterThan(1_000);
    }
  });
});
