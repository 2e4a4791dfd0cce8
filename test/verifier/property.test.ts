/**
 * Property-based: mutations of a valid signed request are never accepted
 * (body bytes, signature header, certificate URL, header set), the replay
 * window holds for any clock, and nothing but AlexaVerificationError escapes.
 */
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearCertificateCache } from "../../src/verifier/cache.ts";
import { normaliseCertUrl } from "../../src/verifier/cert-url.ts";
import { AlexaVerificationError, verifyAlexaRequest, type VerifyOptions } from "../../src/verifier/index.ts";
import { CERT_URL, type Chain, NOW, buildChain, codeOf, envelopeJson, optionsFor, signedHeaders } from "./fixtures.ts";

let chain: Chain;
let body: Uint8Array;
let headers: Record<string, string>;
let options: VerifyOptions;

beforeAll(async () => {
  chain = await buildChain();
  const text = envelopeJson({ text: "milk, œufs, 牛乳" });
  body = new TextEncoder().encode(text);
  headers = await signedHeaders(body);
  options = {
    ...optionsFor(chain),
    allowLegacySha1: true,
    // Serves the chain only at the one canonical URL, like S3 would.
    fetchCertChain: async (url) => {
      if (url !== CERT_URL) throw new Error("404");
      return chain.chainPem;
    },
  };
});
beforeEach(() => clearCertificateCache());

const RUNS = { numRuns: 150 };

async function outcome(h: Record<string, string>, b: Uint8Array | string, opts: VerifyOptions = options): Promise<string> {
  const code = await codeOf(verifyAlexaRequest({ headers: h, body: b }, opts));
  expect(code.startsWith("THREW")).toBe(false);
  return code;
}

describe("mutations are never accepted", () => {
  it("the unmodified request is accepted (the baseline the properties depend on)", async () => {
    expect(await outcome(headers, body)).toBe("OK");
  });

  it("any change to the body bytes", async () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), pos: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("insert" as const), pos: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("delete" as const), pos: fc.nat(), value: fc.constant(0) }),
      fc.record({ kind: fc.constant("truncate" as const), pos: fc.nat(), value: fc.constant(0) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        let b = [...body];
        for (const e of edits) {
          const p = e.pos % (b.length + 1);
          if (e.kind === "set") b[p % b.length] = e.value;
          else if (e.kind === "insert") b.splice(p, 0, e.value);
          else if (e.kind === "delete") b.splice(p % b.length, 1);
          else b = b.slice(0, p % b.length);
        }
        const mutated = Uint8Array.from(b);
        if (mutated.length === body.length && mutated.every((x, i) => x === body[i])) return;
        expect(await outcome(headers, mutated)).toBe("SIGNATURE_INVALID");
      }),
      RUNS,
    );
  });

  it("any change to the Signature-256 value", async () => {
    const sig = headers["Signature-256"] as string;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.string({ maxLength: 3 }), fc.nat(3), async (pos, insert, del) => {
        const p = pos % sig.length;
        const mutated = sig.slice(0, p) + insert + sig.slice(p + del);
        if (mutated === sig) return;
        expect(await outcome({ ...headers, "Signature-256": mutated }, body)).not.toBe("OK");
      }),
      RUNS,
    );
  });

  it("any change to the certificate URL, unless it names the same normalised URL", async () => {
    const chars = fc.constantFrom(..."/.%2eE\\@:?#;aZ09-_~ \t".split(""), "%2e", "%2E", "..", "%2f", "//", ":443", ":80", "@");
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(chars, { maxLength: 3 }).map((a) => a.join("")), fc.nat(4), async (pos, insert, del) => {
        const p = pos % (CERT_URL.length + 1);
        const mutated = CERT_URL.slice(0, p) + insert + CERT_URL.slice(p + del);
        const code = await outcome({ ...headers, SignatureCertChainUrl: mutated }, body);
        if (code === "OK") expect(normaliseCertUrl(mutated)).toBe(CERT_URL);
      }),
      { numRuns: 400 },
    );
  });

  it("dropping or renaming any header", async () => {
    const names = Object.keys(headers);
    await fc.assert(
      fc.asyncProperty(fc.subarray(names, { minLength: 1 }), fc.constantFrom("drop", "rename"), async (picked, how) => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(headers)) {
          if (!picked.includes(k)) h[k] = v;
          else if (how === "rename") h[`X-${k}`] = v;
        }
        expect(await outcome(h, body)).not.toBe("OK");
      }),
      RUNS,
    );
  });

  it("the SHA-256 signature moved into the legacy header is refused", async () => {
    const { "Signature-256": sig, ...rest } = headers;
    expect(await outcome({ ...rest, Signature: sig as string }, body)).toBe("SIGNATURE_INVALID");
  });
});

describe("the replay window holds for any clock", () => {
  it("accepted exactly when the clock is within 150 s of the timestamp", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -400_000, max: 400_000 }), async (offsetMs) => {
        const code = await outcome(headers, body, { ...options, now: () => NOW + offsetMs });
        expect(code).toBe(Math.abs(offsetMs) <= 150_000 ? "OK" : "TIMESTAMP_OUT_OF_RANGE");
      }),
      RUNS,
    );
  });
});

describe("garbage in", () => {
  it("random headers and bodies only ever raise AlexaVerificationError", async () => {
    const headerValue = fc.oneof(fc.string(), fc.constant(CERT_URL), fc.constant(headers["Signature-256"] as string));
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("SignatureCertChainUrl", "signature-256", "Signature", "x"), headerValue),
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 })),
        async (h, b) => {
          const err = await verifyAlexaRequest({ headers: h, body: b }, options).then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(AlexaVerificationError);
        },
      ),
      RUNS,
    );
  });
});
