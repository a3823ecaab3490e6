// A weekly data meeting at Maple Elementary in a real browser: a newly flagged student gets a mentoring plan and two
// weekly check-ins, the next week's indicators are imported, and the school rates update; with a second plan open, a
// failed check-in shows on its own plan's form only. Axe on every page.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectHeading, expectNoAxeViolations, newPage, signIn, useServerAndBrowser } from "./support";

const env = useServerAndBrowser();

const rate = (page: Page, measure: string) => page.locator(`#school-rates td[data-measure="${measure}"][data-term="fall"]`).innerText();
const percent = (text: string) => Number(text.replace(/[^\d.]/g, ""));

describe("weekly data meeting", () => {
  it("plans for a newly flagged student, checks in twice, and sees the school rates move with the next week's data", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "principal@maple.riverbend.example");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Student support" }).click();
      await expectHeading(page, "Weekly data meetings");
      await expectNoAxeViolations(page, "/students");
      await page.getByRole("link", { name: "Maple Elementary" }).click();
      await expectHeading(page, "Weekly meeting — Maple Elementary");
      await expectNoAxeViolations(page, "weekly meeting");

      // A student flagged this week for the first time, with no plan yet.
      const fresh = page.locator("#meeting tbody tr").filter({ hasText: "New" }).filter({ hasText: "None" }).first();
      const name = (await fresh.locator("th a").innerText()).trim();
      const chronicBefore = percent(await rate(page, "chronic-absenteeism-rate"));
      const failingBefore = percent(await rate(page, "course-failure-rate"));
      await fresh.locator("th a").click();
      await expectHeading(page, name);
      const studentPath = new URL(page.url()).pathname;
      // Opaque ids only: the district's student id never appears in the address.
      expect(studentPath).toMatch(/^\/students\/[0-9a-f-]{36}$/);
      await expectNoAxeViolations(page, "student page");

      // The plan: an older-student mentor, owned by the principal.
      const planForm = page.getByRole("form", { name: "Start a plan" });
      await planForm.getByLabel("Intervention").selectOption({ label: "Older-student mentor" });
      await planForm.getByLabel("Owner").selectOption({ label: "Grace Lindqvist" });
      await planForm.getByLabel("Start date").fill("2026-11-23");
      await planForm.getByLabel("Goal for the student").fill("Comes to school four days a week and meets the mentor every Tuesday.");
      await planForm.getByRole("button", { name: "Start plan" }).click();
      await page.getByRole("status").filter({ hasText: "Plan started." }).waitFor();

      for (const [week, rating, note] of [
        ["2026-11-23", "2 — Some progress", "Met the mentor once; late twice."],
        ["2026-11-30", "3 — Good progress", "Four days in school; talked about the bus."],
      ] as const) {
        const checkIn = page.getByRole("form", { name: "Check in on Older-student mentor" });
        await checkIn.getByLabel("Week of").fill(week);
        await checkIn.getByLabel("Progress").selectOption({ label: rating });
        await checkIn.getByLabel("Check-in note").fill(note);
        await checkIn.getByRole("button", { name: "Record check-in" }).click();
        await page.getByRole("row").filter({ hasText: note }).waitFor();
      }
      const checkIns = page.getByRole("table", { name: "Weekly check-ins" }).locator("tbody tr");
      await expect.poll(() => checkIns.count()).toBe(2);
      await expect(checkIns.nth(1).innerText()).resolves.toMatch(/2026-11-30\s+Good progress/);
      await expectNoAxeViolations(page, "student page with a plan");

      // The family's copy of the record carries the district's id, which the next import needs.
      const exported = await page.request.get(`${studentPath}/export`);
      expect(exported.status()).toBe(200);
      const localId = /student,,student id,([^\r\n]+)/.exec(await exported.text())?.[1];
      expect(localId).toMatch(/^MPL-\d+$/);

      // Next week: the student is in every day and passing; the import goes through preview and confirm.
      await page.goto(`${new URL(page.url()).origin}${studentPath}`);
      await page.getByRole("link", { name: "Weekly meeting" }).first().click();
      await expectHeading(page, "Weekly meeting — Maple Elementary");
      await page.getByRole("navigation", { name: "Student support" }).getByRole("link", { name: "Import" }).click();
      await expectHeading(page, "Import — Maple Elementary");
      await expectNoAxeViolations(page, "import page");
      await page.getByLabel("Weekly indicators CSV file").setInputFiles({
        name: "week-2026-11-30.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(`student_id,week_of,days_enrolled,days_absent,courses_failing,behaviour_incidents,sel_score,trusted_adult\r\n${localId},2026-11-30,75,0,0,0,,yes\r\n`),
      });
      await page.getByRole("button", { name: "Check weekly indicators" }).click();
      await page.getByRole("heading", { name: "Preview of week-2026-11-30.csv" }).waitFor();
      await expectNoAxeViolations(page, "import preview");
      await page.getByRole("button", { name: "Import 1 rows" }).click();
      await page.getByRole("status").filter({ hasText: "Imported 1 indicator rows" }).waitFor();

      await page.getByRole("navigation", { name: "Student support" }).getByRole("link", { name: "Weekly meeting" }).click();
      await expectHeading(page, "Weekly meeting — Maple Elementary");
      await expect(page.locator("#week").inputValue()).resolves.toBe("2026-11-30");
      const row = page.locator("#meeting tbody tr").filter({ hasText: name });
      await expect(row.innerText()).resolves.toMatch(/Older-student mentor[\s\S]*Grace Lindqvist · Good progress/);
      const chronicAfter = percent(await rate(page, "chronic-absenteeism-rate"));
      const failingAfter = percent(await rate(page, "course-failure-rate"));
      // The student was flagged for absence or a failing course; one of the two rates falls, neither rises.
      expect(chronicAfter).toBeLessThanOrEqual(chronicBefore);
      expect(failingAfter).toBeLessThanOrEqual(failingBefore);
      expect(chronicAfter + failingAfter).toBeLessThan(chronicBefore + failingBefore);
      await page.screenshot({ path: "tests/.artifacts/student-support-meeting.png", fullPage: true });
      await expectNoAxeViolations(page, "weekly meeting after the import");

      // A second open plan: a check-in sent without a rating is answered on the tutoring plan's form only, the cursor
      // in its first field in error, and the mentor plan's form stays as it was.
      await page.goto(`${new URL(page.url()).origin}${studentPath}`);
      await expectHeading(page, name);
      const secondPlan = page.getByRole("form", { name: "Start a plan" });
      await secondPlan.getByLabel("Intervention").selectOption({ label: "Tutoring" });
      await secondPlan.getByLabel("Owner").selectOption({ label: "Grace Lindqvist" });
      await secondPlan.getByLabel("Start date").fill("2026-11-30");
      await secondPlan.getByLabel("Goal for the student").fill("Passes the fractions unit by the winter break.");
      await secondPlan.getByRole("button", { name: "Start plan" }).click();
      await page.getByRole("status").filter({ hasText: "Plan started." }).waitFor();
      const tutoring = page.getByRole("form", { name: "Check in on Tutoring" });
      const mentor = page.getByRole("form", { name: "Check in on Older-student mentor" });
      await mentor.getByLabel("Check-in note").fill("Half-typed for the mentor");
      await tutoring.getByLabel("Check-in note").fill("Worked through two worksheets.");
      await tutoring.getByRole("button", { name: "Record check-in" }).click();
      await tutoring.getByText("Choose a progress rating.").waitFor();
      await expect(page.getByText("Choose a progress rating.").count()).resolves.toBe(1);
      await expect(page.getByRole("status").count(), "no success message beside the failure").resolves.toBe(0);
      await expect(tutoring.getByLabel("Progress").evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await expect(tutoring.getByLabel("Check-in note").inputValue()).resolves.toBe("Worked through two worksheets.");
      await expect(mentor.locator('.ck-field__error, [aria-invalid="true"]').count()).resolves.toBe(0);
      await expect(mentor.getByLabel("Check-in note").inputValue()).resolves.toBe("Half-typed for the mentor");
      await page.screenshot({ path: "tests/.artifacts/student-support-check-in-error.png", fullPage: true });
      await expectNoAxeViolations(page, "student page with a failed check-in");
      // Corrected and sent again: recorded, and the form starts empty for next week.
      await tutoring.getByLabel("Progress").selectOption({ label: "3 — Good progress" });
      await tutoring.getByRole("button", { name: "Record check-in" }).click();
      await page.getByRole("row").filter({ hasText: "Worked through two worksheets." }).waitFor();
      await expect(tutoring.getByLabel("Check-in note").inputValue()).resolves.toBe("");
      await expect(page.getByText("Choose a progress rating.").count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe("the lead's student support pages", () => {
  it("reviews the access log, the settings and Maple's relationship map, retires an intervention, all accessible", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Student support" }).click();
      await expectHeading(page, "Weekly data meetings");
      await page.getByRole("main").getByRole("link", { name: "Maple Elementary" }).click();
      await expectHeading(page, "Weekly meeting — Maple Elementary");
      const meetingUrl = page.url();
      await page.getByRole("navigation", { name: "Student support" }).getByRole("link", { name: "Relationship map" }).click();
      await expectHeading(page, "Relationship map — Maple Elementary");
      await expect(page.locator("#relationship-trend tbody tr").count()).resolves.toBeGreaterThan(2);
      await expectNoAxeViolations(page, "relationship map");
      await page.goto(`${env.server.url}/students/access-log`);
      await expectHeading(page, "Student record access log");
      // The lead's own views just now are at the top.
      await expect(page.locator("#access-log tbody tr").first().innerText()).resolves.toMatch(/Dana Okafor\s+Listed[\s\S]*relationship map/);
      await expectNoAxeViolations(page, "access log");
      await page.goto(`${env.server.url}/students/settings`);
      await expectHeading(page, "Thresholds, retention and interventions");

      // The district stops using check-in/check-out: retired, it leaves the plan form, and the plan that used it keeps it.
      const retired = "Check-in/check-out with an adult";
      await page.getByRole("link", { name: `Edit ${retired}` }).click();
      await expectHeading(page, `Edit “${retired}”`);
      await expectNoAxeViolations(page, "intervention edit page");
      await page.getByRole("button", { name: `Retire “${retired}”` }).click();
      await page.getByRole("status").filter({ hasText: "Intervention retired" }).waitFor();
      await expect(page.getByRole("row", { name: new RegExp(retired) }).innerText()).resolves.toContain("Retired");
      await expectNoAxeViolations(page, "student support settings");
      await page.goto(meetingUrl);
      await page.locator("#meeting tbody tr").filter({ hasText: retired }).locator("th a").click();
      await page.getByRole("heading", { level: 3, name: new RegExp(`^${retired}`) }).waitFor();
      const offered = await page.getByRole("form", { name: "Start a plan" }).getByLabel("Intervention").locator("option").allInnerTexts();
      expect(offered).toContain("Older-student mentor");
      expect(offered).not.toContain(retired);
    } finally {
      await context.close();
    }
  });
});
