// Opens the configured database for a command-line task and reports failures in one line.
import { DatabaseUnavailable, openDatabase, type DatabaseHandle } from "#db/client.server";
import path from "node:path";
import { readConfig } from "~/config";
import { projectRoot } from "../build";

export async function withDatabase(task: string, run: (database: DatabaseHandle) => Promise<void>) {
  let database: DatabaseHandle | undefined;
  try {
    const config = readConfig(process.env);
    database = await openDatabase(
      config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.resolve(projectRoot, config.dataDir, "pglite") },
    );
    await run(database);
    await database.close();
  } catch (error) {
    await database?.close().catch(() => {});
    const message = error instanceof DatabaseUnavailable ? error.message : (error as Error).message;
    console.error(`${task} failed: ${message}`);
    process.exit(1);
  }
}
