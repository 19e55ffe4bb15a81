import type { Hook } from "@hono/zod-openapi";
import { fieldErrors } from "../../core/errors/field-errors";
import { ProblemError } from "../../core/errors/problem";

/** The validation hook of every route: invalid input is a 400 problem and the handler never runs. */
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    throw new ProblemError(400, "validation", "The request has invalid or unknown fields.", {
      errors: fieldErrors(result.target, result.error),
    });
  }
};
