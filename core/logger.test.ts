import { describe, expect, it } from "vitest";
import { describeError } from "./logger";

describe("describeError", () => {
  it("leaves out a failed query's bound parameters (personal data), keeping the statement", () => {
    const error = new Error('Failed query: insert into "source_snapshots" values ($1, $2)\nparams: 3f2a…,{"learner":"Omar Lindqvist"}');
    const described = describeError(error);
    expect(described.errorMessage).toBe('Failed query: insert into "source_snapshots" values ($1, $2)\nparams: [34 characters left out]');
    expect(JSON.stringify(described)).not.toContain("Omar");
  });

  it("caps a huge message, and keeps an ordinary one as it is", () => {
    expect((describeError(new Error("x".repeat(10_000))).errorMessage as string).length).toBe(4_001);
    expect(describeError(new TypeError("boom"))).toMatchObject({ error: "TypeError", errorMessage: "boom" });
    expect(describeError("plain")).toEqual({ error: "plain" });
  });
});
