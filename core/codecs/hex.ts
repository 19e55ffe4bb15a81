const DIGITS = new TextEncoder().encode("0123456789abcdef");

/**
 * Lower-case hex of bytes. Written into one byte buffer and decoded once: report files travel as
 * hex a MiB at a time, and a string per byte would cost ~30x the time and a large share of the heap.
 */
export function toHex(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i] ?? 0;
    out[2 * i] = DIGITS[byte >> 4] ?? 0;
    out[2 * i + 1] = DIGITS[byte & 15] ?? 0;
  }
  return new TextDecoder().decode(out);
}

/** The value of one hex digit's character code, either case. */
const nibble = (code: number) => (code <= 57 ? code - 48 : (code | 32) - 87);

/** Bytes of a hex string (pairs of hex digits, a trailing odd digit ignored; callers validate the format). */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i += 1) out[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  return out;
}
