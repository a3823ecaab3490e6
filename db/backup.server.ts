// Logical backup and restore of the whole database, the same on embedded PGlite and PostgreSQL and portable
// between them: a gzip-compressed NDJSON file of every public table's rows (see docs/decisions/0007-backup-format.md).
import { sql, type SQL } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import zlib from "node:zlib";
import { migrationsFolder as defaultMigrationsFolder, type DatabaseHandle, type DatabaseKind } from "./client.server";

export const BACKUP_FORMAT = "cyclekeeper-backup";
/**
 * 2: the gzip stream is followed by a seal, a fixed-length line with its length and SHA-256 (ADR 0038), so restore
 * refuses a truncated or altered file before it reads a row. Version 1 files (no seal) still restore: they are first
 * read through once, to their end marker, before anything is loaded.
 */
export const BACKUP_VERSION = 2;
const READABLE_VERSIONS = [1, 2];
/** `CKSEAL <length of the gzip stream, 16 digits> <sha256 of it, 64 hex>\n`: 89 bytes at the very end of the file. */
const SEAL_PREFIX = "CKSEAL ";
const SEAL_BYTES = SEAL_PREFIX.length + 16 + 1 + 64 + 1;
/** Rows read per query while dumping: memory stays bounded however big a table is. */
const PAGE_ROWS = 1000;
/** Rows (and at most this many bytes of JSON) sent per insert while restoring. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

/** A backup or restore refused or failed for a reason worth one clear line. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

/** One applied drizzle migration, as drizzle records it: the SQL file's hash and the journal's `when`. */
export interface MigrationRecord {
  hash: string;
  created_at: number;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: DatabaseKind;
  serverVersion: string;
  migrations: MigrationRecord[];
  /** Every table in the file, in the order its section appears: referenced tables before referencing ones. */
  tables: string[];
}

/** Opens a table's section; exactly `rows` row lines follow. */
export interface TableSection {
  table: string;
  columns: string[];
  rows: number;
}

export interface SequenceState {
  name: string;
  last_value: string;
  is_called: boolean;
}

export interface BackupFooter {
  end: true;
  counts: Record<string, number>;
  sequences: SequenceState[];
}

export interface TableCount {
  table: string;
  rows: number;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  source: DatabaseKind;
  tables: TableCount[];
  elapsedMs: number;
}

export interface RestoreSummary {
  file: string;
  source: DatabaseKind;
  createdAt: string;
  tables: TableCount[];
  /** Migrations applied after the rows were loaded, to bring an older backup up to this version's schema. */
  upgradedThrough: number;
  warnings: string[];
  elapsedMs: number;
}

export interface ForeignKey {
  name: string;
  table: string;
  references: string;
  deferrable: boolean;
  deferred: boolean;
}

type Row = Record<string, unknown>;
/** Runs SQL with $1-style parameters and returns the rows. */
type Exec = <T extends Row = Row>(text: string, params?: unknown[]) => Promise<T[]>;

// ---------------------------------------------------------------------------------------------------------------
// Pure pieces

export function quoteIdent(name: string) {
  return `"${name.replace(/"/g, '""')}"`;
}

const qualified = (table: string) => `"public".${quoteIdent(table)}`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Orders tables so every table comes after the tables it references (Kahn's algorithm, ties by name so the
 * order is stable). Self references are ignored; tables caught in a cycle are appended by name, and restore
 * defers the foreign keys that point forward.
 */
export function sortTablesByDependencies(tables: string[], foreignKeys: Pick<ForeignKey, "table" | "references">[]): string[] {
  const known = new Set(tables);
  const needs = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const fk of foreignKeys) {
    if (fk.table !== fk.references && known.has(fk.table) && known.has(fk.references)) needs.get(fk.table)!.add(fk.references);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort();
  while (remaining.length) {
    let index = remaining.findIndex((t) => [...needs.get(t)!].every((dep) => placed.has(dep)));
    if (index === -1) index = 0; // a cycle: break it at the first name
    const [next] = remaining.splice(index, 1);
    order.push(next);
    placed.add(next);
  }
  return order;
}

/** Foreign keys that restore must defer: they point at a table loaded later than (or at the same time as) theirs. */
export function forwardForeignKeys<T extends Pick<ForeignKey, "table" | "references">>(order: string[], foreignKeys: T[]): T[] {
  const position = new Map(order.map((t, i) => [t, i]));
  return foreignKeys.filter((fk) => {
    const from = position.get(fk.table);
    if (from === undefined) return false;
    const to = position.get(fk.references);
    return to === undefined || to >= from;
  });
}

export interface MigrationPlan {
  /** "load": bring the target to the backup's migrations, load, then upgrade; "ahead": the target's schema is newer. */
  mode: "load" | "ahead";
  /** How many of this version's migrations the target must have before the rows go in. */
  loadAt: number;
}

/**
 * Decides how a backup taken at migrations `backup` goes into a target at `target`, with `code` the migrations this
 * version ships. Migrations are matched by their journal time, as drizzle does (hashes change with line endings).
 */
export function planMigrations(backup: MigrationRecord[], target: MigrationRecord[], code: MigrationRecord[], describe = describeMigration): MigrationPlan {
  const same = (a: MigrationRecord, b: MigrationRecord) => Number(a.created_at) === Number(b.created_at);
  const prefixOf = (a: MigrationRecord[], b: MigrationRecord[]) => a.length <= b.length && a.every((m, i) => same(m, b[i]));
  if (!backup.length) throw new BackupError("the backup has no migrations recorded; it was not taken from a Cyclekeeper database");
  if (!prefixOf(backup, code)) {
    const unknown = backup.find((m, i) => !code[i] || !same(m, code[i]))!;
    throw new BackupError(
      `the backup was made by a newer or different version of Cyclekeeper (its migration ${describe(unknown)} is not in this version); upgrade Cyclekeeper before restoring`,
    );
  }
  if (!prefixOf(target, code)) {
    throw new BackupError("the target database was migrated by a newer or different version of Cyclekeeper; restore into a fresh database");
  }
  if (prefixOf(target, backup)) return { mode: "load", loadAt: backup.length };
  return { mode: "ahead", loadAt: target.length };
}

export function describeMigration(m: MigrationRecord) {
  const when = Number(m.created_at);
  return Number.isFinite(when) ? `of ${new Date(when).toISOString()}` : String(m.created_at);
}

/** Validates the first line of a backup file. */
export function parseHeader(line: string | undefined, file: string): BackupHeader {
  let header: Partial<BackupHeader>;
  try {
    header = JSON.parse(line ?? "");
  } catch {
    throw new BackupError(`${file} is not a Cyclekeeper backup (its first line is not a backup header)`);
  }
  if (!header || header.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a Cyclekeeper backup (unknown format)`);
  if (!READABLE_VERSIONS.includes(header.version as number)) {
    throw new BackupError(
      `${file} is in backup format version ${header.version}, which this version of Cyclekeeper cannot read (it reads versions ${READABLE_VERSIONS.join(" and ")})`,
    );
  }
  if (!Array.isArray(header.tables) || !Array.isArray(header.migrations)) throw new BackupError(`${file} has a damaged header`);
  return header as BackupHeader;
}

/** A column of type json keeps its text verbatim, newlines included; outside strings they are only white space. */
export function oneLine(json: string) {
  return /[\r\n]/.test(json) ? json.replace(/[\r\n]/g, " ") : json;
}

/** A summary table for the command line. */
export function formatCounts(tables: TableCount[]) {
  const width = Math.max(5, ...tables.map((t) => t.table.length));
  const numbers = Math.max(4, ...tables.map((t) => String(t.rows).length));
  const total = tables.reduce((n, t) => n + t.rows, 0);
  return [
    `  ${"table".padEnd(width)}  ${"rows".padStart(numbers)}`,
    ...tables.map((t) => `  ${t.table.padEnd(width)}  ${String(t.rows).padStart(numbers)}`),
    `  ${"total".padEnd(width)}  ${String(total).padStart(numbers)}`,
  ].join("\n");
}

export function formatBytes(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the catalog (through whichever executor: a transaction or the handle)

/** `text` with $n markers as a drizzle SQL object, for running through a drizzle transaction. */
function toSql(text: string, params: unknown[]): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    chunks.push(sql.raw(text.slice(last, match.index)));
    chunks.push(sql`${sql.param(params[Number(match[1]) - 1])}`);
    last = match.index! + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks);
}

function transactionExec(tx: { execute(query: SQL): Promise<unknown> }): Exec {
  return async <T extends Row = Row>(text: string, params: unknown[] = []) => {
    const result = (await tx.execute(toSql(text, params))) as T[] | { rows: T[] };
    return Array.isArray(result) ? result : result.rows;
  };
}

const handleExec = (database: DatabaseHandle): Exec => (text, params) => database.query(text, params);

async function listTables(exec: Exec): Promise<string[]> {
  const rows = await exec<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`,
  );
  return rows.map((r) => r.name);
}

async function listForeignKeys(exec: Exec): Promise<ForeignKey[]> {
  return exec<ForeignKey & Row>(
    `select con.conname as name, src.relname as "table", dst.relname as "references",
            con.condeferrable as deferrable, con.condeferred as deferred
     from pg_constraint con
     join pg_class src on src.oid = con.conrelid join pg_namespace ns on ns.oid = src.relnamespace
     join pg_class dst on dst.oid = con.confrelid join pg_namespace nd on nd.oid = dst.relnamespace
     where con.contype = 'f' and con.conparentid = 0 and ns.nspname = 'public' and nd.nspname = 'public'
     order by src.relname, con.conname`,
  );
}

interface ColumnInfo {
  name: string;
  generated: boolean;
  identityAlways: boolean;
}

async function listColumns(exec: Exec, table: string): Promise<ColumnInfo[]> {
  const rows = await exec<{ name: string; generated: boolean; identity_always: boolean }>(
    `select a.attname as name, a.attgenerated <> '' as generated, a.attidentity = 'a' as identity_always
     from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [qualified(table)],
  );
  return rows.map((r) => ({ name: r.name, generated: r.generated, identityAlways: r.identity_always }));
}

async function primaryKey(exec: Exec, table: string): Promise<string[]> {
  const rows = await exec<{ name: string }>(
    `select a.attname as name from pg_index i
     join unnest(i.indkey::int2[]) with ordinality as k(attnum, position) on true
     join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
     where i.indrelid = $1::regclass and i.indisprimary order by k.position`,
    [qualified(table)],
  );
  return rows.map((r) => r.name);
}

async function countRows(exec: Exec, table: string) {
  const [row] = await exec<{ n: string }>(`select count(*)::text as n from ${qualified(table)}`);
  return Number(row.n);
}

async function appliedMigrations(exec: Exec): Promise<MigrationRecord[]> {
  const [present] = await exec<{ present: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!present.present) return [];
  const rows = await exec<{ hash: string; created_at: string }>(
    `select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by created_at, id`,
  );
  return rows.map((r) => ({ hash: r.hash, created_at: Number(r.created_at) }));
}

async function readSequences(exec: Exec): Promise<SequenceState[]> {
  const names = await exec<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'S' order by c.relname`,
  );
  const states: SequenceState[] = [];
  for (const { name } of names) {
    const [state] = await exec<{ last_value: string; is_called: boolean }>(
      `select last_value::text as last_value, is_called from ${qualified(name)}`,
    );
    states.push({ name, last_value: state.last_value, is_called: state.is_called });
  }
  return states;
}

/** The first table with rows, if any. */
async function firstNonEmpty(exec: Exec, tables: string[]) {
  for (const table of tables) {
    const [row] = await exec<{ any: boolean }>(`select exists (select from ${qualified(table)}) as any`);
    if (row.any) return { table, rows: await countRows(exec, table) };
  }
  return undefined;
}

function notEmptyError(found: { table: string; rows: number }) {
  return new BackupError(
    `the target database is not empty (table ${found.table} has ${plural(found.rows, "row")}); restore needs an empty database`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Migrations

/** This version's migrations, as drizzle would record them. */
export function codeMigrations(folder = defaultMigrationsFolder): MigrationRecord[] {
  return readMigrationFiles({ migrationsFolder: folder }).map((m) => ({ hash: m.hash, created_at: m.folderMillis }));
}

/** Applies the first `count` migrations of `folder` (all by default) that the database does not have yet. */
export async function migrateDatabase(database: DatabaseHandle, folder = defaultMigrationsFolder, count?: number) {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  let source = folder;
  let scratch: string | undefined;
  if (count !== undefined && count < journal.entries.length) {
    // drizzle applies a whole folder; a copy holding only the first `count` entries stops it part-way.
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cyclekeeper-migrations-"));
    fs.mkdirSync(path.join(scratch, "meta"));
    const entries = journal.entries.slice(0, count);
    fs.writeFileSync(path.join(scratch, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
    for (const entry of entries) fs.copyFileSync(path.join(folder, `${entry.tag}.sql`), path.join(scratch, `${entry.tag}.sql`));
    source = scratch;
  }
  try {
    if (database.kind === "pglite") await migratePglite(database.db as never, { migrationsFolder: source });
    else await migratePostgres(database.db as never, { migrationsFolder: source });
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Backup

/**
 * Writes every row of every public table to `file` from one consistent snapshot. The file appears only once it is
 * complete: rows go to a temporary file next to it that is renamed at the end.
 */
export async function writeBackup(database: DatabaseHandle, file: string, options: { overwrite?: boolean } = {}): Promise<BackupSummary> {
  const started = performance.now();
  const target = path.resolve(file);
  if (!options.overwrite && fs.existsSync(target)) throw new BackupError(`${target} already exists`);
  removeAbandonedPartials(target);
  // The pid in the name lets the next backup tell a partial file whose writer is gone from one still being written.
  const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
  partialsInProgress.add(partial);
  const gzip = zlib.createGzip();
  // Owner-only: the file holds password and session hashes.
  const output = fs.createWriteStream(partial, { flags: "wx", flush: true, mode: 0o600 });
  const piping = pipeline(gzip, output);
  piping.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const write = async (chunk: string) => {
    if (gzip.destroyed) throw new BackupError(`writing ${partial} failed`);
    if (!gzip.write(chunk)) await Promise.race([once(gzip, "drain"), piping]);
  };

  try {
    const tables = await database.db.transaction(
      async (tx) => {
        const exec = transactionExec(tx);
        // Output settings that make every value's text exact and readable back whatever the server's defaults.
        await exec(`set local extra_float_digits = 3`);
        await exec(`set local bytea_output = 'hex'`);
        await exec(`set local intervalstyle = 'postgres'`);
        const migrations = await appliedMigrations(exec);
        if (!migrations.length) {
          throw new BackupError(`the database at ${database.location} has no Cyclekeeper migrations applied: nothing to back up (check DATA_DIR or DATABASE_URL)`);
        }
        const order = sortTablesByDependencies(await listTables(exec), await listForeignKeys(exec));
        const [{ server_version }] = await exec<{ server_version: string }>(`select current_setting('server_version') as server_version`);
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          createdAt: new Date().toISOString(),
          source: database.kind,
          serverVersion: server_version,
          migrations,
          tables: order,
        };
        await write(JSON.stringify(header) + "\n");

        const counts: TableCount[] = [];
        for (const table of order) {
          const columns = await listColumns(exec, table);
          const rows = await countRows(exec, table);
          const section: TableSection = { table, columns: columns.map((c) => c.name), rows };
          await write(JSON.stringify(section) + "\n");
          const written = await dumpRows(exec, table, write);
          if (written !== rows) throw new BackupError(`table ${table} changed while it was read (${rows} rows counted, ${written} read)`);
          counts.push({ table, rows });
        }
        const footer: BackupFooter = {
          end: true,
          counts: Object.fromEntries(counts.map((c) => [c.table, c.rows])),
          sequences: await readSequences(exec),
        };
        await write(JSON.stringify(footer) + "\n");
        return counts;
      },
      { isolationLevel: "repeatable read", accessMode: "read only" },
    );
    gzip.end();
    await piping;
    await sealBackupFile(partial);
    if (!options.overwrite && fs.existsSync(target)) throw new BackupError(`${target} already exists`);
    fs.renameSync(partial, target);
    return { file: target, bytes: fs.statSync(target).size, source: database.kind, tables, elapsedMs: performance.now() - started };
  } catch (error) {
    gzip.destroy();
    await piping.catch(() => {});
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    partialsInProgress.delete(partial);
  }
}

/** Partial files this process is writing now: removed by removePartialsNow() when the process is told to stop. */
const partialsInProgress = new Set<string>();

/** Removes the partial files of backups in progress (SIGINT/SIGTERM in server/cli/backup.ts): they hold password hashes. */
export function removePartialsNow() {
  for (const partial of partialsInProgress) fs.rmSync(partial, { force: true });
  partialsInProgress.clear();
}

/**
 * Removes partial files an earlier backup to the same file left behind when it was killed (kill -9, a power cut): their
 * writer's process is gone. Names from before the pid was in them are removed once untouched for ten minutes.
 */
export function removeAbandonedPartials(target: string) {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.partial-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const withPid = /^(\d+)-[0-9a-f]{8}$/.exec(rest);
    const full = path.join(dir, name);
    let abandoned = false;
    if (withPid) abandoned = Number(withPid[1]) !== process.pid && !processAlive(Number(withPid[1]));
    else if (/^[0-9a-f]{8}$/.test(rest)) abandoned = Date.now() - fs.statSync(full).mtimeMs > 10 * 60_000;
    if (abandoned) {
      fs.rmSync(full, { force: true });
      removed.push(full);
    }
  }
  if (removed.length) console.warn(`Removed ${removed.length} partial backup file(s) left by an interrupted backup: ${removed.join(", ")}`);
  return removed;
}

function processAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Appends the seal: the gzip stream's length and SHA-256, read back from the disk, then flushes the file. Exported for
 * tools (and tests) that rewrite a backup's lines and must seal the result again.
 */
export async function sealBackupFile(file: string) {
  const { length, sha256 } = await digest(file, fs.statSync(file).size);
  const seal = `${SEAL_PREFIX}${String(length).padStart(16, "0")} ${sha256}\n`;
  const fd = fs.openSync(file, "a");
  try {
    fs.writeSync(fd, seal);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function digest(file: string, length: number) {
  const hash = createHash("sha256");
  if (length > 0) for await (const chunk of fs.createReadStream(file, { start: 0, end: length - 1 })) hash.update(chunk as Buffer);
  return { length, sha256: hash.digest("hex") };
}

/**
 * Checks a backup file before anything is loaded: a sealed (version 2) file must end with its seal, have the length and
 * checksum it names; an older, unsealed file is read through once, to its end marker. Returns how many bytes of the
 * file are the gzip stream.
 */
export async function verifyBackupFile(file: string): Promise<number> {
  const size = fs.statSync(file).size;
  const header = await peekHeader(file);
  if (header.version === 1) {
    await readThroughUnsealed(file);
    return size;
  }
  const tail = Buffer.alloc(Math.min(SEAL_BYTES, size));
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
  } finally {
    fs.closeSync(fd);
  }
  const seal = /^CKSEAL (\d{16}) ([0-9a-f]{64})\n$/.exec(tail.toString("latin1"));
  if (!seal) throw new BackupError(`${file} is truncated or damaged: it does not end with its seal (the file has ${size} bytes); nothing was restored`);
  const length = Number(seal[1]);
  if (length + SEAL_BYTES !== size) {
    throw new BackupError(`${file} is damaged: its seal says ${length + SEAL_BYTES} bytes, the file has ${size}; nothing was restored`);
  }
  const { sha256 } = await digest(file, length);
  if (sha256 !== seal[2]) throw new BackupError(`${file} was altered or damaged: its checksum does not match its seal; nothing was restored`);
  return length;
}

/** The header line alone, read from the start of the file (a truncated file still has it). */
async function peekHeader(file: string) {
  const reader = new LineReader(file);
  try {
    return parseHeader(await reader.next(), file);
  } finally {
    await reader.close();
  }
}

/** An unsealed (version 1) file: decompressed to its end (gzip's own CRC and length), which must be the end marker. */
async function readThroughUnsealed(file: string) {
  const reader = new LineReader(file);
  try {
    let last: string | undefined;
    for (let line = await reader.next(); line !== undefined; line = await reader.next()) last = line;
    let footer: Partial<BackupFooter> | null = null;
    try {
      footer = JSON.parse(last ?? "null") as Partial<BackupFooter>;
    } catch {
      footer = null;
    }
    if (!footer || footer.end !== true) throw new BackupError(`${file} is incomplete: it ends after line ${reader.line} without its end marker; nothing was restored`);
  } finally {
    await reader.close();
  }
}

/** Streams one table's rows, a page at a time, in primary-key order (physical order for a table without one). */
async function dumpRows(exec: Exec, table: string, write: (chunk: string) => Promise<void>) {
  const key = await primaryKey(exec, table);
  const from = `${qualified(table)} t`;
  let written = 0;
  let after: string | undefined;
  for (;;) {
    let rows: { r: string; k?: string }[];
    if (key.length) {
      const own = key.map((c) => `t.${quoteIdent(c)}`).join(", ");
      // Keyset paging: the next page starts after the last row's key, read back from its JSON with the table's types.
      const where = after
        ? `where (${own}) > (select ${key.map((c) => `p.${quoteIdent(c)}`).join(", ")} from json_populate_record(null::${qualified(table)}, $1::json) p)`
        : "";
      rows = await exec(`select row_to_json(t)::text as r from ${from} ${where} order by ${own} limit ${PAGE_ROWS}`, after ? [after] : []);
      after = rows.at(-1)?.r;
    } else {
      const where = after ? `where t.ctid > $1::tid` : "";
      rows = await exec(`select row_to_json(t)::text as r, t.ctid::text as k from ${from} ${where} order by t.ctid limit ${PAGE_ROWS}`, after ? [after] : []);
      after = rows.at(-1)?.k;
    }
    if (!rows.length) break;
    let chunk = "";
    for (const row of rows) chunk += oneLine(row.r) + "\n";
    await write(chunk);
    written += rows.length;
    if (rows.length < PAGE_ROWS) break;
  }
  return written;
}

// ---------------------------------------------------------------------------------------------------------------
// Restore

/** The lines of a gzip-compressed file, read as they are needed; zlib errors become clear ones. */
class LineReader {
  line = 0;
  private readonly lines: AsyncGenerator<string>;

  /** `length`: how many bytes of the file are the gzip stream (a sealed file's seal follows it). */
  constructor(
    private readonly file: string,
    private readonly length?: number,
  ) {
    this.lines = this.read();
  }

  private async *read() {
    const source = this.length === undefined ? fs.createReadStream(this.file) : fs.createReadStream(this.file, { start: 0, end: Math.max(0, this.length - 1) });
    const gunzip = zlib.createGunzip();
    source.on("error", (error) => gunzip.destroy(error));
    source.pipe(gunzip);
    const decoder = new StringDecoder("utf8");
    let pending = "";
    try {
      for await (const chunk of gunzip) {
        const parts = (pending + decoder.write(chunk as Buffer)).split("\n");
        pending = parts.pop()!;
        yield* parts;
      }
      pending += decoder.end();
      if (pending) yield pending;
    } catch (error) {
      throw this.explain(error as NodeJS.ErrnoException);
    } finally {
      source.destroy();
      gunzip.destroy();
    }
  }

  private explain(error: NodeJS.ErrnoException) {
    if (error.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(error.message)) {
      return new BackupError(`${this.file} is truncated: its compressed data ends early (after line ${this.line})`);
    }
    if (error.code === "Z_DATA_ERROR") {
      return new BackupError(
        this.line === 0
          ? `${this.file} is not a Cyclekeeper backup (it is not gzip-compressed)`
          : `${this.file} is damaged: its compressed data is corrupt after line ${this.line} (${error.message})`,
      );
    }
    if (error.code === "ENOENT") return new BackupError(`${this.file} does not exist`);
    return error;
  }

  async next(): Promise<string | undefined> {
    const result = await this.lines.next();
    if (result.done) return undefined;
    this.line += 1;
    return result.value;
  }

  async nextJson<T>(what: string): Promise<T> {
    const line = await this.next();
    if (line === undefined) throw new BackupError(`${this.file} is incomplete: it ends after line ${this.line}, before ${what}`);
    try {
      return JSON.parse(line) as T;
    } catch {
      throw new BackupError(`${this.file} is damaged: line ${this.line} is not JSON (expected ${what})`);
    }
  }

  async close() {
    await this.lines.return(undefined);
  }
}

/**
 * Loads a backup into an empty database. The rows go in inside one transaction, so a failure leaves the database
 * as empty as it was. A backup from an older version is loaded at its own migrations and then upgraded.
 */
export async function restoreBackup(database: DatabaseHandle, file: string, options: { migrationsFolder?: string } = {}): Promise<RestoreSummary> {
  const started = performance.now();
  const folder = options.migrationsFolder ?? defaultMigrationsFolder;
  // Before anything else, the whole file is checked: a truncated or altered backup is refused at once, not after its
  // rows have been loaded for minutes into a transaction that then rolls back.
  const reader = new LineReader(file, await verifyBackupFile(file));
  try {
    const header = parseHeader(await reader.next(), file);
    const code = codeMigrations(folder);
    const plan = planMigrations(header.migrations, await appliedMigrations(handleExec(database)), code);

    // Refuse before changing anything: even migrating a database that turns out not to be empty is a change.
    const nonEmpty = await firstNonEmpty(handleExec(database), await listTables(handleExec(database)));
    if (nonEmpty) throw notEmptyError(nonEmpty);

    const warnings: string[] = [];
    if (plan.mode === "load") {
      await migrateDatabase(database, folder, plan.loadAt);
    } else {
      warnings.push(
        `the target database was already migrated past the backup (${plural(plan.loadAt, "migration")} against the backup's ${header.migrations.length}); ` +
          `the restored rows did not pass through the newer migrations' data changes`,
      );
    }

    const tables = await database.db.transaction(async (tx) => loadRows(transactionExec(tx), header, reader, file, warnings));

    let upgradedThrough = 0;
    if (plan.mode === "load" && plan.loadAt < code.length) {
      await migrateDatabase(database, folder);
      upgradedThrough = code.length - plan.loadAt;
    }
    return {
      file: path.resolve(file),
      source: header.source,
      createdAt: header.createdAt,
      tables,
      upgradedThrough,
      warnings,
      elapsedMs: performance.now() - started,
    };
  } finally {
    await reader.close();
  }
}

async function loadRows(exec: Exec, header: BackupHeader, reader: LineReader, file: string, warnings: string[]): Promise<TableCount[]> {
  const targetTables = await listTables(exec);
  const missing = header.tables.filter((t) => !targetTables.includes(t));
  if (missing.length) {
    throw new BackupError(`the backup has tables this database does not (${missing.join(", ")}); restore into a database at the backup's version`);
  }
  // Writers wait until the restore commits; a running server on PostgreSQL makes the restore fail fast, not hang.
  await exec(`set local lock_timeout = '10s'`);
  try {
    if (targetTables.length) await exec(`lock table ${targetTables.map(qualified).join(", ")} in exclusive mode`);
  } catch (error) {
    if ((error as { code?: string }).code === "55P03") {
      throw new BackupError("the target database is in use (a table stayed locked for 10 s); stop Cyclekeeper and try again");
    }
    throw error;
  }
  const nonEmpty = await firstNonEmpty(exec, targetTables);
  if (nonEmpty) throw notEmptyError(nonEmpty);

  // Rows arrive in the backup's table order; foreign keys pointing at a table not loaded yet are checked at the end.
  const deferred = forwardForeignKeys(header.tables, await listForeignKeys(exec)).filter((fk) => !(fk.deferrable && fk.deferred));
  for (const fk of deferred) {
    await exec(`alter table ${qualified(fk.table)} alter constraint ${quoteIdent(fk.name)} deferrable initially deferred`);
  }

  const counts: TableCount[] = [];
  for (const expected of header.tables) {
    const section = await reader.nextJson<TableSection>(`the rows of table ${expected}`);
    if (!section || section.table !== expected || !Array.isArray(section.columns) || !Number.isInteger(section.rows)) {
      throw new BackupError(`${file} is damaged: line ${reader.line} should start table ${expected}`);
    }
    counts.push({ table: expected, rows: await loadTable(exec, section, reader, file) });
  }

  const footer = await reader.nextJson<BackupFooter>("its end marker");
  if (!footer || footer.end !== true || typeof footer.counts !== "object") {
    throw new BackupError(`${file} is damaged: line ${reader.line} should be its end marker`);
  }
  for (const { table, rows } of counts) {
    if (footer.counts[table] !== rows) throw new BackupError(`${file} is damaged: table ${table} has ${rows} rows, its end marker says ${footer.counts[table]}`);
  }
  // Reading to the very end makes gzip check the whole file's CRC.
  if ((await reader.next()) !== undefined) throw new BackupError(`${file} is damaged: there is data after its end marker`);

  const sequences = new Set((await readSequences(exec)).map((s) => s.name));
  for (const sequence of footer.sequences ?? []) {
    if (!sequences.has(sequence.name)) {
      warnings.push(`sequence ${sequence.name} is not in this database; skipped`);
      continue;
    }
    await exec(`select setval($1::regclass, $2::bigint, $3::boolean)`, [qualified(sequence.name), sequence.last_value, sequence.is_called]);
  }

  for (const fk of deferred) {
    await exec(`set constraints "public".${quoteIdent(fk.name)} immediate`);
    await exec(
      `alter table ${qualified(fk.table)} alter constraint ${quoteIdent(fk.name)} ${fk.deferrable ? "deferrable" : "not deferrable"} initially ${fk.deferred ? "deferred" : "immediate"}`,
    );
  }
  for (const { table, rows } of counts) {
    const actual = await countRows(exec, table);
    if (actual !== rows) throw new BackupError(`table ${table} has ${actual} rows after loading ${rows}`);
  }
  return counts;
}

async function loadTable(exec: Exec, section: TableSection, reader: LineReader, file: string) {
  const { table } = section;
  const columns = await listColumns(exec, table);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const unknown = section.columns.filter((c) => !byName.has(c));
  if (unknown.length) {
    throw new BackupError(`the backup's table ${table} has columns this database does not (${unknown.join(", ")}); restore into a database at the backup's version`);
  }
  // Generated columns are computed again; columns the backup lacks take their defaults.
  const insertable = section.columns.filter((c) => !byName.get(c)!.generated).map(quoteIdent).join(", ");
  const overriding = columns.some((c) => c.identityAlways) ? "overriding system value" : "";
  const insert = `insert into ${qualified(table)} (${insertable}) ${overriding} select ${insertable} from json_populate_recordset(null::${qualified(table)}, $1::json)`;

  const rowStart = section.columns.length ? `{${JSON.stringify(section.columns[0])}:` : "{";
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length && insertable) await exec(insert, [`[${batch.join(",")}]`]);
    batch = [];
    bytes = 0;
  };
  for (let i = 0; i < section.rows; i++) {
    const line = await reader.next();
    if (line === undefined) throw new BackupError(`${file} is incomplete: it ends inside table ${table} (row ${i + 1} of ${section.rows})`);
    // row_to_json writes the columns in order, so every row of the table starts with its first column's name.
    if (!line.startsWith(rowStart)) throw new BackupError(`${file} is damaged: line ${reader.line} is not a row of ${table}`);
    batch.push(line);
    bytes += line.length;
    if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  return section.rows;
}
