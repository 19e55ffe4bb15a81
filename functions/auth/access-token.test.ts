import { describe, expect, it } from "vitest";
import { loadEnv } from "../../core/env";
import { ProblemError } from "../../core/errors/problem";
import { serviceToken } from "../../jobs/collect/service-token";
import { productionEnv } from "../../test/env-fixture";
import { verifyAccessToken } from "./access-token";

describe("verifyAccessToken", () => {
  it("refuses this API's own service tokens (typ service+jwt, audience a service)", async () => {
    const loaded = loadEnv({ ...productionEnv });
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    await expect(verifyAccessToken(loaded.env, await serviceToken(loaded.env, "directory"))).rejects.toBeInstanceOf(ProblemError);
  });
});
