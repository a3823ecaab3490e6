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

  it("describes a cycle's life: settings, start, decisions, closing and the next year", () => {
    expect(describeAuditEvent({ action: "cycle.update", actorName: "Luis", details: { changes: { phase: {} } } })).toBe("Luis changed a cycle's phase");
    expect(describeAuditEvent({ action: "cycle.update", actorName: "Luis", details: { changes: { midyearDate: {} } } })).toBe(
      "Luis changed a cycle's checkpoint dates",
    );
    expect(describeAuditEvent({ action: "cycle.start", actorName: "Luis", details: { startYear: 2026 } })).toBe("Luis started the 2026–27 cycle");
    expect(describeAuditEvent({ action: "cycle.decide", actorName: "Grace", details: { decisions: [{}] } })).toBe("Grace recorded year-end decisions for a goal");
    expect(describeAuditEvent({ action: "cycle.decide", actorName: "Grace", details: { decisions: [{}, {}], meetingId: "m-1" } })).toBe(
      "Grace recorded decisions in a reflection meeting for goals",
    );
    expect(describeAuditEvent({ action: "reflection.meeting.create", actorName: "Dana", details: { title: "Spring reflection" } })).toBe(
      "Dana planned the reflection meeting “Spring reflection”",
    );
    expect(describeAuditEvent({ action: "reflection.finding.add", actorName: "Dana", details: { kind: "challenge", title: "Spring reflection" } })).toBe(
      "Dana recorded a challenge in “Spring reflection”",
    );
    expect(describeAuditEvent({ action: "cycle.close", actorName: "Luis", details: { startYear: 2026 } })).toBe("Luis closed the 2026–27 cycle");
    expect(describeAuditEvent({ action: "cycle.launch", actorName: "Luis", details: { startYear: 2027, goalsCarried: 1 } })).toBe(
      "Luis opened the 2027–28 cycle, carrying forward 1 goal",
    );
  });

  it("describes plan downloads with the year, the school and the format", () => {
    expect(describeAuditEvent({ action: "plan.export", actorName: "Luis", details: { startYear: 2026, schoolName: null, format: "md" } })).toBe(
      "Luis downloaded the 2026–27 action plan as Markdown",
    );
    expect(describeAuditEvent({ action: "plan.export", actorName: "Grace", details: { startYear: 2026, schoolName: "Maple Elementary", format: "html" } })).toBe(
      "Grace downloaded the 2026–27 action plan for Maple Elementary as a web page",
    );
    expect(describeAuditEvent({ action: "plan.export", actorName: "Grace", details: { format: "exe" } })).toBe("Grace downloaded the action plan");
  });

  it("describes edits of the district's measures, groups and findings", () => {
    expect(describeAuditEvent({ action: "measure.update", actorName: "Luis", details: { name: "Belonging index" } })).toBe("Luis changed the measure “Belonging index”");
    expect(describeAuditEvent({ action: "student_group.update", actorName: "Luis", details: { from: { name: "Newcomer" }, to: { name: "Newcomers" } } })).toBe(
      "Luis renamed the student group “Newcomer” to “Newcomers”",
    );
    expect(describeAuditEvent({ action: "reflection.finding.update", actorName: "Grace", details: { title: "Fall inquiry" } })).toBe("Grace edited a finding in “Fall inquiry”");
  });

  it("falls back to the raw action for events it does not know", () => {
    expect(describeAuditEvent({ action: "cycle.archive", actorName: null, details: null })).toBe("Cyclekeeper: cycle.archive");
  });

  it("describes changes to the intervention catalog by the intervention's name", () => {
    const edit = (from: string, to: string) => ({ action: "student.catalog_edit", actorName: "Dana", details: { from: { name: from, description: "" }, to: { name: to, description: "x" } } });
    expect(describeAuditEvent(edit("Tutoring", "Academic tutoring"))).toBe("Dana renamed the intervention “Tutoring” to “Academic tutoring”");
    expect(describeAuditEvent(edit("Tutoring", "Tutoring"))).toBe("Dana changed the intervention “Tutoring” in the catalog");
    expect(describeAuditEvent({ action: "student.catalog_retire", actorName: "Dana", details: { name: "Tutoring" } })).toBe("Dana retired “Tutoring” from the intervention catalog");
    expect(describeAuditEvent({ action: "student.catalog_restore", actorName: "Dana", details: {} })).toBe("Dana brought an intervention back into the intervention catalog");
  });
});
