import type { JSONContent } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { documentJSONFromUpdate, documentMarkdown, updateFromJSON } from "~/editor/document";
import { editorSchema } from "~/editor/extensions";
import { planSections, planTemplate } from "./plan-template";

const context = { organisationName: "Riverbend School District", yearLabel: "2026–27", goalIds: ["goal-a", "goal-b", "goal-c"] };

const sectionOf = (json: JSONContent, title: string) => {
  const nodes = json.content ?? [];
  const start = nodes.findIndex((node) => node.type === "heading" && node.content?.[0]?.text === title);
  const end = nodes.findIndex((node, i) => i > start && node.type === "heading");
  return nodes.slice(start + 1, end === -1 ? undefined : end);
};

describe("the plan template", () => {
  it("has the seven sections in order, as level-2 headings", () => {
    const headings = (planTemplate(context).content ?? []).filter((node) => node.type === "heading");
    expect(headings.map((node) => node.content?.[0]?.text)).toEqual([
      "Vision and priorities",
      "Goals and strategies",
      "Timeline",
      "Roles and responsibilities",
      "Resources",
      "Communication plan",
      "How we will monitor progress",
    ]);
    expect(planSections).toHaveLength(7);
    expect(headings.every((node) => node.attrs?.level === 2)).toBe(true);
  });

  it("names the organisation and year, and references the cycle's goals in order in the goals section", () => {
    const json = planTemplate(context);
    expect(json.content?.[0]).toEqual({ type: "paragraph", content: [{ type: "text", text: "Action plan of Riverbend School District for 2026–27." }] });
    const goals = sectionOf(json, "Goals and strategies").filter((node) => node.type === "goalReference");
    expect(goals.map((node) => node.attrs?.goalId)).toEqual(["goal-a", "goal-b", "goal-c"]);
    // Nowhere else.
    expect((json.content ?? []).filter((node) => node.type === "goalReference")).toHaveLength(3);
  });

  it("says how to add goals when the cycle has none", () => {
    const section = sectionOf(planTemplate({ ...context, goalIds: [] }), "Goals and strategies");
    expect(section.some((node) => node.type === "goalReference")).toBe(false);
    expect(JSON.stringify(section)).toContain("No goals yet");
  });

  it("is valid in the editor's schema and survives the trip through Yjs unchanged", () => {
    const json = planTemplate(context);
    const node = editorSchema().nodeFromJSON(json);
    expect(() => node.check()).not.toThrow();
    expect(documentJSONFromUpdate(updateFromJSON(json))).toEqual(node.toJSON());
  });

  it("exports as Markdown with its table, tasks and goal lines", () => {
    const markdown = documentMarkdown(planTemplate(context), {
      lookupGoal: (id) => ({ id, title: `Goal ${id}`, statusLabel: "No data yet", kindLabel: "Outcome" }),
    });
    expect(markdown).toContain("> **Outcome goal:** Goal goal-a — No data yet");
    expect(markdown).toMatch(/\| When +\| What happens +\| Who leads \|/);
    expect(markdown).toContain("- [ ] Share the plan with all staff");
  });
});
