// The lead's flows in a real browser: invite someone and have them accept the one-time link; add, rename and
// archive a school; and a malformed invitation that shows its errors beside the fields.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectHeading,
  expectNoAxeViolations,
  mainNavLabels,
  newPage,
  randomSuffix,
  signIn,
  useServerAndBrowser,
} from "./support";

const env = useServerAndBrowser();

/** The error text shown for an input, found through its aria-describedby, and whether it sits in the same field. */
async function fieldError(page: Page, label: string) {
  const input = page.getByLabel(label, { exact: true });
  return input.evaluate((el) => {
    const ids = (el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
    const error = ids.map((id) => document.getElementById(id)).find((n) => n?.classList.contains("ck-field__error"));
    return {
      invalid: el.getAttribute("aria-invalid"),
      text: error?.textContent ?? null,
      besideField: Boolean(error && el.closest(".ck-field")?.contains(error)),
    };
  });
}

describe("inviting a person", () => {
  it("the lead invites a Maple school-team member who accepts the one-time link and lands on their home", async () => {
    const suffix = randomSuffix();
    const name = `Ines Vargas ${suffix}`;
    const email = `ines.${suffix}@maple.riverbend.example`;
    const password = `correct horse ${suffix}`;

    const lead = await newPage(env.browser, env.server.url);
    let link: string;
    try {
      await signIn(lead.page, "lead@riverbend.example");
      await lead.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
      await expectHeading(lead.page, "People");
      await lead.page.getByLabel("Name", { exact: true }).fill(name);
      await lead.page.getByLabel("Email", { exact: true }).fill(email);
      await lead.page.getByLabel("Role", { exact: true }).selectOption({ label: "School team" });
      await lead.page.getByRole("checkbox", { name: "Maple Elementary" }).check();
      await lead.page.getByRole("button", { name: "Create invitation" }).click();

      const notice = lead.page.getByRole("status").filter({ hasText: "is invited" });
      await notice.waitFor();
      await expect(notice.innerText()).resolves.toContain(name);
      link = (await lead.page.getByTestId("invite-link").innerText()).trim();
      expect(link).toMatch(new RegExp(`^${env.server.url.replace(/\./g, "\\.")}/invite/[A-Za-z0-9_-]{20,}$`));

      // The person is listed as invited, on Maple's team (once the list has revalidated after the action).
      const row = lead.page.getByRole("row").filter({ hasText: email });
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
      await expect(row.innerText()).resolves.toMatch(/School team[\s\S]*Maple Elementary[\s\S]*Invited/);
      await expectNoAxeViolations(lead.page, "/people with a fresh invitation");
    } finally {
      await lead.context.close();
    }

    // The invitee, in a browser that has never signed in.
    const invitee = await newPage(env.browser, env.server.url);
    try {
      const response = await invitee.page.goto(link);
      expect(response?.status()).toBe(200);
      await expectHeading(invitee.page, `Welcome, ${name}`);
      await expect(invitee.page.locator("main").innerText()).resolves.toContain(email);
      await expectNoAxeViolations(invitee.page, "the invitation page");

      // Too short a password is refused beside the field.
      await invitee.page.getByLabel("Password", { exact: true }).fill("short");
      await invitee.page.getByLabel("Repeat password", { exact: true }).fill("short");
      await invitee.page.getByRole("button", { name: "Accept and sign in" }).click();
      await expect.poll(() => fieldError(invitee.page, "Password").then((e) => e.text)).toBe("Use at least 12 characters.");
      expect(new URL(invitee.page.url()).pathname).toMatch(/^\/invite\//);

      await invitee.page.getByLabel("Password", { exact: true }).fill(password);
      await invitee.page.getByLabel("Repeat password", { exact: true }).fill(password);
      await invitee.page.getByRole("button", { name: "Accept and sign in" }).click();
      await invitee.page.waitForURL((url) => url.pathname === "/home");
      await expectHeading(invitee.page, "Welcome, Ines");
      expect(await mainNavLabels(invitee.page)).toEqual(["Home", "Cycles", "My school", "Data", "Student support", "Reports"]);
      await expect(invitee.page.getByRole("region", { name: "Your schools" }).innerText()).resolves.toContain("Maple Elementary");
      await expect(invitee.page.getByRole("banner").innerText()).resolves.toContain(name);

      // "My school" opens the list with only Maple in it.
      await invitee.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My school" }).click();
      await expectHeading(invitee.page, "Schools");
      await expect(invitee.page.getByRole("table", { name: "Active schools" }).locator("tbody tr").allInnerTexts()).resolves.toEqual([
        expect.stringContaining("Maple Elementary"),
      ]);
    } finally {
      await invitee.context.close();
    }

    // The link works once: a second visit, from anywhere, is refused.
    const again = await newPage(env.browser, env.server.url);
    try {
      const response = await again.page.goto(link);
      expect(response?.status()).toBe(404);
      await expect(again.page.getByRole("heading", { level: 1 }).innerText()).resolves.not.toContain("Welcome");
      await expect(again.page.getByLabel("Password", { exact: true }).count()).resolves.toBe(0);
      await expect(again.page.locator("main").innerText()).resolves.toMatch(/not valid|not found/i);
      // Replaying the form post is refused too, and does not sign anyone in.
      const replay = await again.page.request.post(link, {
        form: { password: "another password 123", confirmPassword: "another password 123" },
        headers: { origin: env.server.url },
        maxRedirects: 0,
      });
      expect(replay.status()).toBe(404);
      const home = await again.page.goto("/home");
      expect(home?.status()).toBe(200);
      expect(new URL(again.page.url()).pathname).toBe("/sign-in");
    } finally {
      await again.context.close();
    }

    // And the person can sign in with the password they chose.
    const later = await newPage(env.browser, env.server.url);
    try {
      await signIn(later.page, email, password);
      await expectHeading(later.page, "Welcome, Ines");
    } finally {
      await later.context.close();
    }
  });

  it("a malformed invitation shows each error beside its field and keeps what was typed", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/people");
      const rowsBefore = await page.locator("table tbody tr").count();

      await page.getByLabel("Name", { exact: true }).fill("   ");
      await page.getByLabel("Email", { exact: true }).fill("not-an-email");
      await page.getByLabel("Role", { exact: true }).selectOption({ label: "School team" });
      await page.getByRole("checkbox", { name: "Willow Park Elementary" }).check();
      await page.getByRole("checkbox", { name: "Can see student-level records" }).check();
      await page.getByRole("button", { name: "Create invitation" }).click();

      const alert = page.getByRole("alert");
      await alert.waitFor();
      await expect(alert.innerText()).resolves.toBe("Please correct the 2 highlighted fields.");

      const nameError = await fieldError(page, "Name");
      expect(nameError).toEqual({ invalid: "true", text: "Enter a name.", besideField: true });
      const emailError = await fieldError(page, "Email");
      expect(emailError).toEqual({ invalid: "true", text: "Enter an email address like name@school.org.", besideField: true });
      // Fields without errors are not marked.
      await expect(page.getByLabel("Role", { exact: true }).getAttribute("aria-invalid")).resolves.toBeNull();

      // What was typed is still there.
      await expect(page.getByLabel("Email", { exact: true }).inputValue()).resolves.toBe("not-an-email");
      await expect(page.getByLabel("Role", { exact: true }).inputValue()).resolves.toBe("school_team");
      await expect(page.getByRole("checkbox", { name: "Willow Park Elementary" }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole("checkbox", { name: "Maple Elementary" }).isChecked()).resolves.toBe(false);
      await expect(page.getByRole("checkbox", { name: "Can see student-level records" }).isChecked()).resolves.toBe(true);

      // Nothing was created.
      await expect(page.getByTestId("invite-link").count()).resolves.toBe(0);
      await expect(page.locator("table tbody tr").count()).resolves.toBe(rowsBefore);
      await expectNoAxeViolations(page, "/people with field errors");

      // A school-team member without a school is refused beside the school list, and the name is kept.
      await page.goto("/people");
      await page.getByLabel("Name", { exact: true }).fill("Nadia Schoolless");
      await page.getByLabel("Email", { exact: true }).fill(`nadia.${randomSuffix()}@riverbend.example`);
      await page.getByRole("button", { name: "Create invitation" }).click();
      const group = page.getByRole("group", { name: "Schools (for school team members)" });
      await expect.poll(() => group.locator(".ck-field__error").count()).toBe(1);
      await expect(group.locator(".ck-field__error").innerText()).resolves.toBe("A school team member needs at least one school.");
      await expect(page.getByLabel("Name", { exact: true }).inputValue()).resolves.toBe("Nadia Schoolless");
      await expect(page.getByTestId("invite-link").count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });

  it("the same malformed invitation without JavaScript renders the errors and the typed values from the server", async () => {
    const context = await env.browser.newContext({ baseURL: env.server.url, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto("/sign-in");
      await page.getByLabel("Email").fill("lead@riverbend.example");
      await page.getByLabel("Password").fill("cyclekeeper-demo");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/home");
      await page.goto("/people");
      await page.getByLabel("Name", { exact: true }).fill("");
      await page.getByLabel("Email", { exact: true }).fill("still@not");
      await page.getByRole("checkbox", { name: "Cedar Creek Elementary" }).check();
      await page.getByRole("button", { name: "Create invitation" }).click();
      await page.getByRole("alert").waitFor();
      expect((await fieldError(page, "Name")).text).toBe("Enter a name.");
      expect((await fieldError(page, "Email")).text).toBe("Enter an email address like name@school.org.");
      await expect(page.getByLabel("Email", { exact: true }).inputValue()).resolves.toBe("still@not");
      await expect(page.getByRole("checkbox", { name: "Cedar Creek Elementary" }).isChecked()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe("managing schools", () => {
  it("the lead adds a school, renames it and archives it", async () => {
    const suffix = randomSuffix();
    const original = `Birch Lane Academy ${suffix}`;
    const renamed = `Birchwood Academy ${suffix}`;
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/schools");
      await expect(page.locator(".ck-page-header p").innerText()).resolves.toBe("6 active schools");

      await page.getByLabel("School name", { exact: true }).fill(original);
      await page.getByLabel("Level", { exact: true }).selectOption({ label: "Middle" });
      await page.getByRole("button", { name: "Add school" }).click();
      await page.waitForURL(/\/schools\/[0-9a-f-]{36}\?added=1$/);
      await expectHeading(page, original);
      await expect(page.getByRole("status").innerText()).resolves.toBe("School added.");
      const schoolPath = new URL(page.url()).pathname;

      await page.getByLabel("School name", { exact: true }).fill(renamed);
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.waitForURL((url) => url.search === "?saved=1");
      await expectHeading(page, renamed);
      await expect(page.getByRole("status").innerText()).resolves.toBe("Changes saved.");
      await expect(page.getByLabel("Level", { exact: true }).inputValue()).resolves.toBe("middle");

      await page.goto("/schools");
      const active = page.getByRole("table", { name: "Active schools" });
      await expect(active.getByRole("link", { name: renamed }).count()).resolves.toBe(1);
      await expect(active.getByText(original, { exact: true }).count()).resolves.toBe(0);
      await expect(page.locator(".ck-page-header p").innerText()).resolves.toBe("7 active schools");

      await page.goto(schoolPath);
      await page.getByRole("button", { name: "Archive school" }).click();
      await page.waitForURL((url) => url.search === "?archived=1");
      await expect(page.getByRole("status").innerText()).resolves.toContain("School archived.");
      await expect(page.locator(".ck-page-header").innerText()).resolves.toContain("This school is archived.");
      await expect(page.getByRole("button", { name: "Restore school" }).count()).resolves.toBe(1);

      await page.goto("/schools");
      await expect(page.locator(".ck-page-header p").innerText()).resolves.toBe("6 active schools");
      await expect(page.getByRole("table", { name: "Active schools" }).getByText(renamed).count()).resolves.toBe(0);
      await expect(page.getByRole("table", { name: "Archived schools" }).getByRole("link", { name: renamed }).count()).resolves.toBe(1);
      // Gone from the switcher too.
      const options = await page.getByLabel("Go to school").locator("option").allInnerTexts();
      expect(options).not.toContain(renamed);
      expect(options).toHaveLength(7); // the placeholder and the six active schools
      await expectNoAxeViolations(page, "/schools with an archived school");
    } finally {
      await context.close();
    }
  });

  it("an empty school name is refused beside the field", async () => {
    const { context, page } = await newPage(env.browser, env.server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto("/schools");
      await page.getByLabel("School name", { exact: true }).fill("");
      await page.getByRole("button", { name: "Add school" }).click();
      await expect.poll(() => fieldError(page, "School name").then((e) => e.invalid)).toBe("true");
      const error = await fieldError(page, "School name");
      expect(error.besideField).toBe(true);
      expect(error.text).toBeTruthy();
      expect(new URL(page.url()).pathname).toBe("/schools");
      await expect(page.locator(".ck-page-header p").innerText()).resolves.toMatch(/^\d+ active schools?$/);
    } finally {
      await context.close();
    }
  });
});
