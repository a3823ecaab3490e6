// A reflection meeting in a real browser, through to the next year: the lead scores an item at the end of the year,
// plans a meeting from a protocol, answers a question, records a finding tied to a goal with evidence, decides per
// goal, closes 2026–27 and launches 2027–28, and finds last year's end-of-year score as the baseline and last year's
// action plan as the start of the new one. The board member reads the meeting without a form to change it. Before
// that, the district team fixes a measure's name and a finding's words.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectHeading, expectNoAxeViolations, newPage, signIn, useServerAndBrowser } from "./support";

const shown = (locator: Locator) => locator.first().waitFor({ state: "visible" });
const env = useServerAndBrowser();
const subnav = (page: Page, name: string) => page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name, exact: true }).click();

async function openDistrictCycle(page: Page) {
  await page.goto("/cycles");
  await page.getByRole("link", { name: /district cycle/ }).first().click();
  await expectHeading(page, "Cycle overview");
  return page.url();
}

// Before the year is closed below: the fall inquiry's finding can only be edited while 2026–27 is open.
describe("fixing words after the fact", () => {
  it("the district team renames its own measure, then rewords a finding without JavaScript", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "team@riverbend.example");
      await page.goto("/data/measures");
      await page.getByLabel("Name", { exact: true }).fill("Sense of belongng");
      await page.getByRole("button", { name: "Add measure" }).click();
      await shown(page.getByRole("status").filter({ hasText: "Added “Sense of belongng”" }));
      await page.getByRole("link", { name: "Edit “Sense of belongng”" }).click();
      await expectHeading(page, "Edit measure: Sense of belongng");
      await expectNoAxeViolations(page, "edit measure form");
      await page.getByLabel("Name", { exact: true }).fill("Sense of belonging (% favourable)");
      await page.getByRole("button", { name: "Save measure" }).click();
      await shown(page.getByRole("status").filter({ hasText: "Saved “Sense of belonging (% favourable)”." }));
      // Files keep the short name the measure was added with.
      await shown(page.getByRole("row", { name: /Sense of belonging \(% favourable\) sense-of-belongng/ }));

      // The finding's edit form sits beside its Remove button, closed until asked for.
      await page.goto("/cycles");
      await page.getByRole("link", { name: /district cycle/ }).first().click();
      await subnav(page, "Reflection");
      await page.getByRole("link", { name: "Fall data inquiry with students and families" }).click();
      await expectHeading(page, "Fall data inquiry with students and families");
      await page.locator("#findings summary").first().click();
      await shown(page.getByRole("button", { name: /^Save finding/ }));
      await expectNoAxeViolations(page, "meeting with a finding's edit form open");
      const meeting = page.url();

      const plain = await env.browser.newContext({ baseURL: env.server.url, javaScriptEnabled: false });
      plain.setDefaultTimeout(15_000);
      try {
        const nojs = await plain.newPage();
        await signIn(nojs, "team@riverbend.example");
        await nojs.goto(meeting);
        await nojs.locator("#findings summary").first().click();
        const form = nojs.locator("#findings details[open]");
        const reworded = "Families of English learners are on no school's family SEL team yet; two schools asked for interpreters.";
        await form.getByLabel("What the group found").fill(reworded);
        await form.getByRole("button", { name: /^Save finding/ }).click();
        await shown(nojs.getByText("Finding saved."));
        await shown(nojs.locator(".ck-finding").filter({ hasText: reworded }));
        expect(await nojs.getByText("Families of English learners are not yet on any school's family SEL team.").count()).toBe(0);
      } finally {
        await plain.close();
      }
    } finally {
      await context.close();
    }
  });
});

describe("a reflection meeting through to next year", () => {
  it("the board member reads last year's meeting, its findings and decisions, with nothing to edit", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "board@riverbend.example");
      await page.goto("/cycles");
      await page.getByRole("link", { name: /district cycle/ }).last().click();
      await expectHeading(page, "Cycle overview");
      await subnav(page, "Reflection");
      await expectHeading(page, "Reflection meetings");
      await page.getByRole("link", { name: "End-of-year reflection with the district SEL team" }).click();
      await expectHeading(page, "End-of-year reflection with the district SEL team");
      await shown(page.getByText("One-off sessions did not change classroom practice"));
      await shown(page.getByRole("columnheader", { name: "Rationale" }));
      expect(await page.getByRole("button", { name: /Save answer|Add finding|Save decisions/ }).count()).toBe(0);
      await expectNoAxeViolations(page, "closed meeting, read-only");
    } finally {
      await context.close();
    }
  });

  it("the lead reflects, decides, closes 2026–27 and launches 2027–28 with the baseline and the plan carried", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      const cycleUrl = await openDistrictCycle(page);

      // An end-of-year score, to become next year's baseline.
      await subnav(page, "Implementation rubric");
      const itemHref = await page.locator('a[href*="/rubric/"]').first().getAttribute("href");
      await page.goto(`${itemHref!.split("?")[0]}?checkpoint=endyear`);
      await page.locator('input[name="level"][value="4"]').check();
      await page.getByLabel("Evidence", { exact: true }).fill("End-of-year walkthroughs in every building");
      await page.getByRole("button", { name: "Save end of year score" }).click();
      await page.waitForLoadState("networkidle");

      // This year's action plan, opened once so it exists.
      await page.goto(`${cycleUrl}/plan`);
      await expectHeading(page, "Action plan");
      await page.locator("[data-testid=plan-editor] .ProseMirror").waitFor();

      // Plan a meeting from a protocol.
      await page.goto(cycleUrl);
      await subnav(page, "Reflection");
      await expectHeading(page, "Reflection meetings");
      await expectNoAxeViolations(page, "reflection meetings");
      await page.getByLabel("Protocol").selectOption({ label: "Reflect on progress toward annual goals" });
      await page.getByLabel("Title").fill("Spring reflection with students and families");
      await page.getByLabel("Checkpoint it reflects on").selectOption("endyear");
      await page.getByLabel("Date").fill("2027-05-20");
      await page.getByRole("checkbox", { name: "Dana Okafor" }).check();
      await page.getByRole("checkbox", { name: "Students" }).check();
      await page.getByRole("checkbox", { name: "Families" }).check();
      await page.getByRole("button", { name: "Create meeting" }).click();
      await expectHeading(page, "Spring reflection with students and families");
      await shown(page.getByText("Meeting created."));

      // Answer a guiding question.
      const firstQuestion = page.getByLabel(/Which of our goals did we reach/);
      await firstQuestion.fill("Coaching reached every school; family teams met in four of six.");
      await page.getByRole("button", { name: "Save answer" }).first().click();
      await shown(page.getByText("Answer saved."));
      expect(await page.getByLabel(/Which of our goals did we reach/).inputValue()).toBe("Coaching reached every school; family teams met in four of six.");

      // A finding tied to a goal, with a data view as evidence.
      const findings = page.locator("#findings");
      await findings.getByLabel("Kind").selectOption("challenge");
      await findings.getByLabel("What the group found").fill("Middle-school students report lower self-management than the benchmark");
      await findings.getByLabel("About (a goal or rubric item)").selectOption({ label: "Goal: Every school runs a year-long professional learning sequence on SEL" });
      await findings.getByLabel("Evidence", { exact: true }).selectOption({ label: "Data view: Competencies against the benchmark" });
      await page.getByRole("button", { name: "Add finding" }).click();
      await shown(page.getByText("Finding added."));
      await shown(page.getByRole("link", { name: "Competencies against the benchmark" }).last());

      // A decision per goal, each with its rationale; one missing rationale is named beside its goal first.
      const decisions = page.locator("#decisions");
      const goalsToDecide = decisions.getByRole("group").filter({ has: page.getByRole("radio") });
      const count = await goalsToDecide.count();
      expect(count).toBeGreaterThan(1);
      for (let i = 0; i < count; i++) await goalsToDecide.nth(i).getByRole("radio", { name: /Sustain and scale/ }).check();
      await page.getByRole("button", { name: "Save decisions" }).click();
      await shown(page.getByText("Give the group's rationale for this decision."));
      const again = page.locator("#decisions").getByRole("group").filter({ has: page.getByRole("radio") });
      const learning = again.filter({ hasText: "professional learning sequence" });
      await learning.getByRole("radio", { name: /Keep the goal with new strategies/ }).check();
      for (let i = 0; i < count; i++) await again.nth(i).getByLabel("Rationale").fill(`Rationale ${i + 1} from the spring reflection`);
      await page.getByRole("button", { name: "Save decisions" }).click();
      await shown(page.getByText("Decisions saved."));
      await shown(page.getByText("Saved: New strategies (in this meeting)"));
      await expectNoAxeViolations(page, "reflection meeting");

      // The year-end page says where the decisions came from; close and launch.
      await subnav(page, "Year-end");
      await expectHeading(page, "Year-end decisions");
      await shown(page.getByRole("link", { name: "Spring reflection with students and families" }));
      await page.getByRole("checkbox", { name: /becomes read-only/ }).check();
      await page.getByRole("button", { name: "Close 2026–27 and launch 2027–28" }).click();
      await expectHeading(page, "Cycle overview");
      await shown(page.getByText(/The 2027–28 cycle is open, in planning/));
      await shown(page.getByText(/1 end-of-year rubric score became baseline scores\. 1 action plan starts from last year's\./));
      const nextUrl = page.url().split("?")[0];

      // Last year's end-of-year score is this year's baseline.
      await page.goto(`${nextUrl}${itemHref!.slice(itemHref!.indexOf("/rubric/"))}?checkpoint=baseline`);
      expect(await page.getByLabel("Evidence", { exact: true }).inputValue()).toBe("Carried from the end-of-year score of 2026–27. End-of-year walkthroughs in every building");
      expect(await page.locator('input[name="level"][value="4"]').isChecked()).toBe(true);

      // The plan starts from last year's.
      await page.goto(`${nextUrl}/plan`);
      await expectHeading(page, "Action plan");
      await page.waitForFunction(() => document.querySelector("[data-testid=plan-editor] .ProseMirror")?.textContent?.includes("Started from the 2026–27 action plan"), null, { timeout: 10_000 });

      // The strategies left open are listed for review.
      await page.goto(`${nextUrl}/carried-over`);
      await expectHeading(page, "Strategies to review");
      await shown(page.getByRole("cell", { name: /Left behind: the goal was kept with new strategies/ }));
      await shown(page.getByRole("link", { name: "Write new strategies for this goal" }));
      await expectNoAxeViolations(page, "strategies to review");

      // The closed year's meeting is read-only now.
      await page.goto(cycleUrl);
      await subnav(page, "Reflection");
      await page.getByRole("link", { name: "Spring reflection with students and families" }).click();
      await shown(page.getByText("This cycle is closed: the meeting is kept as it was, read-only."));
      expect(await page.getByRole("button", { name: /Save answer|Add finding|Save decisions/ }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("the district team edits a protocol's questions; the principal only reads it", async () => {
    const team = await newPage(env.browser, env.server.url);
    const principal = await newPage(env.browser, env.server.url);
    try {
      await signIn(team.page, "team@riverbend.example");
      await team.page.goto("/reflection-protocols");
      await expectHeading(team.page, "Reflection protocols");
      await team.page.getByRole("link", { name: /Edit Data inquiry with student and family voice/ }).click();
      await expectHeading(team.page, "Data inquiry with student and family voice");
      await team.page.getByLabel("Position of question 4").fill("0");
      await team.page.getByLabel("Add a question (optional)").fill("Which voices were missing from this conversation?");
      await team.page.getByRole("button", { name: "Save protocol" }).click();
      await shown(team.page.getByText("Protocol saved."));
      expect(await team.page.getByLabel("Question 1", { exact: true }).inputValue()).toBe("What should we prioritise next, and who should be part of deciding how?");
      expect(await team.page.getByLabel("Question 5", { exact: true }).inputValue()).toBe("Which voices were missing from this conversation?");
      await expectNoAxeViolations(team.page, "protocol editor");

      await signIn(principal.page, "principal@maple.riverbend.example");
      await principal.page.goto("/reflection-protocols");
      await principal.page.getByRole("link", { name: /Read Data inquiry with student and family voice/ }).click();
      await shown(principal.page.getByText("Which voices were missing from this conversation?"));
      expect(await principal.page.getByRole("button", { name: "Save protocol" }).count()).toBe(0);
    } finally {
      await team.context.close();
      await principal.context.close();
    }
  });
});
