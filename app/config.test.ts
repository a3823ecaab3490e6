import { describe, expect, it } from "vitest";
import { readConfig } from "./config";

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

  it("names the bad setting", () => {
    expect(() => readConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => readConfig({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => readConfig({ CYCLEKEEPER_DEMO: "maybe" })).toThrow(/CYCLEKEEPER_DEMO/);
  });
});
