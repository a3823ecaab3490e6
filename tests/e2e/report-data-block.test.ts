// The data block node view in the shared editor (through the action plan page, which uses the same editor as
// reports): a block inserted through the editor shows its live figures, takes a note, moves down and up by buttons,
// and is removed; the page passes axe with the block in it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { artifactsDir, expectHeading, expectNoAxeViolations, newPage, signIn, useServerAndBrowser } from "./support";

const env = useServerAndBrowser({ port: 4118 });
const shots = path.join(artifactsDir, "report-data-block");
mkdirSync(shots, { recursive: true });

/** The order of top-level nodes in the editor's document, by type. */
const topLevel = (page: Page) =>
  page.evaluate(() => {
    const dom = document.querySelector("[data-testid=plan-editor] .ProseMirror") as HTMLElement & { editor?: { getJSON(): { content?: { type: string }[] } } };
    return (dom.editor?.getJSON().content ?? []).map((n) => n.type);
  });

describe("data block node view", () => {
  it("shows live figures, takes a note, moves and is removed", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/cycles");
      await page.getByRole("link", { name: /district cycle/ }).first().click();
      await expectHeading(page, "Cycle overview");
      const cycleId = /\/cycles\/([0-9a-f-]{36})/.exec(page.url())![1];
      await page.goto(`/cycles/${cycleId}/plan`);
      await expectHeading(page, "Action plan");
      await page.locator("[data-testid=plan-editor] .ProseMirror").waitFor();
      await page.waitForFunction(() => Boolean((document.querySelector("[data-testid=plan-editor] .ProseMirror") as { editor?: unknown } | null)?.editor));

      await page.evaluate((id) => {
        const dom = document.querySelector("[data-testid=plan-editor] .ProseMirror") as HTMLElement & { editor: import("@tiptap/core").Editor };
        dom.editor.chain().focus("start").insertContent({ type: "dataBlock", attrs: { query: { kind: "goals", cycleId: id, options: {} }, note: "", frozen: null } }).run();
      }, cycleId);
      const figure = page.locator(".ck-data-block figure.ck-block");
      await figure.locator("figcaption", { hasText: "Goals for 2026–27 and where they stand" }).waitFor();
      await figure.getByRole("columnheader", { name: "Status" }).waitFor();
      await expectNoAxeViolations(page, "action plan with a data block");
      await page.locator(".ck-data-block").screenshot({ path: path.join(shots, "block.png") });

      const before = await topLevel(page);
      const at = before.indexOf("dataBlock");
      expect(at).toBeGreaterThanOrEqual(0);
      await page.getByRole("button", { name: /^Move down/ }).click();
      expect((await topLevel(page)).indexOf("dataBlock")).toBe(at + 1);
      await page.getByRole("button", { name: /^Move up/ }).focus();
      await page.keyboard.press("Enter");
      expect((await topLevel(page)).indexOf("dataBlock")).toBe(at);

      await page.getByLabel("Note on this figure").fill("Two goals are new this year.");
      await page.getByLabel("Note on this figure").blur();
      await page.waitForFunction(() => {
        const dom = document.querySelector("[data-testid=plan-editor] .ProseMirror") as HTMLElement & { editor?: { getJSON(): { content?: { type: string; attrs?: { note?: string } }[] } } };
        return dom.editor?.getJSON().content?.some((n) => n.type === "dataBlock" && n.attrs?.note === "Two goals are new this year.");
      });

      await page.getByRole("button", { name: /^Remove/ }).click();
      expect(await topLevel(page)).not.toContain("dataBlock");
    } finally {
      await context.close();
    }
  });
});
