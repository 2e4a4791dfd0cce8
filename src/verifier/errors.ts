/**
 * @module verifier/errors
 * The one error the verifier throws. `code` is a stable, closed set that callers
 * switch on (the Worker maps it to its HTTP status); `message` is for logs and
 * never contains request body content.
 */

/** Every way a request can fail verification, in the order the checks run. @example if (e.code === "BODY_TOO_LARGE") status = 413; */
export type VerificationErrorCode =
  | "BODY_TOO_LARGE"
  | "CERT_URL_INVALID"
  | "SIGNATURE_MISSING"
  | "CERT_FETCH_FAILED"
  | "CERT_INVALID"
  | "CERT_EXPIRED"
  | "CERT_SAN_MISMATCH"
  | "CERT_CHAIN_UNTRUSTED"
  | "SIGNATURE_INVALID"
  | "BODY_INVALID"
  | "TIMESTAMP_OUT_OF_RANGE"
  | "SKILL_ID_MISMATCH";

/**
 * A request that must not be trusted.
 * @example
 * try { await verifyAlexaRequest(req, opts); }
 * catch (e) { if (e instanceof AlexaVerificationError) return jsonError(400, e.code); throw e; }
 */
export class AlexaVerificationError extends Error {
  override readonly name = "AlexaVerificationError";
  readonly code: VerificationErrorCode;

  constructor(code: VerificationErrorCode, message?: string) {
    super(message ? `${code}: ${message}` : code);
    this.code = code;
  }
}

/**
 * Throws `AlexaVerificationError(code)`; a shorthand that keeps the checks one line each.
 * @example if (!ok) fail("CERT_INVALID", "no certificate in bundle");
 */
export function fail(code: VerificationErrorCode, message?: string): never {
  throw new AlexaVerificationError(code, message);
}
