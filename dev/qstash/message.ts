import { isUtf8 } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import { DEFAULT_PERIOD_MS, type FlowControl } from "./flow-control";

/** An API error answered as `{ "error": message }`, the way QStash answers them. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where a callback goes and how it is delivered (`Upstash-Callback-*` / `Upstash-Failure-Callback-*`). */
export interface CallbackTarget {
  url: string;
  method: string;
  retries: number;
  timeoutMs: number;
  delayMs: number;
  /** The `Upstash-(Failure-)Callback-Forward-*` headers, prefix stripped. */
  headers: Headers;
}

/** What a publish asks for; a schedule keeps one and makes a new message of it each time it fires. */
export interface MessageSpec {
  url: string;
  method: string;
  /** What the destination gets besides QStash's own headers: Content-Type and the forwarded ones. */
  headers: Headers;
  body: Buffer;
  maxRetries: number;
  timeoutMs: number;
  delayMs: number;
  /** Absolute time (ms) from `Upstash-Not-Before`; wins over the delay, as in QStash. */
  notBefore?: number;
  callback?: CallbackTarget;
  failureCallback?: CallbackTarget;
  flowControl?: FlowControl;
  callerIp: string;
}

export interface Message extends Omit<MessageSpec, "delayMs" | "notBefore"> {
  messageId: string;
  createdAt: number;
  notBefore: number;
  scheduleId?: string;
}

const DEFAULT_RETRIES = 3;
// QStash's limit depends on the plan; a dev endpoint that runs longer than this is almost surely hung.
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function newId(prefix: "msg" | "scd"): string {
  return `${prefix}_${randomBytes(16).toString("base64url")}`;
}

/** Reads a publish (or schedule) request: the destination from the path, options from `Upstash-*` headers. */
export function readSpec(destination: string, headers: Headers, body: Buffer, callerIp: string): MessageSpec {
  const { retries, ...target } = readTarget(headers, "Upstash-", DEFAULT_RETRIES);
  const notBefore = headers.get("Upstash-Not-Before");
  const contentType = headers.get("Content-Type");
  if (contentType !== null) target.headers.set("Content-Type", contentType);
  return {
    ...target,
    url: checkedUrl(destination, "destination"),
    body,
    maxRetries: retries,
    notBefore: notBefore === null ? undefined : readCount(notBefore, "Upstash-Not-Before") * 1000,
    callback: readCallback(headers, "Upstash-Callback", retries),
    failureCallback: readCallback(headers, "Upstash-Failure-Callback", retries),
    flowControl: readFlowControl(headers),
    callerIp,
  };
}

export function instantiate(spec: MessageSpec, scheduleId?: string): Message {
  const { delayMs, notBefore, ...rest } = spec;
  const now = Date.now();
  return { ...rest, messageId: newId("msg"), createdAt: now, notBefore: notBefore ?? now + delayMs, scheduleId };
}

/** `Upstash-Deduplication-Id`, or a hash of destination, headers and body for content-based deduplication. */
export function deduplicationKey(headers: Headers, spec: MessageSpec): string | undefined {
  const id = headers.get("Upstash-Deduplication-Id");
  if (id !== null) return `id:${id}`;
  if (headers.get("Upstash-Content-Based-Deduplication") !== "true") return undefined;
  const hash = createHash("sha256")
    .update(JSON.stringify([spec.url, [...spec.headers]]))
    .update(spec.body);
  return `content:${hash.digest("hex")}`;
}

/** The shape `client.messages.get` reads. */
export function messageJson(message: Message) {
  return {
    messageId: message.messageId,
    url: message.url,
    method: message.method,
    header: headerRecord(message.headers),
    ...bodyFields(message.body),
    maxRetries: message.maxRetries,
    notBefore: message.notBefore,
    createdAt: message.createdAt,
    callback: message.callback?.url,
    failureCallback: message.failureCallback?.url,
    scheduleId: message.scheduleId,
    callerIp: message.callerIp,
  };
}

/** Headers as QStash reports them: Go-style canonical names, each with a list of values. */
export function headerRecord(headers: Headers): Record<string, string[]> {
  return Object.fromEntries([...headers].map(([name, value]) => [name.replace(/(^|-)[a-z]/g, (s) => s.toUpperCase()), [value]]));
}

/** QStash reports a UTF-8 body as `body` and any other as `bodyBase64`. */
export function bodyFields(body: Buffer): { body: string } | { bodyBase64: string } {
  return isUtf8(body) ? { body: body.toString("utf8") } : { bodyBase64: body.toString("base64") };
}

/** Delivery options under a prefix: `Upstash-` for the message, `Upstash-Callback-` for its callback… */
function readTarget(headers: Headers, prefix: string, defaultRetries: number) {
  const retries = headers.get(`${prefix}Retries`);
  const forwardPrefix = `${prefix}Forward-`.toLowerCase();
  const forwarded = new Headers();
  for (const [name, value] of headers) {
    if (name.startsWith(forwardPrefix)) forwarded.set(name.slice(forwardPrefix.length), value);
  }
  return {
    method: (headers.get(`${prefix}Method`) ?? "POST").toUpperCase(),
    retries: retries === null ? defaultRetries : readCount(retries, `${prefix}Retries`),
    timeoutMs: readDuration(headers.get(`${prefix}Timeout`), `${prefix}Timeout`) ?? DEFAULT_TIMEOUT_MS,
    delayMs: readDuration(headers.get(`${prefix}Delay`), `${prefix}Delay`) ?? 0,
    headers: forwarded,
  };
}

/** `Upstash-Flow-Control-Key` and `-Value`, as `@upstash/qstash` writes them: "parallelism=2, rate=10, period=1m". */
function readFlowControl(headers: Headers): FlowControl | undefined {
  const key = headers.get("Upstash-Flow-Control-Key");
  const value = headers.get("Upstash-Flow-Control-Value");
  if (key === null && value === null) return undefined;
  if (!key || !value) throw new HttpError(400, "Upstash-Flow-Control-Key and Upstash-Flow-Control-Value go together");
  const control: FlowControl = { key, periodMs: DEFAULT_PERIOD_MS };
  for (const part of value.split(",")) {
    const [name = "", setting = ""] = part.trim().split("=");
    if (name === "period") control.periodMs = readDuration(setting, "Upstash-Flow-Control-Value period") ?? DEFAULT_PERIOD_MS;
    else if ((name === "parallelism" || name === "rate") && /^[1-9]\d*$/.test(setting)) control[name] = Number(setting);
    else throw new HttpError(400, `invalid Upstash-Flow-Control-Value: ${value}`);
  }
  if (control.parallelism === undefined && control.rate === undefined) {
    throw new HttpError(400, `Upstash-Flow-Control-Value needs parallelism or rate: ${value}`);
  }
  return control;
}

/** Callbacks use the message's retry count unless told otherwise, as QStash documents. */
function readCallback(headers: Headers, header: string, retries: number): CallbackTarget | undefined {
  const url = headers.get(header);
  if (url === null) return undefined;
  return { ...readTarget(headers, `${header}-`, retries), url: checkedUrl(url, header) };
}

function checkedUrl(value: string, what: string): string {
  let protocol = "";
  try {
    protocol = new URL(value).protocol;
  } catch {}
  // URL groups and API names are not emulated, so anything but an http(s) URL is refused.
  if (protocol !== "http:" && protocol !== "https:") {
    throw new HttpError(400, `invalid ${what}: "${value}" is not an http(s) URL`);
  }
  return value;
}

function readCount(value: string, header: string): number {
  if (!/^\d+$/.test(value)) throw new HttpError(400, `invalid ${header}: ${value}`);
  return Number(value);
}

/** QStash durations: "10s", "3m", "1h30m", "1d" (and "500ms"). */
function readDuration(value: string | null, header: string): number | undefined {
  if (value === null) return undefined;
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== value) {
    throw new HttpError(400, `invalid ${header}: ${value}`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * (UNIT_MS[unit ?? ""] ?? 0), 0);
}
