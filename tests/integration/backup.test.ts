// Backup and restore: the demo district plus awkward values survive a round trip exactly, restore refuses non-empty
// targets and damaged files without leaving anything behind, and the real commands work end to end.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BackupError,
  codeMigrations,
  forwardForeignKeys,
  migrateDatabase,
  oneLine,
  parseHeader,
  planMigrations,
  restoreBackup,
  sealBackupFile,
  sortTablesByDependencies,
  writeBackup,
} from "#db/backup.server";
import { migrationsFolder, openDatabase, type DatabaseHandle } from "#db/client.server";
import { auditEvents, districts, invites, persons, sessions, signInThrottle, users } from "#db/schema";
import { seedDemo } from "#db/seed/demo.server";
import { projectRoot } from "../../server/build";
import { makeDistrictWithPeople, makeSchool, makeUser } from "../factories";
import { createTestDatabase, testDriver, type TestDatabase } from "../setup/database";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cyclekeeper-backup-test-"));
const handles: DatabaseHandle[] = [];
async function freshDatabase(options: { migrate?: boolean } = {}) {
  const database = await createTestDatabase(options);
  handles.push(database);
  return database;
}
afterAll(async () => {
  for (const handle of handles.reverse()) await handle.close().catch(() => {});
  fs.rmSync(scratch, { recursive: true, force: true });
});

const tempFile = (name: string) => path.join(scratch, `${randomBytes(3).toString("hex")}-${name}`);

async function tableNames(database: DatabaseHandle) {
  const rows = await database.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  return rows.map((r) => r.name);
}

async function rowCounts(database: DatabaseHandle) {
  const counts: Record<string, number> = {};
  for (const table of await tableNames(database)) {
    const [row] = await database.query<{ n: string }>(`select count(*)::text as n from "${table}"`);
    counts[table] = Number(row.n);
  }
  return counts;
}

async function migrationRows(database: DatabaseHandle) {
  return database.query(`select hash, created_at::text from drizzle.__drizzle_migrations order by id`);
}

/** The exact text PostgreSQL gives for a row: timestamps to the microsecond, jsonb as stored. */
async function rowText(database: DatabaseHandle, table: string, id: string) {
  const [row] = await database.query<{ r: string }>(`select row_to_json(t)::text as r from "${table}" t where id = $1`, [id]);
  return row?.r;
}

/** A sealed backup's gzip stream, without the seal line that follows it. */
function gzipPart(file: string) {
  const whole = fs.readFileSync(file);
  return whole.subarray(0, whole.length - SEAL_LENGTH);
}
const SEAL_LENGTH = "CKSEAL ".length + 16 + 1 + 64 + 1;

/**
 * Rewrites a backup's decompressed lines, for making damaged or foreign files, and seals the result again as a tool
 * that edits backups would (so the checks behind the seal are what is tested); `sealed: false` leaves it unsealed.
 */
async function rewriteBackup(from: string, to: string, change: (lines: string[]) => string[], { sealed = true } = {}) {
  const lines = zlib.gunzipSync(gzipPart(from)).toString("utf8").split("\n");
  fs.writeFileSync(to, zlib.gzipSync(change(lines).join("\n")));
  if (sealed) await sealBackupFile(to);
}

async function expectEmpty(database: DatabaseHandle) {
  for (const [table, n] of Object.entries(await rowCounts(database))) expect({ table, n }).toEqual({ table, n: 0 });
}

describe("backup format pieces", () => {
  it("orders tables after the tables they reference, ignoring self references and breaking cycles by name", () => {
    const fks = [
      { table: "school", references: "district" },
      { table: "app_user", references: "district" },
      { table: "membership", references: "school" },
      { table: "membership", references: "app_user" },
      { table: "note", references: "note" },
      { table: "a_cycle", references: "b_cycle" },
      { table: "b_cycle", references: "a_cycle" },
    ];
    const order = sortTablesByDependencies(["membership", "note", "school", "app_user", "district", "b_cycle", "a_cycle"], fks);
    expect(order).toEqual(["district", "app_user", "note", "school", "membership", "a_cycle", "b_cycle"]);
    for (const fk of fks.filter((f) => f.table !== f.references && !f.table.endsWith("cycle"))) {
      expect(order.indexOf(fk.references)).toBeLessThan(order.indexOf(fk.table));
    }
    expect(forwardForeignKeys(order, fks)).toEqual([
      { table: "note", references: "note" },
      { table: "a_cycle", references: "b_cycle" },
    ]);
  });

  it("plans how a backup's migrations meet the target's", () => {
    const m = (n: number) => ({ hash: `h${n}`, created_at: 1000 + n });
    const code = [m(0), m(1), m(2)];
    expect(planMigrations([m(0), m(1), m(2)], [], code)).toEqual({ mode: "load", loadAt: 3 });
    expect(planMigrations([m(0)], [], code)).toEqual({ mode: "load", loadAt: 1 });
    expect(planMigrations([m(0), m(1)], [m(0)], code)).toEqual({ mode: "load", loadAt: 2 });
    expect(planMigrations([m(0)], [m(0), m(1), m(2)], code)).toEqual({ mode: "ahead", loadAt: 3 });
    // Hashes change with line endings; drizzle itself goes by the journal time, and so does restore.
    expect(planMigrations([{ hash: "crlf", created_at: 1000 }], [], code)).toEqual({ mode: "load", loadAt: 1 });
    expect(() => planMigrations([m(0), m(1), m(2), m(3)], [], code)).toThrow(/made by a newer or different version of Cyclekeeper/);
    expect(() => planMigrations([m(0)], [m(0), m(9)], code)).toThrow(/target database was migrated by a newer or different version/);
    expect(() => planMigrations([], [], code)).toThrow(BackupError);
  });

  it("keeps every record on one line and reads only its own header", () => {
    expect(oneLine('{"meta":{"a":\n 1,\r\n"b":"x\\ny"}}')).toBe('{"meta":{"a":  1,  "b":"x\\ny"}}');
    expect(JSON.parse(oneLine('{"a":\n1}'))).toEqual({ a: 1 });
    expect(() => parseHeader("PK\u0003\u0004", "x.zip")).toThrow("x.zip is not a Cyclekeeper backup");
    expect(() => parseHeader('{"format":"cyclekeeper-backup","version":3,"tables":[],"migrations":[]}', "f")).toThrow(
      "f is in backup format version 3, which this version of Cyclekeeper cannot read (it reads versions 1 and 2)",
    );
    // Format 1 (before seals) is still read.
    expect(parseHeader('{"format":"cyclekeeper-backup","version":1,"tables":[],"migrations":[]}', "f").version).toBe(1);
  });
});

// Whole-database copies of the demo: slow on a busy machine, and not what these tests time.
describe("backup and restore", { timeout: 120_000 }, () => {
  let source: TestDatabase;
  let backup: string;
  let people: Awaited<ReturnType<typeof makeDistrictWithPeople>>;
  let archivedSchoolId: string;
  let unicodeAuditId: string;
  let bigNumberAuditId: string;
  const details = {
    note: 'She said "hello" — naïve café, ✓ 日本語, 🎉 and a backslash \\ and a \'quote\'',
    nested: { newline: "line one\nline two", tab: "a\tb", empty: "", list: [1, 2.5, null, true, "x"] },
  };

  beforeAll(async () => {
    source = await freshDatabase();
    await seedDemo(source.db);
    people = await makeDistrictWithPeople(source.db);
    const archived = await makeSchool(source.db, people.district.id, { name: "Old Mill Elementary", archivedAt: new Date() });
    // A timestamp with microseconds, which JavaScript dates cannot carry.
    await source.query(`update school set archived_at = '2024-03-05 10:11:12.123456+00' where id = $1`, [archived.id]);
    archivedSchoolId = archived.id;
    const [audit] = await source.db
      .insert(auditEvents)
      .values({ districtId: people.district.id, actorId: people.lead.id, action: "school.archive", entityType: "school", entityId: archived.id, details })
      .returning();
    unicodeAuditId = audit.id;
    // Numbers beyond a double's precision must come back digit for digit.
    const [big] = await source.query<{ id: string }>(
      `insert into audit_event (district_id, action, entity_type, details) values ($1, 'test.numbers', 'district', $2::jsonb) returning id`,
      [people.district.id, '{"big": 12345678901234567890.000000000001, "tiny": 1e-30, "quoted": "\\"q\\""}'],
    );
    bigNumberAuditId = big.id;
    await source.db.insert(sessions).values({ id: "a".repeat(64), userId: people.lead.id, expiresAt: new Date(Date.now() + 3_600_000), userAgent: "Test/1.0" });
    await source.db.insert(invites).values({
      districtId: people.district.id,
      userId: people.board.id,
      tokenHash: "b".repeat(64),
      createdBy: people.lead.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await source.db.insert(signInThrottle).values({ key: "ip:203.0.113.9", failures: 3 });
    // One person in two districts: the demo's lead also serves on the test district's team (ADR 0035).
    await makeUser(source.db, people.district.id, "district_team", { email: "lead@riverbend.example" });
    backup = tempFile("demo.ckbackup");
    const summary = await writeBackup(source, backup);
    console.log(`[backup] ${testDriver}: demo + extras, ${summary.tables.reduce((n, t) => n + t.rows, 0)} rows, ${summary.bytes} bytes in ${summary.elapsedMs.toFixed(0)} ms`);
  });

  it("restores every table's rows, and the records exactly, into a fresh database", async () => {
    const target = await freshDatabase();
    const summary = await restoreBackup(target, backup);
    console.log(`[restore] ${testDriver}: ${summary.elapsedMs.toFixed(0)} ms`);

    const before = await rowCounts(source);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(8);
    // The demo and the extras fill these; tables later issues add may still be empty and must round-trip all the same.
    const filled = ["district", "school", "app_user", "school_membership", "session", "invite", "sign_in_throttle", "audit_event", "focus_area", "key_activity", "rubric_version", "rubric_item", "cycle", "rubric_score", "measure"];
    for (const table of filled) expect({ table, n: before[table] ?? 0 }).not.toEqual({ table, n: 0 });
    expect(await rowCounts(target)).toEqual(before);
    expect(Object.fromEntries(summary.tables.map((t) => [t.table, t.rows]))).toEqual(before);
    expect(summary.warnings).toEqual([]);

    const district = (db: DatabaseHandle) => db.db.select().from(districts).where(eq(districts.id, people.district.id));
    expect(await district(target)).toEqual(await district(source));
    expect(await rowText(target, "district", people.district.id)).toBe(await rowText(source, "district", people.district.id));

    const archived = await rowText(target, "school", archivedSchoolId);
    expect(archived).toBe(await rowText(source, "school", archivedSchoolId));
    const [instant] = await target.query<{ same: boolean }>(`select archived_at = '2024-03-05 10:11:12.123456+00' as same from school where id = $1`, [archivedSchoolId]);
    expect(instant.same).toBe(true);

    // The password lives on the person (ADR 0035), reached through the lead's membership.
    const hash = (db: DatabaseHandle) =>
      db.db.select({ passwordHash: persons.passwordHash }).from(users).innerJoin(persons, eq(persons.id, users.personId)).where(eq(users.id, people.lead.id));
    const [{ passwordHash }] = await hash(target);
    expect(passwordHash).toMatch(/^\$argon2id\$/);
    expect(await hash(target)).toEqual(await hash(source));
    const memberships = (db: DatabaseHandle) =>
      db.query(`select u.id, u.district_id, u.person_id from app_user u join person p on p.id = u.person_id where p.email = 'lead@riverbend.example' order by u.id`);
    expect(await memberships(target)).toHaveLength(2);
    expect(await memberships(target)).toEqual(await memberships(source));

    const [audit] = await target.db.select().from(auditEvents).where(eq(auditEvents.id, unicodeAuditId));
    expect(audit.details).toEqual(details);
    expect(await rowText(target, "audit_event", unicodeAuditId)).toBe(await rowText(source, "audit_event", unicodeAuditId));
    const detailsText = (db: DatabaseHandle) => db.query<{ t: string }>(`select details::text as t from audit_event where id = $1`, [bigNumberAuditId]);
    expect((await detailsText(target))[0].t).toContain("12345678901234567890.000000000001");
    expect(await detailsText(target)).toEqual(await detailsText(source));

    expect(await migrationRows(target)).toEqual(await migrationRows(source));
  });

  it("refuses a database that is not empty, and changes nothing in it", async () => {
    const target = await freshDatabase();
    await makeDistrictWithPeople(target.db);
    const before = await rowCounts(target);
    await expect(restoreBackup(target, backup)).rejects.toThrow(
      /^the target database is not empty \(table \w+ has \d+ rows?\); restore needs an empty database$/,
    );
    expect(await rowCounts(target)).toEqual(before);
  });

  // The failed restores below share one target: each must leave it empty and usable.
  let untouched: TestDatabase | undefined;
  const emptyTarget = async () => (untouched ??= await freshDatabase());

  it("rejects a truncated file and leaves the target empty", async () => {
    const whole = fs.readFileSync(backup);
    const cut = tempFile("cut.ckbackup");
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const target = await emptyTarget();
    const started = performance.now();
    await expect(restoreBackup(target, cut)).rejects.toThrow(/is truncated or damaged: it does not end with its seal \(the file has \d+ bytes\); nothing was restored/);
    console.log(`[backup] a truncated ${whole.length}-byte backup (cut to half) refused in ${(performance.now() - started).toFixed(0)} ms`);
    await expectEmpty(target);
  });

  it("rejects an altered file by its checksum before loading a row", async () => {
    const whole = Buffer.from(fs.readFileSync(backup));
    whole[Math.floor((whole.length - SEAL_LENGTH) / 2)] ^= 0x01;
    const altered = tempFile("altered.ckbackup");
    fs.writeFileSync(altered, whole);
    const target = await emptyTarget();
    await expect(restoreBackup(target, altered)).rejects.toThrow(`${altered} was altered or damaged: its checksum does not match its seal; nothing was restored`);
    await expectEmpty(target);
  });

  it("still restores a backup made before seals (format 1), after reading it through; a cut one is refused first", async () => {
    const old = tempFile("format-1.ckbackup");
    await rewriteBackup(backup, old, ([header, ...rest]) => [JSON.stringify({ ...JSON.parse(header), version: 1 }), ...rest], { sealed: false });
    const cut = tempFile("format-1-cut.ckbackup");
    const bytes = fs.readFileSync(old);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.9)));
    const target = await emptyTarget();
    const started = performance.now();
    await expect(restoreBackup(target, cut)).rejects.toThrow(/is truncated: its compressed data ends early/);
    console.log(`[backup] a truncated format-1 backup refused in ${(performance.now() - started).toFixed(0)} ms`);
    await expectEmpty(target);
    const older = await freshDatabase();
    const summary = await restoreBackup(older, old);
    expect(summary.tables.reduce((n, t) => n + t.rows, 0)).toBeGreaterThan(0);
    expect(await rowCounts(older)).toEqual(await rowCounts(source));
  });

  it("rejects a file without its end marker and leaves the target empty", async () => {
    const noFooter = tempFile("no-footer.ckbackup");
    await rewriteBackup(backup, noFooter, (lines) => lines.filter((l) => !l.startsWith('{"end":true')));
    const target = await emptyTarget();
    await expect(restoreBackup(target, noFooter)).rejects.toThrow(/is incomplete: it ends after line \d+, before its end marker/);
    await expectEmpty(target);

    // A missing row is caught too: the rows that did load are rolled back.
    const noRow = tempFile("no-row.ckbackup");
    await rewriteBackup(backup, noRow, (lines) => lines.filter((l) => !l.includes(`"id":"${unicodeAuditId}"`)));
    await expect(restoreBackup(target, noRow)).rejects.toThrow(/is damaged: line \d+ is not a row of audit_event/);
    await expectEmpty(target);
  });

  it("rejects files that are not backups, or come from a newer version", async () => {
    const target = await emptyTarget();
    const plain = tempFile("plain.txt");
    fs.writeFileSync(plain, "hello\n");
    await expect(restoreBackup(target, plain)).rejects.toThrow(`${plain} is not a Cyclekeeper backup (it is not gzip-compressed)`);

    const newer = tempFile("newer.ckbackup");
    await rewriteBackup(backup, newer, ([header, ...rest]) => {
      const parsed = JSON.parse(header);
      parsed.migrations.push({ hash: "f".repeat(64), created_at: 4102444800000 });
      return [JSON.stringify(parsed), ...rest];
    });
    await expect(restoreBackup(target, newer)).rejects.toThrow(/made by a newer or different version of Cyclekeeper .*upgrade Cyclekeeper before restoring/);
    await expectEmpty(target);
  });

  it("restores into a database after failed attempts left it as it was", async () => {
    const target = await emptyTarget();
    await restoreBackup(target, backup);
    expect(await rowCounts(target)).toEqual(await rowCounts(source));
  });

  it("does not overwrite an existing file unless asked", async () => {
    const before = fs.readFileSync(backup);
    await expect(writeBackup(source, backup)).rejects.toThrow(`${backup} already exists`);
    expect(fs.readFileSync(backup).equals(before)).toBe(true);
    expect(fs.readdirSync(scratch).filter((f) => f.includes(".partial-"))).toEqual([]);
    // Password and session hashes inside: readable by its owner only.
    if (process.platform !== "win32") expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
  });

  it("loads an older backup at its own migrations and then upgrades it", async () => {
    // This version's migrations plus one newer one that adds a column and fills it from existing rows.
    const folder = path.join(scratch, "migrations-plus-one");
    fs.cpSync(migrationsFolder, folder, { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta/_journal.json"), "utf8"));
    const last = journal.entries.at(-1);
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: "9999_test_school_code" });
    fs.writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify(journal));
    fs.writeFileSync(
      path.join(folder, "9999_test_school_code.sql"),
      `ALTER TABLE "school" ADD COLUMN "code" text;--> statement-breakpoint\nUPDATE "school" SET "code" = upper(left("name", 3));`,
    );

    const target = await freshDatabase({ migrate: false });
    const summary = await restoreBackup(target, backup, { migrationsFolder: folder });
    expect(summary.upgradedThrough).toBe(1);
    expect((await migrationRows(target)).length).toBe(codeMigrations().length + 1);
    const [old] = await target.query<{ code: string }>(`select code from school where id = $1`, [archivedSchoolId]);
    expect(old.code).toBe("OLD");
    expect(await rowCounts(target)).toEqual(await rowCounts(source));

    // A target already at the newer schema still takes the rows, with a warning that they skipped the upgrade.
    const ahead = await freshDatabase({ migrate: false });
    await migrateDatabase(ahead, folder);
    const aheadSummary = await restoreBackup(ahead, backup, { migrationsFolder: folder });
    expect(aheadSummary.warnings.join()).toMatch(/already migrated past the backup/);
    expect(await rowCounts(ahead)).toEqual(await rowCounts(source));
  });

  // Only the PostgreSQL project has a PostgreSQL backup to carry into PGlite (the CLI test covers PGlite → PGlite).
  if (testDriver === "postgres") {
    it("restores a PostgreSQL backup into embedded PGlite", async () => {
      const embedded = await openDatabase({ memory: true });
      handles.push(embedded);
      await restoreBackup(embedded, backup);
      expect(await rowCounts(embedded)).toEqual(await rowCounts(source));
      const epoch = (db: DatabaseHandle) => db.query(`select extract(epoch from archived_at)::text as e from school where id = $1`, [archivedSchoolId]);
      expect(await epoch(embedded)).toEqual(await epoch(source));
      const detailsOf = (db: DatabaseHandle) => db.query(`select details::text as d from audit_event order by id`);
      expect(await detailsOf(embedded)).toEqual(await detailsOf(source));
    });
  }
});

describe("tables backup has never heard of", { timeout: 120_000 }, () => {
  // Later issues add tables; backup finds them in the catalog. These cover what the app's tables do not yet have:
  // self references loaded out of order, a serial sequence, identity and generated columns, json with newlines,
  // exact numerics and bytea, a table without a primary key, and more rows than one page or batch.
  const ddl = `
    create table extra_note (id serial primary key, parent_id int references extra_note(id), body text not null, meta json);
    create table extra_counter (id int generated always as identity primary key, doubled int generated always as (id * 2) stored, note_id int references extra_note(id));
    create table extra_log (at timestamptz not null, amount numeric not null, blob bytea);`;
  const fingerprint = async (database: DatabaseHandle, table: string) => {
    const [row] = await database.query<{ n: string; digest: string }>(
      `select count(*)::text as n, md5(coalesce(string_agg(to_jsonb(t)::text, '|' order by to_jsonb(t)::text), '')) as digest from ${table} t`,
    );
    return row;
  };

  it("restores them completely, with their sequences", async () => {
    const source = await freshDatabase();
    for (const statement of ddl.split(";").filter((s) => s.trim())) await source.query(statement);
    // Every note points at the next one, so children always come before their parents in key order.
    await source.query(
      `insert into extra_note (body, meta) select 'note ' || i, case when i % 7 = 0 then '{"pretty":\n  [1, 2]}'::json end from generate_series(1, 2345) i`,
    );
    await source.query(`update extra_note set parent_id = id + 1 where id < 2345`);
    await source.query(`insert into extra_counter (note_id) select id from extra_note where id % 3 = 0`);
    await source.query(
      `insert into extra_log select '2020-01-01T00:00:00.000001Z'::timestamptz + i * interval '1 second', 12345678901234567890.123456789 + i, decode(md5(i::text), 'hex') from generate_series(1, 1234) i`,
    );
    const file = tempFile("extra.ckbackup");
    await writeBackup(source, file);

    const target = await freshDatabase();
    for (const statement of ddl.split(";").filter((s) => s.trim())) await target.query(statement);
    await restoreBackup(target, file);
    for (const table of ["extra_note", "extra_counter", "extra_log"]) {
      expect(await fingerprint(target, table)).toEqual(await fingerprint(source, table));
    }
    const [note] = await target.query<{ id: number }>(`insert into extra_note (body) values ('after restore') returning id`);
    expect(note.id).toBe(2346);
    const [counter] = await target.query<{ id: number; doubled: number }>(`insert into extra_counter default values returning id, doubled`);
    const [sourceCounter] = await source.query<{ id: number }>(`insert into extra_counter default values returning id`);
    expect(counter.id).toBe(sourceCounter.id);
    expect(counter.doubled).toBe(counter.id * 2);
    // The foreign keys restore deferred are back to what they were.
    const [fk] = await target.query<{ condeferrable: boolean }>(`select condeferrable from pg_constraint where conname = 'extra_note_parent_id_fkey'`);
    expect(fk.condeferrable).toBe(false);
  });
});

describe("the db:backup and db:restore commands", () => {
  const tsx = path.join(projectRoot, "node_modules/tsx/dist/cli.mjs");
  function run(script: string, args: string[], env: Record<string, string | undefined>) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, ...env };
    for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
    return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve, reject) => {
      const started = Date.now();
      const child = spawn(process.execPath, [tsx, path.join("server/cli", script), ...args], { cwd: projectRoot, env: childEnv });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    });
  }

  it(
    "backs up an embedded database and restores it into an empty one",
    async () => {
      const sourceDir = path.join(scratch, "cli-source");
      const seeded = await run("seed-demo.ts", [], { DATA_DIR: sourceDir });
      expect(seeded.stderr).toBe("");
      expect(seeded.code).toBe(0);

      const usage = await run("backup.ts", [], { DATA_DIR: sourceDir });
      expect(usage.code).toBe(2);
      expect(usage.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^usage: npm run db:backup -- FILE/)]);

      const file = tempFile("cli.ckbackup");
      const backedUp = await run("backup.ts", [file], { DATA_DIR: sourceDir });
      expect(backedUp.stderr).toBe("");
      expect(backedUp.code).toBe(0);
      expect(backedUp.stdout).toMatch(new RegExp(`^Backed up pglite \\(.*cli-source.*\\) to ${file}: \\d+ tables, \\d+ rows, [\\d.]+ k?B in [\\d.]+ s$`, "m"));
      expect(backedUp.stdout).toMatch(/^ {2}district +1$/m);
      expect(backedUp.stdout).toMatch(/^ {2}school +6$/m);
      console.log(`[cli] seed ${seeded.ms} ms, backup ${backedUp.ms} ms, ${fs.statSync(file).size} bytes\n${backedUp.stdout}`);

      const again = await run("backup.ts", [file], { DATA_DIR: sourceDir });
      expect(again.code).toBe(1);
      expect(again.stderr.trim()).toBe(`db:backup failed: ${file} already exists; pass --force to overwrite it`);
      const forced = await run("backup.ts", [file, "--force"], { DATA_DIR: sourceDir });
      expect(forced.code).toBe(0);

      const missing = await run("backup.ts", [tempFile("x.ckbackup")], { DATA_DIR: path.join(scratch, "no-such-dir") });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^db:backup failed: there is no embedded database in .*no-such-dir/);
      expect(fs.existsSync(path.join(scratch, "no-such-dir"))).toBe(false);

      // Into another empty DATA_DIR, or, on the PostgreSQL run, from the embedded database into PostgreSQL.
      let targetEnv: Record<string, string>;
      let openTarget: () => Promise<DatabaseHandle>;
      if (testDriver === "postgres") {
        const pg = await freshDatabase({ migrate: false });
        targetEnv = { DATABASE_URL: pg.url!, DATA_DIR: path.join(scratch, "unused") };
        openTarget = async () => pg;
      } else {
        const targetDir = path.join(scratch, "cli-target");
        targetEnv = { DATA_DIR: targetDir };
        openTarget = () => openDatabase({ dataDir: path.join(targetDir, "pglite") });
      }
      const restored = await run("restore.ts", [file], targetEnv);
      expect(restored.stderr).toBe("");
      expect(restored.code).toBe(0);
      expect(restored.stdout).toMatch(new RegExp(`^Restored ${file} \\(taken .* from pglite\\) into ${testDriver} .*: \\d+ tables, \\d+ rows in [\\d.]+ s$`, "m"));
      expect(restored.stdout).toMatch(/^ {2}district +1$/m);
      console.log(`[cli] restore into ${testDriver} ${restored.ms} ms`);

      const twice = await run("restore.ts", [file], targetEnv);
      expect(twice.code).toBe(1);
      expect(twice.stderr.trim()).toMatch(/^db:restore failed: the target database is not empty \(table \w+ has \d+ rows?\); restore needs an empty database$/);

      const noFile = await run("restore.ts", [], targetEnv);
      expect(noFile.code).toBe(2);
      expect(noFile.stderr).toMatch(/^usage: npm run db:restore -- FILE/);

      // An embedded database that a running server holds is refused before anything is opened.
      const busyDir = path.join(scratch, "cli-busy");
      fs.mkdirSync(path.join(busyDir, "pglite"), { recursive: true });
      fs.writeFileSync(path.join(busyDir, "pglite", "cyclekeeper.pid"), String(process.pid));
      const busy = await run("restore.ts", [file], { DATA_DIR: busyDir });
      expect(busy.code).toBe(1);
      expect(busy.stderr.trim()).toBe(`db:restore failed: the embedded database in ${path.join(busyDir, "pglite")} is in use by process ${process.pid}; stop it first`);

      const sourceDb = await openDatabase({ dataDir: path.join(sourceDir, "pglite") });
      handles.push(sourceDb);
      const targetDb = await openTarget();
      if (testDriver !== "postgres") handles.push(targetDb);
      expect(await rowCounts(targetDb)).toEqual(await rowCounts(sourceDb));
      const hashes = (db: DatabaseHandle) => db.query(`select email, password_hash, extract(epoch from created_at)::text as created from person order by email`);
      expect(await hashes(targetDb)).toEqual(await hashes(sourceDb));
    },
    240_000,
  );

  /** Starts a backup and resolves once its partial file exists (owner-only), with the process and the partial's path. */
  async function backupUntilPartial(file: string, env: Record<string, string>) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.DATABASE_URL;
    const child = spawn(process.execPath, [tsx, path.join("server/cli", "backup.ts"), file], { cwd: projectRoot, env: childEnv });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? -1 : null))));
    const prefix = `${path.basename(file)}.partial-`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const partial = fs.readdirSync(path.dirname(file)).find((name) => name.startsWith(prefix));
      // The partial's name carries the pid of the process writing it (tsx runs the command in a child process of its own).
      if (partial) return { child, exited, stderr: () => stderr, partial: path.join(path.dirname(file), partial), writer: Number(partial.slice(prefix.length).split("-")[0]) };
      if (Date.now() > deadline) throw new Error(`no partial file appeared; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it(
    "removes a killed backup's partial file at the next backup, and its own when stopped by a signal",
    async () => {
      // A small embedded database of its own: what is tested is the partial file, not the size of the copy.
      const sourceDir = path.join(scratch, "partial-source");
      const small = await openDatabase({ dataDir: path.join(sourceDir, "pglite") });
      await small.migrate();
      await makeDistrictWithPeople(small.db);
      await small.close();
      const dir = path.join(scratch, "killed");
      fs.mkdirSync(dir);
      const file = path.join(dir, "nightly.ckbackup");

      const killed = await backupUntilPartial(file, { DATA_DIR: sourceDir });
      expect(fs.statSync(killed.partial).mode & 0o777).toBe(0o600);
      process.kill(killed.writer, "SIGKILL");
      await killed.exited;
      expect(fs.existsSync(killed.partial)).toBe(true);
      // The embedded database's lock file names the dead process; the next command takes it over.
      const next = await run("backup.ts", [file], { DATA_DIR: sourceDir });
      expect(next.code).toBe(0);
      expect(next.stderr).toContain(`Removed 1 partial backup file(s) left by an interrupted backup: ${killed.partial}`);
      expect(fs.existsSync(killed.partial)).toBe(false);
      expect(fs.readdirSync(dir)).toEqual(["nightly.ckbackup"]);

      const stopped = await backupUntilPartial(path.join(dir, "stopped.ckbackup"), { DATA_DIR: sourceDir });
      process.kill(stopped.writer, "SIGTERM");
      expect(await stopped.exited).toBe(143);
      expect(stopped.stderr()).toContain("db:backup stopped (SIGTERM); the partial file was removed and no backup was written");
      expect(fs.readdirSync(dir)).toEqual(["nightly.ckbackup"]);
    },
    240_000,
  );
});
