/**
 * @module emulator/app/bridge-client
 * A client of the bridge's app-facing REST API, as an app backend would
 * write it: `Authorization: Bearer APP_API_TOKEN`, optional `Idempotency-Key`,
 * every write answered `202` with an operation that can be polled until it is
 * `completed`, `failed` or `expired`.
 */

export type ItemStatus = "active" | "completed";

/** An outbox operation (the bridge's `OperationView`). */
export interface Operation {
  id: string;
  kind: string;
  status: "queued" | "sent" | "completed" | "failed" | "expired";
  createdAt: string;
  updatedAt: string;
  result?: unknown;
  error?: string;
}

export interface BridgeResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON (or the raw text when it is not JSON). */
  body: T;
}

export interface WriteOptions {
  idempotencyKey?: string;
}

const FINAL: ReadonlySet<string> = new Set(["completed", "failed", "expired"]);

/**
 * @example
 * const bridge = new BridgeClient({ baseUrl: "http://127.0.0.1:8787", token: "dev-token" });
 * const { body: op } = await bridge.createItem(userId, "shopping", { value: "milk", appItemId: "app-1" });
 * await bridge.waitForOperation(userId, op.id);
 */
export class BridgeClient {
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;

  constructor(opts: { baseUrl: string; token: string; fetch?: typeof fetch }) {
    this.#base = opts.baseUrl.replace(/\/+$/, "");
    this.#token = opts.token;
    this.#fetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  createItem(
    userId: string,
    list: string,
    item: { value: string; status?: ItemStatus; appItemId?: string },
    opts: WriteOptions = {},
  ): Promise<BridgeResponse<Operation>> {
    return this.request("POST", ["users", userId, "lists", list, "items"], item, opts);
  }

  updateItem(
    userId: string,
    list: string,
    itemRef: string,
    change: { value?: string; status?: ItemStatus },
    opts: WriteOptions = {},
  ): Promise<BridgeResponse<Operation>> {
    return this.request("PATCH", ["users", userId, "lists", list, "items", itemRef], change, opts);
  }

  deleteItem(userId: string, list: string, itemRef: string, opts: WriteOptions = {}): Promise<BridgeResponse<Operation>> {
    return this.request("DELETE", ["users", userId, "lists", list, "items", itemRef], undefined, opts);
  }

  sync(userId: string, opts: WriteOptions = {}): Promise<BridgeResponse<Operation>> {
    return this.request("POST", ["users", userId, "sync"], {}, opts);
  }

  sendMessage(
    userId: string,
    message: { data: Record<string, unknown>; expiresAfterSeconds?: number },
    opts: WriteOptions = {},
  ): Promise<BridgeResponse<Operation>> {
    return this.request("POST", ["users", userId, "messages"], message, opts);
  }

  getOperation(userId: string, opId: string): Promise<BridgeResponse<Operation>> {
    return this.request("GET", ["users", userId, "operations", opId]);
  }

  /**
   * Polls an operation until it is final (`completed`, `failed`, `expired`).
   * Throws with the last state seen when `timeoutMs` passes first.
   */
  async waitForOperation(userId: string, opId: string, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<Operation> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    let last: BridgeResponse<Operation> | null = null;
    while (Date.now() < deadline) {
      last = await this.getOperation(userId, opId);
      if (last.status === 200 && FINAL.has(last.body.status)) return last.body;
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
    }
    throw new Error(`operation ${opId} not final in time; last: ${last ? `${last.status} ${JSON.stringify(last.body)}` : "none"}`);
  }

  /** One call to `/v1/...`; path segments are percent-encoded here. */
  async request<T = Operation>(method: string, segments: string[], body?: unknown, opts: WriteOptions = {}): Promise<BridgeResponse<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (opts.idempotencyKey !== undefined) headers["idempotency-key"] = opts.idempotencyKey;
    const url = `${this.#base}/v1/${segments.map(encodeURIComponent).join("/")}`;
    const res = await this.#fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      // Not JSON (a proxy error page, say): keep the text for the caller to show.
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
}
