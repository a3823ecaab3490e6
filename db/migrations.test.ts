// The committed migrations are the schema: generating a migration from db/schema into a copy of them writes nothing.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const copy = fs.mkdtempSync(path.join(os.tmpdir(), "ck-migrations-"));
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

function listing(dir: string) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe("migrations", () => {
  it("match the schema: drizzle-kit generate finds nothing to write", () => {
    fs.cpSync(path.join(root, "db/migrations"), copy, { recursive: true });
    const before = listing(copy);
    const result = spawnSync(
      process.execPath,
      [path.join(root, "node_modules/drizzle-kit/bin.cjs"), "generate", "--dialect", "postgresql", "--schema", "./db/schema/index.ts", "--out", path.relative(root, copy)],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    // drizzle-kit writes its verdict to standard error.
    expect(result.status).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("No schema changes");
    expect(listing(copy)).toEqual(before);
  }, 60_000);
});
