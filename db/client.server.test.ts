// isDatabaseOutage: which errors mean "the database cannot be reached or cannot work now" (503) and which are bugs (500).
import { describe, expect, it } from "vitest";
import { DeadlineExceeded } from "~/utils/deadline";
import { DatabaseUnavailable, isDatabaseOutage } from "./client.server";

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe("isDatabaseOutage", () => {
  it("recognises connection failures, shutdowns, full disks, statement timeouts and our own deadlines", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "NO_ANSWER", "08006", "53100", "53300", "57P01", "57P03", "57014"]) {
      expect({ code, outage: isDatabaseOutage(withCode(code)) }).toEqual({ code, outage: true });
    }
    expect(isDatabaseOutage(new DatabaseUnavailable("cannot reach PostgreSQL"))).toBe(true);
    expect(isDatabaseOutage(new DeadlineExceeded("saving", 10))).toBe(true);
  });

  it("looks through drizzle's wrapping to the driver's error", () => {
    const wrapped = new Error('Failed query: select 1', { cause: withCode("ECONNREFUSED") });
    expect(isDatabaseOutage(wrapped)).toBe(true);
  });

  it("leaves bugs and bad data alone", () => {
    for (const error of [new Error("boom"), withCode("23505"), withCode("42P01"), withCode("22P02"), null, undefined, "text"]) {
      expect(isDatabaseOutage(error)).toBe(false);
    }
  });

  it("does not loop on an error that is its own cause", () => {
    const odd = withCode("XX000") as Error & { cause?: unknown };
    odd.cause = odd;
    expect(isDatabaseOutage(odd)).toBe(false);
  });
});
