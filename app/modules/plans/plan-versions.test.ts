import type { JSONContent } from "@tiptap/core";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { documentJSON, updateFromJSON } from "~/editor/document";
import { beforeRestoreName, mergeActivity, restoreChange, saveVersionSchema, versionTitle } from "./plan-versions";

const paragraph = (text: string): JSONContent => ({ type: "paragraph", content: [{ type: "text", text }] });
const doc = (...content: JSONContent[]): JSONContent => ({ type: "doc", content });
const texts = (json: JSONContent) => (json.content ?? []).map((block) => (block.content ?? []).map((c) => c.text).join(""));

describe("restoreChange", () => {
  it("makes a document read as the version again, as a new change by a new client, leaving the earlier history in place", () => {
    const live = new Y.Doc();
    Y.applyUpdate(live, updateFromJSON(doc(paragraph("Vision"), paragraph("Draft priorities"))));
    const version = documentJSON(live);
    const fragment = live.getXmlFragment("default");
    live.transact(() => {
      fragment.delete(1, 1);
      const added = new Y.XmlElement("paragraph");
      added.insert(0, [new Y.XmlText("Added after the version")]);
      fragment.insert(1, [added]);
    });
    const before = Y.encodeStateAsUpdate(live);
    const beforeClients = new Set(Y.decodeStateVector(Y.encodeStateVector(live)).keys());

    const change = restoreChange(before, {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Vision", marks: [{ type: "bold" }] }] },
        ...(version.content ?? []).slice(1),
        { type: "taskList", content: [{ type: "taskItem", attrs: { checked: true }, content: [paragraph("Board approval")] }] },
      ],
    });
    const decoded = Y.decodeUpdate(change);
    const authors = new Set(decoded.structs.map((s) => s.id.client));
    expect(authors.size).toBe(1);
    expect(beforeClients.has([...authors][0])).toBe(false);

    Y.applyUpdate(live, change);
    const restored = documentJSON(live);
    expect(texts(restored)).toEqual(["Vision", "Draft priorities", ""]);
    expect(restored.content?.[0]).toMatchObject({ type: "heading", attrs: { level: 2 }, content: [{ text: "Vision", marks: [{ type: "bold" }] }] });
    expect(restored.content?.[2]).toMatchObject({ type: "taskList", content: [{ type: "taskItem", attrs: { checked: true } }] });

    // Another editor who had the pre-restore state converges with the restored one.
    const other = new Y.Doc();
    Y.applyUpdate(other, before);
    Y.applyUpdate(other, change);
    expect(documentJSON(other)).toEqual(restored);
  });

  it("keeps an edit made concurrently by someone else", () => {
    const base = updateFromJSON(doc(paragraph("One")));
    const change = restoreChange(base, doc(paragraph("Restored")));
    const editor = new Y.Doc();
    Y.applyUpdate(editor, base);
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("Typed meanwhile")]);
    editor.getXmlFragment("default").push([p]);
    Y.applyUpdate(editor, change);
    expect(texts(documentJSON(editor)).sort()).toEqual(["Restored", "Typed meanwhile"]);
  });
});

describe("version names", () => {
  it("requires 1–120 characters after trimming and says so", () => {
    expect(saveVersionSchema.safeParse({ name: "  Approved by board, May 2027 " }).data).toEqual({ name: "Approved by board, May 2027" });
    expect(saveVersionSchema.safeParse({ name: "   " }).error?.issues[0].message).toMatch(/Give the version a name/);
    expect(saveVersionSchema.safeParse({ name: null }).error?.issues[0].message).toMatch(/Give the version a name/);
    expect(saveVersionSchema.safeParse({ name: "x".repeat(121) }).error?.issues[0].message).toMatch(/120 characters/);
    expect(saveVersionSchema.safeParse({ name: "x".repeat(120) }).success).toBe(true);
  });

  it("titles daily versions by their day and keeps the before-restore name within the limit", () => {
    expect(versionTitle({ kind: "daily", name: null, day: "2027-05-03" })).toBe("End of May 3, 2027");
    expect(beforeRestoreName({ kind: "named", name: "Approved", day: null })).toBe("Before restoring “Approved”");
    expect(beforeRestoreName({ kind: "daily", name: null, day: "2027-05-03" })).toBe("Before restoring the version of May 3, 2027");
    const long = beforeRestoreName({ kind: "named", name: "y".repeat(120), day: null });
    expect(long.length).toBeLessThanOrEqual(120);
    expect(saveVersionSchema.safeParse({ name: long }).success).toBe(true);
  });
});

describe("mergeActivity", () => {
  it("adds up kept and logged changes per person and day, newest day first", () => {
    const at = (iso: string) => new Date(iso);
    const merged = mergeActivity([
      { userId: "a", day: "2027-05-03", firstAt: at("2027-05-03T09:00Z"), lastAt: at("2027-05-03T10:00Z"), changes: 5 },
      { userId: "a", day: "2027-05-03", firstAt: at("2027-05-03T08:00Z"), lastAt: at("2027-05-03T09:30Z"), changes: 2 },
      { userId: null, day: "2027-05-01", firstAt: at("2027-05-01T08:00Z"), lastAt: at("2027-05-01T08:00Z"), changes: 1 },
      { userId: "b", day: "2027-05-03", firstAt: at("2027-05-03T11:00Z"), lastAt: at("2027-05-03T12:00Z"), changes: 3 },
    ]);
    expect(merged.map((r) => [r.userId, r.day, r.changes])).toEqual([
      ["b", "2027-05-03", 3],
      ["a", "2027-05-03", 7],
      [null, "2027-05-01", 1],
    ]);
    expect(merged[1].firstAt.toISOString()).toBe("2027-05-03T08:00:00.000Z");
    expect(merged[1].lastAt.toISOString()).toBe("2027-05-03T10:00:00.000Z");
  });
});

