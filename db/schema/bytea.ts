import { customType } from "drizzle-orm/pg-core";

/**
 * Binary column. The Neon HTTP driver returns bytea as a Buffer-like byte array in Node and as
 * `\x…` hex text over raw text output, so both are accepted; writes send `\x…` hex.
 */
export const bytea = customType<{ data: Uint8Array; driverData: string | Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => `\\x${[...value].map((b) => b.toString(16).padStart(2, "0")).join("")}`,
  fromDriver: (value) => {
    if (typeof value !== "string") return new Uint8Array(value);
    const hex = value.startsWith("\\x") ? value.slice(2) : value;
    return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  },
});
