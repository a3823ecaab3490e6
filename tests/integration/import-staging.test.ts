// A staged upload is its uploader's alone, in their district, for a few hours; then it is gone. It lives in the
// database, so any instance can read what another one staged.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importUploads } from "#db/schema";
import { discardStagedUpload, readStagedUpload, STAGING_TTL_MS, stageUpload } from "~/modules/data/import-staging.server";
import { NotFound } from "~/utils/errors";
import { makeDistrictWithPeople } from "../factories";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let owner: { userId: string; districtId: string };
let colleague: { userId: string; districtId: string };
let stranger: { userId: string; districtId: string };
const file = { fileName: "fall.csv", encoding: "utf-8", text: "school,n\nMaple,3\n", bytes: 17 };

beforeAll(async () => {
  database = await createTestDatabase({ catalog: true });
  const world = await makeDistrictWithPeople(database.db);
  const elsewhere = await makeDistrictWithPeople(database.db);
  owner = { userId: world.lead.id, districtId: world.district.id };
  colleague = { userId: world.team.id, districtId: world.district.id };
  stranger = { userId: elsewhere.lead.id, districtId: elsewhere.district.id };
});
afterAll(() => database?.close());

describe("staged uploads", () => {
  it("reads back for its owner only, under an unguessable token that is never stored", async () => {
    const staged = await stageUpload(database.db, owner, file);
    expect(staged.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const back = await readStagedUpload(database.db, owner, staged.token);
    expect(back.staged).toMatchObject({ fileName: "fall.csv", encoding: "utf-8", bytes: 17 });
    expect(await back.readText()).toBe(file.text);
    const rows = await database.db.select({ tokenHash: importUploads.tokenHash }).from(importUploads);
    expect(rows.map((r) => r.tokenHash)).not.toContain(staged.token);
    await expect(readStagedUpload(database.db, colleague, staged.token)).rejects.toThrow(NotFound);
    await expect(readStagedUpload(database.db, { ...owner, districtId: stranger.districtId }, staged.token)).rejects.toThrow(NotFound);
    await expect(readStagedUpload(database.db, owner, "../../etc/passwd")).rejects.toThrow(NotFound);
    await discardStagedUpload(database.db, staged.token);
    await expect(readStagedUpload(database.db, owner, staged.token)).rejects.toThrow(NotFound);
  });

  it("expires after its time, and expired uploads are swept by the next upload", async () => {
    const now = Date.now();
    const old = await stageUpload(database.db, owner, file, now);
    await expect(readStagedUpload(database.db, owner, old.token, now + STAGING_TTL_MS + 1)).rejects.toThrow(NotFound);
    const older = await stageUpload(database.db, stranger, file, now - STAGING_TTL_MS - 60_000);
    await stageUpload(database.db, owner, file, now);
    expect(await database.db.select().from(importUploads).where(eq(importUploads.userId, stranger.userId))).toEqual([]);
    await expect(readStagedUpload(database.db, stranger, older.token, now)).rejects.toThrow(NotFound);
  });
});
