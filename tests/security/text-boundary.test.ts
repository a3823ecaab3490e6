// Proves the text rule over real HTTP (ADR 0030): a NUL in any form field is dropped, never a 500; a NUL anywhere in a
// CSV file (past its first 4 KiB too) refuses the file naming the line; names and titles lose bidi controls; and
// nothing a request or a file carried reaches the log.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { importFields } from "~/modules/data/import";
import { createReport, submitForReview } from "~/modules/reports/reports.server";
import { ensureInterventionCatalog, listInterventionCatalog } from "~/modules/students/students.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { signedIn } from "./helpers";

let database: TestDatabase;
let server: TestServer;
let district: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let lead: TestClient;
let recordsTeam: TestClient;
let cycleId: string;
let reportId: string;
let catalogItemId: string;

/** A marker that only the files and forms below carry: if it shows up in the log, content leaked. */
const MARKER = "Zephyrine-Quillfeather";

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  district = await makeDistrictWithPeople(database.db);
  const records = await makeUser(database.db, district.district.id, "district_team", { studentRecords: true });
  server = await startTestServer(database);
  lead = await signedIn(server, district.lead.email);
  recordsTeam = await signedIn(server, records.email, TEST_PASSWORD);
  const leadActor = actorOf(district.lead);
  const cycle = await createDistrictCycle(database.db, leadActor, { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" });
  cycleId = cycle.id;
  const report = await createReport(database.db, leadActor, cycleId, { audience: "board", language: "en", title: "Text rule report" });
  await submitForReview(database.db, leadActor, report.id, { expectedVersion: 1 });
  reportId = report.id;
  await ensureInterventionCatalog(database.db, district.district.id);
  catalogItemId = (await listInterventionCatalog(database.db, district.district.id)).find((c) => c.name === "Tutoring")!.id;
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

// Everything the server logs while a test runs (it runs in this process), to check no content reaches it.
let logged: string[] = [];
const original = { error: console.error, warn: console.warn, log: console.log };
beforeEach(() => {
  logged = [];
  for (const level of ["error", "warn", "log"] as const) {
    console[level] = (...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      original[level](...args);
    };
  }
});
afterEach(() => {
  Object.assign(console, original);
  expect(logged.join("\n")).not.toContain(MARKER);
});

const one = async <T>(text: string, params: unknown[]) => (await database.query<T>(text, params))[0];

describe("a NUL in a form field is dropped, never a 500", () => {
  it("in a student group's name", async () => {
    const res = await lead.post("/data/student-groups", { name: `Grade\u0000 5 ${MARKER}` });
    expect(res.status).toBe(302);
    const row = await one<{ name: string }>("select name from student_group where district_id = $1 and name like $2", [district.district.id, `%${MARKER}`]);
    expect(row.name).toBe(`Grade 5 ${MARKER}`);
  });

  it("in the student-support settings' numbers", async () => {
    const res = await lead.post("/students/settings", {
      intent: "settings",
      absencePercent: "1\u00000",
      failingCourses: "1",
      behaviourIncidents: "\u00002",
      selBenchmark: "3",
      retentionMonths: "18",
      expectedVersion: "1",
    });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/students/settings?saved=settings");
  });

  it("in a new intervention's name and description", async () => {
    const res = await lead.post("/students/settings", { intent: "catalog", name: `Check\u0000-in ${MARKER}`, description: `Daily\u0000 ${MARKER}` });
    expect(res.status).toBe(302);
    const row = await one<{ name: string; description: string }>("select name, description from intervention_catalog where district_id = $1 and name like $2", [
      district.district.id,
      `%${MARKER}`,
    ]);
    expect(row).toEqual({ name: `Check-in ${MARKER}`, description: `Daily ${MARKER}` });
  });

  it("in an edit of a catalog item", async () => {
    const res = await lead.post(`/students/settings/catalog/${catalogItemId}`, { intent: "save", name: "Tutoring\u0000 plus", description: "\u0000", expectedVersion: "1" });
    expect(res.status).toBe(302);
    const row = await one<{ name: string; description: string }>("select name, description from intervention_catalog where id = $1", [catalogItemId]);
    expect(row).toEqual({ name: "Tutoring plus", description: "" });
  });

  it("in a report comment and its quoted passage", async () => {
    const res = await lead.post(`/reports/${reportId}`, { intent: "comment", body: `Looks\u0000 good ${MARKER}`, quote: "\u0000quoted" });
    expect(res.status).toBe(302);
    const row = await one<{ body: string }>("select body from report_comment where report_id = $1 and body like $2", [reportId, `%${MARKER}`]);
    expect(row.body).toBe(`Looks good ${MARKER}`);
  });

  it("in a named plan version", async () => {
    const res = await lead.post(`/cycles/${cycleId}/plan/history`, { name: `Board\u0000 draft ${MARKER}` });
    expect(res.status).toBe(302);
    const row = await one<{ name: string }>("select name from doc_version where name like $1", [`%${MARKER}`]);
    expect(row.name).toBe(`Board draft ${MARKER}`);
  });

  it("in a field name, and in a sign-in", async () => {
    const res = await new TestClient(server.url).post("/sign-in", { "\u0000email": "x", email: `${district.board.email}\u0000`, password: TEST_PASSWORD });
    expect(res.status).toBe(302);
  });
});

/** A CSV with `before` bytes of good rows, then a row holding a NUL; returns the text and that row's line number. */
function csvWithNulAfter(header: string, row: (i: number) => string, before: number, bad: string) {
  const lines = [header];
  for (let i = 0; lines.join("\n").length < before; i++) lines.push(row(i));
  lines.push(bad);
  return { text: `${lines.join("\n")}\n`, line: lines.length };
}

function multipart(fields: Record<string, string>, file: { name: string; text: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new File([file.text], file.name, { type: "text/csv" }));
  return form;
}

async function postMultipart(client: TestClient, path: string, form: FormData) {
  const res = await fetch(server.url + path, { method: "POST", headers: { origin: server.url, cookie: client.cookieHeader() }, body: form, redirect: "manual" });
  return { status: res.status, text: await res.text() };
}

describe("a NUL in a CSV file refuses the file and names the line", () => {
  it("in an outcome-data file, 5 KiB in", async () => {
    const header = importFields.join(",");
    const { text, line } = csvWithNulAfter(
      header,
      (i) => `${district.schoolA.name},2026-27,fall,all,all,sel-growth-mindset-mean,${30 + (i % 5)},3.4`,
      5 * 1024,
      `${district.schoolA.name} ${MARKER}\u0000,2026-27,fall,all,all,sel-growth-mindset-mean,30,3.4`,
    );
    const res = await postMultipart(lead, "/data/import", multipart({ intent: "upload" }, { name: "outcomes.csv", text }));
    expect(res.status).toBe(200);
    expect(res.text).toContain(`Line ${line} of the file contains a NUL character`);
    const staged = await one<{ n: number }>("select count(*)::int as n from import_upload", []);
    expect(staged.n).toBe(0);
  });

  it("but a NUL in the file's name is dropped and the file is read", async () => {
    const header = importFields.join(",");
    const text = `${header}\n${district.schoolA.name},2026-27,fall,all,all,sel-growth-mindset-mean,30,3.4\n`;
    const res = await postMultipart(lead, "/data/import", multipart({ intent: "upload" }, { name: "out\u0000comes.csv", text }));
    expect(res.status).toBe(302);
    const staged = await one<{ file_name: string }>("select file_name from import_upload order by created_at desc limit 1", []);
    expect(staged.file_name).toBe("outcomes.csv");
  });

  it("in a student roster, 5 KiB in, and a NUL in a confirmed roster is dropped", async () => {
    const header = "student_id,given_name,family_name,grade";
    const { text, line } = csvWithNulAfter(header, (i) => `S-${i},Given${i},Family${i},3`, 5 * 1024, `S-bad,${MARKER}\u0000,Family,3`);
    const preview = await postMultipart(recordsTeam, `/students/schools/${district.schoolA.id}/import`, multipart({ kind: "roster" }, { name: "roster.csv", text }));
    expect(preview.status).toBe(200);
    expect(preview.text).toContain(`Line ${line} of the file contains a NUL character`);

    const confirmed = await recordsTeam.post(`/students/schools/${district.schoolA.id}/import`, {
      intent: "confirm",
      kind: "roster",
      fileName: "roster.csv",
      content: `${header}\nNUL-1,Ada\u0000,Lovelace,3\n`,
    });
    expect(confirmed.status).toBe(302);
    const student = await one<{ given_name: string }>("select given_name from student where local_id = $1", ["NUL-1"]);
    expect(student.given_name).toBe("Ada");
  });
});

describe("names and titles lose bidirectional controls", () => {
  it("in a school's name", async () => {
    const res = await lead.post("/schools", { name: "\u202eAlder\u202c Annex \u2067East\u2069", level: "middle" });
    expect(res.status).toBe(302);
    const row = await one<{ name: string }>("select name from school where district_id = $1 and name like $2", [district.district.id, "%Annex%"]);
    expect(row.name).toBe("Alder Annex East");
  });

  it("in a plan version's name and a student group's name", async () => {
    expect((await lead.post(`/cycles/${cycleId}/plan/history`, { name: "Approved\u202e fdp.exe" })).status).toBe(302);
    expect((await one<{ name: string }>("select name from doc_version where name like $1", ["Approved%"])).name).toBe("Approved fdp.exe");
    expect((await lead.post("/data/student-groups", { name: "\u202dNewcomers\u202c" })).status).toBe(302);
    expect((await one<{ name: string }>("select name from student_group where district_id = $1 and name like $2", [district.district.id, "%Newcomers%"])).name).toBe("Newcomers");
  });

  it("keeps right-to-left letters", async () => {
    expect((await lead.post("/schools", { name: "مدرسة النور", level: "high" })).status).toBe(302);
    expect((await one<{ n: number }>("select count(*)::int as n from school where name = $1", ["مدرسة النور"])).n).toBe(1);
  });
});
