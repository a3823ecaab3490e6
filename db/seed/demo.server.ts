// The demo district a newcomer signs in to: Riverbend Unified, six schools, one account per role.
import { count, eq } from "drizzle-orm";
import { hashPassword } from "~/modules/people/password.server";
import type { Role } from "~/modules/people/permissions";
import type { Database } from "../client.server";
import { auditEvents, districts, schoolMemberships, schools, users } from "../schema";

export const DEMO_PASSWORD = "cyclekeeper-demo";

export const demoSchools = [
  { name: "Maple Elementary", level: "elementary" },
  { name: "Cedar Creek Elementary", level: "elementary" },
  { name: "Willow Park Elementary", level: "elementary" },
  { name: "Riverside Middle School", level: "middle" },
  { name: "Oak Hollow Middle School", level: "middle" },
  { name: "Riverbend High School", level: "high" },
] as const;

type DemoSchool = (typeof demoSchools)[number]["name"];

export const demoAccounts: { email: string; name: string; role: Role; label: string; schools: DemoSchool[]; studentRecords?: boolean }[] = [
  { email: "lead@riverbend.example", name: "Dana Okafor", role: "district_lead", label: "District SEL lead", schools: [], studentRecords: true },
  { email: "team@riverbend.example", name: "Luis Romero", role: "district_team", label: "District SEL team", schools: [] },
  {
    email: "principal@maple.riverbend.example",
    name: "Grace Lindqvist",
    role: "school_team",
    label: "School team, Maple Elementary",
    schools: ["Maple Elementary"],
  },
  {
    email: "coach@riverbend.example",
    name: "Samir Haddad",
    role: "school_team",
    label: "School team, Cedar Creek and Willow Park (two schools)",
    schools: ["Cedar Creek Elementary", "Willow Park Elementary"],
  },
  { email: "board@riverbend.example", name: "Patricia Nguyen", role: "board", label: "Board member (reads only)", schools: [] },
];

export async function isDatabaseEmpty(db: Database) {
  const [row] = await db.select({ n: count() }).from(districts);
  return row.n === 0;
}

export async function seedDemo(db: Database) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: districts.id }).from(districts).where(eq(districts.slug, "riverbend"));
    if (existing) throw new Error("the demo district is already loaded");
    const [district] = await tx
      .insert(districts)
      .values({ slug: "riverbend", name: "Riverbend Unified School District" })
      .returning();
    const schoolRows = await tx
      .insert(schools)
      .values(demoSchools.map((s) => ({ districtId: district.id, name: s.name, level: s.level })))
      .returning();
    const schoolId = (name: string) => schoolRows.find((s) => s.name === name)!.id;
    for (const account of demoAccounts) {
      const [user] = await tx
        .insert(users)
        .values({
          districtId: district.id,
          email: account.email,
          name: account.name,
          role: account.role,
          studentRecords: account.studentRecords ?? false,
          status: "active",
          passwordHash,
        })
        .returning();
      if (account.schools.length) {
        await tx.insert(schoolMemberships).values(account.schools.map((name) => ({ userId: user.id, schoolId: schoolId(name) })));
      }
    }
    await tx.insert(auditEvents).values({
      districtId: district.id,
      actorId: null,
      action: "district.seed_demo",
      entityType: "district",
      entityId: district.id,
      details: { schools: schoolRows.length, accounts: demoAccounts.length },
    });
    return district;
  });
}
