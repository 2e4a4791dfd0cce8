/**
 * @module verifier/x509
 * Extracts the fields the verifier needs from one X.509 v3 certificate
 * (RFC 5280): the signed bytes, the signature and its algorithm, raw issuer and
 * subject names, validity, the public key, basicConstraints, keyUsage and the
 * SAN dNSNames. It does not check signatures or trust (see chain.ts).
 *
 * Trade-offs: names are kept as raw DER and compared byte for byte (RFC 5280
 * allows smarter matching; every CA on Alexa's paths encodes names
 * identically). Extensions other than the ones below are ignored unless
 * critical: an unknown critical extension marks the certificate as unusable,
 * as RFC 5280 4.2 requires. Malformed input throws `DerError`.
 */
import {
  DerError,
  Tag,
  type Tlv,
  bytesEqual,
  children,
  expectTagOf,
  parseDer,
  readBitString,
  readBitStringBytes,
  readBoolean,
  readIntegerBytes,
  readOid,
  readSmallInt,
  readTime,
} from "./der.ts";

/** Signature algorithms that verification can be attempted with. @example if (cert.signatureAlgorithm.kind === "unsupported") return false; */
export type CertSignatureAlgorithm =
  | { kind: "RSA"; hash: "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512" }
  | { kind: "ECDSA"; hash: "SHA-256" | "SHA-384" | "SHA-512" }
  | { kind: "unsupported"; oid: string };

/** The subject public key's algorithm. @example cert.publicKeyAlgorithm.kind === "RSA" */
export type PublicKeyAlgorithm = { kind: "RSA" } | { kind: "EC"; curve: "P-256" | "P-384" } | { kind: "unsupported"; oid: string };

/** The parsed fields of one certificate; byte fields are views into `der`. @example parseCertificate(der).notAfter */
export interface Certificate {
  /** The whole certificate. */
  der: Uint8Array;
  /** tbsCertificate, the bytes the issuer signed. */
  tbs: Uint8Array;
  signatureAlgorithm: CertSignatureAlgorithm;
  signatureValue: Uint8Array;
  /** Raw DER of the issuer and subject Names. */
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: number;
  notAfter: number;
  /** SubjectPublicKeyInfo DER, as WebCrypto's "spki" import takes it. */
  spki: Uint8Array;
  publicKeyAlgorithm: PublicKeyAlgorithm;
  /** Absent when the extension is absent. */
  basicConstraints?: { cA: boolean; pathLen?: number };
  /** Absent when the extension is absent; otherwise the names of the bits set. */
  keyUsage?: ReadonlySet<KeyUsage>;
  dnsNames: string[];
  /** OIDs of critical extensions this parser does not process. */
  unknownCriticalExtensions: string[];
}

/** keyUsage bit names (RFC 5280 4.2.1.3). @example cert.keyUsage?.has("keyCertSign") */
export type KeyUsage =
  | "digitalSignature"
  | "nonRepudiation"
  | "keyEncipherment"
  | "dataEncipherment"
  | "keyAgreement"
  | "keyCertSign"
  | "cRLSign"
  | "encipherOnly"
  | "decipherOnly";

const KEY_USAGE_BITS: readonly KeyUsage[] = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];

const SIG_ALGS: Record<string, CertSignatureAlgorithm> = {
  "1.2.840.113549.1.1.5": { kind: "RSA", hash: "SHA-1" },
  "1.2.840.113549.1.1.11": { kind: "RSA", hash: "SHA-256" },
  "1.2.840.113549.1.1.12": { kind: "RSA", hash: "SHA-384" },
  "1.2.840.113549.1.1.13": { kind: "RSA", hash: "SHA-512" },
  "1.2.840.10045.4.3.2": { kind: "ECDSA", hash: "SHA-256" },
  "1.2.840.10045.4.3.3": { kind: "ECDSA", hash: "SHA-384" },
  "1.2.840.10045.4.3.4": { kind: "ECDSA", hash: "SHA-512" },
};

const OID_RSA = "1.2.840.113549.1.1.1";
const OID_EC = "1.2.840.10045.2.1";
const CURVES: Record<string, "P-256" | "P-384"> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
};

const EXT_BASIC_CONSTRAINTS = "2.5.29.19";
const EXT_KEY_USAGE = "2.5.29.15";
const EXT_SAN = "2.5.29.17";
/** Extensions that may be critical without changing what this verifier decides. */
const HARMLESS_CRITICAL = new Set([
  "2.5.29.14", // subjectKeyIdentifier
  "2.5.29.35", // authorityKeyIdentifier
  "2.5.29.37", // extKeyUsage: Amazon's leaves say serverAuth/clientAuth; no EKU means request signing
]);

function signatureAlgorithm(tlv: Tlv | undefined): CertSignatureAlgorithm {
  const [idTlv, params, ...extra] = children(expectTagOf(tlv, Tag.SEQUENCE));
  if (extra.length > 0) throw new DerError("AlgorithmIdentifier has extra fields");
  const id = readOid(idTlv);
  const alg = SIG_ALGS[id];
  if (!alg) return { kind: "unsupported", oid: id };
  // RFC 4055: RSA parameters are NULL; RFC 5758: ECDSA parameters are absent.
  if (alg.kind === "RSA" && (params?.tag !== Tag.NULL || params.value.length !== 0)) throw new DerError("RSA params");
  if (alg.kind === "ECDSA" && params !== undefined) throw new DerError("ECDSA params");
  return alg;
}

function publicKeyAlgorithm(spki: Tlv): PublicKeyAlgorithm {
  const [algTlv, keyBits, ...extra] = children(spki, Tag.SEQUENCE);
  if (extra.length > 0) throw new DerError("SubjectPublicKeyInfo has extra fields");
  readBitStringBytes(keyBits);
  const [idTlv, params] = children(expectTagOf(algTlv, Tag.SEQUENCE));
  const id = readOid(idTlv);
  if (id === OID_RSA) return { kind: "RSA" };
  if (id === OID_EC && params?.tag === Tag.OID) {
    const curve = CURVES[readOid(params)];
    if (curve) return { kind: "EC", curve };
  }
  return { kind: "unsupported", oid: id };
}

function basicConstraints(value: Uint8Array): { cA: boolean; pathLen?: number } {
  const fields = children(expectTagOf(parseDer(value), Tag.SEQUENCE));
  let i = 0;
  let cA = false;
  if (fields[i]?.tag === Tag.BOOLEAN) {
    cA = readBoolean(fields[i]);
    // DER omits DEFAULT values, so an explicit FALSE is not DER.
    if (!cA) throw new DerError("explicit cA FALSE");
    i++;
  }
  let pathLen: number | undefined;
  if (fields[i]?.tag === Tag.INTEGER) pathLen = readSmallInt(fields[i++]);
  if (i !== fields.length) throw new DerError("basicConstraints has extra fields");
  return pathLen === undefined ? { cA } : { cA, pathLen };
}

function keyUsage(value: Uint8Array): ReadonlySet<KeyUsage> {
  const { bytes } = readBitString(parseDer(value));
  const set = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) set.add(name);
  });
  return set;
}

function dnsNames(value: Uint8Array): string[] {
  const names: string[] = [];
  const all = children(expectTagOf(parseDer(value), Tag.SEQUENCE));
  if (all.length === 0) throw new DerError("empty subjectAltName");
  for (const gn of all) {
    if (gn.tag !== 0x82) continue; // [2] dNSName, IA5String; other GeneralName kinds are irrelevant here
    let s = "";
    for (const b of gn.value) {
      if (b < 0x20 || b > 0x7e) throw new DerError("non-IA5 dNSName");
      s += String.fromCharCode(b);
    }
    names.push(s);
  }
  return names;
}

/**
 * Parses one DER certificate. Throws `DerError` when it is not a well-formed
 * X.509 v3 (or v1) certificate.
 * @example const cert = parseCertificate(der); cert.dnsNames.includes("echo-api.amazon.com");
 */
export function parseCertificate(der: Uint8Array): Certificate {
  const [tbsTlv, sigAlgTlv, sigTlv, ...extra] = children(parseDer(der), Tag.SEQUENCE);
  if (extra.length > 0 || !tbsTlv) throw new DerError("Certificate has extra fields");
  const sigAlg = signatureAlgorithm(sigAlgTlv);
  const signatureValue = readBitStringBytes(sigTlv);

  const tbs = children(tbsTlv, Tag.SEQUENCE);
  let i = 0;
  let version = 0;
  if (tbs[0]?.tag === 0xa0) {
    const [v, ...rest] = children(tbs[0]);
    if (rest.length > 0) throw new DerError("version has extra fields");
    version = readSmallInt(v);
    if (version === 0 || version > 2) throw new DerError("unsupported version");
    i = 1;
  }
  readIntegerBytes(tbs[i++]); // serialNumber: present and well-formed; its value is not needed
  const innerAlg = expectTagOf(tbs[i++], Tag.SEQUENCE);
  // RFC 5280 4.1.1.2: the signed algorithm must match the outer one exactly.
  if (!sigAlgTlv || !bytesEqual(innerAlg.der, sigAlgTlv.der)) throw new DerError("signature algorithm mismatch");
  const issuer = expectTagOf(tbs[i++], Tag.SEQUENCE).der;
  const validity = children(expectTagOf(tbs[i++], Tag.SEQUENCE));
  if (validity.length !== 2) throw new DerError("validity");
  const notBefore = readTime(validity[0]);
  const notAfter = readTime(validity[1]);
  const subject = expectTagOf(tbs[i++], Tag.SEQUENCE).der;
  const spkiTlv = expectTagOf(tbs[i++], Tag.SEQUENCE);
  const cert: Certificate = {
    der,
    tbs: tbsTlv.der,
    signatureAlgorithm: sigAlg,
    signatureValue,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spkiTlv.der,
    publicKeyAlgorithm: publicKeyAlgorithm(spkiTlv),
    dnsNames: [],
    unknownCriticalExtensions: [],
  };
  // issuerUniqueID [1] / subjectUniqueID [2]: legal in v2/v3, unused here.
  while (tbs[i]?.tag === 0x81 || tbs[i]?.tag === 0xa1 || tbs[i]?.tag === 0x82 || tbs[i]?.tag === 0xa2) i++;
  if (tbs[i]?.tag === 0xa3) {
    if (version !== 2) throw new DerError("extensions need v3");
    readExtensions(children(tbs[i++] as Tlv), cert);
  }
  if (i !== tbs.length) throw new DerError("tbsCertificate has extra fields");
  return cert;
}

function readExtensions(wrapper: Tlv[], cert: Certificate): void {
  if (wrapper.length !== 1) throw new DerError("extensions wrapper");
  const exts = children(wrapper[0] as Tlv, Tag.SEQUENCE);
  if (exts.length === 0) throw new DerError("empty extensions");
  const seen = new Set<string>();
  for (const ext of exts) {
    const fields = children(ext, Tag.SEQUENCE);
    const id = readOid(fields[0]);
    let critical = false;
    let valueIdx = 1;
    if (fields[1]?.tag === Tag.BOOLEAN) {
      critical = readBoolean(fields[1]);
      if (!critical) throw new DerError("explicit critical FALSE");
      valueIdx = 2;
    }
    const value = expectTagOf(fields[valueIdx], Tag.OCTET_STRING).value;
    if (fields.length !== valueIdx + 1) throw new DerError("extension has extra fields");
    if (seen.has(id)) throw new DerError(`duplicate extension ${id}`);
    seen.add(id);
    if (id === EXT_BASIC_CONSTRAINTS) cert.basicConstraints = basicConstraints(value);
    else if (id === EXT_KEY_USAGE) cert.keyUsage = keyUsage(value);
    else if (id === EXT_SAN) cert.dnsNames = dnsNames(value);
    else if (critical && !HARMLESS_CRITICAL.has(id)) cert.unknownCriticalExtensions.push(id);
  }
}
