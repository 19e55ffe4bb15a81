import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientAddress, rateLimitBucket } from "./rate-limit";

const addressOf = async (headers: Record<string, string>) => {
  const app = new Hono().get("/", (c) => c.json({ address: clientAddress(c) }));
  return ((await (await app.request("/", { headers })).json()) as { address: string | null }).address;
};

describe("rate-limit buckets", () => {
  it("reads the address from CF-Connecting-IP only, IPv6 by its /64", async () => {
    expect(await addressOf({ "CF-Connecting-IP": "203.0.113.5" })).toBe("203.0.113.5");
    expect(await addressOf({ "CF-Connecting-IP": "2001:db8:7:8:1:2:3:4" })).toBe("2001:db8:7:8::/64");
    expect(await addressOf({ "X-Forwarded-For": "203.0.113.5" })).toBeNull();
    expect(await addressOf({ "CF-Connecting-IP": "not-an-address" })).toBeNull();
  });

  it("counts a user per user, an address per address, and requests without an address in their own strict bucket", () => {
    expect(rateLimitBucket({ role: "learner", userId: "u1" }, "203.0.113.5")).toEqual(["learner", "user:u1"]);
    expect(rateLimitBucket(null, "2001:db8:7:8::/64")).toEqual(["anonymous", "address:2001:db8:7:8::/64"]);
    expect(rateLimitBucket(null, null)).toEqual(["noAddress", "none"]);
    // A role this API does not know is limited as anonymous, never by a bucket it could name.
    expect(rateLimitBucket({ role: "superuser", userId: "u2" }, null)).toEqual(["noAddress", "none"]);
  });
});
