/**
 * @module verifier/signature
 * WebCrypto glue: imports SubjectPublicKeyInfo keys and checks certificate and
 * body signatures. RSASSA-PKCS1-v1_5 with SHA-256/384/512 and ECDSA P-256/P-384
 * for certificates; RSASSA-PKCS1-v1_5 with SHA-256 (or SHA-1, only when the
 * caller allows the legacy header) for request bodies.
 *
 * SHA-1 certificate signatures are refused: no certificate on a current Amazon
 * path needs one (the SHA-1 cross-certificate sits above the trust anchor and
 * is never checked). Every function returns `false` rather than throwing on
 * malformed keys or signatures.
 */
import { DerError, Tag, children, parseDer, readIntegerBytes } from "./der.ts";
import type { Certificate } from "./x509.ts";

/** Hashes a body signature can use: SHA-256 (`Signature-256`) or SHA-1 (legacy `Signature`). @example importRsaVerifyKey(spki, "SHA-1") */
export type BodyHash = "SHA-256" | "SHA-1";

/**
 * Imports an RSA public key (from SPKI DER) for verifying body signatures.
 * Returns `null` when WebCrypto refuses the key.
 * @example const key = await importRsaVerifyKey(leaf.spki, "SHA-256");
 */
export async function importRsaVerifyKey(spki: Uint8Array, hash: BodyHash): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.importKey("spki", copy(spki), { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"]);
  } catch {
    return null;
  }
}

/**
 * Verifies an RSASSA-PKCS1-v1_5 signature over `data` with an imported key.
 * @example await verifyRsa(key, sigBytes, bodyBytes)
 */
export async function verifyRsa(key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    return await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, copy(signature), copy(data));
  } catch {
    return false;
  }
}

/**
 * Whether `issuer`'s key produced `cert`'s signature. Unsupported algorithms,
 * key/algorithm mismatches and malformed signatures are all `false`.
 * @example if (!(await verifyCertSignature(leaf, intermediate))) continue;
 */
export async function verifyCertSignature(cert: Certificate, issuer: Certificate): Promise<boolean> {
  const alg = cert.signatureAlgorithm;
  const key = issuer.publicKeyAlgorithm;
  try {
    if (alg.kind === "RSA" && key.kind === "RSA" && alg.hash !== "SHA-1") {
      const k = await crypto.subtle.importKey("spki", copy(issuer.spki), { name: "RSASSA-PKCS1-v1_5", hash: alg.hash }, false, ["verify"]);
      return await crypto.subtle.verify("RSASSA-PKCS1-v1_5", k, copy(cert.signatureValue), copy(cert.tbs));
    }
    if (alg.kind === "ECDSA" && key.kind === "EC") {
      const raw = ecdsaDerToRaw(cert.signatureValue, key.curve === "P-256" ? 32 : 48);
      if (!raw) return false;
      const k = await crypto.subtle.importKey("spki", copy(issuer.spki), { name: "ECDSA", namedCurve: key.curve }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "ECDSA", hash: alg.hash }, k, raw, copy(cert.tbs));
    }
    return false;
  } catch {
    return false;
  }
}

/**
 * X.509's `SEQUENCE { r INTEGER, s INTEGER }` to WebCrypto's fixed-width `r || s`;
 * `null` when malformed or out of range for the curve.
 * @example ecdsaDerToRaw(sig, 32) // 64 bytes for P-256
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> | null {
  try {
    const parts = children(parseDer(der), Tag.SEQUENCE);
    if (parts.length !== 2) return null;
    const out = new Uint8Array(size * 2);
    for (let i = 0; i < 2; i++) {
      let v = readIntegerBytes(parts[i]);
      if ((v[0] as number) >= 0x80) return null; // negative
      if (v[0] === 0 && v.length > 1) v = v.subarray(1);
      if (v.length > size) return null;
      out.set(v, size * (i + 1) - v.length);
    }
    return out;
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}

/** WebCrypto's types want an ArrayBuffer-backed view; copy only when the input is not one. */
function copy(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);
}
