import { describe, expect, it } from "vitest";
import { type BktSequence, fitBkt } from "./bkt-fit";

const answers = (pattern: string) => [...pattern].map((c) => c === "1");

/** Hand-made answer patterns of one skill and how many learners answered exactly so. */
const PATTERNS: [string, number][] = [
  ["0", 3],
  ["1", 2],
  ["0011", 7],
  ["0111", 5],
  ["0101", 2],
  ["1111", 9],
  ["1011", 4],
  ["000", 6],
  ["00001111", 3],
  ["0000000", 2],
  ["11101111", 4],
  ["01", 8],
];

const weighted: BktSequence[] = PATTERNS.map(([pattern, count]) => ({ answers: answers(pattern), weight: count }));
// The same learners one by one, and in an order that mixes the patterns (order must not matter).
const expanded: BktSequence[] = PATTERNS.flatMap(([pattern, count]) => Array.from({ length: count }, () => answers(pattern))).reverse();

describe("fitBkt on weighted sequences (answer patterns with their counts)", () => {
  it.each([true, false])("gives the parameters of the expanded sequences (forgetting %s)", (forgetting) => {
    const fromPatterns = fitBkt(weighted, { forgetting, restarts: 3, maxIterations: 200 });
    const fromLearners = fitBkt(expanded, { forgetting, restarts: 3, maxIterations: 200 });
    // 55 learners; the responses are Σ count · length.
    expect(fromPatterns.responses).toBe(PATTERNS.reduce((sum, [pattern, count]) => sum + pattern.length * count, 0));
    expect(fromPatterns.responses).toBe(fromLearners.responses);
    expect(fromPatterns.iterations).toBe(fromLearners.iterations);
    expect(fromPatterns.logLikelihood).toBeCloseTo(fromLearners.logLikelihood, 9);
    for (const [name, value] of Object.entries(fromLearners.params)) {
      expect(Math.abs(fromPatterns.params[name as keyof typeof fromPatterns.params] - value)).toBeLessThan(1e-9);
    }
  });

  it("counts a weight of 1 as a plain sequence and ignores patterns nobody answered", () => {
    const plain = PATTERNS.map(([pattern]) => answers(pattern));
    const once = PATTERNS.map(([pattern]) => ({ answers: answers(pattern), weight: 1 }));
    expect(fitBkt([...once, { answers: answers("0000"), weight: 0 }], { restarts: 2 })).toEqual(fitBkt(plain, { restarts: 2 }));
  });
});
