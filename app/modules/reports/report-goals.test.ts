// Freezing goal blocks on publish: the words a published report keeps for each goal block, from its cycle's goals only.
import type { JSONContent } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { documentHTML } from "~/editor/document";
import { freezeGoalReferences, hasGoalReferences, type ReportGoal } from "./report-goals";
import { renderReportBody } from "./report-render";
import { draftChangedSince } from "./reports";

const morning: ReportGoal = { id: "11111111-1111-4111-8111-111111111111", kind: "implementation", title: "Morning meetings in every class", status: "on_track" };
const attendance: ReportGoal = { id: "22222222-2222-4222-8222-222222222222", kind: "outcome", title: "Fewer students chronically absent", status: "met" };
/** A goal that exists, but in another district: publishing is never given it, so its id must read as missing. */
const theirs: ReportGoal = { id: "33333333-3333-4333-8333-333333333333", kind: "outcome", title: "Another district's secret goal", status: "met" };

const goalBlock = (goalId: unknown, frozen: unknown = null): JSONContent => ({ type: "goalReference", attrs: { goalId, frozen } });
const doc = (...content: JSONContent[]): JSONContent => ({ type: "doc", content });
const frozenOf = (content: JSONContent) => (content.content ?? []).filter((n) => n.type === "goalReference").map((n) => n.attrs?.frozen);

describe("freezeGoalReferences", () => {
  it("freezes a goal of the cycle with its kind, title and status, as words and as keys", () => {
    const frozen = freezeGoalReferences(doc(goalBlock(morning.id), goalBlock(attendance.id)), [morning, attendance]);
    expect(frozenOf(frozen)).toEqual([
      { kind: "implementation", status: "on_track", kindLabel: "Implementation goal", title: "Morning meetings in every class", statusLabel: "On track" },
      { kind: "outcome", status: "met", kindLabel: "Outcome goal", title: "Fewer students chronically absent", statusLabel: "Met" },
    ]);
    expect(frozen.content![0].attrs?.goalId).toBe(morning.id);
  });

  it("freezes an unknown id, a missing id and another district's goal as a goal no longer in this cycle, never naming it", () => {
    const content = doc(goalBlock("44444444-4444-4444-8444-444444444444"), goalBlock(null), goalBlock(theirs.id));
    // Only the report's cycle's goals are given: the other district's goal is not among them, so it is not looked up.
    const frozen = freezeGoalReferences(content, [morning]);
    const missing = { kind: null, status: null, kindLabel: "Goal", title: "A goal that is no longer in this cycle", statusLabel: "Unknown status" };
    expect(frozenOf(frozen)).toEqual([missing, missing, missing]);
    expect(JSON.stringify(frozen)).not.toContain(theirs.title);
    expect(renderReportBody(frozen)).toContain('<strong class="goal-ref-title">A goal that is no longer in this cycle</strong>');
  });

  it("replaces frozen words a draft already carries: only publishing writes them", () => {
    const forged = goalBlock(theirs.id, { kind: "outcome", status: "met", kindLabel: "Outcome goal", title: "Forged title", statusLabel: "Met" });
    const frozen = freezeGoalReferences(doc(forged, goalBlock(morning.id, { kind: "outcome", status: "met", kindLabel: "x", title: "Old", statusLabel: "y" })), [morning]);
    expect(frozenOf(frozen).map((f) => (f as { title: string }).title)).toEqual(["A goal that is no longer in this cycle", "Morning meetings in every class"]);
  });

  it("writes the words in the report's language (goal titles are never translated)", () => {
    const frozen = freezeGoalReferences(doc(goalBlock(morning.id), goalBlock("gone")), [morning], "es");
    expect(frozenOf(frozen)).toEqual([
      { kind: "implementation", status: "on_track", kindLabel: "Meta de implementación", title: "Morning meetings in every class", statusLabel: "Bien encaminada" },
      { kind: null, status: null, kindLabel: "Meta", title: "Una meta que ya no está en este ciclo", statusLabel: "Estado desconocido" },
    ]);
  });

  it("finds goal blocks anywhere in the document, and leaves everything else as it was", () => {
    const nested = doc({ type: "blockquote", content: [goalBlock(morning.id)] }, { type: "paragraph", content: [{ type: "text", text: "Kept" }] });
    expect(hasGoalReferences(nested)).toBe(true);
    expect(hasGoalReferences(doc({ type: "paragraph" }))).toBe(false);
    const frozen = freezeGoalReferences(nested, [morning]);
    expect(frozen.content![0].content![0].attrs?.frozen).toMatchObject({ title: morning.title });
    expect(frozen.content![1]).toEqual(nested.content![1]);
  });
});

describe("a frozen goal block once published", () => {
  const published = freezeGoalReferences(doc(goalBlock(morning.id)), [morning]);

  it("keeps its published words whatever the goal is called now", () => {
    const renamed = { ...morning, title: "Renamed afterwards", statusLabel: "Met", kindLabel: "Implementation" };
    const html = documentHTML(published, { lookupGoal: () => renamed, trustFrozenGoals: true });
    expect(html).toContain("Morning meetings in every class");
    expect(html).not.toContain("Renamed afterwards");
  });

  it("goes through the public sanitiser with its classes and words, without the goal's id", () => {
    const html = renderReportBody(published);
    expect(html).toBe(
      '<div data-goal-reference class="goal-ref"><span class="goal-ref-kind">Implementation goal</span><strong class="goal-ref-title">Morning meetings in every class</strong><span class="goal-ref-status">On track</span></div>',
    );
  });

  it("escapes markup in a goal's title: frozen words are text", () => {
    const hostile = { ...morning, title: '<img src=x onerror=alert(1)><script>alert(1)</script>"><a href="javascript:x">x</a>' };
    const html = renderReportBody(freezeGoalReferences(doc(goalBlock(morning.id)), [hostile]));
    expect(html).not.toMatch(/<img|<script|<a /);
    expect(html).toContain("&lt;script&gt;");
  });

  it("does not make the draft read as changed", () => {
    const draft = doc(goalBlock(morning.id));
    expect(draftChangedSince(draft, published)).toBe(false);
    // A version published before goal blocks were frozen has no frozen key at all.
    expect(draftChangedSince(draft, doc({ type: "goalReference", attrs: { goalId: morning.id } }))).toBe(false);
    expect(draftChangedSince(doc(goalBlock(attendance.id)), published)).toBe(true);
  });
});
