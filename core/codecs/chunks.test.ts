import { describe, expect, it } from "vitest";
import { chunkBytesFor, MAX_CHUNKS, splitIntoChunks } from "./chunks";

const bytes = (length: number) => Uint8Array.from({ length }, (_, i) => i % 251);
const lengths = (chunks: Uint8Array[]) => chunks.map((chunk) => chunk.length);

describe("splitIntoChunks", () => {
  it("cuts an empty file in no pieces", () => {
    expect(splitIntoChunks(new Uint8Array(0), 4)).toEqual([]);
  });

  it("keeps a file of exactly one chunk in one piece", () => {
    const file = bytes(4);
    const chunks = splitIntoChunks(file, 4);
    expect(lengths(chunks)).toEqual([4]);
    expect(chunks[0]).toEqual(file);
  });

  it("puts the one byte over a chunk in a second piece", () => {
    const chunks = splitIntoChunks(bytes(5), 4);
    expect(lengths(chunks)).toEqual([4, 1]);
    expect(chunks[1]).toEqual(Uint8Array.of(4));
  });

  it("gives back the file byte for byte when the pieces are joined, without copying", () => {
    const file = bytes(10);
    const chunks = splitIntoChunks(file, 3);
    expect(lengths(chunks)).toEqual([3, 3, 3, 1]);
    expect(Uint8Array.from(chunks.flatMap((chunk) => [...chunk]))).toEqual(file);
    expect(chunks.every((chunk) => chunk.buffer === file.buffer)).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a chunk size of %s", (size) => {
    expect(() => splitIntoChunks(bytes(3), size)).toThrow(RangeError);
  });
});

describe("chunkBytesFor", () => {
  it("keeps the configured size while the file fits in MAX_CHUNKS (256) pieces of it", () => {
    expect(chunkBytesFor(256 * 1024, 1024)).toBe(1024);
    expect(chunkBytesFor(0, 1024)).toBe(1024);
  });

  it("grows the pieces of a larger file so there are never more than 256", () => {
    // 64 MiB in 1 KiB pieces would be 65,536 statements; 256 KiB pieces make 256.
    expect(chunkBytesFor(64 * 1024 * 1024, 1024)).toBe(256 * 1024);
    expect(splitIntoChunks(bytes(256 * 1024 + 1), chunkBytesFor(256 * 1024 + 1, 1024))).toHaveLength(MAX_CHUNKS);
  });
});
