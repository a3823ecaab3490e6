// The publishing check's matcher: students' full names (any case, any accents, whole words only) and district ids
// found in a report's text, and each place named by its section and paragraph.
import { describe, expect, it } from "vitest";
import { buildStudentMatcher, findStudentIdentifiers, type RosterEntry } from "./student-identifiers";

const roster: RosterEntry[] = [
  { studentId: "s-ana", localId: "RB-20931", givenName: "Ana María", familyName: "López García" },
  { studentId: "s-jo", localId: "771204", givenName: "Jo", familyName: "O'Brien" },
  { studentId: "s-hope", localId: "12", givenName: "Hope", familyName: "Rivers" },
  { studentId: "s-zoe", localId: "Z-9", givenName: "Zoë", familyName: "Ng" },
];
const matcher = buildStudentMatcher(roster);
const found = (text: string) => matcher.find(text).map((m) => [m.kind, m.text]);

describe("buildStudentMatcher", () => {
  it("finds full names in either order and their short forms, without case or accents", () => {
    expect(found("Thanks to ANA MARIA LOPEZ GARCIA and to lópez garcía, ana maría.")).toEqual([
      ["name", "ANA MARIA LOPEZ GARCIA"],
      ["name", "lópez garcía, ana maría"],
    ]);
    expect(found("Ana López improved; so did Ana María López and zoe ng.")).toEqual([
      ["name", "Ana López"],
      ["name", "Ana María López"],
      ["name", "zoe ng"],
    ]);
    expect(found("Jo O’Brien and jo o'brien")).toEqual([
      ["name", "Jo O’Brien"],
      ["name", "jo o'brien"],
    ]);
  });

  it("matches whole words only, and never a given or family name alone", () => {
    expect(found("We hope rivers of support reach every school")).toEqual([["name", "hope rivers"]]);
    expect(found("Hopeful rivers; Hope Riverside; Rivers alone; hope alone. Rivers. Hope")).toEqual([]);
    expect(found("Zoë Ng's mentor, and Rivers, Hope")).toEqual([
      ["name", "Zoë Ng's"],
      ["name", "Rivers, Hope"],
    ]);
    expect(found("Banana Lopezgarcia")).toEqual([]);
  });

  it("finds district ids as whole tokens, and marks short numeric ids as numbers the lead may confirm", () => {
    expect(found("Student rb-20931 (id 771204.) and RB-209310 and X771204")).toEqual([
      ["id", "rb-20931"],
      ["id", "771204"],
    ]);
    expect(found("12 students, z-9 again")).toEqual([
      ["number", "12"],
      ["id", "z-9"],
    ]);
  });

  it("gives the report's own words and their place in the text", () => {
    const [m] = matcher.find("Well done, ZOË NG!");
    expect(m).toMatchObject({ kind: "name", text: "ZOË NG", key: "name:zoe ng", start: 11, end: 17, studentIds: ["s-zoe"] });
  });

  it("reads a district's roster once and a long report in linear time (5 000 students × 2 000 paragraphs)", () => {
    const big: RosterEntry[] = Array.from({ length: 5000 }, (_, i) => ({ studentId: `s${i}`, localId: `D${100000 + i}`, givenName: `Given${i}`, familyName: `Family${i % 97}` }));
    const bigMatcher = buildStudentMatcher(big);
    const paragraph = "Attendance rose in every school this year, and the SEL team met monthly with families and staff. ";
    const text = Array.from({ length: 2000 }, () => paragraph).join("") + "Given4321 Family53 and D104999.";
    const found = bigMatcher.find(text);
    expect(found.map((m) => [m.kind, m.text, m.studentIds])).toEqual([
      ["name", "Given4321 Family53", ["s4321"]],
      ["id", "D104999", ["s4999"]],
    ]);
  });
});

describe("findStudentIdentifiers", () => {
  const doc = {
    type: "doc",
    content: [
      { type: "paragraph", content: [{ type: "text", text: "Intro without names." }] },
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "What we learned" }] },
      { type: "paragraph", content: [{ type: "text", text: "Nothing here." }] },
      {
        type: "bulletList",
        content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "Ana López " }, { type: "text", marks: [{ type: "bold" }], text: "(RB-20931)" }, { type: "text", text: " moved up." }] }] }],
      },
      {
        type: "dataBlock",
        attrs: {
          query: { kind: "goals", cycleId: "c", options: {} },
          note: "Zoe Ng's group",
          frozen: { title: "Goals", summary: "", columns: [], rows: [{ header: "Mentoring for Hope Rivers", cells: ["On track"] }], footnotes: [], asOf: "", chart: null },
        },
      },
      { type: "goalReference", attrs: { goalId: "g", frozen: { kind: "outcome", status: "met", kindLabel: "Outcome goal", title: "Jo O'Brien reads daily", statusLabel: "Met" } } },
    ],
  };

  it("names each place by section and paragraph, data block or goal block, with the match and words around it", () => {
    const places = findStudentIdentifiers(doc, "Report for Zoë Ng's family", matcher);
    expect(places.map((p) => [p.where, p.kind, p.match])).toEqual([
      ["Report title", "name", "Zoë Ng's"],
      ["Section “What we learned”, paragraph 2", "name", "Ana López"],
      ["Section “What we learned”, paragraph 2", "id", "RB-20931"],
      ["Section “What we learned”, data block “Goals”, note", "name", "Zoe Ng's"],
      ["Section “What we learned”, data block “Goals”, table", "name", "Hope Rivers"],
      ["Section “What we learned”, goal block", "name", "Jo O'Brien"],
    ]);
    expect(places[1]).toMatchObject({ before: "", match: "Ana López", after: " (RB-20931) moved up." });
  });

  it("finds nothing in a report that names no student", () => {
    expect(findStudentIdentifiers({ type: "doc", content: [doc.content[0], doc.content[1], doc.content[2]] }, "Annual report", matcher)).toEqual([]);
  });
});
