/**
 * Chain validation through the public API, with certificates from the test PKI:
 * every CERT_* code, the cross-signed bundle shape, pinned intermediates,
 * ECDSA issuers, and the constraints on issuers.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type CertSpec, createCertificate } from "../../emulator/pki.ts";
import { clearCertificateCache } from "../../src/verifier/cache.ts";
import { MAX_SIGNATURE_CHECKS } from "../../src/verifier/chain.ts";
import { verifyAlexaRequest, type VerifyOptions } from "../../src/verifier/index.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../../src/verifier/roots.ts";
import {
  type Chain,
  DAY,
  INTER_DN,
  LEAF_DN,
  NOW,
  ROOT_DN,
  buildChain,
  codeOf,
  envelopeJson,
  optionsFor,
  servePem,
  signedHeaders,
  testKeys,
} from "./fixtures.ts";

let good: Chain;
beforeAll(async () => {
  good = await buildChain();
});
beforeEach(() => clearCertificateCache());

/** Verifies a correctly signed request whose URL serves `bundle`, trusting `roots`. */
async function verifyWith(bundle: string, roots: string[], extra: Partial<VerifyOptions> = {}): Promise<string> {
  clearCertificateCache(); // every call validates its own bundle (caching has its own tests)
  const body = envelopeJson();
  return codeOf(
    verifyAlexaRequest(
      { headers: await signedHeaders(body), body },
      { ...optionsFor(good), trustedRoots: roots, fetchCertChain: servePem(bundle), ...extra },
    ),
  );
}

describe("the baseline", () => {
  it("leaf + intermediate, trusting the root", async () => {
    expect(await verifyWith(good.chainPem, [good.rootPem])).toBe("OK");
  });

  it("the root may also be in the bundle, and extra anchors do not hurt", async () => {
    expect(await verifyWith(good.chainPem + good.rootPem, [...DEFAULT_TRUSTED_ROOTS, good.rootPem])).toBe("OK");
  });

  it("bundle order after the leaf does not matter; text around blocks is ignored", async () => {
    expect(await verifyWith(`subject=x\n${good.leafPem}junk\n${good.rootPem}${good.interPem}`, [good.rootPem])).toBe("OK");
  });

  it("an anchor PEM holding several certificates contributes all of them", async () => {
    expect(await verifyWith(good.chainPem, [DEFAULT_TRUSTED_ROOTS[0] + good.rootPem])).toBe("OK");
  });
});

describe("CERT_INVALID (step 4)", () => {
  it.each([
    ["no PEM at all", ""],
    ["text only", "hello"],
    ["bad base64 in the leaf block", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"],
    ["valid base64, not DER", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
    ["a key instead of a certificate", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"],
  ])("%s", async (_name, bundle) => {
    expect(await verifyWith(bundle, [good.rootPem])).toBe("CERT_INVALID");
  });

  it("a truncated leaf", async () => {
    const b64 = good.leafPem.split("\n").slice(1, -2).join("");
    const truncated = `-----BEGIN CERTIFICATE-----\n${b64.slice(0, 400)}\n-----END CERTIFICATE-----\n`;
    expect(await verifyWith(truncated + good.interPem, [good.rootPem])).toBe("CERT_INVALID");
  });

  it("more than 10 certificates", async () => {
    expect(await verifyWith(good.leafPem + good.interPem.repeat(10), [good.rootPem])).toBe("CERT_INVALID");
  });

  it("a leaf whose key is not RSA", async () => {
    const k = await testKeys();
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: INTER_DN, privateKey: k.inter.privateKey },
      publicKey: k.ecP256.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    expect(await verifyWith(leaf.pem + good.interPem, [good.rootPem])).toBe("CERT_INVALID");
  });

  it("a leaf whose keyUsage forbids signatures", async () => {
    const c = await buildChain({ leaf: { keyUsage: ["keyCertSign"] } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_INVALID");
  });

  it("a leaf with an unknown critical extension (a known-harmless non-critical one is fine)", async () => {
    const ext = { oid: "1.3.6.1.4.1.99999.1", value: Uint8Array.of(0x05, 0x00) };
    const critical = await buildChain({ leaf: { extraExtensions: [{ ...ext, critical: true }] } });
    expect(await verifyWith(critical.chainPem, [critical.rootPem])).toBe("CERT_INVALID");
    const plain = await buildChain({ leaf: { extraExtensions: [{ ...ext, critical: false }] } });
    expect(await verifyWith(plain.chainPem, [plain.rootPem])).toBe("OK");
  });
});

describe("CERT_EXPIRED (leaf validity)", () => {
  it("expired leaf", async () => {
    const c = await buildChain({ leaf: { notBefore: new Date(NOW - 90 * DAY), notAfter: new Date(NOW - 1000) } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_EXPIRED");
  });

  it("not-yet-valid leaf", async () => {
    const c = await buildChain({ leaf: { notBefore: new Date(NOW + 1000), notAfter: new Date(NOW + 90 * DAY) } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_EXPIRED");
  });

  it("the bounds are inclusive, to the second", async () => {
    const c = await buildChain({ leaf: { notBefore: new Date(NOW - DAY), notAfter: new Date(NOW) } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("OK");
    expect(await verifyWith(c.chainPem, [c.rootPem], { now: () => NOW + 1000 })).toBe("CERT_EXPIRED");
  });

  it("outranks a SAN mismatch and an untrusted chain", async () => {
    const c = await buildChain({ leaf: { notAfter: new Date(NOW - DAY), dnsNames: ["evil.example"] } });
    expect(await verifyWith(c.chainPem, [])).toBe("CERT_EXPIRED");
  });

  it("validity beyond 2049 (GeneralizedTime) works", async () => {
    const c = await buildChain({
      root: { notAfter: new Date("2060-01-01T00:00:00Z") },
      inter: { notAfter: new Date("2055-01-01T00:00:00Z") },
      leaf: { notAfter: new Date("2051-06-01T00:00:00Z") },
    });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("OK");
    expect(await verifyWith(c.chainPem, [c.rootPem], { now: () => Date.parse("2051-06-02T00:00:00Z") })).toBe("CERT_EXPIRED");
  });
});

describe("CERT_SAN_MISMATCH", () => {
  it.each([
    ["another name", ["echo-api.amazon.com.evil.example"]],
    ["a wildcard", ["*.amazon.com"]],
    ["a prefix", ["xecho-api.amazon.com"]],
    ["no SAN at all (CN alone does not count)", undefined],
  ])("%s", async (_name, dnsNames) => {
    const c = await buildChain({ leaf: { dnsNames } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_SAN_MISMATCH");
  });

  it("matches case-insensitively and among several names", async () => {
    const c = await buildChain({ leaf: { dnsNames: ["a.example", "ECHO-API.Amazon.COM"] } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("OK");
  });

  it("outranks an untrusted chain", async () => {
    const c = await buildChain({ leaf: { dnsNames: ["evil.example"] } });
    expect(await verifyWith(c.chainPem, [])).toBe("CERT_SAN_MISMATCH");
  });
});

describe("CERT_CHAIN_UNTRUSTED", () => {
  it("no anchors, or an unknown root", async () => {
    expect(await verifyWith(good.chainPem, [])).toBe("CERT_CHAIN_UNTRUSTED");
    expect(await verifyWith(good.chainPem, [...DEFAULT_TRUSTED_ROOTS])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("a root in the bundle is not trusted because it is there", async () => {
    expect(await verifyWith(good.chainPem + good.rootPem, [...DEFAULT_TRUSTED_ROOTS])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("an unparsable anchor is ignored", async () => {
    expect(await verifyWith(good.chainPem, ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "junk"])).toBe(
      "CERT_CHAIN_UNTRUSTED",
    );
  });

  it("the intermediate is missing", async () => {
    expect(await verifyWith(good.leafPem, [good.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("an unparsable intermediate cannot be on the path", async () => {
    expect(await verifyWith(`${good.leafPem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`, [good.rootPem])).toBe(
      "CERT_CHAIN_UNTRUSTED",
    );
  });

  it("expired or not-yet-valid intermediate", async () => {
    const expired = await buildChain({ inter: { notBefore: new Date(NOW - 900 * DAY), notAfter: new Date(NOW - DAY) } });
    expect(await verifyWith(expired.chainPem, [expired.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
    const future = await buildChain({ inter: { notBefore: new Date(NOW + DAY), notAfter: new Date(NOW + 900 * DAY) } });
    expect(await verifyWith(future.chainPem, [future.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("expired anchor", async () => {
    const c = await buildChain({ root: { notBefore: new Date(NOW - 900 * DAY), notAfter: new Date(NOW - DAY) } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("issuer that is not a CA: cA false, or no basicConstraints at all", async () => {
    const notCa = await buildChain({ inter: { isCA: false, keyUsage: ["keyCertSign"] } });
    expect(await verifyWith(notCa.chainPem, [notCa.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
    const noBc = await buildChain({ inter: { omitBasicConstraints: true, keyUsage: ["keyCertSign"] } });
    expect(await verifyWith(noBc.chainPem, [noBc.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("anchor that is not a CA", async () => {
    const c = await buildChain({ root: { isCA: false, keyUsage: ["keyCertSign"] } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("issuer whose keyUsage lacks keyCertSign", async () => {
    const c = await buildChain({ inter: { keyUsage: ["digitalSignature", "cRLSign"] } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("issuer with an unknown critical extension", async () => {
    const c = await buildChain({ inter: { extraExtensions: [{ oid: "2.5.29.30", critical: true, value: Uint8Array.of(0x30, 0x00) }] } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("pathLenConstraint: a root limited to 0 intermediates cannot anchor one", async () => {
    const c = await buildChain({ root: { pathLen: 0 } });
    expect(await verifyWith(c.chainPem, [c.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
    const ok = await buildChain({ root: { pathLen: 1 } });
    expect(await verifyWith(ok.chainPem, [ok.rootPem])).toBe("OK");
  });

  it("an intermediate with the right name but signed by another key", async () => {
    const k = await testKeys();
    const forged = await createCertificate({
      subject: INTER_DN,
      issuer: { subject: ROOT_DN, privateKey: k.other.privateKey },
      publicKey: k.inter.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    expect(await verifyWith(good.leafPem + forged.pem, [good.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("an anchor with the intermediate's name but another key does not match it", async () => {
    const k = await testKeys();
    const impostor = await createCertificate({
      subject: INTER_DN,
      publicKey: k.other.publicKey,
      privateKey: k.other.privateKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      isCA: true,
    });
    expect(await verifyWith(good.chainPem, [impostor.pem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("a SHA-1 signed intermediate is refused (SHA-1 is only ever allowed for the legacy body header)", async () => {
    const c = await buildChain({ inter: { sigAlg: "sha1WithRSAEncryption" } });
    expect(await verifyWith(c.chainPem, [c.rootPem], { allowLegacySha1: true })).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("a self-signed leaf", async () => {
    const k = await testKeys();
    const self = await createCertificate({
      subject: LEAF_DN,
      publicKey: k.leaf.publicKey,
      privateKey: k.leaf.privateKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    expect(await verifyWith(self.pem, [good.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
    // ...unless it is itself pinned as an anchor.
    expect(await verifyWith(self.pem, [self.pem])).toBe("OK");
  });
});

describe("path shapes", () => {
  it("Amazon's cross-signed shape: the path ends at the copy that matches an anchor", async () => {
    const k = await testKeys();
    // "Amazon Root CA 1" cross-signed by an older root, and that older root cross-signed by
    // a long-dead, non-CA, SHA-1, expired "Class 2" certificate: never examined.
    const rootX = await createCertificate({
      subject: ROOT_DN,
      issuer: { subject: "CN=Old Services Root", privateKey: k.other.privateKey },
      publicKey: k.root.publicKey,
      notBefore: new Date(NOW - 900 * DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    const oldX = await createCertificate({
      subject: "CN=Old Services Root",
      issuer: { subject: "CN=Class 2", privateKey: k.ecP256.privateKey },
      publicKey: k.other.publicKey,
      notBefore: new Date(NOW - 9000 * DAY),
      notAfter: new Date(NOW - 1000 * DAY),
      omitBasicConstraints: true,
    });
    const bundle = good.leafPem + good.interPem + rootX.pem + oldX.pem;
    expect(await verifyWith(bundle, [good.rootPem])).toBe("OK");
    expect(await verifyWith(bundle, [...DEFAULT_TRUSTED_ROOTS, good.rootPem])).toBe("OK");
    // Walking to the last certificate instead (the official SDK's bug) would have failed:
    expect(await verifyWith(bundle, [])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("an anchor need not be self-signed: pinning the intermediate", async () => {
    expect(await verifyWith(good.chainPem, [good.interPem])).toBe("OK");
    expect(await verifyWith(good.leafPem, [good.interPem])).toBe("OK");
  });

  it("the leaf may be issued directly by an anchor", async () => {
    const k = await testKeys();
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: ROOT_DN, privateKey: k.root.privateKey },
      publicKey: k.leaf.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    expect(await verifyWith(leaf.pem, [good.rootPem])).toBe("OK");
  });

  it("ECDSA issuers: P-384 root (SHA-384) → P-256 intermediate (SHA-256) → RSA leaf", async () => {
    const k = await testKeys();
    const root = await createCertificate({
      subject: "CN=EC Root",
      publicKey: k.ecP384.publicKey,
      privateKey: k.ecP384.privateKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    const inter = await createCertificate({
      subject: "CN=EC Intermediate",
      issuer: { subject: "CN=EC Root", privateKey: k.ecP384.privateKey },
      publicKey: k.ecP256.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: "CN=EC Intermediate", privateKey: k.ecP256.privateKey },
      publicKey: k.leaf.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    expect(await verifyWith(leaf.pem + inter.pem, [root.pem])).toBe("OK");
    // The same intermediate signed with SHA-256 by the P-384 root is also valid.
    const inter256 = await createCertificate({
      subject: "CN=EC Intermediate",
      issuer: { subject: "CN=EC Root", privateKey: k.ecP384.privateKey },
      publicKey: k.ecP256.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
      sigAlg: "ecdsa-with-SHA256",
    });
    expect(await verifyWith(leaf.pem + inter256.pem, [root.pem])).toBe("OK");
  });

  it("an RSA signature algorithm on an EC issuer key never verifies", async () => {
    const k = await testKeys();
    const root = await createCertificate({
      subject: "CN=EC Root",
      publicKey: k.ecP256.publicKey,
      privateKey: k.ecP256.privateKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    // A leaf "signed" by an RSA key under the EC root's name.
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: "CN=EC Root", privateKey: k.other.privateKey },
      publicKey: k.leaf.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    expect(await verifyWith(leaf.pem, [root.pem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("backtracks past a same-named issuer that does not verify", async () => {
    const k = await testKeys();
    const decoy = await createCertificate({
      subject: INTER_DN,
      issuer: { subject: ROOT_DN, privateKey: k.root.privateKey },
      publicKey: k.other.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    expect(await verifyWith(good.leafPem + decoy.pem + good.interPem, [good.rootPem])).toBe("OK");
  });

  it("a longer path of two intermediates", async () => {
    const k = await testKeys();
    const mid = await createCertificate({
      subject: "CN=Second Intermediate",
      issuer: { subject: ROOT_DN, privateKey: k.root.privateKey },
      publicKey: k.other.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    const inter = await createCertificate({
      subject: INTER_DN,
      issuer: { subject: "CN=Second Intermediate", privateKey: k.other.privateKey },
      publicKey: k.inter.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
      pathLen: 0,
    });
    expect(await verifyWith(good.leafPem + inter.pem + mid.pem, [good.rootPem])).toBe("OK");
    // The upper intermediate limited to 0 intermediates below it cannot issue the lower one.
    const mid0 = await createCertificate({
      subject: "CN=Second Intermediate",
      issuer: { subject: ROOT_DN, privateKey: k.root.privateKey },
      publicKey: k.other.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
      pathLen: 0,
    });
    expect(await verifyWith(good.leafPem + inter.pem + mid0.pem, [good.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });

  it("a loop of cross-signed CAs terminates", async () => {
    const k = await testKeys();
    const spec = (subject: string, issuer: string, key: CryptoKeyPair, signer: CryptoKeyPair): CertSpec => ({
      subject,
      issuer: { subject: issuer, privateKey: signer.privateKey },
      publicKey: key.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    const a = await createCertificate(spec(INTER_DN, "CN=Loop B", k.inter, k.other));
    const b = await createCertificate(spec("CN=Loop B", INTER_DN, k.other, k.inter));
    expect(await verifyWith(good.leafPem + a.pem + b.pem, [good.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
  });
});

describe("keys of other shapes", () => {
  it("a 3072-bit RSA root", async () => {
    const big = await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 3072, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-384" },
      true,
      ["sign", "verify"],
    );
    const pair = big as CryptoKeyPair;
    const k = await testKeys();
    const root = await createCertificate({
      subject: "CN=Big Root",
      publicKey: pair.publicKey,
      privateKey: pair.privateKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + 900 * DAY),
      isCA: true,
    });
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: "CN=Big Root", privateKey: pair.privateKey },
      publicKey: k.leaf.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    expect(await verifyWith(leaf.pem, [root.pem])).toBe("OK");
  });
});

describe("path search is bounded", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a bundle of CA certificates sharing one name and key costs a bounded number of signature checks", async () => {
    const k = await testKeys();
    const loopDn = "CN=Loop CA";
    const loop: string[] = [];
    for (let serial = 1; serial <= 9; serial++) {
      const ca = await createCertificate({
        subject: loopDn,
        issuer: { subject: loopDn, privateKey: k.inter.privateKey },
        publicKey: k.inter.publicKey,
        serial,
        notBefore: new Date(NOW - DAY),
        notAfter: new Date(NOW + DAY),
        isCA: true,
      });
      loop.push(ca.pem);
    }
    const leaf = await createCertificate({
      subject: LEAF_DN,
      issuer: { subject: loopDn, privateKey: k.inter.privateKey },
      publicKey: k.leaf.publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
      dnsNames: ["echo-api.amazon.com"],
    });
    const verify = vi.spyOn(crypto.subtle, "verify");
    expect(await verifyWith(leaf.pem + loop.join(""), [good.rootPem])).toBe("CERT_CHAIN_UNTRUSTED");
    expect(verify.mock.calls.length).toBeGreaterThan(0);
    expect(verify.mock.calls.length).toBeLessThanOrEqual(MAX_SIGNATURE_CHECKS);
  });
});
