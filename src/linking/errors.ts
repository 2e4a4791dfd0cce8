/**
 * @module linking/errors
 * The one error of account linking. `code` is a stable, closed set callers
 * switch on; `message` is for logs and never contains the token.
 */

/**
 * Why a linked-account token was not accepted. `VERIFIER_UNAVAILABLE` (the
 * JWKS or introspection endpoint could not be reached or answered nonsense, or
 * the token's kid is not in a key set that cannot be refetched yet) is the
 * only transient one: the token may be fine.
 * @example if (e.code === "TOKEN_EXPIRED") return linkAccountCard();
 */
export type LinkingErrorCode =
  | "NOT_CONFIGURED"
  | "TOKEN_MALFORMED"
  | "TOKEN_ALG_NOT_ALLOWED"
  | "TOKEN_KEY_UNKNOWN"
  | "TOKEN_SIGNATURE_INVALID"
  | "TOKEN_ISSUER_MISMATCH"
  | "TOKEN_AUDIENCE_MISMATCH"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "TOKEN_CLAIMS_INVALID"
  | "TOKEN_INACTIVE"
  | "VERIFIER_UNAVAILABLE";

/**
 * A token that must not link anyone (or, for `VERIFIER_UNAVAILABLE`, could not
 * be checked now).
 * @example
 * try { await verifier.verify(token); }
 * catch (e) { if (e instanceof LinkingError && e.retryable) return tryAgainShortly(); }
 */
export class LinkingError extends Error {
  override readonly name = "LinkingError";
  readonly code: LinkingErrorCode;

  constructor(code: LinkingErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ? `${code}: ${message}` : code, options);
    this.code = code;
  }

  /** True when asking again later may succeed. @example if (e.retryable) return 503; */
  get retryable(): boolean {
    return this.code === "VERIFIER_UNAVAILABLE";
  }
}
