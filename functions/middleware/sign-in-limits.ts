import type { Context } from "hono";
import { unavailable } from "../../core/errors/outage";
import type { AppEnv } from "../app-env";
import type { LimitedAudience } from "../services/rate-limiters";
import { clientAddress, consume, peek, rejectIfLimited } from "./rate-limit";

/**
 * Failed sign-ins are counted three ways, each in its own sliding window:
 * - per (account, address): guessing one account from one place stops there, while its owner,
 *   signing in from anywhere else, is unaffected (ten addresses cannot lock the owner out);
 * - per address: one address spraying many accounts;
 * - per account from everywhere: a broad attack (many addresses) past which the account refuses
 *   every sign-in, the correct password included, until the window frees up.
 * Successful sign-ins count nowhere. The limits fail closed: without Redis nobody can be
 * counted, so sign-in answers 503 rather than allow unlimited guesses.
 */
export async function checkSignInLimits(c: Context<AppEnv>, email: string): Promise<{ recordFailure(): Promise<void> }> {
  const account = email.toLowerCase();
  const address = clientAddress(c) ?? "none";
  const buckets: [LimitedAudience, string, string][] = [
    ["loginPair", `${account}|${address}`, "failed sign-ins for this account from this address"],
    ["loginAddress", address, "failed sign-ins from this address"],
    ["loginAccount", account, "failed sign-ins for this account from many addresses; it is locked for now"],
  ];
  const verdicts = await Promise.all(buckets.map(([audience, identifier]) => peek(c, audience, identifier)));
  if (verdicts.includes(null)) throw unavailable("Sign-in protection");
  verdicts.forEach((verdict, i) => rejectIfLimited(verdict, buckets[i]![2]));
  return {
    async recordFailure() {
      await Promise.all(buckets.map(([audience, identifier]) => consume(c, audience, identifier)));
    },
  };
}
