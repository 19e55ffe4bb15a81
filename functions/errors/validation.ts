import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import { ProblemError, type FieldError } from "./problem";

/** Turns zod issues into the `errors` list of a 400 problem, one entry per failing field. */
export function fieldErrors(target: string, error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    pointer: [target, ...issue.path.map(String)].join("."),
    detail: issue.message,
  }));
}

/** The validation hook of every route: invalid input is a 400 problem and the handler never runs. */
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    throw new ProblemError(400, "validation", "The request has invalid or unknown fields.", {
      errors: fieldErrors(result.target, result.error),
    });
  }
};
