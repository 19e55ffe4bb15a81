import { z } from "@hono/zod-openapi";

/** The query of a route that takes no parameters: anything given is an unknown parameter (400). */
export const noQuery = z.object({}).strict();

export const idParam = z
  .object({
    id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "3b241101-e2bb-4255-8caf-4136c566a962" }),
  })
  .strict();

/** Query flags arrive as text; only these spellings count. */
export const booleanFlag = z.enum(["true", "false"]).transform((value) => value === "true");
