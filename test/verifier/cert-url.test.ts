/**
 * SignatureCertChainUrl normalisation and checks: Amazon's documented
 * examples, traversal tricks, and the "checked URL is the fetched URL" rule.
 */
import { describe, expect, it } from "vitest";
import { normaliseCertUrl } from "../../src/verifier/cert-url.ts";
import { AlexaVerificationError } from "../../src/verifier/errors.ts";

const ok = (raw: string, origin?: string): string => normaliseCertUrl(raw, origin);
const code = (raw: string, origin?: string): string => {
  try {
    normaliseCertUrl(raw, origin);
    return "OK";
  } catch (e) {
    return e instanceof AlexaVerificationError ? e.code : `THREW ${String(e)}`;
  }
};

describe("Amazon's documented examples", () => {
  it.each([
    ["https://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"],
    ["https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"],
    ["https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"],
  ])("valid: %s", (raw, normalised) => {
    expect(ok(raw)).toBe(normalised);
  });

  it.each([
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
  ])("invalid: %s", (raw) => {
    expect(code(raw)).toBe("CERT_URL_INVALID");
  });
});

describe("normalisation", () => {
  it.each([
    ["HTTPS://S3.AMAZONAWS.COM/echo.api/x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
    ["hTtPs://s3.AmazonAWS.com:443/echo.api/x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
    ["https://s3.amazonaws.com/echo.api/./x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
    ["https://s3.amazonaws.com/echo.api/%2e/x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
    ["https://s3.amazonaws.com/other/%2e%2e/echo.api/x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
    ["https://s3.amazonaws.com/other/.%2E/echo.api/x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
    ["https://s3.amazonaws.com/echo.api/sub/../x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
    ["https://s3.amazonaws.com/../echo.api/x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
    // A zero-padded port is still 443; the URL fetched is the normalised one.
    ["https://s3.amazonaws.com:0443/echo.api/x.pem", "https://s3.amazonaws.com/echo.api/x.pem"],
  ])("%s -> %s", (raw, normalised) => {
    expect(ok(raw)).toBe(normalised);
  });
});

describe("traversal and smuggling tricks", () => {
  it.each([
    // Dot segments that leave /echo.api/ (the flaw in popular libraries).
    "https://s3.amazonaws.com/echo.api/../attacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/%2e%2e/attacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/%2E%2E/attacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/.%2e/attacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/x/../../attacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/..",
    // Encoded separators and double encoding survive WHATWG parsing: refused.
    "https://s3.amazonaws.com/echo.api/%2E%2E%2Fattacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/..%2fattacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/%5c..%5cattacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/%252e%252e/attacker/cert.pem",
    "https://s3.amazonaws.com/echo.api/%65cho.pem",
    // Backslashes (WHATWG turns them into slashes for https).
    "https://s3.amazonaws.com/echo.api\\..\\attacker\\cert.pem",
    "https://s3.amazonaws.com\\echo.api\\cert.pem",
    // Double slashes and empty segments.
    "https://s3.amazonaws.com//echo.api/cert.pem",
    "https://s3.amazonaws.com/echo.api//cert.pem",
    "https://s3.amazonaws.com/echo.api/",
    "https://s3.amazonaws.com/echo.api/dir/",
    "https://s3.amazonaws.com/echo.api",
    // Userinfo, with and without a host confusion.
    "https://user@s3.amazonaws.com/echo.api/cert.pem",
    "https://user:pass@s3.amazonaws.com/echo.api/cert.pem",
    "https://s3.amazonaws.com@evil.example/echo.api/cert.pem",
    "https://:@s3.amazonaws.com/echo.api/cert.pem",
    "https://evil.example#@s3.amazonaws.com/echo.api/cert.pem",
    // Query and fragment, even empty.
    "https://s3.amazonaws.com/echo.api/cert.pem?",
    "https://s3.amazonaws.com/echo.api/cert.pem?x=1",
    "https://s3.amazonaws.com/echo.api/cert.pem#frag",
    "https://evil.example/?https://s3.amazonaws.com/echo.api/cert.pem",
    // Hosts and ports.
    "https://s3.amazonaws.com.evil.example/echo.api/cert.pem",
    "https://evil.example/s3.amazonaws.com/echo.api/cert.pem",
    "https://s3.amazonaws.com./echo.api/cert.pem",
    "https://s3.amazonaws.com:80/echo.api/cert.pem",
    "https://s3.amazonaws.com:8443/echo.api/cert.pem",
    "https://54.231.0.1/echo.api/cert.pem",
    // Schemes.
    "ftp://s3.amazonaws.com/echo.api/cert.pem",
    "file:///echo.api/cert.pem",
    "//s3.amazonaws.com/echo.api/cert.pem",
    "s3.amazonaws.com/echo.api/cert.pem",
    "/echo.api/cert.pem",
    // Whitespace, control and non-ASCII characters (WHATWG would silently strip tabs/newlines).
    " https://s3.amazonaws.com/echo.api/cert.pem",
    "https://s3.amazonaws.com/echo.api/cert.pem ",
    "https://s3.amazonaws.com/echo.api/ce\trt.pem",
    "https://s3.amazonaws.com/echo.api/ce\nrt.pem",
    "https://s3.amazonaws.com/echo.api/cert\u0000.pem",
    "https://ｓ3.amazonaws.com/echo.api/cert.pem",
    "https://s3.amazonaws.com/echo.api/cért.pem",
    "",
    "not a url",
    `https://s3.amazonaws.com/echo.api/${"a".repeat(2100)}`,
  ])("refuses %j", (raw) => {
    expect(code(raw)).toBe("CERT_URL_INVALID");
  });
});

describe("certOrigin", () => {
  const local = "http://127.0.0.1:8790";

  it("accepts only that exact scheme, host and port", () => {
    expect(ok("http://127.0.0.1:8790/echo.api/chain.pem", local)).toBe("http://127.0.0.1:8790/echo.api/chain.pem");
    expect(code("http://127.0.0.1:8791/echo.api/chain.pem", local)).toBe("CERT_URL_INVALID");
    expect(code("http://127.0.0.1/echo.api/chain.pem", local)).toBe("CERT_URL_INVALID");
    expect(code("https://127.0.0.1:8790/echo.api/chain.pem", local)).toBe("CERT_URL_INVALID");
    expect(code("http://localhost:8790/echo.api/chain.pem", local)).toBe("CERT_URL_INVALID");
    expect(code("https://s3.amazonaws.com/echo.api/chain.pem", local)).toBe("CERT_URL_INVALID");
  });

  it("still requires the /echo.api/ path", () => {
    expect(code("http://127.0.0.1:8790/other/chain.pem", local)).toBe("CERT_URL_INVALID");
  });

  it("an unparsable origin accepts nothing", () => {
    expect(code("https://s3.amazonaws.com/echo.api/chain.pem", "not an origin")).toBe("CERT_URL_INVALID");
  });
});

describe("properties", () => {
  it("whatever it accepts is a fixed point on the configured origin under /echo.api/", () => {
    const samples = [
      "https://s3.amazonaws.com/echo.api/../echo.api/a.pem",
      "HTTPS://S3.AMAZONAWS.COM:443/x/%2e%2e/echo.api/./b.pem",
      "https://s3.amazonaws.com/echo.api/c/d/e.pem",
    ];
    for (const raw of samples) {
      const n = ok(raw);
      expect(ok(n)).toBe(n);
      expect(n.startsWith("https://s3.amazonaws.com/echo.api/")).toBe(true);
      expect(new URL(n).href).toBe(n);
    }
  });
});

describe("memo", () => {
  it("answers are the same on every call, past the memo's bound too; rejections stay rejections", () => {
    const urls = Array.from({ length: 40 }, (_, i) => `https://S3.amazonaws.com:443/echo.api/../echo.api/c${i}.pem`);
    const first = urls.map((u) => normaliseCertUrl(u));
    expect(first[7]).toBe("https://s3.amazonaws.com/echo.api/c7.pem");
    expect(urls.map((u) => normaliseCertUrl(u))).toEqual(first);
    for (let i = 0; i < 3; i++) {
      expect(() => normaliseCertUrl("https://s3.amazonaws.com/echo.api/../attacker/cert.pem")).toThrow(/path must start/);
    }
    // The same raw URL under another origin is checked afresh, not taken from the memo.
    expect(() => normaliseCertUrl(urls[0] as string, "http://127.0.0.1:8790")).toThrow(/wrong scheme, host or port/);
  });
});
