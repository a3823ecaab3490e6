// The audit log reads imports, undos and new measures and groups in words.
import { describe, expect, it } from "vitest";
import { describeAuditEvent } from "~/modules/audit/describe";

describe("audit sentences for outcome data", () => {
  it("names the file, the row count and the new measure or group", () => {
    expect(describeAuditEvent({ action: "data.import", actorName: "Dana", details: { fileName: "fall.csv", rows: 12000 } })).toBe(
      "Dana imported outcome data from “fall.csv” (12,000 rows)",
    );
    expect(describeAuditEvent({ action: "data.import", actorName: "Dana", details: { fileName: "one.csv", rows: 1 } })).toBe("Dana imported outcome data from “one.csv” (1 row)");
    expect(describeAuditEvent({ action: "data.import_undo", actorName: "Luis", details: { fileName: "fall.csv" } })).toBe("Luis undid the import of “fall.csv”");
    expect(describeAuditEvent({ action: "measure.create", actorName: "Luis", details: { name: "Belonging" } })).toBe("Luis added the measure “Belonging”");
    expect(describeAuditEvent({ action: "student_group.create", actorName: null, details: {} })).toBe("Cyclekeeper added a student group");
  });
});
