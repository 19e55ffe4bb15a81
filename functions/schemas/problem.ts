import { z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE } from "../../core/errors/problem";

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/not-found" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .openapi("Problem");

/** OpenAPI response entries for the problems a route can answer with. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: `Problem (${status})`, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } },
    ]),
  );
}
