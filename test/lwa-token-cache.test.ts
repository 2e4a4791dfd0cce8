import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { LwaError } from "../src/alexa/lwa.ts";
import { LwaConfigError, LwaTokenSource, lwaTokenSourceFor } from "../src/lwa-token-cache.ts";

const TOKEN_URL = "https://lwa.test/auth/o2/token";
let seq = 0;
/** A distinct client id per test: KV and the isolate cache are shared within this file. */
const freshClientId = () => `amzn1.application-oa2-client.test${++seq}-${crypto.randomUUID()}`;

/** Counts token requests; each answer is a new token "tok-<n>" valid for `expiresIn` seconds. */
function countingLwa(expiresIn = 3600) {
  let count = 0;
  const bodies: URLSearchParams[] = [];
  const f = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    count++;
    bodies.push(new URLSearchParams(String(init?.body)));
    await new Promise((r) => setTimeout(r, 5)); // let concurrent callers pile up
    return Response.json({ access_token: `tok-${count}`, token_type: "bearer", expires_in: expiresIn });
  }) as typeof fetch;
  return { fetch: f, count: () => count, bodies };
}

function clock(start = Date.UTC(2024, 0, 1, 12, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function source(clientId: string, f: typeof fetch, now: () => number, extra: Partial<ConstructorParameters<typeof LwaTokenSource>[0]> = {}) {
  return new LwaTokenSource({ kv: env.TOKEN_CACHE, fetch: f, tokenUrl: TOKEN_URL, clientId, clientSecret: "secret", now, ...extra });
}

describe("LwaTokenSource", () => {
  it("fetches once for 10,000 getToken() calls, 50 of them concurrent at the start", async () => {
    const lwa = countingLwa();
    const c = clock();
    const clientId = freshClientId();
    const s = source(clientId, lwa.fetch, c.now);
    const first = await Promise.all(Array.from({ length: 50 }, () => s.getToken()));
    expect(new Set(first)).toEqual(new Set(["tok-1"]));
    for (let i = 0; i < 9_950; i++) {
      if ((await s.getToken()) !== "tok-1") throw new Error(`call ${i} got another token`);
    }
    expect(lwa.count()).toBe(1);
    expect(Object.fromEntries(lwa.bodies[0]!)).toMatchObject({ grant_type: "client_credentials", client_id: clientId, scope: "alexa:skill_messaging" });
  });

  it("stores {accessToken, expiresAt} in KV with a TTL of expires_in minus the margin", async () => {
    const lwa = countingLwa();
    const c = clock();
    const kvKey = `custom-key-${crypto.randomUUID()}`;
    const before = Math.floor(Date.now() / 1000);
    await source(freshClientId(), lwa.fetch, c.now, { kvKey }).getToken();
    const after = Math.ceil(Date.now() / 1000);
    expect(await env.TOKEN_CACHE.get(kvKey, "json")).toEqual({ accessToken: "tok-1", expiresAt: c.now() + 3_600_000 });
    const { keys } = await env.TOKEN_CACHE.list({ prefix: kvKey });
    expect(keys).toHaveLength(1);
    // KV expirations use the real clock; the TTL itself is 3600 - 300 s.
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(before + 3300);
    expect(keys[0]!.expiration).toBeLessThanOrEqual(after + 3300);
  });

  it("never asks KV for a TTL under its 60 s minimum", async () => {
    const lwa = countingLwa(100);
    const kvKey = `short-${crypto.randomUUID()}`;
    const before = Math.floor(Date.now() / 1000);
    await source(freshClientId(), lwa.fetch, clock().now, { kvKey }).getToken();
    const { keys } = await env.TOKEN_CACHE.list({ prefix: kvKey });
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(before + 60);
  });

  it("refreshes once the token is within the safety margin of expiry, not before", async () => {
    const lwa = countingLwa(3600);
    const c = clock();
    const s = source(freshClientId(), lwa.fetch, c.now);
    expect(await s.getToken()).toBe("tok-1");
    c.advance((3600 - 300 - 1) * 1000);
    expect(await s.getToken()).toBe("tok-1");
    expect(lwa.count()).toBe(1);
    c.advance(1000);
    expect(await s.getToken()).toBe("tok-2");
    expect(lwa.count()).toBe(2);
    expect(await s.getToken()).toBe("tok-2");
    expect(lwa.count()).toBe(2);
  });

  it("honours a custom safety margin", async () => {
    const lwa = countingLwa(3600);
    const c = clock();
    const s = source(freshClientId(), lwa.fetch, c.now, { safetyMarginSec: 60 });
    await s.getToken();
    c.advance((3600 - 61) * 1000);
    expect(await s.getToken()).toBe("tok-1");
    c.advance(1000);
    expect(await s.getToken()).toBe("tok-2");
  });

  it("uses a short-lived token for half its life instead of refetching on every call", async () => {
    const lwa = countingLwa(200); // shorter than the 300 s margin
    const c = clock();
    const s = source(freshClientId(), lwa.fetch, c.now);
    await s.getToken();
    c.advance(99_000);
    await s.getToken();
    expect(lwa.count()).toBe(1);
    c.advance(1000);
    await s.getToken();
    expect(lwa.count()).toBe(2);
  });

  it("a fresh isolate reads the token from KV without fetching", async () => {
    const lwa = countingLwa();
    const c = clock();
    const clientId = freshClientId();
    expect(await source(clientId, lwa.fetch, c.now).getToken()).toBe("tok-1");

    vi.resetModules(); // a new module instance: empty in-isolate state, same KV
    const fresh = await import("../src/lwa-token-cache.ts");
    expect(fresh.LwaTokenSource).not.toBe(LwaTokenSource);
    const other = countingLwa();
    const s2 = new fresh.LwaTokenSource({ kv: env.TOKEN_CACHE, fetch: other.fetch, tokenUrl: TOKEN_URL, clientId, clientSecret: "secret", now: c.now });
    expect(await s2.getToken()).toBe("tok-1");
    expect(other.count()).toBe(0);
  });

  it("a fresh isolate ignores a KV token that is within the margin", async () => {
    const clientId = freshClientId();
    const c = clock();
    const kvKey = `lwa-token:v1:${TOKEN_URL}|${clientId}`;
    await env.TOKEN_CACHE.put(kvKey, JSON.stringify({ accessToken: "old", expiresAt: c.now() + 200_000 }));
    const lwa = countingLwa();
    expect(await source(clientId, lwa.fetch, c.now).getToken()).toBe("tok-1");
    expect(lwa.count()).toBe(1);
  });

  it("ignores a malformed KV entry", async () => {
    const clientId = freshClientId();
    const kvKey = `lwa-token:v1:${TOKEN_URL}|${clientId}`;
    const lwa = countingLwa();
    await env.TOKEN_CACHE.put(kvKey, "{not json");
    expect(await source(clientId, lwa.fetch, clock().now).getToken()).toBe("tok-1");
    const clientId2 = freshClientId();
    await env.TOKEN_CACHE.put(`lwa-token:v1:${TOKEN_URL}|${clientId2}`, JSON.stringify({ accessToken: 5 }));
    expect(await source(clientId2, lwa.fetch, clock().now).getToken()).toBe("tok-2");
  });

  it("invalidate drops the isolate copy and KV entry, then getToken refetches", async () => {
    const lwa = countingLwa();
    const c = clock();
    const clientId = freshClientId();
    const s = source(clientId, lwa.fetch, c.now);
    const kvKey = `lwa-token:v1:${TOKEN_URL}|${clientId}`;
    expect(await s.getToken()).toBe("tok-1");
    await s.invalidate("tok-1");
    expect(await env.TOKEN_CACHE.get(kvKey)).toBeNull();
    expect(await s.getToken()).toBe("tok-2");
    expect(lwa.count()).toBe(2);
    expect(await env.TOKEN_CACHE.get(kvKey, "json")).toMatchObject({ accessToken: "tok-2" });
  });

  it("invalidate of an old token keeps a newer one", async () => {
    const lwa = countingLwa();
    const c = clock();
    const clientId = freshClientId();
    const s = source(clientId, lwa.fetch, c.now);
    await s.getToken();
    await s.invalidate("tok-1");
    expect(await s.getToken()).toBe("tok-2");
    await s.invalidate("tok-1"); // a late 401 for the old token
    expect(await s.getToken()).toBe("tok-2");
    expect(await env.TOKEN_CACHE.get(`lwa-token:v1:${TOKEN_URL}|${clientId}`, "json")).toMatchObject({ accessToken: "tok-2" });
    expect(lwa.count()).toBe(2);
  });

  it("an invalidated token is not taken back from a stale KV read", async () => {
    const clientId = freshClientId();
    const c = clock();
    const kvKey = `lwa-token:v1:${TOKEN_URL}|${clientId}`;
    const lwa = countingLwa();
    const s = source(clientId, lwa.fetch, c.now);
    await s.getToken();
    await s.invalidate("tok-1");
    // Another location's KV still serves the old value.
    await env.TOKEN_CACHE.put(kvKey, JSON.stringify({ accessToken: "tok-1", expiresAt: c.now() + 3_000_000 }));
    expect(await s.getToken()).toBe("tok-2");
  });

  it("LWA errors propagate typed, to every concurrent caller, and the next call retries", async () => {
    let calls = 0;
    const f = (async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return calls === 1
        ? Response.json({ error: "invalid_client", error_description: "Client authentication failed" }, { status: 401 })
        : Response.json({ access_token: "ok", expires_in: 3600 });
    }) as typeof fetch;
    const s = source(freshClientId(), f, clock().now);
    const results = await Promise.allSettled([s.getToken(), s.getToken(), s.getToken()]);
    expect(calls).toBe(1);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      const e = (r as PromiseRejectedResult).reason as LwaError;
      expect(e).toBeInstanceOf(LwaError);
      expect(e.code).toBe("INVALID_CLIENT");
    }
    expect(await s.getToken()).toBe("ok");
  });

  it("a 429 from LWA surfaces as RATE_LIMITED with its Retry-After", async () => {
    const f = (async () => new Response("", { status: 429, headers: { "retry-after": "30" } })) as typeof fetch;
    const e = await source(freshClientId(), f, clock().now).getToken().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LwaError);
    expect(e).toMatchObject({ code: "RATE_LIMITED", retryable: true, retryAfterMs: 30_000 });
  });

  it("a token response without access_token → INVALID_RESPONSE", async () => {
    const f = (async () => Response.json({ token_type: "bearer", expires_in: 3600 })) as typeof fetch;
    const e = await source(freshClientId(), f, clock().now).getToken().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LwaError);
    expect((e as LwaError).code).toBe("INVALID_RESPONSE");
  });

  it("keeps using an unexpired token when a refresh inside the margin fails", async () => {
    let n = 0;
    const f = (async () => {
      n++;
      return n === 1 ? Response.json({ access_token: "first", expires_in: 3600 }) : new Response("down", { status: 503 });
    }) as typeof fetch;
    const c = clock();
    const s = source(freshClientId(), f, c.now);
    expect(await s.getToken()).toBe("first");
    c.advance(3400_000); // inside the margin, not yet expired
    expect(await s.getToken()).toBe("first");
    expect(n).toBe(2);
    c.advance(300_000); // expired now: the error surfaces
    await expect(s.getToken()).rejects.toMatchObject({ code: "SERVER_ERROR" });
  });
});

describe("lwaTokenSourceFor", () => {
  it("throws a clear error when credentials are missing", () => {
    expect(() => lwaTokenSourceFor({ TOKEN_CACHE: env.TOKEN_CACHE })).toThrow(LwaConfigError);
    const e = (() => {
      try {
        lwaTokenSourceFor({ TOKEN_CACHE: env.TOKEN_CACHE, LWA_CLIENT_SECRET: "s" });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toMatchObject({ code: "CONFIG", retryable: false });
    expect((e as Error).message).toMatch(/LWA_CLIENT_ID not set/);
    expect(() => lwaTokenSourceFor({ TOKEN_CACHE: env.TOKEN_CACHE, LWA_CLIENT_ID: "id" })).toThrow(/LWA_CLIENT_SECRET/);
    expect(() => lwaTokenSourceFor({ TOKEN_CACHE: env.TOKEN_CACHE, LWA_CLIENT_ID: " ", LWA_CLIENT_SECRET: "s" })).toThrow(/LWA_CLIENT_ID/);
  });

  it("is memoised per credentials and fetch, and uses the configured token URL", async () => {
    const lwa = countingLwa();
    const clientId = freshClientId();
    const e = { TOKEN_CACHE: env.TOKEN_CACHE, LWA_CLIENT_ID: clientId, LWA_CLIENT_SECRET: "s", LWA_TOKEN_URL: TOKEN_URL };
    const a = lwaTokenSourceFor(e, lwa.fetch);
    expect(lwaTokenSourceFor(e, lwa.fetch)).toBe(a);
    expect(lwaTokenSourceFor({ ...e, LWA_CLIENT_SECRET: "other" }, lwa.fetch)).not.toBe(a);
    expect(await a.getToken()).toBe("tok-1");
    expect(lwa.bodies[0]!.get("client_id")).toBe(clientId);
  });

  it("defaults to the global fetch and Amazon's token URL", async () => {
    const spy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () => Response.json({ access_token: "global", expires_in: 3600 }));
    try {
      const s = lwaTokenSourceFor({ TOKEN_CACHE: env.TOKEN_CACHE, LWA_CLIENT_ID: freshClientId(), LWA_CLIENT_SECRET: "s" });
      expect(await s.getToken()).toBe("global");
      expect(String(spy.mock.calls[0]![0])).toBe("https://api.amazon.com/auth/o2/token");
    } finally {
      spy.mockRestore();
    }
  });
});
