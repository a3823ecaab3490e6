import { describe, expect, it } from "vitest";
import { describeAuditEvent } from "./describe";

describe("describeAuditEvent", () => {
  it("names the actor and the record in plain words", () => {
    expect(describeAuditEvent({ action: "school.create", actorName: "Dana", details: { name: "Maple" } })).toBe("Dana added Maple");
    expect(describeAuditEvent({ action: "user.update", actorName: "Dana", details: { to: { name: "Luis" } } })).toBe("Dana changed Luis's access");
  });

  it("describes cycle work in words, not action codes", () => {
    expect(describeAuditEvent({ action: "cycle.create", actorName: "Luis", details: { startYear: 2026 } })).toBe("Luis opened the 2026–27 cycle");
    expect(describeAuditEvent({ action: "goal.create", actorName: "Grace", details: {} })).toBe("Grace added a goal");
    expect(describeAuditEvent({ action: "goal.create", actorName: "Grace", details: { after: { title: "Morning meetings" } } })).toBe(
      "Grace added the goal “Morning meetings”",
    );
    expect(describeAuditEvent({ action: "rubric.score", actorName: "Grace", details: {} })).toBe("Grace scored a rubric item");
    expect(describeAuditEvent({ action: "strategy.remove", actorName: "Grace", details: { before: { title: "Buy books" } } })).toBe(
      "Grace removed the strategy “Buy books”",
    );
    expect(describeAuditEvent({ action: "strategy.remove", actorName: "Grace", details: {} })).toBe("Grace removed a strategy");
  });

  it("falls back to the raw action for events it does not know", () => {
    expect(describeAuditEvent({ action: "cycle.close", actorName: null, details: null })).toBe("Cyclekeeper: cycle.close");
  });
});
