import { describe, expect, it } from "vitest";
import {
  FetchTimeoutError,
  fetchTextWithTimeout,
  fetchWithTimeout,
  isFetchTimeoutError,
} from "../../src/util/fetch-timeout.ts";

/** A fetch that never answers but records the signal and rejects when aborted, like the real one. */
function hangingFetch(): { fetch: typeof fetch; signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  const f = ((_input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal;
      if (signal) {
        signals.push(signal);
        signal.addEventListener("abort", () => reject(signal.reason));
      }
    })) as typeof fetch;
  return { fetch: f, signals };
}

describe("fetchWithTimeout", () => {
  it("passes input and init through and returns the response", async () => {
    let seen: { url: string; method?: string; header?: string | null } | undefined;
    const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen = { url: String(input), method: init?.method, header: new Headers(init?.headers).get("x-a") };
      return new Response("ok", { status: 201 });
    }) as typeof fetch;
    const res = await fetchWithTimeout(f, "https://example.test/x", { method: "POST", headers: { "x-a": "1" } }, 1000);
    expect(res.status).toBe(201);
    expect(seen).toEqual({ url: "https://example.test/x", method: "POST", header: "1" });
  });

  it("rejects with a recognisable timeout and aborts the request signal", async () => {
    const { fetch: f, signals } = hangingFetch();
    const err = await fetchWithTimeout(f, "https://example.test/", {}, 20).catch((e: unknown) => e);
    expect(isFetchTimeoutError(err)).toBe(true);
    expect((err as FetchTimeoutError).timeoutMs).toBe(20);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("times out even when fetch ignores its signal", async () => {
    const f = (() => new Promise<Response>(() => {})) as typeof fetch;
    await expect(fetchWithTimeout(f, "https://example.test/", undefined, 20)).rejects.toBeInstanceOf(FetchTimeoutError);
  });

  it("passes a network error through unchanged (not a timeout)", async () => {
    const boom = new TypeError("Network connection lost");
    const f = (async () => {
      throw boom;
    }) as typeof fetch;
    const err = await fetchWithTimeout(f, "https://example.test/", {}, 1000).catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(isFetchTimeoutError(err)).toBe(false);
  });

  it("rejects a synchronous throw from fetch", async () => {
    const boom = new Error("sync");
    const f = (() => {
      throw boom;
    }) as unknown as typeof fetch;
    await expect(fetchWithTimeout(f, "https://example.test/", {}, 1000)).rejects.toBe(boom);
  });

  it("honours the caller's own signal with the caller's reason", async () => {
    const { fetch: f } = hangingFetch();
    const outer = new AbortController();
    const p = fetchWithTimeout(f, "https://example.test/", { signal: outer.signal }, 10_000);
    outer.abort(new Error("shutting down"));
    const err = await p.catch((e: unknown) => e);
    expect(isFetchTimeoutError(err)).toBe(false);
    expect((err as Error).message).toBe("shutting down");
  });

  it("rejects non-positive timeouts", async () => {
    const { fetch: f } = hangingFetch();
    await expect(fetchWithTimeout(f, "https://example.test/", {}, 0)).rejects.toBeInstanceOf(RangeError);
  });
});

describe("fetchTextWithTimeout", () => {
  it("returns the response and its text", async () => {
    const f = (async () => new Response("héllo", { status: 200 })) as typeof fetch;
    const { response, text } = await fetchTextWithTimeout(f, "https://example.test/", {}, 1000);
    expect(response.status).toBe(200);
    expect(text).toBe("héllo");
  });

  it("times out when the body stalls after the headers", async () => {
    const f = (async () =>
      new Response(new ReadableStream({ start() {} }), { status: 200 })) as typeof fetch;
    await expect(fetchTextWithTimeout(f, "https://example.test/", {}, 20)).rejects.toBeInstanceOf(FetchTimeoutError);
  });
});
