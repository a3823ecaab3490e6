import * as decoding from "lib0/decoding";
import { and, count, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cycles, docSnapshots, docUpdates, planDocuments } from "#db/schema";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { accessChanged } from "~/modules/people/access-events.server";
import { setPersonActive, updatePerson } from "~/modules/people/people.server";
import { endSession } from "~/modules/people/session.server";
import { prosemirrorJSONToYDoc } from "@tiptap/y-tiptap";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import { editorSchema, DOCUMENT_FIELD } from "~/editor/extensions";
import { documentJSON, documentJSONFromUpdate, hrefsInUpdate } from "~/editor/document";
import { isSafeHref } from "~/editor/links";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { hostileHrefs } from "../security/hostile-hrefs";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";
import { awarenessFrame, connectProvider, contentOf, identityOf, openRaw, rawClient, textUpdate, updateFrame, waitFor, type Identity } from "./support";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };
const MAX_MESSAGE = 64 * 1024;
const collabOptions = { maxMessageBytes: MAX_MESSAGE, maxDocumentBytes: 256 * 1024, compactEvery: 20, unloadAfterMs: 200, recheckEveryMs: 500 };

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let other: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let districtPlan: string;
let schoolBPlan: string;
let otherPlan: string;
const cleanups: (() => void)[] = [];

const id = (userId: string) => identityOf(database.db, server.config, userId, server.url);

async function connect(documentId: string, who: Identity, doc?: Y.Doc) {
  const client = await connectProvider(server.url, documentId, who, doc);
  cleanups.push(() => client.provider.destroy());
  return client;
}

async function storedUpdates(documentId: string) {
  const [row] = await database.db.select({ n: count() }).from(docUpdates).where(eq(docUpdates.documentId, documentId));
  return row.n;
}

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  other = await makeDistrictWithPeople(database.db);
  server = await startTestServer(database, {}, collabOptions);
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, ...dates });
  districtPlan = (await ensurePlanDocument(database.db, actorOf(world.lead), cycle.id)).id;
  const [schoolB] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, cycle.id), eq(cycles.schoolId, world.schoolB.id)));
  schoolBPlan = (await ensurePlanDocument(database.db, actorOf(world.lead), schoolB.id)).id;
  const otherCycle = await createDistrictCycle(database.db, actorOf(other.lead), { startYear: 2026, ...dates });
  otherPlan = (await ensurePlanDocument(database.db, actorOf(other.lead), otherCycle.id)).id;
});
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("plan documents", () => {
  it("creates one document per cycle, however often it is ensured", async () => {
    const cycleOf = await database.db.select().from(cycles).where(eq(cycles.districtId, world.district.id));
    const again = await ensurePlanDocument(database.db, actorOf(world.board), cycleOf.find((c) => !c.schoolId)!.id);
    expect(again.id).toBe(districtPlan);
  });

  it("seeds the template exactly once when many people open a new plan at the same moment", async () => {
    const [schoolA] = await database.db.select().from(cycles).where(eq(cycles.schoolId, world.schoolA.id));
    const openers = [world.lead, world.team, world.board, world.schoolTeam, world.lead, world.team];
    const documents = await Promise.all(
      openers.map((user) => ensurePlanDocument(database.db, actorOf(user, user.id === world.schoolTeam.id ? [world.schoolA.id] : undefined), schoolA.id)),
    );
    expect(new Set(documents.map((d) => d.id)).size).toBe(1);
    const rows = await database.db.select().from(planDocuments).where(eq(planDocuments.cycleId, schoolA.id));
    expect(rows).toHaveLength(1);
    const log = await database.db.select({ seq: docUpdates.seq, userId: docUpdates.userId, update: docUpdates.update }).from(docUpdates).where(eq(docUpdates.documentId, rows[0].id));
    expect(log.map((row) => [row.seq, row.userId])).toEqual([[1, null]]);
    const body = documentJSONFromUpdate(log[0].update);
    expect((body.content ?? []).filter((node) => node.type === "heading")).toHaveLength(7);
    expect(JSON.stringify(body)).toContain(`Action plan of ${world.schoolA.name} for 2026–27.`);
    const created = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "plan.create"), eq(auditEvents.entityId, rows[0].id)));
    expect(created).toHaveLength(1);
  });
});

describe("opening a socket", () => {
  it("refuses an upgrade without a session (401), from another origin (403), to another district (404) and without read access (403)", async () => {
    const lead = await id(world.lead.id);
    expect((await openRaw(server.url, districtPlan, { origin: server.url })).status).toBe(401);
    expect((await openRaw(server.url, districtPlan, { origin: server.url, cookie: "ck_session=forged" })).status).toBe(401);
    expect((await openRaw(server.url, districtPlan, { cookie: lead.cookie, origin: "https://evil.example" })).status).toBe(403);
    expect((await openRaw(server.url, districtPlan, { cookie: lead.cookie })).status).toBe(403);
    expect((await openRaw(server.url, otherPlan, { cookie: lead.cookie, origin: server.url })).status).toBe(404);
    expect((await openRaw(server.url, "not-a-uuid", { cookie: lead.cookie, origin: server.url })).status).toBe(404);
    expect((await openRaw(server.url, "%E0%A4%A", { cookie: lead.cookie, origin: server.url })).status).toBe(404);
    // Any other path (here /elsewhere/collab/x) is refused rather than left hanging.
    const elsewhere = await openRaw(`${server.url}/elsewhere`, "x", { cookie: lead.cookie, origin: server.url });
    expect(elsewhere.status).toBe(404);
    const schoolTeam = await id(world.schoolTeam.id);
    expect((await openRaw(server.url, schoolBPlan, { cookie: schoolTeam.cookie, origin: server.url })).status).toBe(403);
    const open = await openRaw(server.url, districtPlan, { cookie: schoolTeam.cookie, origin: server.url });
    expect(open.status).toBeNull();
    open.socket?.close();
  });
});

describe("co-editing", () => {
  it("converges two real y-websocket clients and stamps each one's name and colour into awareness", async () => {
    const a = await connect(districtPlan, await id(world.lead.id));
    const b = await connect(districtPlan, await id(world.team.id));
    a.doc.getText("body").insert(0, "Vision: every student belongs. ");
    b.doc.getText("body").insert(0, "Priorities: ");
    await waitFor(() => a.doc.getText("body").toString() === b.doc.getText("body").toString() && a.doc.getText("body").length > 40, "convergence");
    expect(a.doc.getText("body").toString()).toContain("every student belongs");

    // A client claiming to be someone else is corrected by the server.
    a.provider.awareness.setLocalStateField("user", { name: "Mallory", color: "#000000" });
    await waitFor(() => [...b.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string })?.name === world.lead.name), "stamped awareness");
    const names = [...b.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string })?.name);
    expect(names).not.toContain("Mallory");
    expect(names).toContain(world.lead.name);
  });

  it("does not let one connection change another client's awareness state", async () => {
    const a = await connect(districtPlan, await id(world.lead.id));
    const b = await connect(districtPlan, await id(world.team.id));
    a.provider.awareness.setLocalStateField("cursor", "a's own");
    const clientA = a.doc.clientID;
    await waitFor(() => b.provider.awareness.getStates().get(clientA)?.cursor === "a's own", "a's state seen");
    const raw = await rawClient(server.url, districtPlan, await id(world.board.id));
    raw.send(awarenessFrame(clientA, 1_000, { cursor: "forged" }));
    raw.send(awarenessFrame(424242, 1, { cursor: "the board's own" }));
    await waitFor(() => b.provider.awareness.getStates().get(424242)?.cursor === "the board's own", "the raw client's own state");
    expect(b.provider.awareness.getStates().get(clientA)?.cursor).toBe("a's own");
    expect((b.provider.awareness.getStates().get(424242)?.user as { name: string }).name).toBe(world.board.name);
    raw.socket.close();
  });

  it("ignores a read-only member's updates: not applied, not broadcast, not stored", async () => {
    const lead = await connect(districtPlan, await id(world.lead.id));
    const before = await storedUpdates(districtPlan);
    const board = await rawClient(server.url, districtPlan, await id(world.board.id));
    const watcher = await rawClient(server.url, districtPlan, await id(world.team.id));
    await waitFor(() => board.received.length > 0 && watcher.received.length > 0, "sockets started");
    const heard = watcher.received.length;
    // A read-only socket is told so as it opens, so the editor does not take input the server would drop.
    await waitFor(() => board.received.some(isReadOnlyNotice), "the read-only notice");
    expect(watcher.received.some(isReadOnlyNotice)).toBe(false);
    board.send(updateFrame(textUpdate("board was here")));
    // A later change from the lead is the marker: everything sent before it has been dealt with.
    lead.doc.getText("marker").insert(0, "after");
    await waitFor(() => watcher.received.slice(heard).some((frame) => contentOf(frame) !== null), "the lead's change");
    const shared = await server.collab.documents.acquire(districtPlan);
    expect(shared.doc.getText("t").toString()).toBe("");
    expect(lead.doc.getText("t").toString()).toBe("");
    for (const frame of watcher.received.slice(heard)) {
      const update = contentOf(frame);
      if (!update) continue;
      const probe = new Y.Doc();
      Y.applyUpdate(probe, update);
      expect(probe.getText("t").toString()).toBe("");
    }
    expect(await storedUpdates(districtPlan)).toBe(before + 1);
    // The board member still gets sync and awareness.
    expect(board.closeCode()).toBeNull();
    board.socket.close();
    watcher.socket.close();
  });
});

describe("limits", () => {
  it("closes only the connection that sends garbage, text, unknown types or an oversized frame", async () => {
    const a = await connect(districtPlan, await id(world.lead.id));
    const b = await connect(districtPlan, await id(world.team.id));
    const lead = await id(world.lead.id);
    const cases: [Uint8Array | string, number][] = [
      [new Uint8Array([0, 2, 200, 1, 7, 7]), 1007], // an update frame whose length runs past the end
      [new Uint8Array([0, 2, 5, 255, 255, 255, 255, 255]), 1007], // bytes that are not a Yjs update
      [new Uint8Array([9]), 1007], // unknown message type
      [new Uint8Array([]), 1007],
      ["hello", 1003],
      [new Uint8Array(MAX_MESSAGE + 1), 1009],
    ];
    for (const [frame, code] of cases) {
      const raw = await rawClient(server.url, districtPlan, lead);
      raw.send(frame);
      expect(await raw.closed()).toBe(code);
      const word = `ok${code}-${Math.random()}`;
      a.doc.getText("limits").insert(0, word);
      await waitFor(() => b.doc.getText("limits").toString().includes(word), "the others keep working");
    }
  });
});

describe("link targets", () => {
  /** A paragraph whose text carries a link, as the editor's schema stores it (an XmlText formatted with the mark). */
  function linkUpdate(href: string) {
    const ydoc = prosemirrorJSONToYDoc(
      editorSchema(),
      { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "click me", marks: [{ type: "link", attrs: { href } }] }] }] },
      DOCUMENT_FIELD,
    );
    return Y.encodeStateAsUpdate(ydoc);
  }

  /** The same link added by formatting text already in a document, the way an edit to an existing paragraph arrives. */
  function formatUpdate(href: string) {
    const ydoc = new Y.Doc();
    const paragraph = new Y.XmlElement("paragraph");
    ydoc.getXmlFragment(DOCUMENT_FIELD).insert(0, [paragraph]);
    const text = new Y.XmlText("plain words");
    paragraph.insert(0, [text]);
    const base = Y.encodeStateAsUpdate(ydoc);
    const before = Y.encodeStateVector(ydoc);
    text.format(0, 5, { link: { href, target: null, rel: "noopener noreferrer nofollow", class: null } });
    return { base, format: Y.encodeStateAsUpdate(ydoc, before) };
  }

  function step2Frame(update: Uint8Array) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(encoder, update);
    return encoding.toUint8Array(encoder);
  }

  it("refuses every hostile href before it is stored or broadcast, closing only the sender with 4422", async () => {
    const lead = await connect(districtPlan, await id(world.lead.id));
    const watcher = await rawClient(server.url, districtPlan, await id(world.team.id));
    await waitFor(() => watcher.received.length > 0, "watcher started");
    const heard = watcher.received.length;
    const who = await id(world.lead.id);
    for (const [index, href] of hostileHrefs.entries()) {
      const raw = await rawClient(server.url, districtPlan, who);
      const formatted = formatUpdate(href);
      const update = index % 3 === 2 ? formatted.format : linkUpdate(href);
      // The format-only update needs its paragraph first; that part is harmless and is stored.
      if (index % 3 === 2) raw.send(updateFrame(formatted.base));
      raw.send(index % 2 ? step2Frame(update) : updateFrame(update));
      expect(await raw.closed()).toBe(4422);
    }
    // An ordinary link from a real client still goes through, and is the marker that everything before it was handled.
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    lead.doc.transact(() => {
      lead.doc.getXmlFragment(DOCUMENT_FIELD).insert(0, [paragraph]);
      text.insert(0, "CASEL", { link: { href: "https://casel.org/" } });
    });
    await waitFor(() => watcher.received.slice(heard).some((frame) => (contentOf(frame) ? hrefsInUpdate(contentOf(frame)!).includes("https://casel.org/") : false)), "the good link");

    const seen = watcher.received.slice(heard).flatMap((frame) => (contentOf(frame) ? hrefsInUpdate(contentOf(frame)!) : []));
    expect(seen.filter((href) => !isSafeHref(href))).toEqual([]);
    // Stored means the log and any snapshot compaction made of it.
    const logged = await database.db.select({ update: docUpdates.update }).from(docUpdates).where(eq(docUpdates.documentId, districtPlan));
    const snapshots = await database.db.select({ state: docSnapshots.state }).from(docSnapshots).where(eq(docSnapshots.documentId, districtPlan));
    const storedHrefs = [...logged.map((row) => row.update), ...snapshots.map((row) => row.state)].flatMap((update) => hrefsInUpdate(update));
    expect(storedHrefs).toContain("https://casel.org/");
    expect(storedHrefs.filter((href) => !isSafeHref(href))).toEqual([]);
    // The harmless paragraphs sent before a refused formatting were kept, without the link.
    const shared = await server.collab.documents.acquire(districtPlan);
    const body = documentJSON(shared.doc);
    const kept = (body.content ?? []).filter((node) => node.content?.[0]?.text === "plain words");
    expect(kept).toHaveLength(hostileHrefs.filter((_href, index) => index % 3 === 2).length);
    for (const node of kept) expect(node.content?.[0]?.marks).toBeUndefined();
    expect(hrefsInUpdate(Y.encodeStateAsUpdate(shared.doc)).filter((href) => !isSafeHref(href))).toEqual([]);
    expect(watcher.closeCode()).toBeNull();
    watcher.socket.close();
  });
});

describe("fuzzing", () => {
  it("survives random and truncated frames: other clients are served throughout and the document still loads", async () => {
    const a = await connect(schoolBPlan, await id(world.lead.id));
    const b = await connect(schoolBPlan, await id(world.team.id));
    const lead = await id(world.lead.id);
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const valid = updateFrame(textUpdate("a perfectly good change"));
    for (let round = 0; round < 24; round++) {
      const raw = await rawClient(server.url, schoolBPlan, lead);
      const frames: Uint8Array[] = [];
      for (let i = 0; i < 5; i++) {
        const kind = round % 4;
        if (kind === 0) frames.push(Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
        else if (kind === 1) frames.push(valid.slice(0, 1 + Math.floor(random() * (valid.length - 1))));
        else if (kind === 2) frames.push(Uint8Array.from([0, Math.floor(random() * 3), ...Array.from({ length: 40 }, () => Math.floor(random() * 256))]));
        else frames.push(Uint8Array.from([1, ...Array.from({ length: 30 }, () => Math.floor(random() * 256))]));
      }
      for (const frame of frames) if (raw.closeCode() === null) raw.send(frame);
      const word = `fuzz${round}`;
      a.doc.getText("fuzz").insert(0, word);
      await waitFor(() => b.doc.getText("fuzz").toString().includes(word), "the others keep working");
      const code = raw.closeCode();
      expect(code === null || [1003, 1007, 1008, 4413].includes(code)).toBe(true);
      raw.socket.terminate();
    }
    // Whatever was stored, the document loads again from the database.
    cleanups.splice(0).forEach((cleanup) => cleanup());
    await waitFor(() => !server.collab.documents.isLoaded(schoolBPlan), "unloaded");
    const fresh = await connect(schoolBPlan, await id(world.lead.id));
    expect(fresh.doc.getText("fuzz").toString()).toBe(a.doc.getText("fuzz").toString());
  });
});

describe("message rate", () => {
  it("closes a connection that floods the server with 1008, and only that one", async () => {
    const a = await connect(districtPlan, await id(world.lead.id));
    const b = await connect(districtPlan, await id(world.team.id));
    const flood = await rawClient(server.url, districtPlan, await id(world.lead.id));
    for (let i = 0; i < 1_000 && flood.closeCode() === null; i++) flood.send(new Uint8Array([3]));
    expect(await flood.closed()).toBe(1008);
    a.doc.getText("rate").insert(0, "still here");
    await waitFor(() => b.doc.getText("rate").toString() === "still here", "the others keep working");
  });
});

describe("document size", () => {
  it("refuses changes that would take a document past its maximum size, and keeps serving it", async () => {
    const who = await id(other.lead.id);
    const raw = await rawClient(server.url, otherPlan, who);
    const watcher = await connect(otherPlan, await id(other.team.id));
    const big = "x".repeat(50 * 1024);
    let accepted = 0;
    for (let i = 0; i < 10 && raw.closeCode() === null; i++) {
      const text = `${i}${big}`;
      const before = watcher.doc.getText("t").length;
      raw.send(updateFrame(textUpdate(text)));
      // Either the server took it (the watcher receives it) or it closed the socket; no guess at how long that takes.
      await waitFor(() => raw.closeCode() !== null || watcher.doc.getText("t").length >= before + text.length, "the update taken or refused", 15_000);
      if (raw.closeCode() === null) accepted++;
    }
    expect(await raw.closed()).toBe(4413);
    expect(accepted).toBeGreaterThanOrEqual(3);
    expect(accepted).toBeLessThan(6);
    const editor = await connect(otherPlan, who);
    await waitFor(() => watcher.doc.getText("t").length === editor.doc.getText("t").length, "readers still served");
    // 256 KiB holds the template and at most five 50 KiB updates; the one that would pass it is refused and
    // nothing after it was stored.
    const stored = await storedUpdates(otherPlan);
    expect(stored).toBe(accepted + 1);
    expect(stored).toBeLessThanOrEqual(6);
  });
});

describe("durability", () => {
  it("keeps every update across a restart of the server on the same database", async () => {
    const { doc } = await connect(schoolBPlan, await id(world.lead.id));
    for (let i = 0; i < 30; i++) doc.getText("notes").insert(doc.getText("notes").length, `line ${i}\n`);
    const reader = await connect(schoolBPlan, await id(world.team.id));
    await waitFor(() => reader.doc.getText("notes").toString() === doc.getText("notes").toString(), "the edits were broadcast");
    cleanups.splice(0).forEach((cleanup) => cleanup());
    await server.close();
    server = await startTestServer(database, {}, collabOptions);
    const again = await connect(schoolBPlan, await id(world.lead.id));
    expect(again.doc.getText("notes").toString()).toBe(doc.getText("notes").toString());
    expect(Y.encodeStateVector(again.doc)).toEqual(Y.encodeStateVector(doc));
  });

  it("compacts the log into a snapshot without changing the state", async () => {
    const { doc } = await connect(districtPlan, await id(world.lead.id));
    for (let i = 0; i < 45; i++) doc.getText("compact").insert(0, `${i} `);
    const reader = await connect(districtPlan, await id(world.team.id));
    await waitFor(() => reader.doc.getText("compact").length === doc.getText("compact").length, "all edits applied");
    await waitFor(async () => (await database.db.select().from(docSnapshots).where(eq(docSnapshots.documentId, districtPlan))).length > 0, "a snapshot");
    // Leaving and the grace period unload the document; the next client loads snapshot + tail.
    cleanups.splice(0).forEach((cleanup) => cleanup());
    await waitFor(() => !server.collab.documents.isLoaded(districtPlan), "unloaded");
    expect(await storedUpdates(districtPlan)).toBe(0);
    const snapshots = await database.db.select().from(docSnapshots).where(eq(docSnapshots.documentId, districtPlan));
    expect(snapshots).toHaveLength(1);
    const fresh = await connect(districtPlan, await id(world.team.id));
    expect(Y.encodeStateVector(fresh.doc)).toEqual(Y.encodeStateVector(doc));
    expect(fresh.doc.getText("compact").toString()).toBe(doc.getText("compact").toString());
  });
});

function isReadOnlyNotice(frame: Uint8Array) {
  const decoder = decoding.createDecoder(frame);
  return decoding.readVarUint(decoder) === 2 && decoding.readVarUint(decoder) === 0 && decoding.readVarString(decoder) === "read-only";
}

describe("permission changes while connected", () => {
  it("downgrades a member who becomes a board member to read-only within 5 s", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const raw = await rawClient(server.url, districtPlan, await id(person.id));
    const watcher = await connect(districtPlan, await id(world.lead.id));
    raw.send(updateFrame(textUpdate("still allowed")));
    await waitFor(() => watcher.doc.getText("t").toString().includes("still allowed"), "an editor's change");
    await updatePerson(database.db, actorOf(world.lead), person.id, { name: person.name, role: "board", studentRecords: false, schoolIds: [] });
    const conn = () => [...server.collab.connections].find((c) => c.user.id === person.id);
    await waitFor(() => conn()?.readOnly === true, "downgraded", 5_000);
    // The editor is told (y-protocols' "permission denied", reason "read-only") so it stops taking input.
    await waitFor(() => raw.received.some(isReadOnlyNotice), "the read-only notice");
    const stored = await storedUpdates(districtPlan);
    raw.send(updateFrame(textUpdate("not any more")));
    watcher.doc.getText("marker2").insert(0, "x");
    await waitFor(async () => (await storedUpdates(districtPlan)) === stored + 1, "the lead's change stored");
    expect(watcher.doc.getText("t").toString()).not.toContain("not any more");
    raw.socket.close();
  });

  it("closes a deactivated person's connections within 5 s", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const raw = await rawClient(server.url, districtPlan, await id(person.id));
    const started = Date.now();
    await setPersonActive(database.db, actorOf(world.lead), person.id, false);
    expect(await raw.closed(5_000)).toBe(4401);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("re-checks when the lead changes someone's role on the people page (the app's build, not these sources)", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const raw = await rawClient(server.url, districtPlan, await id(person.id));
    await waitFor(() => [...server.collab.connections].some((c) => c.user.id === person.id && !c.readOnly), "connected as an editor");
    const lead = new TestClient(server.url);
    await lead.signIn(world.lead.email, TEST_PASSWORD);
    const saved = await lead.post(`/people/${person.id}`, { intent: "update", name: "Renamed Member", role: "board", studentRecords: "" });
    expect(saved.status).toBe(302);
    const conn = () => [...server.collab.connections].find((c) => c.user.id === person.id);
    await waitFor(() => conn()?.readOnly === true && conn()?.user.name === "Renamed Member", "downgraded and renamed", 5_000);
    expect((await lead.post(`/people/${person.id}`, { intent: "deactivate" })).status).toBe(302);
    expect(await raw.closed(5_000)).toBe(4401);
  });

  it("notices a session ended elsewhere (sign-out) at the periodic re-check", async () => {
    const person = await makeUser(database.db, world.district.id, "district_team");
    const who = await id(person.id);
    const raw = await rawClient(server.url, districtPlan, who);
    await endSession(database.db, who.cookie.split("=")[1]);
    expect(await raw.closed(3_000)).toBe(4401);
  });

  it("downgrades editors at once when told that many people's access changed (a closed year)", async () => {
    const raw = await rawClient(server.url, schoolBPlan, await id(world.lead.id));
    const conn = () => [...server.collab.connections].find((c) => c.grant.documentId === schoolBPlan && c.user.id === world.lead.id);
    await waitFor(() => conn()?.readOnly === false, "connected as an editor");
    const [plan] = await database.db.select().from(planDocuments).where(eq(planDocuments.id, schoolBPlan));
    await database.db.update(cycles).set({ status: "closed" }).where(eq(cycles.id, plan.cycleId));
    try {
      accessChanged(null);
      await waitFor(() => conn()?.readOnly === true, "downgraded", 2_000);
    } finally {
      await database.db.update(cycles).set({ status: "active" }).where(eq(cycles.id, plan.cycleId));
      raw.socket.close();
    }
  });
});
