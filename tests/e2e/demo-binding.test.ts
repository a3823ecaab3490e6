// The demo's passwords are published, so a server whose database lets them in listens on this machine only unless the
// operator opts in (ADR 0034): real server processes, the kernel's own table of listening sockets, and a connection
// attempt on the machine's network address.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "#db/client.server";
import { persons } from "#db/schema";
import { hashPassword } from "~/modules/people/password.server";
import { freshDataDir, removeTempDirs, spawnServer, waitForHealthy, type ServerProcess, type StopResult } from "./support";

afterAll(() => removeTempDirs());

/** The addresses the kernel has a socket listening on for this port (Linux: /proc/net/tcp and tcp6). */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== "0A") continue;
      const [hex, portHex] = local.split(":");
      if (parseInt(portHex, 16) !== port) continue;
      if (hex.length === 8) found.push(hex.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join("."));
      else found.push(/^0+$/.test(hex) ? "::" : hex === "00000000000000000000000001000000" ? "::1" : `ipv6:${hex}`);
    }
  }
  return found.sort();
}

/** The machine's first non-loopback IPv4 address, which another machine on the network would connect to. */
const networkAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2_000 });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

async function exitOf(server: ServerProcess, ms = 150_000): Promise<StopResult> {
  const timer = setTimeout(() => server.child.kill("SIGKILL"), ms);
  try {
    return await server.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Spawned with HOST unset unless given: the server's own default decides. */
const spawn = (dataDir: string, env: Record<string, string | undefined> = {}) => spawnServer({ dataDir, env: { HOST: undefined, ...env } });

describe("the demo district and the network", () => {
  const dataDir = freshDataDir("demo-binding");

  it("a plain first start loads the demo and listens on loopback only", { timeout: 300_000 }, async () => {
    const server = await spawn(dataDir);
    try {
      await waitForHealthy(server, 180_000);
      expect(server.stdout()).toContain("Loaded the demo district");
      expect(server.stdout()).toContain(`listening on http://127.0.0.1:${server.port} (this machine only`);
      expect(listeningAddresses(server.port)).toEqual(["127.0.0.1"]);
      if (networkAddress) expect(await connects(networkAddress, server.port)).toBe(false);
      expect((await fetch(`${server.url}/sign-in`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("refuses HOST=0.0.0.0 while demo accounts open with the published password, in one line that says what to do", { timeout: 120_000 }, async () => {
    const server = await spawn(dataDir, { HOST: "0.0.0.0" });
    const result = await exitOf(server);
    expect(result.code).toBe(1);
    const lines = result.stderr.split("\n").filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Cyclekeeper cannot start: HOST=0\.0\.0\.0 would let the network in, and demo accounts still sign in with the published password \(board@riverbend\.example, coach@riverbend\.example, lead@riverbend\.example, …\)/);
    expect(lines[0]).toContain("CYCLEKEEPER_DEMO_NETWORK=1");
    expect(result.stdout).not.toContain("listening on");
  });

  it("listens on the network when the operator opts in, and warns", { timeout: 180_000 }, async () => {
    const server = await spawn(dataDir, { HOST: "0.0.0.0", CYCLEKEEPER_DEMO_NETWORK: "1" });
    try {
      await waitForHealthy(server, 120_000);
      expect(listeningAddresses(server.port)).toEqual(["0.0.0.0"]);
      if (networkAddress) expect(await connects(networkAddress, server.port)).toBe(true);
      expect(server.stderr()).toContain("CYCLEKEEPER_DEMO_NETWORK=1");
    } finally {
      await server.stop();
    }
  });

  it("listens on the network once every demo account has a password of its own", { timeout: 180_000 }, async () => {
    const handle = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
    try {
      // Passwords belong to the person (ADR 0035).
      await handle.db.update(persons).set({ passwordHash: await hashPassword("a-password-only-the-district-knows") });
    } finally {
      await handle.close();
    }
    const server = await spawn(dataDir, { HOST: "0.0.0.0" });
    try {
      await waitForHealthy(server, 120_000);
      expect(listeningAddresses(server.port)).toEqual(["0.0.0.0"]);
      expect(server.stderr()).toBe("");
    } finally {
      await server.stop();
    }
  });

  it("refuses a first start on HOST=0.0.0.0 before loading the demo, and an empty start listens on the network by default", { timeout: 360_000 }, async () => {
    const fresh = freshDataDir("demo-binding-fresh");
    const refused = await exitOf(await spawn(fresh, { HOST: "0.0.0.0" }));
    expect(refused.code, refused.stderr + refused.stdout).toBe(1);
    expect(refused.stderr).toContain("this first start would load the demo district, whose passwords are published");
    expect(refused.stdout).not.toContain("Loaded the demo district");

    const empty = await spawn(fresh, { CYCLEKEEPER_DEMO: "0" });
    try {
      await waitForHealthy(empty, 120_000);
      expect(listeningAddresses(empty.port)).toEqual(["0.0.0.0"]);
      expect(empty.stdout()).not.toContain("Loaded the demo district");
    } finally {
      await empty.stop();
    }
  });
});
