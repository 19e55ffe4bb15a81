import { parseEnv } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderDevVars } from "./dev-vars";

describe("renderDevVars", () => {
  it("writes one quoted NAME=value line per variable", () => {
    expect(renderDevVars({ A: "1", B: "postgres://u:p@127.0.0.1:5432/db" })).toContain("A='1'\nB='postgres://u:p@127.0.0.1:5432/db'\n");
  });

  it("refuses a value dotenv could not read back", () => {
    for (const value of ["it's", "two\nlines", "cr\r"]) expect(() => renderDevVars({ A: value })).toThrow(/A holds/);
  });

  it("round-trips a JSON key set", () => {
    const keys = JSON.stringify([{ kid: "k1", kty: "EC", d: "a\\b" }]);
    expect(parseEnv(renderDevVars({ JWT_SIGNING_KEYS: keys }))).toEqual({ JWT_SIGNING_KEYS: keys });
  });

  it("round-trips any other value through a dotenv parser", () => {
    const value = fc.string().filter((s) => !/['\r\n]/.test(s));
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/), value), (vars) => {
        expect(parseEnv(renderDevVars(vars))).toEqual(vars);
      }),
    );
  });
});
