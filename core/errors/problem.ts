import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One failing field of a request, as listed in a validation problem's `errors`. */
export interface FieldError {
  /** Where the value sits, e.g. "query.timeRange" or "body.email". */
  pointer: string;
  detail: string;
}

/** An RFC 9457 problem details object. `type` is a URI reference naming the kind of problem. */
export interface Problem {
  type: string;
  title: string;
  status: ContentfulStatusCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Partial<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * Thrown anywhere in a request to answer with a problem; `onError` turns it into the response.
 * `slug` names the problem type (`/problems/<slug>`), stable for clients to branch on.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly slug: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? slug);
    this.name = "ProblemError";
  }

  toProblem(): Problem {
    return {
      type: `/problems/${this.slug}`,
      title: TITLES[this.status] ?? "Error",
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...this.extensions,
    };
  }
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
