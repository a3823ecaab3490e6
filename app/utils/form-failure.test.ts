import { describe, expect, it } from "vitest";
import { takesFocus } from "~/components/ui/form";
import { failureFor } from "./form-failure";

const failure = { ok: false as const, fieldErrors: { rating: ["Choose a progress rating."] }, values: { intent: "check-in", planId: "plan-b", rating: "" } };

describe("which form a failed answer belongs to", () => {
  it("is the form with the intent that was sent and, for a form repeated per record, that record's", () => {
    expect(failureFor(failure, "check-in", { planId: "plan-b" })).toMatchObject({ fieldErrors: failure.fieldErrors, values: failure.values, focusFirstError: true });
    expect(failureFor(failure, "check-in", { planId: "plan-a" })).toBeUndefined();
    expect(failureFor(failure, "end", { planId: "plan-b" })).toBeUndefined();
    expect(failureFor(failure, "check-in")).toBeDefined();
  });

  it("is no form when nothing failed, or when the answer does not say what was sent", () => {
    expect(failureFor(undefined, "check-in")).toBeUndefined();
    expect(failureFor({ values: {} }, "check-in")).toBeUndefined();
    expect(failureFor({ values: { intent: ["check-in", "end"] } }, "check-in")).toBeUndefined();
  });

  it("gives the cursor to the sent form's first field in error only", () => {
    const sent = failureFor({ fieldErrors: { weekOf: ["Enter a date as YYYY-MM-DD."], rating: ["Choose a progress rating."] }, values: { intent: "check-in" } }, "check-in");
    expect(takesFocus(sent, "weekOf")).toBe(true);
    expect(takesFocus(sent, "rating")).toBe(false);
    // The same errors handed to a form without the mark (a page that does not scope its answers) move nothing.
    expect(takesFocus({ fieldErrors: { weekOf: ["x"] } }, "weekOf")).toBe(false);
    expect(takesFocus(undefined, "weekOf")).toBe(false);
  });
});
