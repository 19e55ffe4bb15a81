import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../ports";
import { redisServerOnPath } from "./backend";
import { startUpstashRedis } from "./server";

const TOKEN = "local-test-token";
const hasRedisServer = redisServerOnPath();
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/** Resolves when nothing accepts TCP connections at the URL's port any more. */
function refusesConnections(url: string): Promise<boolean> {
  const socket = connect(Number(new URL(url).port), "127.0.0.1");
  return new Promise((resolve) => {
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

/** Waits out the end of the current window, so a test's requests all land in one window. */
async function freshWindow(windowMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < 2_000) await sleep(left + 20);
}

// The redis-server variant runs where the binary is on the PATH (it is on this project's machines).
const backends = [...(hasRedisServer ? [{ kind: "redis-server" as const }] : []), { kind: "embedded" as const }];

describe.each(backends)("Upstash REST endpoint, $kind backend", ({ kind }) => {
  let url = "";
  let close: () => Promise<void> = async () => {};
  let redis: Redis;
  /** Without auto-pipelining every command is its own `POST /`, the path a failing command takes too. */
  let direct: Redis;
  const key = (name: string) => `${name}:${randomUUID()}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    const standIn = await startUpstashRedis({ token: TOKEN, backend: kind });
    expect(standIn.backend).toBe(kind);
    ({ url, close } = standIn);
    redis = new Redis({ url, token: TOKEN });
    direct = new Redis({ url, token: TOKEN, enableAutoPipelining: false });
  });
  afterAll(() => close());

  it("sets and gets JSON values with an expiry", async () => {
    const k = key("json");
    expect(await redis.set(k, { name: "Ada", scores: [1, 2] }, { ex: 60 })).toBe("OK");
    expect(await redis.get(k)).toEqual({ name: "Ada", scores: [1, 2] });
    expect(await redis.set(k, "other", { nx: true })).toBeNull();
    const ttl = await redis.ttl(k);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it("increments counters", async () => {
    const k = key("counter");
    expect(await redis.incr(k)).toBe(1);
    expect(await redis.incr(k)).toBe(2);
    expect(await direct.incrby(k, 5)).toBe(7);
  });

  it("writes and reads hashes", async () => {
    const k = key("hash");
    expect(await redis.hset(k, { a: 1, b: "two" })).toBe(2);
    expect(await redis.hgetall(k)).toEqual({ a: 1, b: "two" });
    expect(await redis.hget(k, "b")).toBe("two");
  });

  it("pushes to and ranges over lists", async () => {
    const k = key("list");
    expect(await redis.rpush(k, "b", "c")).toBe(2);
    expect(await redis.lpush(k, "a")).toBe(3);
    expect(await redis.lrange(k, 0, -1)).toEqual(["a", "b", "c"]);
    expect(await redis.lpop(k)).toBe("a");
    expect(await redis.llen(k)).toBe(2);
  });

  it("scores and ranges over sorted sets", async () => {
    const k = key("zset");
    expect(await redis.zadd(k, { score: 2, member: "b" }, { score: 1, member: "a" })).toBe(2);
    expect(await redis.zadd(k, { nx: true }, { score: 9, member: "b" })).toBe(0);
    expect(await redis.zincrby(k, 2, "a")).toBe(3);
    expect(await redis.zrange(k, 0, -1, { withScores: true })).toEqual(["b", 2, "a", 3]);
    expect(await redis.zscore(k, "b")).toBe(2);
  });

  it("deletes keys and expires them", async () => {
    const k = key("expiring");
    await redis.set(k, "v");
    expect(await redis.ttl(k)).toBe(-1);
    expect(await redis.expire(k, 100)).toBe(1);
    expect(await redis.ttl(k)).toBeGreaterThan(90);
    expect(await redis.del(k)).toBe(1);
    expect(await redis.get(k)).toBeNull();
    expect(await redis.ttl(k)).toBe(-2);
  });

  it("gets many keys at once", async () => {
    const [a, b] = [key("a"), key("b")];
    await redis.set(a, "first");
    await redis.set(b, 2);
    expect(await redis.mget(a, b, key("missing"))).toEqual(["first", 2, null]);
  });

  it("runs a pipeline", async () => {
    const k = key("pipeline");
    expect(await redis.pipeline().set(k, 1).incr(k).get(k).exec()).toEqual(["OK", 2, 2]);
  });

  it("runs a transaction, reporting a failed command in its place", async () => {
    const k = key("multi");
    expect(await redis.multi().set(k, "a").append(k, "b").get(k).exec()).toEqual(["OK", 2, "ab"]);
    const outcomes = await redis.multi().incr(k).get(k).exec({ keepErrors: true });
    expect(outcomes[0].error).toMatch(/ERR value is not an integer/);
    expect(outcomes[1]).toEqual({ error: undefined, result: "ab" });
    // A command Redis cannot queue discards the whole transaction.
    const aborted = await post("/multi-exec", [["SET", k, "c"], ["NOSUCHCOMMAND"]]);
    expect(aborted.status).toBe(400);
    expect(((await aborted.json()) as { error: string }).error).toMatch(/^EXECABORT/);
    expect(await redis.get(k)).toBe("ab");
  });

  it("base64-encodes strings at any depth and the client decodes them", async () => {
    const k = key("encoded");
    expect(await redis.set(k, "Chloé ✓")).toBe("OK");
    expect(await redis.get(k)).toBe("Chloé ✓");
    expect(await redis.mget(k, key("missing"))).toEqual(["Chloé ✓", null]);
    expect(await redis.ping()).toBe("PONG");

    const encoded = Buffer.from("Chloé ✓").toString("base64");
    const single = await post("/", ["GET", k], { "upstash-encoding": "base64" });
    expect(single.headers.get("upstash-sync-token")).toBeTruthy();
    expect(await single.json()).toEqual({ result: encoded });
    expect(
      await (
        await post(
          "/pipeline",
          [
            ["MGET", k, "nope"],
            ["SET", k, "Chloé ✓"],
          ],
          { "upstash-encoding": "base64" },
        )
      ).json(),
    ).toEqual([{ result: [encoded, null] }, { result: "OK" }]);
    expect(await (await post("/", ["GET", k])).json()).toEqual({ result: "Chloé ✓" });
  });

  it("serves the path-style form", async () => {
    const k = key("path");
    const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await (await get(`/set/${encodeURIComponent(k)}/a%20b`)).json()).toEqual({ result: "OK" });
    expect(await (await fetch(`${url}/get/${encodeURIComponent(k)}?_token=${TOKEN}`)).json()).toEqual({ result: "a b" });
    const posted = await fetch(`${url}/set/${encodeURIComponent(k)}?EX=100`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{"raw": "body"}',
    });
    expect(await posted.json()).toEqual({ result: "OK" });
    expect(await redis.get(k)).toEqual({ raw: "body" });
    expect(await redis.ttl(k)).toBeGreaterThan(90);
  });

  it("rejects a failing command with the Redis error", async () => {
    const k = key("not-a-number");
    await redis.set(k, "abc");
    await expect(direct.incr(k)).rejects.toThrow("ERR value is not an integer or out of range");
    await expect(redis.incr(k)).rejects.toThrow("ERR value is not an integer or out of range");
    const response = await post("/", ["INCR", k]);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "ERR value is not an integer or out of range" });
  });

  it("refuses a wrong or missing token", async () => {
    const intruder = new Redis({ url, token: "wrong", enableAutoPipelining: false });
    await expect(intruder.get("anything")).rejects.toThrow("Unauthorized");
    const response = await fetch(url, { method: "POST", body: '["PING"]' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Unauthorized" });
  });

  it("runs scripts with eval, evalsha and scriptLoad", async () => {
    const k = key("script");
    expect(await redis.eval("return {KEYS[1], ARGV[1], 42}", [k], ["Chloé"])).toEqual([k, "Chloé", 42]);

    const script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    const sha = await redis.scriptLoad(script);
    expect(sha).toBe(sha1(script));
    expect(await redis.evalsha(sha, [k], [5])).toBe(5);
    expect(await redis.scriptExists(sha, "0".repeat(40))).toEqual([1, 0]);
    await expect(direct.evalsha("0".repeat(40), [k], [])).rejects.toThrow("NOSCRIPT No matching script");
  });

  it("runs scripts with Upstash's allow-key-locking flag under the hash of their original text", async () => {
    const k = key("locking");
    const script = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
    await expect(redis.evalsha(sha1(script), [k], [])).rejects.toThrow("NOSCRIPT");
    expect(await redis.eval(script, [k], [])).toBe(1);
    expect(await redis.evalsha(sha1(script), [k], [])).toBe(2);
    expect(await redis.scriptLoad(script)).toBe(sha1(script));
    expect(await redis.scriptExists(sha1(script))).toEqual([1]);
  });

  it("refuses, as Upstash does, a script with allow-key-locking that touches a key not in KEYS", async () => {
    const [declared, other] = [key("declared"), key("undeclared")];
    await redis.set(declared, 1);
    const strays = "#!lua flags=allow-key-locking\nlocal mine = redis.call('GET', KEYS[1])\nreturn redis.call('GET', ARGV[1])";
    await expect(redis.eval(strays, [declared], [other])).rejects.toThrow(/undeclared key/);
    // Multi-key commands are checked on every key, pcall like call; commands on the whole database are refused.
    const multi = "#!lua flags=allow-key-locking\nreturn redis.pcall('EXISTS', KEYS[1], ARGV[1])";
    await expect(redis.eval(multi, [declared], [other])).rejects.toThrow(/undeclared key/);
    expect(await redis.eval(multi, [declared, other], [other])).toBe(1);
    await expect(redis.eval("#!lua flags=allow-key-locking\nreturn redis.call('FLUSHDB')", [], [])).rejects.toThrow(/not allowed/);
    // Keys named in KEYS are fine, however the script builds the string.
    const declares = "#!lua flags=allow-key-locking\nreturn redis.call('GET', ARGV[1] .. ARGV[2])";
    expect(await redis.eval(declares, [`${declared}x`], [declared, "x"])).toBeNull();
  });

  it("refuses by default an unflagged script touching a key not in KEYS, which on Upstash takes the global lock", async () => {
    const [declared, other] = [key("declared"), key("undeclared")];
    await redis.set(declared, 1);
    const error = await redis.eval("return redis.call('GET', ARGV[1])", [], [declared]).catch((reason: Error) => reason);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`undeclared key ${declared}`);
    expect((error as Error).message).toContain("global lock");
    await expect(redis.eval("return redis.pcall('MGET', KEYS[1], ARGV[1])", [declared], [other])).rejects.toThrow(
      `undeclared key ${other}`,
    );
    await expect(redis.eval("return redis.call('SCAN', 0)", [], [])).rejects.toThrow(/SCAN needs the whole keyspace.*global lock/);
    // A script with a shebang but no Upstash flag is checked too.
    await expect(redis.eval("#!lua flags=no-writes\nreturn redis.call('GET', ARGV[1])", [], [declared])).rejects.toThrow(/global lock/);
    // Declared keys pass, by eval and by evalsha under the hash of the original text.
    const script = "return redis.call('GET', KEYS[1])";
    expect(await redis.eval(script, [declared], [])).toBe(1);
    expect(await redis.evalsha(await redis.scriptLoad(script), [declared], [])).toBe(1);
  });

  it("refuses @upstash/ratelimit's resetUsedTokens, whose script SCANs the whole database", async () => {
    const limiter = new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(2, "10 s"), prefix: key("reset"), ephemeralCache: false });
    await limiter.limit("learner-1");
    await expect(limiter.resetUsedTokens("learner-1")).rejects.toThrow(/SCAN needs the whole keyspace/);
  });

  it("lets unflagged scripts touch undeclared keys with undeclaredKeys: allow, and still refuses flagged ones", async () => {
    const lenient = await startUpstashRedis({ token: TOKEN, backend: kind, undeclaredKeys: "allow" });
    try {
      const client = new Redis({ url: lenient.url, token: TOKEN });
      const stray = key("stray");
      await client.set(stray, 1);
      expect(await client.eval("return redis.call('GET', ARGV[1])", [], [stray])).toBe(1);
      const flagged = "#!lua flags=allow-key-locking\nreturn redis.call('GET', ARGV[1])";
      await expect(client.eval(flagged, [], [stray])).rejects.toThrow(/allow-key-locking: every key must be in KEYS/);
    } finally {
      await lenient.close();
    }
  });

  it("limits with @upstash/ratelimit's sliding window", async () => {
    await freshWindow(10_000);
    const limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(3, "10 s"),
      prefix: key("sliding"),
      ephemeralCache: false,
    });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.limit("learner-1"));
    expect(results.map((r) => [r.success, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(results[3]!.reset).toBeGreaterThan(Date.now());
    expect((await limiter.limit("learner-2")).success).toBe(true);
  });

  it("limits with @upstash/ratelimit's fixed window", async () => {
    await freshWindow(10_000);
    const limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.fixedWindow(2, "10 s"),
      prefix: key("fixed"),
      ephemeralCache: false,
    });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await limiter.limit("learner-1"));
    expect(results.map((r) => r.success)).toEqual([true, true, false]);
    expect(results[2]!.remaining).toBe(0);
    expect(results[2]!.reset).toBeGreaterThan(Date.now());
  });
});

// Spawning and stopping a redis-server needs the binary; registered only where it is on the PATH.
if (hasRedisServer)
  describe("backend selection and shutdown", () => {
    it("puts an external Redis behind the endpoint when given a redisUrl, and leaves it running", async () => {
      const port = await freePort();
      const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
      const exited = once(server, "exit");
      const redisUrl = `redis://127.0.0.1:${port}`;
      const plain = new IORedis(redisUrl, { retryStrategy: (attempt) => (attempt < 50 ? 100 : null) });
      plain.on("error", () => {}); // refused until redis-server is up; retryStrategy tries again
      try {
        await plain.ping();
        const standIn = await startUpstashRedis({ token: TOKEN, redisUrl, backend: "auto" });
        expect(standIn.backend).toBe("external");
        await new Redis({ url: standIn.url, token: TOKEN }).set("written-over-rest", "yes");
        expect(await plain.get("written-over-rest")).toBe("yes");

        await standIn.close();
        expect(await refusesConnections(standIn.url)).toBe(true);
        expect(await plain.ping()).toBe("PONG");
      } finally {
        plain.disconnect();
        server.kill();
        await exited;
      }
    });

    it("spawns redis-server when no redisUrl is given, and stops it on close", async () => {
      const events: Record<string, unknown>[] = [];
      const standIn = await startUpstashRedis({ token: TOKEN, log: (entry) => events.push(entry) });
      expect(standIn.backend).toBe("redis-server");
      const started = events.find((e) => e.event === "upstash-redis.redis-server-started");
      expect(await new Redis({ url: standIn.url, token: TOKEN }).ping()).toBe("PONG");

      await standIn.close();
      expect(await refusesConnections(standIn.url)).toBe(true);
      expect(await refusesConnections(`redis://127.0.0.1:${started!.port}`)).toBe(true);
      expect(() => process.kill(started!.pid as number, 0)).toThrow();
    });
  });

describe("embedded backend shutdown", () => {
  it("stops listening on close", async () => {
    const standIn = await startUpstashRedis({ token: TOKEN, backend: "embedded" });
    expect(await new Redis({ url: standIn.url, token: TOKEN }).ping()).toBe("PONG");
    await standIn.close();
    expect(await refusesConnections(standIn.url)).toBe(true);
  });
});
