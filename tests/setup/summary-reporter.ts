// Prints one plain closing line, "tests: N passed, N failed, N skipped", after vitest's own summary, so CI logs can
// be read at a glance (and by tools that look for that line); before it, the slowest test files, because the whole
// CI run has a time budget and this is where to look when it grows.
import type { Reporter, TestModule } from "vitest/node";

const SLOWEST = 15;

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failed += 1;
        else skipped += 1;
      }
    }
    const slowest = testModules
      .map((module) => ({ name: `${module.project.name}: ${module.moduleId.replace(`${process.cwd()}/`, "")}`, ms: module.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SLOWEST);
    const total = testModules.reduce((sum, module) => sum + module.diagnostic().duration, 0);
    const lines = [`\nslowest test files (all files together: ${(total / 1000).toFixed(0)} s)`, ...slowest.map((file) => `${(file.ms / 1000).toFixed(1).padStart(7)} s  ${file.name}`)];
    // After vitest's own summary, which it writes later in the same tick of shutdown.
    process.once("exit", () => process.stdout.write(`${lines.join("\n")}\n\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`));
  }
}
