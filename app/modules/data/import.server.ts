// Committing, undoing and listing outcome-data imports, always inside the actor's district (ADR 0019).
import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { dataImports, measures, observations, schools, studentGroups, users } from "#db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound } from "~/utils/errors";
import { forEachInTurns, yieldToEventLoop } from "~/utils/event-loop";
import { countInSlice, dataTermLabels, rowFingerprint, sliceKey, type DataTerm, type ImportLookups, type ImportRow, type Slice } from "./import";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Rows per INSERT: each statement carries one array per column, so the statement count stays small. */
export const INSERT_CHUNK = 20_000;
/** Rows a loop over an import's rows handles before letting other work run (a few milliseconds' worth; ADR 0039). */
const TURN = 20_000;

/** The slices of the rows, computed in turns: a million rows take long enough to be felt by everyone else. */
async function slicesInTurns(rows: ImportRow[]): Promise<Slice[]> {
  const slices = new Map<string, Slice>();
  await forEachInTurns(rows, TURN, (r) => countInSlice(slices, r));
  return [...slices.values()];
}

/** The names the validator matches against: the district's schools (archived ones too), groups and measures. */
export async function loadImportLookups(db: Database, actor: Actor): Promise<ImportLookups> {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  const [schoolRows, groupRows, measureRows] = await Promise.all([
    db.select({ id: schools.id, name: schools.name }).from(schools).where(eq(schools.districtId, actor.districtId)).orderBy(asc(schools.name)),
    db
      .select({ id: studentGroups.id, slug: studentGroups.slug, name: studentGroups.name })
      .from(studentGroups)
      .where(or(isNull(studentGroups.districtId), eq(studentGroups.districtId, actor.districtId)))
      .orderBy(sql`${studentGroups.districtId} is not null`, asc(studentGroups.sortOrder)),
    db
      .select({ id: measures.id, slug: measures.slug, name: measures.name, unit: measures.unit, scaleMin: measures.scaleMin, scaleMax: measures.scaleMax })
      .from(measures)
      .where(or(isNull(measures.districtId), eq(measures.districtId, actor.districtId)))
      .orderBy(sql`${measures.districtId} is not null`, asc(measures.name)),
  ]);
  return { schools: schoolRows, groups: groupRows, measures: measureRows };
}

export type CommitResult =
  | { status: "unchanged"; slices: number }
  | { status: "committed"; importId: string; rowsWritten: number; slicesReplaced: number; slicesUnchanged: number; rowsReplaced: number };

/** A PostgreSQL array literal of the values, for passing a whole column as one text parameter. */
function arrayLiteral(values: (string | number | null)[]) {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    if (i) out += ",";
    const v = values[i];
    out += v === null ? "NULL" : typeof v === "number" ? String(v) : `"${v.replace(/["\\]/g, "\\$&")}"`;
  }
  return out + "}";
}

/** The slices as a table the queries below join against. */
function slicesTable(slices: Pick<Slice, "schoolId" | "startYear" | "term" | "measureId">[]) {
  return sql`unnest(
    (${arrayLiteral(slices.map((s) => s.schoolId ?? ""))}::text)::text[],
    (${arrayLiteral(slices.map((s) => s.startYear))}::text)::int[],
    (${arrayLiteral(slices.map((s) => s.term))}::text)::text[],
    (${arrayLiteral(slices.map((s) => s.measureId))}::text)::uuid[]
  ) as s(school, start_year, term, measure_id)`;
}

const sliceJoin = sql`o.measure_id = s.measure_id and o.start_year = s.start_year and o.term::text = s.term and coalesce(o.school_id::text, '') = s.school`;

/**
 * Writes validated rows as one import, all or nothing. Slices whose current rows are exactly the file's are left
 * alone; the others have their current rows marked replaced by this import and the file's rows inserted. When no
 * slice changes, nothing is written and no history entry is made: importing the same file twice changes nothing.
 */
/**
 * The rows were checked against each measure's scale before this transaction; a district measure's scale may have
 * been changed since (it may while nothing reads it). Under the district's lock, which measure edits take too, the
 * check holds until commit.
 */
async function assertWithinScales(tx: Tx, rows: ImportRow[], slices: Slice[]) {
  const ids = [...new Set(slices.map((s) => s.measureId))];
  const scales = await tx.select({ id: measures.id, name: measures.name, scaleMin: measures.scaleMin, scaleMax: measures.scaleMax }).from(measures).where(inArray(measures.id, ids));
  const byId = new Map(scales.map((m) => [m.id, m]));
  await forEachInTurns(rows, TURN, (row) => {
    const m = byId.get(row.measureId);
    if (m && (row.value < m.scaleMin || row.value > m.scaleMax)) {
      throw new Conflict(`The scale of “${m.name}” changed to ${m.scaleMin} to ${m.scaleMax} while this file waited, and row ${row.row} is outside it. Check the file again.`);
    }
  });
}

export async function commitImport(
  db: Database,
  actor: Actor,
  input: { fileName: string; rows: ImportRow[] },
  options: { ip?: string; chunkSize?: number } = {},
): Promise<CommitResult> {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  if (input.rows.length === 0) throw new Conflict("The file has no rows to import.");
  const chunkSize = options.chunkSize ?? INSERT_CHUNK;
  const allSlices = await slicesInTurns(input.rows);
  try {
    return await db.transaction(async (tx) => {
      // One import or undo at a time per district, so "is this slice unchanged" and "may this be undone" hold until commit.
      await tx.execute(sql`select id from district where id = ${actor.districtId} for update`);
      await assertWithinScales(tx, input.rows, allSlices);
      const changed = await changedSlices(tx, actor.districtId, allSlices, input.rows);
      if (changed.length === 0) return { status: "unchanged" as const, slices: allSlices.length };
      const changedKeys = new Set(changed.map(sliceKey));
      let rows = input.rows;
      if (changed.length < allSlices.length) {
        const kept: ImportRow[] = [];
        await forEachInTurns(input.rows, TURN, (r) => {
          if (changedKeys.has(sliceKey(r))) kept.push(r);
        });
        rows = kept;
      }

      const [created] = await tx
        .insert(dataImports)
        .values({ districtId: actor.districtId, fileName: input.fileName, rowCount: rows.length, slices: changed, importedBy: actor.id })
        .returning({ id: dataImports.id });
      const replaced = await tx.execute(sql`
        update observation o set replaced_by_import_id = ${created.id}
        from ${slicesTable(changed)}
        where o.district_id = ${actor.districtId} and o.replaced_by_import_id is null and ${sliceJoin}`);
      for (let start = 0; start < rows.length; start += chunkSize) {
        await insertChunk(tx, actor.districtId, created.id, rows.slice(start, start + chunkSize));
        await yieldToEventLoop();
      }
      await recordAudit(tx, {
        districtId: actor.districtId,
        actorId: actor.id,
        action: "data.import",
        entityType: "data_import",
        entityId: created.id,
        details: { fileName: input.fileName, rows: rows.length, slices: changed.length, replacedRows: affected(replaced) },
        ip: options.ip,
      });
      return {
        status: "committed" as const,
        importId: created.id,
        rowsWritten: rows.length,
        slicesReplaced: changed.length,
        slicesUnchanged: allSlices.length - changed.length,
        rowsReplaced: affected(replaced),
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict("Another import of the same data was saved while this one ran. Preview the file again.");
    throw error;
  }
}

function affected(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number; rowCount?: number };
  return Number(r.count ?? r.affectedRows ?? r.rowCount ?? 0);
}

function isUniqueViolation(error: unknown) {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === "23505") return true;
  return false;
}

/** One multi-row insert: each column travels as one array parameter and `unnest` turns them back into rows. */
async function insertChunk(tx: Tx, districtId: string, importId: string, rows: ImportRow[]) {
  await tx.execute(sql`
    insert into observation (district_id, import_id, school_id, start_year, term, grade, student_group_id, measure_id, n, value)
    select ${districtId}, ${importId}, r.school_id, r.start_year, r.term::data_term, r.grade, r.student_group_id, r.measure_id, r.n, r.value
    from unnest(
      (${arrayLiteral(rows.map((r) => r.schoolId))}::text)::uuid[],
      (${arrayLiteral(rows.map((r) => r.startYear))}::text)::int[],
      (${arrayLiteral(rows.map((r) => r.term))}::text)::text[],
      (${arrayLiteral(rows.map((r) => r.grade))}::text)::text[],
      (${arrayLiteral(rows.map((r) => r.studentGroupId))}::text)::uuid[],
      (${arrayLiteral(rows.map((r) => r.measureId))}::text)::uuid[],
      (${arrayLiteral(rows.map((r) => r.n))}::text)::int[],
      (${arrayLiteral(rows.map((r) => r.value))}::text)::numeric[]
    ) as r(school_id, start_year, term, grade, student_group_id, measure_id, n, value)`);
}

/** The slices whose current rows differ from the file's (different values, rows added or rows missing). */
async function changedSlices(tx: Tx, districtId: string, slices: Slice[], rows: ImportRow[]): Promise<Slice[]> {
  const current = new Map<string, Set<string>>();
  for (let start = 0; start < slices.length; start += 5_000) {
    const part = slices.slice(start, start + 5_000);
    const result = await tx.execute(sql`
      select o.school_id, o.start_year, o.term, o.grade, o.student_group_id, o.measure_id, o.n, o.value
      from observation o join ${slicesTable(part)} on ${sliceJoin}
      where o.district_id = ${districtId} and o.replaced_by_import_id is null`);
    await forEachInTurns(rowsOf(result), TURN, (raw) => {
      const r = {
        schoolId: (raw.school_id as string | null) ?? null,
        startYear: Number(raw.start_year),
        term: String(raw.term),
        grade: String(raw.grade),
        studentGroupId: String(raw.student_group_id),
        measureId: String(raw.measure_id),
        n: Number(raw.n),
        value: Number(raw.value),
      };
      const key = sliceKey(r);
      if (!current.has(key)) current.set(key, new Set());
      current.get(key)!.add(rowFingerprint(r));
    });
  }
  const same = new Map<string, number>();
  // Nothing stored for any of the file's slices (a first import): every slice changes, no row need be compared.
  if (current.size === 0) return slices;
  await forEachInTurns(rows, TURN, (r) => {
    const key = sliceKey(r);
    if (current.get(key)?.has(rowFingerprint(r))) same.set(key, (same.get(key) ?? 0) + 1);
  });
  return slices.filter((s) => {
    const key = sliceKey(s);
    const existing = current.get(key)?.size ?? 0;
    return !(existing === s.rows && same.get(key) === s.rows);
  });
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : ((result as { rows: Record<string, unknown>[] }).rows ?? []);
}

/** The import that replaced some of this import's rows and is still in force, if any: it must be undone first. */
async function laterImportOf(db: Database | Tx, importId: string) {
  const [later] = await db
    .select({ id: dataImports.id, fileName: dataImports.fileName, importedAt: dataImports.importedAt })
    .from(dataImports)
    .where(
      inArray(
        dataImports.id,
        db
          .selectDistinct({ id: observations.replacedByImportId })
          .from(observations)
          .where(and(eq(observations.importId, importId), sql`${observations.replacedByImportId} is not null`)),
      ),
    )
    .orderBy(desc(dataImports.importedAt))
    .limit(1);
  return later ?? null;
}

/**
 * Undoes an import: its rows go and the rows it replaced are current again. Refused while a later import has
 * replaced some of its rows, since undoing this one would then bring back data older than what is shown.
 */
export async function undoImport(db: Database, actor: Actor, importId: string, options: { ip?: string } = {}) {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select id from district where id = ${actor.districtId} for update`);
    const [found] = await tx
      .select()
      .from(dataImports)
      .where(and(eq(dataImports.id, importId), eq(dataImports.districtId, actor.districtId)));
    if (!found) throw new NotFound("import");
    if (found.status === "undone") throw new Conflict(`“${found.fileName}” has already been undone.`);
    const later = await laterImportOf(tx, importId);
    if (later) {
      throw new Conflict(
        `“${found.fileName}” cannot be undone: some of its rows were replaced by the later import “${later.fileName}” of ${formatWhen(later.importedAt)}. Undo that import first.`,
      );
    }
    const removed = await tx.delete(observations).where(eq(observations.importId, importId)).returning({ id: observations.id });
    const restored = await tx
      .update(observations)
      .set({ replacedByImportId: null })
      .where(eq(observations.replacedByImportId, importId))
      .returning({ id: observations.id });
    await tx.update(dataImports).set({ status: "undone", undoneBy: actor.id, undoneAt: new Date() }).where(eq(dataImports.id, importId));
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "data.import_undo",
      entityType: "data_import",
      entityId: importId,
      details: { fileName: found.fileName, rowsRemoved: removed.length, rowsRestored: restored.length },
      ip: options.ip,
    });
    return { fileName: found.fileName, rowsRemoved: removed.length, rowsRestored: restored.length };
  });
}

export function formatWhen(at: Date) {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export interface ImportHistoryEntry {
  id: string;
  fileName: string;
  rowCount: number;
  importedAt: string;
  importedBy: string;
  status: "committed" | "undone";
  undoneAt: string | null;
  undoneBy: string | null;
  slices: string[];
  blockedBy: { fileName: string; importedAt: string } | null;
}

/** The district's imports, newest first, with their slices in words and whether a later import blocks undo. */
export async function listImports(db: Database, actor: Actor, limit = 100): Promise<ImportHistoryEntry[]> {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  const undoer = sql<string | null>`(select name from app_user u2 where u2.id = ${dataImports.undoneBy})`;
  const found = await db
    .select({
      id: dataImports.id,
      fileName: dataImports.fileName,
      rowCount: dataImports.rowCount,
      importedAt: dataImports.importedAt,
      importedBy: users.name,
      status: dataImports.status,
      undoneAt: dataImports.undoneAt,
      undoneBy: undoer,
      slices: dataImports.slices,
    })
    .from(dataImports)
    .leftJoin(users, eq(users.id, dataImports.importedBy))
    .where(eq(dataImports.districtId, actor.districtId))
    .orderBy(desc(dataImports.importedAt))
    .limit(limit);
  if (found.length === 0) return [];
  const ids = found.map((f) => f.id);
  const [blockers, lookups] = await Promise.all([
    db
      .selectDistinct({ importId: observations.importId, by: observations.replacedByImportId })
      .from(observations)
      .where(and(inArray(observations.importId, ids), sql`${observations.replacedByImportId} is not null`)),
    loadImportLookups(db, actor),
  ]);
  const byId = new Map(found.map((f) => [f.id, f]));
  const schoolName = new Map(lookups.schools.map((s) => [s.id, s.name]));
  const measureName = new Map(lookups.measures.map((m) => [m.id, m.name]));
  const blockerOf = new Map<string, { fileName: string; importedAt: Date }>();
  for (const b of blockers) {
    if (!b.by) continue;
    const later = byId.get(b.by) ?? (await db.select().from(dataImports).where(eq(dataImports.id, b.by)))[0];
    const known = blockerOf.get(b.importId);
    if (later && (!known || later.importedAt > known.importedAt)) blockerOf.set(b.importId, later);
  }
  return found.map((f) => {
    const blocker = blockerOf.get(f.id);
    return {
      id: f.id,
      fileName: f.fileName,
      rowCount: f.rowCount,
      importedAt: formatWhen(f.importedAt),
      importedBy: f.importedBy ?? "Someone who has left",
      status: f.status,
      undoneAt: f.undoneAt ? formatWhen(f.undoneAt) : null,
      undoneBy: f.undoneBy,
      slices: f.slices.map(
        (s) =>
          `${s.schoolId ? (schoolName.get(s.schoolId) ?? "A school") : "District-wide"} · ${schoolYearLabel(s.startYear)} ${dataTermLabels[s.term as DataTerm] ?? s.term} · ${measureName.get(s.measureId) ?? "a measure"} (${s.rows} row${s.rows === 1 ? "" : "s"})`,
      ),
      blockedBy: blocker ? { fileName: blocker.fileName, importedAt: formatWhen(blocker.importedAt) } : null,
    };
  });
}

