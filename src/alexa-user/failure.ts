/**
 * @module alexa-user/failure
 * The answer to Alexa when handling a request failed: 503 for what a
 * redelivery may fix (List API 429/5xx/timeout, anything unexpected), the
 * inbound handler's own 4xx, or `null` for a permanent List API failure,
 * which is acknowledged (redelivery cannot help).
 */
import { ListApiError } from "../alexa/list-api.ts";
import type { AlexaAnswer } from "./dedupe.ts";
import { InboundError } from "./inbound/context.ts";

/**
 * The answer for a handler failure, or `null` for a permanent List API
 * failure (acknowledged: redelivery cannot help; logged). Anything unexpected
 * (a bug, a misconfiguration) is a 503, never a 500: nothing was recorded, so
 * Alexa's redeliveries (for up to an hour) can still succeed once it is fixed.
 * @example const answer = failureAnswer(e, req.type); if (answer) return answer;
 */
export function failureAnswer(e: unknown, type: string): AlexaAnswer | null {
  if (e instanceof ListApiError) {
    if (e.retryable) {
      console.warn(`${type}: List API ${e.code}; answering 503 so that Alexa redelivers`);
      return { status: 503, body: { error: "UPSTREAM_UNAVAILABLE", message: `List API: ${e.code}` } };
    }
    console.warn(`${type}: List API ${e.code} (${e.message}); acknowledged without effect`);
    return null;
  }
  if (e instanceof InboundError) return { status: e.status, body: { error: e.code, message: e.message } };
  console.error(`${type}: handler failed; answering 503 so that Alexa redelivers`, e);
  return { status: 503, body: { error: "INTERNAL" } };
}
