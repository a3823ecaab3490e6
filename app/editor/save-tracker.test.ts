// The save indicator's words when the server refuses a change, and which closes end editing rather than reconnect.
import { describe, expect, it } from "vitest";
import { closeReasonFor, shouldReconnect } from "./save-tracker";

describe("a connection the server ended", () => {
  it("says why a change was refused or too large, in the server's words", () => {
    expect(closeReasonFor(4422, "text cannot be placed directly in the document")).toBe(
      "Your last change was refused (text cannot be placed directly in the document), so it was not saved. Reload the page to continue.",
    );
    expect(closeReasonFor(4413, "a paragraph may hold at most 100000 characters")).toMatch(/^Your last change was too large to save \(a paragraph may hold at most 100000 characters\)\./);
    expect(closeReasonFor(4413, "")).toMatch(/^Your last change was too large to save\. Reload/);
    expect(closeReasonFor(1009, "")).toMatch(/too large to send \(over 4 MB\)/);
    expect(closeReasonFor(4999, "")).toBe("The connection was closed (4999).");
  });

  it("stops reconnecting after 1009 and 44xx (the same change would be sent again), and reconnects after anything else", () => {
    expect(shouldReconnect({ code: 1009 })).toBe(false);
    expect(shouldReconnect({ code: 4422 })).toBe(false);
    expect(shouldReconnect({ code: 4413 })).toBe(false);
    expect(shouldReconnect({ code: 1006 })).toBe(true);
    expect(shouldReconnect({ code: 1008 })).toBe(true);
    expect(shouldReconnect({ code: 1011 })).toBe(true);
  });
});
