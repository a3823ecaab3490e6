import { describe, expect, it } from "vitest";
import { catalogConflictRows, catalogItemInWords, catalogKey, clashingItem, freeSlug } from "./catalog";

describe("catalogKey", () => {
  it("reads names that differ only in case, accents, spaces or punctuation as the same intervention", () => {
    expect(catalogKey("Check-in / check-out")).toBe(catalogKey("check in, check out"));
    expect(catalogKey("  Éducation  familiale ")).toBe("education-familiale");
    expect(catalogKey("Tutoring")).toBe("tutoring");
    expect(catalogKey("Tutoring")).not.toBe(catalogKey("Tutoring 2"));
  });

  it("keeps letters of any script, and tells apart names with no letters at all", () => {
    expect(catalogKey("同伴辅导")).toBe("同伴辅导");
    expect(catalogKey("同伴辅导")).not.toBe(catalogKey("学业辅导"));
    expect(catalogKey("!!")).not.toBe(catalogKey("??"));
  });
});

describe("freeSlug", () => {
  it("uses the name's key, or the first free number after it when a renamed item still holds the key", () => {
    expect(freeSlug("Tutoring", ["family-outreach"])).toBe("tutoring");
    expect(freeSlug("Tutoring", ["tutoring"])).toBe("tutoring-2");
    expect(freeSlug("Tutoring", ["tutoring", "tutoring-2", "tutoring-3"])).toBe("tutoring-4");
  });
});

describe("clashingItem", () => {
  const items = [
    { id: "a", name: "Tutoring" },
    { id: "b", name: "Family outreach" },
  ];
  it("finds another item meaning the same intervention, never the item being renamed", () => {
    expect(clashingItem(items, "family  OUTREACH!")?.id).toBe("b");
    expect(clashingItem(items, "tutoring", "a")).toBeUndefined();
    expect(clashingItem(items, "Family outreach", "a")?.id).toBe("b");
    expect(clashingItem(items, "Mentoring")).toBeUndefined();
  });
});

describe("conflict rows", () => {
  it("lists only the fields where the saved version and the typed one differ", () => {
    expect(catalogConflictRows({ name: "Tutoring", description: "" }, { name: "Tutoring ", description: "After school." })).toEqual([
      { field: "description", label: "Description", saved: "(empty)", typed: "After school." },
    ]);
    expect(catalogConflictRows({ name: "A", description: "x" }, { name: "A", description: "x" })).toEqual([]);
  });

  it("puts the saved version in words, status included, for a retirement that met a newer save", () => {
    expect(catalogItemInWords({ name: "Tutoring", description: "", active: false }).map((r) => [r.label, r.saved])).toEqual([
      ["Intervention", "Tutoring"],
      ["Description", "(empty)"],
      ["Status", "Retired"],
    ]);
  });
});
