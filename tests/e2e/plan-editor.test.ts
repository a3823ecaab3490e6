// Action plans in real browsers: two people co-edit with named carets, the board reads only, pasted hostile links
// never become links, and edits made while the server is down are kept and merged when it returns.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { documentJSON } from "~/editor/document";
import { connectProvider } from "../collab/support";
import { expectHeading, expectNoAxeViolations, freshDataDir, launchBrowser, newPage, signIn, startServer, useServerAndBrowser, type ServerProcess } from "./support";

const env = useServerAndBrowser();

async function openDistrictPlan(page: Page) {
  await page.goto("/cycles");
  await page.getByRole("link", { name: /district cycle/ }).first().click();
  await expectHeading(page, "Cycle overview");
  await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Action plan" }).click();
  await expectHeading(page, "Action plan");
  await page.locator("[data-testid=plan-editor] .ProseMirror").waitFor();
}

const editorOf = (page: Page) => page.locator("[data-testid=plan-editor] .ProseMirror");
/** The document's text without other people's caret labels. */
const textOf = (page: Page) =>
  editorOf(page).evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    copy.querySelectorAll(".collaboration-carets__caret").forEach((caret) => caret.remove());
    return copy.innerText;
  });

async function waitForText(page: Page, text: string, timeout = 10_000) {
  await page.waitForFunction((t) => document.querySelector("[data-testid=plan-editor] .ProseMirror")?.textContent?.includes(t), text, { timeout });
}

async function typeAtEndOfFirstParagraph(page: Page, text: string) {
  await editorOf(page).locator("p").first().click();
  await page.keyboard.press("End");
  await page.keyboard.type(text);
}

/** The plan as the server stored it, read by a y-websocket client in this process with the page's own session. */
async function storedPlan(context: BrowserContext, baseUrl: string, page: Page) {
  const cookies = await context.cookies(baseUrl);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const planId = await page.getAttribute("[data-plan-document]", "data-plan-document");
  const { provider, doc } = await connectProvider(baseUrl, planId!, { cookie, origin: baseUrl });
  try {
    return documentJSON(doc);
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

describe("co-editing an action plan", () => {
  it("shows one person's typing to the other with named carets, and gives the board member a read-only plan", async () => {
    const lead = await newPage(env.browser, env.server.url);
    const team = await newPage(env.browser, env.server.url);
    const board = await newPage(env.browser, env.server.url);
    try {
      await signIn(lead.page, "lead@riverbend.example");
      await signIn(team.page, "team@riverbend.example");
      await signIn(board.page, "board@riverbend.example");
      await Promise.all([openDistrictPlan(lead.page), openDistrictPlan(team.page), openDistrictPlan(board.page)]);

      // The template was seeded by the server: every section is there before anyone typed.
      for (const section of ["Vision and priorities", "Goals and strategies", "Timeline", "Roles and responsibilities", "Resources", "Communication plan", "How we will monitor progress"]) {
        expect(await textOf(lead.page)).toContain(section);
      }

      await typeAtEndOfFirstParagraph(lead.page, " Drafted by the lead.");
      await waitForText(team.page, "Drafted by the lead.");
      await waitForText(board.page, "Drafted by the lead.");
      await typeAtEndOfFirstParagraph(team.page, " Reviewed by the team.");
      await waitForText(lead.page, "Reviewed by the team.");
      await lead.page.locator(".ck-connection[data-state=saved]").waitFor();

      // Carets carry the names the server stamped from each session.
      const teamName = (await team.page.locator(".ck-usermenu a").first().innerText()).trim();
      await lead.page.locator(".collaboration-carets__label", { hasText: teamName }).waitFor();
      await lead.page.getByRole("region", { name: "People in this plan" }).getByText(teamName).waitFor();

      // The board member's editor cannot be edited, and typing into it changes nothing.
      expect(await editorOf(board.page).getAttribute("contenteditable")).toBe("false");
      await board.page.getByText("Read only", { exact: true }).waitFor();
      expect(await board.page.getByRole("toolbar", { name: "Formatting" }).count()).toBe(0);
      const before = await textOf(board.page);
      await editorOf(board.page).locator("p").first().click();
      await board.page.keyboard.type("board text");
      expect(await textOf(board.page)).toBe(before);

      await expectNoAxeViolations(lead.page, "action plan, editing");
      await expectNoAxeViolations(board.page, "action plan, read-only");
    } finally {
      await Promise.all([lead.context.close(), team.context.close(), board.context.close()]);
    }
  });

  it("turns pasted hostile links into plain text, in the editor and in what the server stored", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    try {
      await signIn(page, "lead@riverbend.example");
      await openDistrictPlan(page);
      await editorOf(page).locator("p").first().click();
      await page.keyboard.press("End");
      const html = [
        `<p>Pasted: <a href="javascript:alert('a')">one</a> <a href=" JaVaScRiPt:alert('b')">two</a>`,
        `<a href="java&#x09;script:alert('c')">three</a> <a href="data:text/html,<script>alert('d')</script>">four</a>`,
        `<a href="vbscript:msgbox('e')">five</a> <a href="https://casel.example/guide">safe</a>`,
        `<img src="x" onerror="alert('f')"><script>alert('g')</script><span onclick="alert('h')">end</span></p>`,
      ].join(" ");
      await editorOf(page).evaluate((element, pasted) => {
        const data = new DataTransfer();
        data.setData("text/html", pasted);
        data.setData("text/plain", "fallback");
        element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      }, html);
      await waitForText(page, "Pasted: one two three four five safe end");
      const hrefs = await editorOf(page).locator("p a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      expect(hrefs).toEqual(["https://casel.example/guide"]);
      expect(await editorOf(page).locator("img, script, [onclick], [onerror]").count()).toBe(0);
      await page.locator(".ck-connection[data-state=saved]").waitFor();

      const stored = JSON.stringify(await storedPlan(context, env.server.url, page));
      expect(stored).toContain("https://casel.example/guide");
      for (const hostile of ["javascript", "JaVaScRiPt", "data:", "vbscript", "onerror", "onclick", "<script"]) expect(stored).not.toContain(hostile);
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("links typed into the link form are checked: a javascript: address is refused with a reason", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await openDistrictPlan(page);
      await editorOf(page).locator("h2", { hasText: "Resources" }).click();
      await page.keyboard.press("Home");
      await page.keyboard.press("Shift+End");
      await page.getByRole("button", { name: "Link" }).click();
      await page.getByLabel("Link address").fill("javascript:alert(1)");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.getByRole("alert").filter({ hasText: /not allowed/ }).waitFor();
      expect(await editorOf(page).locator("a[href^='javascript']").count()).toBe(0);
      await page.getByLabel("Link address").fill("https://casel.example/");
      await page.getByRole("button", { name: "Apply" }).click();
      await editorOf(page).locator("h2 a[href='https://casel.example/']", { hasText: "Resources" }).waitFor();
    } finally {
      await context.close();
    }
  });
});

describe("access changing while the plan is open", () => {
  it("turns a district team member's open editor read-only as soon as the lead makes them a board member", async () => {
    const team = await newPage(env.browser, env.server.url);
    const lead = await newPage(env.browser, env.server.url);
    try {
      await signIn(team.page, "team@riverbend.example");
      await signIn(lead.page, "lead@riverbend.example");
      await openDistrictPlan(team.page);
      expect(await editorOf(team.page).getAttribute("contenteditable")).toBe("true");
      const teamName = (await team.page.locator(".ck-usermenu a").first().innerText()).trim();

      await lead.page.goto("/people");
      const personPath = await lead.page.getByRole("link", { name: teamName }).first().getAttribute("href");
      // React sets a select to its default value when it hydrates the page, so a choice made before that is lost:
      // open the person's page as its own document and wait until its scripts have taken over.
      await lead.page.goto(personPath!);
      await lead.page.locator("html[data-hydrated]").waitFor({ state: "attached" });
      const role = lead.page.getByLabel("Role", { exact: true });
      await role.selectOption({ label: "Board member" });
      expect(await role.inputValue()).toBe("board");
      await lead.page.getByRole("button", { name: "Save changes" }).click();

      await lead.page.getByRole("status").filter({ hasText: "Changes saved." }).waitFor();
      expect(await lead.page.getByLabel("Role", { exact: true }).inputValue()).toBe("board");
      await team.page.getByRole("alert").filter({ hasText: "Your access to this plan changed" }).waitFor({ timeout: 10_000 });
      expect(await editorOf(team.page).getAttribute("contenteditable")).toBe("false");
      expect(await team.page.getByRole("toolbar", { name: "Formatting" }).count()).toBe(0);
    } finally {
      await Promise.all([team.context.close(), lead.context.close()]);
    }
  });
});

describe("editing while the server is away", () => {
  let own: ServerProcess | null = null;
  afterAll(async () => {
    await own?.stop();
  });

  it("keeps edits made offline in both browsers and merges them when the server is back", async () => {
    const dataDir = freshDataDir("plan-offline");
    own = await startServer({ dataDir });
    const port = own.port;
    const browser = await launchBrowser();
    try {
      const lead = await newPage(browser, own.url);
      const team = await newPage(browser, own.url);
      await signIn(lead.page, "lead@riverbend.example");
      await signIn(team.page, "team@riverbend.example");
      await Promise.all([openDistrictPlan(lead.page), openDistrictPlan(team.page)]);
      await lead.page.locator(".ck-connection[data-state=saved]").waitFor();

      await own.stop();
      own = null;
      await lead.page.locator(".ck-connection[data-state=reconnecting]").waitFor();
      await typeAtEndOfFirstParagraph(lead.page, " Written offline by the lead.");
      await editorOf(team.page).locator("h2").first().click();
      await team.page.keyboard.press("End");
      await team.page.keyboard.type(" (team's offline note)");
      await lead.page.locator(".ck-connection[data-state=offline]").waitFor();
      expect(await lead.page.locator(".ck-connection").innerText()).toMatch(/Offline: \d+ changes? not yet saved/);

      own = await startServer({ dataDir, port });
      await lead.page.locator(".ck-connection[data-state=saved]").waitFor({ timeout: 30_000 });
      await team.page.locator(".ck-connection[data-state=saved]").waitFor({ timeout: 30_000 });
      for (const page of [lead.page, team.page]) {
        await waitForText(page, "Written offline by the lead.");
        await waitForText(page, "(team's offline note)");
      }
      expect(await textOf(lead.page)).toBe(await textOf(team.page));
    } finally {
      await browser.close();
    }
  });
});
