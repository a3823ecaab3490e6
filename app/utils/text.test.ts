// The text rule: what PostgreSQL cannot store is dropped from typed text and named in files; names lose bidi controls.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { dropUnstorable, firstUnstorableLine, nameText, stripBidiControls } from "./text";

describe("dropUnstorable", () => {
  it("drops NUL wherever it is and keeps every visible character", () => {
    expect(dropUnstorable("\u0000Grade\u0000 5 é 😀\u0000")).toBe("Grade 5 é 😀");
  });
  it("turns a lone surrogate into the replacement character but keeps surrogate pairs", () => {
    expect(dropUnstorable("a\ud800b\udc00c😀")).toBe("a\ufffdb\ufffdc😀");
  });
  it("leaves tabs and line breaks alone", () => {
    expect(dropUnstorable("a\tb\r\nc")).toBe("a\tb\r\nc");
  });
});

describe("firstUnstorableLine", () => {
  it("names the line of the first NUL", () => {
    expect(firstUnstorableLine("a,b\n1,2\n3,\u00004\n5,\u00006")).toBe(3);
    expect(firstUnstorableLine("\u0000")).toBe(1);
  });
  it("is null for clean text", () => {
    expect(firstUnstorableLine("a,b\n1,2\n")).toBeNull();
  });
});

describe("names", () => {
  it("lose right-to-left overrides, embeddings and isolates", () => {
    expect(stripBidiControls("Report\u202efdp.exe")).toBe("Reportfdp.exe");
    expect(stripBidiControls("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069Alder")).toBe("Alder");
  });
  it("keep right-to-left letters themselves", () => {
    expect(stripBidiControls("مدرسة النور")).toBe("مدرسة النور");
  });
  it("are stripped before the schema's own length check", () => {
    const schema = nameText(z.string().trim().min(2, "Use at least 2 characters."));
    expect(schema.safeParse("\u202e\u202e\u202eA").success).toBe(false);
    expect(schema.parse(" \u202eBirch ")).toBe("Birch");
  });
});
