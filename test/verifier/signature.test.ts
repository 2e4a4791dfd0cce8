/** WebCrypto glue: ECDSA signature conversion and the certificate-signature policy. */
import { beforeAll, describe, expect, it } from "vitest";
import { createCertificate } from "../../emulator/pki.ts";
import { pemCertificates } from "../../src/verifier/base64.ts";
import { ecdsaDerToRaw, importRsaVerifyKey, verifyCertSignature, verifyRsa } from "../../src/verifier/signature.ts";
import { type Certificate, parseCertificate } from "../../src/verifier/x509.ts";
import { type Chain, DAY, NOW, buildChain, testKeys } from "./fixtures.ts";

const parse = (pem: string): Certificate => parseCertificate(pemCertificates(pem)[0] as Uint8Array);

let chain: Chain;
beforeAll(async () => {
  chain = await buildChain();
});

describe("ecdsaDerToRaw", () => {
  const seq = (...ints: number[][]): Uint8Array => {
    const body = ints.flatMap((i) => [0x02, i.length, ...i]);
    return Uint8Array.from([0x30, body.length, ...body]);
  };

  it("left-pads, strips the sign byte and concatenates", () => {
    const raw = ecdsaDerToRaw(seq([0x01], [0x00, 0x80]), 4);
    expect(raw).toEqual(Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0x80));
  });

  it.each([
    ["negative r", seq([0x80], [0x01])],
    ["r too long for the curve", seq([1, 2, 3, 4, 5], [1])],
    ["one integer", seq([1])],
    ["three integers", seq([1], [1], [1])],
    ["non-minimal integer", seq([0x00, 0x01], [0x01])],
    ["not a sequence", Uint8Array.of(0x04, 0x00)],
    ["garbage", Uint8Array.of(0xff)],
  ])("refuses %s", (_name, der) => {
    expect(ecdsaDerToRaw(der, 4)).toBeNull();
  });
});

describe("verifyCertSignature", () => {
  it("accepts the real issuer and refuses others", async () => {
    const leaf = parse(chain.leafPem);
    const inter = parse(chain.interPem);
    const root = parse(chain.rootPem);
    expect(await verifyCertSignature(leaf, inter)).toBe(true);
    expect(await verifyCertSignature(inter, root)).toBe(true);
    expect(await verifyCertSignature(leaf, root)).toBe(false);
  });

  it("refuses SHA-1 certificate signatures even when mathematically valid", async () => {
    const c = await buildChain({ leaf: { sigAlg: "sha1WithRSAEncryption" } });
    expect(parse(c.leafPem).signatureAlgorithm).toEqual({ kind: "RSA", hash: "SHA-1" });
    expect(await verifyCertSignature(parse(c.leafPem), parse(c.interPem))).toBe(false);
  });

  it("refuses a tampered tbs", async () => {
    const leaf = parse(chain.leafPem);
    const tbs = new Uint8Array(leaf.tbs);
    tbs[tbs.length - 1] = (tbs[tbs.length - 1] as number) ^ 1;
    expect(await verifyCertSignature({ ...leaf, tbs }, parse(chain.interPem))).toBe(false);
  });

  it("refuses key/algorithm mismatches and unsupported algorithms", async () => {
    const k = await testKeys();
    const ecIssuer = await createCertificate({
      subject: "CN=EC",
      publicKey: k.ecP256.publicKey,
      privateKey: k.ecP256.privateKey,
      notBefore: new Date(NOW),
      notAfter: new Date(NOW + DAY),
      isCA: true,
    });
    const leaf = parse(chain.leafPem);
    expect(await verifyCertSignature(leaf, parse(ecIssuer.pem))).toBe(false);
    expect(await verifyCertSignature({ ...leaf, signatureAlgorithm: { kind: "unsupported", oid: "1.2.3" } }, parse(chain.interPem))).toBe(
      false,
    );
    const inter = parse(chain.interPem);
    expect(await verifyCertSignature(leaf, { ...inter, spki: Uint8Array.of(0x30, 0x00) })).toBe(false);
  });
});

describe("body keys", () => {
  it("importRsaVerifyKey returns null for a non-RSA or broken key", async () => {
    expect(await importRsaVerifyKey(Uint8Array.of(0x30, 0x00), "SHA-256")).toBeNull();
  });

  it("verifyRsa is false, not an exception, for a wrong-length signature", async () => {
    const key = await importRsaVerifyKey(parse(chain.leafPem).spki, "SHA-256");
    expect(key).not.toBeNull();
    expect(await verifyRsa(key as CryptoKey, Uint8Array.of(1, 2, 3), Uint8Array.of(1))).toBe(false);
  });
});
