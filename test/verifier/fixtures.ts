/**
 * Shared fixtures for the verifier tests: a test PKI built with emulator/pki.ts
 * (keys generated once per test file), Alexa-shaped envelopes, signed requests
 * and a counting certificate downloader.
 */
import {
  type CertSpec,
  createCertificate,
  generateKeyPair,
  importPrivateKeyPkcs8Pem,
  exportPrivateKeyPkcs8Pem,
  signBody,
} from "../../emulator/pki.ts";
import { AlexaVerificationError, type VerifyOptions } from "../../src/verifier/index.ts";

export const DAY = 86_400_000;
/** The frozen "now" of every verifier test. */
export const NOW = Date.parse("2031-03-10T12:00:00Z");
export const CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem";
export const SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555";
export const ROOT_DN = "CN=Verifier Test Root,O=alexa-list-bridge test";
export const INTER_DN = "CN=Verifier Test Intermediate,O=alexa-list-bridge test";
export const LEAF_DN = "CN=echo-api.amazon.com";

export interface Keys {
  root: CryptoKeyPair;
  inter: CryptoKeyPair;
  leaf: CryptoKeyPair;
  leafSha1: CryptoKey;
  other: CryptoKeyPair;
  ecP384: CryptoKeyPair;
  ecP256: CryptoKeyPair;
}

let keys: Promise<Keys> | undefined;

/** Key pairs, generated once per test file (RSA generation is the slow part). */
export function testKeys(): Promise<Keys> {
  keys ??= (async () => {
    const [root, inter, leaf, other, ecP384, ecP256] = await Promise.all([
      generateKeyPair("RSA-2048"),
      generateKeyPair("RSA-2048"),
      generateKeyPair("RSA-2048"),
      generateKeyPair("RSA-2048"),
      generateKeyPair("EC-P384"),
      generateKeyPair("EC-P256"),
    ]);
    const leafSha1 = await importPrivateKeyPkcs8Pem(await exportPrivateKeyPkcs8Pem(leaf.privateKey), { hash: "SHA-1" });
    return { root, inter, leaf, leafSha1, other, ecP384, ecP256 };
  })();
  return keys;
}

type Overrides = Partial<Omit<CertSpec, "issuer" | "publicKey" | "privateKey">>;

export interface Chain {
  rootPem: string;
  interPem: string;
  leafPem: string;
  /** leaf + intermediate, what the URL serves. */
  chainPem: string;
}

/**
 * Root (self-signed) → intermediate (CA, pathLen 0) → leaf (SAN echo-api.amazon.com),
 * all valid around NOW; each level's spec can be overridden.
 */
export async function buildChain(o: { root?: Overrides; inter?: Overrides; leaf?: Overrides } = {}): Promise<Chain> {
  const k = await testKeys();
  const root = await createCertificate({
    subject: ROOT_DN,
    publicKey: k.root.publicKey,
    privateKey: k.root.privateKey,
    notBefore: new Date(NOW - 365 * DAY),
    notAfter: new Date(NOW + 3650 * DAY),
    isCA: true,
    ...o.root,
  });
  const inter = await createCertificate({
    subject: INTER_DN,
    issuer: { subject: o.root?.subject ?? ROOT_DN, privateKey: k.root.privateKey },
    publicKey: k.inter.publicKey,
    notBefore: new Date(NOW - 365 * DAY),
    notAfter: new Date(NOW + 1825 * DAY),
    isCA: true,
    pathLen: 0,
    ...o.inter,
  });
  const leaf = await createCertificate({
    subject: LEAF_DN,
    issuer: { subject: o.inter?.subject ?? INTER_DN, privateKey: k.inter.privateKey },
    publicKey: k.leaf.publicKey,
    notBefore: new Date(NOW - 30 * DAY),
    notAfter: new Date(NOW + 60 * DAY),
    dnsNames: ["echo-api.amazon.com"],
    ...o.leaf,
  });
  return { rootPem: root.pem, interPem: inter.pem, leafPem: leaf.pem, chainPem: leaf.pem + inter.pem };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** An Alexa request envelope as JSON text. */
export function envelopeJson(
  o: { type?: string; timestamp?: unknown; appId?: string; where?: "context" | "session" | "both"; text?: string } = {},
): string {
  const app = { applicationId: o.appId ?? SKILL_ID };
  const where = o.where ?? "context";
  const env: Record<string, unknown> = {
    version: "1.0",
    request: {
      type: o.type ?? "IntentRequest",
      requestId: "amzn1.echo-api.request.test",
      timestamp: "timestamp" in o ? o.timestamp : iso(NOW),
      locale: "en-US",
      ...(o.text === undefined ? {} : { intent: { name: "AddItem", slots: { item: { name: "item", value: o.text } } } }),
    },
  };
  if (where !== "context") env.session = { new: true, sessionId: "s", application: app, user: { userId: "u" } };
  if (where !== "session") env.context = { System: { application: app, user: { userId: "amzn1.ask.account.test" } } };
  return JSON.stringify(env);
}

export type Headers256 = Record<string, string>;

/** Headers signing `body` with the leaf key: `Signature-256` (default) or the legacy SHA-1 `Signature`. */
export async function signedHeaders(
  body: string | Uint8Array,
  o: { legacy?: boolean; url?: string } = {},
): Promise<Headers256> {
  const k = await testKeys();
  const headers: Headers256 = { SignatureCertChainUrl: o.url ?? CERT_URL };
  if (o.legacy) headers.Signature = await signBody(k.leafSha1, body);
  else headers["Signature-256"] = await signBody(k.leaf.privateKey, body);
  return headers;
}

/** A certificate downloader that serves fixed PEM text and records every URL it was asked for. */
export function servePem(pem: string | (() => Promise<string>)): ((url: string) => Promise<string>) & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (url: string): Promise<string> => {
    calls.push(url);
    return typeof pem === "string" ? pem : pem();
  };
  return Object.assign(fn, { calls });
}

/** Options trusting `chain`'s root at NOW. */
export function optionsFor(chain: Chain, extra: Partial<VerifyOptions> = {}): VerifyOptions & { fetchCertChain: ReturnType<typeof servePem> } {
  return {
    skillIds: [SKILL_ID],
    now: () => NOW,
    trustedRoots: [chain.rootPem],
    fetchCertChain: servePem(chain.chainPem),
    ...extra,
  } as VerifyOptions & { fetchCertChain: ReturnType<typeof servePem> };
}

/** The code of the AlexaVerificationError a promise rejects with ("OK" when it resolves). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    return e instanceof AlexaVerificationError ? e.code : `THREW ${String(e)}`;
  }
}
