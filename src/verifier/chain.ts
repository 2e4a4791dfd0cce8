/**
 * @module verifier/chain
 * Decides whether a downloaded certificate bundle may sign Alexa requests:
 * the leaf is usable and current, names `echo-api.amazon.com`, and chains by
 * signature to a trust anchor through valid CA certificates.
 *
 * Path building is a small depth-first search from the leaf. At each step the
 * current certificate ends the path when it *is* an anchor (same subject and
 * public key, so a cross-signed copy of Amazon Root CA 1 in the bundle ends
 * the path even though the anchor is self-signed and the copy is not), or when
 * an anchor issued it. Otherwise any unused bundle certificate whose subject is
 * the current issuer is tried, so bundle order does not matter and the
 * cross-certificates above the anchor are never needed. Anchors need not be
 * self-signed (a pinned intermediate works). Every issuer, anchors included,
 * must be a CA (basicConstraints cA), allow certificate signing when keyUsage
 * is present, respect pathLenConstraint, carry no unknown critical extension,
 * and be within validity now.
 *
 * The leaf's RSA key must have at least 2048 bits (Amazon's has 2048): WebCrypto
 * verifies with 512-bit keys without complaint, and a CA that certified one by
 * mistake should not thereby let anyone sign Alexa requests. Issuer key sizes
 * are left to the CAs that chain to the anchors.
 */
import { DerError, Tag, bytesEqual, children, parseDer, readBitStringBytes, readIntegerBytes } from "./der.ts";
import { fail } from "./errors.ts";
import { verifyCertSignature } from "./signature.ts";
import type { Certificate } from "./x509.ts";

/** Longest path tried (leaf + intermediates + anchor); Amazon's is 3. */
const MAX_PATH = 6;
/**
 * Signature checks one validation may spend. Amazon's bundle needs 3; a crafted
 * bundle of ten CA certificates sharing one name and key would otherwise make
 * the depth-first search try ~15,000 orderings.
 */
export const MAX_SIGNATURE_CHECKS = 32;
const ALEXA_SAN = "echo-api.amazon.com";
/** Amazon's leaves are 2048-bit; WebCrypto would happily verify with a 512-bit key. */
const MIN_RSA_BITS = 2048;

/** The outcome of a successful validation: the window in which all of it holds. @example cache until path.notAfter */
export interface ValidatedPath {
  leaf: Certificate;
  /** Latest notBefore and earliest notAfter over every certificate on the path, anchor included. */
  notBefore: number;
  notAfter: number;
}

/**
 * Step 4's leaf checks: a certificate that can make RSA body signatures at all,
 * with a key of at least 2048 bits. Throws CERT_INVALID.
 * @example assertLeafUsable(leaf);
 */
export function assertLeafUsable(leaf: Certificate): void {
  if (leaf.publicKeyAlgorithm.kind !== "RSA") fail("CERT_INVALID", "leaf key is not RSA");
  if (rsaModulusBits(leaf.spki) < MIN_RSA_BITS) fail("CERT_INVALID", `leaf RSA key under ${MIN_RSA_BITS} bits or malformed`);
  if (leaf.keyUsage && !leaf.keyUsage.has("digitalSignature")) fail("CERT_INVALID", "leaf keyUsage forbids signing");
  if (leaf.unknownCriticalExtensions.length > 0) fail("CERT_INVALID", "leaf has an unknown critical extension");
}

/**
 * Step 5: leaf validity (CERT_EXPIRED), SAN (CERT_SAN_MISMATCH), then a path to
 * an anchor (CERT_CHAIN_UNTRUSTED), in that order.
 * @example const path = await validatePath(certs, anchors, Date.now());
 */
export async function validatePath(
  bundle: readonly Certificate[],
  anchors: readonly Certificate[],
  now: number,
): Promise<ValidatedPath> {
  const leaf = bundle[0];
  if (!leaf) return fail("CERT_INVALID", "empty bundle");
  // "Not within" rather than "outside", so that a NaN clock refuses.
  if (!(now >= leaf.notBefore && now <= leaf.notAfter)) fail("CERT_EXPIRED", "leaf outside its validity");
  // DNS names compare case-insensitively (RFC 5280 7.2); wildcards are not honoured.
  if (!leaf.dnsNames.some((n) => n.toLowerCase() === ALEXA_SAN)) fail("CERT_SAN_MISMATCH", `leaf SAN lacks ${ALEXA_SAN}`);
  const budget = { left: MAX_SIGNATURE_CHECKS };
  const window = await extend(leaf, [leaf], bundle, anchors, now, { notBefore: leaf.notBefore, notAfter: leaf.notAfter }, budget);
  if (!window) return fail("CERT_CHAIN_UNTRUSTED", "no path to a trust anchor");
  return { leaf, ...window };
}

/**
 * Bit length of the modulus in an RSA SubjectPublicKeyInfo (RFC 8017 A.1.1); 0 when malformed.
 * @example rsaModulusBits(leaf.spki) // 2048
 */
export function rsaModulusBits(spki: Uint8Array): number {
  try {
    const [, keyBits] = children(parseDer(spki), Tag.SEQUENCE);
    const [modulus] = children(parseDer(readBitStringBytes(keyBits)), Tag.SEQUENCE);
    const n = readIntegerBytes(modulus);
    let i = 0;
    while (i < n.length - 1 && n[i] === 0) i++; // the sign byte of a positive INTEGER
    const top = n[i] as number;
    if (top === 0 || (i === 0 && top >= 0x80)) return 0; // zero or negative
    return (n.length - i - 1) * 8 + (32 - Math.clz32(top));
  } catch (e) {
    if (e instanceof DerError) return 0;
    throw e;
  }
}

interface Window {
  notBefore: number;
  notAfter: number;
}

function narrow(w: Window, c: Certificate): Window {
  return { notBefore: Math.max(w.notBefore, c.notBefore), notAfter: Math.min(w.notAfter, c.notAfter) };
}

/** `issuer` may sign the certificate at `path.length - 1` (leaf is index 0). */
function canIssue(issuer: Certificate, path: readonly Certificate[], now: number): boolean {
  const bc = issuer.basicConstraints;
  if (!bc?.cA) return false;
  // Intermediate CAs between this issuer and the leaf (RFC 5280 6.1.4 (l)/(m)).
  if (bc.pathLen !== undefined && bc.pathLen < path.length - 1) return false;
  if (issuer.keyUsage && !issuer.keyUsage.has("keyCertSign")) return false;
  if (issuer.unknownCriticalExtensions.length > 0) return false;
  return now >= issuer.notBefore && now <= issuer.notAfter;
}

function isAnchor(cert: Certificate, anchors: readonly Certificate[]): Certificate | undefined {
  return anchors.find((a) => bytesEqual(a.subject, cert.subject) && bytesEqual(a.spki, cert.spki));
}

async function extend(
  current: Certificate,
  path: Certificate[],
  bundle: readonly Certificate[],
  anchors: readonly Certificate[],
  now: number,
  window: Window,
  budget: { left: number },
): Promise<Window | null> {
  const matched = isAnchor(current, anchors);
  if (matched) {
    // The bundle's copy was already checked as an issuer (or is the pinned leaf);
    // the anchor's own validity still bounds the window.
    if (path.length > 1 && !canIssue(matched, path.slice(0, -1), now)) return null;
    return narrow(window, matched);
  }
  if (path.length >= MAX_PATH) return null;
  for (const anchor of anchors) {
    if (!bytesEqual(anchor.subject, current.issuer) || !canIssue(anchor, path, now)) continue;
    if (budget.left-- <= 0) return null;
    if (await verifyCertSignature(current, anchor)) return narrow(window, anchor);
  }
  for (const candidate of bundle) {
    if (path.includes(candidate) || !bytesEqual(candidate.subject, current.issuer)) continue;
    if (!canIssue(candidate, path, now)) continue;
    if (budget.left-- <= 0) return null;
    if (!(await verifyCertSignature(current, candidate))) continue;
    path.push(candidate);
    const found = await extend(candidate, path, bundle, anchors, now, narrow(window, candidate), budget);
    if (found) return found;
    path.pop();
  }
  return null;
}
