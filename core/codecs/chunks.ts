/** A report file is cut in at most this many pieces: one statement each, far below a Worker's 1,000 subrequests. */
export const MAX_CHUNKS = 256;

/**
 * The piece size for a file of `size` bytes: the configured one, or larger when that would cut
 * the file in more than MAX_CHUNKS pieces. Readers never assume it: they read pieces in order
 * until they have the stored size.
 */
export const chunkBytesFor = (size: number, configured: number): number => Math.max(configured, Math.ceil(size / MAX_CHUNKS));

/** Consecutive views of `bytes`, each `chunkBytes` long but the last (none for an empty file); no copy. */
export function splitIntoChunks(bytes: Uint8Array, chunkBytes: number): Uint8Array[] {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new RangeError(`chunk size must be a positive integer, not ${chunkBytes}`);
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += chunkBytes) chunks.push(bytes.subarray(start, start + chunkBytes));
  return chunks;
}
