import { z } from "@hono/zod-openapi";

/** The query of a route that takes no parameters: anything given is an unknown parameter (400). */
/**
 * Ids of the demo roster (dev/demo/roster.ts derives them from fixed names), used in the document's
 * examples so that they work as written against `npm run dev`; test/integration/openapi-examples.test.ts
 * sends every example to the Worker and checks these ids still match the roster.
 */
export const EXAMPLE_IDS = {
  /** learner@acme.test */
  learner: "2bbc0168-3395-875a-b4e7-2a1ebcf5c97a",
  /** TS-101, TypeScript Foundations (Acme) */
  course: "cd2049a2-21ff-841c-a8bf-4ab07bd5d0ab",
} as const;

export const noQuery = z.object({}).strict();

export const idParam = z
  .object({
    id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "3b241101-e2bb-4255-8caf-4136c566a962" }),
  })
  .strict();

/** Query flags arrive as text; only these spellings count. */
export const booleanFlag = z.enum(["true", "false"]).transform((value) => value === "true");
