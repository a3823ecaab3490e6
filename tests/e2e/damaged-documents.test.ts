// A damaged action plan and a report draft's history in a real browser, on the production server: the plan page names
// the damaged plan and restores its last good version from the keyboard; a report's editor opens the draft's history,
// reads a past version and restores it. axe-clean, screenshots at 1366 and 390 px, no sideways scroll on a phone.
import fs from "node:fs";
import path from "node:path";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Page } from "playwright-core";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { openDatabase } from "#db/client.server";
import { cycles, docUpdates, docVersions, reports, schools, users } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import { seedDemo } from "#db/seed/demo.server";
import { readConfig } from "~/config";
import { loadPlanState } from "~/modules/plans/plan-content.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { createSession, findSessionUser } from "~/modules/people/session.server";
import { artifactsDir, expectHeading, expectNoAxeViolations, freshDataDir, launchBrowser, newPage, removeTempDirs, signIn, startServer, type ServerProcess } from "./support";

const shotsDir = path.join(artifactsDir, "screenshots");

/** Full-page screenshots at a laptop's and a phone's width, and no sideways scroll on the phone. */
async function shootBothWidths(page: Page, name: string) {
  fs.mkdirSync(shotsDir, { recursive: true });
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(shotsDir, `${name}-${width}.png`), fullPage: true });
    if (width === 390) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Appends one change to a document's log, as the collaboration server stores one. */
async function appendChange(database: Awaited<ReturnType<typeof openDatabase>>, documentId: string, userId: string, change: (fragment: Y.XmlFragment) => void) {
  const stored = await loadPlanState(database.db, documentId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, stored.state);
  let update: Uint8Array | null = null;
  doc.on("update", (u: Uint8Array) => (update = u));
  doc.transact(() => change(doc.getXmlFragment("default")));
  const [last] = await database.db.select({ seq: docUpdates.seq }).from(docUpdates).where(eq(docUpdates.documentId, documentId)).orderBy(desc(docUpdates.seq)).limit(1);
  await database.db.insert(docUpdates).values({ documentId, seq: Math.max(last?.seq ?? 0, stored.seq) + 1, update: update!, userId, clientId: doc.clientID });
  doc.destroy();
}

const paragraph = (text: string) => (fragment: Y.XmlFragment) => {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  fragment.push([p]);
};

interface Prepared {
  dataDir: string;
  schoolName: string;
  schoolCycleId: string;
  reportId: string;
  reportTitle: string;
}

/**
 * The demo district, then — before the server starts — a school's plan saved as a named version and damaged by a bare
 * text at its top level, and a report draft saved as a version before one more paragraph.
 */
async function prepare(): Promise<Prepared> {
  const dataDir = freshDataDir("damaged");
  const config = readConfig({ NODE_ENV: "production" });
  const database = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
  try {
    await database.migrate();
    await ensureCatalog(database.db);
    await seedDemo(database.db);
    const [leadRow] = await database.db.select().from(users).where(eq(users.email, "lead@riverbend.example"));
    const lead = (await findSessionUser(database.db, await createSession(database.db, leadRow.id, config), config))!;
    const [school] = await database.db
      .select({ cycleId: cycles.id, name: schools.name })
      .from(cycles)
      .innerJoin(schools, eq(schools.id, cycles.schoolId))
      .where(and(eq(cycles.districtId, lead.districtId), eq(cycles.startYear, 2026)))
      .orderBy(schools.name)
      .limit(1);
    const plan = await ensurePlanDocument(database.db, lead, school.cycleId);
    await appendChange(database, plan.id, lead.id, paragraph("Agreed by the school team in September."));
    const good = await loadPlanState(database.db, plan.id);
    await database.db.insert(docVersions).values({ documentId: plan.id, kind: "named", name: "Approved by the school team", state: good.state, seq: good.seq, createdBy: lead.id });
    await appendChange(database, plan.id, lead.id, (fragment) => fragment.push([new Y.XmlText("Typed outside any paragraph")]));

    const [report] = await database.db
      .select()
      .from(reports)
      .where(and(eq(reports.districtId, lead.districtId), isNull(reports.schoolId), inArray(reports.state, ["draft", "in_review"])))
      .limit(1);
    const draft = await loadPlanState(database.db, report.documentId);
    await database.db.insert(docVersions).values({ documentId: report.documentId, kind: "named", name: "Sent to the board", state: draft.state, seq: draft.seq, createdBy: lead.id });
    await appendChange(database, report.documentId, lead.id, paragraph("A paragraph written after the board read it."));
    return { dataDir, schoolName: school.name, schoolCycleId: school.cycleId, reportId: report.id, reportTitle: report.title };
  } finally {
    await database.close();
  }
}

let prepared: Prepared;
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  prepared = await prepare();
  [server, browser] = await Promise.all([startServer({ dataDir: prepared.dataDir }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  removeTempDirs();
});

describe("damaged documents in the browser", () => {
  it("names a damaged plan, offers its last good version and restores it from the keyboard", async () => {
    const { context, page } = await newPage(browser, server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto(`/cycles/${prepared.schoolCycleId}/plan`);
      await expectHeading(page, "Action plan");
      const notice = page.getByRole("region", { name: `${prepared.schoolName}’s action plan for 2026–27 cannot be shown` });
      await notice.waitFor();
      await notice.getByText("it holds text outside any paragraph or heading").waitFor();
      await notice.getByRole("link", { name: "“Approved by the school team”" }).waitFor();
      // No editor is opened on it.
      expect(await page.locator(".ProseMirror").count()).toBe(0);
      await expectNoAxeViolations(page, "damaged plan");
      await shootBothWidths(page, "plan-damaged");

      const restore = notice.getByRole("button", { name: "Restore the last good version" });
      await restore.focus();
      await page.keyboard.press("Enter");
      await page.getByText("The last good version was restored as a new change.").waitFor();
      await page.locator(".ProseMirror", { hasText: "Agreed by the school team in September." }).waitFor();
      expect(await page.getByRole("region", { name: /cannot be shown/ }).count()).toBe(0);
      await expectNoAxeViolations(page, "restored plan");

      await page.goto(`/cycles/${prepared.schoolCycleId}/plan/history`);
      await page.getByRole("link", { name: "Before restoring “Approved by the school team”" }).click();
      await page.getByText("This version is damaged, so it is not shown and cannot be restored").waitFor();
      await expectNoAxeViolations(page, "damaged version");
    } finally {
      await context.close();
    }
  });

  it("opens a report draft's history from the report and restores a past version after confirming", async () => {
    const { context, page } = await newPage(browser, server.url);
    try {
      await signIn(page, "lead@riverbend.example");
      await page.goto(`/reports/${prepared.reportId}`);
      await page.getByRole("link", { name: "Versions of the draft" }).click();
      await expectHeading(page, `Draft history: ${prepared.reportTitle}`);
      const versions = page.getByRole("table", { name: /Versions of the report's draft/ });
      await versions.getByRole("link", { name: "Sent to the board" }).waitFor();
      await expectNoAxeViolations(page, "report history");
      await shootBothWidths(page, "report-history");

      await versions.getByRole("link", { name: "Sent to the board" }).click();
      await expectHeading(page, "Past version: Sent to the board");
      expect(await page.locator("article").textContent()).not.toContain("A paragraph written after the board read it.");
      await page.getByRole("link", { name: "Restore this version…" }).click();
      await page.getByRole("heading", { name: "Restore this version?" }).waitFor();
      await expectNoAxeViolations(page, "report version, confirming");
      await shootBothWidths(page, "report-version-restore");
      await page.getByRole("button", { name: "Yes, restore this version" }).click();
      await expectHeading(page, `Draft history: ${prepared.reportTitle}`);
      await page.getByText("Version restored as a new change.").waitFor();
      await versions.getByRole("link", { name: "Before restoring “Sent to the board”" }).waitFor();

      await page.goto(`/reports/${prepared.reportId}`);
      await page.locator(".ProseMirror").first().waitFor();
      expect(await page.getByText("A paragraph written after the board read it.").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
