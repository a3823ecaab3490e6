// Builds the Remix app when the build is missing or older than its sources; used by `npm start` and the test set-up.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const stampFile = path.join(projectRoot, "build", ".source-stamp");
const sources = ["app", "db/schema", "public", "vite.config.ts", "package-lock.json", "package.json", "tsconfig.json"];

/** A fingerprint of every source file's path, size and modification time. */
function sourceStamp() {
  const hash = createHash("sha256");
  const visit = (entry: string) => {
    const full = path.join(projectRoot, entry);
    if (!fs.existsSync(full)) return;
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(full).sort()) visit(path.join(entry, child));
    } else {
      hash.update(`${entry}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  sources.forEach(visit);
  return hash.digest("hex");
}

/** Returns true when it had to build. Throws when the build fails. */
export function ensureBuild(): boolean {
  const stamp = sourceStamp();
  const serverBuild = path.join(projectRoot, "build/server/index.js");
  if (fs.existsSync(serverBuild) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp) return false;
  const result = spawnSync(process.execPath, [path.join(projectRoot, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: projectRoot,
    // Always a production build, even when called from a test runner that sets NODE_ENV=test.
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) throw new Error("the build failed (see above)");
  fs.writeFileSync(stampFile, stamp);
  return true;
}
