// Malformed collaborative changes over real sockets: every one refused with a reason (nothing stored, nothing broadcast),
// random editor edits interleaved with them never brick a plan, and presence is capped in size, rate and, for readers,
// in what it may say.
import { Node as ProseMirrorNode, type Schema } from "@tiptap/pm/model";
import { Transform } from "@tiptap/pm/transform";
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import { and, count, eq } from "drizzle-orm";
import fc from "fast-check";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebSocket } from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cycles, docSnapshots, docUpdates } from "#db/schema";
import { documentHTML, documentJSON } from "~/editor/document";
import { DOCUMENT_FIELD, editorSchema } from "~/editor/extensions";
import { checkYDoc, DOCUMENT_LIMITS } from "~/editor/validity";
import { createDistrictCycle } from "~/modules/cycles/cycles.server";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { actorOf, makeDistrictWithPeople, makeUser, TEST_PASSWORD } from "../factories";
import { awarenessFrame, collabUrl, connectProvider, identityOf, updateFrame, waitFor, type Identity } from "../collab/support";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestServer, TestClient, type TestServer } from "../setup/server";

const dates = { baselineDate: "2026-10-01", midyearDate: "2027-01-31", endyearDate: "2027-05-31" };

let database: TestDatabase;
let server: TestServer;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let schoolCycleId: string;
let schoolPlan: string;
let districtCycleId: string;
let districtPlan: string;
const cleanups: (() => void)[] = [];

const id = (userId: string) => identityOf(database.db, server.config, userId, server.url);

async function connect(documentId: string, who: Identity) {
  const client = await connectProvider(server.url, documentId, who);
  cleanups.push(() => client.provider.destroy());
  return client;
}

async function storedRows(documentId: string) {
  const [row] = await database.db.select({ n: count() }).from(docUpdates).where(eq(docUpdates.documentId, documentId));
  return row.n;
}

/** A bare socket that records frames and how it was closed (code and reason). */
async function socketOf(documentId: string, who: Identity) {
  const socket = new WebSocket(`${collabUrl(server.url)}/${documentId}`, { headers: { cookie: who.cookie, origin: who.origin } });
  const received: Uint8Array[] = [];
  let closedWith: { code: number; reason: string } | null = null;
  socket.on("message", (data: Buffer) => received.push(new Uint8Array(data)));
  socket.on("close", (code, reason) => (closedWith = { code, reason: reason.toString() }));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  cleanups.push(() => socket.terminate());
  return {
    socket,
    received,
    send: (bytes: Uint8Array) => socket.send(bytes),
    closedWith: () => closedWith,
    closed: async () => {
      await waitFor(() => closedWith !== null, "the socket closed", 10_000);
      return closedWith!;
    },
  };
}

/** The change `mutate` makes to a copy of `base`, as the update a modified client would send. */
function changeOf(base: Y.Doc, mutate: (body: Y.XmlFragment, doc: Y.Doc) => void) {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(copy);
  copy.transact(() => mutate(copy.getXmlFragment(DOCUMENT_FIELD), copy));
  const update = Y.encodeStateAsUpdate(copy, before);
  copy.destroy();
  return update;
}

const element = (name: string, attributes: Record<string, unknown> = {}, children: (Y.XmlElement | Y.XmlText)[] = []) => {
  const el = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value as string);
  el.insert(0, children);
  return el;
};
const text = (value: string, format?: Record<string, unknown>) => {
  const t = new Y.XmlText();
  t.insert(0, value, format);
  return t;
};
const paragraph = (value = "words") => element("paragraph", {}, [text(value)]);
/** The first run of text in the document, wherever it is. */
function firstText(parent: Y.XmlFragment | Y.XmlElement): Y.XmlText {
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) return child;
    if (child instanceof Y.XmlElement && child.length) {
      const found = firstText(child);
      if (found) return found;
    }
  }
  return undefined as unknown as Y.XmlText;
}
const goalId = "11111111-1111-4111-8111-111111111111";

/** Changes only a modified client sends, each with the close code and the words of the reason it must get. */
const corpus: { what: string; mutate: (body: Y.XmlFragment, doc: Y.Doc) => void; code: number; reason: RegExp }[] = [
  { what: "bare text at the top level", mutate: (body) => body.insert(0, [text("loose")]), code: 4422, reason: /text cannot be placed directly in the document/ },
  { what: "bare text at the end", mutate: (body) => body.push([text("loose")]), code: 4422, reason: /text cannot be placed directly/ },
  { what: "an unknown node", mutate: (body) => body.insert(1, [element("iframe", { src: "https://a.example/" })]), code: 4422, reason: /"iframe" is not something the editor makes/ },
  { what: "a nested document", mutate: (body) => body.insert(0, [element("doc", {}, [paragraph()])]), code: 4422, reason: /"doc" is not something/ },
  { what: "a list item outside a list", mutate: (body) => body.insert(0, [element("listItem", {}, [paragraph()])]), code: 4422, reason: /listItem cannot be placed/ },
  { what: "a table row outside a table", mutate: (body) => body.insert(0, [element("tableRow", {}, [element("tableCell", {}, [paragraph()])])]), code: 4422, reason: /tableRow cannot be placed/ },
  { what: "an empty list", mutate: (body) => body.insert(0, [element("bulletList")]), code: 4422, reason: /bulletList cannot hold this content/ },
  { what: "an unknown mark", mutate: (body) => body.insert(0, [element("paragraph", {}, [text("x", { blink: {} })])]), code: 4422, reason: /"blink" is not a formatting/ },
  { what: "a mark with a made-up attribute", mutate: (body) => body.insert(0, [element("paragraph", {}, [text("x", { bold: { style: "x" } })])]), code: 4422, reason: /"style" is not an attribute of bold mark/ },
  { what: "a link with an event handler", mutate: (body) => body.insert(0, [element("paragraph", {}, [text("x", { link: { href: "https://a.example/", onclick: "x" } })])]), code: 4422, reason: /"onclick" is not an attribute of link mark/ },
  { what: "an unknown node attribute", mutate: (body) => body.insert(0, [element("paragraph", { style: "position:fixed" }, [text("x")])]), code: 4422, reason: /"style" is not an attribute of paragraph/ },
  { what: "an attribute set on an existing block", mutate: (body) => (body.get(0) as Y.XmlElement).setAttribute("onclick", "x"), code: 4422, reason: /"onclick" is not an attribute/ },
  { what: "a heading level of 99", mutate: (body) => body.insert(0, [element("heading", { level: 99 }, [text("x")])]), code: 4422, reason: /"level" must be a whole number/ },
  { what: "a checkbox holding text", mutate: (body) => body.insert(0, [element("taskList", {}, [element("taskItem", { checked: "yes" }, [paragraph()])])]), code: 4422, reason: /"checked" must be true or false/ },
  { what: "a cell spanning 'abc' columns", mutate: (body) => body.insert(0, [element("table", {}, [element("tableRow", {}, [element("tableCell", { colspan: "abc" }, [paragraph()])])])]), code: 4422, reason: /"colspan" must be a whole number/ },
  { what: "a huge goal id", mutate: (body) => body.insert(0, [element("goalReference", { goalId: "g".repeat(50_000) })]), code: 4422, reason: /"goalId" is longer than 2048/ },
  { what: "an object for a goal id", mutate: (body) => body.insert(0, [element("goalReference", { goalId: { nested: true } })]), code: 4422, reason: /"goalId" must be text/ },
  { what: "forged published words on a goal block", mutate: (body) => body.insert(0, [element("goalReference", { goalId, frozen: { title: 5 } })]), code: 4422, reason: /"frozen" must be a goal's published words/ },
  { what: "a data block with a made-up query", mutate: (body) => body.insert(0, [element("dataBlock", { query: { kind: "student-names", cycleId: "x" } })]), code: 4422, reason: /"query" must be a data query/ },
  { what: "a huge data block note", mutate: (body) => body.insert(0, [element("dataBlock", { query: { kind: "goals", cycleId: goalId, options: {} }, note: "n".repeat(10_000) })]), code: 4422, reason: /"note" is longer than 2048/ },
  { what: "a Yjs type as an attribute value", mutate: (body) => body.insert(0, [element("goalReference", { goalId: new Y.XmlText("x") })]), code: 4422, reason: /must be plain data/ },
  { what: "text inside a goal block", mutate: (body) => body.insert(0, [element("goalReference", { goalId }, [text("x")])]), code: 4422, reason: /text cannot be placed directly in goalReference/ },
  {
    what: "blockquotes nested 200 deep",
    mutate: (body) => {
      let inner = element("blockquote", {}, [paragraph()]);
      for (let i = 0; i < 200; i++) inner = element("blockquote", {}, [inner]);
      body.insert(0, [inner]);
    },
    code: 4422,
    reason: /nested at most 32 deep/,
  },
  { what: "deleting every block", mutate: (body) => body.delete(0, body.length), code: 4422, reason: /would leave the document without the content it needs/ },
  {
    what: "deleting a list's only item",
    mutate: (body) => {
      const list = body.toArray().find((node) => node instanceof Y.XmlElement && node.nodeName === "bulletList") as Y.XmlElement;
      list.delete(0, list.length);
    },
    code: 4422,
    reason: /would leave a bulletList without the content it needs/,
  },
  {
    what: "deleting a list item's paragraph",
    mutate: (body) => {
      const list = body.toArray().find((node) => node instanceof Y.XmlElement && node.nodeName === "bulletList") as Y.XmlElement;
      (list.get(0) as Y.XmlElement).delete(0, 1);
    },
    code: 4422,
    reason: /would leave a listItem without the content it needs/,
  },
  { what: "an embed inside text", mutate: (body) => firstText(body).insertEmbed(0, { image: "x" }), code: 4422, reason: /text may only hold characters/ },
  { what: "an attribute on text", mutate: (body) => firstText(body).setAttribute("x", "y"), code: 4422, reason: /text cannot carry attributes/ },
  { what: "a 150 000-character paragraph", mutate: (body) => body.insert(0, [paragraph("x".repeat(150_000))]), code: 4413, reason: /a paragraph may hold at most 100000 characters/ },
  { what: "150 000 characters typed into an existing paragraph", mutate: (body) => firstText(body).insert(0, "y".repeat(150_000)), code: 4413, reason: /at most 100000 characters/ },
];

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  // Each malformed change below comes from a fresh socket of the same person: the cooldown after a refusal has its own test.
  server = await startTestServer(database, {}, { compactEvery: 50, unloadAfterMs: 500, refusalCooldownMs: 0 });
  const cycle = await createDistrictCycle(database.db, actorOf(world.lead), { startYear: 2026, ...dates });
  districtCycleId = cycle.id;
  districtPlan = (await ensurePlanDocument(database.db, actorOf(world.lead), cycle.id)).id;
  const [schoolA] = await database.db
    .select()
    .from(cycles)
    .where(and(eq(cycles.districtCycleId, cycle.id), eq(cycles.schoolId, world.schoolA.id)));
  schoolCycleId = schoolA.id;
  schoolPlan = (await ensurePlanDocument(database.db, actorOf(world.lead), schoolA.id)).id;
}, 180_000);
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** The stored document (snapshot plus log) read back from the database, as a fresh server would load it. */
async function storedDoc(documentId: string) {
  const doc = new Y.Doc();
  const [snapshot] = await database.db.select({ state: docSnapshots.state }).from(docSnapshots).where(eq(docSnapshots.documentId, documentId));
  if (snapshot) Y.applyUpdate(doc, snapshot.state);
  for (const row of await database.db.select({ update: docUpdates.update }).from(docUpdates).where(eq(docUpdates.documentId, documentId))) Y.applyUpdate(doc, row.update);
  return doc;
}

/** The plan page and its exports, as the lead opens them: the readers a bricked plan used to break. */
async function expectPlanReadable(cycleId: string) {
  const lead = new TestClient(server.url);
  await lead.signIn(world.lead.email, TEST_PASSWORD);
  expect((await lead.request("GET", `/cycles/${cycleId}/plan`)).status).toBe(200);
  for (const format of ["html", "md", "txt"]) expect((await lead.request("GET", `/cycles/${cycleId}/plan/export/${format}`)).status).toBe(200);
}

describe("changes the editor could not make", () => {
  it("refuses every one with its reason, stores and broadcasts none, and the school team keeps editing", async () => {
    const teamMember = await id(world.schoolTeam.id);
    const editor = await connect(schoolPlan, teamMember);
    const watcher = await connect(schoolPlan, await id(world.lead.id));
    // A list to delete from, made the way the editor makes one.
    editor.doc.transact(() => editor.doc.getXmlFragment(DOCUMENT_FIELD).insert(0, [element("bulletList", {}, [element("listItem", {}, [paragraph("only item")])])]));
    await waitFor(() => JSON.stringify(documentJSON(watcher.doc)).includes("only item"), "the list reached the watcher");
    const shared = await server.collab.documents.acquire(schoolPlan);
    await shared.settle();

    let refused = 0;
    for (const { what, mutate, code, reason } of corpus) {
      const rowsBefore = await storedRows(schoolPlan);
      const watcherBefore = Y.encodeStateVector(watcher.doc);
      const attacker = await socketOf(schoolPlan, teamMember);
      attacker.send(updateFrame(changeOf(editor.doc, mutate)));
      const closed = await attacker.closed();
      expect({ what, code: closed.code }).toEqual({ what, code });
      expect(closed.reason, what).toMatch(reason);
      refused++;
      // The school team's real editor is untouched and still saves: its edit is the marker that the refused one
      // was handled before it.
      const marker = `after ${refused}`;
      const body = editor.doc.getXmlFragment(DOCUMENT_FIELD);
      editor.doc.transact(() => ((body.get(body.length - 1) as Y.XmlElement).get(0) as Y.XmlText | undefined)?.insert(0, `${marker} `));
      await waitFor(() => JSON.stringify(documentJSON(watcher.doc)).includes(marker), `the edit after "${what}"`);
      expect(await storedRows(schoolPlan), what).toBe(rowsBefore + 1);
      // The watcher heard only the marker: the refused change never reached it.
      const heard = Y.encodeStateAsUpdate(watcher.doc, watcherBefore);
      expect(Y.decodeUpdate(heard).structs.every((struct) => struct.id.client === editor.doc.clientID), what).toBe(true);
    }
    expect(refused).toBe(corpus.length);
    expect(editor.provider.wsconnected).toBe(true);

    // Nothing bricked: the server's copy, the stored log and every reader agree, and the plan reads.
    expect(checkYDoc(shared.doc)).toBeNull();
    const stored = await storedDoc(schoolPlan);
    expect(checkYDoc(stored)).toBeNull();
    expect(documentJSON(stored)).toEqual(documentJSON(editor.doc));
    expect(documentHTML(documentJSON(stored))).toContain("only item");
    await expectPlanReadable(schoolCycleId);
    console.log(`[collab-validation] malformed updates tried: ${corpus.length}, refused: ${refused}, documents bricked: 0`);
  });

  it("refuses the change that would take a document past a million characters, with a reason, and keeps the rest", async () => {
    const editorId = await id(world.lead.id);
    const editor = await connect(districtPlan, editorId);
    const chunk = "z".repeat(90_000);
    let accepted = 0;
    let closed: { code: number; reason: string } | null = null;
    for (let i = 0; i < 14 && !closed; i++) {
      const sender = await socketOf(districtPlan, editorId);
      sender.send(updateFrame(changeOf(editor.doc, (body) => body.push([paragraph(`${i}${chunk}`)]))));
      await waitFor(() => sender.closedWith() !== null || JSON.stringify(documentJSON(editor.doc)).includes(`"${i}zzz`), "taken or refused", 15_000);
      closed = sender.closedWith();
      if (!closed) accepted++;
      sender.socket.close();
    }
    expect(closed).toEqual({ code: 4413, reason: "a document may hold at most 1 million characters" });
    // The template holds a few thousand characters, so ten or eleven 90 000-character paragraphs fit.
    expect(accepted).toBeGreaterThanOrEqual(Math.floor(DOCUMENT_LIMITS.documentSize / 90_001) - 1);
    expect(accepted).toBeLessThanOrEqual(Math.floor(DOCUMENT_LIMITS.documentSize / 90_001));
    // Smaller edits still go through; the document is whole and reads.
    const body = editor.doc.getXmlFragment(DOCUMENT_FIELD);
    editor.doc.transact(() => ((body.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, "still editable "));
    const shared = await server.collab.documents.acquire(districtPlan);
    await waitFor(() => JSON.stringify(documentJSON(shared.doc)).includes("still editable"), "a small edit stored");
    expect(checkYDoc(shared.doc)).toBeNull();
    await expectPlanReadable(districtCycleId);
  });
});

describe("random editor edits with malformed ones in between", () => {
  /** One edit a person could make in the editor, chosen by fast-check, applied as a ProseMirror transform. */
  type Edit = { kind: number; a: number; b: number; text: string };

  function textPositions(doc: ProseMirrorNode) {
    const positions: number[] = [];
    doc.descendants((node, pos) => {
      if (node.isTextblock) positions.push(pos + 1 + node.content.size);
      return !node.isTextblock;
    });
    return positions;
  }

  function blockBoundaries(doc: ProseMirrorNode) {
    const positions: number[] = [];
    let pos = 0;
    doc.forEach((node) => {
      positions.push(pos);
      pos += node.nodeSize;
    });
    positions.push(pos);
    return positions;
  }

  function applyEdit(schema: Schema, doc: ProseMirrorNode, edit: Edit): ProseMirrorNode | null {
    const tr = new Transform(doc);
    const texts = textPositions(doc);
    const blocks = blockBoundaries(doc);
    const at = texts[edit.a % texts.length];
    const words = edit.text.replace(/[\u0000-\u001f]/g, "") || "w";
    try {
      switch (edit.kind % 9) {
        case 0:
          tr.insert(at, schema.text(words));
          break;
        case 1:
          tr.split(at);
          break;
        case 2: {
          const from = Math.min(edit.a, edit.b) % (doc.content.size + 1);
          const to = Math.min(doc.content.size, from + (Math.max(edit.a, edit.b) % 40));
          tr.delete(from, to);
          break;
        }
        case 3:
          tr.insert(at, schema.text(words, [edit.b % 2 ? schema.marks.bold.create() : schema.marks.link.create({ href: "https://casel.org/" })]));
          break;
        case 4:
          tr.insert(blocks[edit.b % blocks.length], schema.nodes.bulletList.create(null, schema.nodes.listItem.create(null, schema.nodes.paragraph.create(null, schema.text(words)))));
          break;
        case 5:
          tr.insert(blocks[edit.b % blocks.length], schema.nodes.goalReference.create({ goalId }));
          break;
        case 6:
          tr.insert(blocks[edit.b % blocks.length], schema.nodes.table.createAndFill()!);
          break;
        case 7:
          tr.insert(blocks[edit.b % blocks.length], schema.nodes.taskList.create(null, schema.nodes.taskItem.create({ checked: edit.a % 2 === 0 }, schema.nodes.paragraph.create())));
          break;
        case 8:
          tr.insert(blocks[edit.b % blocks.length], schema.nodes.heading.create({ level: 2 + (edit.a % 3) }, schema.text(words)));
          break;
      }
      tr.doc.check();
    } catch {
      return null; // not an edit the editor could make here
    }
    return tr.doc.eq(doc) ? null : tr.doc;
  }

  it("refuses every malformed change, takes every editor edit, and leaves a plan that renders", async () => {
    const schema = editorSchema();
    const teamMember = await id(world.schoolTeam.id);
    const editor = await connect(schoolPlan, teamMember);
    const watcher = await connect(schoolPlan, await id(world.lead.id));
    const fragment = editor.doc.getXmlFragment(DOCUMENT_FIELD);
    const meta = { mapping: new Map(), isOMark: new Map() };
    let current = yXmlFragmentToProseMirrorRootNode(fragment, schema);
    let validSent = 0;
    let malformedSent = 0;
    let malformedRefused = 0;

    const edit = fc.record({ kind: fc.nat(), a: fc.nat(), b: fc.nat(), text: fc.string({ maxLength: 12 }) });
    const step = fc.oneof({ arbitrary: edit.map((e) => ({ malformed: null as number | null, edit: e })), weight: 4 }, { arbitrary: fc.nat(corpus.length - 1).map((n) => ({ malformed: n, edit: null })), weight: 1 });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        for (const next of steps) {
          if (next.edit) {
            const doc = applyEdit(schema, current, next.edit);
            if (!doc) continue;
            editor.doc.transact(() => updateYFragment(editor.doc, fragment, doc, meta));
            current = doc;
            validSent++;
          } else {
            const { mutate } = corpus[next.malformed!];
            let update: Uint8Array;
            try {
              update = changeOf(editor.doc, mutate);
            } catch {
              continue; // the document has no such node to break right now
            }
            if (!Y.decodeUpdate(update).structs.length && !Y.decodeUpdate(update).ds.clients.size) continue;
            malformedSent++;
            const attacker = await socketOf(schoolPlan, teamMember);
            attacker.send(updateFrame(update));
            const closed = await attacker.closed();
            if (closed.code === 4422 || closed.code === 4413) malformedRefused++;
          }
        }
        await waitFor(() => JSON.stringify(documentJSON(watcher.doc)) === JSON.stringify(documentJSON(editor.doc)), "the watcher has every edit", 15_000);
        expect(editor.provider.wsconnected).toBe(true);
        // After every run the server's document is valid and renders as the exports render it.
        const live = await server.collab.documents.acquire(schoolPlan);
        expect(checkYDoc(live.doc)).toBeNull();
        expect(documentHTML(documentJSON(live.doc)).length).toBeGreaterThan(0);
      }),
      { numRuns: 12, seed: 20261206 },
    );
    expect(malformedRefused).toBe(malformedSent);
    expect(validSent).toBeGreaterThan(40);

    const shared = await server.collab.documents.acquire(schoolPlan);
    await shared.settle();
    const stored = await storedDoc(schoolPlan);
    expect(checkYDoc(stored)).toBeNull();
    expect(documentJSON(stored)).toEqual(documentJSON(editor.doc));
    expect(() => documentHTML(documentJSON(stored))).not.toThrow();
    await expectPlanReadable(schoolCycleId);
    console.log(`[collab-validation] fuzz: editor edits ${validSent} (all stored), malformed ${malformedSent} (refused ${malformedRefused}), documents bricked: 0`);
  });
});

describe("presence", () => {
  /** Awareness states a raw watcher received, by client id (the last one wins). */
  function statesIn(frames: Uint8Array[]) {
    const states = new Map<number, Record<string, unknown> | null>();
    for (const frame of frames) {
      const decoder = decoding.createDecoder(frame);
      if (decoding.readVarUint(decoder) !== 1) continue;
      const payload = decoding.createDecoder(decoding.readVarUint8Array(decoder));
      const n = decoding.readVarUint(payload);
      for (let i = 0; i < n; i++) {
        const clientId = decoding.readVarUint(payload);
        decoding.readVarUint(payload);
        states.set(clientId, JSON.parse(decoding.readVarString(payload)));
      }
    }
    return states;
  }

  it("closes a connection whose presence state passes 8 KiB, before anyone hears it", async () => {
    const watcher = await socketOf(districtPlan, await id(world.lead.id));
    const board = await socketOf(districtPlan, await id(world.board.id));
    board.send(awarenessFrame(4242, 1, { cursor: null, padding: "p".repeat(9 * 1024) }));
    expect(await board.closed()).toEqual({ code: 1008, reason: "presence state larger than 8 KiB" });
    // A huge frame is refused before it is even decoded.
    const again = await socketOf(districtPlan, await id(world.board.id));
    again.send(awarenessFrame(4243, 1, { padding: "p".repeat(3_900_000) }));
    expect(await again.closed()).toEqual({ code: 1008, reason: "presence update larger than 64 KiB" });
    await new Promise((r) => setTimeout(r, 100));
    expect([...statesIn(watcher.received).keys()]).not.toContain(4242);
    expect([...statesIn(watcher.received).keys()]).not.toContain(4243);
    expect(watcher.closedWith()).toBeNull();
  });

  it("relays only a reader's caret and its stamped name, whatever else its client sets", async () => {
    const watcher = await socketOf(districtPlan, await id(world.lead.id));
    const board = await socketOf(districtPlan, await id(world.board.id));
    const cursor = { anchor: { type: null, tname: "default", item: null, assoc: 0 }, head: { type: null, tname: "default", item: null, assoc: 0 } };
    board.send(awarenessFrame(5151, 1, { cursor, user: { name: "Principal Skinner", color: "#000" }, note: "n".repeat(4_000), comment: { html: "<b>x</b>" } }));
    await waitFor(() => statesIn(watcher.received).has(5151), "the reader's presence relayed");
    const state = statesIn(watcher.received).get(5151)!;
    expect(Object.keys(state).sort()).toEqual(["cursor", "user"]);
    expect(state.cursor).toEqual(cursor);
    expect(state.user).toMatchObject({ id: world.board.id, name: world.board.name });
    // An editor's extra fields (its own client's business) are relayed within the cap.
    const lead = await socketOf(districtPlan, await id(world.lead.id));
    lead.send(awarenessFrame(6161, 1, { cursor, typing: true }));
    await waitFor(() => statesIn(watcher.received).has(6161), "the editor's presence relayed");
    expect(statesIn(watcher.received).get(6161)).toMatchObject({ typing: true, user: { id: world.lead.id } });
  });

  it("closes a connection that sends presence faster than a typing caret could", async () => {
    const board = await socketOf(districtPlan, await id(world.board.id));
    for (let clock = 1; clock <= 400 && !board.closedWith(); clock++) board.send(awarenessFrame(7171, clock, { cursor: null }));
    expect(await board.closed()).toEqual({ code: 1008, reason: "too many presence updates" });
  });
});

describe("a sync exchange", () => {
  it("refuses a malformed change sent as sync step 2 (a reconnecting client's offline edits) the same way", async () => {
    const teamMember = await id(world.schoolTeam.id);
    const editor = await connect(schoolPlan, teamMember);
    const attacker = await socketOf(schoolPlan, teamMember);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(encoder, changeOf(editor.doc, (body) => body.insert(0, [text("loose")])));
    const rows = await storedRows(schoolPlan);
    attacker.send(encoding.toUint8Array(encoder));
    expect(await attacker.closed()).toEqual({ code: 4422, reason: "text cannot be placed directly in the document" });
    expect(await storedRows(schoolPlan)).toBe(rows);
  });
});

describe("after a refusal", () => {
  it("turns away that person's new connections for a few seconds, while their open editor and everyone else keep saving", async () => {
    // A server with the default cooldown, on a plan no other test's server opens.
    const guarded = await startTestServer(database, {}, { unloadAfterMs: 500 });
    try {
      const [schoolB] = await database.db
        .select()
        .from(cycles)
        .where(and(eq(cycles.districtCycleId, districtCycleId), eq(cycles.schoolId, world.schoolB.id)));
      const plan = (await ensurePlanDocument(database.db, actorOf(world.lead), schoolB.id)).id;
      // Two people who may edit school B's plan: one sends the malformed change, the other keeps working.
      const schoolBTeam = await makeUser(database.db, world.district.id, "school_team", { schoolIds: [world.schoolB.id] });
      const team = await identityOf(database.db, guarded.config, schoolBTeam.id, guarded.url);
      const open = await connectProvider(guarded.url, plan, team);
      cleanups.push(() => open.provider.destroy());
      const connectTo = async (who: Identity) => {
        const socket = new WebSocket(`${collabUrl(guarded.url)}/${plan}`, { headers: { cookie: who.cookie, origin: who.origin } });
        let closedWith: { code: number; reason: string } | null = null;
        socket.on("close", (code, reason) => (closedWith = { code, reason: reason.toString() }));
        await new Promise<void>((resolve, reject) => {
          socket.once("open", () => resolve());
          socket.once("error", reject);
        });
        cleanups.push(() => socket.terminate());
        return { send: (bytes: Uint8Array) => socket.send(bytes), closed: async () => (await waitFor(() => closedWith !== null, "closed", 10_000), closedWith!) };
      };
      const first = await connectTo(team);
      first.send(updateFrame(changeOf(open.doc, (body) => body.insert(0, [text("loose")]))));
      expect(await first.closed()).toEqual({ code: 4422, reason: "text cannot be placed directly in the document" });
      // Reconnecting at once, even with a good change, is turned away without the server rebuilding anything…
      const second = await connectTo(team);
      second.send(updateFrame(changeOf(open.doc, (body) => body.insert(0, [paragraph("fine")]))));
      expect(await second.closed()).toEqual({ code: 4422, reason: "a change of yours was refused moments ago; wait a few seconds, then reload" });
      // …while the editor they had open before, and other people, keep saving.
      open.doc.transact(() => open.doc.getXmlFragment(DOCUMENT_FIELD).insert(0, [paragraph("from the open editor")]));
      const lead = await connectProvider(guarded.url, plan, await identityOf(database.db, guarded.config, world.lead.id, guarded.url));
      cleanups.push(() => lead.provider.destroy());
      await waitFor(() => JSON.stringify(documentJSON(lead.doc)).includes("from the open editor"), "the open editor's change");
      expect(open.provider.wsconnected).toBe(true);
      // After the cooldown a new connection of theirs is checked as usual again.
      await new Promise((r) => setTimeout(r, 3_100));
      const third = await connectTo(team);
      third.send(updateFrame(changeOf(lead.doc, (body) => body.insert(0, [paragraph("after the cooldown")]))));
      await waitFor(() => JSON.stringify(documentJSON(lead.doc)).includes("after the cooldown"), "a change after the cooldown");
    } finally {
      cleanups.splice(0).forEach((cleanup) => cleanup());
      await guarded.close();
    }
  });
});
