/**
 * @module verifier
 * Verifies that an HTTP request really comes from Alexa, for one or more skills
 * (ALEXA-NOTES, "Verifying a request"). Runtime-agnostic: WebCrypto and
 * `fetch` only, no `node:` imports, so it runs in Workers, Node 22+ and
 * browsers. Imported as `alexa-list-bridge/verifier`.
 *
 * Checks run in a fixed order and the first failure decides the error code:
 * size → headers → certificate URL → download/parse → leaf validity, SAN,
 * chain → body signature → JSON → timestamp → skill id. The certificate chain
 * is only downloaded once the cheap checks pass, and nothing of the body is
 * parsed before its signature is verified.
 *
 * Trade-offs: X.509 is read with a small strict DER parser (der.ts, x509.ts)
 * instead of pkijs/@peculiar/x509, keeping the bundle small and the attack
 * surface to the fields actually used. No revocation checks (Amazon's own SDKs
 * do none either). The legacy SHA-1 `Signature` header is off by default.
 */
import { decodeBase64, pemCertificates } from "./base64.ts";
import { cachedChain, type CachedChain } from "./cache.ts";
import { DEFAULT_CERT_ORIGIN, normaliseCertUrl } from "./cert-url.ts";
import { assertLeafUsable, validatePath } from "./chain.ts";
import { DerError } from "./der.ts";
import { AlexaVerificationError, fail } from "./errors.ts";
import { defaultFetchCertChain } from "./fetch-chain.ts";
import { DEFAULT_TRUSTED_ROOTS } from "./roots.ts";
import { type BodyHash, importRsaVerifyKey, verifyRsa } from "./signature.ts";
import { checkTimestamp } from "./timestamp.ts";
import { trustStore } from "./trust.ts";
import { type Certificate, parseCertificate } from "./x509.ts";

export { AlexaVerificationError } from "./errors.ts";
export type { VerificationErrorCode } from "./errors.ts";

/**
 * What the verifier reads of Alexa's request envelope; every other field is
 * there as Alexa sent it. Kept here rather than taken from ask-sdk-model, so
 * the package's types need nothing else installed: pass ask-sdk-model's
 * `RequestEnvelope` as the type argument for its full description
 * (`verifyAlexaRequest<RequestEnvelope>(…)`).
 */
export interface AlexaRequestEnvelope {
  version: string;
  session?: { application?: { applicationId: string }; [key: string]: unknown };
  context?: { System?: { application?: { applicationId: string }; [key: string]: unknown }; [key: string]: unknown };
  request: { type: string; requestId?: string; timestamp: string; locale?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** How to verify. Only `skillIds` is required. @example { skillIds: ["amzn1.ask.skill.1234"], allowLegacySha1: false } */
export interface VerifyOptions {
  /** Skill ids this endpoint answers for (`amzn1.ask.skill.…`). */
  skillIds: readonly string[];
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Downloads the PEM bundle at a (checked, normalised) URL. Default: `fetch`, 3 s timeout, one retry. */
  fetchCertChain?: (url: string) => Promise<string>;
  /** PEM trust anchors. Default: Amazon Root CA 1-4 and Starfield Services Root G2. */
  trustedRoots?: readonly string[];
  /** Accept the legacy `Signature` (RSA-SHA1) header when `Signature-256` is absent. Default false. */
  allowLegacySha1?: boolean;
  /** The only origin certificate URLs may point at. Default `https://s3.amazonaws.com`. */
  certOrigin?: string;
  /** Default 256 KiB. */
  maxBodyBytes?: number;
  /** Past and future tolerance for `request.timestamp`. Default 150 s. */
  timestampToleranceSec?: number;
  /** Past tolerance for redelivered events (skill, list, messaging). Default 3600 s. */
  eventTimestampToleranceSec?: number;
}

/** The parts of an HTTP request the verifier reads. @example { headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) } */
export interface AlexaHttpRequest {
  headers: Headers | Record<string, string | undefined>;
  /** The raw body exactly as received; strings are taken as UTF-8. */
  body: string | Uint8Array | ArrayBuffer;
}

const MAX_BUNDLE_CERTS = 10;
// Stateless when not streaming, so one of each serves every request.
const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Verifies an Alexa request and returns its parsed envelope, or throws
 * `AlexaVerificationError` with a stable `code`. Never throws anything else.
 * @example
 * const envelope = await verifyAlexaRequest(
 *   { headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) },
 *   { skillIds: ["amzn1.ask.skill.1234"] },
 * );
 */
export async function verifyAlexaRequest<T = AlexaRequestEnvelope>(request: AlexaHttpRequest, options: VerifyOptions): Promise<T> {
  try {
    return (await verify(request, options)) as T;
  } catch (e) {
    if (e instanceof AlexaVerificationError) throw e;
    // A bug or an exotic runtime failure: still a refusal, never an unverified pass.
    throw new AlexaVerificationError("SIGNATURE_INVALID", `unexpected ${e instanceof Error ? e.name : typeof e}`);
  }
}

async function verify(request: AlexaHttpRequest, options: VerifyOptions): Promise<AlexaRequestEnvelope> {
  const now = options.now ?? Date.now;
  // 1. Size, before anything else (and before encoding a huge string).
  const body = bodyBytes(request.body, options.maxBodyBytes ?? 256 * 1024);

  // 2. Headers. Signature-256 alone counts when present, so a valid legacy
  //    header cannot rescue a bad SHA-256 one (downgrade).
  const certUrl = header(request.headers, "signaturecertchainurl");
  if (certUrl === undefined || certUrl === "") fail("CERT_URL_INVALID", "no SignatureCertChainUrl");
  const sig256 = header(request.headers, "signature-256");
  const sigLegacy = header(request.headers, "signature");
  let signature: string;
  let hash: BodyHash;
  if (sig256 !== undefined) [signature, hash] = [sig256, "SHA-256"];
  else if (sigLegacy !== undefined && options.allowLegacySha1) [signature, hash] = [sigLegacy, "SHA-1"];
  else return fail("SIGNATURE_MISSING", sigLegacy !== undefined ? "only the legacy SHA-1 signature" : undefined);

  // 3. The URL that is checked is the URL that is fetched.
  const url = normaliseCertUrl(certUrl, options.certOrigin ?? DEFAULT_CERT_ORIGIN);

  // 4-5. Chain: cached, or downloaded, parsed and validated.
  const trust = trustStore(options.trustedRoots ?? DEFAULT_TRUSTED_ROOTS);
  const fetchChain = options.fetchCertChain ?? defaultFetchCertChain;
  const chain = await cachedChain(`${trust.id} ${url}`, now(), () => loadChain(url, fetchChain, trust.anchors, now()));

  // 6. Signature over the exact bytes received.
  const sigBytes = decodeBase64(signature);
  if (!sigBytes) fail("SIGNATURE_INVALID", "signature is not base64");
  const key = await leafKey(chain, hash);
  if (!key || !(await verifyRsa(key, sigBytes, body))) fail("SIGNATURE_INVALID", `${hash} signature does not verify`);

  // 7. Only now is the body looked at.
  const envelope = parseEnvelope(body);

  // 8. Replay window.
  checkTimestamp(envelope.request, now(), options.timestampToleranceSec ?? 150, options.eventTimestampToleranceSec ?? 3600);

  // 9. Skill id.
  const appId = applicationId(envelope);
  if (appId === undefined || !options.skillIds.includes(appId)) fail("SKILL_ID_MISMATCH");
  return envelope as unknown as AlexaRequestEnvelope;
}

function bodyBytes(body: AlexaHttpRequest["body"], max: number): Uint8Array {
  if (typeof body === "string") {
    // UTF-8 never has fewer bytes than UTF-16 code units: a cheap early refusal.
    // "Not within" comparisons, so that a NaN limit refuses instead of allowing any size.
    if (!(body.length <= max)) fail("BODY_TOO_LARGE");
    const bytes = UTF8_ENCODER.encode(body);
    if (!(bytes.byteLength <= max)) fail("BODY_TOO_LARGE");
    return bytes;
  }
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
  if (!(bytes.byteLength <= max)) fail("BODY_TOO_LARGE");
  return bytes;
}

/** Case-insensitive header lookup for both shapes; repeated names join like `Headers` does. */
function header(headers: AlexaHttpRequest["headers"], lowerName: string): string | undefined {
  if (headers instanceof Headers) return headers.get(lowerName) ?? undefined;
  const values: string[] = [];
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && k.toLowerCase() === lowerName) values.push(v);
  return values.length === 0 ? undefined : values.join(", ");
}

async function loadChain(
  url: string,
  fetchChain: (url: string) => Promise<string>,
  anchors: readonly Certificate[],
  now: number,
): Promise<CachedChain> {
  let pem: string;
  try {
    pem = await fetchChain(url);
  } catch (e) {
    return fail("CERT_FETCH_FAILED", e instanceof Error ? e.message : undefined);
  }
  if (typeof pem !== "string") fail("CERT_FETCH_FAILED", "downloader returned no text");
  const ders = pemCertificates(pem);
  if (ders.length === 0) fail("CERT_INVALID", "no certificate in the bundle");
  if (ders.length > MAX_BUNDLE_CERTS) fail("CERT_INVALID", "too many certificates in the bundle");
  const certs: Certificate[] = [];
  for (const [i, der] of ders.entries()) {
    const cert = der ? tryParse(der) : undefined;
    // The leaf must parse; an unparsable issuer just cannot be on the path.
    if (i === 0 && !cert) fail("CERT_INVALID", "leaf certificate does not parse");
    if (cert) certs.push(cert);
  }
  assertLeafUsable(certs[0] as Certificate);
  const path = await validatePath(certs, anchors, now);
  return { spki: path.leaf.spki, notBefore: path.notBefore, notAfter: path.notAfter, keys: new Map() };
}

function tryParse(der: Uint8Array): Certificate | undefined {
  try {
    return parseCertificate(der);
  } catch (e) {
    if (e instanceof DerError) return undefined;
    throw e;
  }
}

function leafKey(chain: CachedChain, hash: BodyHash): Promise<CryptoKey | null> {
  let key = chain.keys.get(hash);
  if (!key) {
    key = importRsaVerifyKey(chain.spki, hash);
    chain.keys.set(hash, key);
  }
  return key;
}

interface LooseEnvelope {
  request: { type?: unknown; timestamp?: unknown };
  context?: { System?: { application?: { applicationId?: unknown } } };
  session?: { application?: { applicationId?: unknown } };
}

function parseEnvelope(body: Uint8Array): LooseEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(UTF8_DECODER.decode(body));
  } catch {
    return fail("BODY_INVALID", "not UTF-8 JSON");
  }
  if (!isObject(value) || !isObject(value.request)) fail("BODY_INVALID", "not a request envelope");
  return value as unknown as LooseEnvelope;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function applicationId(e: LooseEnvelope): string | undefined {
  const fromContext = e.context?.System?.application?.applicationId;
  // Present in context, it alone decides: a malformed one is not replaced by the session's.
  if (fromContext !== undefined) return typeof fromContext === "string" ? fromContext : undefined;
  const fromSession = e.session?.application?.applicationId;
  return typeof fromSession === "string" ? fromSession : undefined;
}
