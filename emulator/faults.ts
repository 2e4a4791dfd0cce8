/**
 * @module emulator/faults
 * Fault injection rules. An Amazon endpoint (`lwa`, `messaging`, `lists`) can
 * answer 429 (with `Retry-After`), 500, or hang; deliveries to the skill can
 * be dropped, duplicated, delayed or reordered. Each rule lasts for `count`
 * matching requests, or `durationMs`, or both (whichever ends first), or
 * until removed when neither is given.
 *
 * Pure bookkeeping with an injected clock; the emulator applies the effects.
 */

export type AmazonApi = "lwa" | "messaging" | "lists";
export const AMAZON_APIS: readonly AmazonApi[] = ["lwa", "messaging", "lists"];

export interface Budget {
  /** Number of matching requests or deliveries the rule affects. */
  count?: number;
  /** How long the rule lasts, from when it is added. */
  durationMs?: number;
}

export interface EndpointFaultSpec extends Budget {
  api: AmazonApi;
  mode: "429" | "500" | "hang";
  /** 429 only: the `Retry-After` header in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** hang only: how long the response is held before the request is served normally. Default 15 000. */
  hangMs?: number;
}

export interface DeliveryFaultSpec extends Budget {
  mode: "drop" | "duplicate" | "delay" | "reorder";
  /** Only deliveries whose request type contains this text (e.g. `ItemsCreated`, `Messaging`). */
  match?: string;
  /** delay only: how long the first attempt is held. Default 5 000. */
  delayMs?: number;
  /** duplicate only: send both copies at the same moment (default: the copy follows the original). */
  concurrent?: boolean;
  /** reorder only: how many deliveries are held and then released newest first. Default 2. */
  batch?: number;
}

/** A rule as stored and shown: the spec plus its id and remaining budget. */
export type Fault<S> = S & { id: string; remaining?: number; until?: string };

interface Rule<S> {
  spec: S;
  id: string;
  remaining: number | null;
  until: number | null;
}

/**
 * A set of fault rules of one kind.
 * @example
 * const book = new FaultBook<EndpointFaultSpec>(() => Date.now(), "e");
 * book.add({ api: "lists", mode: "429", count: 2 });
 * book.take((f) => f.api === "lists"); // the rule, twice; then null
 */
export class FaultBook<S extends Budget> {
  readonly #rules: Rule<S>[] = [];
  #seq = 0;

  /** `prefix` keeps ids of different books apart (`e1` endpoint faults, `d1` delivery faults). */
  constructor(
    private readonly now: () => number,
    private readonly prefix = "f",
  ) {}

  add(spec: S): Fault<S> {
    const rule: Rule<S> = {
      spec,
      id: `${this.prefix}${++this.#seq}`,
      remaining: spec.count ?? null,
      until: spec.durationMs === undefined ? null : this.now() + spec.durationMs,
    };
    this.#rules.push(rule);
    return this.#view(rule);
  }

  /** The first live rule matching `predicate`, consuming one unit of its count. */
  take(predicate: (spec: S) => boolean): Fault<S> | null {
    this.#expire();
    const rule = this.#rules.find((r) => predicate(r.spec));
    if (!rule) return null;
    if (rule.remaining !== null) rule.remaining -= 1;
    const view = this.#view(rule);
    this.#expire();
    return view;
  }

  list(): Fault<S>[] {
    this.#expire();
    return this.#rules.map((r) => this.#view(r));
  }

  remove(id: string): boolean {
    const i = this.#rules.findIndex((r) => r.id === id);
    if (i < 0) return false;
    this.#rules.splice(i, 1);
    return true;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  #expire(): void {
    const t = this.now();
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      const r = this.#rules[i] as Rule<S>;
      if ((r.remaining !== null && r.remaining <= 0) || (r.until !== null && r.until <= t)) this.#rules.splice(i, 1);
    }
  }

  #view(r: Rule<S>): Fault<S> {
    const v: Fault<S> = { ...r.spec, id: r.id };
    if (r.remaining !== null) v.remaining = r.remaining;
    if (r.until !== null) v.until = new Date(r.until).toISOString();
    return v;
  }
}

/**
 * Validates a fault spec from JSON (control API) into an endpoint fault.
 * Returns an error message instead when it is malformed.
 * @example parseEndpointFault({ api: "lists", mode: "500", count: 3 })
 */
export function parseEndpointFault(body: Record<string, unknown>): EndpointFaultSpec | string {
  const api = body.api;
  if (typeof api !== "string" || !(AMAZON_APIS as readonly string[]).includes(api)) {
    return `"api" must be one of ${AMAZON_APIS.join(", ")}`;
  }
  const mode = String(body.mode ?? "");
  if (mode !== "429" && mode !== "500" && mode !== "hang") return `"mode" must be 429, 500 or hang`;
  const spec: EndpointFaultSpec = { api: api as AmazonApi, mode };
  const err =
    budget(body, spec) ??
    optionalNumber(body, "retryAfterSeconds", (v) => (spec.retryAfterSeconds = v)) ??
    optionalNumber(body, "hangMs", (v) => (spec.hangMs = v));
  return err ?? spec;
}

/**
 * Validates a delivery fault spec from JSON.
 * @example parseDeliveryFault({ mode: "drop", count: 1, match: "ItemsCreated" })
 */
export function parseDeliveryFault(body: Record<string, unknown>): DeliveryFaultSpec | string {
  const mode = body.mode;
  if (mode !== "drop" && mode !== "duplicate" && mode !== "delay" && mode !== "reorder") {
    return `"mode" must be drop, duplicate, delay or reorder`;
  }
  const spec: DeliveryFaultSpec = { mode };
  if (body.match !== undefined) {
    if (typeof body.match !== "string" || body.match === "") return `"match" must be a non-empty string`;
    spec.match = body.match;
  }
  if (body.concurrent !== undefined) {
    if (typeof body.concurrent !== "boolean") return `"concurrent" must be a boolean`;
    spec.concurrent = body.concurrent;
  }
  const err =
    budget(body, spec) ??
    optionalNumber(body, "delayMs", (v) => (spec.delayMs = v)) ??
    optionalNumber(body, "batch", (v) => (spec.batch = Math.max(2, Math.floor(v))));
  return err ?? spec;
}

function budget(body: Record<string, unknown>, spec: Budget): string | null {
  return (
    optionalNumber(body, "count", (v) => (spec.count = Math.max(1, Math.floor(v)))) ??
    optionalNumber(body, "durationMs", (v) => (spec.durationMs = v))
  );
}

function optionalNumber(body: Record<string, unknown>, key: string, set: (v: number) => void): string | null {
  const v = body[key];
  if (v === undefined) return null;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return `"${key}" must be a non-negative number`;
  set(v);
  return null;
}
