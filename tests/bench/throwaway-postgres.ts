// A PostgreSQL database of a benchmark's own (BENCH_DATABASE_URL names the admin connection): created under a unique
// name for one run and dropped afterwards, as tests/setup/database.ts does for TEST_DATABASE_URL.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase } from "#db/client.server";

export async function openThrowawayPostgres(adminUrl: string) {
  const name = `ck_bench_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.end();
  };
  try {
    return { handle: await openDatabase({ url: url.toString() }), name, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}
