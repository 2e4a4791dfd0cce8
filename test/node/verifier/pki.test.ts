/**
 * The emulator's test PKI, checked against an independent X.509 implementation
 * (Node's OpenSSL-backed `crypto.X509Certificate`).
 */
import { X509Certificate, createPublicKey, createVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createCertificate,
  createTestPki,
  exportPrivateKeyPkcs8Pem,
  generateKeyPair,
  importPrivateKeyPkcs8Pem,
  signBody,
} from "../../../emulator/pki.ts";

describe("createTestPki", () => {
  it("builds root -> intermediate -> leaf that OpenSSL accepts", async () => {
    const pki = await createTestPki({ now: new Date("2030-06-01T00:00:00Z"), validDays: 30 });
    const root = new X509Certificate(pki.rootPem);
    const inter = new X509Certificate(pki.intermediatePem);
    const leaf = new X509Certificate(pki.leafPem);

    expect(root.ca).toBe(true);
    expect(inter.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(root.checkIssued(root)).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(inter.checkIssued(root)).toBe(true);
    expect(inter.verify(root.publicKey)).toBe(true);
    expect(leaf.checkIssued(inter)).toBe(true);
    expect(leaf.verify(inter.publicKey)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(false);
    expect(leaf.subjectAltName).toBe("DNS:echo-api.amazon.com");
    expect(leaf.subject).toContain("CN=echo-api.amazon.com");
    expect(new Date(leaf.validFrom).toISOString()).toBe("2030-05-31T00:00:00.000Z");
    expect(new Date(leaf.validTo).toISOString()).toBe("2030-07-01T00:00:00.000Z");
    expect(leaf.keyUsage ?? []).toEqual([]); // Node lists extended key usage only
    expect(pki.chainPem).toBe(pki.leafPem + pki.intermediatePem);
  });

  it("signs bodies with SHA-256 and SHA-1 keys that verify against the leaf", async () => {
    const pki = await createTestPki({ dnsNames: ["a.example", "echo-api.amazon.com"] });
    const leaf = new X509Certificate(pki.leafPem);
    expect(leaf.subjectAltName).toBe("DNS:a.example, DNS:echo-api.amazon.com");
    const body = '{"text":"Pokémon ✓"}';
    const sig256 = await signBody(pki.leafKey, body);
    const sig1 = await signBody(pki.leafKeySha1, new TextEncoder().encode(body));
    expect(createVerify("RSA-SHA256").update(Buffer.from(body, "utf8")).verify(leaf.publicKey, sig256, "base64")).toBe(true);
    expect(createVerify("RSA-SHA1").update(Buffer.from(body, "utf8")).verify(leaf.publicKey, sig1, "base64")).toBe(true);
    expect(createVerify("RSA-SHA256").update(Buffer.from(body + " ", "utf8")).verify(leaf.publicKey, sig256, "base64")).toBe(false);
  });
});

describe("createCertificate", () => {
  it("writes ECDSA P-256 and P-384 signatures, far-future GeneralizedTime and SHA-1 RSA signatures", async () => {
    const p384 = await generateKeyPair("EC-P384");
    const p256 = await generateKeyPair("EC-P256");
    const rsa = await generateKeyPair("RSA-2048");
    const root = await createCertificate({
      subject: "CN=EC Root,O=Test,C=US",
      publicKey: p384.publicKey,
      privateKey: p384.privateKey,
      notBefore: new Date("2020-01-01T00:00:00Z"),
      notAfter: new Date("2060-01-01T00:00:00Z"),
      isCA: true,
      serial: 0x80n,
    });
    const mid = await createCertificate({
      subject: "EC Mid",
      issuer: { subject: "CN=EC Root,O=Test,C=US", privateKey: p384.privateKey },
      publicKey: p256.publicKey,
      notBefore: new Date("2020-01-01T00:00:00Z"),
      notAfter: new Date("2059-01-01T00:00:00Z"),
      isCA: true,
    });
    const leaf = await createCertificate({
      subject: "RSA leaf",
      issuer: { subject: "CN=EC Mid", privateKey: p256.privateKey },
      publicKey: rsa.publicKey,
      notBefore: new Date("2020-01-01T00:00:00Z"),
      notAfter: new Date("2049-12-31T23:59:59Z"),
    });
    const sha1Self = await createCertificate({
      subject: "Legacy",
      publicKey: rsa.publicKey,
      privateKey: rsa.privateKey,
      sigAlg: "sha1WithRSAEncryption",
      notBefore: new Date("2010-01-01T00:00:00Z"),
      notAfter: new Date("2011-01-01T00:00:00Z"),
      omitBasicConstraints: true,
    });
    const r = new X509Certificate(root.der);
    const m = new X509Certificate(mid.pem);
    const l = new X509Certificate(leaf.pem);
    const s = new X509Certificate(sha1Self.pem);
    expect(r.serialNumber).toBe("80");
    expect(r.raw.toString("hex")).toContain("a0030201020202" + "0080"); // v3, positive serial gets a 0x00 pad
    expect(r.subject.split("\n")).toEqual(["CN=EC Root", "O=Test", "C=US"]);
    expect(m.verify(r.publicKey)).toBe(true);
    expect(m.checkIssued(r)).toBe(true);
    expect(l.verify(m.publicKey)).toBe(true);
    expect(new Date(r.validTo).toISOString()).toBe("2060-01-01T00:00:00.000Z");
    expect(new Date(l.validTo).toISOString()).toBe("2049-12-31T23:59:59.000Z");
    expect(s.verify(s.publicKey)).toBe(true);
    expect(s.ca).toBe(false);
    expect(s.raw.toString("hex")).toContain("06092a864886f70d0101050500"); // sha1WithRSAEncryption
    expect(r.publicKey.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
  });

  it("refuses a certificate with no signer", async () => {
    const k = await generateKeyPair("EC-P256");
    await expect(
      createCertificate({ subject: "x", publicKey: k.publicKey, notBefore: new Date(0), notAfter: new Date(1) }),
    ).rejects.toThrow(/privateKey/);
  });
});

describe("PKCS#8 helpers", () => {
  it("round-trip a key and bind it to a hash", async () => {
    const pki = await createTestPki();
    const pem = await exportPrivateKeyPkcs8Pem(pki.leafKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const sha1 = await importPrivateKeyPkcs8Pem(pem, { hash: "SHA-1" });
    const pub = createPublicKey(new X509Certificate(pki.leafPem).publicKey.export({ format: "pem", type: "spki" }));
    const sig = await signBody(sha1, "abc");
    expect(createVerify("RSA-SHA1").update("abc").verify(pub, sig, "base64")).toBe(true);
    const ec = await generateKeyPair("EC-P256");
    const ecPem = await exportPrivateKeyPkcs8Pem(ec.privateKey);
    const back = await importPrivateKeyPkcs8Pem(ecPem, { curve: "P-256" });
    expect((back.algorithm as EcKeyAlgorithm).namedCurve).toBe("P-256");
  });
});
