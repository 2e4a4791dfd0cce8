/**
 * @module shared/outbox/policy
 * The numbers and pure decisions of the outbox: message lifetime, how often an
 * unconfirmed message is re-sent, how transport failures back off, how long
 * finished operations (and their idempotency keys) are kept.
 *
 * Trade-offs: an operation is re-sent at most {@link MAX_SENDS} times when no
 * `Messaging.MessageReceived` confirms it (Alexa may drop a message; re-sends
 * are safe because the receiver drops duplicates by `opId`). Transport failures
 * (429, 5xx, timeouts) are retried at most {@link MAX_ATTEMPTS} times per send
 * with full-jitter backoff that never undercuts Amazon's `Retry-After`; after
 * that the operation fails rather than sitting in the queue forever.
 */
import { backoffDelay } from "../../util/backoff.ts";

/** Skill Messaging's default message lifetime, in seconds. */
export const DEFAULT_EXPIRES_AFTER_S = 3600;
/** Skill Messaging's maximum message lifetime (Amazon FAQ), in seconds. */
export const MAX_EXPIRES_AFTER_S = 86_400;
/** Shortest lifetime the REST API accepts, in seconds. */
export const MIN_EXPIRES_AFTER_S = 60;
/** Accepted sends of one operation before it is declared `expired`. */
export const MAX_SENDS = 3;
/** Failed transport attempts of one send before the operation `failed`. */
export const MAX_ATTEMPTS = 10;
/**
 * Wait past a message's expiry before calling it lost: a delivery that
 * started just before expiry may still be in flight to the skill.
 */
export const DELIVERY_GRACE_MS = 60_000;
/** First backoff cap for transport failures. */
export const RETRY_BASE_MS = 2_000;
/** Largest backoff for transport failures (Retry-After may ask for more). */
export const RETRY_MAX_MS = 15 * 60_000;
/**
 * Sends per alarm run; the rest continue at once in the next run. 20 sends,
 * an LWA token, a registry report and a webhook drain (at most 20) keep one
 * alarm invocation within Workers Free's 50 subrequests (docs/limits.md).
 */
export const SEND_BATCH = 20;
/** Finished operations (and their idempotency keys) are kept this long. */
export const RETENTION_MS = 7 * 86_400_000;
/** Finished operations deleted per alarm run (bounded work). */
export const PRUNE_BATCH = 200;

/**
 * The lifetime to use for a message: the default when absent, clamped to
 * Amazon's range.
 * @example messageLifetimeS(undefined) // 3600
 */
export function messageLifetimeS(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_EXPIRES_AFTER_S;
  return Math.min(MAX_EXPIRES_AFTER_S, Math.max(MIN_EXPIRES_AFTER_S, Math.floor(requested)));
}

/**
 * When an accepted send counts as lost if unconfirmed (ms since epoch).
 * @example deliveryDeadline(now, 3600) // now + 3 660 000
 */
export function deliveryDeadline(sentAt: number, lifetimeS: number): number {
  return sentAt + lifetimeS * 1000 + DELIVERY_GRACE_MS;
}

/**
 * When to try again after failed attempt number `attempt` (1-based):
 * jittered exponential backoff, but never before `Retry-After`.
 * @example retryAt(now, 1, 30_000) // >= now + 30 000
 */
export function retryAt(now: number, attempt: number, retryAfterMs?: number, random?: () => number): number {
  const backoff = backoffDelay(attempt - 1, {
    baseMs: RETRY_BASE_MS,
    maxMs: RETRY_MAX_MS,
    ...(random ? { random } : {}),
  });
  return now + Math.max(backoff, retryAfterMs ?? 0);
}
