/**
 * @module alexa/skill-messaging
 * Skill Messaging API: `POST {apiEndpoint}/v1/skillmessages/users/{userId}` with
 * `{data, expiresAfterSeconds}`, answered `202 Accepted`. Alexa then delivers
 * `data` to the skill as `Messaging.MessageReceived`, in no guaranteed order,
 * possibly more than once, until the skill acknowledges or the message expires.
 *
 * Pure and retry-free: the outbox owns retries (using `retryable` and
 * `retryAfterMs`), and on `UNAUTHORIZED` drops its cached LWA token and retries
 * once with a fresh one.
 */
import { parseRetryAfter } from "../util/backoff.ts";
import { AmazonApiError, type AmazonErrorDetails, type TransientAmazonErrorCode } from "./amazon-error.ts";
import { amazonErrorMessage, apiCall, joinEndpoint } from "./api-call.ts";

export type SkillMessagingErrorCode =
  | TransientAmazonErrorCode
  | "UNAUTHORIZED"
  | "BAD_REQUEST"
  | "FORBIDDEN"
  | "NOT_FOUND";

/**
 * A message Amazon did not accept. `reason` is Amazon's own message (or a
 * description of the timeout or network failure), readable for an operator.
 * @example
 * catch (e) {
 *   if (e instanceof SkillMessagingError && e.code === "UNAUTHORIZED") { await tokens.invalidate(token); retryOnce(); }
 * }
 */
export class SkillMessagingError extends AmazonApiError<SkillMessagingErrorCode> {
  override readonly name = "SkillMessagingError";
  readonly reason: string;

  constructor(code: SkillMessagingErrorCode, reason: string, extra: AmazonErrorDetails = {}) {
    super(code, `skill message ${extra.status === undefined ? code : `${extra.status} ${code}`}: ${reason}`, extra);
    this.reason = reason;
  }
}

export interface SkillMessageRequest {
  fetch: typeof fetch;
  /** The user's region endpoint, e.g. `https://api.eu.amazonalexa.com`. */
  apiEndpoint: string;
  userId: string;
  /** An LWA token with scope `alexa:skill_messaging`. */
  accessToken: string;
  /** Delivered to the skill as `request.message`. */
  data: unknown;
  /** 1..86400, default 3600. */
  expiresAfterSeconds?: number;
  /** Default 8000. */
  timeoutMs?: number;
  /** Clock for `Retry-After` dates. Default `Date.now`. */
  now?: () => number;
}

/**
 * Sends one message; resolves once Amazon has accepted it (any 2xx, normally 202).
 * Rejects with RangeError for an expiry outside 1..86400 s, TypeError for a
 * bad endpoint, and {@link SkillMessagingError} for everything Amazon refuses.
 * @example
 * await sendSkillMessage({
 *   fetch, apiEndpoint: profile.apiEndpoint, userId, accessToken: await tokens.getToken(),
 *   data: { sometag: "some message" }, expiresAfterSeconds: 3600,
 * });
 */
export async function sendSkillMessage(opts: SkillMessageRequest): Promise<void> {
  const expiresAfterSeconds = opts.expiresAfterSeconds ?? 3600;
  if (!Number.isInteger(expiresAfterSeconds) || expiresAfterSeconds < 1 || expiresAfterSeconds > 86_400) {
    throw new RangeError(`expiresAfterSeconds must be an integer in 1..86400, got ${expiresAfterSeconds}`);
  }
  const url = joinEndpoint(opts.apiEndpoint, `/v1/skillmessages/users/${encodeURIComponent(opts.userId)}`);
  const out = await apiCall(
    opts.fetch,
    url,
    {
      method: "POST",
      headers: {
        Authorization: `Bearer ${opts.accessToken}`,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify({ data: opts.data, expiresAfterSeconds }),
    },
    opts.timeoutMs ?? 8000,
  );
  if (out.kind === "timeout") throw new SkillMessagingError("TIMEOUT", `no answer within ${out.timeoutMs} ms`);
  if (out.kind === "network") throw new SkillMessagingError("NETWORK", out.message);

  const { status } = out;
  if (status >= 200 && status < 300) return;
  const reason = amazonErrorMessage(out.json, out.text, status);
  const code: SkillMessagingErrorCode =
    status === 401
      ? "UNAUTHORIZED"
      : status === 403
        ? "FORBIDDEN"
        : status === 404
          ? "NOT_FOUND"
          : status === 429
            ? "RATE_LIMITED"
            : status >= 500
              ? "SERVER_ERROR"
              : "BAD_REQUEST"; // 400, other 4xx, and unexpected 1xx/3xx: not retryable as sent
  const retryAfterMs = parseRetryAfter(out.headers.get("retry-after"), (opts.now ?? Date.now)());
  throw new SkillMessagingError(code, reason, retryAfterMs === null ? { status } : { status, retryAfterMs });
}
