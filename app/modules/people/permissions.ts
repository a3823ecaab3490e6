// The one place that decides who may do what: every loader and action asks `can` or `requirePermission`.
import { Forbidden } from "~/utils/errors";

export const roles = ["district_lead", "district_team", "school_team", "board"] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  district_lead: "District SEL lead",
  district_team: "District SEL team",
  school_team: "School team",
  board: "Board member",
};

export interface Actor {
  id: string;
  districtId: string;
  role: Role;
  studentRecords: boolean;
  /** Schools a school team member serves; empty for district roles. */
  schoolIds: string[];
}

export type Action =
  | "district:read"
  | "district:manage"
  | "school:read"
  | "school:manage"
  | "people:manage"
  | "audit:read"
  | "cycle:read"
  | "cycle:edit"
  // Closing a school year for the district and every school, and opening the next: the lead's call.
  | "cycle:close"
  // Aggregated outcome data: reading it (always suppressed below the district's minimum n) and importing it,
  // with the measures and benchmarks it is read against.
  | "data:read"
  | "data:manage"
  // The district's reflection protocols (guiding questions and data views): the district SEL roles keep them.
  | "reflection:manage"
  // Student-level records (ADR 0023): the school's own team, and district roles holding the "student records" grant.
  // Board members never, grant or not. Reading covers the weekly meeting, student pages and exports; working covers
  // imports, notes, plans, check-ins and relationships.
  | "student:read"
  | "student:work"
  // Deleting one student's record on request: the lead, with the grant.
  | "student:delete"
  // Thresholds, retention and the intervention catalog: district settings, no student in sight.
  | "student:settings"
  // Reviewing who looked at which student record.
  | "student:access-log"
  // Stakeholder reports: the district profile they start from (the lead's), drafting and co-editing a report of a
  // cycle one may edit, and publishing or retracting it (the lead's call, for the district's and schools' reports).
  // Reading a report also depends on its state: see canReadReport.
  | "report:profile"
  | "report:edit"
  | "report:publish";

/** What the action is about: always in a district, sometimes in one school (no school = the district's own work). */
export interface Scope {
  districtId: string;
  schoolId?: string | null;
}

/**
 * How far a grant reaches inside the actor's own district:
 * - district: anything in the district;
 * - districtLevel: the district's own work only (no school in scope);
 * - ownSchool: only schools the actor serves;
 * - ownSchoolOrDistrictLevel: both of the above (a school team reads the district's cycle and its own).
 */
type Reach = "district" | "districtLevel" | "ownSchool" | "ownSchoolOrDistrictLevel";

const grants: Record<Action, Partial<Record<Role, Reach>>> = {
  "district:read": { district_lead: "district", district_team: "district", board: "district", school_team: "district" },
  "district:manage": { district_lead: "district" },
  "school:read": { district_lead: "district", district_team: "district", board: "district", school_team: "ownSchool" },
  "school:manage": { district_lead: "district" },
  "people:manage": { district_lead: "district" },
  "audit:read": { district_lead: "district" },
  "cycle:read": { district_lead: "district", district_team: "district", board: "district", school_team: "ownSchoolOrDistrictLevel" },
  "cycle:edit": { district_lead: "district", district_team: "districtLevel", school_team: "ownSchool" },
  "cycle:close": { district_lead: "districtLevel" },
  "data:read": { district_lead: "district", district_team: "district", board: "district", school_team: "ownSchoolOrDistrictLevel" },
  "data:manage": { district_lead: "district", district_team: "district" },
  "reflection:manage": { district_lead: "districtLevel", district_team: "districtLevel" },
  "student:read": { district_lead: "district", district_team: "district", school_team: "ownSchool" },
  "student:work": { district_lead: "district", district_team: "district", school_team: "ownSchool" },
  "student:delete": { district_lead: "district" },
  "student:settings": { district_lead: "districtLevel" },
  "student:access-log": { district_lead: "districtLevel" },
  "report:profile": { district_lead: "districtLevel" },
  "report:edit": { district_lead: "district", district_team: "districtLevel", school_team: "ownSchool" },
  "report:publish": { district_lead: "district" },
};

/** Actions on student-level records: a district role needs the explicit grant on top of its role. */
const studentRecordActions = new Set<Action>(["student:read", "student:work", "student:delete"]);

function reaches(reach: Reach, actor: Actor, scope: Scope) {
  const districtLevel = !scope.schoolId;
  const ownSchool = Boolean(scope.schoolId && actor.schoolIds.includes(scope.schoolId));
  switch (reach) {
    case "district":
      return true;
    case "districtLevel":
      return districtLevel;
    case "ownSchool":
      return ownSchool;
    case "ownSchoolOrDistrictLevel":
      return districtLevel || ownSchool;
  }
}

export function can(actor: Actor, action: Action, scope: Scope): boolean {
  if (scope.districtId !== actor.districtId) return false;
  const reach = grants[action][actor.role];
  if (!reach) return false;
  if (studentRecordActions.has(action)) {
    // Student records always belong to a school; a district-level scope names no student.
    if (!scope.schoolId) return false;
    if (actor.role !== "school_team" && !actor.studentRecords) return false;
  }
  return reaches(reach, actor, scope);
}

export function requirePermission(actor: Actor, action: Action, scope: Scope) {
  if (!can(actor, action, scope)) throw new Forbidden();
}

/** The schools an actor may read: null means all of the district's. */
export function readableSchoolIds(actor: Actor): string[] | null {
  return actor.role === "school_team" ? actor.schoolIds : null;
}

/** Whether the actor may see any student-level records at all (for navigation; each page still checks its school). */
export function seesStudentRecords(actor: Actor): boolean {
  if (actor.role === "board") return false;
  if (actor.role === "school_team") return actor.schoolIds.length > 0;
  return actor.studentRecords;
}

/** A report as the permission rules need it: where it belongs and how far it has come. */
export interface ReportAccessFacts {
  districtId: string;
  schoolId: string | null;
  state: "draft" | "in_review" | "published" | "retracted";
  /** Whether the actor is one of the report's named reviewers. */
  isReviewer: boolean;
}

/**
 * Who may read a report's draft inside the app: whoever may edit it or publish it, and the district team, at any
 * state; while it is in review or after, board members and its named reviewers too. A draft is otherwise its authors'.
 */
export function canReadReport(actor: Actor, report: ReportAccessFacts): boolean {
  const scope = { districtId: report.districtId, schoolId: report.schoolId };
  if (scope.districtId !== actor.districtId) return false;
  if (can(actor, "report:edit", scope) || can(actor, "report:publish", scope)) return true;
  // The district team reads every school's work (as it reads their cycles), drafts included, to help them along.
  if (actor.role === "district_team") return true;
  if (report.state === "draft") return false;
  if (report.isReviewer) return true;
  return actor.role === "board";
}

/** Commenting follows reading: reviewers and board members comment on what they may read. */
export function canCommentOnReport(actor: Actor, report: ReportAccessFacts): boolean {
  return canReadReport(actor, report);
}
