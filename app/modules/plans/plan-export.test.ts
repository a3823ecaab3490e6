import type { JSONContent } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import type { GoalSummary } from "~/editor/goal-reference";
import { exportFilename, planFile, planText, type ExportContext } from "./plan-export";
import { planTemplate } from "./plan-template";

const goal: GoalSummary = { id: "g1", title: "Morning meetings <daily>", statusLabel: "On track", kindLabel: "Implementation" };
const context: ExportContext = {
  organisationName: "Riverbend School District",
  yearLabel: "2026–27",
  exportedOn: "November 23, 2026",
  exportedBy: `Dana "D" <Lee>`,
  lookupGoal: (id) => (id === goal.id ? goal : undefined),
};
const template = planTemplate({ organisationName: "Riverbend School District", yearLabel: "2026–27", goalIds: ["g1"] });

describe("file names", () => {
  it("says whose plan and which year, in plain ASCII", () => {
    expect(exportFilename("Riverbend School District", "2026–27", "md")).toBe("riverbend-school-district-action-plan-2026-27.md");
    expect(exportFilename("École Saint-Édouard (K–8)", "2026–27", "html")).toBe("ecole-saint-edouard-k-8-action-plan-2026-27.html");
    expect(exportFilename("  ", "2026–27", "txt")).toBe("action-plan-2026-27.txt");
    expect(exportFilename(`a"b/../c\r\nd`, "2026–27", "txt")).toBe("a-b-c-d-action-plan-2026-27.txt");
  });
});

describe("the HTML file", () => {
  const { body, contentType, filename } = planFile(template, "html", context);

  it("is a complete, standalone HTML5 document", () => {
    expect(contentType).toBe("text/html; charset=utf-8");
    expect(filename).toBe("riverbend-school-district-action-plan-2026-27.html");
    expect(body).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
    expect(body).toContain("<title>Riverbend School District action plan 2026–27</title>");
    expect(body).toContain("<h1>Riverbend School District · Action plan 2026–27</h1>");
    expect(body).toMatch(/<style>[\s\S]*@media print[\s\S]*<\/style>/);
    expect(body).not.toMatch(/<link|<script|src=/);
    expect(body).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(body.trimEnd().endsWith("</html>")).toBe(true);
  });

  it("escapes the names it writes around the plan", () => {
    expect(body).toContain("<footer><p>Exported from Cyclekeeper on November 23, 2026 by Dana &quot;D&quot; &lt;Lee&gt;</p></footer>");
    const evil = planFile(template, "html", { ...context, organisationName: "</title><script>alert(1)</script>" }).body;
    expect(evil).not.toContain("<script>");
    expect(evil).toContain("<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; action plan 2026–27</title>");
  });

  it("shows task boxes as a record, not a form", () => {
    expect(body).toContain('<input type="checkbox" disabled aria-label="Not done">');
    const done = planFile({ type: "doc", content: [{ type: "taskList", content: [{ type: "taskItem", attrs: { checked: true }, content: [{ type: "paragraph" }] }] }] }, "html", context);
    expect(done.body).toContain('<input type="checkbox" disabled checked aria-label="Done">');
  });
});

describe("the Markdown file", () => {
  it("has the title as its heading and who exported it at the end", () => {
    const { body, contentType } = planFile(template, "md", { ...context, organisationName: "Riverbend #1 *School*" });
    expect(contentType).toBe("text/markdown; charset=utf-8");
    expect(body.startsWith("# Riverbend \\#1 \\*School\\* · Action plan 2026–27\n\n")).toBe(true);
    expect(body).toContain("> **Implementation goal:** Morning meetings \\<daily\\> — On track");
    expect(body.endsWith(`---\n\n_Exported from Cyclekeeper on November 23, 2026 by Dana "D" \\<Lee\\>_\n`)).toBe(true);
  });
});

describe("the text file", () => {
  it("marks lists, tasks, tables and goals the way people type them", () => {
    const json: JSONContent = {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Roles" }] },
        { type: "paragraph", content: [{ type: "text", text: "line one" }, { type: "hardBreak" }, { type: "text", text: "line two" }] },
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "Dana" }] }] }] },
        { type: "orderedList", attrs: { start: 2 }, content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "second" }] }] }] },
        {
          type: "taskList",
          content: [
            { type: "taskItem", attrs: { checked: true }, content: [{ type: "paragraph", content: [{ type: "text", text: "done" }] }] },
            { type: "taskItem", attrs: { checked: false }, content: [{ type: "paragraph", content: [{ type: "text", text: "to do" }] }] },
          ],
        },
        { type: "blockquote", content: [{ type: "paragraph", content: [{ type: "text", text: "quoted" }] }] },
        {
          type: "table",
          content: [
            { type: "tableRow", content: ["When", "Who"].map((t) => ({ type: "tableHeader", content: [{ type: "paragraph", content: [{ type: "text", text: t }] }] })) },
            { type: "tableRow", content: ["Baseline", ""].map((t) => ({ type: "tableCell", content: [{ type: "paragraph", content: t ? [{ type: "text", text: t }] : [] }] })) },
          ],
        },
        { type: "goalReference", attrs: { goalId: "g1" } },
        { type: "goalReference", attrs: { goalId: "gone" } },
        { type: "horizontalRule" },
      ],
    };
    expect(planText(json, context.lookupGoal)).toBe(
      [
        "Roles",
        "line one\nline two",
        "- Dana",
        "2. second",
        "[x] done\n[ ] to do",
        "> quoted",
        "When | Who\nBaseline | ",
        "Implementation goal: Morning meetings <daily> (On track)",
        "Goal: a goal that is no longer in this cycle",
        "---",
      ].join("\n\n"),
    );
  });

  it("is titled and signed", () => {
    const { body, contentType } = planFile(template, "txt", context);
    expect(contentType).toBe("text/plain; charset=utf-8");
    expect(body.startsWith("Riverbend School District action plan 2026–27\n" + "=".repeat(45) + "\n\nAction plan of Riverbend School District for 2026–27.\n\nVision and priorities\n\n")).toBe(true);
    expect(body.endsWith(`\n\n--\nExported from Cyclekeeper on November 23, 2026 by Dana "D" <Lee>\n`)).toBe(true);
  });
});
