// withDeadline: a wait that ends on time passes its result through; one that does not is abandoned with a clear error.
import { describe, expect, it } from "vitest";
import { DeadlineExceeded, withDeadline } from "./deadline";

describe("withDeadline", () => {
  it("passes a result that arrives in time", async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000, "seven")).resolves.toBe(7);
  });

  it("passes a failure that arrives in time unchanged", async () => {
    await expect(withDeadline(Promise.reject(new Error("boom")), 1_000, "boom")).rejects.toThrow("boom");
  });

  it("gives up on a wait that never ends, naming what and after how long", async () => {
    const started = Date.now();
    const error = await withDeadline(new Promise(() => {}), 150, "saving document x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceeded);
    expect((error as Error).message).toBe("saving document x did not finish within 150 ms");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
