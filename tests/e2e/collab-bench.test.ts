// bench:collab's harness on a tiny load: both servers' editors converge, ours stores what they hold, and the last
// stdout line is the JSON figures. Nothing here asserts a speed: the benchmark measures, this checks it is honest.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

function runBench(env: Record<string, string>) {
  const { BENCH_DATABASE_URL: _ignored, ...inherited } = process.env;
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "tests/bench/collab.ts")], {
      cwd: projectRoot,
      env: { ...inherited, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("bench:collab", () => {
  it("runs 2 documents × 2 editors against both servers: every edit reaches every editor, ours stores it, and the last line is the JSON figures", async () => {
    const { code, stdout, stderr } = await runBench({ BENCH_DOCS: "2", BENCH_CLIENTS: "2", BENCH_RATE: "10", BENCH_SECONDS: "1", BENCH_WARMUP_SECONDS: "0.5" });
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split("\n");
    const figures = JSON.parse(lines[lines.length - 1]);
    expect(stdout).toContain("server");
    expect(stdout).toContain("Ratio ours ÷ Hocuspocus");
    expect(figures.editors).toBe(4);
    expect(typeof figures.ratio).toBe("number");
    for (const server of [figures.ours, figures.hocuspocus]) {
      expect(server.convergedDocuments).toBe(2);
      expect(server.unacknowledged).toBe(0);
      expect(server.acknowledgedPerSecond).toBeGreaterThan(0);
    }
    // Read back from the database after the server closed: what the editors hold is what was stored.
    expect(figures.ours.storedDocumentsMatching).toBe(2);
    expect(figures.hocuspocus.storedDocumentsMatching).toBeNull();
    expect(figures.ratio).toBeCloseTo(figures.ours.acknowledgedPerSecond / figures.hocuspocus.acknowledgedPerSecond, 1);
  }, 120_000);
});
