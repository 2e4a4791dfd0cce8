/**
 * @module emulator/pki
 * A test PKI for the Alexa emulator and the verifier tests: key pairs, X.509 v3
 * certificates (root CA → intermediate CA → leaf with SAN `echo-api.amazon.com`)
 * and Alexa-style body signatures.
 *
 * Built on WebCrypto and a tiny DER encoder only (no `node:` imports), so the
 * same code runs in Node 22+ and inside workerd tests. Trade-offs: it encodes
 * just what the tests need (CN/O/OU/C/L/ST names, basicConstraints, keyUsage,
 * SAN dNSNames); no AKI/SKI, no CRLs, no name constraints. It is deliberately
 * able to produce bad certificates (non-CA issuers, expired or not-yet-valid
 * windows, SHA-1 signatures, wrong SANs) so the verifier can be tested on them.
 * Never use it for anything but tests and local emulation.
 */

/** Key types the generator makes. @example await generateKeyPair("EC-P384") */
export type KeyAlg = "RSA-2048" | "EC-P256" | "EC-P384";
/** Certificate signature algorithms. @example createCertificate({ ...spec, sigAlg: "sha1WithRSAEncryption" }) */
export type SigAlg = "sha256WithRSAEncryption" | "sha1WithRSAEncryption" | "ecdsa-with-SHA256" | "ecdsa-with-SHA384";
/** keyUsage bits the generator writes. @example keyUsage: ["keyCertSign"] */
export type KeyUsageName = "digitalSignature" | "keyCertSign" | "cRLSign";

/** What to put in one certificate. @example { subject: "CN=Test", publicKey, privateKey, notBefore, notAfter, isCA: true } */
export interface CertSpec {
  /** `CN` only ("Test Leaf") or an RDN list ("CN=Test Leaf,O=Example"). */
  subject: string;
  /** The signer; absent means self-signed with `privateKey`. */
  issuer?: { subject: string; privateKey: CryptoKey };
  publicKey: CryptoKey;
  /** Signing key of a self-signed certificate. */
  privateKey?: CryptoKey;
  serial?: number | bigint;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA (the extension is always written unless omitBasicConstraints). */
  isCA?: boolean;
  pathLen?: number;
  omitBasicConstraints?: boolean;
  /** subjectAltName dNSNames. */
  dnsNames?: string[];
  /** Default: the signer key's natural algorithm (RSA → SHA-256, P-256 → SHA-256, P-384 → SHA-384). */
  sigAlg?: SigAlg;
  /** Default: CA → keyCertSign + cRLSign, otherwise digitalSignature. */
  keyUsage?: KeyUsageName[];
  /** Arbitrary extra extensions (e.g. an unknown critical one); `value` is the extnValue content DER. */
  extraExtensions?: { oid: string; critical: boolean; value: Uint8Array }[];
}

/** A certificate as DER and PEM. @example const { pem } = await createCertificate(spec); */
export interface IssuedCert {
  der: Uint8Array;
  pem: string;
}

/** The output of `createTestPki`. @example serve(pki.chainPem); trust(pki.rootPem); */
export interface TestPki {
  rootPem: string;
  intermediatePem: string;
  leafPem: string;
  /** Leaf then intermediate (the root is the trust anchor and is not included). */
  chainPem: string;
  /** The leaf's RSA private key, RSASSA-PKCS1-v1_5 / SHA-256. */
  leafKey: CryptoKey;
  /** The same leaf key imported for SHA-1 (legacy `Signature` header). */
  leafKeySha1: CryptoKey;
  rootKey: CryptoKeyPair;
  intermediateKey: CryptoKeyPair;
}

// ---------------------------------------------------------------- DER encoder

/** Bytes backed by a plain ArrayBuffer (what WebCrypto's BufferSource accepts). */
type Bytes = Uint8Array<ArrayBuffer>;

function concat(parts: readonly Bytes[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function tlv(tag: number, ...content: Bytes[]): Bytes {
  const body = concat(content);
  const len = body.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else {
    const bytes: number[] = [];
    for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return concat([Uint8Array.from(header), body]);
}

const seq = (...c: Bytes[]): Bytes => tlv(0x30, ...c);
const set = (...c: Bytes[]): Bytes => tlv(0x31, ...c);
const nul = (): Bytes => Uint8Array.of(0x05, 0x00);
const utf8 = (s: string): Bytes => new Uint8Array(new TextEncoder().encode(s));

function integer(v: bigint | Bytes): Bytes {
  let bytes: number[];
  if (v instanceof Uint8Array) bytes = [...v];
  else {
    if (v < 0n) throw new RangeError("negative integers are not supported");
    bytes = [];
    for (let x = v; x > 0n; x >>= 8n) bytes.unshift(Number(x & 0xffn));
  }
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1] ?? 0) < 0x80) bytes.shift();
  if (bytes.length === 0) bytes = [0];
  if ((bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

function oid(dotted: string): Bytes {
  const arcs = dotted.split(".").map((a) => BigInt(a));
  const [a = 0n, b = 0n, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40n + b, ...rest]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let x = arc >> 7n; x > 0n; x >>= 7n) chunk.unshift(Number(x & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

function bitString(bytes: Bytes, unusedBits = 0): Bytes {
  return tlv(0x03, Uint8Array.of(unusedBits), bytes);
}

function time(d: Date): Bytes {
  const y = d.getUTCFullYear();
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  if (y >= 1950 && y < 2050) return tlv(0x17, utf8(`${p(y % 100)}${rest}`));
  return tlv(0x18, utf8(`${p(y, 4)}${rest}`));
}

const NAME_OIDS: Record<string, [string, number]> = {
  CN: ["2.5.4.3", 0x0c],
  O: ["2.5.4.10", 0x0c],
  OU: ["2.5.4.11", 0x0c],
  C: ["2.5.4.6", 0x13],
  L: ["2.5.4.7", 0x0c],
  ST: ["2.5.4.8", 0x0c],
};

function name(dn: string): Bytes {
  const parts = dn.includes("=") ? dn.split(",").map((p) => p.trim()) : [`CN=${dn}`];
  const rdns = parts.map((part) => {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim().toUpperCase();
    const def = NAME_OIDS[key];
    if (eq < 0 || !def) throw new Error(`unsupported name attribute: ${part}`);
    return set(seq(oid(def[0]), tlv(def[1], utf8(part.slice(eq + 1).trim()))));
  });
  return seq(...rdns);
}

const SIG_OIDS: Record<SigAlg, { oid: string; params: boolean; hash: string }> = {
  sha256WithRSAEncryption: { oid: "1.2.840.113549.1.1.11", params: true, hash: "SHA-256" },
  sha1WithRSAEncryption: { oid: "1.2.840.113549.1.1.5", params: true, hash: "SHA-1" },
  "ecdsa-with-SHA256": { oid: "1.2.840.10045.4.3.2", params: false, hash: "SHA-256" },
  "ecdsa-with-SHA384": { oid: "1.2.840.10045.4.3.3", params: false, hash: "SHA-384" },
};

function algorithmIdentifier(alg: SigAlg): Bytes {
  const def = SIG_OIDS[alg];
  return def.params ? seq(oid(def.oid), nul()) : seq(oid(def.oid));
}

function extension(id: string, critical: boolean, value: Bytes): Bytes {
  return critical ? seq(oid(id), tlv(0x01, Uint8Array.of(0xff)), tlv(0x04, value)) : seq(oid(id), tlv(0x04, value));
}

const KEY_USAGE_BITS: Record<KeyUsageName, number> = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 };

function keyUsageValue(usages: readonly KeyUsageName[]): Bytes {
  let bits = 0;
  for (const u of usages) bits |= 0x80 >> KEY_USAGE_BITS[u];
  // DER named bit lists drop trailing zero bits (X.690 11.2.2).
  let unused = 0;
  while (unused < 7 && bits !== 0 && (bits & (1 << unused)) === 0) unused++;
  return bitString(Uint8Array.of(bits), bits === 0 ? 0 : unused);
}

// ---------------------------------------------------------------- base64 / PEM

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Bytes {
  const s = atob(b64.replace(/\s+/g, ""));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function pem(label: string, der: Bytes): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function pemBody(label: string, text: string): Bytes {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  if (!m?.[1]) throw new Error(`no ${label} block`);
  return fromBase64(m[1]);
}

// ---------------------------------------------------------------- keys and signing

function isKeyPair(k: CryptoKey | CryptoKeyPair): k is CryptoKeyPair {
  return "privateKey" in k && "publicKey" in k;
}

/**
 * A fresh, extractable key pair for signing (RSA keys use RSASSA-PKCS1-v1_5 / SHA-256).
 * @example const { publicKey, privateKey } = await generateKeyPair("EC-P256");
 */
export async function generateKeyPair(alg: KeyAlg = "RSA-2048"): Promise<CryptoKeyPair> {
  const params =
    alg === "RSA-2048"
      ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-256" }
      : { name: "ECDSA", namedCurve: alg === "EC-P256" ? "P-256" : "P-384" };
  const k = await crypto.subtle.generateKey(params, true, ["sign", "verify"]);
  if (!isKeyPair(k)) throw new Error("generateKey did not return a key pair");
  return k;
}

/** PKCS#8 PEM of an extractable private key. @example const pem = await exportPrivateKeyPkcs8Pem(pki.leafKey); */
export async function exportPrivateKeyPkcs8Pem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey("pkcs8", key);
  if (!(der instanceof ArrayBuffer)) throw new Error("pkcs8 export did not return bytes");
  return pem("PRIVATE KEY", new Uint8Array(der));
}

/**
 * Imports a PKCS#8 PEM private key for signing. RSA keys are bound to `hash`
 * (WebCrypto fixes the hash at import time), EC keys to `curve`.
 * @example const sha1Key = await importPrivateKeyPkcs8Pem(pemText, { hash: "SHA-1" });
 */
export async function importPrivateKeyPkcs8Pem(
  pemText: string,
  opts: { hash?: "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512"; curve?: "P-256" | "P-384" } = {},
): Promise<CryptoKey> {
  const der = pemBody("PRIVATE KEY", pemText);
  const alg = opts.curve
    ? { name: "ECDSA", namedCurve: opts.curve }
    : { name: "RSASSA-PKCS1-v1_5", hash: opts.hash ?? "SHA-256" };
  return crypto.subtle.importKey("pkcs8", der, alg, true, ["sign"]);
}

interface KeyInfo {
  kind: "RSA" | "EC";
  curve?: string;
  hash?: string;
}

function keyInfo(key: CryptoKey): KeyInfo {
  const a = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  if (a.name === "ECDSA") return { kind: "EC", curve: a.namedCurve };
  if (a.name === "RSASSA-PKCS1-v1_5") return { kind: "RSA", hash: a.hash?.name };
  throw new Error(`unsupported key algorithm ${a.name}`);
}

function defaultSigAlg(key: CryptoKey): SigAlg {
  const k = keyInfo(key);
  if (k.kind === "RSA") return "sha256WithRSAEncryption";
  return k.curve === "P-384" ? "ecdsa-with-SHA384" : "ecdsa-with-SHA256";
}

/** Re-imports an RSA key so that it signs with `hash` (the key must be extractable). */
async function rsaKeyFor(key: CryptoKey, hash: string): Promise<CryptoKey> {
  if (keyInfo(key).hash === hash) return key;
  const der = await crypto.subtle.exportKey("pkcs8", key);
  if (!(der instanceof ArrayBuffer)) throw new Error("pkcs8 export did not return bytes");
  return crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash }, true, ["sign"]);
}

async function signTbs(key: CryptoKey, alg: SigAlg, tbs: Bytes): Promise<Bytes> {
  const def = SIG_OIDS[alg];
  const k = keyInfo(key);
  if (k.kind === "RSA") {
    if (!alg.endsWith("RSAEncryption")) throw new Error(`${alg} needs an EC key`);
    const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", await rsaKeyFor(key, def.hash), tbs);
    return new Uint8Array(sig);
  }
  if (!alg.startsWith("ecdsa")) throw new Error(`${alg} needs an RSA key`);
  const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: def.hash }, key, tbs));
  // WebCrypto yields r||s; X.509 wants SEQUENCE { INTEGER r, INTEGER s }.
  const half = raw.length / 2;
  return seq(integer(raw.subarray(0, half)), integer(raw.subarray(half)));
}

function randomSerial(): bigint {
  const b = crypto.getRandomValues(new Uint8Array(8));
  b[0] = (b[0] ?? 0) & 0x7f;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v === 0n ? 1n : v;
}

/**
 * Builds and signs one X.509 v3 certificate.
 * @example
 * const root = await generateKeyPair();
 * const cert = await createCertificate({ subject: "Test Root", publicKey: root.publicKey, privateKey: root.privateKey,
 *   notBefore: new Date("2026-01-01"), notAfter: new Date("2036-01-01"), isCA: true });
 */
export async function createCertificate(spec: CertSpec): Promise<IssuedCert> {
  const signer = spec.issuer?.privateKey ?? spec.privateKey;
  if (!signer) throw new Error("createCertificate needs issuer.privateKey or privateKey (self-signed)");
  const sigAlg = spec.sigAlg ?? defaultSigAlg(signer);
  const spkiBuf = await crypto.subtle.exportKey("spki", spec.publicKey);
  if (!(spkiBuf instanceof ArrayBuffer)) throw new Error("spki export did not return bytes");

  const exts: Bytes[] = [];
  if (!spec.omitBasicConstraints) {
    const bc: Bytes[] = [];
    if (spec.isCA) bc.push(tlv(0x01, Uint8Array.of(0xff)));
    if (spec.isCA && spec.pathLen !== undefined) bc.push(integer(BigInt(spec.pathLen)));
    exts.push(extension("2.5.29.19", true, seq(...bc)));
  }
  const usages = spec.keyUsage ?? (spec.isCA ? ["keyCertSign", "cRLSign"] : ["digitalSignature"]);
  if (usages.length > 0) exts.push(extension("2.5.29.15", true, keyUsageValue(usages)));
  if (spec.dnsNames && spec.dnsNames.length > 0) {
    exts.push(extension("2.5.29.17", false, seq(...spec.dnsNames.map((d) => tlv(0x82, utf8(d))))));
  }
  for (const x of spec.extraExtensions ?? []) exts.push(extension(x.oid, x.critical, new Uint8Array(x.value)));

  const tbsParts = [
    tlv(0xa0, integer(2n)),
    integer(spec.serial === undefined ? randomSerial() : BigInt(spec.serial)),
    algorithmIdentifier(sigAlg),
    name(spec.issuer?.subject ?? spec.subject),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    new Uint8Array(spkiBuf),
  ];
  if (exts.length > 0) tbsParts.push(tlv(0xa3, seq(...exts)));
  const tbs = seq(...tbsParts);
  const signature = await signTbs(signer, sigAlg, tbs);
  const der = seq(tbs, algorithmIdentifier(sigAlg), bitString(signature));
  return { der, pem: pem("CERTIFICATE", der) };
}

/**
 * Signs a request body the way Alexa does: base64 RSASSA-PKCS1-v1_5 over the
 * exact bytes (strings are UTF-8 encoded), with the hash the key was imported for.
 * @example headers["Signature-256"] = await signBody(pki.leafKey, body);
 */
export async function signBody(key: CryptoKey, body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === "string" ? utf8(body) : new Uint8Array(body);
  const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, bytes);
  return toBase64(new Uint8Array(sig));
}

const DAY_MS = 86_400_000;
/** Subjects used by `createTestPki`. @example createCertificate({ issuer: { subject: TEST_ROOT_SUBJECT, privateKey }, ... }) */
export const TEST_ROOT_SUBJECT = "CN=alexa-list-bridge Test Root CA,O=alexa-list-bridge test";
export const TEST_INTERMEDIATE_SUBJECT = "CN=alexa-list-bridge Test Intermediate CA,O=alexa-list-bridge test";
export const TEST_LEAF_SUBJECT = "CN=echo-api.amazon.com,O=alexa-list-bridge test";

/**
 * A complete three-level test PKI: root CA → intermediate CA → leaf whose SAN is
 * `echo-api.amazon.com` (or `dnsNames`), valid from a day before `now` for `validDays`.
 * @example
 * const pki = await createTestPki();
 * const sig = await signBody(pki.leafKey, body); // serve pki.chainPem, trust pki.rootPem
 */
export async function createTestPki(opts: { now?: Date; validDays?: number; dnsNames?: string[] } = {}): Promise<TestPki> {
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - DAY_MS);
  const notAfter = new Date(now.getTime() + (opts.validDays ?? 365) * DAY_MS);
  const [rootKey, intermediateKey, leafPair] = await Promise.all([
    generateKeyPair("RSA-2048"),
    generateKeyPair("RSA-2048"),
    generateKeyPair("RSA-2048"),
  ]);
  const root = await createCertificate({
    subject: TEST_ROOT_SUBJECT,
    publicKey: rootKey.publicKey,
    privateKey: rootKey.privateKey,
    notBefore,
    notAfter: new Date(notAfter.getTime() + DAY_MS),
    isCA: true,
  });
  const intermediate = await createCertificate({
    subject: TEST_INTERMEDIATE_SUBJECT,
    issuer: { subject: TEST_ROOT_SUBJECT, privateKey: rootKey.privateKey },
    publicKey: intermediateKey.publicKey,
    notBefore,
    notAfter: new Date(notAfter.getTime() + DAY_MS),
    isCA: true,
    pathLen: 0,
  });
  const leaf = await createCertificate({
    subject: TEST_LEAF_SUBJECT,
    issuer: { subject: TEST_INTERMEDIATE_SUBJECT, privateKey: intermediateKey.privateKey },
    publicKey: leafPair.publicKey,
    notBefore,
    notAfter,
    dnsNames: opts.dnsNames ?? ["echo-api.amazon.com"],
  });
  const leafKeySha1 = await rsaKeyFor(leafPair.privateKey, "SHA-1");
  return {
    rootPem: root.pem,
    intermediatePem: intermediate.pem,
    leafPem: leaf.pem,
    chainPem: leaf.pem + intermediate.pem,
    leafKey: leafPair.privateKey,
    leafKeySha1,
    rootKey,
    intermediateKey,
  };
}
