import { toHex } from "./hex";

/** Hex SHA-256 of a text or of bytes (WebCrypto, so the same in the Worker and in Node). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", typeof data === "string" ? new TextEncoder().encode(data) : data);
  return toHex(new Uint8Array(digest));
}

/**
 * A stable UUID (version 8, "custom") made from a hex digest: the same name always gives the
 * same id, so creating the thing it names can be idempotent.
 */
export function uuidFromHex(hex: string): string {
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
