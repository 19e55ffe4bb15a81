import { z } from "@hono/zod-openapi";
import { userWithOrganizationSchema } from "./users";

export const loginBody = z
  .object({
    email: z.email().max(254).openapi({ example: "learner@acme.test" }),
    // Bounded so nobody can make the server hash megabytes.
    password: z.string().min(1).max(1024).openapi({ example: "demo-password" }),
  })
  .strict()
  .openapi("LoginRequest", { example: { email: "learner@acme.test", password: "demo-password" } });

export const refreshBody = z
  .object({ refreshToken: z.string().regex(/^rt_[A-Za-z0-9_-]{43}$/, "must be a refresh token issued by this API") })
  .strict()
  .openapi("TokenRefreshRequest", { example: { refreshToken: "rt_es6RCVhE0GAVBpk2s0KAo-XNoDzVRL1wLqAPmeFYK_A" } });

export const tokenPairSchema = z
  .object({
    accessToken: z.string().openapi({ description: "ES256 JWT, at most 15 minutes" }),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires" }),
    refreshToken: z.string().openapi({ description: "Opaque; single use: each refresh returns a new one" }),
    refreshTokenExpiresIn: z.number().int(),
  })
  .openapi("TokenPair");

export const profileSchema = userWithOrganizationSchema.extend({ permissions: z.array(z.string()) }).openapi("Profile");

export const jwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kid: z.string(),
        kty: z.literal("EC"),
        crv: z.literal("P-256"),
        x: z.string(),
        y: z.string(),
        alg: z.literal("ES256"),
        use: z.literal("sig"),
      }),
    ),
  })
  .openapi("JWKS");
