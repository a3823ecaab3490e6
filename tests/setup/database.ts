// A fresh, migrated database per test file: in-memory PGlite by default, a new PostgreSQL database when the
// "postgres" project runs (TEST_DATABASE_URL).
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "#db/client.server";
import { ensureCatalog } from "#db/seed/catalog.server";

export const testDriver = (process.env.CK_TEST_DRIVER ?? "pglite") as "pglite" | "postgres";

export interface TestDatabase extends DatabaseHandle {
  /** The URL of the throwaway PostgreSQL database, when there is one. */
  url?: string;
}

/** `catalog: true` loads the shared catalog as the server does at start; off by default so restore targets stay empty. */
export async function createTestDatabase(options: { migrate?: boolean; catalog?: boolean } = {}): Promise<TestDatabase> {
  const handle = await openFreshDatabase(options.migrate ?? true);
  if (options.catalog) await ensureCatalog(handle.db);
  return handle;
}

async function openFreshDatabase(migrate: boolean): Promise<TestDatabase> {
  if (testDriver === "postgres") {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error("CK_TEST_DRIVER=postgres needs TEST_DATABASE_URL");
    const name = `ck_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ url: url.toString() });
    if (migrate) await handle.migrate();
    const close = handle.close;
    return {
      ...handle,
      url: url.toString(),
      async close() {
        await close();
        const drop = postgres(adminUrl, { max: 1, onnotice: () => {} });
        await drop.unsafe(`drop database if exists ${name} with (force)`);
        await drop.end();
      },
    };
  }
  const handle = await openDatabase({ memory: true });
  if (migrate) await handle.migrate();
  return handle;
}
