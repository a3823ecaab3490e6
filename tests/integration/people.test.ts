// People commands against a real database: invites, acceptance, role changes, deactivation, first run.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, invites, schoolMemberships, sessions, users } from "#db/schema";
import {
  acceptInvite,
  createFirstDistrict,
  getPerson,
  invitePerson,
  listPeople,
  renewInvite,
  setPersonActive,
  signIn,
  updatePerson,
} from "~/modules/people/people.server";
import { findSessionUser } from "~/modules/people/session.server";
import { Conflict, Forbidden, NotFound, ValidationFailed } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople, makeSchool, TEST_PASSWORD } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

const config = { sessionIdleMs: 30 * 60_000, sessionMaxMs: 12 * 3_600_000 };
const client = { ip: "192.0.2.10", userAgent: "vitest" };

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;

beforeAll(async () => {
  database = await createTestDatabase();
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
});
afterAll(() => database?.close());

const lead = () => actorOf(world.lead);

describe("invitations", () => {
  it("creates an invited school-team member with their schools and a one-time link that signs them in", async () => {
    const { person, token } = await invitePerson(
      database.db,
      lead(),
      { name: "Ana Reyes", email: "ana.reyes@example.test", role: "school_team", schoolIds: [world.schoolB.id], studentRecords: false },
      "192.0.2.1",
    );
    expect(person.status).toBe("invited");
    const [stored] = await database.db.select().from(invites).where(eq(invites.userId, person.id));
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.tokenHash).toHaveLength(64);

    const accepted = await acceptInvite(database.db, token, "a long new password", client, config);
    if (!accepted.ok) throw new Error("throttled");
    const me = await findSessionUser(database.db, accepted.token, config);
    expect(me).toMatchObject({ email: "ana.reyes@example.test", role: "school_team", schoolIds: [world.schoolB.id] });
    await expect(acceptInvite(database.db, token, "another password!!", client, config)).rejects.toThrow(NotFound);
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, person.id), eq(auditEvents.action, "user.invite")));
    expect(audit).toMatchObject({ actorId: world.lead.id, districtId: world.district.id, ip: "192.0.2.1" });
  });

  it("refuses an email that already has an account in this district, whatever its case", async () => {
    await expect(
      invitePerson(database.db, lead(), { name: "Dup", email: world.board.email.toUpperCase(), role: "board", schoolIds: [], studentRecords: false }),
    ).rejects.toMatchObject({ field: "email" });
  });

  it("refuses schools of another district without writing anything", async () => {
    const before = await database.db.select().from(users);
    await expect(
      invitePerson(database.db, lead(), {
        name: "Sneaky",
        email: "sneaky@example.test",
        role: "school_team",
        schoolIds: [elsewhere.schoolA.id],
        studentRecords: false,
      }),
    ).rejects.toThrow(ValidationFailed);
    expect(await database.db.select().from(users)).toHaveLength(before.length);
  });

  it("a renewed link replaces the old one", async () => {
    const { person, token } = await invitePerson(database.db, lead(), {
      name: "Renee",
      email: "renee@example.test",
      role: "board",
      schoolIds: [],
      studentRecords: true,
    });
    expect((await getPerson(database.db, lead(), person.id)).studentRecords).toBe(false); // board never gets student records
    const fresh = await renewInvite(database.db, lead(), person.id);
    await expect(acceptInvite(database.db, token, "a long new password", client, config)).rejects.toThrow(NotFound);
    await expect(acceptInvite(database.db, fresh, "a long new password", client, config)).resolves.toMatchObject({ ok: true, token: expect.any(String) });
  });

  it("only the lead may invite", async () => {
    await expect(
      invitePerson(database.db, actorOf(world.team), { name: "X", email: "x@example.test", role: "board", schoolIds: [], studentRecords: false }),
    ).rejects.toThrow(Forbidden);
  });
});

describe("changing access", () => {
  it("moves a person between roles and schools, and records what changed", async () => {
    const target = await invitePerson(database.db, lead(), {
      name: "Mover",
      email: "mover@example.test",
      role: "school_team",
      schoolIds: [world.schoolA.id],
      studentRecords: false,
    });
    await updatePerson(database.db, lead(), target.person.id, { name: "Mover", role: "district_team", schoolIds: [world.schoolA.id], studentRecords: true });
    const person = await getPerson(database.db, lead(), target.person.id);
    expect(person).toMatchObject({ role: "district_team", studentRecords: true, schools: [] });
    const memberships = await database.db.select().from(schoolMemberships).where(eq(schoolMemberships.userId, target.person.id));
    expect(memberships).toHaveLength(0);
  });

  it("keeps at least one active lead", async () => {
    await expect(
      updatePerson(database.db, lead(), world.lead.id, { name: world.lead.name, role: "board", schoolIds: [], studentRecords: false }),
    ).rejects.toThrow(Conflict);
    await expect(setPersonActive(database.db, lead(), world.lead.id, false)).rejects.toThrow(Conflict);
  });

  it("another district's person is not found", async () => {
    await expect(getPerson(database.db, lead(), elsewhere.board.id)).rejects.toThrow(NotFound);
    await expect(setPersonActive(database.db, lead(), elsewhere.board.id, false)).rejects.toThrow(NotFound);
  });

  it("deactivation ends sessions and blocks sign-in; reactivation restores it", async () => {
    const token = await signIn(database.db, { email: world.board.email, password: TEST_PASSWORD }, client, config);
    expect(token.ok).toBe(true);
    await setPersonActive(database.db, lead(), world.board.id, false);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, world.board.id))).toHaveLength(0);
    expect(await signIn(database.db, { email: world.board.email, password: TEST_PASSWORD }, { ip: "192.0.2.77" }, config)).toEqual({
      ok: false,
      reason: "invalid",
    });
    await setPersonActive(database.db, lead(), world.board.id, true);
    expect((await signIn(database.db, { email: world.board.email, password: TEST_PASSWORD }, { ip: "192.0.2.78" }, config)).ok).toBe(true);
  });

  it("lists the district's people only, each with their schools", async () => {
    const people = await listPeople(database.db, lead());
    expect(people.some((p) => p.id === elsewhere.lead.id)).toBe(false);
    expect(people.find((p) => p.id === world.schoolTeam.id)?.schools.map((s) => s.id)).toEqual([world.schoolA.id]);
  });

  it("a school team member can be given a newly added school", async () => {
    const added = await makeSchool(database.db, world.district.id, { name: "Zinnia K-8", level: "k8" });
    await updatePerson(database.db, lead(), world.schoolTeam.id, {
      name: world.schoolTeam.name,
      role: "school_team",
      schoolIds: [world.schoolA.id, added.id],
      studentRecords: false,
    });
    expect((await getPerson(database.db, lead(), world.schoolTeam.id)).schools.map((s) => s.name).sort()).toEqual(
      [world.schoolA.name, "Zinnia K-8"].sort(),
    );
  });
});

describe("first run", () => {
  it("creates a district only when there is none", async () => {
    await expect(
      createFirstDistrict(database.db, {
        districtName: "Late District",
        districtSlug: "late",
        name: "Late Lead",
        email: "late@example.test",
        password: "a long password",
      }),
    ).rejects.toThrow(Conflict);
    const fresh = await createTestDatabase({ catalog: true });
    try {
      const { district, lead: first } = await createFirstDistrict(fresh.db, {
        districtName: "Lakeside Schools",
        districtSlug: "lakeside",
        name: "First Lead",
        email: "first@lakeside.example",
        password: "a long password",
      });
      expect(district.slug).toBe("lakeside");
      expect(first).toMatchObject({ role: "district_lead", status: "active" });
      expect((await signIn(fresh.db, { email: "first@lakeside.example", password: "a long password" }, client, config)).ok).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
