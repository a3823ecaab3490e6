// A person in two districts in a real browser (ADR 0035): after the password they choose the district, and switch
// from the account menu; the chooser passes axe, works from the keyboard, and fits a phone without sideways scroll.
import path from "node:path";
import fs from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDatabase } from "#db/client.server";
import { users } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import { seedDemo } from "#db/seed/demo.server";
import { hashPassword } from "~/modules/people/password.server";
import { findOrCreatePerson, invitePerson } from "~/modules/people/people.server";
import { actorOf, makeDistrict, makeSchool, makeUser } from "../factories";
import { artifactsDir, DEMO_PASSWORD, expectHeading, expectNoAxeViolations, freshDataDir, newPage, useServerAndBrowser } from "./support";

const OTHER = "Lakeside Joint Unified";
const shotsDir = path.join(artifactsDir, "screenshots");

/** The demo, plus a second district where the demo's lead serves on the SEL team, made before the server starts. */
async function prepare() {
  const dataDir = freshDataDir("districts");
  const database = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
  try {
    await database.migrate();
    await ensureCatalog(database.db);
    await seedDemo(database.db);
    const lakeside = await makeDistrict(database.db, { name: OTHER, slug: "lakeside" });
    await makeSchool(database.db, lakeside.id, { name: "Heron Bay Elementary" });
    // The demo's password stays the person's one password: the second membership reuses it.
    await findOrCreatePerson(database.db, "lead@riverbend.example", await hashPassword(DEMO_PASSWORD));
    await makeUser(database.db, lakeside.id, "district_team", { email: "lead@riverbend.example", name: "Maria Alvarez" });
    // Riverbend is where they were last, so that is where the sign-in lands.
    await database.db.update(users).set({ lastEnteredAt: new Date() }).where(eq(users.email, "lead@riverbend.example"));
    await database.db.update(users).set({ lastEnteredAt: null }).where(eq(users.districtId, lakeside.id));
    // Lakeside's lead invites Riverbend's district team member, who already has a password.
    const lakesideLead = await makeUser(database.db, lakeside.id, "district_lead", { email: "lead@lakeside.example", name: "Lou Lakeside" });
    const invited = await invitePerson(database.db, actorOf(lakesideLead), {
      name: "Theo in Lakeside",
      email: "team@riverbend.example",
      role: "board",
      schoolIds: [],
      studentRecords: false,
    });
    return { dataDir, inviteToken: invited.token };
  } finally {
    await database.close();
  }
}

const prepared = await prepare();
const env = useServerAndBrowser({ dataDir: prepared.dataDir });

async function shoot(page: Page, name: string) {
  fs.mkdirSync(shotsDir, { recursive: true });
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 800 });
    // No sideways scroll on a phone: the page is never wider than the window.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shotsDir, `districts-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("a person in two districts", () => {
  it("chooses the district after the password, switches from the account menu, and everything shown follows", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await page.goto("/sign-in");
      await page.getByLabel("Email").fill("lead@riverbend.example");
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/switch-district");
      await expectHeading(page, "Choose your district");
      await expect(page.getByRole("main").getByRole("listitem").allInnerTexts()).resolves.toEqual([
        expect.stringContaining(OTHER),
        expect.stringMatching(/Riverbend Unified School District · you are here/),
      ]);
      await expectNoAxeViolations(page, "/switch-district after sign-in");
      await shoot(page, "chooser");

      // Keyboard only: Tab to the other district's button and press Enter.
      const target = page.getByRole("button", { name: `Switch to ${OTHER}` });
      for (let i = 0; i < 40 && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
      await expect(target.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/home");
      // The address changes before the new page is drawn: wait for the page itself.
      await page.locator(".ck-brand", { hasText: OTHER }).waitFor();
      // Lakeside's own records only: its one school, none of Riverbend's.
      await page.goto("/schools");
      await expect(page.getByRole("main").innerText()).resolves.toContain("Heron Bay Elementary");
      await expect(page.getByRole("main").innerText()).resolves.not.toContain("Maple Elementary");
      await expect(page.locator(".ck-usermenu").innerText()).resolves.toContain("District SEL team");
      await expectNoAxeViolations(page, "/schools in the second district");
      await shoot(page, "schools-in-lakeside");

      // Back from the account menu.
      await page.locator(".ck-usermenu").getByRole("link", { name: "Switch district" }).click();
      await expectHeading(page, "Choose your district");
      await expect(page.getByRole("main").getByRole("listitem").filter({ hasText: "you are here" }).innerText()).resolves.toContain(OTHER);
      await page.getByRole("button", { name: "Switch to Riverbend Unified School District" }).click();
      await page.waitForURL((url) => url.pathname === "/home");
      await page.locator(".ck-brand", { hasText: "Riverbend" }).waitFor();
      await expect(page.locator(".ck-usermenu").innerText()).resolves.toContain("District SEL lead");
      await shoot(page, "home-riverbend");
    } finally {
      await context.close();
    }
  });

  it("accepts another district's invitation with the password the person already has", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await page.goto(`/invite/${prepared.inviteToken}`);
      await expectHeading(page, "Welcome, Theo in Lakeside");
      await expectNoAxeViolations(page, "the invitation page of a person who already has a password");
      await shoot(page, "invitation");
      // A new password is refused beside the field; the existing one is kept and works.
      await page.getByLabel("Password", { exact: true }).fill("a password of my choosing");
      await page.getByLabel("Repeat password", { exact: true }).fill("a password of my choosing");
      await page.getByRole("button", { name: "Accept and sign in" }).click();
      await expect
        .poll(() => page.locator(".ck-field__error").allInnerTexts())
        .toEqual([expect.stringContaining("That is not the password already used with this email.")]);
      await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
      await page.getByLabel("Repeat password", { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Accept and sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/home");
      // The address changes before the new page is drawn: wait for the page itself.
      await page.locator(".ck-brand", { hasText: OTHER }).waitFor();
      await expect(page.locator(".ck-usermenu").innerText()).resolves.toContain("Theo in Lakeside");
      await expect(page.locator(".ck-usermenu").getByRole("link", { name: "Switch district" }).count()).resolves.toBe(1);
    } finally {
      await context.close();
    }
  });

  it("sends someone of one district straight to their home, with no switch in the menu", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await page.goto("/sign-in");
      await page.getByLabel("Email").fill("board@riverbend.example");
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/home");
      await expect(page.locator(".ck-usermenu").getByRole("link", { name: "Switch district" }).count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });
});
