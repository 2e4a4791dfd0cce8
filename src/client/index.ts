/**
 * @module client
 * `alexa-list-bridge/client`: a typed client of the bridge's REST API and a
 * receiver of its webhooks, for the app's backend. Runs wherever `fetch` and
 * WebCrypto exist (Node 22+, Workers, Deno, browsers).
 *
 * Types come from the contract's valibot schemas (src/contract/schemas.ts),
 * the same ones the OpenAPI document is generated from and the router
 * validates with: nothing is written twice.
 *
 * - Every write carries an `Idempotency-Key` (yours, or a random one made
 *   per call), so a retry can never queue an operation twice.
 * - 429 and 503 answers, and network failures, are retried (3 attempts by
 *   default) after `Retry-After` when the bridge sends one, else with
 *   exponential backoff; anything else non-2xx throws {@link BridgeApiError}.
 * - {@link WebhookReceiver} verifies Standard Webhooks signatures
 *   (HMAC-SHA256, constant-time via WebCrypto, timestamp within 5 minutes)
 *   and returns the typed event, checked against the contract.
 */
import * as v from "valibot";
import {
  WebhookEventSchema,
  type DeadLettersResponse,
  type ErrorBody,
  type FieldIssue,
  type ListsResponse,
  type Operation,
  type Space,
  type WebhookEvent,
} from "../contract/schemas.ts";
import type { CreateItemBody, ListNameBody, MessageBody, UpdateItemBody } from "../routes/api/schemas.ts";

export type {
  ChangeSource,
  DeadLetter,
  DeadLettersResponse,
  ErrorBody,
  FieldIssue,
  HeldList,
  ListsResponse,
  Operation,
  OperationKind,
  OperationResult,
  OperationStatus,
  WebhookData,
  WebhookEvent,
  WebhookEventType,
  WebhookItem,
  Space,
  SpaceMember,
} from "../contract/schemas.ts";

export type CreateItemInput = v.InferInput<typeof CreateItemBody>;
export type UpdateItemInput = v.InferInput<typeof UpdateItemBody>;
export type MessageInput = v.InferInput<typeof MessageBody>;
export type ListNameInput = v.InferInput<typeof ListNameBody>;

export interface ClientOptions {
  /** The Worker's origin, e.g. `https://alexa-list-bridge.you.workers.dev`. */
  baseUrl: string;
  /** One of the `APP_API_TOKEN` tokens. */
  token: string;
  fetch?: typeof fetch;
  /** Attempts per call for 429/503/network failures (default 3; 1 = no retry). */
  maxAttempts?: number;
  /** Longest wait between attempts, ms (default 10 000; a longer Retry-After gives up). */
  maxRetryDelayMs?: number;
  /** Backoff base without Retry-After, ms (default 250, doubling). */
  retryBaseMs?: number;
  /** Makes Idempotency-Keys for writes without one (default `crypto.randomUUID()`). */
  newIdempotencyKey?: () => string;
  sleep?: (ms: number) => Promise<void>;
}

export interface WriteOptions {
  /** 1-255 printable ASCII characters; per user. Default: a random key per call. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** What a call answered, before it is judged (see {@link BridgeClient.raw}). */
export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when it is not JSON, or null when empty. */
  body: unknown;
}

/** A non-2xx answer of the bridge, e.g. `VALIDATION_FAILED` with `fields`. */
export class BridgeApiError extends Error {
  override readonly name = "BridgeApiError";
  /** The `error` code (`NOT_JSON` when the body was not the bridge's JSON). */
  readonly code: string;
  readonly fields: FieldIssue[];
  /** Seconds, from `Retry-After`. */
  readonly retryAfterSeconds: number | null;

  constructor(
    readonly status: number,
    readonly body: unknown,
    headers: Headers,
  ) {
    const e = isErrorBody(body) ? body : null;
    super(`${status} ${e?.error ?? "NOT_JSON"}${e?.message ? `: ${e.message}` : ""}`);
    this.code = e?.error ?? "NOT_JSON";
    this.fields = e?.fields ?? [];
    const wait = retryAfterMs(headers.get("retry-after"), Date.now());
    this.retryAfterSeconds = wait === null ? null : Math.ceil(wait / 1000);
  }
}

/** The bridge could not be reached (after the retries). */
export class BridgeNetworkError extends Error {
  override readonly name = "BridgeNetworkError";
}

const FINAL = new Set(["completed", "failed", "expired"]);

/**
 * @example
 * const bridge = new BridgeClient({ baseUrl: "http://127.0.0.1:8787", token: process.env.BRIDGE_TOKEN! });
 * const op = await bridge.createItem(userId, "shopping", { value: "milk", appItemId: "app-1" });
 * const done = await bridge.waitForOperation(userId, op.id); // completed | failed | expired
 */
export class BridgeClient {
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #maxAttempts: number;
  readonly #maxDelay: number;
  readonly #retryBase: number;
  readonly #newKey: () => string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(opts: ClientOptions) {
    this.#base = opts.baseUrl.replace(/\/+$/, "");
    this.#token = opts.token;
    this.#fetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.#maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
    this.#maxDelay = opts.maxRetryDelayMs ?? 10_000;
    this.#retryBase = opts.retryBaseMs ?? 250;
    this.#newKey = opts.newIdempotencyKey ?? (() => crypto.randomUUID());
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  createItem(userId: string, list: string, item: CreateItemInput, opts?: WriteOptions): Promise<Operation> {
    return this.#write("POST", ["users", userId, "lists", list, "items"], item, opts);
  }

  /** `{status: "completed"}` alone completes the item; anything else updates it. */
  updateItem(userId: string, list: string, itemRef: string, change: UpdateItemInput, opts?: WriteOptions): Promise<Operation> {
    return this.#write("PATCH", ["users", userId, "lists", list, "items", itemRef], change, opts);
  }

  deleteItem(userId: string, list: string, itemRef: string, opts?: WriteOptions): Promise<Operation> {
    return this.#write("DELETE", ["users", userId, "lists", list, "items", itemRef], undefined, opts);
  }

  /** A full snapshot, delivered as `alexa.list.snapshot` webhooks. */
  sync(userId: string, opts?: WriteOptions): Promise<Operation> {
    return this.#write("POST", ["users", userId, "sync"], {}, opts);
  }

  sendMessage(userId: string, message: MessageInput, opts?: WriteOptions): Promise<Operation> {
    return this.#write("POST", ["users", userId, "messages"], message, opts);
  }

  /** Skill store only (household: 409 LISTS_HELD_BY_ALEXA). */
  async readLists(userId: string, opts: { signal?: AbortSignal } = {}): Promise<ListsResponse> {
    return this.#judge<ListsResponse>(await this.raw("GET", ["users", userId, "lists"], undefined, opts));
  }

  createList(userId: string, body: ListNameInput, opts?: WriteOptions): Promise<Operation> {
    return this.#write("POST", ["users", userId, "lists"], body, opts);
  }

  renameList(userId: string, list: string, body: ListNameInput, opts?: WriteOptions): Promise<Operation> {
    return this.#write("PATCH", ["users", userId, "lists", list], body, opts);
  }

  deleteList(userId: string, list: string, opts?: WriteOptions): Promise<Operation> {
    return this.#write("DELETE", ["users", userId, "lists", list], undefined, opts);
  }

  /** Webhooks the app did not take (kept without their bodies). */
  async deadLetters(userId: string): Promise<DeadLettersResponse> {
    return this.#judge<DeadLettersResponse>(await this.raw("GET", ["users", userId, "dead-letters"]));
  }

  /** Sends every dead letter again; answers how many. */
  async redriveDeadLetters(userId: string): Promise<{ count: number }> {
    return this.#judge<{ count: number }>(await this.raw("POST", ["users", userId, "dead-letters", "redrive"]));
  }

  async deleteDeadLetters(userId: string): Promise<{ count: number }> {
    return this.#judge<{ count: number }>(await this.raw("DELETE", ["users", userId, "dead-letters"]));
  }

  async getOperation(userId: string, opId: string, opts: { signal?: AbortSignal } = {}): Promise<Operation> {
    return this.#judge<Operation>(await this.raw("GET", ["users", userId, "operations", opId], undefined, opts));
  }

  /**
   * Polls until the operation is `completed`, `failed` or `expired` (prefer
   * the `outbox.*` webhooks in production). Throws when `timeoutMs` passes.
   */
  async waitForOperation(userId: string, opId: string, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<Operation> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    let last: Operation | null = null;
    while (Date.now() < deadline) {
      last = await this.getOperation(userId, opId);
      if (FINAL.has(last.status)) return last;
      await this.#sleep(opts.pollMs ?? 250);
    }
    throw new Error(`operation ${opId} not final in time; last: ${JSON.stringify(last)}`);
  }

  /**
   * The lists of one list space (skill store): `/v1/spaces/{spaceId}/…`.
   * @example const lists = await bridge.space("household-7").readLists();
   */
  space(spaceId: string): SpaceClient {
    return new SpaceClient(spaceId, (m, seg, b, o) => this.raw(m, seg, b, o), (m, seg, b, o) => this.#write(m, seg, b, o), (r) => this.#judge(r));
  }

  /**
   * One call to `/v1/…` with the retries, answered as it came (no throw on
   * 4xx/5xx). Path segments are percent-encoded here.
   * @example const res = await bridge.raw("GET", ["users", userId, "operations", opId]);
   */
  async raw(method: string, segments: readonly string[], body?: unknown, opts: WriteOptions = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (opts.idempotencyKey !== undefined) headers["idempotency-key"] = opts.idempotencyKey;
    const url = `${this.#base}/v1/${segments.map(encodeURIComponent).join("/")}`;
    const init: RequestInit = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(opts.signal ? { signal: opts.signal } : {}) };
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await this.#fetch(url, init);
      } catch (e) {
        if (opts.signal?.aborted || attempt >= this.#maxAttempts) throw new BridgeNetworkError(`${method} ${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        await this.#sleep(this.#backoff(attempt));
        continue;
      }
      const parsed: RawResponse = { status: res.status, headers: res.headers, body: await readBody(res) };
      if ((res.status !== 429 && res.status !== 503) || attempt >= this.#maxAttempts) return parsed;
      const wait = retryAfterMs(res.headers.get("retry-after"), Date.now()) ?? this.#backoff(attempt);
      if (wait > this.#maxDelay) return parsed;
      await this.#sleep(wait);
    }
  }

  async #write(method: string, segments: string[], body: unknown, opts: WriteOptions = {}): Promise<Operation> {
    const key = opts.idempotencyKey ?? this.#newKey();
    return this.#judge<Operation>(await this.raw(method, segments, body, { ...opts, idempotencyKey: key }));
  }

  #judge<T>(res: RawResponse): T {
    if (res.status >= 200 && res.status < 300 && res.body !== null && typeof res.body === "object") return res.body as T;
    throw new BridgeApiError(res.status, res.body, res.headers);
  }

  #backoff(attempt: number): number {
    return Math.min(this.#maxDelay, this.#retryBase * 2 ** (attempt - 1));
  }
}

type Raw = (method: string, segments: readonly string[], body?: unknown, opts?: WriteOptions) => Promise<RawResponse>;
type Write = (method: string, segments: string[], body: unknown, opts?: WriteOptions) => Promise<Operation>;

/**
 * One list space's routes (`/v1/spaces/{spaceId}/…`), from {@link BridgeClient.space}:
 * the list routes of a user, without skill messages, plus the space itself.
 * @example
 * const home = bridge.space("household-7");
 * await home.createItem("shopping", { value: "oat milk", appItemId: "a-17" });
 * (await home.get()).members; // [{ userId, appUserId, linkedAt }]
 */
export class SpaceClient {
  constructor(
    readonly spaceId: string,
    private readonly rawCall: Raw,
    private readonly write: Write,
    private readonly judge: <T>(res: RawResponse) => T,
  ) {}

  /** `{spaceId, kind, members}`. */
  async get(): Promise<Space> {
    return this.judge<Space>(await this.rawCall("GET", ["spaces", this.spaceId]));
  }

  /** Erases the space for good (204). */
  async erase(): Promise<void> {
    const res = await this.rawCall("DELETE", ["spaces", this.spaceId]);
    if (res.status !== 204) throw new BridgeApiError(res.status, res.body, res.headers);
  }

  createItem(list: string, item: CreateItemInput, opts?: WriteOptions): Promise<Operation> {
    return this.write("POST", ["spaces", this.spaceId, "lists", list, "items"], item, opts);
  }

  updateItem(list: string, itemRef: string, change: UpdateItemInput, opts?: WriteOptions): Promise<Operation> {
    return this.write("PATCH", ["spaces", this.spaceId, "lists", list, "items", itemRef], change, opts);
  }

  deleteItem(list: string, itemRef: string, opts?: WriteOptions): Promise<Operation> {
    return this.write("DELETE", ["spaces", this.spaceId, "lists", list, "items", itemRef], undefined, opts);
  }

  sync(opts?: WriteOptions): Promise<Operation> {
    return this.write("POST", ["spaces", this.spaceId, "sync"], {}, opts);
  }

  async readLists(opts: { signal?: AbortSignal } = {}): Promise<ListsResponse> {
    return this.judge<ListsResponse>(await this.rawCall("GET", ["spaces", this.spaceId, "lists"], undefined, opts));
  }

  createList(body: ListNameInput, opts?: WriteOptions): Promise<Operation> {
    return this.write("POST", ["spaces", this.spaceId, "lists"], body, opts);
  }

  renameList(list: string, body: ListNameInput, opts?: WriteOptions): Promise<Operation> {
    return this.write("PATCH", ["spaces", this.spaceId, "lists", list], body, opts);
  }

  deleteList(list: string, opts?: WriteOptions): Promise<Operation> {
    return this.write("DELETE", ["spaces", this.spaceId, "lists", list], undefined, opts);
  }

  async deadLetters(): Promise<DeadLettersResponse> {
    return this.judge<DeadLettersResponse>(await this.rawCall("GET", ["spaces", this.spaceId, "dead-letters"]));
  }

  async redriveDeadLetters(): Promise<{ count: number }> {
    return this.judge<{ count: number }>(await this.rawCall("POST", ["spaces", this.spaceId, "dead-letters", "redrive"]));
  }

  async deleteDeadLetters(): Promise<{ count: number }> {
    return this.judge<{ count: number }>(await this.rawCall("DELETE", ["spaces", this.spaceId, "dead-letters"]));
  }

  async getOperation(opId: string, opts: { signal?: AbortSignal } = {}): Promise<Operation> {
    return this.judge<Operation>(await this.rawCall("GET", ["spaces", this.spaceId, "operations", opId], undefined, opts));
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  return typeof body === "object" && body !== null && typeof (body as { error?: unknown }).error === "string";
}

/** `Retry-After` (seconds or an HTTP date) in ms, or null. */
function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === "") return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

// ------------------------------------------------------------- webhooks

export type WebhookVerificationCode = "MISSING_HEADERS" | "TIMESTAMP_OUT_OF_RANGE" | "SIGNATURE_INVALID" | "BODY_INVALID" | "PAYLOAD_INVALID";

/** A webhook that is not the bridge's, or not as the contract says. Answer it with 400. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  constructor(
    readonly code: WebhookVerificationCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export interface ReceiverOptions {
  /** Seconds `webhook-timestamp` may differ from now (default 300, as Standard Webhooks). */
  toleranceSec?: number;
  /** Check the body against the contract (default true). */
  validate?: boolean;
  now?: () => number;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/**
 * Verifies the bridge's webhooks (Standard Webhooks, secret `whsec_…` =
 * APP_WEBHOOK_SECRET) and returns the typed event. Deduplicate on
 * `webhook-id`: it is the same on every try of one event.
 * @example
 * const receiver = new WebhookReceiver(process.env.APP_WEBHOOK_SECRET!);
 * const event = await receiver.verify(rawBody, request.headers); // throws WebhookVerificationError
 * if (event.type === "alexa.list.items.created") for (const item of event.data.items) save(item);
 */
export class WebhookReceiver {
  readonly #key: Promise<CryptoKey>;
  readonly #tolerance: number;
  readonly #validate: boolean;
  readonly #now: () => number;

  constructor(secret: string, opts: ReceiverOptions = {}) {
    const raw = base64Decode(secret.startsWith("whsec_") ? secret.slice(6) : secret);
    this.#key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    this.#tolerance = opts.toleranceSec ?? 300;
    this.#validate = opts.validate ?? true;
    this.#now = opts.now ?? Date.now;
  }

  async verify(body: string | Uint8Array, headers: HeaderBag): Promise<WebhookEvent> {
    const id = header(headers, "webhook-id");
    const timestamp = header(headers, "webhook-timestamp");
    const signatures = header(headers, "webhook-signature");
    if (!id || !timestamp || !signatures) throw new WebhookVerificationError("MISSING_HEADERS", "webhook-id, webhook-timestamp and webhook-signature are required");
    const ts = /^\d+$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!(Math.abs(this.#now() / 1000 - ts) <= this.#tolerance)) throw new WebhookVerificationError("TIMESTAMP_OUT_OF_RANGE", `webhook-timestamp ${timestamp} is not within ${this.#tolerance} s of now`);
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    const signed = concat(new TextEncoder().encode(`${id}.${timestamp}.`), bytes);
    const key = await this.#key;
    let ok = false;
    for (const entry of signatures.split(" ")) {
      const [version, sig] = entry.split(",", 2);
      if (version !== "v1" || !sig) continue;
      let mac: Uint8Array;
      try {
        mac = base64Decode(sig);
      } catch {
        continue;
      }
      if (await crypto.subtle.verify("HMAC", key, mac as Uint8Array<ArrayBuffer>, signed as Uint8Array<ArrayBuffer>)) ok = true;
    }
    if (!ok) throw new WebhookVerificationError("SIGNATURE_INVALID", "no v1 signature matches");
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
    } catch (e) {
      throw new WebhookVerificationError("BODY_INVALID", `not UTF-8 JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (this.#validate) {
      const r = v.safeParse(WebhookEventSchema, parsed);
      if (!r.success) {
        const where = r.issues.slice(0, 3).map((i) => `${v.getDotPath(i) ?? "(body)"}: ${i.message}`);
        throw new WebhookVerificationError("PAYLOAD_INVALID", where.join("; "));
      }
    }
    // The body as sent (valibot's output would drop fields this version does not know).
    return parsed as WebhookEvent;
  }
}

function header(headers: HeaderBag, name: string): string | null {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function base64Decode(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
