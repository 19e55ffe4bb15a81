import { describe, expect, it } from "vitest";
import { formatBytes, oversizeReason } from "./report-size";

const MiB = 1024 * 1024;

describe("oversizeReason", () => {
  it("accepts a file up to the limit, the limit itself included", () => {
    expect(oversizeReason(16 * MiB, 16 * MiB)).toBeUndefined();
    expect(oversizeReason(0, 1024)).toBeUndefined();
  });

  it("names both sizes, the file's rounded up so one byte over never reads as equal", () => {
    expect(oversizeReason(16 * MiB + 1, 16 * MiB)).toBe("The report is 16.1 MB, above the 16 MB limit: narrow its scope or range.");
    expect(oversizeReason(40 * MiB, 16 * MiB)).toBe("The report is 40 MB, above the 16 MB limit: narrow its scope or range.");
    expect(oversizeReason(3000, 1024)).toBe("The report is 3 KB, above the 1 KB limit: narrow its scope or range.");
  });
});

describe("formatBytes", () => {
  it("uses bytes below a KB, KB below a MB, one decimal at most", () => {
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(2.25 * MiB)).toBe("2.3 MB");
    expect(formatBytes(2.21 * MiB, Math.ceil)).toBe("2.3 MB");
  });
});
