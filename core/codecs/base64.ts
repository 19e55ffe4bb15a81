/** Base64 and base64url (RFC 4648 §5, unpadded) for bytes and UTF-8 text, on WebCrypto-era globals. */

export const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

/** Throws on text that is not base64. */
export const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

export const toBase64url = (bytes: Uint8Array): string => toBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** Throws on text that is not base64url. */
export const fromBase64url = (text: string): Uint8Array => fromBase64(text.replaceAll("-", "+").replaceAll("_", "/"));

/** An opaque page cursor for any text (UTF-8 safe). */
export const encodeCursor = (text: string): string => toBase64url(new TextEncoder().encode(text));

/** The text of a cursor, or undefined when it is not one this API made. */
export function decodeCursor(cursor: string): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromBase64url(cursor));
  } catch {
    return undefined;
  }
}
