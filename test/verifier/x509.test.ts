/**
 * The X.509 field extractor, on test-PKI certificates and on the bundled
 * Amazon roots; malformed certificates only ever throw DerError.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createCertificate } from "../../emulator/pki.ts";
import { pemCertificates } from "../../src/verifier/base64.ts";
import { DerError } from "../../src/verifier/der.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../../src/verifier/roots.ts";
import { type Certificate, parseCertificate } from "../../src/verifier/x509.ts";
import { type Chain, DAY, NOW, buildChain, testKeys } from "./fixtures.ts";

const der = (pem: string): Uint8Array => pemCertificates(pem)[0] as Uint8Array;
const cn = (name: Uint8Array): string => new TextDecoder().decode(name);

let chain: Chain;
let leafDer: Uint8Array;
beforeAll(async () => {
  chain = await buildChain();
  leafDer = der(chain.leafPem);
});

describe("parseCertificate", () => {
  it("extracts the leaf's fields", () => {
    const leaf = parseCertificate(leafDer);
    expect(leaf.der).toBe(leafDer);
    expect(leaf.signatureAlgorithm).toEqual({ kind: "RSA", hash: "SHA-256" });
    expect(leaf.publicKeyAlgorithm).toEqual({ kind: "RSA" });
    expect(leaf.notBefore).toBe(Math.floor((NOW - 30 * DAY) / 1000) * 1000);
    expect(leaf.notAfter).toBe(Math.floor((NOW + 60 * DAY) / 1000) * 1000);
    expect(leaf.dnsNames).toEqual(["echo-api.amazon.com"]);
    expect(leaf.basicConstraints).toEqual({ cA: false });
    expect([...(leaf.keyUsage ?? [])]).toEqual(["digitalSignature"]);
    expect(leaf.unknownCriticalExtensions).toEqual([]);
    expect(cn(leaf.subject)).toContain("echo-api.amazon.com");
    expect(cn(leaf.issuer)).toContain("Verifier Test Intermediate");
    expect(leaf.signatureValue.length).toBe(256);
    // tbs is a prefix-free slice of the certificate, right after the outer header.
    expect(leafDer.subarray(4, 4 + leaf.tbs.length)).toEqual(leaf.tbs);
  });

  it("the intermediate's CA fields and the issuer/subject link", () => {
    const inter = parseCertificate(der(chain.interPem));
    const leaf = parseCertificate(leafDer);
    expect(inter.basicConstraints).toEqual({ cA: true, pathLen: 0 });
    expect(new Set(inter.keyUsage)).toEqual(new Set(["keyCertSign", "cRLSign"]));
    expect(inter.subject).toEqual(leaf.issuer);
    expect(inter.dnsNames).toEqual([]);
  });

  it("absent optional extensions stay absent", async () => {
    const k = await testKeys();
    const bare = await createCertificate({
      subject: "CN=bare",
      publicKey: k.ecP384.publicKey,
      privateKey: k.ecP384.privateKey,
      notBefore: new Date(NOW),
      notAfter: new Date(NOW + DAY),
      omitBasicConstraints: true,
      keyUsage: [],
      extraExtensions: [{ oid: "1.2.3.4", critical: true, value: Uint8Array.of(5, 0) }],
    });
    const c = parseCertificate(bare.der);
    expect(c.basicConstraints).toBeUndefined();
    expect(c.keyUsage).toBeUndefined();
    expect(c.publicKeyAlgorithm).toEqual({ kind: "EC", curve: "P-384" });
    expect(c.signatureAlgorithm).toEqual({ kind: "ECDSA", hash: "SHA-384" });
    expect(c.unknownCriticalExtensions).toEqual(["1.2.3.4"]);
  });

  it("parses the five bundled Amazon/Starfield roots", () => {
    const roots: Certificate[] = DEFAULT_TRUSTED_ROOTS.map((p) => parseCertificate(der(p)));
    expect(roots.map((r) => r.publicKeyAlgorithm)).toEqual([
      { kind: "RSA" },
      { kind: "RSA" },
      { kind: "EC", curve: "P-256" },
      { kind: "EC", curve: "P-384" },
      { kind: "RSA" },
    ]);
    expect(roots.map((r) => r.signatureAlgorithm)).toEqual([
      { kind: "RSA", hash: "SHA-256" },
      { kind: "RSA", hash: "SHA-384" },
      { kind: "ECDSA", hash: "SHA-256" },
      { kind: "ECDSA", hash: "SHA-384" },
      { kind: "RSA", hash: "SHA-256" },
    ]);
    for (const r of roots) {
      expect(r.basicConstraints?.cA).toBe(true);
      expect(r.subject).toEqual(r.issuer);
      expect(r.notAfter).toBeGreaterThan(Date.parse("2037-01-01"));
    }
  });

  it("refuses an outer algorithm that differs from the signed one", () => {
    const bytes = new Uint8Array(leafDer);
    // The outer AlgorithmIdentifier follows tbs; flip its last OID byte (…01 0b → …01 0c).
    const tbsEnd = 4 + parseCertificate(leafDer).tbs.length;
    const oidLast = tbsEnd + 2 + 2 + 8;
    expect(bytes[oidLast]).toBe(0x0b);
    bytes[oidLast] = 0x0c;
    expect(() => parseCertificate(bytes)).toThrow(/mismatch/);
  });

  it("every truncation throws DerError", () => {
    for (let n = 0; n < leafDer.length; n++) {
      expect(() => parseCertificate(leafDer.subarray(0, n)), `length ${n}`).toThrow(DerError);
    }
  });

  it("random byte changes parse or throw DerError, never anything else", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = new Uint8Array(leafDer);
        for (const [pos, value] of edits) bytes[pos % bytes.length] = value;
        try {
          parseCertificate(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DerError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("arbitrary bytes throw DerError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(() => parseCertificate(bytes)).toThrow(DerError);
      }),
      { numRuns: 1000 },
    );
  });
});
