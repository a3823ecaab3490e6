// Which addresses count as one client, and the per-account wait that slows guessing from many addresses.
import { describe, expect, it } from "vitest";
import { accountSlowDown, accountWaitMs, clientAddressKey, expandIPv6 } from "./throttle";

describe("clientAddressKey", () => {
  it("counts every address of one IPv6 /64 as one client", () => {
    const key = clientAddressKey("2001:db8:1:2::1");
    expect(key).toBe("2001:db8:1:2::/64");
    for (const other of ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0db8:0001:0002:abcd::9", "2001:DB8:1:2:0:0:0:7", "[2001:db8:1:2::8]", "2001:db8:1:2::9%eth0"]) {
      expect(clientAddressKey(other), other).toBe(key);
    }
  });

  it("keeps neighbouring /64s apart", () => {
    expect(clientAddressKey("2001:db8:1:3::1")).not.toBe(clientAddressKey("2001:db8:1:2::1"));
  });

  it("reads IPv4-mapped IPv6 as the IPv4 address, in either spelling", () => {
    expect(clientAddressKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(clientAddressKey("::ffff:c000:207")).toBe("192.0.2.7");
    expect(clientAddressKey("192.0.2.7")).toBe("192.0.2.7");
  });

  it("leaves what is not an address as it is (the key still separates clients)", () => {
    expect(clientAddressKey("unknown")).toBe("unknown");
    expect(clientAddressKey("1:2:3")).toBe("1:2:3");
  });
});

describe("expandIPv6", () => {
  it("expands :: and rejects malformed addresses", () => {
    expect(expandIPv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(expandIPv6("1::2::3")).toBeNull();
    expect(expandIPv6("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(expandIPv6("12345::1")).toBeNull();
  });
});

describe("accountWaitMs", () => {
  it("lets the first failures through without a wait, then doubles to a cap", () => {
    const limit = accountSlowDown.freeFailures;
    expect(accountWaitMs(limit)).toBe(0);
    expect(accountWaitMs(limit + 1)).toBe(accountSlowDown.baseMs);
    expect(accountWaitMs(limit + 2)).toBe(accountSlowDown.baseMs * 2);
    expect(accountWaitMs(limit + 100)).toBe(accountSlowDown.maxMs);
  });
});
