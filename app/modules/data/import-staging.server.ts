// Keeps an uploaded CSV between upload, mapping, preview and confirm: a row in the database under an opaque token,
// readable only by the person who uploaded it, in their district, for a few hours (ADR 0019). The database, not an
// instance's disk, so every instance behind a load balancer sees the same uploads (docs/deploy.md).
import { createHash, randomBytes } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { importUploads } from "#db/schema";
import { NotFound } from "~/utils/errors";

/** How long an upload waits for its confirmation. */
export const STAGING_TTL_MS = 6 * 60 * 60 * 1000;

type Db = Pick<Database, "insert" | "select" | "delete">;

export interface StagedUpload {
  token: string;
  userId: string;
  districtId: string;
  fileName: string;
  encoding: string;
  bytes: number;
  createdAt: number;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** Stores decoded text and returns the token; expired uploads of anyone are swept on the way. */
export async function stageUpload(
  db: Db,
  owner: { userId: string; districtId: string },
  file: { fileName: string; encoding: string; text: string; bytes: number },
  now = Date.now(),
): Promise<StagedUpload> {
  await db.delete(importUploads).where(lt(importUploads.createdAt, new Date(now - STAGING_TTL_MS)));
  const token = randomBytes(32).toString("base64url");
  await db.insert(importUploads).values({
    tokenHash: hashOf(token),
    districtId: owner.districtId,
    userId: owner.userId,
    fileName: file.fileName,
    encoding: file.encoding,
    bytes: file.bytes,
    text: file.text,
    createdAt: new Date(now),
  });
  return { token, ...owner, fileName: file.fileName, encoding: file.encoding, bytes: file.bytes, createdAt: now };
}

/** The upload behind a token, only for its owner and only while fresh; anything else is "not found". */
export async function readStagedUpload(db: Db, owner: { userId: string; districtId: string }, token: string, now = Date.now()) {
  if (!TOKEN.test(token)) throw new NotFound("upload");
  const [row] = await db
    .select({
      userId: importUploads.userId,
      districtId: importUploads.districtId,
      fileName: importUploads.fileName,
      encoding: importUploads.encoding,
      bytes: importUploads.bytes,
      createdAt: importUploads.createdAt,
    })
    .from(importUploads)
    .where(and(eq(importUploads.tokenHash, hashOf(token)), eq(importUploads.userId, owner.userId), eq(importUploads.districtId, owner.districtId)));
  if (!row) throw new NotFound("upload");
  if (now - row.createdAt.getTime() > STAGING_TTL_MS) {
    await discardStagedUpload(db, token);
    throw new NotFound("upload");
  }
  const staged: StagedUpload = { token, ...row, createdAt: row.createdAt.getTime() };
  const readText = async () => {
    const [found] = await db.select({ text: importUploads.text }).from(importUploads).where(eq(importUploads.tokenHash, hashOf(token)));
    if (!found) throw new NotFound("upload");
    return found.text;
  };
  return { staged, readText };
}

export async function discardStagedUpload(db: Db, token: string) {
  if (!TOKEN.test(token)) return;
  await db.delete(importUploads).where(eq(importUploads.tokenHash, hashOf(token)));
}
