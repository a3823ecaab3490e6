// `npm run db:backup -- FILE [--force]`: writes a complete, compressed dump of the configured database (embedded or
// PostgreSQL) to FILE; `npm run db:restore -- FILE` loads it into an empty database.
import { formatBytes, formatCounts, removePartialsNow, writeBackup } from "#db/backup.server";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { readConfig } from "~/config";
import { projectRoot } from "../build";
import { withDatabase } from "./database";

const usage = "usage: npm run db:backup -- FILE [--force]  (writes a backup of the configured database to FILE)";

let file: string | undefined;
let force = false;
try {
  const { values, positionals } = parseArgs({ options: { force: { type: "boolean", short: "f" } }, allowPositionals: true });
  if (positionals.length > 1) throw new Error("one file only");
  file = positionals[0];
  force = values.force ?? false;
} catch {
  file = undefined;
}
if (!file) {
  console.error(usage);
  process.exit(2);
}

// `npm run` moves to the project directory; a relative FILE means relative to where the command was typed.
const cwd = process.env.npm_lifecycle_event === "db:backup" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
const target = path.resolve(cwd, file);
const fail = (message: string): never => {
  console.error(`db:backup failed: ${message}`);
  process.exit(1);
};
if (fs.existsSync(target) && !force) fail(`${target} already exists; pass --force to overwrite it`);
if (!fs.existsSync(path.dirname(target))) fail(`the folder ${path.dirname(target)} does not exist`);
try {
  // Opening a missing embedded database would create an empty one: a mistyped DATA_DIR must not pass for a backup.
  const config = readConfig(process.env);
  const dataDir = path.resolve(projectRoot, config.dataDir, "pglite");
  if (!config.databaseUrl && !fs.existsSync(dataDir)) fail(`there is no embedded database in ${dataDir} (check DATA_DIR, or set DATABASE_URL)`);
} catch (error) {
  fail((error as Error).message);
}

// Stopped by Ctrl-C or a service manager: the partial file holds password and session hashes, so it goes first.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    removePartialsNow();
    console.error(`db:backup stopped (${signal}); the partial file was removed and no backup was written`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

await withDatabase("db:backup", async (database) => {
  const summary = await writeBackup(database, target, { overwrite: force });
  const rows = summary.tables.reduce((n, t) => n + t.rows, 0);
  console.log(
    `Backed up ${database.kind} (${database.location}) to ${summary.file}: ${summary.tables.length} tables, ${rows} rows, ` +
      `${formatBytes(summary.bytes)} in ${(summary.elapsedMs / 1000).toFixed(2)} s`,
  );
  console.log(formatCounts(summary.tables));
});
