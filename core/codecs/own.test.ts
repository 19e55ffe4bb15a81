import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownEntry } from "./own";

const prototypeNames = [...Object.getOwnPropertyNames(Object.prototype), "__proto__"];

describe("ownEntry", () => {
  it("finds a record's own entries and nothing else: no name of Object.prototype, no other string", () => {
    const record: Record<string, number> = { plan: 1, collect: 2 };
    expect(ownEntry(record, "plan")).toBe(1);
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...prototypeNames), fc.string()), (name) => {
        fc.pre(name !== "plan" && name !== "collect");
        expect(ownEntry(record, name)).toBeUndefined();
      }),
      { examples: prototypeNames.map((name) => [name]) },
    );
  });
});
