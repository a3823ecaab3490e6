// `npm run bench:reports`: publishing a generated 200-school district's annual report, then its public page against
// /healthz on the same in-process production server in the same run. Prints a table, then (as its last line) one JSON
// object of figures whose `ratio` is public page req/s ÷ /healthz req/s.
//
//   BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS, BENCH_ACCEPT_ENCODING, BENCH_DATABASE_URL: as bench:dashboard
import "./production-mode";
import type { JSONContent } from "@tiptap/core";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { cycles, districts, docUpdates, planDocuments, publishedReports, reports, rubricScores, schools, users } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import type { Actor } from "~/modules/people/permissions";
import { generateReportContent } from "~/modules/reports/report-generate.server";
import { publishReport } from "~/modules/reports/reports.server";
import { updateFromJSON } from "~/editor/document";
import { DATA_BLOCK_NODE, dataBlockKinds } from "~/modules/reports/report-blocks";
import { ensureBuild } from "../../server/build";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { generateDistrict, measure, openBenchDatabase, round, table } from "./dashboard";

const TARGET_PUBLISH_MS = 5000;
const TARGET_RATIO = 0.5;
const REPORT_SLUG = "annual-report-2026-27";
const acceptEncoding = process.env.BENCH_ACCEPT_ENCODING || "gzip, deflate, br";

const p = (text: string): JSONContent => ({ type: "paragraph", content: [{ type: "text", text }] });
const cell = (type: "tableHeader" | "tableCell", text: string): JSONContent => ({ type, content: [p(text)] });

/**
 * The draft a team would publish: the generated sections, one data block of every kind, and a per-school table of
 * rubric averages (200 rows) so the page and PDF are as large as a real district's full report.
 */
async function buildDraft(db: Database, actor: Actor, cycleId: string): Promise<JSONContent> {
  const generated = await generateReportContent(db, actor, cycleId, { audience: "board", language: "en" });
  const perSchool = await db
    .select({
      name: schools.name,
      baseline: sql<string>`round(avg(${rubricScores.level}) filter (where ${rubricScores.checkpoint} = 'baseline'), 2)::text`,
      endyear: sql<string>`round(avg(${rubricScores.level}) filter (where ${rubricScores.checkpoint} = 'endyear'), 2)::text`,
    })
    .from(rubricScores)
    .innerJoin(cycles, eq(cycles.id, rubricScores.cycleId))
    .innerJoin(schools, eq(schools.id, cycles.schoolId))
    .where(eq(cycles.districtCycleId, cycleId))
    .groupBy(schools.name)
    .orderBy(schools.name);
  const blocks = dataBlockKinds.map((kind) => ({ type: DATA_BLOCK_NODE, attrs: { query: { kind, cycleId, options: {} }, note: `About the ${kind} block.`, frozen: null } }));
  const schoolTable: JSONContent = {
    type: "table",
    content: [
      { type: "tableRow", content: [cell("tableHeader", "School"), cell("tableHeader", "Baseline average"), cell("tableHeader", "End-of-year average")] },
      ...perSchool.map((row) => ({ type: "tableRow", content: [cell("tableCell", row.name), cell("tableCell", row.baseline), cell("tableCell", row.endyear)] })),
    ],
  };
  return {
    type: "doc",
    content: [
      ...(generated.content ?? []),
      ...blocks,
      { type: "heading", attrs: { level: 3 }, content: [{ type: "text", text: "Rubric averages by school" }] },
      p("Each school's average level across the sixteen rubric items, at the baseline and at the end of the year."),
      schoolTable,
    ],
  };
}

/**
 * The draft as the team leaves it: a report in review whose collaborative document holds `content` as its log's first
 * entry, exactly as createReport stores a generated draft (here with the bench's larger content).
 */
async function storeBenchDraft(db: Database, actor: Actor, cycleId: string, content: JSONContent) {
  return db.transaction(async (tx) => {
    const [document] = await tx.insert(planDocuments).values({ districtId: actor.districtId, cycleId, kind: "report", createdBy: actor.id }).returning();
    await tx.insert(docUpdates).values({ documentId: document.id, seq: 1, update: updateFromJSON(content), userId: null });
    const reportId = crypto.randomUUID();
    const [report] = await tx
      .insert(reports)
      .values({ id: reportId, districtId: actor.districtId, cycleId, documentId: document.id, title: "Annual report 2026–27", slug: REPORT_SLUG, audience: "board", language: "en", translationGroupId: reportId, state: "in_review", createdBy: actor.id })
      .returning();
    return report;
  });
}

/** THE publish step: the workflow's own publishReport (freeze the blocks, render and sanitise, make the PDF, store the version). */
export async function publishBenchReport(db: Database, actor: Actor, reportId: string, expectedVersion: number) {
  const { version } = await publishReport(db, actor, reportId, { expectedVersion });
  const [row] = await db.select({ html: publishedReports.html, pdf: publishedReports.pdf }).from(publishedReports).where(eq(publishedReports.id, version.id));
  return { publishedId: version.id, htmlBytes: Buffer.byteLength(row.html), pdfBytes: row.pdf?.length ?? 0 };
}

async function main() {
  process.stderr.write("bench:reports: checking the production build…\n");
  if (ensureBuild()) process.stderr.write("bench:reports: built the app\n");
  const { handle, label: databaseLabel } = await openBenchDatabase();
  let server: TestServer | undefined;
  let closed = false;
  try {
    await handle.migrate();
    await ensureCatalog(handle.db);
    const generated = await generateDistrict(handle.db);
    await handle.query("analyze");
    const [district] = await handle.db.select().from(districts).where(eq(districts.slug, "benchmark"));
    const [lead] = await handle.db.select().from(users).where(and(eq(users.districtId, district.id), eq(users.role, "district_lead")));
    const actor: Actor = { id: lead.id, districtId: district.id, role: lead.role, studentRecords: lead.studentRecords, schoolIds: [] };

    const draft = await buildDraft(handle.db, actor, generated.districtCycleId);
    const stored = await storeBenchDraft(handle.db, actor, generated.districtCycleId, draft);
    const started = performance.now();
    const published = await publishBenchReport(handle.db, actor, stored.id, stored.version);
    const publishMs = performance.now() - started;
    process.stderr.write(`bench:reports: published in ${Math.round(publishMs)} ms (${round(published.htmlBytes / 1024)} KiB HTML, ${round(published.pdfBytes / 1024)} KiB PDF)\n`);

    server = await startTestServer(handle);
    const client = new TestClient(server.url);
    const pagePath = `/r/${district.slug}/${REPORT_SLUG}`;
    const page = await client.get(pagePath);
    if (page.status !== 200 || !page.text.includes("Rubric averages by school")) throw new Error(`GET ${pagePath} answered ${page.status}: ${page.text.slice(0, 300)}`);
    const rows = (page.text.match(/<tr>/g) ?? []).length;
    if (rows < 200) throw new Error(`the public page shows ${rows} table rows, expected at least 200`);
    if (page.headers.get("set-cookie")) throw new Error("the public page set a cookie");
    const headers = { "accept-encoding": acceptEncoding };
    const healthz = await measure(server.url, "/healthz", headers);
    const report = await measure(server.url, pagePath, headers);
    const ratio = report.rps / healthz.rps;
    const targetsMet = { publish: publishMs < TARGET_PUBLISH_MS, ratio: ratio >= TARGET_RATIO };
    const mark = (ok: boolean) => (ok ? "met" : "NOT met");
    console.log(
      [
        "",
        `Cyclekeeper public report benchmark — ${databaseLabel}, Node ${process.version}, ${os.cpus().length} CPUs`,
        `District: 200 schools, ${generated.scores} rubric scores, ${generated.goals} goals; report HTML ${round(published.htmlBytes / 1024)} KiB, PDF ${round(published.pdfBytes / 1024)} KiB`,
        `Publish (freeze, render, sanitise, PDF, store): ${Math.round(publishMs)} ms   (target < ${TARGET_PUBLISH_MS} ms: ${mark(targetsMet.publish)})`,
        "",
        table([
          ["URL", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "requests", "wire KiB/resp", "CPU ms/req"],
          ...[healthz, report].map((r) => [
            r.path,
            round(r.rps).toFixed(1),
            r.p50.toFixed(1),
            r.p95.toFixed(1),
            r.p99.toFixed(1),
            r.max.toFixed(1),
            String(r.completed),
            (r.bytesPerResponse / 1024).toFixed(1),
            r.cpuMsPerRequest === null ? "–" : r.cpuMsPerRequest.toFixed(2),
          ]),
        ]),
        "",
        `Ratio public page ÷ /healthz req/s: ${ratio.toFixed(4)}   (target ≥ ${TARGET_RATIO}: ${mark(targetsMet.ratio)})`,
        "",
      ].join("\n"),
    );
    const figures = {
      publishMs: Math.round(publishMs),
      pageRps: round(report.rps, 2),
      healthzRps: round(healthz.rps, 2),
      p95s: { page: round(report.p95), healthz: round(healthz.p95) },
      htmlKiB: round(published.htmlBytes / 1024),
      pdfKiB: round(published.pdfBytes / 1024),
      driver: handle.kind,
      ratio: round(ratio, 4),
      targetsMet,
    };
    await server.close();
    server = undefined;
    closed = true;
    await handle.close();
    console.log(JSON.stringify(figures));
  } finally {
    if (server) await server.close().catch(() => {});
    if (!closed) await handle.close().catch(() => {});
  }
}

main().catch((error) => {
  console.error(`bench:reports failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
