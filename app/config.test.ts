import { describe, expect, it } from "vitest";
import { defaultTimeouts, isLoopbackHost, readConfig } from "./config";

describe("readConfig", () => {
  it("uses the documented defaults", () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 3000, dataDir: ".data", databaseUrl: undefined, demo: true, production: false, secureCookies: false });
    expect(config.sessionIdleMs).toBe(30 * 60_000);
    expect(config.sessionMaxMs).toBe(12 * 3_600_000);
  });

  it("turns on secure cookies in production and reads overrides", () => {
    const config = readConfig({ NODE_ENV: "production", PORT: "8080", CYCLEKEEPER_DEMO: "0", SESSION_IDLE_MINUTES: "15", DATABASE_URL: "" });
    expect(config).toMatchObject({ port: 8080, demo: false, production: true, secureCookies: true, databaseUrl: undefined });
    expect(config.sessionIdleMs).toBe(15 * 60_000);
  });

  it("keeps a start that may load the demo on this machine unless an address is named (ADR 0034)", () => {
    expect(readConfig({})).toMatchObject({ host: "127.0.0.1", demo: true, demoOnNetwork: false });
    expect(readConfig({ HOST: "" }).host).toBe("127.0.0.1");
    expect(readConfig({ CYCLEKEEPER_DEMO: "0" }).host).toBe("0.0.0.0");
    expect(readConfig({ DATABASE_URL: "postgres://db.internal/ck" }).host).toBe("0.0.0.0");
    expect(readConfig({ HOST: "0.0.0.0", CYCLEKEEPER_DEMO_NETWORK: "1" })).toMatchObject({ host: "0.0.0.0", demoOnNetwork: true });
    expect(() => readConfig({ CYCLEKEEPER_DEMO_NETWORK: "please" })).toThrow(/CYCLEKEEPER_DEMO_NETWORK/);
  });

  it("tells loopback addresses from network ones", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1", " LOCALHOST "]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.11", "192.168.1.5", "example.org", "127.0.0.1.example.org", "1270.0.0.1"]) expect(isLoopbackHost(host), host).toBe(false);
  });

  it("names the bad setting", () => {
    expect(() => readConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => readConfig({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => readConfig({ CYCLEKEEPER_DEMO: "maybe" })).toThrow(/CYCLEKEEPER_DEMO/);
  });

  it("bounds every wait by default, reads each timeout, and refuses a timeout that would never end", () => {
    expect(readConfig({}).timeouts).toEqual(defaultTimeouts);
    expect(Object.values(defaultTimeouts).every((ms) => ms >= 100 && ms <= 60_000)).toBe(true);
    const config = readConfig({ DB_STATEMENT_TIMEOUT_MS: "30000", COLLAB_SAVE_DEADLINE_MS: "4000", READY_PROBE_DEADLINE_MS: "750" });
    expect(config.timeouts).toMatchObject({ statementMs: 30_000, collabSaveMs: 4_000, readyProbeMs: 750, connectMs: defaultTimeouts.connectMs });
    expect(() => readConfig({ DB_STATEMENT_TIMEOUT_MS: "0" })).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
    expect(() => readConfig({ COLLAB_SAVE_DEADLINE_MS: "ten seconds" })).toThrow(/invalid setting COLLAB_SAVE_DEADLINE_MS: use a whole number of milliseconds/);
  });
});
