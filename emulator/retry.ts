/**
 * @module emulator/retry
 * Alexa's redelivery schedule for skill events, list events and skill
 * messages: the first retry 30 s after a failure, doubling, at most 30 min
 * between attempts, for at most 1 h after the first attempt (events) or until
 * the message expires (`expiresAfterSeconds`). No jitter: Amazon documents none.
 *
 * `baseMs` and `maxDelayMs` are configurable so that tests run the same
 * schedule in milliseconds.
 */

export interface RetryPolicy {
  /** Delay after the first failure. Alexa: 30 000. */
  baseMs: number;
  /** Largest delay between two attempts. Alexa: 1 800 000. */
  maxDelayMs: number;
}

export const ALEXA_RETRY: RetryPolicy = { baseMs: 30_000, maxDelayMs: 1_800_000 };
/** How long list and skill events are retried. */
export const EVENT_RETRY_WINDOW_MS = 3_600_000;

/**
 * The delay before the next attempt after `failures` failed attempts (>= 1).
 * @example retryDelay(1, ALEXA_RETRY); // 30000
 * retryDelay(3, ALEXA_RETRY);          // 120000
 */
export function retryDelay(failures: number, policy: RetryPolicy): number {
  const n = Math.max(1, Math.floor(failures));
  return Math.min(policy.maxDelayMs, policy.baseMs * 2 ** (n - 1));
}

/**
 * When the next attempt is due (ms since epoch), or `null` when it would fall
 * after the retry window that started at `firstAttemptAt`.
 * @example nextAttemptAt(1, t0, t0 + 100, ALEXA_RETRY, EVENT_RETRY_WINDOW_MS); // t0 + 100 + 30000
 */
export function nextAttemptAt(
  failures: number,
  firstAttemptAt: number,
  failedAt: number,
  policy: RetryPolicy,
  windowMs: number,
): number | null {
  const at = failedAt + retryDelay(failures, policy);
  return at - firstAttemptAt > windowMs ? null : at;
}

/**
 * Attempt offsets from the first one when every attempt fails instantly:
 * the schedule the README documents.
 * @example retryOffsets(ALEXA_RETRY, EVENT_RETRY_WINDOW_MS); // [0, 30000, 90000, 210000, …]
 */
export function retryOffsets(policy: RetryPolicy, windowMs: number): number[] {
  const offsets = [0];
  for (let failures = 1; ; failures++) {
    const next = nextAttemptAt(failures, 0, offsets[offsets.length - 1] as number, policy, windowMs);
    if (next === null) return offsets;
    offsets.push(next);
  }
}
