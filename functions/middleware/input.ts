import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../../core/errors/problem";
import type { AppEnv } from "../app-env";

/**
 * How much more of an oversized streamed body is read (and dropped) before the 413, so that the
 * connection can carry the client's next request. Past this the rest is cancelled: the 413 still
 * goes out, but that connection is not reused. Bounds the work a refused body can cause.
 */
export const DRAIN_LIMIT_BYTES = 1024 * 1024;

/** Reads and drops the rest of a body, up to `limit` bytes; cancels it when there is more. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<void> {
  for (let drained = 0; drained <= limit; ) {
    const { done, value } = await reader.read();
    if (done) return;
    drained += value.length;
  }
  await reader.cancel();
}

/**
 * Refuses bodies over MAX_BODY_BYTES with a 413 before the route reads them: by Content-Length
 * when it is given, else by counting the stream as it arrives and handing the route the bytes read.
 * A streamed (chunked) body is refused only after the runtime has seen its end: a body left
 * half-read makes the runtime drop or stall the next request on the same keep-alive connection.
 */
export const bodyLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const max = c.env.MAX_BODY_BYTES;
  const tooLarge = () => new ProblemError(413, "body-too-large", `The request body exceeds ${max} bytes.`);
  const raw = c.req.raw;
  if (!raw.body) return next();
  const length = raw.headers.get("content-length");
  if (length !== null && !raw.headers.has("transfer-encoding")) {
    if (Number(length) > max) throw tooLarge();
    return next();
  }
  const reader = raw.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await drain(reader, DRAIN_LIMIT_BYTES);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  chunks.reduce((offset, chunk) => (body.set(chunk, offset), offset + chunk.length), 0);
  c.req.raw = new Request(raw, { body });
  return next();
};

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** A request that carries a body must say it is JSON: the only body this API reads. */
export const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const hasBody = (c.req.header("Content-Length") ?? "0") !== "0" || c.req.header("Transfer-Encoding") !== undefined;
  if (hasBody && !JSON_TYPE.test(c.req.header("Content-Type") ?? "")) {
    throw new ProblemError(415, "unsupported-media-type", "Send the body as application/json.");
  }
  await next();
};
