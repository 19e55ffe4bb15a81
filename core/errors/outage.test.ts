import { describe, expect, it } from "vitest";
import { isOutage } from "./outage";

/** A Neon driver error as it reports a request that failed before reaching the database. */
const neonError = (sourceError?: Error) => Object.assign(new Error("Error connecting to database"), { name: "NeonDbError", sourceError });

describe("isOutage", () => {
  it("is true for a database that cannot be reached and for a deadline", () => {
    expect(isOutage(neonError(new TypeError("fetch failed")))).toBe(true);
    expect(isOutage(new Error("read failed", { cause: Object.assign(new Error("timed out"), { name: "TimeoutError" }) }))).toBe(true);
  });

  it("is false for a SQL error (no source error) and for a bug", () => {
    expect(isOutage(neonError())).toBe(false);
    expect(isOutage(new TypeError("x is undefined"))).toBe(false);
  });

  it("is false for the platform's subrequest limit, even wrapped by the Neon driver: the caller made too many calls", () => {
    const refused = new Error("Too many subrequests by single Worker invocation. To configure this limit, refer to …");
    expect(isOutage(neonError(refused))).toBe(false);
    expect(isOutage(new Error("step failed", { cause: refused }))).toBe(false);
  });
});
