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
  | "audit:read";

/** What the action is about: always in a district, sometimes in one school. */
export interface Scope {
  districtId: string;
  schoolId?: string | null;
}

const districtWide: Record<Role, ReadonlySet<Action>> = {
  district_lead: new Set<Action>(["district:read", "district:manage", "school:read", "school:manage", "people:manage", "audit:read"]),
  district_team: new Set<Action>(["district:read", "school:read"]),
  board: new Set<Action>(["district:read", "school:read"]),
  school_team: new Set<Action>(["district:read"]),
};

// School teams act only on the schools they serve.
const ownSchool: Partial<Record<Role, ReadonlySet<Action>>> = {
  school_team: new Set<Action>(["school:read"]),
};

export function can(actor: Actor, action: Action, scope: Scope): boolean {
  if (scope.districtId !== actor.districtId) return false;
  if (districtWide[actor.role].has(action)) return true;
  const own = ownSchool[actor.role];
  return Boolean(own?.has(action) && scope.schoolId && actor.schoolIds.includes(scope.schoolId));
}

export function requirePermission(actor: Actor, action: Action, scope: Scope) {
  if (!can(actor, action, scope)) throw new Forbidden();
}

/** The schools an actor may read: null means all of the district's. */
export function readableSchoolIds(actor: Actor): string[] | null {
  return actor.role === "school_team" ? actor.schoolIds : null;
}
