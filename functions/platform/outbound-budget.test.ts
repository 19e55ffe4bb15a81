import { describe, expect, it } from "vitest";
import { OutboundBudget, TOO_MANY_SUBREQUESTS } from "./outbound-budget";

/** A request that answers only when the test says so, and records that it was sent. */
function heldRequests() {
  const sent: number[] = [];
  const answers: (() => void)[] = [];
  const request = (id: number) => () => {
    sent.push(id);
    return new Promise<number>((resolve) => answers.push(() => resolve(id)));
  };
  return { sent, request, answer: (index: number) => answers[index]?.() };
}

/** Lets every queued promise continuation run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("OutboundBudget", () => {
  it("counts every request it sends", async () => {
    const budget = new OutboundBudget({ subrequests: 1_000, connections: 6 });
    for (let i = 0; i < 37; i++) await budget.send(async () => i);
    expect(budget.sent).toBe(37);
    expect(budget.refused).toBe(0);
    expect(budget.maxInFlight).toBe(1);
  });

  it("refuses the 1,001st request with the platform's message, without sending it", async () => {
    const budget = new OutboundBudget({ subrequests: 1_000, connections: 6 });
    let calls = 0;
    const request = async () => ++calls;
    for (let i = 0; i < 1_000; i++) await budget.send(request);
    await expect(budget.send(request)).rejects.toThrow(new Error(TOO_MANY_SUBREQUESTS));
    expect(TOO_MANY_SUBREQUESTS).toBe(
      "Too many subrequests by single Worker invocation. To configure this limit, refer to https://developers.cloudflare.com/workers/platform/limits/",
    );
    // Every later request is refused too; none of them reached the network.
    await expect(budget.send(request)).rejects.toThrow(/^Too many subrequests/);
    expect(calls).toBe(1_000);
    expect({ sent: budget.sent, refused: budget.refused }).toEqual({ sent: 1_000, refused: 2 });
  });

  it("sends 6 of 7 concurrent requests and the 7th once one of them has answered", async () => {
    const budget = new OutboundBudget({ subrequests: 1_000, connections: 6 });
    const { sent, request, answer } = heldRequests();
    const results = Array.from({ length: 7 }, (_, id) => budget.send(request(id)));
    await settle();
    expect(sent).toEqual([0, 1, 2, 3, 4, 5]);
    // All 7 are counted when made, as the platform counts a queued request.
    expect(budget.sent).toBe(7);

    answer(3);
    expect(await results[3]).toBe(3);
    await settle();
    expect(sent).toEqual([0, 1, 2, 3, 4, 5, 6]);

    for (const index of [0, 1, 2, 4, 5, 6]) answer(index);
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(budget.maxInFlight).toBe(6);
  });

  it("frees the connection of a request that fails", async () => {
    const budget = new OutboundBudget({ subrequests: 10, connections: 1 });
    await expect(
      budget.send(async () => {
        throw new TypeError("fetch failed");
      }),
    ).rejects.toThrow("fetch failed");
    expect(await budget.send(async () => "next")).toBe("next");
    expect(budget.sent).toBe(2);
  });
});
