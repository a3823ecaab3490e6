// The embedded database survives a clean restart, the demo loads only into an empty database, and a
// Cyclekeeper started without the demo walks its first user through setting up a district.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  expectHeading,
  expectNoAxeViolations,
  HttpClient,
  launchBrowser,
  mainNavLabels,
  newPage,
  randomSuffix,
  removeTempDirs,
  spawnServer,
  startServer,
  type ServerProcess,
} from "./support";

const running: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  removeTempDirs();
});

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function start(options: Parameters<typeof startServer>[0]) {
  const server = await startServer(options);
  running.push(server);
  return server;
}

async function stop(server: ServerProcess) {
  const result = await server.stop();
  running.splice(running.indexOf(server), 1);
  return result;
}

describe("restarting on the same data directory", () => {
  it("keeps what was saved, shuts down cleanly on SIGTERM and does not load the demo twice", async () => {
    const schoolName = `Persistence Prep ${randomSuffix()}`;

    const first = await start({});
    expect(first.stdout()).toContain("Loaded the demo district");
    expect(first.stdout()).toMatch(/listening on .* database: pglite/);
    const lockFile = path.join(first.dataDir, "pglite", "cyclekeeper.pid");
    // tsx runs the server in a child of the process we spawned, so the lock names that grandchild.
    const serverPid = Number(fs.readFileSync(lockFile, "utf8"));
    expect(serverPid).toBeGreaterThan(0);
    expect(isAlive(serverPid)).toBe(true);

    const lead = new HttpClient(first.url);
    await lead.signIn("lead@riverbend.example");
    const created = await lead.post("/schools", { name: schoolName, level: "high" });
    expect(created.status, created.text.slice(0, 300)).toBe(302);
    expect(created.location).toMatch(/^\/schools\/[0-9a-f-]{36}\?added=1$/);
    const schoolPath = created.location!.split("?")[0];
    expect((await lead.get("/schools")).text).toContain(schoolName);

    // A second process on the same data directory is refused while the first runs, and the first is unharmed.
    const intruder = await spawnServer({ dataDir: first.dataDir });
    const refused = await intruder.exited;
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim()).toMatch(new RegExp(`^Cyclekeeper cannot start: .*in use by process ${serverPid}`));
    expect(refused.stdout).not.toContain("listening on");
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    const stopped = await stop(first);
    expect(stopped.code).toBe(0);
    expect(stopped.signal).toBeNull();
    expect(stopped.stdout).toMatch(/SIGTERM received: .*closing the database/);
    expect(stopped.stdout).toContain("Cyclekeeper stopped");
    expect(stopped.stderr).toBe("");
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(isAlive(serverPid)).toBe(false);

    const restartedAt = Date.now();
    const second = await start({ dataDir: first.dataDir });
    console.log(`[e2e] warm restart on an existing data directory: ${Date.now() - restartedAt} ms to the first healthy /healthz`);
    expect(second.stdout()).toContain("listening on");
    expect(second.stdout()).not.toContain("Loaded the demo district");

    const again = new HttpClient(second.url);
    await again.signIn("lead@riverbend.example");
    const schools = await again.get("/schools");
    expect(schools.status).toBe(200);
    expect(schools.text).toContain(schoolName);
    expect(schools.text).toContain("7 active schools");
    const school = await again.get(schoolPath);
    expect(school.status).toBe(200);
    expect(school.text).toContain(schoolName);
    // Sessions from before the restart are still valid: they live in the database, not in memory.
    const oldSession = new HttpClient(second.url);
    oldSession.cookies = new Map(lead.cookies);
    const home = await oldSession.get("/home");
    expect(home.status).toBe(200);
    expect(home.text).toContain("Welcome, Dana");

    const secondStop = await stop(second);
    expect(secondStop.code).toBe(0);
    expect(secondStop.stdout).not.toContain("Loaded the demo district");
  });
});

describe("first run without the demo", () => {
  it("sends the visitor to /setup, creates the district and its lead, then closes setup", async () => {
    const server = await start({ demo: "0" });
    expect(server.stdout()).not.toContain("Loaded the demo district");

    const anonymous = new HttpClient(server.url);
    const root = await anonymous.get("/");
    expect(root.status).toBe(302);
    expect(root.location).toBe("/setup");
    const signInFirst = await anonymous.get("/sign-in");
    expect(signInFirst.status).toBe(302);
    expect(signInFirst.location).toBe("/setup");

    const suffix = randomSuffix();
    const browser = await launchBrowser();
    try {
      const { context, page } = await newPage(browser, server.url);
      await page.goto("/");
      await page.waitForURL((url) => url.pathname === "/setup");
      await expectHeading(page, "Set up your district");
      await expectNoAxeViolations(page, "/setup");

      // A mismatched repeat is refused beside its field, keeping the rest.
      await page.getByLabel("District name", { exact: true }).fill("Lakeshore Unified");
      await page.getByLabel("Short web name", { exact: true }).fill(`lakeshore-${suffix}`);
      await page.getByLabel("Your name", { exact: true }).fill("Morgan Ellis");
      await page.getByLabel("Your email", { exact: true }).fill(`morgan.${suffix}@lakeshore.example`);
      await page.getByLabel("Password", { exact: true }).fill("a long enough password");
      await page.getByLabel("Repeat password", { exact: true }).fill("a different password!");
      await page.getByRole("button", { name: "Create district" }).click();
      await page.getByRole("alert").waitFor();
      await expect(page.getByLabel("Repeat password", { exact: true }).getAttribute("aria-invalid")).resolves.toBe("true");
      await expect(page.getByText("The passwords do not match.").count()).resolves.toBe(1);
      await expect(page.getByLabel("District name", { exact: true }).inputValue()).resolves.toBe("Lakeshore Unified");
      expect(new URL(page.url()).pathname).toBe("/setup");

      await page.getByLabel("Password", { exact: true }).fill("a long enough password");
      await page.getByLabel("Repeat password", { exact: true }).fill("a long enough password");
      await page.getByRole("button", { name: "Create district" }).click();
      await page.waitForURL((url) => url.pathname === "/home");
      await expectHeading(page, "Welcome, Morgan");
      expect(await mainNavLabels(page)).toEqual(["Home", "Cycles", "Schools", "Data", "Student support", "Reports", "People", "Settings"]);
      await expect(page.getByRole("banner").innerText()).resolves.toContain("Lakeshore Unified");
      await expect(page.getByRole("banner").innerText()).resolves.toContain("District SEL lead");
      await expect(page.locator("main").innerText()).resolves.toContain("No schools yet.");

      // Setup is closed now: for a signed-in lead it ends at home, for anyone else at sign-in.
      await page.goto("/setup");
      expect(new URL(page.url()).pathname).toBe("/home");
      await context.close();
    } finally {
      await browser.close();
    }

    const setupAgain = await anonymous.get("/setup");
    expect(setupAgain.status).toBe(302);
    expect(setupAgain.location).toBe("/sign-in");
    expect((await anonymous.get("/")).location).toBe("/sign-in");
    // Nobody can post a second district through the setup form.
    const hijack = await anonymous.post("/setup", {
      districtName: "Hijack District",
      districtSlug: `hijack-${suffix}`,
      name: "Mallory",
      email: `mallory.${suffix}@example.org`,
      password: "a long enough password",
      confirmPassword: "a long enough password",
    });
    expect(hijack.status).toBe(302);
    expect(hijack.location).toBe("/sign-in");
    expect(anonymous.cookies.size).toBe(0);

    // The new lead can sign in over plain HTTP with the chosen password.
    const lead = new HttpClient(server.url);
    await lead.signIn(`morgan.${suffix}@lakeshore.example`, "a long enough password");
    const home = await lead.get("/home");
    expect(home.text).toContain("Lakeshore Unified");
    expect(home.text).not.toContain("Hijack District");

    const result = await stop(server);
    expect(result.code).toBe(0);
  });
});
