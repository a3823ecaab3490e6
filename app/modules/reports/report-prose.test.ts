// The report's words without a database: seven headings per language, audience presets, numbers in sentences,
// Spanish that reads as Spanish, and the catalog's fallbacks.
import { describe, expect, it } from "vitest";
import type { JSONContent } from "@tiptap/core";
import { formatReportDate, reportLanguage, reportMessages } from "./report-messages";
import { audienceBlocks, buildReportDocument, type ReportFacts } from "./report-prose";

const facts: ReportFacts = {
  cycleId: "11111111-1111-4111-8111-111111111111",
  startYear: 2026,
  placeName: "Lakeside District",
  districtName: "Lakeside District",
  isSchool: false,
  profile: { selStatement: "SEL here means belonging.", history: "Began in 2020.", milestones: [{ startYear: 2021, text: "Board vote" }, { startYear: 2020, text: "First survey" }] },
  years: [2024, 2025, 2026],
  rubric: { checkpoint: "endyear", scored: 12, total: 14, mean: 2.6, adultMean: 2.2 },
  movement: [
    { startYear: 2025, checkpoint: "endyear", mean: 2.1 },
    { startYear: 2026, checkpoint: "endyear", mean: 2.6 },
  ],
  goals: [
    { title: "Coach every teacher", kind: "implementation", status: "met", mirrored: false, decision: "sustain", decisionNote: "It works.", strategies: [{ title: "Monthly coaching cycles", status: "done", ownerName: "Ana" }] },
    { title: "Raise belonging", kind: "outcome", status: "improving", mirrored: false, decision: null, decisionNote: "", strategies: [] },
  ],
  data: { measures: 5, schools: 13, totalSchools: 14, terms: ["fall", "spring"], sources: ["Student survey", "Attendance records"] },
  outcomes: { shown: 4, total: 5, atBenchmark: 3, withBenchmark: 4 },
  groups: { shown: 9, total: 12 },
  meetings: [{ title: "Spring reflection", heldOn: "2027-05-12", groups: ["students", "families"], people: 6, note: "Ten students joined." }],
  findings: [
    { kind: "success", summary: "Coaching changed practice." },
    { kind: "challenge", summary: "Belonging lags in grade 9." },
  ],
};

const textOf = (node: JSONContent): string => (node.text ?? "") + (node.content ?? []).map(textOf).join(" ");
const headings = (doc: JSONContent) => (doc.content ?? []).filter((n) => n.type === "heading" && n.attrs?.level === 2).map(textOf);
const blockKinds = (doc: JSONContent) => (doc.content ?? []).filter((n) => n.type === "dataBlock").map((n) => n.attrs?.query.kind);

describe("buildReportDocument", () => {
  it("writes the board's report with every number in its sentence and every block", () => {
    const doc = buildReportDocument(facts, "board", "en");
    expect(headings(doc)).toEqual(reportMessages("en").sections);
    const text = textOf(doc);
    expect(text).toContain("12 of 14 schools scored the implementation rubric at end of year 2026–27, with an average level of 2.6 of 4.");
    expect(text).toContain("2026–27 is Lakeside District's third year of the SEL cycle, after 2024–25, 2025–26.");
    expect(text).toContain("was 2.6 of 4 at end of year 2026–27, against 2.1 at end of year 2025–26.");
    expect(text).toContain("We set 2 goals this year: 1 about putting SEL in place (implementation) and 1 about students' results (outcomes). So far 1 is met, 1 is on track or improving, and 0 have no data yet.");
    expect(text).toContain("In 2026–27 we collected 5 measures from student survey and attendance records, in fall and spring, from 13 of 14 schools.");
    expect(text).toContain("Of 5 student results this year, 4 can be shown; 3 of the 4 with a benchmark are at or better than it.");
    expect(text).toContain("Results by student group are shown for 9 of 12 groups");
    expect(text).toContain("We held 1 reflection meeting on the data, with 6 team members and students and families.");
    expect(text).toContain("1 of 2 goals have a decision for next year.");
    expect(text).toContain("Coach every teacher: Keep it going — It works.");
    // Milestones in year order.
    expect(text.indexOf("2020–21: First survey")).toBeLessThan(text.indexOf("2021–22: Board vote"));
    expect(blockKinds(doc)).toEqual(audienceBlocks.board);
    for (const n of (doc.content ?? []).filter((x) => x.type === "dataBlock")) expect(n.attrs).toEqual({ query: { kind: n.attrs!.query.kind, cycleId: facts.cycleId, options: {} }, note: "", frozen: null });
  });

  it("gives families plain headings, short sentences and two blocks; staff the strategies and adult learning", () => {
    const families = buildReportDocument(facts, "families", "en");
    expect(headings(families)).toEqual(reportMessages("en").familySections);
    expect(blockKinds(families)).toEqual(["goals", "outcomes"]);
    const all = textOf(families);
    const plain = all.slice(all.indexOf(reportMessages("en").familySections[1]));
    expect(plain).not.toMatch(/rubric|benchmark|implementation|checkpoint/i);
    expect(plain).toContain("We set 2 goals this year. 1 is already met. 1 more is moving the right way.");
    const paragraphs: string[] = [];
    const collect = (n: JSONContent) => (n.type === "paragraph" ? paragraphs.push(textOf(n)) : n.content?.forEach(collect));
    (families.content ?? []).slice(families.content!.findIndex((n) => textOf(n) === reportMessages("en").familySections[1])).forEach(collect);
    const sentences = paragraphs.flatMap((p) => p.split(/(?<=\.)\s+/));
    expect(sentences.length).toBeGreaterThan(5);
    expect(Math.max(...sentences.map((s) => s.split(" ").length))).toBeLessThanOrEqual(25);
    const staff = textOf(buildReportDocument(facts, "staff", "en"));
    expect(staff).toContain("Monthly coaching cycles — done, led by Ana");
    expect(staff).toContain("Adult SEL and professional learning (focus area 2) stood at an average level of 2.2 of 4.");
    expect(blockKinds(buildReportDocument(facts, "staff", "en"))).not.toContain("outcome-groups");
  });

  it("writes Spanish with Spanish numbers, and falls back to English for other languages", () => {
    const doc = buildReportDocument(facts, "board", "es-MX");
    expect(headings(doc)).toEqual(reportMessages("es").sections);
    const text = textOf(doc);
    expect(text).toContain("12 de 14 escuelas evaluaron la rúbrica de implementación en el punto de control de fin de año de 2026–27, con un nivel medio de 2,6 de 4.");
    expect(text).toContain("Celebramos 1 reunión de reflexión sobre los datos, con 6 miembros del equipo y estudiantes y familias.");
    expect(headings(buildReportDocument(facts, "board", "de"))).toEqual(reportMessages("en").sections);
  });

  it("says what is missing instead of inventing it", () => {
    const bare = { ...facts, profile: { selStatement: "", history: "", milestones: [] }, meetings: [], findings: [], goals: [] };
    const text = textOf(buildReportDocument(bare, "board", "en"));
    expect(text).toContain("[To write: What SEL means here.");
    expect(text).toContain("No reflection meeting has been held yet this year.");
    expect(text).toContain("No findings have been recorded yet this year.");
  });
});

describe("report messages", () => {
  it("picks the catalog by language tag and formats dates in UTC", () => {
    expect(reportLanguage("es")).toBe("es");
    expect(reportLanguage("ES-419")).toBe("es");
    expect(reportLanguage("est")).toBe("en");
    expect(reportLanguage(null)).toBe("en");
    expect(formatReportDate("2026-11-18", "en")).toBe("18 November 2026");
    expect(formatReportDate("2026-11-18", "es")).toBe("18 de noviembre de 2026");
    expect(reportMessages("es").fewerThan(10)).toBe("Menos de 10 estudiantes");
    expect(reportMessages("en").sections).toHaveLength(7);
    expect(reportMessages("es").familySections).toHaveLength(7);
  });
});
