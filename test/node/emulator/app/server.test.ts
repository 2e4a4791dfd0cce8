import { afterEach, describe, expect, it } from "vitest";
import { FakeApp, type RunningApp, startFakeApp } from "../../../../emulator/app/server.ts";
import { type BusEvent, EventBus } from "../../../../emulator/events.ts";
import { webhookHeaders } from "../../../../src/webhooks/standard-webhooks.ts";

const SECRET = "whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQ=";

async function signed(id: string, body: object, secret = SECRET): Promise<Request> {
  const text = JSON.stringify(body);
  const headers = await webhookHeaders(secret, id, Math.floor(Date.now() / 1000), text);
  return new Request("http://app.test/webhooks", { method: "POST", headers, body: text });
}

const created = { type: "alexa.list.items.created", userId: "amzn1.ask.account.A", timestamp: "2026-01-01T00:00:00Z", data: { n: 1 } };

let running: RunningApp | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

describe("fake app: webhooks", () => {
  it("verifies Standard Webhooks signatures, records each webhook-id once and counts repeats", async () => {
    const app = new FakeApp({ secret: SECRET });
    expect(((await app.handle(await signed("msg_1", created))) as Response).status).toBe(204);
    expect(((await app.handle(await signed("msg_1", created))) as Response).status).toBe(204);
    expect(((await app.handle(await signed("msg_2", { ...created, type: "outbox.completed" }))) as Response).status).toBe(204);
    expect(app.log.query({ type: "alexa.list." }).map((w) => [w.webhookId, w.receipts, w.data])).toEqual([["msg_1", 2, { n: 1 }]]);
    expect(app.log.stats()).toEqual({ unique: 2, receipts: 3, rejected: 0, refused: 0 });
  });

  it("GET /_app/webhooks?spaceId= answers one list space's webhooks, whichever user acted (or none)", async () => {
    const app = new FakeApp({ secret: SECRET });
    await app.handle(await signed("msg_1", { ...created, spaceId: "fam-1" }));
    const { userId: _none, ...byApp } = created;
    await app.handle(await signed("msg_2", { ...byApp, type: "outbox.completed", spaceId: "fam-1" }));
    await app.handle(await signed("msg_3", { ...created, userId: "amzn1.ask.account.B", spaceId: "fam-2" }));
    const res = (await app.handle(new Request("http://app.test/_app/webhooks?spaceId=fam-1"))) as Response;
    const body = (await res.json()) as { webhooks: { webhookId: string }[] };
    expect(body.webhooks.map((w) => w.webhookId)).toEqual(["msg_1", "msg_2"]);
  });

  it("rejects a bad signature with 401 and records nothing", async () => {
    const app = new FakeApp({ secret: SECRET });
    const res = (await app.handle(await signed("msg_1", created, "whsec_b3RoZXItc2VjcmV0"))) as Response;
    expect(res.status).toBe(401);
    expect(app.log.stats()).toMatchObject({ unique: 0, rejected: 1 });
  });

  it("answers 503 during an outage, then accepts again", async () => {
    const app = new FakeApp({ secret: SECRET });
    app.outages.add({ mode: "503", count: 2, retryAfterSeconds: 4 });
    const first = (await app.handle(await signed("msg_1", created))) as Response;
    expect([first.status, first.headers.get("retry-after")]).toEqual([503, "4"]);
    expect(((await app.handle(await signed("msg_1", created))) as Response).status).toBe(503);
    expect(((await app.handle(await signed("msg_1", created))) as Response).status).toBe(204);
    expect(app.log.stats()).toEqual({ unique: 1, receipts: 1, rejected: 0, refused: 2 });
  });

  it("answers 410 Gone in '410' mode (the bridge dead-letters it) and publishes whose and which webhook it was", async () => {
    const events = new EventBus();
    const seen: BusEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const app = new FakeApp({ secret: SECRET, events });
    app.outages.add({ mode: "410", count: 1 });
    expect(((await app.handle(await signed("msg_1", created))) as Response).status).toBe(410);
    expect(((await app.handle(await signed("msg_1", created))) as Response).status).toBe(204);
    expect(app.log.stats()).toEqual({ unique: 1, receipts: 1, rejected: 0, refused: 1 });
    expect(seen[0]?.data).toMatchObject({ outcome: "refused", mode: "410", webhookId: "msg_1", userId: "amzn1.ask.account.A", type: "alexa.list.items.created" });
  });

  it("refuses connections in 'refuse' mode (over a real socket)", async () => {
    running = await startFakeApp({ secret: SECRET });
    const control = await fetch(`${running.origin}/_app/outage`, { method: "POST", body: JSON.stringify({ mode: "refuse", count: 1 }) });
    expect(control.status).toBe(201);
    const req = await signed("msg_1", created);
    await expect(fetch(running.webhookUrl, { method: "POST", headers: req.headers, body: await req.text() })).rejects.toThrow();
    const again = await signed("msg_1", created);
    const ok = await fetch(running.webhookUrl, { method: "POST", headers: again.headers, body: await again.text() });
    expect(ok.status).toBe(204);
    const log = (await (await fetch(`${running.origin}/_app/webhooks?type=alexa.list.items.created`)).json()) as {
      stats: { refused: number };
      webhooks: unknown[];
    };
    expect(log.stats.refused).toBe(1);
    expect(log.webhooks).toHaveLength(1);
  });

  it("validates outage specs", async () => {
    const app = new FakeApp({ secret: SECRET });
    const res = (await app.handle(new Request("http://app.test/_app/outage", { method: "POST", body: '{"mode":"teapot"}' }))) as Response;
    expect(res.status).toBe(400);
  });
});

describe("fake app: relay to the bridge", () => {
  it("forwards /_app/bridge/v1/... with the API token and returns the bridge's answer", async () => {
    const seen: { url: string; auth: string | null; body: string | null; key: string | null }[] = [];
    const app = new FakeApp({
      secret: SECRET,
      bridgeUrl: "http://bridge.test/",
      apiToken: "tok",
      fetch: async (input, init) => {
        const h = new Headers(init?.headers);
        seen.push({ url: String(input), auth: h.get("authorization"), body: (init?.body as string) ?? null, key: h.get("idempotency-key") });
        return Response.json({ id: "op1", status: "queued" }, { status: 202 });
      },
    });
    const res = (await app.handle(
      new Request("http://app.test/_app/bridge/v1/users/amzn1.ask.account.A/lists/shopping/items", {
        method: "POST",
        headers: { "idempotency-key": "k1" },
        body: JSON.stringify({ value: "milk" }),
      }),
    )) as Response;
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: "op1", status: "queued" });
    expect(seen).toEqual([
      { url: "http://bridge.test/v1/users/amzn1.ask.account.A/lists/shopping/items", auth: "Bearer tok", body: '{"value":"milk"}', key: "k1" },
    ]);
  });

  it("says so when it has no bridge", async () => {
    const app = new FakeApp({ secret: SECRET });
    const res = (await app.handle(new Request("http://app.test/_app/bridge/v1/users/u/sync", { method: "POST" }))) as Response;
    expect(res.status).toBe(503);
  });
});
