// The small rules behind ADR 0033: which sockets an access change concerns, how the change travels between instances,
// when a session ends unless its person acts, and the sentence an idle sign-out shows.
import { describe, expect, it } from "vitest";
import { idleMessage } from "./auth";
import { decodeAccessChange, encodeAccessChange } from "./cluster";
import { concerns } from "./index";
import { sessionDeadline } from "~/modules/people/session.server";

const grant = { documentId: "doc-1", user: { id: "user-1" } };

describe("which open sockets an access change concerns", () => {
  it("a person's change concerns only that person's sockets, a document's only that document's, everyone's all", () => {
    expect(concerns({ userId: "user-1" }, grant)).toBe(true);
    expect(concerns({ userId: "user-2" }, grant)).toBe(false);
    expect(concerns({ documentId: "doc-1" }, grant)).toBe(true);
    expect(concerns({ documentId: "doc-2" }, grant)).toBe(false);
    expect(concerns({ everyone: true }, grant)).toBe(true);
  });
});

describe("access changes between instances", () => {
  it("round-trips each scope through the one-string wire form", () => {
    for (const change of [{ userId: "0b9c6a9e-1c1f-4f4e-9a53-8d3f3c1d2e4f" }, { documentId: "5e1d2c3b-aaaa-4bbb-8ccc-123456789abc" }, { everyone: true as const }]) {
      expect(decodeAccessChange(encodeAccessChange(change))).toEqual(change);
    }
  });

  it("reads what an instance of the previous version sends: a bare user id, or nothing for everyone", () => {
    expect(decodeAccessChange("0b9c6a9e-1c1f-4f4e-9a53-8d3f3c1d2e4f")).toEqual({ userId: "0b9c6a9e-1c1f-4f4e-9a53-8d3f3c1d2e4f" });
    expect(decodeAccessChange("")).toEqual({ everyone: true });
  });
});

describe("when a session ends unless its person acts", () => {
  const config = { sessionIdleMs: 30 * 60_000, sessionMaxMs: 12 * 3_600_000 };
  it("is the idle limit after the last activity, or the absolute limit when that comes first", () => {
    const lastSeenAt = new Date("2026-12-06T10:00:00Z");
    expect(sessionDeadline({ lastSeenAt, expiresAt: new Date("2026-12-06T20:00:00Z") }, config)).toBe(Date.parse("2026-12-06T10:30:00Z"));
    expect(sessionDeadline({ lastSeenAt, expiresAt: new Date("2026-12-06T10:10:00Z") }, config)).toBe(Date.parse("2026-12-06T10:10:00Z"));
  });
});

describe("the sentence an idle sign-out shows", () => {
  it("names the configured limit in minutes, or in seconds when it is not whole minutes", () => {
    expect(idleMessage({ sessionIdleMs: 30 * 60_000 })).toBe("You were signed out after 30 minutes without activity.");
    expect(idleMessage({ sessionIdleMs: 60_000 })).toBe("You were signed out after 1 minute without activity.");
    expect(idleMessage({ sessionIdleMs: 3_000 })).toBe("You were signed out after 3 seconds without activity.");
    // A close reason may hold at most 123 bytes.
    expect(Buffer.byteLength(idleMessage({ sessionIdleMs: 1_440 * 60_000 }))).toBeLessThanOrEqual(123);
  });
});
