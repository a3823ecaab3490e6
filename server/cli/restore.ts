// `npm run db:restore -- FILE`: loads a backup written by `npm run db:backup` into the configured database, which must
// be empty (a fresh DATA_DIR, or a new PostgreSQL database). Stop Cyclekeeper first.
import { formatCounts, restoreBackup } from "#db/backup.server";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { withDatabase } from "./database";

const usage = "usage: npm run db:restore -- FILE  (loads the backup in FILE into the configured, empty database)";

let file: string | undefined;
try {
  const { positionals } = parseArgs({ options: {}, allowPositionals: true });
  if (positionals.length > 1) throw new Error("one file only");
  file = positionals[0];
} catch {
  file = undefined;
}
if (!file) {
  console.error(usage);
  process.exit(2);
}

const cwd = process.env.npm_lifecycle_event === "db:restore" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
const source = path.resolve(cwd, file);
if (!fs.existsSync(source) || !fs.statSync(source).isFile()) {
  console.error(`db:restore failed: ${source} does not exist or is not a file`);
  process.exit(1);
}

await withDatabase("db:restore", async (database) => {
  const summary = await restoreBackup(database, source);
  const rows = summary.tables.reduce((n, t) => n + t.rows, 0);
  console.log(
    `Restored ${summary.file} (taken ${summary.createdAt} from ${summary.source}) into ${database.kind} (${database.location}): ` +
      `${summary.tables.length} tables, ${rows} rows in ${(summary.elapsedMs / 1000).toFixed(2)} s`,
  );
  if (summary.upgradedThrough) console.log(`Then applied ${summary.upgradedThrough} newer migration(s) to bring it up to this version.`);
  for (const warning of summary.warnings) console.log(`Warning: ${warning}`);
  console.log(formatCounts(summary.tables));
});
