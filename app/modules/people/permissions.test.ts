import { describe, expect, it } from "vitest";
import { can, readableSchoolIds, requirePermission, seesStudentRecords, type Action, type Actor, type Role } from "./permissions";
import { Forbidden } from "~/utils/errors";

const district = "d-1";
const other = "d-2";
const actor = (role: Role, schoolIds: string[] = []): Actor => ({ id: `u-${role}`, districtId: district, role, studentRecords: false, schoolIds });

const everyAction: Action[] = ["district:read", "district:manage", "school:read", "school:manage", "people:manage", "audit:read"];

describe("can", () => {
  it("lets the district lead do everything in their own district and nothing in another", () => {
    for (const action of everyAction) {
      expect(can(actor("district_lead"), action, { districtId: district, schoolId: "s-1" })).toBe(true);
      expect(can(actor("district_lead"), action, { districtId: other, schoolId: "s-1" })).toBe(false);
    }
  });

  it("lets the district team and board read but never manage", () => {
    for (const role of ["district_team", "board"] as const) {
      expect(can(actor(role), "district:read", { districtId: district })).toBe(true);
      expect(can(actor(role), "school:read", { districtId: district, schoolId: "any" })).toBe(true);
      for (const action of ["district:manage", "school:manage", "people:manage", "audit:read"] as const) {
        expect(can(actor(role), action, { districtId: district })).toBe(false);
      }
    }
  });

  it("limits a school team to the schools it serves", () => {
    const principal = actor("school_team", ["s-1", "s-3"]);
    expect(can(principal, "school:read", { districtId: district, schoolId: "s-1" })).toBe(true);
    expect(can(principal, "school:read", { districtId: district, schoolId: "s-3" })).toBe(true);
    expect(can(principal, "school:read", { districtId: district, schoolId: "s-2" })).toBe(false);
    expect(can(principal, "school:read", { districtId: district })).toBe(false);
    expect(can(principal, "school:read", { districtId: other, schoolId: "s-1" })).toBe(false);
    expect(can(principal, "school:manage", { districtId: district, schoolId: "s-1" })).toBe(false);
    expect(can(principal, "people:manage", { districtId: district })).toBe(false);
  });

  it("requirePermission throws Forbidden exactly when can says no", () => {
    expect(() => requirePermission(actor("board"), "people:manage", { districtId: district })).toThrow(Forbidden);
    expect(() => requirePermission(actor("district_lead"), "people:manage", { districtId: district })).not.toThrow();
  });

  it("tells list queries which schools an actor may read", () => {
    expect(readableSchoolIds(actor("district_team"))).toBeNull();
    expect(readableSchoolIds(actor("school_team", ["s-9"]))).toEqual(["s-9"]);
  });
});

describe("outcome data", () => {
  it("everyone in the district reads aggregates (a school team its own school and the district's); only district SEL roles import", () => {
    for (const role of ["district_lead", "district_team", "board"] as const) {
      expect(can(actor(role), "data:read", { districtId: district, schoolId: "s-2" })).toBe(true);
    }
    const principal = actor("school_team", ["s-1"]);
    expect(can(principal, "data:read", { districtId: district })).toBe(true);
    expect(can(principal, "data:read", { districtId: district, schoolId: "s-1" })).toBe(true);
    expect(can(principal, "data:read", { districtId: district, schoolId: "s-2" })).toBe(false);
    expect(can(actor("district_lead"), "data:manage", { districtId: district })).toBe(true);
    expect(can(actor("district_team"), "data:manage", { districtId: district })).toBe(true);
    expect(can(actor("board"), "data:manage", { districtId: district })).toBe(false);
    expect(can(principal, "data:manage", { districtId: district, schoolId: "s-1" })).toBe(false);
    expect(can(actor("district_lead"), "data:read", { districtId: "another-district" })).toBe(false);
  });
});

describe("reflection protocols", () => {
  it("the district SEL roles keep the district's protocols; school teams and the board only read them", () => {
    expect(can(actor("district_lead"), "reflection:manage", { districtId: district })).toBe(true);
    expect(can(actor("district_team"), "reflection:manage", { districtId: district })).toBe(true);
    expect(can(actor("board"), "reflection:manage", { districtId: district })).toBe(false);
    expect(can(actor("school_team", ["s-1"]), "reflection:manage", { districtId: district })).toBe(false);
    expect(can(actor("school_team", ["s-1"]), "reflection:manage", { districtId: district, schoolId: "s-1" })).toBe(false);
    expect(can(actor("district_lead"), "reflection:manage", { districtId: other })).toBe(false);
  });
});

describe("cycles", () => {
  it("the district team edits the district's cycle but only reads school cycles", () => {
    expect(can(actor("district_team"), "cycle:edit", { districtId: district })).toBe(true);
    expect(can(actor("district_team"), "cycle:edit", { districtId: district, schoolId: "s-1" })).toBe(false);
    // Closing the year is the lead's alone, and only on the district's own cycle.
    expect(can(actor("district_lead"), "cycle:close", { districtId: district })).toBe(true);
    expect(can(actor("district_lead"), "cycle:close", { districtId: district, schoolId: "s-1" })).toBe(false);
    expect(can(actor("district_team"), "cycle:close", { districtId: district })).toBe(false);
    expect(can(actor("district_team"), "cycle:read", { districtId: district, schoolId: "s-1" })).toBe(true);
  });

  it("a school team edits its own school's cycle and reads the district's, nothing else", () => {
    const principal = actor("school_team", ["s-1"]);
    expect(can(principal, "cycle:edit", { districtId: district, schoolId: "s-1" })).toBe(true);
    expect(can(principal, "cycle:edit", { districtId: district })).toBe(false);
    expect(can(principal, "cycle:read", { districtId: district })).toBe(true);
    expect(can(principal, "cycle:read", { districtId: district, schoolId: "s-2" })).toBe(false);
  });

  it("board members read every cycle and edit none", () => {
    expect(can(actor("board"), "cycle:read", { districtId: district, schoolId: "s-2" })).toBe(true);
    expect(can(actor("board"), "cycle:edit", { districtId: district })).toBe(false);
    expect(can(actor("board"), "cycle:edit", { districtId: district, schoolId: "s-2" })).toBe(false);
  });
});

describe("student-level records", () => {
  const granted = (role: Role, schoolIds: string[] = []): Actor => ({ ...actor(role, schoolIds), studentRecords: true });
  const school = { districtId: district, schoolId: "s-1" };
  const recordActions = ["student:read", "student:work"] as const;

  it("a school team reads and works with its own school's students only, grant or not", () => {
    for (const action of recordActions) {
      expect(can(actor("school_team", ["s-1"]), action, school)).toBe(true);
      expect(can(actor("school_team", ["s-2"]), action, school)).toBe(false);
      expect(can(granted("school_team", ["s-2"]), action, school)).toBe(false);
      expect(can(actor("school_team", ["s-1"]), action, { districtId: other, schoolId: "s-1" })).toBe(false);
    }
    expect(seesStudentRecords(actor("school_team", ["s-1"]))).toBe(true);
  });

  it("district roles need the explicit grant, and then reach every school of their own district only", () => {
    for (const role of ["district_lead", "district_team"] as const) {
      for (const action of recordActions) {
        expect(can(actor(role), action, school)).toBe(false);
        expect(can(granted(role), action, school)).toBe(true);
        expect(can(granted(role), action, { districtId: other, schoolId: "s-1" })).toBe(false);
        // Student records always belong to a school: a district-level scope grants nothing.
        expect(can(granted(role), action, { districtId: district })).toBe(false);
      }
      expect(seesStudentRecords(actor(role))).toBe(false);
      expect(seesStudentRecords(granted(role))).toBe(true);
    }
  });

  it("board members never see student records, even with the grant set", () => {
    for (const action of [...recordActions, "student:delete", "student:settings", "student:access-log"] as const) {
      expect(can(granted("board"), action, school)).toBe(false);
      expect(can(granted("board"), action, { districtId: district })).toBe(false);
    }
    expect(seesStudentRecords(granted("board"))).toBe(false);
  });

  it("only the lead with the grant deletes a record; the lead sets thresholds and reviews the access log", () => {
    expect(can(granted("district_lead"), "student:delete", school)).toBe(true);
    expect(can(actor("district_lead"), "student:delete", school)).toBe(false);
    expect(can(granted("district_team"), "student:delete", school)).toBe(false);
    expect(can(actor("school_team", ["s-1"]), "student:delete", school)).toBe(false);
    for (const action of ["student:settings", "student:access-log"] as const) {
      expect(can(actor("district_lead"), action, { districtId: district })).toBe(true);
      expect(can(actor("district_lead"), action, { districtId: other })).toBe(false);
      expect(can(granted("district_team"), action, { districtId: district })).toBe(false);
      expect(can(actor("school_team", ["s-1"]), action, { districtId: district })).toBe(false);
    }
  });
});
