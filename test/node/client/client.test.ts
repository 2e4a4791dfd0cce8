/**
 * alexa-list-bridge/client: idempotency keys, retries on 429/503 honouring
 * Retry-After, typed errors; the webhook receiver against signatures made by
 * the independent `standardwebhooks` package.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { BridgeApiError, BridgeClient, BridgeNetworkError, WebhookReceiver, WebhookVerificationError } from "../../../src/client/index.ts";

const OP = { id: "op_1", kind: "create", status: "queued", createdAt: "2031-01-01T00:00:00.000Z", updatedAt: "2031-01-01T00:00:00.000Z" };

function scripted(answers: (() => Response)[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const sleeps: number[] = [];
  const client = new BridgeClient({
    baseUrl: "https://bridge.test/",
    token: "tok",
    fetch: async (input, init = {}) => {
      calls.push({ url: String(input), init });
      const next = answers.shift();
      if (!next) throw new Error("no more answers");
      return next();
    },
    sleep: async (ms) => void sleeps.push(ms),
    newIdempotencyKey: () => "generated-key",
  });
  return { client, calls, sleeps, header: (i: number, name: string) => new Headers(calls[i]!.init.headers).get(name) };
}

describe("BridgeClient", () => {
  it("sends the token, a JSON body and an Idempotency-Key on every write (a generated one when none is given)", async () => {
    const s = scripted([() => Response.json(OP, { status: 202 }), () => Response.json(OP, { status: 202 })]);
    expect(await s.client.createItem("amzn1.ask.account.A", "YWJj/+=", { value: "milk" })).toEqual(OP);
    await s.client.deleteItem("amzn1.ask.account.A", "shopping", "app 1", { idempotencyKey: "mine" });
    expect(s.calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      "POST https://bridge.test/v1/users/amzn1.ask.account.A/lists/YWJj%2F%2B%3D/items",
      "DELETE https://bridge.test/v1/users/amzn1.ask.account.A/lists/shopping/items/app%201",
    ]);
    expect([s.header(0, "authorization"), s.header(0, "idempotency-key"), s.header(1, "idempotency-key")]).toEqual(["Bearer tok", "generated-key", "mine"]);
    expect(s.calls[0]!.init.body).toBe('{"value":"milk"}');
  });

  it("space(id): the list routes under /v1/spaces/{spaceId}, the space itself, and its erasure (204)", async () => {
    const space = { spaceId: "fam 1", kind: "linked", members: [{ userId: "amzn1.ask.account.A", appUserId: "bob", linkedAt: "2031-01-01T00:00:00.000Z" }] };
    const s = scripted([
      () => Response.json(OP, { status: 202 }),
      () => Response.json({ lists: [] }),
      () => Response.json(space),
      () => new Response(null, { status: 204 }),
      () => Response.json({ error: "SPACE_NOT_FOUND", message: "no such list space" }, { status: 404 }),
    ]);
    const home = s.client.space("fam 1");
    await home.createItem("shopping", { value: "milk" });
    expect(await home.readLists()).toEqual({ lists: [] });
    expect(await home.get()).toEqual(space);
    await home.erase();
    await expect(home.erase()).rejects.toMatchObject({ status: 404 });
    expect(s.calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      "POST https://bridge.test/v1/spaces/fam%201/lists/shopping/items",
      "GET https://bridge.test/v1/spaces/fam%201/lists",
      "GET https://bridge.test/v1/spaces/fam%201",
      "DELETE https://bridge.test/v1/spaces/fam%201",
      "DELETE https://bridge.test/v1/spaces/fam%201",
    ]);
    expect(s.header(0, "idempotency-key")).toBe("generated-key");
  });

  it("retries 429 and 503 after Retry-After, with the same Idempotency-Key", async () => {
    const s = scripted([
      () => Response.json({ error: "UNAVAILABLE" }, { status: 503, headers: { "retry-after": "2" } }),
      () => new Response("slow down", { status: 429 }),
      () => Response.json(OP, { status: 202 }),
    ]);
    expect((await s.client.sync("u")).id).toBe("op_1");
    expect(s.sleeps).toEqual([2000, 500]); // Retry-After, then backoff (250 ms doubling)
    expect([0, 1, 2].map((i) => s.header(i, "idempotency-key"))).toEqual(["generated-key", "generated-key", "generated-key"]);
  });

  it("retries a network failure, then gives up with BridgeNetworkError", async () => {
    const boom = () => {
      throw new TypeError("fetch failed");
    };
    const s = scripted([boom, boom, boom]);
    await expect(s.client.getOperation("u", "op_1")).rejects.toBeInstanceOf(BridgeNetworkError);
    expect(s.calls).toHaveLength(3);
  });

  it("throws BridgeApiError with the code, the fields and Retry-After", async () => {
    const body = { error: "VALIDATION_FAILED", message: "the body is not valid: value: required", fields: [{ path: "value", message: "required" }] };
    const s = scripted([() => Response.json(body, { status: 400 })]);
    const e = await s.client.createItem("u", "shopping", { value: "" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BridgeApiError);
    expect(e).toMatchObject({ status: 400, code: "VALIDATION_FAILED", fields: [{ path: "value", message: "required" }], retryAfterSeconds: null });
    const s2 = scripted([() => Response.json({ error: "UNAVAILABLE" }, { status: 503, headers: { "retry-after": "120" } })]);
    // A Retry-After beyond maxRetryDelayMs is not waited for.
    await expect(s2.client.getOperation("u", "op_1")).rejects.toMatchObject({ code: "UNAVAILABLE", retryAfterSeconds: 120 });
    expect(s2.sleeps).toEqual([]);
  });

  it("polls until an operation is final", async () => {
    const s = scripted([() => Response.json(OP), () => Response.json({ ...OP, status: "failed", reason: "FORBIDDEN: no" })]);
    expect(await s.client.waitForOperation("u", "op_1", { pollMs: 1 })).toMatchObject({ status: "failed", reason: "FORBIDDEN: no" });
  });
});

describe("WebhookReceiver", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const now = Date.UTC(2031, 0, 1, 10, 0, 0);
  const body = JSON.stringify({
    type: "alexa.list.items.created",
    userId: "amzn1.ask.account.A",
    appUserId: "app-user-7",
    timestamp: "2031-01-01T09:59:59.000Z",
    data: { listId: "L", defaultKind: "shopping", source: "voice", items: [{ id: "i1", value: "milk", status: "active", version: 1, createdTime: null, updatedTime: null, appItemId: null }] },
  });
  const sign = (payload: string, at = now) => {
    const id = "msg_1";
    const signature = new Webhook(secret).sign(id, new Date(at), payload);
    return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at / 1000)), "webhook-signature": signature };
  };

  it("verifies a Standard Webhooks signature and returns the typed event, as sent", async () => {
    const event = await new WebhookReceiver(secret, { now: () => now }).verify(body, new Headers(sign(body)));
    expect(event.type).toBe("alexa.list.items.created");
    if (event.type !== "alexa.list.items.created") throw new Error("narrowing");
    expect(event.data.items[0]!.value).toBe("milk");
    expect(event.appUserId).toBe("app-user-7");
  });

  it("refuses a bad signature, an old timestamp, missing headers and a body off the contract", async () => {
    const r = new WebhookReceiver(secret, { now: () => now });
    const code = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (e instanceof WebhookVerificationError ? e.code : String(e)));
    expect(await code(r.verify(body.replace("milk", "eggs"), sign(body)))).toBe("SIGNATURE_INVALID");
    expect(await code(r.verify(body, sign(body, now - 10 * 60_000)))).toBe("TIMESTAMP_OUT_OF_RANGE");
    expect(await code(r.verify(body, {}))).toBe("MISSING_HEADERS");
    const off = JSON.stringify({ type: "alexa.list.deleted", userId: "u", timestamp: "2031-01-01T00:00:00.000Z", data: {} });
    expect(await code(r.verify(off, sign(off)))).toBe("PAYLOAD_INVALID");
    expect(await code(new WebhookReceiver(secret, { now: () => now, validate: false }).verify(off, sign(off)))).toBe("ok");
  });
});
