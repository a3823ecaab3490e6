// When Cyclekeeper cannot start it says why in one line on stderr and exits non-zero — no stack traces.
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, removeTempDirs, spawnServer, type StopResult } from "./support";

afterAll(() => removeTempDirs());

/** Waits for the process to exit on its own; kills it and fails if it takes longer than `ms`. */
async function exitWithin(server: Awaited<ReturnType<typeof spawnServer>>, ms: number): Promise<StopResult & { elapsedMs: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  const result = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  if (result === "timeout") {
    const killed = await server.stop(2_000);
    throw new Error(`still running after ${ms} ms\n--- stdout ---\n${killed.stdout}\n--- stderr ---\n${killed.stderr}`);
  }
  return { ...result, elapsedMs: Date.now() - started };
}

function lines(text: string) {
  return text.split(/\r?\n/).filter((l) => l.trim() !== "");
}

function expectOneLineFailure(result: StopResult) {
  const errLines = lines(result.stderr);
  expect(errLines, `stderr was:\n${result.stderr}`).toHaveLength(1);
  expect(errLines[0]).toMatch(/^Cyclekeeper cannot start: \S/);
  expect(result.stderr).not.toMatch(/^\s{4}at /m);
  expect(result.stdout).not.toMatch(/^\s{4}at /m);
  expect(result.stdout).not.toContain("listening on");
  return errLines[0];
}

describe("start-up failures", () => {
  it("an unreachable PostgreSQL: non-zero exit within 20 s and one line on stderr", async () => {
    const server = await spawnServer({ env: { DATABASE_URL: "postgres://postgres:s3cret@127.0.0.1:1/nothing" } });
    const result = await exitWithin(server, 20_000);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.elapsedMs).toBeLessThan(20_000);
    const line = expectOneLineFailure(result);
    expect(line).toContain("127.0.0.1:1");
    expect(line).toContain("connection refused");
    // The password in the URL is never printed.
    expect(result.stderr + result.stdout).not.toContain("s3cret");
  });

  it("the exact URL from the brief: postgres://postgres@127.0.0.1:1/nothing", async () => {
    const server = await spawnServer({ env: { DATABASE_URL: "postgres://postgres@127.0.0.1:1/nothing" } });
    const result = await exitWithin(server, 20_000);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expectOneLineFailure(result);
  });

  it("a port already in use: non-zero exit and a one-line message naming the port", async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once("error", reject);
      blocker.listen(port, "127.0.0.1", () => resolve());
    });
    try {
      const server = await spawnServer({ port, demo: "0" });
      const result = await exitWithin(server, 30_000);
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      const line = expectOneLineFailure(result);
      expect(line).toMatch(new RegExp(`\\b${port}\\b`));
      expect(line).toContain("already in use");
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("an invalid setting: non-zero exit and a one-line message naming the setting", async () => {
    const server = await spawnServer({ env: { PORT: "not-a-port" } });
    const result = await exitWithin(server, 20_000);
    expect(result.code).not.toBe(0);
    const line = expectOneLineFailure(result);
    expect(line).toContain("PORT");
  });
});
