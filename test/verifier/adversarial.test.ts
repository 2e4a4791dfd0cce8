/**
 * Adversarial review of the verifier (src/verifier) and `POST /alexa`
 * (src/routes/alexa.ts): forged or tampered requests that must be refused,
 * inputs that must only ever produce AlexaVerificationError (never a bug
 * masked as one, never a 5xx), option values that must fail closed, and fuzzing
 * of the DER parser with random bytes and mutated test-PKI certificates.
 * Regression tests for every finding of the review live here; the plain
 * behaviour of each module stays in its own test file.
 */
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { createCertificate, importPrivateKeyPkcs8Pem, signBody } from "../../emulator/pki.ts";
import { handleAlexaRequest } from "../../src/routes/alexa.ts";
import { pemCertificates } from "../../src/verifier/base64.ts";
import { cachedChainCount, clearCertificateCache } from "../../src/verifier/cache.ts";
import { normaliseCertUrl } from "../../src/verifier/cert-url.ts";
import { rsaModulusBits } from "../../src/verifier/chain.ts";
import {
  DerError,
  children,
  parseDer,
  readBitString,
  readBoolean,
  readIntegerBytes,
  readOid,
  readSmallInt,
  readTime,
  type Tlv,
} from "../../src/verifier/der.ts";
import { AlexaVerificationError, type VerifyOptions, verifyAlexaRequest } from "../../src/verifier/index.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../../src/verifier/roots.ts";
import { parseCertificate } from "../../src/verifier/x509.ts";
import {
  CERT_URL,
  type Chain,
  DAY,
  INTER_DN,
  LEAF_DN,
  NOW,
  ROOT_DN,
  SKILL_ID,
  buildChain,
  envelopeJson,
  iso,
  optionsFor,
  servePem,
  signedHeaders,
  testKeys,
} from "./fixtures.ts";

let chain: Chain;
beforeAll(async () => {
  chain = await buildChain();
});
beforeEach(() => clearCertificateCache());
afterEach(() => vi.restoreAllMocks());

/** The outcome of verifying, with bugs that the public wrapper masks as SIGNATURE_INVALID surfaced. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    if (!(e instanceof AlexaVerificationError)) return `THREW ${String(e)}`;
    // verifyAlexaRequest turns any other exception into SIGNATURE_INVALID "unexpected …": a bug.
    if (/unexpected/.test(e.message)) return `MASKED ${e.message}`;
    return e.code;
  }
}

/** Verifies a request signed with the fixture leaf key over `body`. */
async function verifySigned(body: string | Uint8Array, extra: Partial<VerifyOptions> = {}, headers?: Record<string, string>): Promise<string> {
  return outcome(verifyAlexaRequest({ headers: headers ?? (await signedHeaders(body)), body }, optionsFor(chain, extra)));
}

/** Verifies a correctly signed request whose certificate URL serves `bundle`. */
async function withBundle(bundle: string, roots: string[], extra: Partial<VerifyOptions> = {}): Promise<string> {
  clearCertificateCache();
  return verifySigned(envelopeJson(), { trustedRoots: roots, fetchCertChain: servePem(bundle), ...extra });
}

function toPem(der: Uint8Array): string {
  let s = "";
  for (const b of der) s += String.fromCharCode(b);
  const lines = btoa(s).match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

function derOf(pem: string): Uint8Array {
  const [der] = pemCertificates(pem);
  if (!der) throw new Error("fixture PEM does not decode");
  return der;
}

// ---------------------------------------------------------------------------

describe("certificate URL", () => {
  it.each([
    // Host spellings that are not exactly s3.amazonaws.com.
    "https://s3.amazonaws.com./echo.api/c.pem",
    "https://s3.amazonaws.com%2e/echo.api/c.pem",
    "https://S3.AMAZONAWS.COM%2E/echo.api/c.pem",
    "https://s3.amazonaws.com%2f.evil.example/echo.api/c.pem",
    "https://xn--3-8sb.amazonaws.com/echo.api/c.pem",
    "https://s3.amazonaws。com/echo.api/c.pem", // ideographic full stop: WHATWG maps it to "."
    "https://s3.amazonaws.com\u00ad/echo.api/c.pem", // soft hyphen: WHATWG drops it
    // IP literals (S3's addresses or not).
    "https://52.216.0.1/echo.api/c.pem",
    "https://0x34d80001/echo.api/c.pem",
    "https://0064.0330.0.1/echo.api/c.pem",
    "https://[::1]/echo.api/c.pem",
    "https://[::ffff:34d8:1]/echo.api/c.pem",
    // Userinfo and authority confusion.
    "https://s3.amazonaws.com:443@evil.example/echo.api/c.pem",
    "https://s3.amazonaws.com%40evil.example/echo.api/c.pem",
    "https:/\\s3.amazonaws.com/echo.api/c.pem",
    "https:\\\\s3.amazonaws.com/echo.api/c.pem",
    // Characters WHATWG would strip or rewrite before parsing.
    "https://s3.amazon\taws.com/echo.api/c.pem",
    "https://s3.amazonaws.com/echo\n.api/c.pem",
    "ht\ttps://s3.amazonaws.com/echo.api/c.pem",
    "https://s3.amazonaws.com/echo.api/c.pem\r",
    // Paths that leave /echo.api/ or hide separators.
    "https://s3.amazonaws.com/echo.api/%2e%2e/x/c.pem",
    "https://s3.amazonaws.com/echo.api/..%2f/c.pem",
    "https://s3.amazonaws.com/echo.api/..%2Fx/c.pem",
    "https://s3.amazonaws.com/echo.api/%5c../c.pem",
    "https://s3.amazonaws.com/echo.api/%c0%ae%c0%ae/x/c.pem", // overlong UTF-8 dots
    "https://s3.amazonaws.com/echo.api/%e0%80%ae%e0%80%ae/x/c.pem",
    "https://s3.amazonaws.com/echo.api%2fc.pem",
    "https://s3.amazonaws.com/echo%2eapi/c.pem",
    "https://s3.amazonaws.com/echo.api",
    "https://s3.amazonaws.com/echo.api/",
    "https://s3.amazonaws.com/echo.apix/c.pem",
    // Ports.
    "https://s3.amazonaws.com:0/echo.api/c.pem",
    "https://s3.amazonaws.com:65979/echo.api/c.pem", // 443 + 65536
    "https://s3.amazonaws.com:443:443/echo.api/c.pem",
    "https://s3.amazonaws.com:+443/echo.api/c.pem",
  ])("refuses %j and never downloads it", async (url) => {
    const opts = optionsFor(chain);
    const body = envelopeJson();
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body, { url }), body }, opts))).toBe("CERT_URL_INVALID");
    expect(opts.fetchCertChain.calls).toEqual([]);
  });

  it("refuses a URL over 2048 characters that would otherwise be fine", () => {
    const url = `https://s3.amazonaws.com/echo.api/${"a/".repeat(1100)}c.pem`;
    expect(() => normaliseCertUrl(url)).toThrow(/CERT_URL_INVALID/);
    expect(normaliseCertUrl(url.replace("a/".repeat(1100), "a/".repeat(900)))).toMatch(/c\.pem$/);
  });

  it.each([
    ["https://s3%2eamazonaws.com/echo.api/c.pem", "https://s3.amazonaws.com/echo.api/c.pem"],
    ["https:s3.amazonaws.com/echo.api/c.pem", "https://s3.amazonaws.com/echo.api/c.pem"],
    ["https:///s3.amazonaws.com/echo.api/c.pem", "https://s3.amazonaws.com/echo.api/c.pem"],
    ["https://s3.amazonaws.com:/echo.api/c.pem", "https://s3.amazonaws.com/echo.api/c.pem"],
    ["https://s3.amazonaws.com:0443/echo.api/c.pem", "https://s3.amazonaws.com/echo.api/c.pem"],
    ["https://s3.amazonaws.com/x/%2E%2e/echo.api/c.pem", "https://s3.amazonaws.com/echo.api/c.pem"],
    // Not a dot segment for WHATWG or S3: stays in the bucket, fetched verbatim.
    ["https://s3.amazonaws.com/echo.api/..;/c.pem", "https://s3.amazonaws.com/echo.api/..;/c.pem"],
  ])("%j is fetched as exactly %j", async (url, fetched) => {
    const opts = optionsFor(chain);
    const body = envelopeJson();
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body, { url }), body }, opts))).toBe("OK");
    expect(opts.fetchCertChain.calls).toEqual([fetched]);
  });

  it("the default downloader hands fetch() the checked string itself, without following redirects", async () => {
    const seen: { url: unknown; redirect: unknown }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      seen.push({ url: input, redirect: init?.redirect });
      return new Response(chain.chainPem);
    });
    const body = envelopeJson();
    const url = "HTTPS://S3.amazonaws.com:443/other/%2e%2E/echo.api/./c.pem";
    const { fetchCertChain: _own, ...opts } = optionsFor(chain);
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body, { url }), body }, opts))).toBe("OK");
    expect(seen).toEqual([{ url: "https://s3.amazonaws.com/echo.api/c.pem", redirect: "manual" }]);
  });

  it("a redirect from the checked URL is a download failure, not a second URL", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(
      async () => new Response(null, { status: 302, headers: { location: "https://evil.example/c.pem" } }),
    );
    const body = envelopeJson();
    const { fetchCertChain: _own, ...opts } = optionsFor(chain);
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body), body }, opts))).toBe("CERT_FETCH_FAILED");
  });

  it("fuzz: whatever is accepted is what WHATWG makes of it, a canonical fixed point under /echo.api/", () => {
    const piece = fc.constantFrom(
      ..."/.%2eEcC@:;?#\\ \t\n-_~+=&$!'()*,A0".split(""),
      "%2e",
      "%2E",
      "%2f",
      "%5c",
      "%25",
      "..",
      "./",
      "../",
      "//",
      ":443",
      "echo.api",
      "s3.amazonaws.com",
      "\u3002",
      "é",
    );
    const prefix = fc.constantFrom("https://s3.amazonaws.com", "https://s3.amazonaws.com/echo.api/", "https:", "HTTPS://S3.AMAZONAWS.COM", "");
    fc.assert(
      fc.property(prefix, fc.array(piece, { maxLength: 12 }), (p, parts) => {
        const raw = p + parts.join("");
        let out: string;
        try {
          out = normaliseCertUrl(raw);
        } catch (e) {
          expect(e).toBeInstanceOf(AlexaVerificationError);
          expect((e as AlexaVerificationError).code).toBe("CERT_URL_INVALID");
          return;
        }
        expect(out.startsWith("https://s3.amazonaws.com/echo.api/")).toBe(true);
        expect(new URL(raw).href).toBe(out);
        expect(new URL(out).href).toBe(out);
        expect(normaliseCertUrl(out)).toBe(out);
        expect(new URL(out).pathname).not.toMatch(/[%\\?#@\s]|\/\.\.?(\/|$)|\/\//);
      }),
      { numRuns: 3000 },
    );
  });
});

// ---------------------------------------------------------------------------

describe("signature headers", () => {
  it("a repeated Signature-256 (combined by Headers into `a, b`) never verifies, whichever copy is good", async () => {
    const body = envelopeJson();
    const good = (await signedHeaders(body))["Signature-256"] as string;
    for (const pair of [
      [good, good],
      [good, "AAAA"],
      ["AAAA", good],
    ]) {
      const h = new Headers({ SignatureCertChainUrl: CERT_URL });
      for (const v of pair) h.append("Signature-256", v);
      expect(await outcome(verifyAlexaRequest({ headers: h, body }, optionsFor(chain)))).toBe("SIGNATURE_INVALID");
    }
  });

  it("a repeated SignatureCertChainUrl is refused before any download", async () => {
    const body = envelopeJson();
    const h = new Headers(await signedHeaders(body));
    h.append("SignatureCertChainUrl", CERT_URL);
    const opts = optionsFor(chain);
    expect(await outcome(verifyAlexaRequest({ headers: h, body }, opts))).toBe("CERT_URL_INVALID");
    expect(opts.fetchCertChain.calls).toEqual([]);
  });

  it("Record keys in any case are one header: two spellings are joined and fail, even if one is empty", async () => {
    const body = envelopeJson();
    const h = await signedHeaders(body);
    const good = h["Signature-256"] as string;
    for (const headers of [
      { SignatureCertChainUrl: CERT_URL, "Signature-256": good, "signature-256": "" },
      { SignatureCertChainUrl: CERT_URL, "SIGNATURE-256": "", "Signature-256": good },
      { SignatureCertChainUrl: CERT_URL, signaturecertchainurl: "https://evil.example/c.pem", "Signature-256": good },
    ]) {
      expect(await outcome(verifyAlexaRequest({ headers, body }, optionsFor(chain)))).not.toBe("OK");
    }
    expect(await outcome(verifyAlexaRequest({ headers: { signaturecertchainurl: CERT_URL, "sIgNaTuRe-256": good }, body }, optionsFor(chain)))).toBe("OK");
  });

  it("whitespace: HTTP trims it off a field (Headers), a Record value is taken verbatim and fails", async () => {
    const body = envelopeJson();
    const h = await signedHeaders(body);
    const spaced = { ...h, "Signature-256": ` ${h["Signature-256"]}\t` };
    expect(await outcome(verifyAlexaRequest({ headers: new Headers(spaced), body }, optionsFor(chain)))).toBe("OK");
    expect(await outcome(verifyAlexaRequest({ headers: spaced, body }, optionsFor(chain)))).toBe("SIGNATURE_INVALID");
  });

  it("no downgrade through Headers either: an empty or blank Signature-256 beside a good legacy Signature", async () => {
    const body = envelopeJson();
    const legacy = await signedHeaders(body, { legacy: true });
    for (const sig256 of ["", "   "]) {
      const h = new Headers({ ...legacy, "Signature-256": sig256 });
      expect(await outcome(verifyAlexaRequest({ headers: h, body }, optionsFor(chain, { allowLegacySha1: true })))).toBe(
        "SIGNATURE_INVALID",
      );
    }
  });
});

// ---------------------------------------------------------------------------

describe("certificate chain", () => {
  it("an intermediate with pathLen 0 cannot issue another CA", async () => {
    const k = await testKeys();
    const sub = await createCertificate({
      subject: "CN=Sub CA",
      issuer: { subject: INTER_DN, privateKey: k.inter.privateKey },
      publicKey: k.other.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 100 * DAY),
      isCA: true,
    });
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: "CN=Sub CA", privateKey: k.other.privateKey },
      publicKey: k.leaf.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    expect(await withBundle(leaf.pem + sub.pem + chain.interPem, [chain.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("an attacker's self-signed root with an anchor's exact subject, appended to the bundle, is not an anchor", async () => {
    const k = await testKeys();
    const fakeRoot = await createCertificate({
      subject: ROOT_DN,
      publicKey: k.other.publicKey,
      privateKey: k.other.privateKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 100 * DAY),
      isCA: true,
    });
    const fakeInter = await createCertificate({
      subject: INTER_DN,
      issuer: { subject: ROOT_DN, privateKey: k.other.privateKey },
      publicKey: k.inter.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 100 * DAY),
      isCA: true,
    });
    expect(await withBundle(chain.leafPem + fakeInter.pem + fakeRoot.pem, [chain.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
    // The real root appended as well does not rescue the forged intermediate.
    expect(await withBundle(chain.leafPem + fakeInter.pem + fakeRoot.pem + chain.rootPem, [chain.rootPem])).toBe(
      "CERT_CHAIN_UNTRUSTED",
    );
  });

  it("a leaf copying an anchor's subject and key (but unsigned by it) is only as good as the anchor's private key", async () => {
    // Matching an anchor by subject and key ends the path without a signature check, so the
    // request must still be signed by that key: the attacker signs with their own.
    const k = await testKeys();
    const impostor = await createCertificate({
      subject: ROOT_DN,
      publicKey: k.root.publicKey,
      privateKey: k.other.privateKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      isCA: true,
      keyUsage: ["digitalSignature", "keyCertSign"],
      dnsNames: ["echo-api.amazon.com"],
    });
    const body = envelopeJson();
    const headers = { SignatureCertChainUrl: CERT_URL, "Signature-256": await signBody(k.other.privateKey, body) };
    const opts = optionsFor(chain, { fetchCertChain: servePem(impostor.pem) });
    expect(await outcome(verifyAlexaRequest({ headers, body }, opts))).toBe("SIGNATURE_INVALID");
  });

  it.each([
    ["a trailing dot", ["echo-api.amazon.com."]],
    ["a suffix", ["echo-api.amazon.com.evil.example"]],
    ["a wildcard", ["*.amazon.com"]],
    ["a leading label", ["x.echo-api.amazon.com"]],
    ["an escaped dot", ["echo-api\\.amazon.com"]],
  ])("SAN with %s does not name echo-api.amazon.com", async (_what, dnsNames) => {
    const c = await buildChain({ leaf: { dnsNames } });
    expect(await withBundle(c.chainPem, [c.rootPem])).toBe("CERT_SAN_MISMATCH");
  });

  it("a SAN with a NUL byte (echo-api.amazon.com\\0.evil) makes the leaf unparsable", async () => {
    const c = await buildChain({ leaf: { dnsNames: ["echo-api.amazon.com\u0000.evil.example"] } });
    expect(await withBundle(c.chainPem, [c.rootPem])).toBe("CERT_INVALID");
  });

  it("echo-api.amazon.com in the subject CN only is not enough", async () => {
    const c = await buildChain({ leaf: { subject: "CN=echo-api.amazon.com", dnsNames: ["other.example"] } });
    expect(await withBundle(c.chainPem, [c.rootPem])).toBe("CERT_SAN_MISMATCH");
  });

  it("a bundled anchor copy whose notBefore is in the future is not needed when the anchor itself issues", async () => {
    const k = await testKeys();
    const futureCopy = await createCertificate({
      subject: ROOT_DN,
      publicKey: k.root.publicKey,
      privateKey: k.root.privateKey,
      notBefore: new Date(NOW + DAY),
      notAfter: new Date(NOW + 100 * DAY),
      isCA: true,
    });
    expect(await withBundle(chain.chainPem + futureCopy.pem, [chain.rootPem])).toBe("OK");
  });

  it("1000 certificates or a huge PEM are refused as CERT_INVALID, not parsed for minutes", async () => {
    expect(await withBundle(chain.leafPem + chain.interPem.repeat(999), [chain.rootPem])).toBe("CERT_INVALID");
    const huge = `${chain.leafPem}-----BEGIN CERTIFICATE-----\n${"A".repeat(4 * 1024 * 1024)}\n-----END CERTIFICATE-----\n`;
    expect(await withBundle(huge + chain.interPem, [chain.rootPem])).toBe("OK");
    expect(await withBundle(`${"-".repeat(100_000)}BEGIN CERTIFICATE${"-".repeat(100_000)}`, [chain.rootPem])).toBe("CERT_INVALID");
  });

  it("garbage between PEM blocks and CRLF line ends are fine", async () => {
    const crlf = `junk\r\n${chain.leafPem.replace(/\n/g, "\r\n")}\u0000 more junk ${chain.interPem.replace(/\n/g, "\r\n")}trailer`;
    expect(await withBundle(crlf, [chain.rootPem])).toBe("OK");
  });

  it("a leaf RSA key under 2048 bits is refused (CERT_INVALID), though WebCrypto would use it", async () => {
    const k = await testKeys();
    const weak = await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    );
    if (!("privateKey" in weak)) throw new Error("no key pair");
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: INTER_DN, privateKey: k.inter.privateKey },
      publicKey: weak.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    const body = envelopeJson();
    const headers = { SignatureCertChainUrl: CERT_URL, "Signature-256": await signBody(weak.privateKey, body) };
    const opts = optionsFor(chain, { fetchCertChain: servePem(leaf.pem + chain.interPem) });
    expect(await outcome(verifyAlexaRequest({ headers, body }, opts))).toBe("CERT_INVALID");
    // The measure itself, on the keys at hand.
    const spki = async (key: CryptoKey) => new Uint8Array((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
    expect(rsaModulusBits(await spki(weak.publicKey))).toBe(1024);
    expect(rsaModulusBits(await spki(k.leaf.publicKey))).toBe(2048);
    expect(rsaModulusBits(await spki(k.ecP256.publicKey))).toBe(0);
    expect(rsaModulusBits(Uint8Array.of(0x30, 0x00))).toBe(0);
  });

  it("a 4096-bit leaf key is fine", async () => {
    const k = await testKeys();
    const big = await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 4096, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    );
    if (!("privateKey" in big)) throw new Error("no key pair");
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: INTER_DN, privateKey: k.inter.privateKey },
      publicKey: big.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    const body = envelopeJson();
    const headers = { SignatureCertChainUrl: CERT_URL, "Signature-256": await signBody(big.privateKey, body) };
    const opts = optionsFor(chain, { fetchCertChain: servePem(leaf.pem + chain.interPem) });
    expect(await outcome(verifyAlexaRequest({ headers, body }, opts))).toBe("OK");
  });
});

// ---------------------------------------------------------------------------

describe("body signature", () => {
  it("covers the raw bytes: a BOM or trailing newline must have been signed too", async () => {
    const json = envelopeJson();
    const k = await testKeys();
    const sigOf = async (b: string) => ({ SignatureCertChainUrl: CERT_URL, "Signature-256": await signBody(k.leaf.privateKey, b) });
    expect(await verifySigned(`\uFEFF${json}`, {}, await sigOf(json))).toBe("SIGNATURE_INVALID");
    expect(await verifySigned(`${json}\n`, {}, await sigOf(json))).toBe("SIGNATURE_INVALID");
    expect(await verifySigned(json, {}, await sigOf(`${json}\n`))).toBe("SIGNATURE_INVALID");
    // Signed as sent, both are ordinary UTF-8 JSON.
    expect(await verifySigned(`\uFEFF${json}`)).toBe("OK");
    expect(await verifySigned(`${json}\r\n`)).toBe("OK");
  });

  it("a signature over the re-serialised JSON does not cover the bytes sent", async () => {
    const sent = envelopeJson().replace(/,"/g, ', "');
    const k = await testKeys();
    const headers = { SignatureCertChainUrl: CERT_URL, "Signature-256": await signBody(k.leaf.privateKey, JSON.stringify(JSON.parse(sent))) };
    expect(await verifySigned(sent, {}, headers)).toBe("SIGNATURE_INVALID");
  });

  it("a signed body that is JSON only after lossy UTF-8 decoding is BODY_INVALID", async () => {
    const json = new TextEncoder().encode(envelopeJson({ text: "milk" }));
    const at = new TextDecoder().decode(json).indexOf("milk");
    const bytes = new Uint8Array([...json.subarray(0, at), 0xc0, 0xaf, ...json.subarray(at)]);
    expect(await verifySigned(bytes)).toBe("BODY_INVALID");
  });

  it("base64url, missing padding and non-zero padding bits are refused", async () => {
    const body = envelopeJson();
    const good = (await signedHeaders(body))["Signature-256"] as string;
    expect(good.endsWith("==")).toBe(true); // 256 bytes: two padding characters
    const last = good.charAt(good.length - 3);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const dirty = alphabet.charAt(alphabet.indexOf(last) | 0x01); // same byte for a lenient decoder
    for (const sig of [
      good.replace(/\+/g, "-").replace(/\//g, "_"),
      good.replace(/=+$/, ""),
      `${good.slice(0, -3)}${dirty}==`,
      good.replace(/=+$/, "%3D%3D"),
    ]) {
      if (sig === good) continue;
      expect(await verifySigned(body, {}, { SignatureCertChainUrl: CERT_URL, "Signature-256": sig }), sig).toBe("SIGNATURE_INVALID");
    }
  });
});

// ---------------------------------------------------------------------------

describe("timestamp", () => {
  it.each([
    ["no zone", "2031-03-10T12:00:00"],
    ["lower-case t and z", "2031-03-10t12:00:00z"],
    ["leap second", "2031-03-10T12:00:60Z"],
    ["basic-format offset", "2031-03-10T12:00:00+0000"],
    ["offset out of range", "2031-03-10T12:00:00+24:00"],
    ["expanded year", "+002031-03-10T12:00:00Z"],
    ["five-digit year", "20310-03-10T12:00:00Z"],
    ["Date.parse-lenient text", "Mar 10 2031 12:00:00 GMT"],
    ["RFC 2822", "Mon, 10 Mar 2031 12:00:00 +0000"],
    ["date only", "2031-03-10"],
    ["surrounding space", " 2031-03-10T12:00:00Z"],
    ["trailing newline", "2031-03-10T12:00:00Z\n"],
  ])("%s (%j) is out of range", async (_what, timestamp) => {
    expect(await verifySigned(envelopeJson({ timestamp }))).toBe("TIMESTAMP_OUT_OF_RANGE");
  });

  it.each([
    ["a number", NOW],
    ["an array", [iso(NOW)]],
    ["an object", { toString: iso(NOW) }],
    ["a boolean", true],
  ])("%s is out of range", async (_what, timestamp) => {
    expect(await verifySigned(envelopeJson({ timestamp }))).toBe("TIMESTAMP_OUT_OF_RANGE");
  });

  it("offsets, `-00:00` and nine fractional digits are the same instant", async () => {
    for (const timestamp of ["2031-03-10T13:00:00+01:00", "2031-03-10T12:00:00-00:00", "2031-03-10T07:30:00-04:30", "2031-03-10T12:00:00.999999999Z"]) {
      expect(await verifySigned(envelopeJson({ timestamp })), timestamp).toBe("OK");
    }
  });

  it("the hour-long event window needs the exact prefix and a dot", async () => {
    const old = iso(NOW - 1000_000);
    for (const type of ["AlexaSkillEvent", "AlexaSkillEventX.SkillEnabled", "alexaskillevent.SkillEnabled", " AlexaSkillEvent.SkillEnabled", "AlexaHouseholdListEvent", "Messaging.MessageReceived.", "IntentRequest"]) {
      expect(await verifySigned(envelopeJson({ type, timestamp: old })), type).toBe("TIMESTAMP_OUT_OF_RANGE");
    }
    expect(await verifySigned(envelopeJson({ type: "AlexaSkillEvent.SkillEnabled", timestamp: old }))).toBe("OK");
  });

  it("a non-string request type gets the short window", async () => {
    const body = JSON.stringify({ ...JSON.parse(envelopeJson()), request: { type: ["AlexaSkillEvent.SkillEnabled"], timestamp: iso(NOW - 1000_000) } });
    expect(await verifySigned(body)).toBe("TIMESTAMP_OUT_OF_RANGE");
  });

  it("a missing or non-object request is BODY_INVALID", async () => {
    const base = JSON.parse(envelopeJson()) as Record<string, unknown>;
    for (const request of [undefined, null, "LaunchRequest", [{ type: "LaunchRequest" }]]) {
      expect(await verifySigned(JSON.stringify({ ...base, request })), String(request)).toBe("BODY_INVALID");
    }
  });
});

// ---------------------------------------------------------------------------

describe("skill id", () => {
  const withIds = (context: unknown, session?: unknown): string => {
    const base = JSON.parse(envelopeJson()) as Record<string, unknown>;
    const envelope: Record<string, unknown> = { ...base, context: { System: { application: { applicationId: context }, user: { userId: "u" } } } };
    if (session !== undefined) envelope.session = { application: { applicationId: session } };
    return JSON.stringify(envelope);
  };

  it.each([
    ["an array", [SKILL_ID]],
    ["an object", { toString: SKILL_ID }],
    ["a number", 1],
    ["null", null],
    ["a prefix", SKILL_ID.slice(0, -1)],
    ["a different case", SKILL_ID.toUpperCase()],
    ["padded", ` ${SKILL_ID}`],
  ])("a context applicationId that is %s is a mismatch", async (_what, id) => {
    expect(await verifySigned(withIds(id))).toBe("SKILL_ID_MISMATCH");
  });

  it("context wins: a good session id cannot rescue a present but bad context id, of any type", async () => {
    for (const id of ["amzn1.ask.skill.other", [SKILL_ID], { x: 1 }, 42, null]) {
      expect(await verifySigned(withIds(id, SKILL_ID)), JSON.stringify(id)).toBe("SKILL_ID_MISMATCH");
    }
    // ...while a good context id with another session id is the current format and verifies.
    expect(await verifySigned(withIds(SKILL_ID, "amzn1.ask.skill.other"))).toBe("OK");
  });

  it("prototype keys in the body neither supply an id nor pollute anything", async () => {
    const app = { application: { applicationId: SKILL_ID } };
    const request = JSON.parse(envelopeJson()).request as unknown;
    for (const body of [
      `{"version":"1.0","request":${JSON.stringify(request)},"__proto__":{"context":{"System":${JSON.stringify(app)}}}}`,
      `{"version":"1.0","request":${JSON.stringify(request)},"context":{"__proto__":{"System":${JSON.stringify(app)}}}}`,
      `{"version":"1.0","request":${JSON.stringify(request)},"constructor":{"prototype":{"context":{"System":${JSON.stringify(app)}}}}}`,
    ]) {
      expect(await verifySigned(body)).toBe("SKILL_ID_MISMATCH");
    }
    expect(({} as Record<string, unknown>).context).toBeUndefined();
    expect(({} as Record<string, unknown>).System).toBeUndefined();
  });

  it("a duplicated context key: the parsed (last) one is both checked and returned", async () => {
    const base = envelopeJson();
    const body = `${base.slice(0, -1)},"context":{"System":{"application":{"applicationId":"amzn1.ask.skill.other"}}}}`;
    expect(await verifySigned(body)).toBe("SKILL_ID_MISMATCH");
    const flipped = `{"context":{"System":{"application":{"applicationId":"amzn1.ask.skill.other"}}},${base.slice(1)}`;
    const envelope = await verifyAlexaRequest({ headers: await signedHeaders(flipped), body: flipped }, optionsFor(chain));
    expect(envelope.context?.System?.application?.applicationId).toBe(SKILL_ID);
  });
});

// ---------------------------------------------------------------------------

describe("options fail closed", () => {
  it("a NaN replay tolerance (e.g. Number(undefined) from config) does not switch the window off", async () => {
    const stale = envelopeJson({ timestamp: iso(NOW - 10 * DAY) });
    expect(await verifySigned(stale, { timestampToleranceSec: Number.NaN })).toBe("TIMESTAMP_OUT_OF_RANGE");
    const future = envelopeJson({ timestamp: iso(NOW + 10 * DAY) });
    expect(await verifySigned(future, { timestampToleranceSec: Number.NaN })).toBe("TIMESTAMP_OUT_OF_RANGE");
    const staleEvent = envelopeJson({ type: "AlexaSkillEvent.SkillEnabled", timestamp: iso(NOW - 10 * DAY) });
    expect(await verifySigned(staleEvent, { eventTimestampToleranceSec: Number.NaN })).toBe("TIMESTAMP_OUT_OF_RANGE");
  });

  it("a clock that returns NaN accepts nothing, not even a pinned leaf", async () => {
    expect(await verifySigned(envelopeJson(), { now: () => Number.NaN })).not.toBe("OK");
    const pinned = { trustedRoots: [chain.leafPem], fetchCertChain: servePem(chain.leafPem), now: () => Number.NaN };
    expect(await verifySigned(envelopeJson(), pinned)).not.toBe("OK");
    // Sanity: the pinned leaf does verify under a real clock.
    expect(await verifySigned(envelopeJson(), { ...pinned, now: () => NOW })).toBe("OK");
  });

  it("a NaN body limit refuses instead of allowing any size", async () => {
    const body = envelopeJson();
    expect(await verifySigned(body, { maxBodyBytes: Number.NaN })).toBe("BODY_TOO_LARGE");
    expect(await verifySigned(new TextEncoder().encode(body), { maxBodyBytes: Number.NaN })).toBe("BODY_TOO_LARGE");
  });
});

// ---------------------------------------------------------------------------

describe("chain cache", () => {
  it("a failed validation for URL A does not affect URL B, concurrently or after", async () => {
    const a = `${CERT_URL}-a`;
    const b = `${CERT_URL}-b`;
    const fetchCertChain = servePem(async () => "");
    const routed = Object.assign(
      async (url: string) => {
        fetchCertChain.calls.push(url);
        if (url === a) throw new Error("down");
        return chain.chainPem;
      },
      { calls: fetchCertChain.calls },
    );
    const opts = optionsFor(chain, { fetchCertChain: routed });
    const body = envelopeJson();
    const [ra, rb] = await Promise.all([
      outcome(verifyAlexaRequest({ headers: await signedHeaders(body, { url: a }), body }, opts)),
      outcome(verifyAlexaRequest({ headers: await signedHeaders(body, { url: b }), body }, opts)),
    ]);
    expect([ra, rb]).toEqual(["CERT_FETCH_FAILED", "OK"]);
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body, { url: a }), body }, opts))).toBe("CERT_FETCH_FAILED");
    expect(cachedChainCount()).toBe(1);
  });

  it("a chain good for URL A is not reused for URL B serving another file", async () => {
    const bad = await buildChain({ leaf: { dnsNames: ["evil.example"] } });
    const a = `${CERT_URL}-good`;
    const fetchCertChain = Object.assign(async (url: string) => (url === a ? chain.chainPem : bad.chainPem), { calls: [] as string[] });
    const opts = optionsFor(chain, { fetchCertChain });
    const body = envelopeJson();
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body, { url: a }), body }, opts))).toBe("OK");
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body, { url: `${CERT_URL}-bad` }), body }, opts))).toBe(
      "CERT_SAN_MISMATCH",
    );
  });

  it("anchor sets that join to the same text are still different sets", async () => {
    // [rootPem] and a split copy whose pieces hold no whole certificate join to the same string.
    const cut = chain.rootPem.lastIndexOf("\n-----END");
    const split = [chain.rootPem.slice(0, cut), chain.rootPem.slice(cut + 1)];
    expect(split.join("\n")).toBe(chain.rootPem);
    expect(split.flatMap((p) => pemCertificates(p))).toEqual([]);
    expect(await withBundle(chain.chainPem, [chain.rootPem])).toBe("OK");
    expect(await withBundle(chain.chainPem, split)).toBe("CERT_CHAIN_UNTRUSTED");
    // And without clearing the chain cache in between.
    const opts = optionsFor(chain);
    const body = envelopeJson();
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body), body }, opts))).toBe("OK");
    expect(await outcome(verifyAlexaRequest({ headers: await signedHeaders(body), body }, { ...opts, trustedRoots: split }))).toBe(
      "CERT_CHAIN_UNTRUSTED",
    );
  });

  it("concurrent first requests whose download fails all fail, and the next one downloads again", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let down = true;
    const fetchCertChain = servePem(async () => {
      await gate;
      if (down) throw new Error("down");
      return chain.chainPem;
    });
    const opts = optionsFor(chain, { fetchCertChain });
    const body = envelopeJson();
    const headers = await signedHeaders(body);
    const pending = Array.from({ length: 8 }, () => outcome(verifyAlexaRequest({ headers, body }, opts)));
    release();
    expect(new Set(await Promise.all(pending))).toEqual(new Set(["CERT_FETCH_FAILED"]));
    down = false;
    expect(await outcome(verifyAlexaRequest({ headers, body }, opts))).toBe("OK");
    expect(fetchCertChain.calls).toHaveLength(2);
  });

  it("an entry is not served past its leaf's notAfter, even under concurrent revalidation", async () => {
    const short = await buildChain({ leaf: { notAfter: new Date(NOW + 1000) } });
    let t = NOW;
    const opts = optionsFor(short, { now: () => t });
    const body = envelopeJson();
    const headers = await signedHeaders(body);
    expect(await outcome(verifyAlexaRequest({ headers, body }, opts))).toBe("OK");
    t = NOW + 2000;
    const later = envelopeJson({ timestamp: iso(t) });
    const laterHeaders = await signedHeaders(later);
    const results = await Promise.all([1, 2, 3].map(() => outcome(verifyAlexaRequest({ headers: laterHeaders, body: later }, opts))));
    expect(results).toEqual(["CERT_EXPIRED", "CERT_EXPIRED", "CERT_EXPIRED"]);
  });
});

// ---------------------------------------------------------------------------

describe("fuzz: only DerError from the DER reader, only AlexaVerificationError from the verifier", () => {
  /** Walks every element, reading each primitive with every reader that could apply. */
  function walk(t: Tlv, depth = 0): void {
    if (depth > 64) return;
    if (t.tag & 0x20) {
      for (const c of children(t)) walk(c, depth + 1);
      return;
    }
    // Each reader on these content octets, whatever tag they came with.
    const readers: [(t: Tlv) => unknown, number][] = [
      [readIntegerBytes, 0x02],
      [readSmallInt, 0x02],
      [readBoolean, 0x01],
      [readOid, 0x06],
      [readBitString, 0x03],
      [readTime, 0x17],
      [readTime, 0x18],
    ];
    for (const [read, tag] of readers) {
      try {
        read({ ...t, tag });
      } catch (e) {
        if (!(e instanceof DerError)) throw e;
      }
    }
  }

  const onlyDerError = (f: () => void): void => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DerError);
    }
  };

  it("random bytes through parseDer, every nested element and every primitive reader", () => {
    const der = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      // Biased towards well-formed headers so the walk goes deep.
      fc.array(fc.tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0xa3, 0x02, 0x03, 0x04, 0x05, 0x06, 0x01, 0x17, 0x18, 0x0c), fc.uint8Array({ maxLength: 40 })), { maxLength: 12 }).map(
        (parts) => {
          const out: number[] = [];
          for (const [tag, v] of parts) out.push(tag, v.length, ...v);
          return Uint8Array.of(0x30, ...(out.length < 128 ? [out.length] : [0x82, out.length >> 8, out.length & 0xff]), ...out);
        },
      ),
    );
    fc.assert(
      fc.property(der, (bytes) => {
        onlyDerError(() => walk(parseDer(bytes)));
        onlyDerError(() => parseCertificate(bytes));
      }),
      { numRuns: 4000 },
    );
  });

  it("mutations of real certificates (RSA leaf and CA, EC CA, Amazon roots) parse or throw DerError", async () => {
    const k = await testKeys();
    const ec = await createCertificate({
      subject: "CN=EC CA",
      publicKey: k.ecP384.publicKey,
      privateKey: k.ecP384.privateKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      isCA: true,
      pathLen: 3,
    });
    const seeds = [derOf(chain.leafPem), derOf(chain.interPem), derOf(chain.rootPem), ec.der, ...DEFAULT_TRUSTED_ROOTS.map(derOf)];
    const mutation = fc.oneof(
      fc.record({ op: fc.constant("set" as const), pos: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant("insert" as const), pos: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant("delete" as const), pos: fc.nat(), value: fc.constant(0) }),
      fc.record({ op: fc.constant("flip-length" as const), pos: fc.nat(), value: fc.integer({ min: -2, max: 2 }) }),
    );
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (seed, edits) => {
        const bytes = [...(seeds[seed] as Uint8Array)];
        for (const { op, pos, value } of edits) {
          const i = pos % bytes.length;
          if (op === "set") bytes[i] = value;
          else if (op === "insert") bytes.splice(i, 0, value);
          else if (op === "delete") bytes.splice(i, 1);
          else bytes[i] = ((bytes[i] as number) + value) & 0xff;
        }
        const der = Uint8Array.from(bytes);
        onlyDerError(() => parseCertificate(der));
        onlyDerError(() => walk(parseDer(der)));
      }),
      { numRuns: 4000 },
    );
  });

  it("mutated bundles through verifyAlexaRequest: a chain-stage code, never OK, never a masked bug", async () => {
    const body = envelopeJson();
    const headers = await signedHeaders(body);
    const leaf = derOf(chain.leafPem);
    const inter = derOf(chain.interPem);
    const allowed = new Set(["CERT_INVALID", "CERT_EXPIRED", "CERT_SAN_MISMATCH", "CERT_CHAIN_UNTRUSTED", "SIGNATURE_INVALID"]);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        async (mutateLeaf, edits) => {
          const target = Uint8Array.from(mutateLeaf ? leaf : inter);
          for (const [pos, xor] of edits) target[pos % target.length] = (target[pos % target.length] as number) ^ xor;
          const bundle = mutateLeaf ? toPem(target) + chain.interPem : chain.leafPem + toPem(target);
          clearCertificateCache();
          const code = await outcome(verifyAlexaRequest({ headers, body }, optionsFor(chain, { fetchCertChain: servePem(bundle) })));
          expect(allowed.has(code), code).toBe(true);
        },
      ),
      { numRuns: 600 },
    );
  });

  it("random downloader output is CERT_* only", async () => {
    const body = envelopeJson();
    const headers = await signedHeaders(body);
    const text = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ maxLength: 300 }).map((s) => `-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----\n`),
      fc.uint8Array({ maxLength: 300 }).map((b) => toPem(b)),
    );
    await fc.assert(
      fc.asyncProperty(text, async (pem) => {
        clearCertificateCache();
        const code = await outcome(verifyAlexaRequest({ headers, body }, optionsFor(chain, { fetchCertChain: servePem(pem) })));
        expect(code).toBe("CERT_INVALID");
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------

describe("POST /alexa under abuse", () => {
  const pki = inject("alexaPki");
  const CHAIN_URL = `${pki.origin}/echo.api/chain.pem`;
  let leafKey: CryptoKey;
  beforeAll(async () => {
    leafKey = await importPrivateKeyPkcs8Pem(pki.leafKeyPem);
  });
  beforeEach(() => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });

  const launch = (): string =>
    JSON.stringify({
      version: "1.0",
      context: { System: { application: { applicationId: "amzn1.ask.skill.test-skill" }, user: { userId: "amzn1.ask.account.ADV" } } },
      request: { type: "LaunchRequest", requestId: "amzn1.echo-api.request.adv", timestamp: new Date().toISOString(), locale: "en-US" },
    });
  const signed = async (body: string): Promise<Record<string, string>> => ({
    SignatureCertChainUrl: CHAIN_URL,
    "Signature-256": await signBody(leafKey, body),
  });
  const call = (init: RequestInit, path = "/alexa"): Promise<Response> => exports.default.fetch(`http://bridge${path}`, init);

  /** A stream of `n` chunks of `size` bytes, then an optional error. */
  function stream(n: number, size: number, error?: Error): ReadableStream<Uint8Array> {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent < n) {
          sent++;
          c.enqueue(new Uint8Array(size).fill(0x20));
        } else if (error) c.error(error);
        else c.close();
      },
    });
  }

  it("GET, HEAD, PUT, DELETE, OPTIONS /alexa are 404 JSON, not 5xx", async () => {
    for (const method of ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const res = await call({ method });
      expect(res.status, method).toBe(404);
      await res.arrayBuffer();
    }
  });

  it("POST without a body, or with an empty one, is a 400 with a code (even when the empty body is validly signed)", async () => {
    for (const body of [null, ""]) {
      const unsigned = await call({ method: "POST", body, headers: await signed("x") });
      expect(unsigned.status).toBe(400);
      expect(await unsigned.json()).toEqual({ error: "SIGNATURE_INVALID" });
      const res = await call({ method: "POST", body, headers: await signed("") });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "BODY_INVALID" });
    }
  });

  it("Content-Length lies: a small declared length with a huge chunked body is 413; a huge declared length is 413 unread", async () => {
    const big = await call({ method: "POST", headers: { ...(await signed("x")), "content-length": "10" }, body: stream(300, 1024) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: "BODY_TOO_LARGE" });
    const body = launch();
    const lie = await call({ method: "POST", headers: { ...(await signed(body)), "content-length": String(10 * 1024 * 1024) }, body });
    // The declared length is believed when it is over the cap: refused before reading a byte.
    expect(lie.status).toBe(413);
    expect(await lie.json()).toEqual({ error: "BODY_TOO_LARGE" });
  });

  it("a chunked body of many small pieces verifies; one just over the cap is 413", async () => {
    const body = launch();
    const bytes = new TextEncoder().encode(body);
    const pieces = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7));
        c.close();
      },
    });
    const ok = await call({ method: "POST", headers: await signed(body), body: pieces });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const over = await call({ method: "POST", headers: await signed(body), body: stream(256, 1024 + 1) });
    expect(over.status).toBe(413);
    await over.arrayBuffer();
  });

  it("a body stream that errors midway is a 400, not a 5xx or a throw", async () => {
    // Straight into the handler: through exports.default.fetch the error would stay on the client side.
    const request = new Request("http://bridge/alexa", {
      method: "POST",
      headers: await signed("x"),
      body: stream(3, 100, new Error("connection reset")),
    });
    const res = await handleAlexaRequest(request, env);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "BODY_INVALID" });
  });

  it("hostile header values on a valid body: always 4xx", async () => {
    const body = launch();
    const good = await signed(body);
    for (const headers of [
      { ...good, SignatureCertChainUrl: `${pki.origin}/echo.api/../echo.api/chain.pem?x` },
      { ...good, SignatureCertChainUrl: `${pki.origin}/echo.api/garbage.pem` },
      { ...good, SignatureCertChainUrl: `${pki.origin}/echo.api/missing.pem` },
      { ...good, SignatureCertChainUrl: `https://s3.amazonaws.com/echo.api/chain.pem` },
      { ...good, SignatureCertChainUrl: "x".repeat(8000) },
      { ...good, "Signature-256": "A".repeat(8000) },
      { ...good, "Signature-256": `${good["Signature-256"]}, ${good["Signature-256"]}` },
    ]) {
      const res = await call({ method: "POST", headers, body });
      expect(res.status).toBe(400);
      expect(Object.keys((await res.json()) as object)).toEqual(["error"]);
    }
  });
});
