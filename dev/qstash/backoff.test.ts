import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./backoff";

describe("retry back-off", () => {
  it("waits QStash's min(86400, e^(2.5·n)) s, in the whole seconds its docs tabulate", () => {
    const delays = [1, 2, 3, 4, 5, 6, 20].map((retry) => retryDelayMs(retry, { kind: "qstash" }));
    // 12 s, 2 min 28 s, 30 min 8 s, 6 h 7 min 6 s, then the cap of one day.
    expect(delays).toEqual([12_000, 148_000, 1_808_000, 22_026_000, 86_400_000, 86_400_000, 86_400_000]);
  });

  it("waits base · 2^(n-1) when quick, capped at a day too", () => {
    const delays = [1, 2, 3, 4, 30].map((retry) => retryDelayMs(retry, { kind: "quick", baseMs: 200 }));
    expect(delays).toEqual([200, 400, 800, 1_600, 86_400_000]);
  });
});
