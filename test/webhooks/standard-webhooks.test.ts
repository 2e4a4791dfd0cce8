import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { buildWebhookBody, signWebhook, webhookHeaders } from "../../src/webhooks/standard-webhooks.ts";

// The Standard Webhooks spec's own test vector.
const SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SPEC_TS = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const nowSec = () => Math.floor(Date.now() / 1000);
const randomSecret = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes));
};

describe("signWebhook", () => {
  it("matches the Standard Webhooks spec test vector", async () => {
    expect(await signWebhook(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY)).toBe(SPEC_SIG);
  });

  it("matches the standardwebhooks package's own signer", async () => {
    const secret = `whsec_${randomSecret()}`;
    const ts = nowSec();
    const expected = new Webhook(secret).sign("msg_1", new Date(ts * 1000), "{}");
    expect(await signWebhook(secret, "msg_1", ts, "{}")).toBe(expected);
  });

  it("accepts a raw base64 secret, giving the same signature as its whsec_ form", async () => {
    const raw = randomSecret();
    expect(await signWebhook(raw, "m", 1, "b")).toBe(await signWebhook(`whsec_${raw}`, "m", 1, "b"));
  });

  it("rejects a secret that is not base64 and a non-integer timestamp", async () => {
    await expect(signWebhook("whsec_not base64!", "m", 1, "b")).rejects.toBeInstanceOf(TypeError);
    await expect(signWebhook("", "m", 1, "b")).rejects.toBeInstanceOf(TypeError);
    await expect(signWebhook(SPEC_SECRET, "m", 1.5, "b")).rejects.toBeInstanceOf(RangeError);
    await expect(signWebhook(SPEC_SECRET, "m", -1, "b")).rejects.toBeInstanceOf(RangeError);
  });

  it("a rejected secret is not cached: the same bad secret fails again, good ones keep working", async () => {
    await expect(signWebhook("@@@", "m", 1, "b")).rejects.toBeInstanceOf(TypeError);
    await expect(signWebhook("@@@", "m", 1, "b")).rejects.toBeInstanceOf(TypeError);
    expect(await signWebhook(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY)).toBe(SPEC_SIG);
  });

  it("stays correct across many secrets (bounded key cache evicts, never mixes keys)", async () => {
    const secrets = Array.from({ length: 40 }, () => `whsec_${randomSecret()}`);
    const ts = nowSec();
    for (const s of [...secrets, ...secrets.slice(0, 5)]) {
      expect(await signWebhook(s, "m", ts, "x")).toBe(new Webhook(s).sign("m", new Date(ts * 1000), "x"));
    }
  });
});

describe("webhookHeaders verified by the standardwebhooks package", () => {
  it("verifies a normal delivery and returns the parsed body", async () => {
    const secret = `whsec_${randomSecret()}`;
    const body = buildWebhookBody("alexa.item.created", "amzn1.ask.account.A", new Date().toISOString(), { value: "milk" });
    const headers = await webhookHeaders(secret, "msg_abc", nowSec(), body);
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["webhook-id"]).toBe("msg_abc");
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: "alexa.item.created", data: { value: "milk" } });
  });

  it("verifies a unicode body", async () => {
    const secret = `whsec_${randomSecret()}`;
    const body = buildWebhookBody("alexa.item.created", "u", new Date().toISOString(), { value: "Crème brûlée 🍮 — 牛乳" });
    const headers = await webhookHeaders(secret, "msg_u", nowSec(), body);
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ data: { value: "Crème brûlée 🍮 — 牛乳" } });
  });

  it("verifies with a raw base64 secret on both sides", async () => {
    const raw = randomSecret();
    const body = '{"a":1}';
    const headers = await webhookHeaders(raw, "msg_raw", nowSec(), body);
    expect(new Webhook(raw).verify(body, headers)).toEqual({ a: 1 });
  });

  it("fails with a wrong secret", async () => {
    const body = '{"a":1}';
    const headers = await webhookHeaders(`whsec_${randomSecret()}`, "msg_w", nowSec(), body);
    expect(() => new Webhook(`whsec_${randomSecret()}`).verify(body, headers)).toThrow();
  });

  it("fails with an altered body, id or timestamp", async () => {
    const secret = `whsec_${randomSecret()}`;
    const body = '{"value":"milk"}';
    const ts = nowSec();
    const headers = await webhookHeaders(secret, "msg_x", ts, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify('{"value":"milk!"}', headers)).toThrow();
    expect(() => wh.verify(body, { ...headers, "webhook-id": "msg_y" })).toThrow();
    expect(() => wh.verify(body, { ...headers, "webhook-timestamp": String(ts - 1) })).toThrow();
    expect(wh.verify(body, headers)).toEqual({ value: "milk" });
  });
});

describe("buildWebhookBody", () => {
  it("builds {type, userId, timestamp, data} in that order", () => {
    expect(buildWebhookBody("t", "u", "2024-01-01T00:00:00.000Z", { a: [1] })).toBe(
      '{"type":"t","userId":"u","timestamp":"2024-01-01T00:00:00.000Z","data":{"a":[1]}}',
    );
  });

  it("always carries data, as null when undefined", () => {
    expect(JSON.parse(buildWebhookBody("t", "u", "ts", undefined))).toEqual({ type: "t", userId: "u", timestamp: "ts", data: null });
  });
});
