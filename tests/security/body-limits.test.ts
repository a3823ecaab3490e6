// Proves no request body is read past its cap, chunked or declared, signed in or out, upload or form: a real server
// process answers 413 with a readable page while the sender is still sending, and its memory stays flat (ADR 0030).
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "#db/client.server";
import { makeDistrictWithPeople, TEST_PASSWORD } from "../factories";
import { freshDataDir, removeTempDirs, startServer, type ServerProcess } from "../e2e/support";
import { createTestDatabase, testDriver, type TestDatabase } from "../setup/database";
import { TestClient } from "../setup/server";

const MiB = 1024 * 1024;
let server: ServerProcess;
let database: TestDatabase | undefined;
let people: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let lead: TestClient;
const figures: string[] = [];

beforeAll(async () => {
  // The server runs as its own process (memory is measured on it), on a database the factories filled first.
  if (testDriver === "postgres") {
    database = await createTestDatabase();
    people = await makeDistrictWithPeople(database.db);
    server = await startServer({ demo: "0", env: { DATABASE_URL: database.url } });
  } else {
    const dataDir = freshDataDir("body-limits");
    const handle = await openDatabase({ dataDir: `${dataDir}/pglite` });
    await handle.migrate();
    people = await makeDistrictWithPeople(handle.db);
    await handle.close();
    server = await startServer({ demo: "0", dataDir });
  }
  lead = new TestClient(server.url);
  await lead.signIn(people.lead.email, TEST_PASSWORD);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await database?.close();
  removeTempDirs();
  if (figures.length) console.log(`body limits (${testDriver}):\n  ${figures.join("\n  ")}`);
});

/** The server's own process: the deepest descendant of the spawned tsx wrapper (tsx runs the script in a child). */
function serverPid(): number {
  let pid = server.child.pid!;
  for (;;) {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    if (children.length === 0) return pid;
    pid = Number(children[0]);
  }
}

/** Resident memory high-water mark and current size of the server process, in MiB, as the kernel counts them. */
function memory() {
  const status = fs.readFileSync(`/proc/${serverPid()}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { peakMiB: Math.round(kib("VmHWM") / 1024), rssMiB: Math.round(kib("VmRSS") / 1024) };
}

interface Sent {
  status: number;
  text: string;
  /** Body bytes written before the server answered (or closed the connection). */
  bytesSent: number;
}

/**
 * Sends `total` bytes of body in 64 KiB pieces, chunked unless `declare` puts the length in Content-Length, and stops as
 * soon as the server answers: a server that reads everything first makes this send it all.
 */
function sendBody(path: string, total: number, options: { declare?: boolean; contentType?: string; cookie?: string } = {}): Promise<Sent> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const headers: Record<string, string> = {
      origin: server.url,
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      accept: "text/html",
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.declare ? { "content-length": String(total) } : { "transfer-encoding": "chunked" }),
    };
    const req = http.request(url, { method: "POST", headers, agent: false });
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, bytesSent }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, text, bytesSent }));
    });
    req.on("error", (error) => (answered ? undefined : reject(new Error(`no answer after ${bytesSent} bytes: ${error.message}`))));
    const piece = Buffer.alloc(64 * 1024, "a=");
    const write = () => {
      while (!answered && bytesSent < total) {
        const n = Math.min(piece.length, total - bytesSent);
        bytesSent += n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

function expectRefused(sent: Sent, capBytes: number) {
  expect(sent.status).toBe(413);
  expect(sent.text).toContain("That was too large to send");
  expect(sent.text).toContain("Nothing was saved.");
  // Answered while the sender was still going: at most the cap plus what sat in socket buffers on the way.
  expect(sent.bytesSent).toBeLessThan(capBytes + 8 * MiB);
}

describe("signed-out forms", () => {
  it.each(["/sign-in", "/setup", "/invite/x"])("refuses a 200 MB chunked body to %s at 1 MB, while it is still arriving", async (path) => {
    const before = memory();
    const sent = await sendBody(path, 200 * MiB);
    expectRefused(sent, 1 * MiB);
    const after = memory();
    figures.push(`POST ${path}, 200 MB chunked: 413 after ${(sent.bytesSent / MiB).toFixed(1)} MiB sent; peak RSS ${before.peakMiB} → ${after.peakMiB} MiB`);
  });

  it("refuses a declared 200 MB body before reading any of it", async () => {
    const sent = await sendBody("/sign-in", 200 * MiB, { declare: true });
    expectRefused(sent, 1 * MiB);
  });

  it("still signs in with an ordinary form, and the page under the cap reads its fields", async () => {
    const client = new TestClient(server.url);
    const res = await client.post("/sign-in", { email: people.board.email, password: TEST_PASSWORD, padding: "x".repeat(900 * 1024) });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/home");
  });
});

describe("signed-in routes", () => {
  it("refuses an oversized form to an ordinary page's action", async () => {
    const sent = await sendBody("/account", 20 * MiB, { cookie: lead.cookieHeader() });
    expectRefused(sent, 1 * MiB);
  });

  it("answers a page without an action at once and drops, never keeps, what is still sent", async () => {
    const before = memory();
    const sent = await sendBody("/data/trend", 200 * MiB, { cookie: lead.cookieHeader() });
    expect(sent.status).toBe(405);
    expect(sent.bytesSent).toBeLessThan(16 * MiB);
    expect(memory().peakMiB - before.peakMiB).toBeLessThan(50);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("refuses a form with too many fields, in a page that names the problem", async () => {
    const fields = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`f${i}`, "1"]));
    const res = await new TestClient(server.url).post("/sign-in", fields);
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/too many fields/i);
  });

  it("takes a data file under the upload limit and refuses a 60 MB one as it streams", async () => {
    const boundary = "----cyclekeeper-test";
    const csv = "school,school_year,term,grade,group,measure,n,value\r\n" + "Alder,2025-26,fall,all,all,attendance,30,0.9\r\n".repeat(20_000);
    const small = [
      `--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\nupload\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ok.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
      `--${boundary}--\r\n`,
    ].join("");
    const ok = await fetch(`${server.url}/data/import`, {
      method: "POST",
      headers: { origin: server.url, cookie: lead.cookieHeader(), "content-type": `multipart/form-data; boundary=${boundary}` },
      body: small,
      redirect: "manual",
    });
    expect(ok.status, `a ${(small.length / MiB).toFixed(1)} MiB file is read`).toBe(302);
    expect(ok.headers.get("location")).toMatch(/^\/data\/import\?upload=/);

    const before = memory();
    const sent = await sendBody("/data/import", 60 * MiB, { cookie: lead.cookieHeader(), contentType: `multipart/form-data; boundary=${boundary}` });
    expectRefused(sent, 51 * MiB);
    expect(sent.text.replaceAll("&nbsp;", " ")).toContain("A data file can be up to 50 MB");
    const after = memory();
    figures.push(`POST /data/import, 60 MB chunked: 413 after ${(sent.bytesSent / MiB).toFixed(1)} MiB sent; peak RSS ${before.peakMiB} → ${after.peakMiB} MiB`);
  });
});

describe("memory under three parallel 250 MB posts", () => {
  it("refuses all three and the server's peak resident memory grows by less than 100 MiB", async () => {
    const before = memory();
    const results = await Promise.all([0, 1, 2].map(() => sendBody("/sign-in", 250 * MiB)));
    for (const sent of results) expectRefused(sent, 1 * MiB);
    const after = memory();
    figures.push(`3 × POST /sign-in, 250 MB chunked each, in parallel: all 413; peak RSS ${before.peakMiB} → ${after.peakMiB} MiB (now ${after.rssMiB} MiB)`);
    expect(after.peakMiB - before.peakMiB).toBeLessThan(100);
    // And the server is still itself.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await new TestClient(server.url).signIn(people.team.email, TEST_PASSWORD)).status).toBe(302);
  });
});
