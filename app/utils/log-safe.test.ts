// A logged error keeps what finds the bug (class, code, our SQL, where) and drops what the request carried.
import { describe, expect, it } from "vitest";
import { describeError, safeMessage } from "./log-safe";

const districtData = "Alder Elementary,2025-26,fall,all,all,attendance,30,0.9";

describe("describeError", () => {
  it("drops a failed query's parameters and keeps the statement, the cause and its code", () => {
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: "22021",
      detail: `Failing row contains (${districtData}).`,
      table_name: "import_staging",
    });
    const error = new Error(`Failed query: insert into "import_staging" ("text") values ($1)\nparams: ${districtData.repeat(1000)}`, { cause });
    error.name = "DrizzleQueryError";
    const line = describeError(error);
    expect(line).toContain('DrizzleQueryError: Failed query: insert into "import_staging" ("text") values ($1)');
    expect(line).toContain('caused by Error [22021]: invalid byte sequence for encoding "UTF8": 0x00 (table import_staging)');
    expect(line).not.toContain("Alder");
    expect(line).not.toContain("Failing row");
  });

  it("is bounded however long the message", () => {
    const line = describeError(new Error("x".repeat(5_000_000)));
    expect(line.split("\n")[0].length).toBeLessThan(400);
    expect(line).toContain("(5000000 characters)");
  });

  it("keeps a few stack frames, not the whole stack", () => {
    const frames = describeError(new Error("boom")).split("\n").slice(1);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThanOrEqual(8);
    expect(frames.every((f) => /^\s+at /.test(f))).toBe(true);
  });

  it("does not print a thrown value that is not an Error", () => {
    expect(describeError({ password: "hunter2", csv: districtData })).toBe("a thrown object (not an Error; its value is not logged)");
  });
});

describe("safeMessage", () => {
  it("puts a message on one line", () => {
    expect(safeMessage("a\nb\u0000c")).toBe("a b c");
  });
});
