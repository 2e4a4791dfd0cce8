/**
 * @module util/backoff
 * Retry timing: exponential backoff with "full jitter" (a uniformly random
 * delay between 0 and the capped exponential), and `Retry-After` parsing.
 *
 * Trade-off: full jitter spreads retries from many users best (no thundering
 * herd after an Amazon outage) at the cost of sometimes retrying very early;
 * callers that must wait at least N ms take `max(N, backoffDelay(...))`, e.g.
 * with the server's `Retry-After`.
 */

export interface BackoffOptions {
  /** Delay cap of the first retry, in ms. Default 1000. */
  baseMs?: number;
  /** Upper bound of any delay, in ms. Default 3 600 000 (1 h). */
  maxMs?: number;
  /** Source of randomness in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0-based): a random integer in
 * `[0, min(maxMs, baseMs * 2^attempt))`.
 * @example
 * const wait = backoffDelay(attempts, { baseMs: 30_000, maxMs: 1_800_000 });
 * await storage.setAlarm(Date.now() + wait);
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const baseMs = nonNegative(opts.baseMs, 1000);
  const maxMs = nonNegative(opts.maxMs, 3_600_000);
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  // 2 ** 1100 is Infinity, which Math.min turns into maxMs: no overflow checks needed.
  const cap = Math.min(maxMs, baseMs * 2 ** n);
  let r = (opts.random ?? Math.random)();
  // A broken random source must not produce a negative or over-cap delay.
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r >= 1) r = 1 - Number.EPSILON;
  return Math.floor(r * cap);
}

/**
 * Parses an HTTP `Retry-After` value (delay-seconds or an HTTP-date) into a
 * delay in ms from `nowMs`, never negative. Unparseable or absent → `null`.
 * @example
 * parseRetryAfter("120", Date.now());                          // 120000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.now()); // 0 (in the past)
 * parseRetryAfter(res.headers.get("retry-after"), Date.now());  // null when absent
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (v === "") return null;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const ms = Math.ceil(Number(v) * 1000);
    return Number.isFinite(ms) ? ms : null;
  }
  // Date.parse accepts far more than HTTP-dates ("-1", "2"): insist on a month
  // name, which all three HTTP-date forms (IMF-fixdate, RFC 850, asctime) carry.
  if (!/\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b/i.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
