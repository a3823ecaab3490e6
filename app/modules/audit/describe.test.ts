import { describe, expect, it } from "vitest";
import { describeAuditEvent } from "./describe";

describe("describeAuditEvent", () => {
  it("names the actor and the record in plain words", () => {
    expect(describeAuditEvent({ action: "school.create", actorName: "Dana", details: { name: "Maple" } })).toBe("Dana added Maple");
    expect(describeAuditEvent({ action: "user.update", actorName: "Dana", details: { to: { name: "Luis" } } })).toBe("Dana changed Luis's access");
  });

  it("falls back to the raw action for events it does not know", () => {
    expect(describeAuditEvent({ action: "cycle.close", actorName: null, details: null })).toBe("Cyclekeeper: cycle.close");
  });
});
