// End-to-end support: runs the real production server as a child process (tsx server/index.ts against the
// production build made by the global set-up), a cookie-keeping HTTP client, and Chromium via playwright-core.
import AxeBuilder from "@axe-core/playwright";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
export const DEMO_PASSWORD = "cyclekeeper-demo";
export const artifactsDir = path.join(projectRoot, "tests/.artifacts");

/** A port nobody is listening on right now: bind to port 0, read the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A fresh, empty directory under the system temp dir; removed by `removeTempDirs`. */
const tempDirs: string[] = [];
export function freshDataDir(label = "data"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ck-e2e-${label}-`));
  tempDirs.push(dir);
  return dir;
}
export function removeTempDirs() {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits (whether or not we asked it to). */
  exited: Promise<StopResult>;
  /** SIGTERM, then wait for exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<StopResult>;
}

export interface SpawnOptions {
  dataDir?: string;
  port?: number;
  /** "1"/"0"; left unset means the app's default (demo on). */
  demo?: "0" | "1";
  env?: Record<string, string | undefined>;
}

/** Spawns `node tsx/cli.mjs server/index.ts` in production mode. Does not wait for it to be ready. */
export async function spawnServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? freshDataDir();
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The vitest worker's own settings must not leak into the server under test.
  for (const key of ["DATABASE_URL", "CYCLEKEEPER_DEMO", "PUBLIC_ORIGIN", "COOKIE_SECURE", "TRUST_PROXY", "VITEST", "VITEST_MODE", "CK_TEST_DRIVER"]) {
    delete env[key];
  }
  Object.assign(env, { NODE_ENV: "production", PORT: String(port), DATA_DIR: dataDir, HOST: "127.0.0.1", FORCE_COLOR: "0", NO_COLOR: "1" });
  if (options.demo) env.CYCLEKEEPER_DEMO = options.demo;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [path.join(projectRoot, "node_modules/tsx/dist/cli.mjs"), "server/index.ts"], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<StopResult>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dataDir,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}

/** Polls GET /healthz until it answers 200; throws with the child's output if it exits or times out. */
export async function waitForHealthy(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: StopResult | null = null;
  void server.exited.then((r) => (exited = r));
  let lastError = "";
  while (Date.now() < deadline) {
    if (exited) {
      const r = exited as StopResult;
      throw new Error(`server exited (code ${r.code}, signal ${r.signal}) before it was healthy\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
    }
    try {
      const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      lastError = `status ${res.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `server did not answer /healthz with 200 within ${timeoutMs} ms (last: ${lastError})\n--- stdout ---\n${server.stdout()}\n--- stderr ---\n${server.stderr()}`,
  );
}

/** Spawns a server and waits until it is healthy; on failure the process is stopped. */
export async function startServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  const server = await spawnServer(options);
  try {
    await waitForHealthy(server);
  } catch (error) {
    await server.stop(5_000);
    throw error;
  }
  return server;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export interface HttpResponse {
  status: number;
  location: string | null;
  text: string;
}

/** A same-origin, cookie-keeping client that never follows redirects by itself. */
export class HttpClient {
  cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(method: string, pathname: string, body?: Record<string, string>): Promise<HttpResponse> {
    const headers = new Headers();
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (method !== "GET") headers.set("origin", this.baseUrl);
    let payload: string | undefined;
    if (body) {
      payload = new URLSearchParams(body).toString();
      headers.set("content-type", "application/x-www-form-urlencoded");
    }
    const res = await fetch(this.baseUrl + pathname, { method, headers, body: payload, redirect: "manual" });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attrs] = cookie.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1);
      if (value === "" || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get("location"), text: await res.text() };
  }
  get(pathname: string) {
    return this.request("GET", pathname);
  }
  post(pathname: string, body: Record<string, string>) {
    return this.request("POST", pathname, body);
  }
  async signIn(email: string, password = DEMO_PASSWORD) {
    const res = await this.post("/sign-in", { email, password });
    if (res.status !== 302 || res.location !== "/home") throw new Error(`sign-in as ${email} failed: ${res.status} ${res.text.slice(0, 300)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Browser

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

export async function newPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, locale: "en-US", timezoneId: "UTC" });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the real form and waits for /home. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/home");
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/**
 * Waits until the page's h1 reads exactly `text` (client-side navigations change the address before React has
 * rendered the new page) and throws naming the headings actually shown when it does not.
 */
export async function expectHeading(page: Page, text: string, timeoutMs = 10_000) {
  try {
    await page.getByRole("heading", { level: 1, name: text, exact: true }).waitFor({ timeout: timeoutMs });
  } catch {
    const shown = await page.locator("h1").allInnerTexts();
    throw new Error(`expected the h1 "${text}" on ${page.url()}, but the page shows ${JSON.stringify(shown)}`);
  }
}

/** Runs axe with the WCAG 2.0/2.1 A and AA rules and returns the violations as readable text ("" when none). */
export async function axeViolations(page: Page): Promise<string> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(" ")}\n      ${n.html.slice(0, 200)}\n      ${n.failureSummary?.replace(/\n/g, "\n      ") ?? ""}`)
        .join("\n");
      return `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join("\n");
}

/** Asserts (by throwing) that axe finds nothing on the current page. */
export async function expectNoAxeViolations(page: Page, label = page.url()) {
  const report = await axeViolations(page);
  if (report) throw new Error(`axe found accessibility violations on ${label}:\n${report}`);
}

/** The link texts in the main navigation. */
export async function mainNavLabels(page: Page): Promise<string[]> {
  return (await page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts()).map((t) => t.trim());
}

export function randomSuffix() {
  return Math.random().toString(36).slice(2, 8);
}

/**
 * One demo server and one browser shared by a whole test file, stopped afterwards. Read `env.server` and
 * `env.browser` inside tests: they are set once beforeAll has run.
 */
export function useServerAndBrowser(options: SpawnOptions = {}) {
  const env = {} as { server: ServerProcess; browser: Browser };
  beforeAll(async () => {
    [env.server, env.browser] = await Promise.all([startServer(options), launchBrowser()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.stop();
    removeTempDirs();
  });
  return env;
}
