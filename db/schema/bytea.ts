import { customType } from "drizzle-orm/pg-core";
import { fromHex, toHex } from "../../core/codecs/hex";

/**
 * Binary column. The Neon HTTP driver returns bytea as a Buffer-like byte array in Node and as
 * `\x…` hex text over raw text output, so both are accepted; writes send `\x…` hex.
 */
export const bytea = customType<{ data: Uint8Array; driverData: string | Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => `\\x${toHex(value)}`,
  fromDriver: (value) => {
    if (typeof value !== "string") return new Uint8Array(value);
    return fromHex(value.startsWith("\\x") ? value.slice(2) : value);
  },
});
