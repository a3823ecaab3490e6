// A staged upload is its uploader's alone, in their district, for a few hours; then it is gone.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NotFound } from "~/utils/errors";
import { discardStagedUpload, readStagedUpload, STAGING_TTL_MS, stageUpload } from "./import-staging.server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ck-staging-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const owner = { userId: "u1", districtId: "d1" };
const file = { fileName: "fall.csv", encoding: "utf-8", text: "school,n\nMaple,3\n", bytes: 17 };

describe("staged uploads", () => {
  it("reads back for its owner only, under an unguessable token", async () => {
    const staged = await stageUpload(dir, owner, file);
    expect(staged.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const back = await readStagedUpload(dir, owner, staged.token);
    expect(back.staged.fileName).toBe("fall.csv");
    expect(await back.readText()).toBe(file.text);
    await expect(readStagedUpload(dir, { userId: "u2", districtId: "d1" }, staged.token)).rejects.toThrow(NotFound);
    await expect(readStagedUpload(dir, { userId: "u1", districtId: "d2" }, staged.token)).rejects.toThrow(NotFound);
    await expect(readStagedUpload(dir, owner, "../../etc/passwd")).rejects.toThrow(NotFound);
    await discardStagedUpload(dir, staged.token);
    await expect(readStagedUpload(dir, owner, staged.token)).rejects.toThrow(NotFound);
  });

  it("expires after its time, and expired files are swept by the next upload", async () => {
    const now = Date.now();
    const old = await stageUpload(dir, owner, file, now);
    await expect(readStagedUpload(dir, owner, old.token, now + STAGING_TTL_MS + 1)).rejects.toThrow(NotFound);
    const older = await stageUpload(dir, owner, file, now);
    const past = new Date(now - STAGING_TTL_MS - 60_000);
    for (const ext of ["json", "csv"]) fs.utimesSync(path.join(dir, `${older.token}.${ext}`), past, past);
    await stageUpload(dir, owner, file, now);
    expect(fs.existsSync(path.join(dir, `${older.token}.csv`))).toBe(false);
  });
});
