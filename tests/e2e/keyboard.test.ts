// Keyboard use: the skip link, visible focus on the navigation, and a sign-in completed without a mouse.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, expectHeading, newPage, signIn, useServerAndBrowser } from "./support";

const env = useServerAndBrowser();

/** What has keyboard focus: tag, id, text, whether it sits in the main nav, and its outline. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute("name"),
      text: (el.textContent ?? "").trim(),
      href: el.getAttribute("href"),
      inMainNav: Boolean(el.closest('nav[aria-label="Main"]')),
      focusVisible: el.matches(":focus-visible"),
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
    };
  });
}

describe("keyboard use", () => {
  it("Tab first reaches a visible skip link, and Enter moves focus to the main content", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/home");
      await expectHeading(page, "Welcome, Dana");

      // Before it has focus the skip link is off-screen.
      const skip = page.getByRole("link", { name: "Skip to content" });
      const hidden = await skip.boundingBox();
      expect(hidden, "skip link box").not.toBeNull();
      expect(hidden!.y + hidden!.height).toBeLessThanOrEqual(0);

      await page.keyboard.press("Tab");
      const first = await focused(page);
      expect(first).toMatchObject({ tag: "a", text: "Skip to content", href: "#main" });
      expect(first!.outlineStyle).not.toBe("none");
      expect(first!.outlineWidth).toBeGreaterThan(0);

      const viewport = page.viewportSize()!;
      const box = await skip.boundingBox();
      expect(box, "skip link box when focused").not.toBeNull();
      expect(box!.width).toBeGreaterThan(0);
      expect(box!.height).toBeGreaterThan(0);
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
      expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
      await expect(skip.isVisible()).resolves.toBe(true);

      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement?.id === "main");
      const afterSkip = await focused(page);
      expect(afterSkip).toMatchObject({ tag: "main", id: "main" });

      // The next Tab goes into the page content, not back through the header.
      await page.keyboard.press("Tab");
      const inContent = await page.evaluate(() => Boolean(document.activeElement?.closest("main")));
      expect(inContent).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("tabbing reaches every main navigation link, each with a visible focus outline", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/home");
      await expectHeading(page, "Welcome, Dana");

      const reached: string[] = [];
      for (let i = 0; i < 30 && reached.length < 8; i++) {
        await page.keyboard.press("Tab");
        const f = await focused(page);
        if (!f?.inMainNav) continue;
        reached.push(f.text);
        expect(f.focusVisible, `${f.text} matches :focus-visible`).toBe(true);
        expect(f.outlineStyle, `outline-style of ${f.text}`).not.toBe("none");
        expect(f.outlineWidth, `outline-width of ${f.text}`).toBeGreaterThan(0);
      }
      expect(reached).toEqual(["Home", "Cycles", "Schools", "Data", "Student support", "Reports", "People", "Settings"]);

      // Enter on a focused nav link follows it.
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/settings");
      await expectHeading(page, "Settings");
    } finally {
      await context.close();
    }
  });

  it("the sign-in form can be completed with the keyboard alone", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await page.goto("/sign-in");
      await expectHeading(page, "Sign in");
      // Wait for hydration so the form submits through Remix like a real visit would.
      await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);

      // The email field has focus on arrival, or is the first thing Tab reaches.
      let f = await focused(page);
      if (f?.name !== "email") {
        await page.keyboard.press("Tab");
        f = await focused(page);
      }
      expect(f).toMatchObject({ tag: "input", name: "email" });
      expect(f!.outlineStyle).not.toBe("none");
      expect(f!.outlineWidth).toBeGreaterThan(0);

      await page.keyboard.type("coach@riverbend.example");
      await page.keyboard.press("Tab");
      expect(await focused(page)).toMatchObject({ tag: "input", name: "password" });
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press("Enter");

      await page.waitForURL((url) => url.pathname === "/home");
      await expectHeading(page, "Welcome, Samir");
    } finally {
      await context.close();
    }
  });

  it("a keyboard user can leave through the school switcher and the sign-out button", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "coach@riverbend.example");
      await page.goto("/home");
      await expectHeading(page, "Welcome, Samir");

      const switcher = page.getByLabel("Go to school");
      await switcher.focus();
      // Arrow keys change a closed <select> on Linux Chromium without opening it.
      await page.keyboard.press("ArrowDown");
      await expect(switcher.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).resolves.toBe("Cedar Creek Elementary");
      await page.keyboard.press("Tab");
      expect(await focused(page)).toMatchObject({ tag: "button", text: "Go" });
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/schools\/[0-9a-f-]{36}$/);
      await expectHeading(page, "Cedar Creek Elementary");

      await page.getByRole("banner").getByRole("button", { name: "Sign out" }).focus();
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/sign-in");
      await expectHeading(page, "Sign in");
    } finally {
      await context.close();
    }
  });
});
