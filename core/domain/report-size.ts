const KB = 1024;
const MB = 1024 * 1024;

/** One decimal at most, rounded up or to nearest, without a trailing ".0". */
const oneDecimal = (value: number, round: (x: number) => number) => String(round(value * 10) / 10);

/**
 * A byte count as people read it (MB, KB or bytes). A report's own size is rounded up, so a file
 * just over the limit never reads as equal to it ("16.1 MB, above the 16 MB limit").
 */
export function formatBytes(bytes: number, round: (x: number) => number = Math.round): string {
  if (bytes >= MB) return `${oneDecimal(bytes / MB, round)} MB`;
  if (bytes >= KB) return `${oneDecimal(bytes / KB, round)} KB`;
  return `${bytes} bytes`;
}

/** Why a rendered file is not stored, as its requester reads it; undefined when it is within `maxBytes`. */
export function oversizeReason(size: number, maxBytes: number): string | undefined {
  if (size <= maxBytes) return undefined;
  return `The report is ${formatBytes(size, Math.ceil)}, above the ${formatBytes(maxBytes)} limit: narrow its scope or range.`;
}
