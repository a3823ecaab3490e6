// The cycle in a real browser: the lead sets a goal for every school, the principal finds it mirrored, adds a
// strategy and scores a rubric item with evidence; the board member reads the roll-up with nothing to edit.
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectHeading, expectNoAxeViolations, newPage, randomSuffix, signIn, useServerAndBrowser } from "./support";

/** Waits until the first match is visible; fails with the locator's description after the timeout. */
const shown = (locator: Locator) => locator.first().waitFor({ state: "visible" });

const env = useServerAndBrowser();

describe("a goal for all schools, carried out at one", () => {
  const goalTitle = `Every classroom greets students by name ${randomSuffix()}`;

  it("the lead writes an implementation goal shared with every school and sees its SMARTIE checks", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cycles" }).click();
      await expectHeading(page, "Cycles");
      await page.getByRole("link", { name: /district cycle/ }).first().click();
      await expectHeading(page, "Cycle overview");
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Goals" }).click();
      await expectHeading(page, "Annual goals");
      await page.getByRole("link", { name: "Add a goal" }).click();
      await expectHeading(page, "New annual goal");
      await expectNoAxeViolations(page, "new goal form");

      // Saving with nothing chosen shows what is missing next to the fields.
      await page.getByRole("button", { name: "Save goal" }).click();
      await shown(page.getByText("Enter a title for the goal."));

      await page.getByLabel("Goal", { exact: true }).fill(goalTitle);
      await page.getByLabel("Specific: what exactly will change").fill("Adults greet each student by name at the door every morning.");
      await page.getByLabel("Rubric activity").selectOption({ label: "Staff trust and community" });
      await page.getByLabel("Level to reach").selectOption("4");
      await page.getByLabel("Inclusive: which students this goal is for").fill("All students");
      await page.getByLabel("Share with schools").selectOption("all_schools");
      await page.getByRole("button", { name: "Save goal" }).click();
      await expectHeading(page, goalTitle);
      await shown(page.getByRole("heading", { name: "SMARTIE" }));
      // Each school's standing, judged on its own scores: none has scored this activity at level 4 yet.
      const maple = page.getByRole("row", { name: /Maple Elementary/ });
      await shown(maple);
      await shown(page.getByRole("columnheader", { name: "Where it stands" }));
      expect(await maple.innerText()).toMatch(/Not started|No data yet/);
      await expectNoAxeViolations(page, "goal page");
    } finally {
      await context.close();
    }
  });

  it("the principal sees it mirrored, adds a strategy, and scores a rubric item with evidence", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "principal@maple.riverbend.example");
      await page.goto("/cycles");
      await page.getByRole("link", { name: "Maple Elementary" }).first().click();
      await expectHeading(page, "Cycle overview");
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Goals" }).click();
      await expectHeading(page, "Annual goals");
      await shown(page.getByRole("heading", { name: "District goals shared with this school" }));
      await page.getByRole("link", { name: goalTitle }).click();
      await expectHeading(page, goalTitle);
      await shown(page.getByText("set by the district"));

      await page.getByLabel("Strategy", { exact: true }).fill("Greeting rota at the front door");
      await page.getByLabel("Owner").fill("Grace Lindqvist");
      await page.getByRole("button", { name: "Add strategy" }).click();
      await shown(page.getByRole("row", { name: /Greeting rota at the front door/ }));
      await page.getByLabel("What this goal means for our school").fill("Every K–5 class, starting with kindergarten");
      await page.getByRole("button", { name: "Save local target" }).click();
      await page.getByText("Saved.").waitFor();
      expect(await page.getByLabel("What this goal means for our school").inputValue()).toBe("Every K–5 class, starting with kindergarten");

      // The district's shared outcome goal: the school reads its own result and the roll-up's verdict beside the district's.
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Goals" }).click();
      await page.getByRole("link", { name: "Cut chronic absenteeism" }).click();
      await expectHeading(page, "Cut chronic absenteeism");
      await shown(page.getByText(/^At Maple Elementary: \d+\.\d % \(Fall 2026–27, \d+ students\)/));
      await expectNoAxeViolations(page, "shared outcome goal at a school");

      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Implementation rubric" }).click();
      await expectHeading(page, "Implementation rubric");
      await page.getByRole("link", { name: "Staff trust and community" }).click();
      await expectHeading(page, "Staff trust and community");
      await page.getByRole("link", { name: "Mid-year" }).click();
      await shown(page.getByRole("heading", { name: "Score the mid-year checkpoint" }));
      await page.getByRole("radio", { name: /Mostly planned and implemented/ }).check();
      await page.getByLabel("Evidence", { exact: true }).fill("Staff survey: 78% say they trust colleagues.");
      await page.getByLabel("Links to evidence").fill("https://example.org/staff-survey");
      await page.getByRole("button", { name: "Save mid-year score" }).click();
      await shown(page.getByText("Mid-year score saved."));
      // This year's table: the item page also lists the same checkpoints of earlier years.
      const midRow = page.getByRole("region", { name: "Scores so far" }).getByRole("row", { name: /Mid-year/ });
      expect(await midRow.innerText()).toContain("3");
      expect(await midRow.innerText()).toContain("Staff survey: 78% say they trust colleagues.");
      await expectNoAxeViolations(page, "rubric item page");
    } finally {
      await context.close();
    }
  });

  it("the board member reads the roll-up and finds no edit controls", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "board@riverbend.example");
      await page.goto("/cycles");
      expect(await page.getByRole("heading", { name: /Open the/ }).count()).toBe(0);
      await page.getByRole("link", { name: /district cycle/ }).first().click();
      await expectHeading(page, "Cycle overview");
      await shown(page.getByRole("link", { name: "See the rubric and evidence" }));
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Schools roll-up" }).click();
      await expectHeading(page, "Schools roll-up");
      await shown(page.getByRole("row", { name: /Maple Elementary/ }));
      await expectNoAxeViolations(page, "roll-up");
      // The shared goals' counts, and one goal's schools listed by status.
      await shown(page.getByRole("table", { name: /Implementation goals shared with schools/ }));
      // The shared outcome goal: each school judged on its own results, counted by status.
      const outcomeTable = page.getByRole("table", { name: /Outcome goals shared with schools/ });
      await shown(outcomeTable.getByRole("row", { name: /Cut chronic absenteeism/ }));
      await shown(outcomeTable.getByRole("columnheader", { name: "Improving" }));
      await page.getByRole("link", { name: /schools for / }).first().click();
      await shown(page.getByRole("heading", { name: /^Schools for / }));
      await shown(page.getByRole("region", { name: /^Schools for / }).getByRole("link", { name: /Maple Elementary/ }));
      await expectNoAxeViolations(page, "roll-up with one goal's schools");
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Goals" }).click();
      await expectHeading(page, "Annual goals");
      expect(await page.getByRole("link", { name: "Add a goal" }).count()).toBe(0);
      await page.getByRole("link", { name: goalTitle }).click();
      await expectHeading(page, goalTitle);
      expect((await page.getByRole("button").allInnerTexts()).map((t) => t.trim())).toEqual(["Sign out", "Go"]);
      expect(await page.locator("main form").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
