// One factory per entity, writing real rows; each returns what a test needs to act as that record.
import { randomBytes } from "node:crypto";
import type { Database } from "#db/client.server";
import { districts, schoolMemberships, schools, users } from "#db/schema";
import { hashPassword } from "~/modules/people/password.server";
import { findOrCreatePerson } from "~/modules/people/people.server";
import type { Role } from "~/modules/people/permissions";
import type { SessionUser } from "~/modules/people/session.server";

export const TEST_PASSWORD = "correct horse battery";
let passwordHash: Promise<string> | undefined;
const knownHash = () => (passwordHash ??= hashPassword(TEST_PASSWORD));

const unique = () => randomBytes(4).toString("hex");

export async function makeDistrict(db: Database, overrides: Partial<typeof districts.$inferInsert> = {}) {
  const id = unique();
  const [district] = await db
    .insert(districts)
    .values({ slug: `district-${id}`, name: `Test District ${id}`, ...overrides })
    .returning();
  return district;
}

export async function makeSchool(db: Database, districtId: string, overrides: Partial<typeof schools.$inferInsert> = {}) {
  const [school] = await db
    .insert(schools)
    .values({ districtId, name: `School ${unique()}`, level: "elementary", ...overrides })
    .returning();
  return school;
}

export async function makeUser(
  db: Database,
  districtId: string,
  role: Role,
  options: { schoolIds?: string[]; email?: string; name?: string; status?: "active" | "invited" | "deactivated"; studentRecords?: boolean } = {},
) {
  // The same email in two districts is one person with two memberships (ADR 0035), as an invitation would make it.
  const person = await findOrCreatePerson(
    db,
    options.email ?? `${role}-${unique()}@example.test`,
    options.status === "invited" ? null : await knownHash(),
  );
  const [user] = await db
    .insert(users)
    .values({
      personId: person.id,
      districtId,
      role,
      email: person.email,
      name: options.name ?? `Test ${role.replace("_", " ")}`,
      status: options.status ?? "active",
      studentRecords: options.studentRecords ?? false,
      joinedAt: options.status === "invited" ? null : new Date(),
    })
    .returning();
  if (options.schoolIds?.length) {
    await db.insert(schoolMemberships).values(options.schoolIds.map((schoolId) => ({ userId: user.id, schoolId })));
  }
  return user;
}

/** The actor a domain function sees for a user row. */
export function actorOf(
  user: { id: string; personId: string; districtId: string; role: Role; email: string; name: string; studentRecords: boolean },
  schoolIds: string[] = [],
): SessionUser {
  return { ...user, schoolIds, districtCount: 1, districtName: "", districtSlug: "", timeZone: "UTC" };
}

/** A district with two schools and one active user per role; the school team serves the first school. */
export async function makeDistrictWithPeople(db: Database) {
  const district = await makeDistrict(db);
  const schoolA = await makeSchool(db, district.id, { name: `Alder Elementary ${unique()}` });
  const schoolB = await makeSchool(db, district.id, { name: `Birch Middle ${unique()}`, level: "middle" });
  const lead = await makeUser(db, district.id, "district_lead");
  const team = await makeUser(db, district.id, "district_team");
  const schoolTeam = await makeUser(db, district.id, "school_team", { schoolIds: [schoolA.id] });
  const board = await makeUser(db, district.id, "board");
  return { district, schoolA, schoolB, lead, team, schoolTeam, board };
}
