// A report's draft over real websockets: the collaboration server asks the report's own rules who may open it —
// its authors edit, board members and named reviewers only read once it is in review, a draft is closed to them,
// another district's report does not exist, and retracting a report turns its editors' open sockets read-only.
import * as decoding from "lib0/decoding";
import { count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { docUpdates } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { addReviewer, createReport, publishReport, retractReport, submitForReview } from "~/modules/reports/reports.server";
import { actorOf, makeDistrictWithPeople, makeUser } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, type TestServer } from "../setup/server";
import { connectProvider, identityOf, openRaw, rawClient, textUpdate, updateFrame, waitFor, type Identity } from "./support";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
const collabOptions = { maxMessageBytes: 64 * 1024, maxDocumentBytes: 256 * 1024, compactEvery: 50, unloadAfterMs: 200, recheckEveryMs: 300 };

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let reviewerId: string;
let report: { id: string; documentId: string; version: number };
let otherReport: { documentId: string };
const cleanups: (() => void)[] = [];

const id = (userId: string) => identityOf(database.db, server.config, userId, server.url);
const status = async (documentId: string, who: Identity) => (await openRaw(server.url, documentId, { cookie: who.cookie, origin: who.origin })).status;

async function connect(documentId: string, who: Identity) {
  const client = await connectProvider(server.url, documentId, who);
  cleanups.push(() => client.provider.destroy());
  return client;
}

async function storedUpdates(documentId: string) {
  const [row] = await database.db.select({ n: count() }).from(docUpdates).where(eq(docUpdates.documentId, documentId));
  return row.n;
}

function isReadOnlyNotice(frame: Uint8Array) {
  const decoder = decoding.createDecoder(frame);
  return decoding.readVarUint(decoder) === 2 && decoding.readVarUint(decoder) === 0 && decoding.readVarString(decoder) === "read-only";
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  reviewerId = (await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id], name: "Named Reviewer" })).id;
  server = await startTestServer(database, {}, collabOptions);
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, ...dates });
  report = await createReport(database.db, actorOf(world.team), cycle.id, { audience: "board", language: "en" });
  await addReviewer(database.db, actorOf(world.team), report.id, reviewerId);
  const otherCycle = await createDistrictCycle(database.db, actorOf(other.lead), { startYear: 2026, ...dates });
  otherReport = await createReport(database.db, actorOf(other.lead), otherCycle.id, { audience: "board", language: "en" });
});
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("a report's draft over websockets", () => {
  it("opens a draft to its authors only: board, reviewers and other schools' teams are refused, another district's report is not found", async () => {
    expect(await status(report.documentId, await id(world.board.id))).toBe(403);
    expect(await status(report.documentId, await id(reviewerId))).toBe(403);
    expect(await status(report.documentId, await id(world.schoolTeam.id))).toBe(403);
    expect(await status(otherReport.documentId, await id(world.lead.id))).toBe(404);
    expect(await status(report.documentId, await id(other.lead.id))).toBe(404);
    expect(await status(report.documentId, await id(world.team.id))).toBeNull();
  });

  it("lets two authors co-edit: each sees the other's typing, and it is stored", async () => {
    const before = await storedUpdates(report.documentId);
    const lead = await connect(report.documentId, await id(world.lead.id));
    const team = await connect(report.documentId, await id(world.team.id));
    lead.doc.getText("t").insert(0, "lead writes ");
    team.doc.getText("u").insert(0, "team writes");
    await waitFor(() => team.doc.getText("t").toString() === "lead writes " && lead.doc.getText("u").toString() === "team writes", "both edits on both sides");
    await waitFor(async () => (await storedUpdates(report.documentId)) >= before + 2, "both edits stored");
  });

  it("once in review, gives board members and named reviewers a read-only socket whose changes are dropped", async () => {
    const submitted = await submitForReview(database.db, actorOf(world.team), report.id, { expectedVersion: report.version });
    report = { ...report, version: submitted.version };
    expect(await status(report.documentId, await id(world.schoolTeam.id))).toBe(403);
    const author = await connect(report.documentId, await id(world.team.id));
    for (const who of [world.board.id, reviewerId]) {
      const raw = await rawClient(server.url, report.documentId, await id(who));
      await waitFor(() => raw.received.some(isReadOnlyNotice), "the read-only notice");
      const stored = await storedUpdates(report.documentId);
      raw.send(updateFrame(textUpdate("a reader's change")));
      // The author's next change is the marker: anything the reader sent before it has been dealt with.
      author.doc.getText("marker").insert(0, `after ${who}`);
      await waitFor(async () => (await storedUpdates(report.documentId)) === stored + 1, "the author's change stored");
      const shared = await server.collab.documents.acquire(report.documentId);
      expect(shared.doc.getText("t").toString()).not.toContain("a reader's change");
      raw.socket.close();
    }
  });

  it("turns an author's open socket read-only when the lead retracts the report", async () => {
    const raw = await rawClient(server.url, report.documentId, await id(world.team.id));
    const conn = () => [...server.collab.connections].find((c) => c.user.id === world.team.id && c.grant.documentId === report.documentId);
    await waitFor(() => conn()?.readOnly === false, "connected as an editor");
    const published = await publishReport(database.db, actorOf(world.lead), report.id, { expectedVersion: report.version });
    await retractReport(database.db, actorOf(world.lead), report.id, { expectedVersion: published.report.version, reason: "Published by mistake" });
    await waitFor(() => conn()?.readOnly === true, "downgraded to read-only", 5_000);
    await waitFor(() => raw.received.some(isReadOnlyNotice), "the read-only notice");
    raw.socket.close();
  });
});
