// Keeps an uploaded CSV between upload, mapping, preview and confirm: a file in the data directory under an opaque
// token, readable only by the person who uploaded it, in their district, for a few hours (ADR 0019).
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { AppConfig } from "~/config";
import { NotFound } from "~/utils/errors";

/** How long an upload waits for its confirmation. */
export const STAGING_TTL_MS = 6 * 60 * 60 * 1000;

export interface StagedUpload {
  token: string;
  userId: string;
  districtId: string;
  fileName: string;
  encoding: string;
  bytes: number;
  createdAt: number;
}

export function stagingDirFor(config: Pick<AppConfig, "dataDir">) {
  return path.resolve(config.dataDir, "import-staging");
}

const metaPath = (dir: string, token: string) => path.join(dir, `${token}.json`);
const textPath = (dir: string, token: string) => path.join(dir, `${token}.csv`);

/** Stores decoded text and returns the token; expired uploads of anyone are swept on the way. */
export async function stageUpload(
  dir: string,
  owner: { userId: string; districtId: string },
  file: { fileName: string; encoding: string; text: string; bytes: number },
  now = Date.now(),
): Promise<StagedUpload> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await sweepExpired(dir, now);
  const token = randomBytes(32).toString("base64url");
  const staged: StagedUpload = { token, ...owner, fileName: file.fileName, encoding: file.encoding, bytes: file.bytes, createdAt: now };
  await fs.writeFile(textPath(dir, token), file.text, { encoding: "utf8", mode: 0o600 });
  // The description is written last: an upload without one is never offered.
  await fs.writeFile(metaPath(dir, token), JSON.stringify(staged), { mode: 0o600 });
  return staged;
}

/** The upload behind a token, only for its owner and only while fresh; anything else is "not found". */
export async function readStagedUpload(dir: string, owner: { userId: string; districtId: string }, token: string, now = Date.now()) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new NotFound("upload");
  let staged: StagedUpload;
  try {
    staged = JSON.parse(await fs.readFile(metaPath(dir, token), "utf8")) as StagedUpload;
  } catch {
    throw new NotFound("upload");
  }
  if (staged.userId !== owner.userId || staged.districtId !== owner.districtId) throw new NotFound("upload");
  if (now - staged.createdAt > STAGING_TTL_MS) {
    await discardStagedUpload(dir, token);
    throw new NotFound("upload");
  }
  return { staged, readText: () => fs.readFile(textPath(dir, token), "utf8") };
}

export async function discardStagedUpload(dir: string, token: string) {
  await fs.rm(metaPath(dir, token), { force: true });
  await fs.rm(textPath(dir, token), { force: true });
}

async function sweepExpired(dir: string, now: number) {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      const stat = await fs.stat(file).catch(() => null);
      if (stat && now - stat.mtimeMs > STAGING_TTL_MS) await fs.rm(file, { force: true });
    }),
  );
}
