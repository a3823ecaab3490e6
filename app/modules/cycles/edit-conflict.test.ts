import { describe, expect, it } from "vitest";
import { goalConflictRows, strategyConflictRows, strategyInWords } from "./edit-conflict";

const options = {
  rubricItems: [
    { value: "item-1", label: "Shared SEL vision" },
    { value: "item-2", label: "Staff trust and community" },
  ],
  measures: [{ value: "measure-1", label: "Attendance — higher is better" }],
  schools: [
    { value: "school-a", label: "Alder" },
    { value: "school-b", label: "Birch" },
  ],
};

const saved = {
  kind: "implementation",
  title: "Adult SEL learning",
  description: "",
  relevance: "",
  population: "All students",
  inclusiveNote: "",
  equityNote: "",
  rubricItemId: "item-1",
  targetLevel: 3,
  targetCheckpoint: "endyear",
  measureId: null,
  baselineValue: null,
  targetValue: null,
  dueDate: null,
  mirrorScope: "chosen_schools",
  schoolIds: ["school-b", "school-a"],
  version: 2,
  savedBy: "Luis Romero",
};

const typed = {
  kind: "implementation",
  title: "Adult SEL learning",
  description: "",
  relevance: "",
  population: "All students ",
  inclusiveNote: "",
  equityNote: "",
  rubricItemId: "item-2",
  targetLevel: "3",
  targetCheckpoint: "midyear",
  mirrorScope: "chosen_schools",
  schoolIds: ["school-a", "school-b"],
  expectedVersion: "1",
};

describe("goalConflictRows", () => {
  it("lists only the fields that differ, in words, whatever their form", () => {
    expect(goalConflictRows(saved, typed, options)).toEqual([
      { field: "rubricItemId", label: "Rubric activity", saved: "Shared SEL vision", typed: "Staff trust and community" },
      { field: "targetCheckpoint", label: "By checkpoint", saved: "End of year", typed: "Mid-year" },
    ]);
  });

  it("names the schools, and ignores ticked schools when the goal is not shared with chosen schools", () => {
    expect(goalConflictRows(saved, { ...typed, rubricItemId: "item-1", targetCheckpoint: "endyear", schoolIds: "school-a" }, options)).toEqual([
      { field: "schoolIds", label: "Chosen schools", saved: "Alder, Birch", typed: "Alder" },
    ]);
    const unshared = { ...saved, mirrorScope: "all_schools", schoolIds: [] };
    expect(goalConflictRows(unshared, { ...typed, rubricItemId: "item-1", targetCheckpoint: "endyear", mirrorScope: "all_schools" }, options)).toEqual([]);
  });

  it("shows every field a change of kind touches, and leaves sharing out of a school's goals", () => {
    const outcome = { ...typed, kind: "outcome", rubricItemId: "", targetLevel: "", targetCheckpoint: "", measureId: "measure-1", targetValue: "70", dueDate: "2027-05-31" };
    const rows = goalConflictRows(saved, outcome, { ...options, schools: [] });
    expect(rows.map((r) => r.field)).toEqual(["kind", "rubricItemId", "targetLevel", "targetCheckpoint", "measureId", "targetValue", "dueDate"]);
    expect(rows.find((r) => r.field === "targetLevel")).toMatchObject({ saved: "3 — Mostly planned and implemented", typed: "(empty)" });
    expect(rows.find((r) => r.field === "dueDate")).toMatchObject({ saved: "(empty)", typed: "May 31, 2027" });
  });
});

describe("strategyConflictRows", () => {
  it("compares the four fields in words", () => {
    const theirs = { title: "Train coaches", ownerName: "Luis", dueDate: "2026-11-15", status: "in_progress", version: 3 };
    expect(strategyConflictRows(theirs, { title: "Train coaches", ownerName: "", dueDate: "2026-11-15", status: "done" })).toEqual([
      { field: "ownerName", label: "Owner", saved: "Luis", typed: "(empty)" },
      { field: "status", label: "Status", saved: "In progress", typed: "Done" },
    ]);
    expect(strategyInWords(theirs)).toEqual([
      { label: "Strategy", value: "Train coaches" },
      { label: "Owner", value: "Luis" },
      { label: "Due date", value: "November 15, 2026" },
      { label: "Status", value: "In progress" },
    ]);
  });
});
