import type { z } from "zod";
import type { FieldError } from "./problem";

/** Turns zod issues into the `errors` list of a 400 problem, one entry per failing field. */
export function fieldErrors(target: string, error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    pointer: [target, ...issue.path.map(String)].join("."),
    detail: issue.message,
  }));
}
