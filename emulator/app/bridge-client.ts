/**
 * @module emulator/app/bridge-client
 * The fake app's client of the bridge's REST API: a thin layer over the
 * package's typed client (`alexa-list-bridge/client`, src/client), which does
 * the transport (bearer token, Idempotency-Key on every write, retries on
 * 429/503 honouring Retry-After). This layer answers every call as
 * `{status, headers, body}` instead of throwing on 4xx/5xx, because the CLI,
 * the console and the tests show or assert those answers.
 */
import { BridgeClient as TypedClient, type Operation as ContractOperation, type ClientOptions } from "../../src/client/index.ts";

export type ItemStatus = "active" | "completed";

/** An outbox operation (the contract's `Operation`). */
export type Operation = ContractOperation;

/** A list space as `GET /v1/spaces/{spaceId}` answers it. */
export interface SpaceInfo {
  spaceId: string;
  kind: "linked" | "personal";
  members: { userId: string; appUserId: string | null; linkedAt: string | null }[];
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
  /** The package client underneath (typed methods that throw BridgeApiError). */
  readonly client: TypedClient;

  constructor(opts: { baseUrl: string; token: string; fetch?: typeof fetch } & Partial<Omit<ClientOptions, "baseUrl" | "token" | "fetch">>) {
    this.client = new TypedClient(opts);
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

  /** `GET /v1/spaces/{spaceId}` (skill store): the space's kind and its members. */
  getSpace(spaceId: string): Promise<BridgeResponse<SpaceInfo>> {
    return this.request<SpaceInfo>("GET", ["spaces", spaceId]);
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

  /**
   * One call to `/v1/...`; path segments are percent-encoded. Writes without
   * an Idempotency-Key get a random one, so the client's retries are safe.
   */
  async request<T = Operation>(method: string, segments: string[], body?: unknown, opts: WriteOptions = {}): Promise<BridgeResponse<T>> {
    const write = method.toUpperCase() !== "GET";
    const key = opts.idempotencyKey ?? (write ? crypto.randomUUID() : undefined);
    const res = await this.client.raw(method, segments, body, key === undefined ? {} : { idempotencyKey: key });
    return { status: res.status, headers: res.headers, body: res.body as T };
  }
}
