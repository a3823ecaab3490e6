// Keeps an uploaded CSV between upload, mapping, preview and confirm: a row in the database under an opaque token,
// readable only by the person who uploaded it, in their district, for a few hours (ADR 0019). The database, not an
// instance's disk, so every instance behind a load balancer sees the same uploads (docs/deploy.md).
import { createHash, randomBytes } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { importUploads } from "#db/schema";
import { NotFound } from "~/utils/errors";
import { cutText, parseCsv } from "./import";

/** Headings are kept cut to this length: they label the mapping step's choices, and a heading may be a 10 MB cell. */
export const HEADING_CHARS = 120;

/** The heading row of a file, cut for display; empty when the file has none. */
export function headingsOf(text: string): string[] {
  const head = parseCsv(text, { maxRecords: 1 });
  return head.ok ? head.headers.map((h) => cutText(h, HEADING_CHARS)) : [];
}

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
  /** The heading row, cut for display; read at upload, so later steps need not read the file for it. */
  headers: string[];
  createdAt: number;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** The key a token's upload (and its checks) are stored under. */
export const uploadKeyOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** Stores decoded text and its heading row and returns the token; expired uploads of anyone are swept on the way. */
export async function stageUpload(
  db: Db,
  owner: { userId: string; districtId: string },
  file: { fileName: string; encoding: string; text: string; bytes: number },
  now = Date.now(),
): Promise<StagedUpload> {
  await db.delete(importUploads).where(lt(importUploads.createdAt, new Date(now - STAGING_TTL_MS)));
  const token = randomBytes(32).toString("base64url");
  const headers = headingsOf(file.text);
  await db.insert(importUploads).values({
    tokenHash: uploadKeyOf(token),
    districtId: owner.districtId,
    userId: owner.userId,
    fileName: file.fileName,
    encoding: file.encoding,
    bytes: file.bytes,
    text: file.text,
    headers,
    createdAt: new Date(now),
  });
  return { token, ...owner, fileName: file.fileName, encoding: file.encoding, bytes: file.bytes, headers, createdAt: now };
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
      headers: importUploads.headers,
      createdAt: importUploads.createdAt,
    })
    .from(importUploads)
    .where(and(eq(importUploads.tokenHash, uploadKeyOf(token)), eq(importUploads.userId, owner.userId), eq(importUploads.districtId, owner.districtId)));
  if (!row) throw new NotFound("upload");
  if (now - row.createdAt.getTime() > STAGING_TTL_MS) {
    await discardStagedUpload(db, token);
    throw new NotFound("upload");
  }
  const readText = async () => {
    const [found] = await db.select({ text: importUploads.text }).from(importUploads).where(eq(importUploads.tokenHash, uploadKeyOf(token)));
    if (!found) throw new NotFound("upload");
    return found.text;
  };
  // Uploads staged before headings were stored (at most a few hours' worth) have them read once, here.
  const headers = row.headers ?? headingsOf(await readText());
  const staged: StagedUpload = { token, ...row, headers, createdAt: row.createdAt.getTime() };
  return { staged, readText };
}

export async function discardStagedUpload(db: Db, token: string) {
  if (!TOKEN.test(token)) return;
  await db.delete(importUploads).where(eq(importUploads.tokenHash, uploadKeyOf(token)));
}
