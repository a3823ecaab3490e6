// Runs the real Express + Remix app (from the production build) in-process on a random port, and a
// cookie-keeping HTTP client that behaves like a same-origin browser form.
import type { ServerBuild } from "@remix-run/node";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { readConfig, type AppConfig } from "~/config";
import { projectRoot } from "../../server/build";
import { attachCollab, type CollabOptions, type CollabServer } from "../../server/collab";
import { createApp } from "../../server/http/app";
import type { TestDatabase } from "./database";

export interface TestServer {
  url: string;
  config: AppConfig;
  collab: CollabServer;
  close(): Promise<void>;
}

let buildModule: Promise<ServerBuild> | undefined;
function loadBuild() {
  buildModule ??= import(pathToFileURL(path.join(projectRoot, "build/server/index.js")).href) as Promise<ServerBuild>;
  return buildModule;
}

export async function startTestServer(
  database: TestDatabase,
  env: Record<string, string> = {},
  collabOptions: Partial<CollabOptions> = {},
): Promise<TestServer> {
  const config = readConfig({ NODE_ENV: "production", COOKIE_SECURE: "0", ...env });
  let collab: CollabServer | undefined;
  const app = createApp({
    database,
    config,
    build: await loadBuild(),
    clientDir: path.join(projectRoot, "build/client"),
    saveHealth: () => collab?.saveHealth() ?? null,
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const attached = attachCollab(server, database, config, collabOptions);
  collab = attached;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    collab: attached,
    close: async () => {
      await attached.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export interface TestResponse {
  status: number;
  headers: Headers;
  location: string | null;
  text: string;
}

/** A browser-like client: keeps cookies, sends Origin on writes, never follows redirects by itself. */
export class TestClient {
  cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    readonly origin: string | null = baseUrl,
  ) {}

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(method: string, pathname: string, body?: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<TestResponse> {
    const h = new Headers(headers);
    if (this.cookies.size) h.set("cookie", this.cookieHeader());
    let payload: string | undefined;
    if (body) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
      payload = form.toString();
      h.set("content-type", "application/x-www-form-urlencoded");
    }
    if (method !== "GET" && this.origin && !h.has("origin")) h.set("origin", this.origin);
    const res = await fetch(this.baseUrl + pathname, { method, headers: h, body: payload, redirect: "manual" });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attrs] = cookie.split(";");
      const [name, ...rest] = pair.split("=");
      const value = rest.join("=");
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim())) || value === "";
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return { status: res.status, headers: res.headers, location: res.headers.get("location"), text: await res.text() };
  }

  get(pathname: string, headers?: Record<string, string>) {
    return this.request("GET", pathname, undefined, headers);
  }

  post(pathname: string, body: Record<string, string | string[]>, headers?: Record<string, string>) {
    return this.request("POST", pathname, body, headers);
  }

  async signIn(email: string, password: string) {
    const res = await this.post("/sign-in", { email, password });
    if (res.status !== 302 || res.location !== "/home") throw new Error(`sign-in as ${email} failed: ${res.status} ${res.text.slice(0, 200)}`);
    return res;
  }
}
