// Every demo role, in a real browser against the real production server: sign in through the form, see the
// navigation the role allows, pass axe on every page the role can reach, and sign out.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectHeading,
  expectNoAxeViolations,
  launchBrowser,
  mainNavLabels,
  newPage,
  removeTempDirs,
  signIn,
  startServer,
  type ServerProcess,
} from "./support";

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  const result = await server?.stop();
  removeTempDirs();
  expect(result?.code).toBe(0);
});

interface RoleCase {
  email: string;
  name: string;
  nav: string[];
  /** Where each nav label leads. */
  navPaths: string[];
  /** The schools in the "Go to school" switcher (absent: no switcher); the coach's is exercised. */
  switcherSchools?: string[];
}

const allSchools = [
  "Cedar Creek Elementary",
  "Maple Elementary",
  "Oak Hollow Middle School",
  "Riverbend High School",
  "Riverside Middle School",
  "Willow Park Elementary",
];

const cases: RoleCase[] = [
  { email: "lead@riverbend.example", name: "Dana", nav: ["Home", "Cycles", "Schools", "Data", "Student support", "Reports", "People", "Settings"], navPaths: ["/home", "/cycles", "/schools", "/data", "/students", "/reports", "/people", "/settings"], switcherSchools: allSchools },
  { email: "team@riverbend.example", name: "Luis", nav: ["Home", "Cycles", "Schools", "Data", "Reports"], navPaths: ["/home", "/cycles", "/schools", "/data", "/reports"], switcherSchools: allSchools },
  { email: "principal@maple.riverbend.example", name: "Grace", nav: ["Home", "Cycles", "My school", "Data", "Student support", "Reports"], navPaths: ["/home", "/cycles", "/schools", "/data", "/students", "/reports"] },
  {
    email: "coach@riverbend.example",
    name: "Samir",
    nav: ["Home", "Cycles", "Schools", "Data", "Student support", "Reports"],
    navPaths: ["/home", "/cycles", "/schools", "/data", "/students", "/reports"],
    switcherSchools: ["Cedar Creek Elementary", "Willow Park Elementary"],
  },
  { email: "board@riverbend.example", name: "Patricia", nav: ["Home", "Cycles", "Schools", "Data", "Reports"], navPaths: ["/home", "/cycles", "/schools", "/data", "/reports"], switcherSchools: allSchools },
];

async function visitAndCheck(page: Page, pathname: string) {
  const response = await page.goto(pathname);
  expect(response?.status(), `status of ${pathname}`).toBe(200);
  expect(new URL(page.url()).pathname).toBe(pathname);
  await expect(page.locator("h1").first().innerText()).resolves.not.toBe("");
  await expectNoAxeViolations(page, pathname);
}

describe("each demo role in the browser", () => {
  for (const role of cases) {
    it(`${role.email}: signs in, sees its navigation, passes axe everywhere, signs out`, async () => {
      const { context, page } = await newPage(browser, server.url);
      try {
        await signIn(page, role.email);
        expect(new URL(page.url()).pathname).toBe("/home");
        await expectHeading(page, `Welcome, ${role.name}`);

        // The navigation is exactly what the role allows, and every link goes where it says.
        expect(await mainNavLabels(page)).toEqual(role.nav);
        const nav = page.getByRole("navigation", { name: "Main" });
        const hrefs = await nav.getByRole("link").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
        expect(hrefs).toEqual(role.navPaths);
        await expect(nav.getByRole("link", { name: "Home" }).getAttribute("aria-current")).resolves.toBe("page");

        // The school switcher lists the schools someone can open, when there is more than one.
        const switcher = page.getByLabel("Go to school");
        if (role.switcherSchools) {
          await expect(switcher.isVisible()).resolves.toBe(true);
          const options = await switcher.locator("option:not([disabled])").allInnerTexts();
          expect(options.map((o) => o.trim())).toEqual(role.switcherSchools);
        } else {
          await expect(switcher.count()).resolves.toBe(0);
        }
        if (role.email.startsWith("coach")) {
          const target = role.switcherSchools![1];
          await switcher.selectOption({ label: target });
          await page.getByRole("button", { name: "Go", exact: true }).click();
          await page.waitForURL(/\/schools\/[0-9a-f-]{36}$/);
          await expectHeading(page, target);
          // On a school's page the switcher shows that school as the current one.
          await expect(switcher.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).resolves.toBe(target);
        }

        // axe on every page in the nav, the account page and one school page.
        for (const pathname of [...role.navPaths, "/account"]) await visitAndCheck(page, pathname);
        await page.goto("/schools");
        const schoolLinks = page.locator("table a[href^='/schools/']");
        const schoolCount = await schoolLinks.count();
        expect(schoolCount).toBe(role.switcherSchools?.length ?? 1);
        const schoolPath = await schoolLinks.first().getAttribute("href");
        expect(schoolPath).toMatch(/^\/schools\/[0-9a-f-]{36}$/);
        await visitAndCheck(page, schoolPath!);

        // Sign out with the header button: back at sign-in, and the session is gone on the server.
        await page.goto("/home");
        await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL((url) => url.pathname === "/sign-in");
        await expectHeading(page, "Sign in");
        const again = await page.goto("/home");
        expect(new URL(page.url()).pathname).toBe("/sign-in");
        expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/home");
        expect(again?.status()).toBe(200);
      } finally {
        await context.close();
      }
    });
  }

  it("a school team member cannot open a school they do not serve", async () => {
    const { context, page } = await newPage(browser, server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/schools");
      const riverside = await page.getByRole("link", { name: "Riverside Middle School" }).getAttribute("href");
      await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL((url) => url.pathname === "/sign-in");
      await signIn(page, "principal@maple.riverbend.example");
      const response = await page.goto(riverside!);
      expect([403, 404]).toContain(response?.status());
      await expect(page.getByRole("heading", { level: 1 }).innerText()).resolves.toMatch(/^(Page not found|You do not have access to this page)$/);
      await expect(page.getByText("Riverside Middle School").count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe("pages outside the signed-in shell", () => {
  it("the sign-in page and the 404 page pass axe", async () => {
    const { context, page } = await newPage(browser, server.url);
    try {
      const signInPage = await page.goto("/sign-in");
      expect(signInPage?.status()).toBe(200);
      await expectHeading(page, "Sign in");
      await expectNoAxeViolations(page, "/sign-in");

      const missing = await page.goto("/does-not-exist");
      expect(missing?.status()).toBe(404);
      await expectHeading(page, "Page not found");
      await expectNoAxeViolations(page, "/does-not-exist");

      // The same 404 when signed in.
      await signIn(page, "board@riverbend.example");
      const missingSignedIn = await page.goto("/does-not-exist/either");
      expect(missingSignedIn?.status()).toBe(404);
      await expectHeading(page, "Page not found");
    } finally {
      await context.close();
    }
  });

  it("a wrong password is refused with a message and the email kept", async () => {
    const { context, page } = await newPage(browser, server.url);
    try {
      await page.goto("/sign-in");
      await page.getByLabel("Email").fill("team@riverbend.example");
      await page.getByLabel("Password").fill("not-the-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert").innerText()).resolves.toContain("do not match an active account");
      expect(new URL(page.url()).pathname).toBe("/sign-in");
      await expect(page.getByLabel("Email").inputValue()).resolves.toBe("team@riverbend.example");
      await expectNoAxeViolations(page, "/sign-in with an error");
    } finally {
      await context.close();
    }
  });
});
