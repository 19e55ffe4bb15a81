import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env";
import { ProblemError } from "../errors/problem";

/**
 * Refuses bodies over MAX_BODY_BYTES with a 413 before anything reads them: by Content-Length
 * when it is given, else by counting the stream as it arrives.
 */
export const bodyLimit: MiddlewareHandler<AppEnv> = (c, next) =>
  honoBodyLimit({
    maxSize: c.env.MAX_BODY_BYTES,
    onError: () => {
      throw new ProblemError(413, "body-too-large", `The request body exceeds ${c.env.MAX_BODY_BYTES} bytes.`);
    },
  })(c, next);

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** A request that carries a body must say it is JSON: the only body this API reads. */
export const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const hasBody = (c.req.header("Content-Length") ?? "0") !== "0" || c.req.header("Transfer-Encoding") !== undefined;
  if (hasBody && !JSON_TYPE.test(c.req.header("Content-Type") ?? "")) {
    throw new ProblemError(415, "unsupported-media-type", "Send the body as application/json.");
  }
  await next();
};
