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
 * Lets Redis run scripts written for Upstash. Dropping the Upstash-only flags changes a script's
 * SHA-1, so this remembers, for each such script, the hash Redis knows it by: EVALSHA, SCRIPT LOAD
 * and SCRIPT EXISTS keep working with the hash the client computed from the original text.
 */
export class ScriptTranslator {
  readonly #redisSha = new Map<string, string>();

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
    const shebang = /^#!lua[^\n]*/.exec(script)?.[0];
    if (!shebang) return script;
    const kept = shebang
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
    if (kept === shebang) return script;
    const adapted = kept + script.slice(shebang.length);
    this.#redisSha.set(sha1(script), sha1(adapted));
    return adapted;
  }

  #shaInRedis(sha: string): string {
    return this.#redisSha.get(sha.toLowerCase()) ?? sha;
  }
}
