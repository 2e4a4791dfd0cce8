/** The default certificate downloader: retry policy, timeouts, redirects, size cap. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCertChainFetcher, defaultFetchCertChain } from "../../src/verifier/fetch-chain.ts";

const URL_ = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem";

function scripted(...answers: (Response | Error | "hang")[]): typeof fetch & { calls: { url: string; init?: RequestInit }[] } {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(input), init });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (a === "hang") {
      return new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    }
    if (a instanceof Error) throw a;
    return (a as Response).clone();
  };
  return Object.assign(fn, { calls }) as typeof fetch & { calls: { url: string; init?: RequestInit }[] };
}

afterEach(() => vi.restoreAllMocks());

describe("createCertChainFetcher", () => {
  it("returns the body text of a 200", async () => {
    const f = scripted(new Response("PEM TEXT"));
    expect(await createCertChainFetcher({ fetch: f })(URL_)).toBe("PEM TEXT");
    expect(f.calls.map((c) => c.url)).toEqual([URL_]);
    expect(f.calls[0]?.init?.redirect).toBe("manual");
    expect(f.calls[0]?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it("retries once after a network error or a 5xx, then succeeds", async () => {
    const afterError = scripted(new TypeError("connection reset"), new Response("ok"));
    expect(await createCertChainFetcher({ fetch: afterError })(URL_)).toBe("ok");
    expect(afterError.calls).toHaveLength(2);
    const after503 = scripted(new Response("busy", { status: 503 }), new Response("ok"));
    expect(await createCertChainFetcher({ fetch: after503 })(URL_)).toBe("ok");
    expect(after503.calls).toHaveLength(2);
  });

  it("gives up after the retry", async () => {
    const f = scripted(new Response("x", { status: 500 }));
    await expect(createCertChainFetcher({ fetch: f })(URL_)).rejects.toThrow(/HTTP 500/);
    expect(f.calls).toHaveLength(2);
    const none = scripted(new Response("x", { status: 500 }));
    await expect(createCertChainFetcher({ fetch: none, retries: 0 })(URL_)).rejects.toThrow();
    expect(none.calls).toHaveLength(1);
  });

  it("does not retry a 4xx, and does not follow a redirect", async () => {
    const notFound = scripted(new Response("no", { status: 404 }));
    await expect(createCertChainFetcher({ fetch: notFound })(URL_)).rejects.toThrow(/HTTP 404/);
    expect(notFound.calls).toHaveLength(1);
    const redirect = scripted(new Response(null, { status: 302, headers: { location: "https://evil.example/x.pem" } }));
    await expect(createCertChainFetcher({ fetch: redirect })(URL_)).rejects.toThrow(/HTTP 302/);
    expect(redirect.calls.map((c) => c.url)).toEqual([URL_]);
  });

  it("aborts a hanging attempt and retries it", async () => {
    const f = scripted("hang", new Response("second"));
    expect(await createCertChainFetcher({ fetch: f, timeoutMs: 5 })(URL_)).toBe("second");
    expect(f.calls[0]?.init?.signal?.aborted).toBe(true);
  });

  it("fails when every attempt hangs", async () => {
    const f = scripted("hang");
    await expect(createCertChainFetcher({ fetch: f, timeoutMs: 5 })(URL_)).rejects.toBeTruthy();
    expect(f.calls).toHaveLength(2);
  });

  it("refuses a body over the size cap without retrying", async () => {
    const f = scripted(new Response("x".repeat(2000)));
    await expect(createCertChainFetcher({ fetch: f, maxBytes: 1000 })(URL_)).rejects.toThrow(/too large/);
    expect(f.calls).toHaveLength(1);
    const exact = scripted(new Response("x".repeat(1000)));
    expect(await createCertChainFetcher({ fetch: exact, maxBytes: 1000 })(URL_)).toHaveLength(1000);
  });

  it("the default downloader uses the global fetch at call time", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("from global"));
    expect(await defaultFetchCertChain(URL_)).toBe("from global");
    expect(spy).toHaveBeenCalledOnce();
  });
});
