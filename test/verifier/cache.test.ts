/**
 * The per-isolate chain cache, through verifyAlexaRequest: reuse, validity
 * re-checks, no caching of failures, shared concurrent loads, and separation
 * by URL and by trust configuration.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cachedChainCount, clearCertificateCache } from "../../src/verifier/cache.ts";
import { verifyAlexaRequest, type VerifyOptions } from "../../src/verifier/index.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../../src/verifier/roots.ts";
import {
  CERT_URL,
  type Chain,
  DAY,
  NOW,
  buildChain,
  codeOf,
  envelopeJson,
  iso,
  optionsFor,
  servePem,
  signedHeaders,
} from "./fixtures.ts";

let chain: Chain;
beforeAll(async () => {
  chain = await buildChain();
});
beforeEach(() => clearCertificateCache());

async function request(at = NOW, url = CERT_URL): Promise<{ headers: Record<string, string>; body: string }> {
  const body = envelopeJson({ timestamp: iso(at) });
  return { headers: await signedHeaders(body, { url }), body };
}

describe("chain cache", () => {
  it("a second request for the same URL does not download again", async () => {
    const opts = optionsFor(chain);
    expect(await codeOf(verifyAlexaRequest(await request(), opts))).toBe("OK");
    expect(await codeOf(verifyAlexaRequest(await request(), opts))).toBe("OK");
    expect(opts.fetchCertChain.calls).toHaveLength(1);
    expect(cachedChainCount()).toBe(1);
  });

  it("the cached entry still checks every signature (a bad one after a good one fails)", async () => {
    const opts = optionsFor(chain);
    const good = await request();
    expect(await codeOf(verifyAlexaRequest(good, opts))).toBe("OK");
    expect(await codeOf(verifyAlexaRequest({ ...good, body: `${good.body} ` }, opts))).toBe("SIGNATURE_INVALID");
  });

  it("is re-checked on reuse: once the clock passes the leaf's notAfter, it is validated afresh and fails", async () => {
    const short = await buildChain({ leaf: { notBefore: new Date(NOW - DAY), notAfter: new Date(NOW + 60_000) } });
    let now = NOW;
    const opts = optionsFor(short, { now: () => now });
    expect(await codeOf(verifyAlexaRequest(await request(now), opts))).toBe("OK");
    now = NOW + 61_000;
    expect(await codeOf(verifyAlexaRequest(await request(now), opts))).toBe("CERT_EXPIRED");
    expect(opts.fetchCertChain.calls).toHaveLength(2);
    expect(cachedChainCount()).toBe(0);
  });

  it("the window is the whole path's: an intermediate expiring first ends it too", async () => {
    const c = await buildChain({ inter: { notAfter: new Date(NOW + 60_000) } });
    let now = NOW;
    const opts = optionsFor(c, { now: () => now });
    expect(await codeOf(verifyAlexaRequest(await request(now), opts))).toBe("OK");
    now = NOW + 61_000;
    expect(await codeOf(verifyAlexaRequest(await request(now), opts))).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("a clock before the window's start is also a miss", async () => {
    const c = await buildChain({ leaf: { notBefore: new Date(NOW - 60_000) } });
    let now = NOW;
    const opts = optionsFor(c, { now: () => now });
    expect(await codeOf(verifyAlexaRequest(await request(now), opts))).toBe("OK");
    now = NOW - 120_000;
    expect(await codeOf(verifyAlexaRequest(await request(now), opts))).toBe("CERT_EXPIRED");
  });

  it("a replaced file at the same URL is picked up once the cached chain expires", async () => {
    const old = await buildChain({ leaf: { notBefore: new Date(NOW - DAY), notAfter: new Date(NOW + 60_000) } });
    let served = old.chainPem;
    let now = NOW;
    const opts = optionsFor(chain, { now: () => now, fetchCertChain: servePem(async () => served) });
    expect(await codeOf(verifyAlexaRequest(await request(now), opts))).toBe("OK");
    served = chain.chainPem;
    now = NOW + 120_000;
    expect(await codeOf(verifyAlexaRequest(await request(now), opts))).toBe("OK");
    expect(opts.fetchCertChain.calls).toHaveLength(2);
  });

  it("a failed validation is not cached: the next request downloads and validates again", async () => {
    let served = "garbage";
    const opts = optionsFor(chain, { fetchCertChain: servePem(async () => served) });
    expect(await codeOf(verifyAlexaRequest(await request(), opts))).toBe("CERT_INVALID");
    expect(cachedChainCount()).toBe(0);
    served = chain.chainPem;
    expect(await codeOf(verifyAlexaRequest(await request(), opts))).toBe("OK");
    expect(opts.fetchCertChain.calls).toHaveLength(2);
  });

  it("an untrusted chain is not cached, so it can never be reused as good", async () => {
    const untrusted = optionsFor(chain, { trustedRoots: [...DEFAULT_TRUSTED_ROOTS] });
    expect(await codeOf(verifyAlexaRequest(await request(), untrusted))).toBe("CERT_CHAIN_UNTRUSTED");
    expect(await codeOf(verifyAlexaRequest(await request(), untrusted))).toBe("CERT_CHAIN_UNTRUSTED");
    expect(untrusted.fetchCertChain.calls).toHaveLength(2);
    expect(cachedChainCount()).toBe(0);
  });

  it("a download failure is not cached", async () => {
    let fail = true;
    const fetchCertChain = servePem(async () => {
      if (fail) throw new Error("network down");
      return chain.chainPem;
    });
    const opts = optionsFor(chain, { fetchCertChain });
    expect(await codeOf(verifyAlexaRequest(await request(), opts))).toBe("CERT_FETCH_FAILED");
    fail = false;
    expect(await codeOf(verifyAlexaRequest(await request(), opts))).toBe("OK");
  });

  it("concurrent first requests share one download and validation", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const fetchCertChain = servePem(async () => {
      await gate;
      return chain.chainPem;
    });
    const opts = optionsFor(chain, { fetchCertChain });
    const reqs = await Promise.all(Array.from({ length: 5 }, () => request()));
    const pending = reqs.map((r) => codeOf(verifyAlexaRequest(r, opts)));
    release();
    expect(await Promise.all(pending)).toEqual(["OK", "OK", "OK", "OK", "OK"]);
    expect(fetchCertChain.calls).toHaveLength(1);
  });

  it("concurrent first requests share a failure too, and it is not cached", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const fetchCertChain = servePem(async () => {
      await gate;
      throw new Error("down");
    });
    const opts = optionsFor(chain, { fetchCertChain });
    const pending = (await Promise.all([request(), request(), request()])).map((r) => codeOf(verifyAlexaRequest(r, opts)));
    release();
    expect(await Promise.all(pending)).toEqual(["CERT_FETCH_FAILED", "CERT_FETCH_FAILED", "CERT_FETCH_FAILED"]);
    expect(fetchCertChain.calls).toHaveLength(1);
    expect(cachedChainCount()).toBe(0);
  });

  it("a different trustedRoots set never reuses an entry", async () => {
    const trusting = optionsFor(chain);
    expect(await codeOf(verifyAlexaRequest(await request(), trusting))).toBe("OK");
    // Same URL, chain already cached as good under the test root: not under Amazon's roots.
    const amazonOnly = optionsFor(chain, { trustedRoots: [...DEFAULT_TRUSTED_ROOTS] });
    expect(await codeOf(verifyAlexaRequest(await request(), amazonOnly))).toBe("CERT_CHAIN_UNTRUSTED");
    expect(amazonOnly.fetchCertChain.calls).toHaveLength(1);
    // A superset is a different configuration as well (validated on its own, then cached on its own).
    const superset = optionsFor(chain, { trustedRoots: [...DEFAULT_TRUSTED_ROOTS, chain.rootPem] });
    expect(await codeOf(verifyAlexaRequest(await request(), superset))).toBe("OK");
    expect(superset.fetchCertChain.calls).toHaveLength(1);
    expect(cachedChainCount()).toBe(2);
    // The original configuration still hits its own entry.
    expect(await codeOf(verifyAlexaRequest(await request(), trusting))).toBe("OK");
    expect(trusting.fetchCertChain.calls).toHaveLength(1);
  });

  it("the default trust set (no trustedRoots) is its own configuration", async () => {
    const trusting = optionsFor(chain);
    expect(await codeOf(verifyAlexaRequest(await request(), trusting))).toBe("OK");
    const { trustedRoots: _omit, ...defaults } = optionsFor(chain);
    expect(await codeOf(verifyAlexaRequest(await request(), defaults as VerifyOptions))).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("keys by normalised URL: spellings of one URL share an entry, other URLs do not", async () => {
    const opts = optionsFor(chain);
    for (const url of [CERT_URL, CERT_URL.replace("https://s3", "HTTPS://S3"), CERT_URL.replace(".com/", ".com:443/x/../")]) {
      expect(await codeOf(verifyAlexaRequest(await request(NOW, url), opts)), url).toBe("OK");
    }
    expect(opts.fetchCertChain.calls).toEqual([CERT_URL]);
    expect(await codeOf(verifyAlexaRequest(await request(NOW, `${CERT_URL}2`), opts))).toBe("OK");
    expect(opts.fetchCertChain.calls).toEqual([CERT_URL, `${CERT_URL}2`]);
  });

  it("is bounded (LRU, 32 entries)", async () => {
    const opts = optionsFor(chain);
    for (let i = 0; i < 40; i++) {
      expect(await codeOf(verifyAlexaRequest(await request(NOW, `${CERT_URL}${i}`), opts))).toBe("OK");
    }
    expect(cachedChainCount()).toBe(32);
    // The oldest entries were evicted; the newest are still there.
    const before = opts.fetchCertChain.calls.length;
    await verifyAlexaRequest(await request(NOW, `${CERT_URL}39`), opts);
    expect(opts.fetchCertChain.calls.length).toBe(before);
    await verifyAlexaRequest(await request(NOW, `${CERT_URL}0`), opts);
    expect(opts.fetchCertChain.calls.length).toBe(before + 1);
  });

  it("a recently used entry survives eviction", async () => {
    const opts = optionsFor(chain);
    await verifyAlexaRequest(await request(NOW, `${CERT_URL}keep`), opts);
    for (let i = 0; i < 40; i++) {
      await verifyAlexaRequest(await request(NOW, `${CERT_URL}${i}`), opts);
      await verifyAlexaRequest(await request(NOW, `${CERT_URL}keep`), opts);
    }
    expect(opts.fetchCertChain.calls.filter((u) => u.endsWith("keep"))).toHaveLength(1);
  });

  it("the legacy SHA-1 key is imported alongside on the same entry", async () => {
    const opts = optionsFor(chain, { allowLegacySha1: true });
    const body = envelopeJson();
    expect(await codeOf(verifyAlexaRequest({ headers: await signedHeaders(body), body }, opts))).toBe("OK");
    expect(await codeOf(verifyAlexaRequest({ headers: await signedHeaders(body, { legacy: true }), body }, opts))).toBe("OK");
    expect(opts.fetchCertChain.calls).toHaveLength(1);
  });
});
