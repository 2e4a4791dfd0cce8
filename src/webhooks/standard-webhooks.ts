/**
 * @module webhooks/standard-webhooks
 * Signing for outgoing webhooks per the Standard Webhooks spec
 * (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` (Unix
 * seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 * The app verifies with any Standard Webhooks library.
 *
 * Trade-off: imported HMAC keys are cached per secret in a small module-level
 * map (import costs more than signing); it is bounded so rotated secrets do not
 * accumulate, and holds only non-extractable keys.
 */

const PREFIX = "whsec_";
const MAX_CACHED_KEYS = 16;
const keys = new Map<string, Promise<CryptoKey>>();
const utf8 = new TextEncoder();

/**
 * The `webhook-signature` value for one delivery. `secret` is `whsec_<base64>`
 * or the bare base64. Rejects with a TypeError for a secret that is not base64,
 * and a RangeError for a timestamp that is not a whole number of seconds.
 * @example
 * // The spec's test vector:
 * await signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
 * // "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
 */
export async function signWebhook(secret: string, msgId: string, timestampSec: number, body: string): Promise<string> {
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) {
    throw new RangeError(`timestampSec must be a non-negative integer, got ${timestampSec}`);
  }
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign("HMAC", key, utf8.encode(`${msgId}.${timestampSec}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/**
 * All headers of one delivery, ready for `fetch`.
 * @example
 * const body = buildWebhookBody("alexa.item.created", userId, new Date().toISOString(), item);
 * await fetch(env.APP_WEBHOOK_URL, { method: "POST", body, headers: await webhookHeaders(secret, msgId, nowSec, body) });
 */
export async function webhookHeaders(
  secret: string,
  msgId: string,
  timestampSec: number,
  body: string,
): Promise<Record<"webhook-id" | "webhook-timestamp" | "webhook-signature" | "content-type", string>> {
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(timestampSec),
    "webhook-signature": await signWebhook(secret, msgId, timestampSec, body),
    "content-type": "application/json",
  };
}

/**
 * The JSON body every webhook to the app carries: `{type, userId, timestamp, data}`,
 * plus `appUserId` next to `userId` once the user linked a verified account
 * (docs/account-linking.md); absent, not null, when unknown. A list space's
 * webhooks (skill store) lead with `spaceId`, and carry `userId` / `appUserId`
 * only when a person acted by voice (`null` userId: left out).
 * `data: undefined` is sent as `null` so the field is always present. Throws
 * what `JSON.stringify` throws (cycles, BigInt): callers pass plain JSON data.
 * @example
 * buildWebhookBody("alexa.item.created", "amzn1.ask.account.X", "2024-01-01T12:00:00.000Z", { value: "milk" });
 * // '{"type":"alexa.item.created","userId":"amzn1.ask.account.X","timestamp":"2024-01-01T12:00:00.000Z","data":{"value":"milk"}}'
 * buildWebhookBody("alexa.item.created", "amzn1.ask.account.X", "2024-01-01T12:00:00.000Z", null, "app-user-1");
 * // '{"type":"alexa.item.created","userId":"amzn1.ask.account.X","appUserId":"app-user-1","timestamp":"2024-01-01T12:00:00.000Z","data":null}'
 * buildWebhookBody("outbox.completed", null, "2024-01-01T12:00:00.000Z", { opId: "op_1" }, null, "fam-1");
 * // '{"type":"outbox.completed","spaceId":"fam-1","timestamp":"2024-01-01T12:00:00.000Z","data":{"opId":"op_1"}}'
 */
export function buildWebhookBody(type: string, userId: string | null, timestampIso: string, data: unknown, appUserId?: string | null, spaceId?: string): string {
  return JSON.stringify({
    type,
    ...(spaceId ? { spaceId } : {}),
    ...(userId ? { userId } : {}),
    ...(appUserId ? { appUserId } : {}),
    timestamp: timestampIso,
    data: data === undefined ? null : data,
  });
}

function hmacKey(secret: string): Promise<CryptoKey> {
  const cached = keys.get(secret);
  if (cached) return cached;
  const p = (async () => {
    const raw = decodeSecret(secret);
    return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  })();
  // A failed import must not stay cached as a rejected promise.
  p.catch(() => keys.delete(secret));
  if (keys.size >= MAX_CACHED_KEYS) {
    const oldest = keys.keys().next();
    if (!oldest.done) keys.delete(oldest.value);
  }
  keys.set(secret, p);
  return p;
}

function decodeSecret(secret: string): Uint8Array<ArrayBuffer> {
  const b64 = (secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret).trim();
  if (b64 === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new TypeError("webhook secret must be base64, optionally prefixed with whsec_");
  }
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new TypeError("webhook secret must be base64, optionally prefixed with whsec_");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
