import { z } from "@hono/zod-openapi";

export const healthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().openapi({ example: "0.1.0" }),
    build: z.string().openapi({ description: "Commit or build id of the deployed code", example: "3f2c1a9" }),
    time: z.iso.datetime(),
  })
  .openapi("Health");

export const liveSchema = z.object({ status: z.literal("ok") }).openapi("Liveness");

export const dependencyCheckSchema = z
  .object({
    status: z.enum(["up", "down"]),
    latencyMs: z.number().int().nonnegative(),
    error: z.string().optional(),
  })
  .openapi("DependencyCheck");

export const readySchema = z
  .object({
    status: z.literal("ready"),
    checks: z.object({ postgres: dependencyCheckSchema, redis: dependencyCheckSchema }),
  })
  .openapi("Readiness");
