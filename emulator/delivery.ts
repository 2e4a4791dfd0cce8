/**
 * @module emulator/delivery
 * Sends Alexa's out-of-session requests to the skill: each one signed
 * (`Signature-256` over the exact body, `SignatureCertChainUrl`), given up
 * after the skill's timeout, retried on Alexa's schedule (see emulator/retry)
 * until the skill answers HTTP 200 or the window closes (1 h for events, the
 * message's `expiresAfterSeconds` for messages). Redeliveries keep the
 * original `requestId` and `timestamp`, and carry a fresh `apiAccessToken`.
 *
 * Delivery faults (drop, duplicate, delay, reorder) are applied when a
 * request is queued. Every delivery and attempt is recorded for the control
 * API. Trade-off: state is in memory only, like the rest of the emulator.
 */
import { fetchWithTimeout } from "../src/util/fetch-timeout.ts";
import { buildEnvelope, type EnvelopeUser, type OutOfSessionRequest, type RequestIdentity } from "./envelope.ts";
import type { DeliveryFaultSpec, Fault, FaultBook } from "./faults.ts";
import { newRequestId } from "./ids.ts";
import { nextAttemptAt, type RetryPolicy } from "./retry.ts";

export type DeliveryState = "pending" | "in-flight" | "delivered" | "expired" | "dropped" | "held" | "cancelled";

export interface AttemptView {
  at: string;
  /** HTTP status, when the skill answered. */
  status?: number;
  /** Network error or timeout, when it did not. */
  error?: string;
  ms: number;
  /** The start of the skill's response body. */
  response?: string;
}

/** A delivery as the control API shows it. */
export interface DeliveryView {
  id: string;
  requestId: string;
  type: string;
  userId: string;
  person: string;
  state: DeliveryState;
  createdAt: string;
  /** The request's `timestamp` (with clock skew). */
  timestamp: string;
  windowEndsAt: string;
  nextAttemptAt?: string;
  attempts: AttemptView[];
  /** Faults applied to this delivery, e.g. `duplicate (f2)`. */
  faults: string[];
  /** Set on the second copy made by a `duplicate` fault. */
  copyOf?: string;
  /** `request.body` (events) or `request.message` (messages). */
  content: unknown;
}

export interface DeliveryInput {
  userId: string;
  person: string;
  /** The user's context as of queuing (linked account, permissions); the token is added per attempt. */
  user: Omit<EnvelopeUser, "apiAccessToken">;
  request: OutOfSessionRequest;
  /** How long after queuing redeliveries may happen. */
  windowMs: number;
}

export interface DeliveryDeps {
  /** The emulator's clock (not skewed). */
  now: () => number;
  /** Shift applied to `request.timestamp` at queuing time. */
  skewMs: () => number;
  locale: string;
  /** The skill's HTTPS endpoint. */
  endpoint: () => string;
  fetch: typeof fetch;
  /** Alexa waits 10 s for an HTTPS endpoint. */
  timeoutMs: number;
  policy: RetryPolicy;
  faults: FaultBook<DeliveryFaultSpec>;
  /** A fresh `apiAccessToken` for each attempt. */
  issueToken: (userId: string) => string;
  /** Signature headers for a body. */
  sign: (body: string) => Promise<Record<string, string>>;
  /** Most recent deliveries kept for inspection. Default 1000. */
  maxRecords?: number;
  /** Called whenever a delivery changes state or gets an attempt (the console's event bus). */
  onChange?: (view: DeliveryView) => void;
}

interface Delivery {
  view: DeliveryView;
  input: DeliveryInput;
  identity: RequestIdentity;
  createdAt: number;
  failures: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** Resolves when the first attempt has finished (for sequenced copies and reordering). */
  firstAttempt: Promise<void>;
  markFirstDone: () => void;
}

/** The headers of every request Alexa sends a skill, besides the signature headers. */
export const ALEXA_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json; charset=utf-8",
  "user-agent": "Apache-HttpClient/UNAVAILABLE (Java/1.8.0_402)",
};

/**
 * A new request's identity: a fresh request id and a timestamp shifted by the clock skew.
 * @example newIdentity(Date.now(), emulator.skewMs, "en-US").timestamp
 */
export function newIdentity(now: number, skewMs: number, locale: string): RequestIdentity {
  return { requestId: newRequestId(), timestamp: new Date(now + skewMs).toISOString(), locale };
}

const DEFAULT_DELAY_MS = 5000;
const DEFAULT_REORDER_BATCH = 2;
/** Held deliveries are released after this even if the batch never fills. */
const MAX_HOLD_MS = 10_000;

/**
 * The queue of requests to the skill.
 * @example
 * const q = new DeliveryQueue(deps);
 * q.enqueue({ userId, person: "alice", request: { type: "Messaging.MessageReceived", message: data }, windowMs: 3600_000 });
 * q.list(); // views, newest first
 */
export class DeliveryQueue {
  readonly #deliveries = new Map<string, Delivery>();
  readonly #held: Delivery[] = [];
  #holdTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #inflight = new Set<AbortController>();
  #seq = 0;
  #closed = false;
  #signing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DeliveryDeps) {}

  /** Queues a request and applies any matching delivery fault. Returns its view(s). */
  enqueue(input: DeliveryInput): DeliveryView {
    const identity = newIdentity(this.deps.now(), this.deps.skewMs(), this.deps.locale);
    const d = this.#create(input, identity);
    const fault = this.deps.faults.take((f) => f.match === undefined || input.request.type.includes(f.match));
    if (!fault) {
      this.#schedule(d, 0);
      return d.view;
    }
    d.view.faults.push(`${fault.mode} (${fault.id})`);
    switch (fault.mode) {
      case "drop":
        this.#finish(d, "dropped");
        break;
      case "delay":
        // Counted from when Alexa queued it, not from this line (a busy machine adds milliseconds).
        this.#schedule(d, fault.delayMs ?? DEFAULT_DELAY_MS, d.createdAt);
        break;
      case "duplicate":
        this.#duplicate(d, fault);
        break;
      case "reorder":
        this.#hold(d, fault);
        break;
    }
    return d.view;
  }

  /** Views, newest first, optionally filtered. */
  list(filter: { userId?: string; person?: string; type?: string; limit?: number } = {}): DeliveryView[] {
    const out: DeliveryView[] = [];
    for (const d of [...this.#deliveries.values()].reverse()) {
      if (filter.userId !== undefined && d.view.userId !== filter.userId) continue;
      if (filter.person !== undefined && d.view.person !== filter.person) continue;
      if (filter.type !== undefined && !d.view.type.includes(filter.type)) continue;
      out.push(structuredClone(d.view));
      if (filter.limit !== undefined && out.length >= filter.limit) break;
    }
    return out;
  }

  get(id: string): DeliveryView | null {
    const d = this.#deliveries.get(id);
    return d ? structuredClone(d.view) : null;
  }

  /** Stops all timers and aborts requests in flight. */
  close(): void {
    this.#closed = true;
    if (this.#holdTimer) clearTimeout(this.#holdTimer);
    for (const d of this.#deliveries.values()) if (d.timer) clearTimeout(d.timer);
    for (const c of this.#inflight) c.abort(new Error("emulator closed"));
  }

  #create(input: DeliveryInput, identity: RequestIdentity, copyOf?: string): Delivery {
    const createdAt = this.deps.now();
    const request = input.request;
    const view: DeliveryView = {
      id: `d${++this.#seq}`,
      requestId: identity.requestId,
      type: request.type,
      userId: input.userId,
      person: input.person,
      state: "pending",
      createdAt: new Date(createdAt).toISOString(),
      timestamp: identity.timestamp,
      windowEndsAt: new Date(createdAt + input.windowMs).toISOString(),
      attempts: [],
      faults: [],
      content: "message" in request ? request.message : (request.body ?? null),
    };
    if (copyOf !== undefined) view.copyOf = copyOf;
    let markFirstDone = (): void => {};
    const firstAttempt = new Promise<void>((resolve) => (markFirstDone = resolve));
    const d: Delivery = { view, input, identity, createdAt, failures: 0, timer: null, firstAttempt, markFirstDone };
    this.#deliveries.set(view.id, d);
    this.#trim();
    return d;
  }

  #duplicate(d: Delivery, fault: Fault<DeliveryFaultSpec>): void {
    const twin = this.#create(d.input, d.identity, d.view.id);
    twin.view.faults.push(`duplicate (${fault.id})`);
    this.#schedule(d, 0);
    if (fault.concurrent) this.#schedule(twin, 0);
    else void d.firstAttempt.then(() => this.#schedule(twin, 0));
  }

  #hold(d: Delivery, fault: Fault<DeliveryFaultSpec>): void {
    d.view.state = "held";
    this.deps.onChange?.(d.view);
    this.#held.push(d);
    if (this.#held.length >= (fault.batch ?? DEFAULT_REORDER_BATCH)) {
      this.#releaseHeld();
    } else if (!this.#holdTimer) {
      this.#holdTimer = setTimeout(() => this.#releaseHeld(), MAX_HOLD_MS);
    }
  }

  /** Sends held deliveries newest first, each after the previous one's first attempt. */
  #releaseHeld(): void {
    if (this.#holdTimer) clearTimeout(this.#holdTimer);
    this.#holdTimer = null;
    const batch = this.#held.splice(0).reverse();
    void (async () => {
      for (const d of batch) {
        d.view.state = "pending";
        this.#schedule(d, 0);
        await d.firstAttempt;
      }
    })();
  }

  /** Schedules the next attempt `delayMs` after `from` (default: now). */
  #schedule(d: Delivery, delayMs: number, from: number = this.deps.now()): void {
    if (this.#closed) return;
    d.view.state = "pending";
    d.view.nextAttemptAt = new Date(from + delayMs).toISOString();
    d.timer = setTimeout(() => void this.#attempt(d), Math.max(0, from + delayMs - this.deps.now()));
    this.deps.onChange?.(d.view);
  }

  async #attempt(d: Delivery): Promise<void> {
    d.timer = null;
    if (this.#closed) return;
    d.view.state = "in-flight";
    delete d.view.nextAttemptAt;
    this.deps.onChange?.(d.view);
    const started = this.deps.now();
    const attempt: AttemptView = { at: new Date(started).toISOString(), ms: 0 };
    const controller = new AbortController();
    this.#inflight.add(controller);
    try {
      const user = { ...d.input.user, apiAccessToken: this.deps.issueToken(d.input.userId) };
      const envelope = buildEnvelope(user, d.identity, d.input.request);
      const body = JSON.stringify(envelope);
      // Signing is asynchronous; chaining it makes requests leave in the order they were queued.
      const signed = this.#signing.then(() => this.deps.sign(body));
      this.#signing = signed.then(
        () => undefined,
        () => undefined,
      );
      const headers = { ...ALEXA_REQUEST_HEADERS, ...(await signed) };
      const res = await fetchWithTimeout(
        this.deps.fetch,
        this.deps.endpoint(),
        { method: "POST", headers, body, signal: controller.signal },
        this.deps.timeoutMs,
      );
      attempt.status = res.status;
      attempt.response = (await res.text()).slice(0, 300);
    } catch (e) {
      attempt.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.#inflight.delete(controller);
    }
    if (this.#closed) return;
    attempt.ms = this.deps.now() - started;
    d.view.attempts.push(attempt);
    if (attempt.status === 200) {
      this.#finish(d, "delivered");
    } else {
      d.failures += 1;
      const next = nextAttemptAt(d.failures, d.createdAt, this.deps.now(), this.deps.policy, d.input.windowMs);
      if (next === null) this.#finish(d, "expired");
      else this.#schedule(d, next - this.deps.now());
    }
    d.markFirstDone();
  }

  #finish(d: Delivery, state: DeliveryState): void {
    d.view.state = state;
    delete d.view.nextAttemptAt;
    this.deps.onChange?.(d.view);
    d.markFirstDone();
  }

  #trim(): void {
    const max = this.deps.maxRecords ?? 1000;
    if (this.#deliveries.size <= max) return;
    for (const [id, d] of this.#deliveries) {
      if (this.#deliveries.size <= max) break;
      if (d.view.state === "pending" || d.view.state === "in-flight" || d.view.state === "held") continue;
      this.#deliveries.delete(id);
    }
  }
}
