// Network faults between the app and PostgreSQL, through a real TCP proxy (tests/setup/fault-proxy.ts): a hung
// connection fails a collaborative save at its deadline without a false receipt and the document recovers; a slow
// statement hits statement_timeout; a silent connection is closed by the watchdog; readiness follows the database; and
// a database that refuses connections gives pages a 503 that says so. Figures are printed with the prefix [faults].
import { and, eq, isNull, sql } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, isDatabaseOutage, type DatabaseHandle } from "#db/client.server";
import { cycles, docUpdates } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { contentOf, identityOf, rawClient, textUpdate, updateFrame, waitFor, type Identity } from "../collab/support";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startFaultProxy, type FaultProxy } from "../setup/fault-proxy";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import path from "node:path";
import fs from "node:fs";
import { artifactsDir, expectNoAxeViolations, launchBrowser } from "../e2e/support";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";

const timeouts = { statementMs: 1_500, idleInTransactionMs: 3_000, connectMs: 1_000, keepAliveMs: 1_000, collabSaveMs: 1_500, readyProbeMs: 500 };
const env = {
  DB_STATEMENT_TIMEOUT_MS: "1500",
  COLLAB_SAVE_DEADLINE_MS: "1500",
  READY_PROBE_DEADLINE_MS: "500",
  // The shared 2-core machine stalls the loop now and then; these tests judge the database, not the scheduler.
  READY_MAX_EVENT_LOOP_DELAY_MS: "60000",
};

let direct: TestDatabase;
let proxy: FaultProxy;
let proxied: DatabaseHandle;
let server: TestServer;
let documentId: string;
let lead: Identity;

const figure = (line: string) => console.log(`[faults] ${line}`);

beforeAll(async () => {
  direct = await createTestDatabase({ catalog: true });
  if (!direct.url) throw new Error("these tests need PostgreSQL (the scale project sets CK_TEST_DRIVER=postgres)");
  const world = await makeDistrictWithPeople(direct.db);
  const cycle = await createDistrictCycle(direct.db, actorOf(world.lead), { startYear: 2026, baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" });
  const [districtCycle] = await direct.db.select().from(cycles).where(and(eq(cycles.id, cycle.id), isNull(cycles.schoolId)));
  documentId = (await ensurePlanDocument(direct.db, actorOf(world.lead), districtCycle.id)).id;
  const target = new URL(direct.url);
  proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
  proxied = await openDatabase({ url: proxy.urlFor(direct.url), timeouts });
  server = await startTestServer(proxied as TestDatabase, env, { unloadAfterMs: 200 });
  lead = await identityOf(direct.db, server.config, world.lead.id, server.url);
});

afterEach(() => proxy.forward());

afterAll(async () => {
  proxy?.forward();
  await server?.close();
  await proxied?.close();
  await proxy?.close();
  await direct?.close();
});

function syncStep1Frame(doc: Y.Doc) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** Sends a sync step 1 and waits for the answer: a receipt for everything this client sent before it (ADR 0014). */
async function receipt(client: Awaited<ReturnType<typeof rawClient>>, timeoutMs = 5_000) {
  const before = client.received.length;
  client.send(syncStep1Frame(new Y.Doc()));
  await waitFor(() => client.received.slice(before).some((frame) => contentOf(frame) !== null && frame[1] === 1), "a sync step 2 (receipt)", timeoutMs);
}

async function storedTexts() {
  const rows = await direct.db.select({ update: docUpdates.update }).from(docUpdates).where(eq(docUpdates.documentId, documentId));
  return rows.map((row) => {
    const doc = new Y.Doc();
    try {
      Y.applyUpdate(doc, row.update);
    } catch {
      return "";
    }
    return doc.getText("t").toString();
  });
}

async function readiness() {
  const res = await fetch(`${server.url}/healthz/ready`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as { status: string; failing?: string[] } };
}

describe("a hung database connection", () => {
  it("fails a collaborative save at its deadline, receipts nothing unstored, and the document recovers", async () => {
    const first = await rawClient(server.url, documentId, lead);
    first.send(updateFrame(textUpdate("stored-before-the-fault")));
    await receipt(first);
    expect(await storedTexts()).toContain("stored-before-the-fault");

    proxy.hang();
    const sentAt = Date.now();
    first.send(updateFrame(textUpdate("sent-while-hung")));
    const before = first.received.length;
    first.send(syncStep1Frame(new Y.Doc()));
    const code = await first.closed(15_000);
    const closedAfter = Date.now() - sentAt;
    figure(`collab save deadline 1500 ms: the client was told (close ${code}) after ${closedAfter} ms`);
    expect(code).toBe(1011);
    expect(closedAfter).toBeGreaterThanOrEqual(1_400);
    // No receipt for the change that was not stored: no sync step 2 came after it.
    expect(first.received.slice(before).some((frame) => contentOf(frame) !== null && frame[1] === 1)).toBe(false);

    // Readiness says so while the database hangs.
    const hung = await readiness();
    figure(`readiness while hung: ${hung.status} ${JSON.stringify(hung.body.failing)}`);
    expect(hung.status).toBe(503);
    expect(hung.body.failing).toEqual(expect.arrayContaining(["database"]));

    // A client that arrives meanwhile is refused (503) rather than left waiting for ever.
    const refusedAt = Date.now();
    const refused = await rawClient(server.url, documentId, lead).then(
      (c) => {
        c.socket.terminate();
        return "opened";
      },
      (error: Error) => error.message,
    );
    figure(`a new editor while hung: ${refused} after ${Date.now() - refusedAt} ms`);
    expect(refused).toMatch(/503/);

    proxy.forward();
    const resumedAt = Date.now();
    await waitFor(async () => (await readiness()).status === 200, "readiness back to 200", 20_000);
    figure(`readiness back to 200 ${Date.now() - resumedAt} ms after the proxy forwarded again`);

    // The client reconnects and resends what was never receipted (y-websocket does this by itself); it is stored now.
    const again = await rawClient(server.url, documentId, lead);
    again.send(updateFrame(textUpdate("sent-while-hung")));
    again.send(updateFrame(textUpdate("after-recovery")));
    await receipt(again);
    const texts = await storedTexts();
    expect(texts).toContain("after-recovery");
    expect(texts).toContain("sent-while-hung");
    again.socket.close();
  });

  it("ends a statement that runs too long at statement_timeout", async () => {
    const started = Date.now();
    const error = await proxied.query("select pg_sleep(10)").catch((e: unknown) => e);
    const after = Date.now() - started;
    figure(`statement_timeout 1500 ms fired after ${after} ms`);
    expect((error as { code?: string }).code).toBe("57014");
    expect(isDatabaseOutage(error)).toBe(true);
    expect(after).toBeLessThan(5_000);
  });

  it("closes a connection that owes an answer and hears nothing, instead of waiting for TCP", async () => {
    await proxied.query("select 1");
    proxy.hang();
    const started = Date.now();
    const error = await proxied.query("select 2").catch((e: unknown) => e);
    const after = Date.now() - started;
    figure(`watchdog (statement 1500 ms + grace 1500 ms): a silent connection failed its query after ${after} ms (${(error as Error).message})`);
    expect(isDatabaseOutage(error)).toBe(true);
    expect(after).toBeGreaterThanOrEqual(2_900);
    expect(after).toBeLessThan(10_000);
    proxy.forward();
    await waitFor(async () => (await proxied.query<{ n: number }>("select 3 as n").catch(() => []))[0]?.n === 3, "queries work again", 10_000);
  });
});

describe("a database that is down", () => {
  it("gives pages a 503 that says the database is unavailable and when to retry, and readiness 503", async () => {
    const client = new TestClient(server.url);
    client.cookies.set(lead.cookie.split("=")[0], lead.cookie.split("=").slice(1).join("="));
    expect((await client.get("/home")).status).toBe(200);

    await proxy.refuse();
    const started = Date.now();
    const page = await client.get("/home");
    figure(`page during an outage: ${page.status} after ${Date.now() - started} ms, Retry-After ${page.headers.get("retry-after")}`);
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("30");
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.text).toContain("The database is unavailable");
    expect(page.text).toContain("Try again in about 30 seconds");

    // What a person sees: the page in a real browser, at desktop and phone widths, accessible and keyboard usable.
    const browser = await launchBrowser();
    try {
      fs.mkdirSync(artifactsDir, { recursive: true });
      for (const width of [1366, 390]) {
        const context = await browser.newContext({ viewport: { width, height: 800 }, locale: "en-US" });
        const [name, ...value] = lead.cookie.split("=");
        await context.addCookies([{ name, value: value.join("="), url: server.url }]);
        const tab = await context.newPage();
        const response = await tab.goto(`${server.url}/home`);
        expect(response?.status()).toBe(503);
        await tab.getByRole("heading", { level: 1, name: "The database is unavailable" }).waitFor();
        await tab.screenshot({ path: path.join(artifactsDir, `database-unavailable-${width}.png`), fullPage: true });
        await expectNoAxeViolations(tab, `the database-unavailable page at ${width} px`);
        expect(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await tab.keyboard.press("Tab");
        expect(await tab.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Try again");
        await context.close();
      }
    } finally {
      await browser.close();
    }

    expect((await readiness()).status).toBe(503);
    const live = await fetch(`${server.url}/healthz/live`);
    expect(live.status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(503);

    proxy.forward();
    const back = Date.now();
    await waitFor(async () => (await client.get("/home")).status === 200, "the page works again", 15_000);
    await waitFor(async () => (await fetch(`${server.url}/healthz`)).status === 200, "/healthz 200 again", 15_000);
    figure(`after the database came back: pages and /healthz 200 within ${Date.now() - back} ms`);
  });

  it("keeps its pool working after a reset of every connection", async () => {
    await proxied.query("select 1");
    proxy.drop();
    // The dropped connections fail their next use at once; the pool reconnects.
    await waitFor(async () => (await proxied.query<{ n: number }>("select 4 as n").catch(() => []))[0]?.n === 4, "a reconnect", 10_000);
    const rows = await proxied.query<{ ok: boolean }>("select current_setting('statement_timeout') = '1500ms' as ok");
    expect(rows[0].ok).toBe(true);
    const idle = await proxied.db.execute(sql`select current_setting('idle_in_transaction_session_timeout') as v`);
    expect(JSON.stringify(idle)).toContain("3s");
  });
});
