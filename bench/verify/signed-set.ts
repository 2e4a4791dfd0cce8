/**
 * @module bench/verify/signed-set
 * The identical signed requests every verifier sees (Node and workerd): a
 * valid `Messaging.MessageReceived`, the same body with a valid-looking
 * signature over other bytes, an expired (2 h old: past even the 1 h event window) but correctly signed
 * one, and one whose certificate URL is not Amazon's.
 */
import { X509Certificate } from "node:crypto";
import { signBody, type TestPki } from "../../emulator/pki.ts";
import { encodeBridgeMessage } from "../../src/protocol/bridge-message.ts";
import { messageReceived, sign, type SignedRequest } from "../lib/alexa-requests.ts";

export interface SignedSet {
  hot: SignedRequest;
  badSig: SignedRequest;
  expired: SignedRequest;
  badUrl: SignedRequest;
  /** The leaf's public key, SPKI DER, base64 (for the bare verify). */
  leafSpkiB64: string;
}

/**
 * Signs the set now (timestamps are valid for 150 s from here).
 * @example const set = await signedSet(pki);
 */
export async function signedSet(pki: TestPki, apiEndpoint = "https://api.amazonalexa.com"): Promise<SignedSet> {
  const common = { userId: "amzn1.ask.account.BENCHVERIFY", requestId: "amzn1.echo-api.request.bench-1", apiEndpoint };
  const message = encodeBridgeMessage({ opId: "op-bench-1", op: { kind: "create", list: "shopping", value: "milk" } });
  const body = messageReceived(common, message);
  const hot = await sign(pki.leafKey, body);
  const badSig: SignedRequest = {
    headers: { ...hot.headers, "Signature-256": await signBody(pki.leafKey, `${body} `) },
    body,
  };
  const expiredBody = messageReceived(
    { ...common, requestId: "amzn1.echo-api.request.bench-old", timestamp: new Date(Date.now() - 2 * 3600_000).toISOString() },
    message,
  );
  const expired = await sign(pki.leafKey, expiredBody);
  const badUrl: SignedRequest = {
    headers: { ...hot.headers, SignatureCertChainUrl: "https://notamazon.com/echo.api/echo-api-cert.pem" },
    body,
  };
  const spki = new X509Certificate(pki.leafPem).publicKey.export({ type: "spki", format: "der" });
  return { hot, badSig, expired, badUrl, leafSpkiB64: spki.toString("base64") };
}
