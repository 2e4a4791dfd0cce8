/** Strict base64 and PEM bundle extraction. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64, pemCertificates } from "../../src/verifier/base64.ts";

const toB64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

describe("decodeBase64", () => {
  it("round-trips every length (agrees with btoa)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        if (bytes.length === 0) return;
        expect(decodeBase64(toB64(bytes))).toEqual(bytes);
      }),
    );
  });

  it.each([
    ["empty", ""],
    ["missing padding", "AQI"],
    ["too much padding", "AQ==="],
    ["padding in the middle", "AQ==AQI="],
    ["non-zero bits under padding (=)", "AQJ="],
    ["non-zero bits under padding (==)", "AR=="],
    ["URL-safe alphabet", "-_-_"],
    ["whitespace", "AQI= "],
    ["newline inside", "AQ\nI="],
    ["non-ASCII", "AQé="],
    ["three pads", "A==="],
  ])("refuses %s", (_name, text) => {
    expect(decodeBase64(text)).toBeNull();
  });

  it("gives every byte string exactly one accepted spelling", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(63), (bytes, pos, char) => {
        const text = toB64(bytes);
        const i = pos % text.length;
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const mutated = text.slice(0, i) + alphabet[char] + text.slice(i + 1);
        if (mutated === text) return;
        const decoded = decodeBase64(mutated);
        // Either refused, or different bytes: never the same bytes under another spelling.
        if (decoded) expect(decoded).not.toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("pemCertificates", () => {
  it("extracts every block in order, ignoring text around them and line breaks inside", () => {
    const bundle = "subject=x\n-----BEGIN CERTIFICATE-----\nAQ\r\nI=\n-----END CERTIFICATE-----\nnoise\n-----BEGIN CERTIFICATE-----\nAw==\n-----END CERTIFICATE-----";
    expect(pemCertificates(bundle)).toEqual([Uint8Array.of(1, 2), Uint8Array.of(3)]);
  });

  it("keeps a null in place of a block with bad base64", () => {
    expect(pemCertificates("-----BEGIN CERTIFICATE-----\n***\n-----END CERTIFICATE-----")).toEqual([null]);
  });

  it("ignores other PEM types and unterminated blocks", () => {
    expect(pemCertificates("-----BEGIN PRIVATE KEY-----\nAQI=\n-----END PRIVATE KEY-----")).toEqual([]);
    expect(pemCertificates("-----BEGIN CERTIFICATE-----\nAQI=\n")).toEqual([]);
    expect(pemCertificates("")).toEqual([]);
  });
});
