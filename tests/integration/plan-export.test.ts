// Downloading an action plan over HTTP against the real server: the files' shape and headers, who may download, and
// that a hostile link planted straight into the stored log never reaches any export, nor a goal block's forged words.
import { prosemirrorJSONToYDoc } from "@tiptap/y-tiptap";
import { and, desc, eq, max } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, docUpdates } from "#db/schema";
import { DOCUMENT_FIELD, editorSchema } from "~/editor/extensions";
import { isSafeHref } from "~/editor/links";
import { createDistrictCycle, getRubricBoard } from "~/modules/cycles/cycles.server";
import { createGoal } from "~/modules/cycles/goals.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { planSections } from "~/modules/plans/plan-template";
import { actorOf, makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { hostileHrefs } from "../security/hostile-hrefs";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
const text = { description: "", relevance: "", population: "", inclusiveNote: "", equityNote: "" };
const goalTitle = `Every school has an SEL team that meets monthly <b>"now"</b> & more`;

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let districtCycleId: string;
let schoolACycleId: string;
let schoolBCycleId: string;

async function signedIn(user: { email: string }) {
  const client = new TestClient(server.url);
  await client.signIn(user.email, TEST_PASSWORD);
  return client;
}

async function schoolCycleOf(schoolId: string) {
  const [row] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, districtCycleId), eq(cycles.schoolId, schoolId)));
  return row.id;
}

/** Every link target of an HTML file, as a browser reads it (attribute escapes undone). */
function htmlHrefs(html: string) {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database);
  const lead = actorOf(world.lead);
  districtCycleId = (await createDistrictCycle(database.db, lead, { startYear: 2026, ...dates })).id;
  const itemId = (await getRubricBoard(database.db, lead, districtCycleId)).focusAreas[0].items[0].id;
  await createGoal(database.db, lead, districtCycleId, {
    kind: "implementation",
    title: goalTitle,
    ...text,
    mirrorScope: "none",
    schoolIds: [],
    expectedVersion: null,
    rubricItemId: itemId,
    targetLevel: 3,
    targetCheckpoint: "endyear",
  });
  schoolACycleId = await schoolCycleOf(world.schoolA.id);
  schoolBCycleId = await schoolCycleOf(world.schoolB.id);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("downloading the plan", () => {
  it("gives the lead a standalone HTML page of the template, with the goal's current title, and records the download", async () => {
    const lead = await signedIn(world.lead);
    const res = await lead.get(`/cycles/${districtCycleId}/plan/export/html`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const slug = world.district.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${slug}-action-plan-2026-27.html"`);
    expect(res.headers.get("cache-control")).toBe("private, no-store");

    const html = res.text;
    expect(html.startsWith("<!doctype html>\n<html lang=\"en\">")).toBe(true);
    expect(html).toMatch(/<title>[^<]+ action plan 2026–27<\/title>/);
    expect(html).toContain("<style>");
    expect(html).toMatch(/<h1>[^<]*· Action plan 2026–27<\/h1>/);
    expect(html).toMatch(new RegExp(`<footer><p>Exported from Cyclekeeper on [A-Z][a-z]+ \\d{1,2}, \\d{4} by ${world.lead.name}</p></footer>`));
    const headings = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual([...planSections]);
    expect(html).toContain(`<strong class="goal-ref-title">Every school has an SEL team that meets monthly &lt;b&gt;"now"&lt;/b&gt; &amp; more</strong>`);
    expect(html).toContain("<p>When</p></th>");
    expect(html).not.toMatch(/contenteditable|ProseMirror|<script/i);
    expect(html).not.toMatch(/<(p|span|div|strong|td)(\s[^>]*)?\/>/);
    expect(html).toContain('<input type="checkbox" disabled aria-label="Not done">');

    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "plan.export")).orderBy(desc(auditEvents.at)).limit(1);
    expect(event).toMatchObject({ actorId: world.lead.id, districtId: world.district.id, entityType: "plan_document" });
    expect(event.details).toMatchObject({ cycleId: districtCycleId, startYear: 2026, format: "html" });
  });

  it("gives Markdown and plain text with the same content", async () => {
    const lead = await signedIn(world.lead);
    const md = await lead.get(`/cycles/${districtCycleId}/plan/export/md`);
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(md.headers.get("content-disposition")).toMatch(/^attachment; filename="[a-z0-9-]+-action-plan-2026-27\.md"$/);
    expect(md.headers.get("cache-control")).toBe("private, no-store");
    expect(md.text).toMatch(/^# .+ · Action plan 2026–27\n/);
    for (const section of planSections) expect(md.text).toContain(`\n## ${section}\n`);
    expect(md.text).toContain("> **Implementation goal:** Every school has an SEL team that meets monthly \\<b\\>\"now\"\\</b\\> & more — ");
    expect(md.text).toContain("| When ");
    expect(md.text).toContain("- [ ] Share the plan with all staff");
    expect(md.text).toContain(`_Exported from Cyclekeeper on `);

    const txt = await lead.get(`/cycles/${districtCycleId}/plan/export/txt`);
    expect(txt.status).toBe(200);
    expect(txt.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(txt.headers.get("content-disposition")).toMatch(/-action-plan-2026-27\.txt"$/);
    for (const section of planSections) expect(txt.text).toContain(`\n\n${section}\n\n`);
    expect(txt.text).toContain(`Implementation goal: ${goalTitle} (`);
    expect(txt.text).toContain("When | What happens | Who leads");
    expect(txt.text).toContain("[ ] Present the plan to the board");
    expect(txt.text).toContain(`Exported from Cyclekeeper on `);
    expect(txt.text).not.toMatch(/[<>]p>|\*\*|##/);
  });

  it("lets every reader download: the board, and a school team member the district's plan and their school's", async () => {
    const board = await signedIn(world.board);
    expect((await board.get(`/cycles/${districtCycleId}/plan/export/md`)).status).toBe(200);
    const principal = await signedIn(world.schoolTeam);
    expect((await principal.get(`/cycles/${districtCycleId}/plan/export/txt`)).status).toBe(200);
    // Their own school's plan did not exist yet: downloading it creates it from the template, with the school's name.
    const own = await principal.get(`/cycles/${schoolACycleId}/plan/export/txt`);
    expect(own.status).toBe(200);
    expect(own.text).toContain(`Action plan of ${world.schoolA.name} for 2026–27.`);
    expect(own.headers.get("content-disposition")).toMatch(/filename="alder-elementary-[a-z0-9-]+-action-plan-2026-27\.txt"/);
  });

  it("refuses a school team member another school's plan (403), another district (404), unknown formats and ids (404), and sends strangers to sign in", async () => {
    const principal = await signedIn(world.schoolTeam);
    expect((await principal.get(`/cycles/${schoolBCycleId}/plan/export/html`)).status).toBe(403);
    const stranger = await signedIn(other.lead);
    for (const format of ["html", "md", "txt"]) expect((await stranger.get(`/cycles/${districtCycleId}/plan/export/${format}`)).status).toBe(404);
    const lead = await signedIn(world.lead);
    expect((await lead.get(`/cycles/${districtCycleId}/plan/export/pdf`)).status).toBe(404);
    expect((await lead.get(`/cycles/${districtCycleId}/plan/export/HTML`)).status).toBe(404);
    expect((await lead.get(`/cycles/not-a-cycle/plan/export/html`)).status).toBe(404);
    const anonymous = await new TestClient(server.url).get(`/cycles/${districtCycleId}/plan/export/html`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toMatch(/^\/sign-in\?redirectTo=/);
  });
});

describe("goal blocks whose words a client forged", () => {
  it("show the server's words on the plan page and in every export: the cycle's goal by id, another district's as missing", async () => {
    const otherLead = actorOf(other.lead);
    const otherCycleId = (await createDistrictCycle(database.db, otherLead, { startYear: 2026, ...dates })).id;
    const otherItemId = (await getRubricBoard(database.db, otherLead, otherCycleId)).focusAreas[0].items[0].id;
    const otherGoal = await createGoal(database.db, otherLead, otherCycleId, {
      kind: "implementation",
      title: "Another district's secret goal",
      ...text,
      mirrorScope: "none",
      schoolIds: [],
      expectedVersion: null,
      rubricItemId: otherItemId,
      targetLevel: 3,
      targetCheckpoint: "endyear",
    });
    const [ours] = await database.query<{ id: string }>("select id from goal where cycle_id = $1", [districtCycleId]);
    const forged = (title: string) => ({ kind: "outcome", status: "met", kindLabel: "Outcome goal", title, statusLabel: "Met — approved by the app" });
    const blocks = [
      { type: "goalReference", attrs: { goalId: ours.id, frozen: forged("Forged title over our goal") } },
      { type: "goalReference", attrs: { goalId: otherGoal.id, frozen: forged("Forged title over another district's goal") } },
      { type: "goalReference", attrs: { goalId: "00000000-0000-4000-8000-000000000000", frozen: forged("Forged title over no goal") } },
    ];
    // As a plan editor's client would send them: straight into the document's log.
    const document = await ensurePlanDocument(database.db, actorOf(world.lead), districtCycleId);
    const ydoc = prosemirrorJSONToYDoc(editorSchema(), { type: "doc", content: blocks }, DOCUMENT_FIELD);
    const [{ last }] = await database.db.select({ last: max(docUpdates.seq) }).from(docUpdates).where(eq(docUpdates.documentId, document.id));
    await database.db.insert(docUpdates).values({ documentId: document.id, seq: (last ?? 0) + 1, update: Y.encodeStateAsUpdate(ydoc), userId: world.lead.id });

    const lead = await signedIn(world.lead);
    const page = await lead.get(`/cycles/${districtCycleId}/plan`);
    expect(page.status).toBe(200);
    const files = { page: page.text, ...Object.fromEntries(await Promise.all(["html", "md", "txt"].map(async (f) => [f, (await lead.get(`/cycles/${districtCycleId}/plan/export/${f}`)).text]))) };
    for (const [name, body] of Object.entries(files)) {
      expect(body, name).not.toMatch(/Forged title|approved by the app|secret goal/);
      expect(body, name).toMatch(/a goal that is no longer in this cycle/i);
    }
    // Our goal reads as the cycle has it now (the page and HTML escape its markup, Markdown and text keep its words).
    expect(files.html).toContain("Every school has an SEL team that meets monthly &lt;b&gt;");
    expect(files.txt).toContain("Every school has an SEL team that meets monthly");
    expect(files.md).toContain("Every school has an SEL team that meets monthly");
  });
});

describe("hostile links planted in the store", () => {
  it("never appear in any export, while allowed links do", async () => {
    const document = await ensurePlanDocument(database.db, actorOf(world.lead), schoolBCycleId);
    const paragraphs = [
      ...hostileHrefs.map((href, i) => ({ type: "paragraph", content: [{ type: "text", text: `planted ${i}`, marks: [{ type: "link", attrs: { href } }] }] })),
      { type: "paragraph", content: [{ type: "text", text: "the guide", marks: [{ type: "link", attrs: { href: "https://casel.org/guide" } }] }] },
    ];
    // Written straight into the log, the way a bug or an older rule could have let it in: the server's check is bypassed.
    const ydoc = prosemirrorJSONToYDoc(editorSchema(), { type: "doc", content: paragraphs }, DOCUMENT_FIELD);
    const [{ last }] = await database.db.select({ last: max(docUpdates.seq) }).from(docUpdates).where(eq(docUpdates.documentId, document.id));
    await database.db.insert(docUpdates).values({ documentId: document.id, seq: (last ?? 0) + 1, update: Y.encodeStateAsUpdate(ydoc), userId: world.lead.id });

    const lead = await signedIn(world.lead);
    const html = (await lead.get(`/cycles/${schoolBCycleId}/plan/export/html`)).text;
    const md = (await lead.get(`/cycles/${schoolBCycleId}/plan/export/md`)).text;
    const txt = (await lead.get(`/cycles/${schoolBCycleId}/plan/export/txt`)).text;
    for (const [i] of hostileHrefs.entries()) {
      expect(html).toContain(`<p>planted ${i}</p>`);
      expect(md).toContain(`\nplanted ${i}\n`);
      expect(txt).toContain(`\nplanted ${i}\n`);
    }
    expect(htmlHrefs(html)).toEqual(["https://casel.org/guide"]);
    expect([...md.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1])).toEqual(["https://casel.org/guide"]);
    for (const file of [html, md, txt]) expect(file).not.toMatch(/javascript|vbscript|data:text|evil\.example|file:\/\/|blob:/i);
    expect(htmlHrefs(html).every((href) => isSafeHref(href))).toBe(true);
  });
});
