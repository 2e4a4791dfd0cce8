/**
 * @module alexa/amazon-error
 * The shape every Amazon client here rejects with: a machine-readable `code`,
 * the HTTP `status` when there was an answer, `retryable`, and Amazon's
 * `Retry-After` in ms.
 *
 * Trade-offs: one base class for the List API, LWA and Skill Messaging errors,
 * so a caller that only cares whether to retry (the outbox) can ask
 * `instanceof AmazonApiError` once, while each client still names its own
 * subclass and code union (`instanceof ListApiError` keeps meaning "the List
 * API"). The three clients agree on what is transient (429, 5xx, timeouts,
 * network failures), so that set is the default; a client with a different
 * policy passes its own. `status` and `retryAfterMs` are assigned only when
 * known, so an error for a timeout carries no invented status.
 */

/** The failures worth retrying later, whichever Amazon API answered. */
export type TransientAmazonErrorCode = "RATE_LIMITED" | "SERVER_ERROR" | "TIMEOUT" | "NETWORK";

/**
 * The default retryable set of {@link AmazonApiError}.
 * @example TRANSIENT_AMAZON_ERROR_CODES.has("RATE_LIMITED") // true
 */
export const TRANSIENT_AMAZON_ERROR_CODES: ReadonlySet<TransientAmazonErrorCode> = new Set([
  "RATE_LIMITED",
  "SERVER_ERROR",
  "TIMEOUT",
  "NETWORK",
]);

/** Optional facts about a failed call. @example { status: 429, retryAfterMs: 2000 } */
export interface AmazonErrorDetails {
  /** HTTP status of Amazon's answer; absent for timeouts and network failures. */
  status?: number;
  /** Amazon's `Retry-After`, in milliseconds, when it sent one. */
  retryAfterMs?: number;
}

/**
 * Base of the Amazon clients' errors. A subclass sets `name` and narrows `C`
 * to its code union (which includes the transient codes it can produce).
 * @example
 * class ThingError extends AmazonApiError<"DENIED" | TransientAmazonErrorCode> {
 *   override readonly name = "ThingError";
 * }
 * new ThingError("RATE_LIMITED", "slow down", { status: 429 }).retryable; // true
 * catch (e) { if (e instanceof AmazonApiError && e.retryable) retryAfter(e.retryAfterMs); }
 */
export abstract class AmazonApiError<C extends string> extends Error {
  readonly code: C;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(
    code: C,
    message: string,
    extra: AmazonErrorDetails = {},
    retryableCodes: ReadonlySet<string> = TRANSIENT_AMAZON_ERROR_CODES,
  ) {
    super(message);
    this.code = code;
    this.retryable = retryableCodes.has(code);
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
  }
}
