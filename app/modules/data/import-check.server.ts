// Checks a staged upload once per column mapping, in the background and a piece at a time with the event loop free
// between pieces, and keeps what it found (progress, counts, every checked row, every error) in the database, so the
// preview pages through stored results and the confirmation writes stored rows; neither reads the file again (ADR 0039).
import { and, asc, eq, gte, lt } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { importCheckParts, importChecks, importUploads, type ImportCheckStatus } from "#db/schema";
import { requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound } from "~/utils/errors";
import { yieldToEventLoop } from "~/utils/event-loop";
import { dataTerms, importFields, readCsvInPieces, rowChecker, sliceKey, type ColumnMapping, type DataTerm, type ImportRow, type RowChecker, type RowError } from "./import";
import { describeRows, type PreviewRow } from "./import-preview";
import { loadImportLookups } from "./import.server";
import { readStagedUpload, uploadKeyOf, type StagedUpload } from "./import-staging.server";

/** Characters of the file read between two yields: about 6 000 rows of a typical file, a few milliseconds' work. */
export const PIECE_CHARS = 64 * 1024;
/** Checked rows per stored part (about 400 kB of JSON): the confirmation reads a part at a time. */
export const ROWS_PER_PART = 10_000;
/** Errors per stored part; a preview page of errors reads one part. */
export const ERRORS_PER_PART = 1_000;
/** Errors a preview page lists. Divides ERRORS_PER_PART, so a page never spans two parts. */
export const ERRORS_PER_PAGE = 100;
/**
 * Errors kept per check. A file with more is the wrong file or the wrong mapping; its first 100 000 problems are
 * plenty to see why, and keeping eight per row of a million-row file would store hundreds of megabytes.
 */
export const ERRORS_KEPT = 100_000;
/** Sample rows the preview shows. */
export const SAMPLE_ROWS = 8;
/** A running check writes its heartbeat this often; one silent for STALE_MS died with its process and is started again. */
const HEARTBEAT_MS = 500;
export const STALE_MS = 30_000;

/** What a finished check found: the preview's counts and sample, and how its stored rows name ids. */
export interface CheckSummary {
  total: number;
  valid: number;
  badRows: number;
  errorCount: number;
  /** Errors stored (at most ERRORS_KEPT); the rest were counted only. */
  errorsKept: number;
  slices: number;
  sample: PreviewRow[];
  /** Stored rows name schools, groups and measures by their position in these lists. */
  ids: { schools: string[]; groups: string[]; measures: string[] };
  rowParts: number;
}

export type CheckView =
  | { id: string; status: "checking"; rowsDone: number; charsDone: number; charsTotal: number }
  | { id: string; status: "unreadable" | "failed"; error: string }
  | { id: string; status: "checked"; summary: CheckSummary };

/** The mapping as a key: each field's heading index, comma-separated, empty for none. */
export const mappingKey = (mapping: ColumnMapping) => importFields.map((f) => mapping[f] ?? "").join(",");

/** Checks running in this process, so tests and shutdown can wait for them. */
const running = new Set<Promise<void>>();

/** Resolves when every check this process is running has finished. */
export async function importChecksSettled() {
  while (running.size) await Promise.allSettled([...running]);
}

/** The staged upload behind a token, for its uploader in their district only (anyone else: not found). */
export async function openUpload(db: Database, actor: Actor, token: string): Promise<StagedUpload> {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  return (await readStagedUpload(db, { userId: actor.id, districtId: actor.districtId }, token)).staged;
}

/**
 * Where the check of an upload with a mapping stands. The first call starts it; later calls read its progress or
 * results. A check whose process died (its heartbeat stopped) is started again by whoever asks next, on any instance.
 */
export async function openCheck(db: Database, actor: Actor, staged: StagedUpload, mapping: ColumnMapping, options: { waitMs?: number } = {}): Promise<CheckView> {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  const tokenHash = uploadKeyOf(staged.token);
  const key = mappingKey(mapping);
  const [created] = await db.insert(importChecks).values({ tokenHash, mapping: key }).onConflictDoNothing().returning({ id: importChecks.id });
  let job: Promise<void> | null = null;
  if (created) job = startCheck(db, actor, created.id, tokenHash, mapping);
  let check = await findCheck(db, tokenHash, key);
  if (!check) throw new NotFound("upload");
  if (!job && check.status === "checking") {
    const [claimed] = await db
      .update(importChecks)
      .set({ heartbeatAt: new Date() })
      .where(and(eq(importChecks.id, check.id), eq(importChecks.status, "checking"), lt(importChecks.heartbeatAt, new Date(Date.now() - STALE_MS))))
      .returning({ id: importChecks.id });
    if (claimed) job = startCheck(db, actor, check.id, tokenHash, mapping);
  }
  // A small file is checked in well under a second: wait that long, so its preview comes without a progress page.
  if (job && (await Promise.race([job.then(() => true), new Promise<false>((resolve) => setTimeout(resolve, options.waitMs ?? 1_000, false))]))) {
    check = (await findCheck(db, tokenHash, key)) ?? check;
  }
  return viewOf(check);
}

async function findCheck(db: Database, tokenHash: string, key: string) {
  const [check] = await db
    .select()
    .from(importChecks)
    .where(and(eq(importChecks.tokenHash, tokenHash), eq(importChecks.mapping, key)));
  return check ?? null;
}

function viewOf(check: typeof importChecks.$inferSelect): CheckView {
  const status: ImportCheckStatus = check.status;
  if (status === "checked") return { id: check.id, status, summary: check.summary as CheckSummary };
  if (status === "unreadable" || status === "failed") return { id: check.id, status, error: check.error ?? "The file could not be checked." };
  return { id: check.id, status: "checking", rowsDone: check.rowsDone, charsDone: check.charsDone, charsTotal: check.charsTotal };
}

function startCheck(db: Database, actor: Actor, checkId: string, tokenHash: string, mapping: ColumnMapping) {
  const job = runCheck(db, actor, checkId, tokenHash, mapping).catch(async (error: Error) => {
    console.error(`import check ${checkId} stopped: ${error.stack ?? error.message}`);
    await db
      .update(importChecks)
      .set({ status: "failed", error: "Checking the file stopped because of a problem on our side. Upload the file again; if it happens again, tell your administrator." })
      .where(eq(importChecks.id, checkId))
      .catch(() => {});
  });
  running.add(job);
  void job.finally(() => running.delete(job));
  return job;
}

/** One stored row: [row, school (-1: district-wide), start year, term, grade, group, measure, n, value], ids by position. */
type StoredRow = [number, number, number, number, string, number, number, number, number];
/** One stored error: [row, field, column heading, reason]. */
type StoredError = [number, RowError["field"], string, string];

/** Reads and checks every row of the upload a piece at a time, storing rows and errors in parts as it goes. */
async function runCheck(db: Database, actor: Actor, checkId: string, tokenHash: string, mapping: ColumnMapping) {
  await db.delete(importCheckParts).where(eq(importCheckParts.checkId, checkId));
  const [upload] = await db.select({ text: importUploads.text }).from(importUploads).where(eq(importUploads.tokenHash, tokenHash));
  if (!upload) return; // discarded meanwhile; its checks went with it
  const text = upload.text;
  await db.update(importChecks).set({ charsTotal: text.length, charsDone: 0, rowsDone: 0, heartbeatAt: new Date() }).where(eq(importChecks.id, checkId));
  const lookups = await loadImportLookups(db, actor);
  const ids = { schools: lookups.schools.map((s) => s.id), groups: lookups.groups.map((g) => g.id), measures: lookups.measures.map((m) => m.id) };
  const position = (list: string[]) => new Map(list.map((id, i) => [id, i]));
  const schoolAt = position(ids.schools);
  const groupAt = position(ids.groups);
  const measureAt = position(ids.measures);
  const termAt = new Map(dataTerms.map((t, i) => [t, i]));

  let checker: RowChecker | null = null;
  let total = 0;
  let valid = 0;
  let badRows = 0;
  let errorCount = 0;
  let errorsKept = 0;
  const slices = new Set<string>();
  const sample: ImportRow[] = [];
  let rows: StoredRow[] = [];
  const errors: RowError[] = [];
  let rowParts = 0;
  let errorParts = 0;
  let lastBeat = Date.now();

  const storeRows = async () => {
    if (!rows.length) return;
    await db.insert(importCheckParts).values({ checkId, kind: "rows", seq: rowParts++, count: rows.length, payload: JSON.stringify(rows) });
    rows = [];
  };
  /** Stores full parts only, but for the last, so error n is always in part ⌊n / ERRORS_PER_PART⌋. */
  const storeErrors = async (all: boolean) => {
    while (errors.length >= ERRORS_PER_PART || (all && errors.length)) {
      const part = errors.splice(0, ERRORS_PER_PART);
      const payload: StoredError[] = part.map((e) => [e.row, e.field, e.column, e.reason]);
      await db.insert(importCheckParts).values({ checkId, kind: "errors", seq: errorParts++, count: part.length, payload: JSON.stringify(payload) });
    }
  };
  const keep = (found: RowError[]) => {
    errorCount += found.length;
    const room = ERRORS_KEPT - errorsKept;
    if (room > 0) {
      const kept = found.length > room ? found.slice(0, room) : found;
      errors.push(...kept);
      errorsKept += kept.length;
    }
  };

  for (const piece of readCsvInPieces(text, PIECE_CHARS)) {
    if (!piece.ok) {
      await db.update(importChecks).set({ status: "unreadable", error: piece.error }).where(eq(importChecks.id, checkId));
      return;
    }
    if (!checker) {
      checker = rowChecker(piece.headers, mapping, lookups);
      keep(checker.mappingErrors);
    }
    const found: RowError[] = [];
    for (const record of piece.records) {
      total++;
      const row = checker.check(record, found);
      if (!row) {
        badRows++;
        continue;
      }
      valid++;
      slices.add(sliceKey(row));
      if (sample.length < SAMPLE_ROWS) sample.push(row);
      rows.push([row.row, row.schoolId === null ? -1 : schoolAt.get(row.schoolId)!, row.startYear, termAt.get(row.term)!, row.grade, groupAt.get(row.studentGroupId)!, measureAt.get(row.measureId)!, row.n, row.value]);
    }
    keep(found);
    if (rows.length >= ROWS_PER_PART) await storeRows();
    await storeErrors(false);
    if (Date.now() - lastBeat >= HEARTBEAT_MS) {
      lastBeat = Date.now();
      await db.update(importChecks).set({ charsDone: piece.charsDone, rowsDone: total, heartbeatAt: new Date() }).where(eq(importChecks.id, checkId));
    }
    await yieldToEventLoop();
  }
  await storeRows();
  await storeErrors(true);
  const summary: CheckSummary = { total, valid, badRows, errorCount, errorsKept, slices: slices.size, sample: describeRows(sample, lookups), ids, rowParts };
  await db.update(importChecks).set({ status: "checked", summary, charsDone: text.length, rowsDone: total, heartbeatAt: new Date() }).where(eq(importChecks.id, checkId));
}

/** One page of a finished check's errors (1-based), from the one stored part that holds it. */
export async function readErrorPage(db: Database, checkId: string, page: number): Promise<RowError[]> {
  const first = (page - 1) * ERRORS_PER_PAGE;
  const [part] = await db
    .select({ payload: importCheckParts.payload })
    .from(importCheckParts)
    .where(and(eq(importCheckParts.checkId, checkId), eq(importCheckParts.kind, "errors"), eq(importCheckParts.seq, Math.floor(first / ERRORS_PER_PART))));
  if (!part) return [];
  const start = first % ERRORS_PER_PART;
  return (JSON.parse(part.payload) as StoredError[]).slice(start, start + ERRORS_PER_PAGE).map(([row, field, column, reason]) => ({ row, field, column, reason }));
}

/** Every stored error of a finished check, a part at a time (for the error file). */
export async function* storedErrors(db: Database, checkId: string): AsyncGenerator<RowError[]> {
  for (let seq = 0; ; seq++) {
    const [part] = await db
      .select({ payload: importCheckParts.payload })
      .from(importCheckParts)
      .where(and(eq(importCheckParts.checkId, checkId), eq(importCheckParts.kind, "errors"), eq(importCheckParts.seq, seq)));
    if (!part) return;
    yield (JSON.parse(part.payload) as StoredError[]).map(([row, field, column, reason]) => ({ row, field, column, reason }));
  }
}

/**
 * The rows a finished, clean check stored, typed again for writing, a part at a time with the event loop free
 * between parts. Refused (with the reason) when the check has not finished, found errors or found no rows.
 */
export async function readCheckedRows(db: Database, actor: Actor, staged: StagedUpload, mapping: ColumnMapping): Promise<ImportRow[]> {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  const check = await findCheck(db, uploadKeyOf(staged.token), mappingKey(mapping));
  if (!check) throw new Conflict("This file has not been checked with these columns yet. Preview it again.");
  const view = viewOf(check);
  if (view.status === "checking") throw new Conflict("The file is still being checked; wait until the check is done.");
  if (view.status !== "checked") throw new Conflict(view.error);
  const { summary } = view;
  if (summary.errorCount) {
    throw new Conflict(`The file has ${summary.errorCount.toLocaleString("en-US")} error${summary.errorCount === 1 ? "" : "s"}; nothing was imported. Fix them and upload the file again.`);
  }
  if (summary.valid === 0) throw new Conflict("The file has no rows to import.");
  const rows: ImportRow[] = [];
  for (let from = 0; from < summary.rowParts; from += 10) {
    const parts = await db
      .select({ seq: importCheckParts.seq, payload: importCheckParts.payload })
      .from(importCheckParts)
      .where(and(eq(importCheckParts.checkId, check.id), eq(importCheckParts.kind, "rows"), gte(importCheckParts.seq, from), lt(importCheckParts.seq, from + 10)))
      .orderBy(asc(importCheckParts.seq));
    for (const part of parts) {
      for (const [row, school, startYear, term, grade, group, measure, n, value] of JSON.parse(part.payload) as StoredRow[]) {
        rows.push({
          row,
          schoolId: school < 0 ? null : summary.ids.schools[school],
          startYear,
          term: dataTerms[term] as DataTerm,
          grade,
          studentGroupId: summary.ids.groups[group],
          measureId: summary.ids.measures[measure],
          n,
          value,
        });
      }
      await yieldToEventLoop();
    }
  }
  if (rows.length !== summary.valid) throw new Conflict("The checked rows of this file are incomplete. Preview it again.");
  return rows;
}

/** How far a running check has got, for the progress page: rows checked and the share of the file read. */
export function checkProgress(view: Extract<CheckView, { status: "checking" }>) {
  return { rowsDone: view.rowsDone, percent: view.charsTotal ? Math.min(99, Math.floor((view.charsDone / view.charsTotal) * 100)) : 0 };
}
