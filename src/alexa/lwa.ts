/**
 * @module alexa/lwa
 * Login with Amazon, client-credentials grant: the token the Skill Messaging
 * API wants (`scope=alexa:skill_messaging`). Pure: no caching here (see
 * `lwa-token-cache.ts`), no retries (the caller's outbox retries).
 *
 * The form body is built with URLSearchParams, so every value is URL-encoded
 * (the ASK Node SDK does not encode, which breaks secrets holding `+` or `&`).
 * The client secret never appears in an error message.
 */
import { parseRetryAfter } from "../util/backoff.ts";
import { AmazonApiError, type TransientAmazonErrorCode } from "./amazon-error.ts";
import { amazonErrorMessage, apiCall } from "./api-call.ts";

/** Amazon's token endpoint. */
export const DEFAULT_LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token";

export interface LwaToken {
  accessToken: string;
  /** Lifetime from Amazon's `expires_in` (3600 in practice). */
  expiresInSec: number;
}

export type LwaErrorCode =
  | TransientAmazonErrorCode
  | "INVALID_CLIENT"
  | "BAD_REQUEST"
  | "INVALID_RESPONSE";

/**
 * A failed token request. `INVALID_CLIENT` means the client id or secret is
 * wrong (configuration, not worth retrying).
 * @example
 * catch (e) { if (e instanceof LwaError && e.code === "INVALID_CLIENT") alertOperator(e.message); }
 */
export class LwaError extends AmazonApiError<LwaErrorCode> {
  override readonly name = "LwaError";
}

export interface LwaTokenRequest {
  fetch: typeof fetch;
  /** Default {@link DEFAULT_LWA_TOKEN_URL}. */
  tokenUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Default `alexa:skill_messaging`. */
  scope?: string;
  /** Default 8000. */
  timeoutMs?: number;
  /** Clock for `Retry-After` dates. Default `Date.now`. */
  now?: () => number;
}

// OAuth error codes (RFC 6749 §5.2) that mean the credentials themselves are wrong.
const CLIENT_ERRORS = new Set(["invalid_client", "unauthorized_client"]);

/**
 * Requests a client-credentials token.
 * @example
 * const { accessToken, expiresInSec } = await requestLwaToken({
 *   fetch, clientId: env.LWA_CLIENT_ID, clientSecret: env.LWA_CLIENT_SECRET,
 * });
 */
export async function requestLwaToken(opts: LwaTokenRequest): Promise<LwaToken> {
  const url = opts.tokenUrl ?? DEFAULT_LWA_TOKEN_URL;
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: opts.clientId,
    client_secret: opts.clientSecret,
    scope: opts.scope ?? "alexa:skill_messaging",
  }).toString();
  const out = await apiCall(
    opts.fetch,
    url,
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8", Accept: "application/json" },
      body,
    },
    opts.timeoutMs ?? 8000,
  );
  if (out.kind === "timeout") throw new LwaError("TIMEOUT", `LWA token request timed out after ${out.timeoutMs} ms`);
  if (out.kind === "network") throw new LwaError("NETWORK", `LWA token request failed: ${out.message}`);

  const { status, json } = out;
  if (status >= 200 && status < 300) {
    const o = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : null;
    const token = o?.access_token;
    const expires = typeof o?.expires_in === "string" ? Number(o.expires_in) : o?.expires_in;
    if (typeof token !== "string" || token === "") {
      throw new LwaError("INVALID_RESPONSE", "LWA token response without access_token", { status });
    }
    if (typeof expires !== "number" || !Number.isFinite(expires) || expires <= 0) {
      throw new LwaError("INVALID_RESPONSE", "LWA token response without a valid expires_in", { status });
    }
    return { accessToken: token, expiresInSec: Math.floor(expires) };
  }

  const oauthError = typeof json === "object" && json !== null ? (json as Record<string, unknown>).error : undefined;
  const message = `LWA token request: ${status} ${amazonErrorMessage(json, out.text, status)}`;
  if (status === 401 || status === 403 || (typeof oauthError === "string" && CLIENT_ERRORS.has(oauthError))) {
    throw new LwaError("INVALID_CLIENT", message, { status });
  }
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(out.headers.get("retry-after"), (opts.now ?? Date.now)());
    const code = status === 429 ? "RATE_LIMITED" : "SERVER_ERROR";
    throw new LwaError(code, message, retryAfterMs === null ? { status } : { status, retryAfterMs });
  }
  if (status >= 400) throw new LwaError("BAD_REQUEST", message, { status });
  throw new LwaError("INVALID_RESPONSE", message, { status });
}
