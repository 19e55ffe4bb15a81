import { createHash, randomUUID } from "node:crypto";
import { exists } from "@ioredis/commands";
import RedisMock from "ioredis-mock";
import type { Outcome, RedisBackend, Reply } from "./backend";

type MockMethod = (...args: string[]) => Promise<unknown>;

/**
 * Redis emulated in-process by ioredis-mock, corrected where the REST API's clients would notice the
 * difference: scripts are cached by SHA-1 (the mock has no SCRIPT and only knows EVAL), INCR and
 * friends refuse non-integers, replies and errors take Redis's shapes, and commands run one at a
 * time, as on a real single-threaded server, so that a transaction is atomic.
 */
export function openEmbedded(): RedisBackend {
  // ioredis-mock shares one keyspace between instances with the same host and port.
  const mock = new RedisMock({ host: `embedded-${randomUUID()}` });
  const method = (name: string) => (mock as unknown as Record<string, MockMethod>)[name.toLowerCase()];
  const scripts = new Map<string, string>();

  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const done = queue.then(work);
    queue = done.catch(() => {});
    return done;
  };

  const remember = (script: string) => {
    const sha = createHash("sha1").update(script).digest("hex");
    scripts.set(sha, script);
    return sha;
  };
  const evaluate = async (script: string, rest: string[]) => {
    remember(script);
    // The mock's Lua (fengari) cannot parse a "#!lua flags=..." first line; blanking it keeps line numbers.
    const body = script.replace(/^#![^\n]*/, "");
    return toReply(await method("eval")!(body, ...rest));
  };

  /** The values INCR and friends require to be integers; the mock applies them to anything. */
  const integerOperands = async (name: string, [key = "", second = "", third = ""]: string[]) => {
    switch (name) {
      case "INCR":
      case "DECR":
        return [await mock.get(key)];
      case "INCRBY":
      case "DECRBY":
        return [await mock.get(key), second];
      case "HINCRBY":
        return [await mock.hget(key, second), third];
      default:
        return [];
    }
  };

  const execute = async ([name = "", ...args]: string[]): Promise<Reply> => {
    const upper = name.toUpperCase();
    const [first = "", ...rest] = args;
    switch (upper) {
      case "EVAL":
      case "EVAL_RO":
        return evaluate(first, rest);
      case "EVALSHA":
      case "EVALSHA_RO": {
        const script = scripts.get(first.toLowerCase());
        if (!script) throw new Error("NOSCRIPT No matching script. Please use EVAL.");
        return evaluate(script, rest);
      }
      case "SCRIPT":
        switch (first.toUpperCase()) {
          case "LOAD":
            return remember(rest[0] ?? "");
          case "EXISTS":
            return rest.map((sha) => (scripts.has(sha.toLowerCase()) ? 1 : 0));
          case "FLUSH":
            scripts.clear();
            return "OK";
          default:
            throw new Error(`ERR unknown subcommand '${first}'. Try SCRIPT HELP.`);
        }
    }
    if (!exists(name.toLowerCase())) {
      throw new Error(`ERR unknown command '${name}', with args beginning with: ${args.map((a) => `'${a}' `).join("")}`);
    }
    const operands = await integerOperands(upper, args);
    if (operands.some((value) => value !== null && !/^-?\d+$/.test(value))) {
      throw new Error("ERR value is not an integer or out of range");
    }
    return toReply(await method(name)!(...upperCaseOptions(upper, args)));
  };
  const run = (command: string[]): Promise<Reply> =>
    execute(command).catch((error: unknown) => {
      throw new Error(redisMessage(error));
    });

  const settle = (command: string[]): Promise<Outcome> =>
    run(command).then(
      (result) => ({ result }),
      (error: Error) => ({ error: error.message }),
    );

  return {
    kind: "embedded",
    command: (command) => exclusive(() => run(command)),
    pipeline: (commands) => Promise.all(commands.map((command) => exclusive(() => settle(command)))),
    transaction: (commands) =>
      exclusive(async () => {
        // Redis refuses to queue unknown commands and then discards the whole transaction.
        if (commands.some(([name = ""]) => !exists(name.toLowerCase()))) {
          throw new Error("EXECABORT Transaction discarded because of previous errors.");
        }
        const outcomes: Outcome[] = [];
        for (const command of commands) outcomes.push(await settle(command));
        return outcomes;
      }),
    close: async () => mock.disconnect(),
  };
}

const ZADD_FLAGS = new Set(["NX", "XX", "GT", "LT", "CH", "INCR"]);

/** The mock recognizes SET's and ZADD's options only in upper case; the client sends them in lower case. */
function upperCaseOptions(name: string, args: string[]): string[] {
  const upper = (arg: string) => arg.toUpperCase();
  switch (name) {
    case "SET": // after the key and the value come only options and their numbers
      return [...args.slice(0, 2), ...args.slice(2).map(upper)];
    case "ZADD": {
      // The flags sit between the key and the first score.
      let end = 1;
      while (end < args.length && ZADD_FLAGS.has(upper(args[end]!))) end++;
      return [...args.slice(0, 1), ...args.slice(1, end).map(upper), ...args.slice(end)];
    }
    default:
      return args;
  }
}

/** Converts a mock reply to what Redis would send (Lua numbers truncated, Lua booleans as 1/nil). */
function toReply(value: unknown): Reply {
  if (value === null || value === undefined || value === false) return null;
  if (value === true) return 1;
  if (typeof value === "number") return Math.trunc(value);
  if (typeof value === "string" || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(toReply);
  // The mock answers HGETALL with an object where Redis sends a flat field/value list.
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flat().map(toReply);
  }
  return String(value);
}

/** The mock's error text, worded as Redis words it. */
function redisMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/^Key .* does not contain a/.test(message)) return "WRONGTYPE Operation against a key holding the wrong kind of value";
  return /^[A-Z]+ /.test(message) ? message : `ERR ${message}`;
}
