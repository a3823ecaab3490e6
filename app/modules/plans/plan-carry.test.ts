import { describe, expect, it } from "vitest";
import { carryPlanContent } from "./plan-carry";

describe("carryPlanContent", () => {
  const doc = {
    type: "doc",
    content: [
      { type: "paragraph", content: [{ type: "text", text: "Action plan." }] },
      { type: "goalReference", attrs: { goalId: "old-1" } },
      { type: "goalReference", attrs: { goalId: "old-2" } },
      { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "Coach" }] }] }] },
    ],
  };

  it("points goal blocks at the goals that continue them and names the ones that ended, leaving the rest as it was", () => {
    const carried = carryPlanContent(doc, { next: new Map([["old-1", "new-1"]]), titles: new Map([["old-2", "Vision"]]) }, "2026–27", "2027–28");
    expect(carried.content?.[0]).toEqual({
      type: "paragraph",
      content: [{ type: "text", text: "Started from the 2026–27 action plan: update it for 2027–28.", marks: [{ type: "italic" }] }],
    });
    carried.content?.shift();
    expect(carried.content?.[1]).toEqual({ type: "goalReference", attrs: { goalId: "new-1" } });
    expect(carried.content?.[2]).toEqual({
      type: "paragraph",
      content: [{ type: "text", text: "“Vision” ended in 2026–27 and was not carried forward.", marks: [{ type: "italic" }] }],
    });
    expect(carried.content?.[0]).toEqual(doc.content[0]);
    expect(carried.content?.[3]).toEqual(doc.content[3]);
    // The year that closed keeps its own plan untouched.
    expect(doc.content[1]).toEqual({ type: "goalReference", attrs: { goalId: "old-1" } });
  });
});
