import { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "../../core/env";
import { createDatabase, type Database } from "../../db/client";
import { type Publisher, qstashPublisher } from "../../jobs/publisher";

/** The connections a request may use. Created once per isolate and shared by its requests. */
export interface Clients {
  db: Database;
  redis: Redis;
  /** Job steps go through QStash. */
  publisher: Publisher;
}

const perIsolate = new WeakMap<Env, Clients>();

/** Returns this isolate's clients for the validated env, creating them on first use. */
export function getClients(env: Env): Clients {
  let clients = perIsolate.get(env);
  if (!clients) {
    clients = {
      db: createDatabase(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT),
      redis: new Redis({
        url: env.UPSTASH_REDIS_REST_URL,
        token: env.UPSTASH_REDIS_REST_TOKEN,
        // A request must fail fast when Redis is away or frozen: every call has a deadline (the
        // retry included), and each caller decides how to degrade (README: failure policy).
        retry: { retries: 1, backoff: () => 50 },
        signal: () => AbortSignal.timeout(env.REDIS_TIMEOUT_MS),
        // Commands issued in the same tick travel in one `/pipeline` REST request (the client's
        // default, stated because the cached analytics read relies on it: its rate-limit count
        // and its cache read are one round trip; see serveCached).
        enableAutoPipelining: true,
      }),
      publisher: qstashPublisher(env),
    };
    perIsolate.set(env, clients);
  }
  return clients;
}
