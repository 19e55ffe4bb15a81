import { createHash } from "node:crypto";
import type { Reply } from "./backend";

/**
 * Script flags Upstash accepts and Redis refuses ("Unexpected flag in script shebang").
 * @upstash/ratelimit starts every script with `#!lua flags=allow-key-locking`.
 */
const UPSTASH_ONLY_FLAGS = new Set(["allow-key-locking"]);

/** A command rewritten for Redis, and how to turn Redis's reply into the one Upstash would give. */
export interface Translation {
  command: string[];
  reply?: (reply: Reply) => Reply;
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/**
 * What a script may do with keys not in KEYS: "refuse" (the default) refuses any script that
 * touches one; "allow" lets an unflagged script do so, as Upstash does, at the price of its global
 * lock. A script flagged `allow-key-locking` is refused either way, as on Upstash.
 */
export type UndeclaredKeys = "refuse" | "allow";

/** Why a key is refused, by the script's kind: Upstash's rule for flagged ones, the stand-in's for the rest. */
const REFUSALS = {
  locking: {
    key: "' (allow-key-locking: every key must be in KEYS)'",
    global: "' is not allowed in a script with allow-key-locking'",
  },
  unflagged: {
    key: "': on Upstash a script touching a key not in KEYS takes the global lock, which serialises the whole database; declare every key in KEYS (local stand-in, undeclaredKeys: refuse)'",
    global:
      "' needs the whole keyspace: on Upstash it takes the global lock, which serialises the whole database (local stand-in, undeclaredKeys: refuse)'",
  },
};

/**
 * The key check, for Upstash's rule on a script flagged `allow-key-locking` (it locks only the
 * keys in KEYS), and for the stand-in's on every other script unless `undeclaredKeys` is "allow":
 * every key a `redis.call`/`redis.pcall` touches must be one of KEYS, and commands that need the
 * whole database are refused. Redis does not check this outside a cluster, so the stand-in does:
 * this Lua, put on the script's first line after any shebang (line numbers in errors stay right),
 * checks each call before making it. Where a command's keys are: all its arguments (`ALL_KEYS`),
 * every other one from the first (`PAIRS`), none (`KEYLESS`), else the first argument; the
 * commands of this project's scripts and of @upstash/ratelimit's are all covered.
 */
function keyCheck(refusal: { key: string; global: string }): string {
  return [
    "local __declared = {} for _, key in ipairs(KEYS) do __declared[key] = true end",
    "local __all = {EXISTS=true, DEL=true, UNLINK=true, MGET=true, TOUCH=true, WATCH=true, SINTER=true, SUNION=true, SDIFF=true}",
    "local __pairs = {MSET=true, MSETNX=true}",
    "local __keyless = {TIME=true, PING=true, ECHO=true}",
    "local __global = {FLUSHDB=true, FLUSHALL=true, KEYS=true, SCAN=true, RANDOMKEY=true, DBSIZE=true, SWAPDB=true}",
    "local function __check(command, ...)",
    "  local name = string.upper(tostring(command))",
    `  if __global[name] then error('ERR ' .. name .. ${refusal.global}, 0) end`,
    "  if __keyless[name] then return end",
    "  local args, last, step = {...}, 1, 1",
    "  if __all[name] then last = select('#', ...) elseif __pairs[name] then last, step = select('#', ...), 2 end",
    "  for i = 1, last, step do",
    "    local key = args[i]",
    "    if key ~= nil and not __declared[tostring(key)] then",
    `      error('ERR script tried accessing undeclared key ' .. tostring(key) .. ${refusal.key}, 0)`,
    "    end",
    "  end",
    "end",
    "local function __call(command, ...) __check(command, ...) return redis.call(command, ...) end",
    "local function __pcall(command, ...) __check(command, ...) return redis.pcall(command, ...) end",
  ].join(" ");
}

const LOCKING_CHECK = keyCheck(REFUSALS.locking);
const UNFLAGGED_CHECK = keyCheck(REFUSALS.unflagged);

/**
 * Lets Redis run scripts written for Upstash. Dropping the Upstash-only flags changes a script's
 * SHA-1, so this remembers, for each such script, the hash Redis knows it by: EVALSHA, SCRIPT LOAD
 * and SCRIPT EXISTS keep working with the hash the client computed from the original text; so
 * does the key check (`keyCheck`) added to a script.
 */
export class ScriptTranslator {
  readonly #redisSha = new Map<string, string>();

  constructor(private readonly undeclaredKeys: UndeclaredKeys = "refuse") {}

  translate(command: string[]): Translation {
    const [name = "", first, second = ""] = command;
    if (first === undefined) return { command };
    const rest = command.slice(2);
    switch (name.toUpperCase()) {
      case "EVAL":
      case "EVAL_RO":
        return { command: [name, this.#forRedis(first), ...rest] };
      case "EVALSHA":
      case "EVALSHA_RO":
        return { command: [name, this.#shaInRedis(first), ...rest] };
      case "SCRIPT":
        if (first.toUpperCase() === "LOAD" && command.length === 3) {
          const script = this.#forRedis(second);
          return script === second ? { command } : { command: [name, first, script], reply: () => sha1(second) };
        }
        if (first.toUpperCase() === "EXISTS") {
          return { command: [name, first, ...rest.map((sha) => this.#shaInRedis(sha))] };
        }
    }
    return { command };
  }

  #forRedis(script: string): string {
    const shebang = /^#!lua[^\n]*/.exec(script)?.[0] ?? "";
    const flags = /(?:^| )flags=([^ ]*)/.exec(shebang)?.[1]?.split(",") ?? [];
    const check = flags.includes("allow-key-locking") ? LOCKING_CHECK : this.undeclaredKeys === "refuse" ? UNFLAGGED_CHECK : undefined;
    const body = script.slice(shebang.length);
    const adapted = withoutUpstashFlags(shebang) + (check ? withKeyCheck(body, check, shebang !== "") : body);
    if (adapted !== script) this.#redisSha.set(sha1(script), sha1(adapted));
    return adapted;
  }

  #shaInRedis(sha: string): string {
    return this.#redisSha.get(sha.toLowerCase()) ?? sha;
  }
}

/** The shebang without the flags Redis refuses (an empty `flags=` is dropped too). */
function withoutUpstashFlags(shebang: string): string {
  return shebang
    .split(" ")
    .map((part) => {
      if (!part.startsWith("flags=")) return part;
      const flags = part
        .slice("flags=".length)
        .split(",")
        .filter((flag) => !UPSTASH_ONLY_FLAGS.has(flag));
      return flags.length > 0 ? `flags=${flags.join(",")}` : "";
    })
    .filter(Boolean)
    .join(" ");
}

/**
 * The script's body (all of it, or from the newline after its shebang) with every Redis call
 * going through the key check, which goes on the body's first line.
 */
function withKeyCheck(body: string, check: string, afterShebang: boolean): string {
  const calls = body.replace(/\bredis\.call\s*\(/g, "__call(").replace(/\bredis\.pcall\s*\(/g, "__pcall(");
  if (!afterShebang) return `${check} ${calls}`;
  return calls.startsWith("\n") ? `\n${check} ${calls.slice(1)}` : calls;
}
