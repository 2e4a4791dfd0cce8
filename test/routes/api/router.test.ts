import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import type { OperationView } from "../../../src/shared/ports.ts";
import { MAX_BODY_BYTES } from "../../../src/routes/api/body.ts";
import { MAX_SKILL_MESSAGE_DATA_BYTES, parseBridgeMessage } from "../../../src/protocol/bridge-message.ts";
import { handleApi } from "../../../src/routes/api/router.ts";
import type { Env } from "../../../src/env.ts";

const TOKEN_1 = "test-api-token-1";
const TOKEN_2 = "test-api-token-2";
const EU = "https://api.eu.amazonalexa.com";
/** Far in the future: the objects' alarms never fire on their own; tests run them. */
const T0 = Date.UTC(2032, 5, 1, 8, 0, 0);

let n = 0;
function newUserId(tag: string): string {
  return `amzn1.ask.account.API${tag}${++n}`;
}

/** Makes the user known to their object (as a first Alexa request would), on the test clock. */
async function knownUser(tag: string, opts: { enabled?: boolean } = {}): Promise<string> {
  const userId = newUserId(tag);
  await runInDurableObject(env.ALEXA_USER.getByName(userId), (i: AlexaUser) => {
    i.now = () => T0;
    i.profile.touch(userId, EU, T0);
    if (opts.enabled === false) i.profile.setEnabled(false, T0);
  });
  return userId;
}

interface SentMessage {
  url: string;
  body: { data: { alb: string; opId: string; op: string }; expiresAfterSeconds: number };
}
let sent: SentMessage[] = [];

beforeEach(() => {
  sent = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (req.url === env.LWA_TOKEN_URL) {
      return Response.json({ access_token: "lwa-token", token_type: "bearer", expires_in: 3600 });
    }
    if (req.url.includes("/v1/skillmessages/users/")) {
      sent.push({ url: req.url, body: (await req.json()) as SentMessage["body"] });
      return new Response(null, { status: 202 });
    }
    if (req.url === env.APP_WEBHOOK_URL) return new Response(null, { status: 204 });
    throw new Error(`unexpected fetch ${req.method} ${req.url}`);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

function call(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers = new Headers(opts.headers);
  const token = opts.token === undefined ? TOKEN_1 : opts.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return exports.default.fetch(`https://bridge.test${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
}

async function errorOf(res: Response): Promise<{ status: number; error: string; message?: string }> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: string; message?: string };
  return { status: res.status, ...body };
}

const items = (userId: string, list = "shopping") => `/v1/users/${encodeURIComponent(userId)}/lists/${encodeURIComponent(list)}/items`;

describe("authentication", () => {
  it("refuses a request without a token: 401 JSON with WWW-Authenticate: Bearer", async () => {
    const res = await call("POST", items("amzn1.ask.account.X"), { token: null, body: { value: "milk" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await errorOf(res)).toMatchObject({ error: "UNAUTHORIZED" });
  });

  it("refuses a wrong token, a prefix of a right one, and another scheme", async () => {
    for (const auth of [`Bearer nope`, `Bearer ${TOKEN_1.slice(0, -1)}`, `Bearer ${TOKEN_1}x`, `Basic ${btoa("a:b")}`, "Bearer"]) {
      const res = await call("GET", "/v1/users/amzn1.ask.account.X/operations/op_1", { token: null, headers: { authorization: auth } });
      expect(res.status, auth).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("accepts each of the configured tokens (comma-separated, trimmed)", async () => {
    const userId = await knownUser("auth");
    for (const token of [TOKEN_1, TOKEN_2]) {
      const res = await call("POST", `/v1/users/${userId}/sync`, { token });
      expect(res.status).toBe(202);
    }
  });

  it("serves the OpenAPI document without a token", async () => {
    const res = await call("GET", "/v1/openapi.json", { token: null });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; webhooks: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/v1/users/{userId}/lists/{list}/items");
    expect(Object.keys(doc.webhooks)).toContain("outbox.failed");
  });

  it("authenticates before routing: an unknown /v1 path is 401 without a token, 404 with one", async () => {
    expect((await call("GET", "/v1/nothing", { token: null })).status).toBe(401);
    expect(await errorOf(await call("GET", "/v1/nothing"))).toMatchObject({ status: 404, error: "NOT_FOUND" });
  });
});

describe("POST /v1/users/{id}/lists/{list}/items", () => {
  it("stores the operation before answering 202 with the view and its Location", async () => {
    const userId = await knownUser("create");
    const res = await call("POST", items(userId), { body: { value: "milk", status: "active", appItemId: "app-1" } });
    expect(res.status).toBe(202);
    const view = (await res.json()) as OperationView;
    expect(view).toMatchObject({ kind: "create", status: "queued", createdAt: new Date(T0).toISOString() });
    expect(res.headers.get("location")).toBe(`/v1/users/${userId}/operations/${view.id}`);

    const stored = await runInDurableObject(env.ALEXA_USER.getByName(userId), (_i, state) =>
      state.storage.sql.exec<{ op: string; status: string }>("SELECT op, status FROM outbox_ops WHERE id = ?", view.id).toArray(),
    );
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]!.op)).toEqual({ kind: "create", list: "shopping", value: "milk", status: "active", appItemId: "app-1" });

    const get = await call("GET", res.headers.get("location")!);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual(view);
  });

  it("accepts a list id (base64, with an encoded '/')", async () => {
    const userId = await knownUser("listid");
    const listId = "YW16bjEuYWNjb3VudC5BQkMvREVGLVRBU0s=/x";
    const res = await call("POST", items(userId, listId), { body: { value: "call mum" } });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as OperationView;
    await runDurableObjectAlarm(env.ALEXA_USER.getByName(userId));
    expect(parseBridgeMessage(sent.find((m) => m.body.data.opId === id)?.body.data)?.op).toEqual({ kind: "create", list: listId, value: "call mum" });
  });

  it.each([
    ["a missing value", {}, /value: required/],
    ["a blank value", { value: "   " }, /value: must not be blank/],
    ["a value over 256 characters", { value: "x".repeat(257) }, /value: must be at most 256/],
    ["a control character", { value: "milk\u0007" }, /control characters/],
    ["a bad status", { value: "milk", status: "done" }, /status: must be 'active' or 'completed'/],
    ["an unknown field", { value: "milk", stauts: "active" }, /stauts: unknown field/],
    ["a non-object body", ["milk"], /must be a JSON object/],
  ])("rejects %s with 400 VALIDATION_FAILED", async (_name, body, message) => {
    const userId = await knownUser("val");
    const e = await errorOf(await call("POST", items(userId), { body }));
    expect(e).toMatchObject({ status: 400, error: "VALIDATION_FAILED" });
    expect(e.message).toMatch(message);
  });

  it("names each field in plain words: fields [{path, message}]", async () => {
    const userId = await knownUser("fields");
    const res = await call("POST", items(userId), { body: { valu: "milk" } });
    expect(await res.json()).toEqual({
      error: "VALIDATION_FAILED",
      message: "the body is not valid: value: required; valu: unknown field",
      fields: [
        { path: "value", message: "required" },
        { path: "valu", message: "unknown field" },
      ],
    });
    const patch = await call("PATCH", `${items(userId)}/a`, { body: {} });
    expect(((await patch.json()) as { fields: unknown }).fields).toEqual([{ path: "", message: "give at least one of value, status" }]);
  });

  it("rejects bad JSON (400), a wrong content type (415) and a missing one (415)", async () => {
    const userId = await knownUser("json");
    expect(await errorOf(await call("POST", items(userId), { rawBody: "{value:", headers: { "content-type": "application/json" } }))).toMatchObject({
      status: 400,
      error: "INVALID_JSON",
    });
    expect(await errorOf(await call("POST", items(userId), { rawBody: "value=milk", headers: { "content-type": "application/x-www-form-urlencoded" } }))).toMatchObject({
      status: 415,
      error: "UNSUPPORTED_MEDIA_TYPE",
    });
    expect(await errorOf(await call("POST", items(userId), { rawBody: '{"value":"milk"}' }))).toMatchObject({ status: 415 });
    // +json media types and parameters are fine.
    const ok = await call("POST", items(userId), { body: { value: "milk" }, headers: { "content-type": "application/vnd.app+json; charset=utf-8" } });
    expect(ok.status).toBe(202);
  });

  it("rejects a body over the limit with 413, declared or streamed", async () => {
    const userId = await knownUser("big");
    const big = JSON.stringify({ value: "x".repeat(MAX_BODY_BYTES) });
    expect(await errorOf(await call("POST", items(userId), { rawBody: big, headers: { "content-type": "application/json" } }))).toMatchObject({
      status: 413,
      error: "PAYLOAD_TOO_LARGE",
    });
    const chunks = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < chunks.length; i += 1024) c.enqueue(chunks.slice(i, i + 1024));
        c.close();
      },
    });
    const res = await call("POST", items(userId), { rawBody: stream, headers: { "content-type": "application/json" } });
    expect(await errorOf(res)).toMatchObject({ status: 413, error: "PAYLOAD_TOO_LARGE" });
  });

  it("rejects invalid path parameters with 400 INVALID_PARAMETER", async () => {
    for (const path of [
      `/v1/users/${encodeURIComponent("bad user!")}/lists/shopping/items`,
      `/v1/users/amzn1.ask.account.X/lists/${encodeURIComponent("no spaces")}/items`,
      `/v1/users/amzn1.ask.account.X/lists/%E0%A4%A/items`,
    ]) {
      expect(await errorOf(await call("POST", path, { body: { value: "milk" } })), path).toMatchObject({ status: 400, error: "INVALID_PARAMETER" });
    }
  });

  it("answers 404 for a user never seen and for a user who disabled the skill", async () => {
    const never = newUserId("never");
    expect(await errorOf(await call("POST", items(never), { body: { value: "milk" } }))).toMatchObject({ status: 404, error: "USER_NOT_FOUND" });
    const disabled = await knownUser("disabled", { enabled: false });
    expect(await errorOf(await call("POST", items(disabled), { body: { value: "milk" } }))).toMatchObject({ status: 404, error: "USER_DISABLED" });
    // Nothing was stored for the unknown user.
    const tables = await runInDurableObject(env.ALEXA_USER.getByName(never), (_i, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox_ops").one().n,
    );
    expect(tables).toBe(0);
  });

  it("answers 405 with Allow for a wrong method", async () => {
    const res = await call("PUT", items("amzn1.ask.account.X"), { body: { value: "milk" } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(await errorOf(res)).toMatchObject({ error: "METHOD_NOT_ALLOWED" });
  });
});

describe("PATCH and DELETE /v1/users/{id}/lists/{list}/items/{itemRef}", () => {
  const item = (userId: string, ref: string) => `${items(userId, "todo")}/${encodeURIComponent(ref)}`;

  it("status=completed alone is a 'complete'; a value or status=active is an 'update'", async () => {
    const userId = await knownUser("patch");
    const done = await call("PATCH", item(userId, "app-1"), { body: { status: "completed" } });
    const renamed = await call("PATCH", item(userId, "app-2"), { body: { value: "renamed", status: "completed" } });
    const reopened = await call("PATCH", item(userId, "alexa-item-3"), { body: { status: "active" } });
    expect([done.status, renamed.status, reopened.status]).toEqual([202, 202, 202]);
    expect(((await done.json()) as OperationView).kind).toBe("complete");
    expect(((await renamed.json()) as OperationView).kind).toBe("update");
    expect(((await reopened.json()) as OperationView).kind).toBe("update");
    await runDurableObjectAlarm(env.ALEXA_USER.getByName(userId));
    expect(sent.map((m) => parseBridgeMessage(m.body.data)?.op)).toEqual([
      { kind: "complete", list: "todo", itemRef: "app-1" },
      { kind: "update", list: "todo", itemRef: "app-2", value: "renamed", status: "completed" },
      { kind: "update", list: "todo", itemRef: "alexa-item-3", status: "active" },
    ]);
  });

  it("PATCH validation: an empty patch, a bad status, an unknown field", async () => {
    const userId = await knownUser("patchval");
    for (const body of [{}, { status: "gone" }, { value: "x", extra: 1 }]) {
      expect(await errorOf(await call("PATCH", item(userId, "a"), { body })), JSON.stringify(body)).toMatchObject({
        status: 400,
        error: "VALIDATION_FAILED",
      });
    }
  });

  it("DELETE needs no body; a body, if any, must be an empty JSON object", async () => {
    const userId = await knownUser("delete");
    const res = await call("DELETE", item(userId, "app-9"));
    expect(res.status).toBe(202);
    expect(((await res.json()) as OperationView).kind).toBe("delete");
    expect(await errorOf(await call("DELETE", item(userId, "app-9"), { body: { force: true } }))).toMatchObject({
      status: 400,
      error: "VALIDATION_FAILED",
    });
    expect(await errorOf(await call("DELETE", item(userId, "x".repeat(257))))).toMatchObject({ status: 400, error: "INVALID_PARAMETER" });
  });
});

describe("POST /v1/users/{id}/sync and /messages", () => {
  it("sync takes no body (or {}); anything else is a 400", async () => {
    const userId = await knownUser("sync");
    const res = await call("POST", `/v1/users/${userId}/sync`);
    expect(res.status).toBe(202);
    expect(((await res.json()) as OperationView).kind).toBe("sync");
    expect((await call("POST", `/v1/users/${userId}/sync`, { body: {} })).status).toBe(202);
    expect(await errorOf(await call("POST", `/v1/users/${userId}/sync`, { body: { full: true } }))).toMatchObject({ status: 400 });
  });

  it("a raw message is sent as op 'message' with its own lifetime", async () => {
    const userId = await knownUser("msg");
    const res = await call("POST", `/v1/users/${userId}/messages`, { body: { data: { reminder: "bins" }, expiresAfterSeconds: 600 } });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as OperationView;
    await runDurableObjectAlarm(env.ALEXA_USER.getByName(userId));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(`${EU}/v1/skillmessages/users/${encodeURIComponent(userId)}`);
    expect(sent[0]!.body).toEqual({
      data: { alb: "1", opId: id, op: JSON.stringify({ kind: "message", data: { reminder: "bins" } }) },
      expiresAfterSeconds: 600,
    });
    const view = (await (await call("GET", `/v1/users/${userId}/operations/${id}`)).json()) as OperationView;
    expect(view.status).toBe("sent");
  });

  it.each([
    ["no data", { expiresAfterSeconds: 600 }, /data/],
    ["data that is not an object", { data: [1, 2] }, /data: must be a JSON object/],
    ["an expiry under 60 s", { data: {}, expiresAfterSeconds: 10 }, /at least 60/],
    ["an expiry over 86400 s", { data: {}, expiresAfterSeconds: 86_401 }, /at most 86400/],
    ["a fractional expiry", { data: {}, expiresAfterSeconds: 90.5 }, /integer/],
    ["data over the size limit", { data: { blob: "x".repeat(MAX_SKILL_MESSAGE_DATA_BYTES) } }, /too large/],
    // Quotes are escaped inside the envelope: the limit applies to what Amazon receives.
    ["data that only grows too large once escaped", { data: { q: '"'.repeat(3_000) } }, /too large/],
  ])("messages: rejects %s", async (_name, body, message) => {
    const userId = await knownUser("msgval");
    const e = await errorOf(await call("POST", `/v1/users/${userId}/messages`, { body }));
    expect(e).toMatchObject({ status: 400, error: "VALIDATION_FAILED" });
    expect(e.message).toMatch(message);
  });
});

describe("GET /v1/users/{id}/operations/{opId}", () => {
  it("shows the lifecycle: queued, sent, then completed with the result", async () => {
    const userId = await knownUser("lifecycle");
    const stub = env.ALEXA_USER.getByName(userId);
    const created = (await (await call("POST", items(userId), { body: { value: "bread", appItemId: "app-b" } })).json()) as OperationView;
    const get = async () => (await (await call("GET", `/v1/users/${userId}/operations/${created.id}`)).json()) as OperationView;
    expect((await get()).status).toBe("queued");
    await runDurableObjectAlarm(stub);
    expect((await get()).status).toBe("sent");
    // The inbound handler confirms it when Messaging.MessageReceived arrives.
    await runInDurableObject(stub, (i: AlexaUser) => i.outbox.complete(created.id, { alexaItemId: "a-1", listId: "L", version: 1 }));
    expect(await get()).toMatchObject({ status: "completed", result: { alexaItemId: "a-1", listId: "L", version: 1 } });
  });

  it("404 for an unknown operation or user; 400 for a malformed id", async () => {
    const userId = await knownUser("getop");
    expect(await errorOf(await call("GET", `/v1/users/${userId}/operations/op_nope`))).toMatchObject({ status: 404, error: "OPERATION_NOT_FOUND" });
    expect(await errorOf(await call("GET", `/v1/users/${newUserId("ghost")}/operations/op_1`))).toMatchObject({ status: 404, error: "USER_NOT_FOUND" });
    expect(await errorOf(await call("GET", `/v1/users/${userId}/operations/${encodeURIComponent("op 1")}`))).toMatchObject({
      status: 400,
      error: "INVALID_PARAMETER",
    });
  });
});

describe("Idempotency-Key", () => {
  it("the same key and body give the same operation (202, Idempotent-Replayed), once", async () => {
    const userId = await knownUser("idem");
    const headers = { "idempotency-key": "order-42-line-1" };
    const first = await call("POST", items(userId), { body: { value: "eggs", appItemId: "app-e" }, headers });
    const again = await call("POST", items(userId), { body: { appItemId: "app-e", value: "eggs" }, headers });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const a = (await first.json()) as OperationView;
    const b = (await again.json()) as OperationView;
    expect(b.id).toBe(a.id);
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    await runDurableObjectAlarm(env.ALEXA_USER.getByName(userId));
    expect(sent).toHaveLength(1);
  });

  it("the same key with a different body or route is 422 IDEMPOTENCY_KEY_REUSED", async () => {
    const userId = await knownUser("idem422");
    const headers = { "idempotency-key": "k-1" };
    expect((await call("POST", items(userId), { body: { value: "eggs" }, headers })).status).toBe(202);
    expect(await errorOf(await call("POST", items(userId), { body: { value: "ham" }, headers }))).toMatchObject({
      status: 422,
      error: "IDEMPOTENCY_KEY_REUSED",
    });
    expect(await errorOf(await call("POST", `/v1/users/${userId}/sync`, { headers }))).toMatchObject({ status: 422 });
  });

  it("keys are per user, and a malformed key is a 400", async () => {
    const a = await knownUser("idemA");
    const b = await knownUser("idemB");
    const headers = { "idempotency-key": "shared-key" };
    const ra = (await (await call("POST", `/v1/users/${a}/sync`, { headers })).json()) as OperationView;
    const rb = (await (await call("POST", `/v1/users/${b}/sync`, { headers })).json()) as OperationView;
    expect(ra.id).not.toBe(rb.id);
    for (const key of ["", "a\tb", "x".repeat(256), "naïve"]) {
      const res = await call("POST", `/v1/users/${a}/sync`, { headers: { "idempotency-key": key } });
      expect(await errorOf(res), JSON.stringify(key)).toMatchObject({ status: 400, error: "INVALID_IDEMPOTENCY_KEY" });
    }
  });
});

describe("infrastructure failures", () => {
  it("a user object that cannot be reached is a 503 with Retry-After, not a 500", async () => {
    const unreachable = () => Promise.reject(new Error("Durable Object is overloaded"));
    const brokenEnv = { ...env, ALEXA_USER: { getByName: () => ({ enqueueOperation: unreachable, getOperation: unreachable }) } } as unknown as Env;
    vi.spyOn(console, "error").mockImplementation(() => {});
    const headers = { authorization: `Bearer ${TOKEN_1}`, "content-type": "application/json" };
    for (const req of [
      new Request("https://bridge.test/v1/users/amzn1.ask.account.X/sync", { method: "POST", headers }),
      new Request("https://bridge.test/v1/users/amzn1.ask.account.X/operations/op_1", { headers }),
    ]) {
      const res = await handleApi(req, brokenEnv);
      expect(await errorOf(res)).toMatchObject({ status: 503, error: "UNAVAILABLE" });
      expect(res.headers.get("retry-after")).toBe("1");
    }
  });
});
