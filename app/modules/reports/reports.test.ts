// The workflow's pure rules: which step may start from which state, default titles and addresses, and whether a
// draft differs from what was published once frozen numbers are set aside.
import { describe, expect, it } from "vitest";
import { defaultReportTitle, draftChangedSince, nextState, publicReportPath, reportSlug, transitionRefusal, type ReportState, type ReportTransition, withoutNulCharacters } from "./reports";

describe("transitionRefusal", () => {
  const states: ReportState[] = ["draft", "in_review", "published", "retracted"];
  const allowed: Record<ReportTransition, ReportState[]> = {
    submit: ["draft", "published"],
    return: ["in_review"],
    publish: ["in_review", "published"],
    retract: ["published"],
  };
  for (const [step, from] of Object.entries(allowed) as [ReportTransition, ReportState[]][]) {
    for (const state of states) {
      it(`${step} from ${state} is ${from.includes(state) ? "allowed" : "refused with a reason"}`, () => {
        const refusal = transitionRefusal(step, state);
        if (from.includes(state)) expect(refusal).toBeNull();
        else expect(refusal).toMatch(/\w{4,}/);
      });
    }
  }

  it("leads each step to its state", () => {
    expect([nextState("submit"), nextState("return"), nextState("publish"), nextState("retract")]).toEqual(["in_review", "draft", "published", "retracted"]);
  });
});

describe("titles and addresses", () => {
  it("defaults a title by organisation, audience, year and language", () => {
    expect(defaultReportTitle("Riverbend School District", "2026–27", "board")).toBe("Riverbend School District SEL annual report 2026–27");
    expect(defaultReportTitle("Maple Elementary", "2026–27", "families")).toBe("Maple Elementary SEL annual report for families 2026–27");
    expect(defaultReportTitle("Maple Elementary", "2026–27", "board", "es")).toBe("Maple Elementary SEL annual report 2026–27 (Spanish)");
  });

  it("makes an address from any title: ASCII words joined by hyphens, never empty, at most 80 characters", () => {
    expect(reportSlug("Riverbend School District SEL annual report 2026–27")).toBe("riverbend-school-district-sel-annual-report-2026-27");
    expect(reportSlug("Informe anual de aprendizaje socioemocional — Año 2025")).toBe("informe-anual-de-aprendizaje-socioemocional-ano-2025");
    expect(reportSlug("中文")).toBe("report");
    const long = reportSlug("word ".repeat(40));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(publicReportPath("riverbend", "annual-2026", 2)).toBe("/r/riverbend/annual-2026/v/2");
  });
});

describe("draftChangedSince", () => {
  const block = (frozen: unknown) => ({ type: "dataBlock", attrs: { query: { kind: "goals", cycleId: "c", options: {} }, note: "", frozen } });
  const doc = (text: string, frozen: unknown = null) => ({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }, block(frozen)] });

  it("ignores frozen numbers and key order, and sees any change of text or note", () => {
    expect(draftChangedSince(doc("Same"), doc("Same", { title: "numbers", rows: [] }))).toBe(false);
    const reordered = { content: doc("Same").content, type: "doc" };
    expect(draftChangedSince(reordered, doc("Same"))).toBe(false);
    expect(draftChangedSince(doc("Edited"), doc("Same", { title: "numbers" }))).toBe(true);
    const annotated = { type: "doc", content: [doc("Same").content[0], { ...block(null), attrs: { ...block(null).attrs, note: "Our note" } }] };
    expect(draftChangedSince(annotated, doc("Same"))).toBe(true);
  });
});

describe("withoutNulCharacters", () => {
  it("drops U+0000 from every string of a document and leaves everything else as it was", () => {
    const content = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "a\u0000b", marks: [{ type: "link", attrs: { href: "https://x.example/\u0000" } }] }] }], n: 3, ok: true, none: null };
    expect(withoutNulCharacters(content)).toEqual({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "ab", marks: [{ type: "link", attrs: { href: "https://x.example/" } }] }] }], n: 3, ok: true, none: null });
    expect(JSON.stringify(withoutNulCharacters(content))).not.toContain("\\u0000");
  });
});
