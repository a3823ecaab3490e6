// Test projects: pure unit tests once, with no database and no build ("unit"); integration, security and collaboration
// tests on PGlite, and again on PostgreSQL when TEST_DATABASE_URL is set; browser and process tests once, against real
// servers. Only the projects that start the production app build it first (tests/setup/global-build.ts), so an edit
// to a pure module re-runs its tests in seconds: `npm run test:unit -- app/utils/csv.test.ts`.
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const alias = {
  "~": fileURLToPath(new URL("./app", import.meta.url)),
  "#db": fileURLToPath(new URL("./db", import.meta.url)),
};

// Tests beside the code are pure (no database, no server); tests under tests/ use a real database or a real server.
const unitTests = ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "server/**/*.test.ts", "tests/security/links.test.ts", "tests/security/route-coverage.test.ts"];
const dbTests = ["tests/integration/**/*.test.ts", "tests/security/**/*.test.ts", "tests/collab/**/*.test.ts"];
const dbExclude = [...configDefaults.exclude, "tests/security/links.test.ts", "tests/security/route-coverage.test.ts"];
// The production build, made (or found current) once before a project that starts the real app.
const build = ["tests/setup/global-build.ts"];

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ["default", "./tests/setup/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two database-test files at a time (vitest's default leaves one core idle on CI's two); the browser and
    // multi-instance projects still run one file at a time, after them.
    maxWorkers: Number(process.env.CK_TEST_WORKERS) || 2,
    projects: [
      { extends: true as const, test: { name: "unit", include: unitTests } },
      { extends: true as const, test: { name: "pglite", include: dbTests, exclude: dbExclude, globalSetup: build, env: { CK_TEST_DRIVER: "pglite" } } },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: dbTests,
                // The data and report walks check what pages, exports and PDFs show, which no database driver changes; once (on
                // PGlite) is enough.
                exclude: [...dbExclude, "tests/security/data-walk.test.ts", "tests/security/report-walk.test.ts"],
                globalSetup: build,
                env: { CK_TEST_DRIVER: "postgres" },
              },
            },
          ]
        : []),
      // Several server processes on one PostgreSQL database and Redis (docs/deploy.md): only where PostgreSQL is.
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true as const,
              test: {
                name: "scale",
                include: ["tests/scale/**/*.test.ts"],
                globalSetup: build,
                env: { CK_TEST_DRIVER: "postgres" },
                poolOptions: { forks: { singleFork: true } },
                testTimeout: 90_000,
                hookTimeout: 180_000,
              },
            },
          ]
        : []),
      {
        extends: true as const,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: build,
          // One file at a time: each starts real servers and a browser.
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 90_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
