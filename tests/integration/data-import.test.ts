// Importing outcome data against a real database: all or nothing, idempotent re-imports, replace and undo,
// undo blocked by a later import, district scoping and roles; plus district measures and groups.
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, dataImports, observations } from "#db/schema";
import { guessMapping, parseCsv, validateRecords, type ImportRow } from "~/modules/data/import";
import { commitImport, listImports, loadImportLookups, undoImport } from "~/modules/data/import.server";
import { createMeasure, createStudentGroup, listMeasures } from "~/modules/data/measures.server";
import type { SessionUser } from "~/modules/people/session.server";
import { Conflict, Forbidden, NotFound } from "~/utils/errors";
import { actorOf, makeDistrictWithPeople } from "../factories";
import { IMPORT_HEADER, importRowsOf } from "../factories/imports";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let world: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let elsewhere: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
let lead: SessionUser;

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  world = await makeDistrictWithPeople(database.db);
  elsewhere = await makeDistrictWithPeople(database.db);
  lead = actorOf(world.lead);
});
afterAll(() => database?.close());

const HEADER = IMPORT_HEADER;

/** Rows for a file, validated as the import page does; throws if the file has errors. */
function rowsOf(lines: string[], actor: SessionUser = lead): Promise<ImportRow[]> {
  return importRowsOf(database.db, actor, lines);
}

async function currentValues() {
  const rows = await database.db
    .select({ schoolId: observations.schoolId, term: observations.term, grade: observations.grade, n: observations.n, value: observations.value, importId: observations.importId })
    .from(observations)
    .where(and(eq(observations.districtId, world.district.id), isNull(observations.replacedByImportId)));
  return rows.sort((a, b) => `${a.term}${a.grade}${a.schoolId}`.localeCompare(`${b.term}${b.grade}${b.schoolId}`));
}

const mean = "sel-growth-mindset-mean";
const school = () => world.schoolA.name;

describe("committing an import", () => {
  it("writes all rows in one import, audited, and a second identical import changes nothing and records nothing", async () => {
    const rows = await rowsOf([
      `${school()},2026-27,fall,all,all,${mean},120,3.4`,
      `${school()},2026-27,fall,3,all,${mean},40,3.1`,
      `district,2026-27,fall,all,all,${mean},900,3.3`,
    ]);
    const first = await commitImport(database.db, lead, { fileName: "fall.csv", rows });
    expect(first).toMatchObject({ status: "committed", rowsWritten: 3, slicesReplaced: 2, slicesUnchanged: 0, rowsReplaced: 0 });
    const before = await currentValues();
    expect(before).toHaveLength(3);

    const again = await commitImport(database.db, lead, { fileName: "fall (copy).csv", rows: await rowsOf([
      `district,2026-27,fall,all,all,${mean},900,3.3`,
      `${school().toUpperCase()},2026-27,fall,3,all,${mean},40,3.10`,
      `${school()},2026-27,fall,all,all,${mean},120,3.4`,
    ]) });
    expect(again).toEqual({ status: "unchanged", slices: 2 });
    expect(await currentValues()).toEqual(before);
    const imports = await database.db.select().from(dataImports).where(eq(dataImports.districtId, world.district.id));
    expect(imports.map((i) => i.fileName)).toEqual(["fall.csv"]);
    const audits = await database.db.select().from(auditEvents).where(and(eq(auditEvents.districtId, world.district.id), eq(auditEvents.action, "data.import")));
    expect(audits).toHaveLength(1);
    expect(audits[0].details).toMatchObject({ fileName: "fall.csv", rows: 3, slices: 2 });
  });

  it("re-importing a slice replaces it whole (rows missing from the new file go too) and leaves unchanged slices alone", async () => {
    const rows = await rowsOf([
      `${school()},2026-27,fall,all,all,${mean},125,3.6`,
      `district,2026-27,fall,all,all,${mean},900,3.3`,
    ]);
    const result = await commitImport(database.db, lead, { fileName: "fall-corrected.csv", rows });
    expect(result).toMatchObject({ status: "committed", rowsWritten: 1, slicesReplaced: 1, slicesUnchanged: 1, rowsReplaced: 2 });
    const current = await currentValues();
    expect(current.map((r) => [r.schoolId, r.grade, r.n, r.value])).toEqual([
      [world.schoolA.id, "all", 125, 3.6],
      [null, "all", 900, 3.3],
    ].sort((a, b) => `${a[1]}${a[0]}`.localeCompare(`${b[1]}${b[0]}`)));
    // Nothing was deleted: the replaced rows are kept, marked by the import that replaced them.
    const replaced = await database.db.select().from(observations).where(eq(observations.replacedByImportId, (result as { importId: string }).importId));
    expect(replaced.map((r) => r.n).sort()).toEqual([120, 40]);
  });

  it("undo of the last import restores the rows it replaced; undo of the earlier one is blocked while the later stands", async () => {
    const history = await listImports(database.db, lead);
    expect(history.map((h) => h.fileName)).toEqual(["fall-corrected.csv", "fall.csv"]);
    const [corrected, original] = history;
    expect(original.blockedBy?.fileName).toBe("fall-corrected.csv");
    expect(corrected.blockedBy).toBeNull();
    expect(original.slices).toContain(`${world.schoolA.name} · 2026–27 Fall · Growth mindset (mean score) (2 rows)`);

    const blocked = undoImport(database.db, lead, original.id);
    await expect(blocked).rejects.toThrow(Conflict);
    await expect(blocked).rejects.toThrow(/later import “fall-corrected.csv”/);

    const undone = await undoImport(database.db, lead, corrected.id);
    expect(undone).toEqual({ fileName: "fall-corrected.csv", rowsRemoved: 1, rowsRestored: 2 });
    expect((await currentValues()).map((r) => [r.grade, r.n]).sort()).toEqual([
      ["3", 40],
      ["all", 120],
      ["all", 900],
    ]);
    await expect(undoImport(database.db, lead, corrected.id)).rejects.toThrow(/already been undone/);
    const after = await listImports(database.db, lead);
    expect(after[0]).toMatchObject({ status: "undone", undoneBy: world.lead.name });
    expect(after[1].blockedBy).toBeNull();
    const audits = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "data.import_undo"));
    expect(audits.map((a) => a.entityId)).toEqual([corrected.id]);

    // Now the first import may go too, and the district has no current data left.
    await undoImport(database.db, lead, original.id);
    expect(await currentValues()).toEqual([]);
  });

  it("a database error part-way through leaves nothing behind: no rows, no import, no audit entry", async () => {
    const good = await rowsOf(Array.from({ length: 30 }, (_, i) => `${school()},2027-28,spring,${(i % 12) + 1},all,${mean},${10 + i},${(i % 4) + 1}`).filter((_, i) => i < 12));
    // The last row points at a student group that does not exist: the third chunk's insert fails on its foreign key.
    const broken: ImportRow[] = [...good, { ...good[0], grade: "all", studentGroupId: "00000000-0000-4000-8000-000000000000" }];
    const auditsBefore = (await database.db.select().from(auditEvents)).length;
    await expect(commitImport(database.db, lead, { fileName: "broken.csv", rows: broken }, { chunkSize: 5 })).rejects.toThrow();
    expect(await currentValues()).toEqual([]);
    expect((await database.db.select().from(dataImports).where(eq(dataImports.fileName, "broken.csv")))).toEqual([]);
    expect((await database.db.select().from(auditEvents)).length).toBe(auditsBefore);
  });

  it("writes a larger file in chunks and reads it back exactly", async () => {
    const lines: string[] = [];
    for (const term of ["fall", "winter", "spring"]) {
      for (const grade of ["all", "K", "1", "2", "3", "4", "5"]) {
        for (const group of ["all", "female", "male", "english-learners"]) {
          lines.push(`${school()},2028-29,${term},${grade},${group},${mean},${grade.length * 10 + 7},${(lines.length % 40) / 10 + 1}`);
        }
      }
    }
    const rows = await rowsOf(lines);
    const result = await commitImport(database.db, lead, { fileName: "big.csv", rows }, { chunkSize: 17 });
    expect(result).toMatchObject({ status: "committed", rowsWritten: lines.length });
    const stored = await database.db.select().from(observations).where(eq(observations.importId, (result as { importId: string }).importId));
    expect(stored).toHaveLength(lines.length);
    const fingerprint = (r: { term: string; grade: string; n: number; value: number }) => `${r.term}|${r.grade}|${r.n}|${Number(r.value)}`;
    expect(new Set(stored.map(fingerprint))).toEqual(new Set(rows.map(fingerprint)));
    await undoImport(database.db, lead, (result as { importId: string }).importId);
  });
});

describe("who may import", () => {
  it("board members and school teams cannot import, undo or see the history", async () => {
    const rows = await rowsOf([`${school()},2026-27,winter,all,all,${mean},120,3.4`]);
    for (const user of [actorOf(world.board), actorOf(world.schoolTeam, [world.schoolA.id])]) {
      await expect(commitImport(database.db, user, { fileName: "nope.csv", rows })).rejects.toThrow(Forbidden);
      await expect(listImports(database.db, user)).rejects.toThrow(Forbidden);
      await expect(loadImportLookups(database.db, user)).rejects.toThrow(Forbidden);
    }
    const team = await commitImport(database.db, actorOf(world.team), { fileName: "team.csv", rows });
    expect(team.status).toBe("committed");
    await expect(undoImport(database.db, actorOf(world.board), (team as { importId: string }).importId)).rejects.toThrow(Forbidden);
  });

  it("another district's import is not found, and its schools are unknown names", async () => {
    const [mine] = await listImports(database.db, lead);
    await expect(undoImport(database.db, actorOf(elsewhere.lead), mine.id)).rejects.toThrow(NotFound);
    const parsed = parseCsv(`${HEADER}\n${world.schoolA.name},2026-27,fall,all,all,${mean},10,3\n`);
    if (!parsed.ok) throw new Error(parsed.error);
    const result = validateRecords(parsed, guessMapping(parsed.headers), await loadImportLookups(database.db, actorOf(elsewhere.lead)));
    expect(result.errors.map((e) => e.field)).toEqual(["school"]);
    expect(await listImports(database.db, actorOf(elsewhere.lead))).toEqual([]);
  });
});

describe("district measures and groups", () => {
  it("a district adds a measure and a group that its files may then use; other districts do not see them", async () => {
    const measure = await createMeasure(database.db, lead, {
      name: "Belonging index",
      description: "",
      unit: "mean",
      direction: "higher_is_better",
      category: "custom",
      scaleMin: 0,
      scaleMax: 10,
    });
    expect(measure.slug).toBe("belonging-index");
    await createStudentGroup(database.db, lead, { name: "Newcomers" });
    await expect(createStudentGroup(database.db, lead, { name: "  english LEARNERS " })).rejects.toThrow(Conflict);
    await expect(
      createMeasure(database.db, lead, { name: "belonging index", description: "", unit: "mean", direction: "higher_is_better", category: "custom", scaleMin: 0, scaleMax: 5 }),
    ).rejects.toThrow(Conflict);
    const rows = await rowsOf([`district,2026-27,spring,all,newcomers,Belonging Index,25,7.5`]);
    expect(rows[0].measureId).toBe(measure.id);
    await expect(rowsOf([`district,2026-27,spring,all,newcomers,belonging-index,25,10.5`])).rejects.toThrow(/outside the scale/);
    await expect(rowsOf([`district,2026-27,spring,all,newcomers,belonging-index,25,7`], actorOf(elsewhere.lead))).rejects.toThrow(/Unknown student group.*Unknown measure/);
    expect((await listMeasures(database.db, actorOf(elsewhere.board))).some((m) => m.id === measure.id)).toBe(false);
    await expect(createMeasure(database.db, actorOf(world.board), { name: "Board's", description: "", unit: "mean", direction: "higher_is_better", category: "custom", scaleMin: 0, scaleMax: 5 })).rejects.toThrow(Forbidden);
    const audits = await database.db.select().from(auditEvents).where(eq(auditEvents.districtId, world.district.id));
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(["measure.create", "student_group.create"]));
  });
});
