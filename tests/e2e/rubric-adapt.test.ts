// The rubric adapted in a real browser: the lead rewords a descriptor and adds the district's own item, publishes
// into the open cycles, and a school's rubric shows the new item and its older score marked as given under version 1.
import type { Locator } from "playwright-core";
import { describe, it } from "vitest";
import { expectHeading, expectNoAxeViolations, newPage, signIn, useServerAndBrowser } from "./support";

const shown = (locator: Locator) => locator.first().waitFor({ state: "visible" });

const env = useServerAndBrowser();

describe("adapting the rubric", () => {
  it("the lead rewords a descriptor, adds an item and publishes into the open cycles", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      await expectHeading(page, "Settings");
      await page.getByRole("link", { name: "Adapt the rubric and see its versions" }).click();
      await expectHeading(page, "Implementation rubric");
      await shown(page.getByRole("heading", { name: "Version 1 (current)" }));
      await page.getByRole("button", { name: "Adapt the rubric" }).click();
      await expectHeading(page, "Draft rubric version 2");
      await expectNoAxeViolations(page, "draft rubric editor");

      await page.getByRole("link", { name: "Edit “Staff trust and community”" }).click();
      await expectHeading(page, "Edit “Staff trust and community”");
      await page.getByLabel("Level 2 — Partially planned and implemented").fill("Some staff meet to build trust; routines are not yet shared across the school.");
      await page.getByRole("button", { name: "Save item" }).click();
      await expectHeading(page, "Draft rubric version 2");
      await shown(page.getByText("Item saved in the draft."));
      await shown(page.getByText("Reworded “Staff trust and community” (level 2)"));

      // Adding with a descriptor missing says which one, and keeps what was typed.
      await page.getByLabel("Focus area", { exact: true }).selectOption({ label: "Focus area 3: Promote SEL for students" });
      await page.getByLabel("Title").fill("Family SEL nights");
      await page.getByLabel("Level 1 — Not yet planned or implemented").fill("No family SEL events are held.");
      await page.getByLabel("Level 2 — Partially planned and implemented").fill("One family SEL event a year.");
      await page.getByLabel("Level 3 — Mostly planned and implemented").fill("Family SEL events each term.");
      await page.getByRole("button", { name: "Add item" }).click();
      await shown(page.getByText("Describe level 4 (fully planned and implemented)."));
      await page.getByLabel("Level 4 — Fully planned and implemented").fill("Monthly family SEL nights, planned with families.");
      await page.getByRole("button", { name: "Add item" }).click();
      await shown(page.getByText("Item added to the draft."));
      await shown(page.getByRole("row", { name: /Family SEL nights.*Added/ }));
      await expectNoAxeViolations(page, "draft rubric editor with changes");

      await page.getByLabel("What changed and why").fill("Staff trust level 2 now says what partial looks like; family SEL nights added at parents' request.");
      await page.getByLabel("Use version 2 in the open cycles now").check();
      await page.getByRole("button", { name: "Publish version 2" }).click();
      await expectHeading(page, "Implementation rubric");
      await shown(page.getByText("Version 2 published and now used by 7 open cycles."));
      await shown(page.getByRole("heading", { name: "Version 2 (current)" }));
      await shown(page.getByRole("link", { name: "Version 1" }));
      await expectNoAxeViolations(page, "rubric versions page");
      await page.getByRole("link", { name: "Version 1" }).click();
      await expectHeading(page, "Rubric version 1");
      await shown(page.getByText("Partially planned and implemented: some teams work on trust, unevenly across schools."));
      await expectNoAxeViolations(page, "rubric version 1 page");
    } finally {
      await context.close();
    }
  });

  it("the principal's rubric shows the new item, and the old score as given under version 1 with last year beside it", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "principal@maple.riverbend.example");
      await page.goto("/cycles");
      await page.getByRole("link", { name: "Maple Elementary" }).first().click();
      await expectHeading(page, "Cycle overview");
      await page.getByRole("navigation", { name: "This cycle" }).getByRole("link", { name: "Implementation rubric" }).click();
      await expectHeading(page, "Implementation rubric");
      await shown(page.getByText("Scored against the district's rubric version 2."));
      await shown(page.getByRole("row", { name: /Family SEL nights/ }));
      await shown(page.getByRole("row", { name: /Staff trust and community.*scored under version 1/ }));
      await shown(page.getByRole("columnheader", { name: "Last year (2025–26)" }));

      await page.getByRole("link", { name: "Staff trust and community" }).click();
      await expectHeading(page, "Staff trust and community");
      await shown(page.getByText("Scored under version 1"));
      await shown(page.getByText("Partially planned and implemented: some teams work on trust, unevenly across schools.").first());
      await shown(page.getByRole("heading", { name: "2025–26 cycle (closed)" }));
      await expectNoAxeViolations(page, "rubric item with history");
    } finally {
      await context.close();
    }
  });
});
