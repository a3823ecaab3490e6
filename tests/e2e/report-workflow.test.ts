// Stakeholder reports in real browsers: the lead creates a report from the cycle, lead and team co-edit it and see
// each other's typing and a goal block inserted from the toolbar, the team submits it for review from the keyboard, a
// board member finds it on the Board home, reads it without any edit control and comments, and the lead publishes
// version 1 (its goal block frozen); the public page keeps it while the draft changes, and republishing makes version
// 2 current and version 1 superseded. Axe on every report page.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectHeading, expectNoAxeViolations, newPage, randomSuffix, signIn, useServerAndBrowser } from "./support";

const env = useServerAndBrowser({ port: 4201 });

const editorOf = (page: Page) => page.locator("[data-testid=plan-editor] .ProseMirror");

async function waitForText(page: Page, text: string, timeout = 10_000) {
  await page.waitForFunction((t) => document.querySelector("[data-testid=plan-editor] .ProseMirror")?.textContent?.includes(t), text, { timeout });
}

async function typeAtEndOfFirstParagraph(page: Page, text: string) {
  await editorOf(page).locator("p").first().click();
  await page.keyboard.press("End");
  await page.keyboard.type(text);
}

/** Presses Tab until the focused element is the named button (so it is reachable by keyboard), then Enter. */
async function pressByKeyboard(page: Page, name: string, maxTabs = 80) {
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? "");
    if (focused === name) {
      // The focus is visible: the focused control draws an outline.
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement as HTMLElement).outlineStyle);
      expect(outline).not.toBe("none");
      await page.keyboard.press("Enter");
      return;
    }
  }
  throw new Error(`"${name}" was not reached with Tab`);
}

describe("a report from draft to published", () => {
  it("is created, co-edited, reviewed and commented on by the board, then published by the lead", async () => {
    const lead = await newPage(env.browser, env.server.url);
    const team = await newPage(env.browser, env.server.url);
    const board = await newPage(env.browser, env.server.url);
    const title = `Families report ${randomSuffix()}`;
    try {
      await Promise.all([signIn(lead.page, "lead@riverbend.example"), signIn(team.page, "team@riverbend.example"), signIn(board.page, "board@riverbend.example")]);

      // The lead creates the report from the district's 2026–27 cycle.
      await lead.page.goto("/cycles");
      await lead.page.getByRole("link", { name: /district cycle/ }).first().click();
      await expectHeading(lead.page, "Cycle overview");
      await lead.page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Reports" }).click();
      await expectHeading(lead.page, "Reports");
      await expectNoAxeViolations(lead.page, "a cycle's reports");
      // The address of an existing report is refused with a field error, and what was typed is kept.
      await lead.page.getByLabel("Audience").selectOption("families");
      await lead.page.getByLabel("Title").fill(title);
      await lead.page.getByLabel("Public address").fill("riverbend-unified-school-district-sel-annual-report-2025-26");
      await lead.page.getByRole("button", { name: "Create annual report" }).click();
      await lead.page.getByText("already uses the address").waitFor();
      expect(await lead.page.getByLabel("Title").inputValue()).toBe(title);
      await lead.page.getByLabel("Public address").fill("");
      await lead.page.getByRole("button", { name: "Create annual report" }).click();
      await lead.page.waitForURL(/\/reports\/[0-9a-f-]{36}\?created=1$/);
      await expectHeading(lead.page, title);
      const reportPath = new URL(lead.page.url()).pathname;

      // Lead and team co-edit.
      await team.page.goto(reportPath);
      await Promise.all([editorOf(lead.page).waitFor(), editorOf(team.page).waitFor()]);
      for (const section of ["What SEL means here", "What we learned and what comes next"]) await waitForText(lead.page, section);
      await typeAtEndOfFirstParagraph(lead.page, " Written by the lead.");
      await waitForText(team.page, "Written by the lead.");
      await typeAtEndOfFirstParagraph(team.page, " Checked by the team.");
      await waitForText(lead.page, "Checked by the team.");
      await team.page.locator(".ck-connection[data-state=saved]").waitFor();

      // The toolbar offers the cycle's goals; an inserted goal block shows the goal's live title, for co-editors too.
      const goalMenu = lead.page.getByLabel("Goal to insert");
      const goalTitle = (await goalMenu.locator("option").nth(1).innerText()).trim();
      expect(goalTitle.length).toBeGreaterThan(0);
      await goalMenu.selectOption({ index: 1 });
      await lead.page.getByRole("button", { name: "Insert goal" }).click();
      for (const page of [lead.page, team.page]) {
        await page.locator("[data-testid=plan-editor] .goal-ref .goal-ref-title", { hasText: goalTitle }).waitFor();
      }
      await lead.page.locator(".ck-connection[data-state=saved]").waitFor();
      await expectNoAxeViolations(lead.page, "the report page, editing");

      // A draft is not the board's to read.
      const refused = await board.page.goto(reportPath);
      expect(refused?.status()).toBe(403);

      // The team submits it for review from the keyboard.
      await team.page.reload();
      await pressByKeyboard(team.page, "Submit for review");
      await team.page.getByText("Submitted for review").waitFor();
      expect(await team.page.getByRole("button", { name: "Publish" }).count()).toBe(0);

      // The board member finds it on the Board home, reads it without edit controls and comments.
      await board.page.goto("/home");
      await expectHeading(board.page, "Welcome, Patricia");
      await expectNoAxeViolations(board.page, "the Board home");
      await board.page.getByRole("region", { name: "Reports in review" }).getByRole("link", { name: title }).click();
      await expectHeading(board.page, title);
      await editorOf(board.page).waitFor();
      await waitForText(board.page, "Checked by the team.");
      expect(await editorOf(board.page).getAttribute("contenteditable")).toBe("false");
      await board.page.getByText("You can read this report and see who is working on it").waitFor();
      expect(await board.page.getByRole("toolbar", { name: "Formatting" }).count()).toBe(0);
      for (const name of ["Publish", "Submit for review", "Back to draft", "Add reviewer", "Add language version", "Mark resolved"]) {
        expect(await board.page.getByRole("button", { name }).count(), name).toBe(0);
      }
      await expectNoAxeViolations(board.page, "the report page, read-only");
      await board.page.getByLabel("Your comment").fill("Please add how families can take part next year.");
      await board.page.getByLabel("Passage it is about (optional)").fill("Written by the lead");
      await pressByKeyboard(board.page, "Add comment");
      await board.page.getByText("Your comment was added.").waitFor();
      await board.page.getByText("Please add how families can take part next year.").waitFor();

      // The lead sees the comment and publishes version 1.
      await lead.page.reload();
      await lead.page.getByText("Please add how families can take part next year.").waitFor();
      await lead.page.getByRole("button", { name: "Publish", exact: true }).click();
      await lead.page.getByText("Published. The public page now shows this version.").waitFor();
      const version = lead.page.getByRole("region", { name: "Published versions" }).getByRole("link", { name: "Version 1" });
      expect(await version.getAttribute("href")).toMatch(/^\/r\/riverbend\/families-report-[a-z0-9]+\/v\/1$/);
      await lead.page.getByText("The draft is the same as version 1.").waitFor();
      await expectNoAxeViolations(lead.page, "the report page, published");

      // The public page serves version 1; editing the draft afterwards leaves it as published.
      const reportPage = lead.page.url();
      const versionOne = (await version.getAttribute("href"))!;
      const latest = versionOne.replace(/\/v\/1$/, "");
      const readPublic = async (path: string) => {
        await lead.page.goto(path);
        return (await lead.page.locator("main").innerText()).replace(/\s+/g, " ");
      };
      const published = await readPublic(latest);
      expect(published).toContain(title);
      // The goal block is published with its title, frozen.
      expect(published).toContain(goalTitle);
      expect(published).not.toContain("A goal that is no longer in this cycle");
      await lead.page.goto(reportPage);
      await waitForText(lead.page, "What SEL means here");
      await typeAtEndOfFirstParagraph(lead.page, " Added after version 1.");
      await lead.page.reload();
      await waitForText(lead.page, "Added after version 1.");
      await lead.page.getByText("The draft has changed since version 1").waitFor();
      expect(await readPublic(latest)).toBe(published);

      // Republishing makes version 2 the public page; version 1 stays readable and says it is superseded.
      await lead.page.goto(reportPage);
      await lead.page.getByRole("button", { name: "Publish a new version", exact: true }).click();
      await lead.page.getByText("Published. The public page now shows this version.").waitFor();
      await lead.page.getByRole("region", { name: "Published versions" }).getByRole("link", { name: "Version 2" }).waitFor();
      expect(await readPublic(latest)).toContain("Added after version 1.");
      const old = await readPublic(versionOne);
      expect(old).toContain("A newer version has been published since.");
      expect(old).not.toContain("Added after version 1.");
      await lead.page.getByRole("link", { name: "Read the current version" }).waitFor();
      await expectNoAxeViolations(lead.page, "a superseded public version");

      await lead.page.goto("/reports");
      await expectHeading(lead.page, "Reports");
      await lead.page.getByRole("link", { name: title }).waitFor();
      await expectNoAxeViolations(lead.page, "the district's reports");
    } finally {
      await Promise.all([lead.context.close(), team.context.close(), board.context.close()]);
    }
  });
});
