/**
 * @module verifier/timestamp
 * Replay window for `request.timestamp`.
 *
 * Interactive requests must be within the tolerance (150 s) both ways. Event
 * requests (skill events, list events, skill messages) are redelivered with
 * their original timestamp for up to an hour, so their past tolerance is
 * larger (3600 s); their future tolerance stays the short one. Only strict
 * ISO 8601 date-times with seconds and a zone are accepted, since `Date.parse`
 * alone takes many looser forms.
 */
import { fail } from "./errors.ts";

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const EVENT_PREFIXES = ["AlexaSkillEvent.", "AlexaHouseholdListEvent."];
const EVENT_TYPES = new Set(["Messaging.MessageReceived"]);

/**
 * Whether a request type gets the long (redelivery) past tolerance.
 * @example isRedeliveredEvent("AlexaHouseholdListEvent.ItemsCreated") // true
 */
export function isRedeliveredEvent(type: unknown): boolean {
  return typeof type === "string" && (EVENT_TYPES.has(type) || EVENT_PREFIXES.some((p) => type.startsWith(p)));
}

/**
 * Throws TIMESTAMP_OUT_OF_RANGE unless `request` carries a timestamp inside the window.
 * @example checkTimestamp(envelope.request, Date.now(), 150, 3600);
 */
export function checkTimestamp(
  request: { type?: unknown; timestamp?: unknown },
  now: number,
  toleranceSec: number,
  eventToleranceSec: number,
): void {
  const ts = request.timestamp;
  if (typeof ts !== "string" || !ISO_DATE_TIME.test(ts)) fail("TIMESTAMP_OUT_OF_RANGE", "missing or malformed timestamp");
  const at = Date.parse(ts);
  if (!Number.isFinite(at)) fail("TIMESTAMP_OUT_OF_RANGE", "unparsable timestamp");
  const pastSec = isRedeliveredEvent(request.type) ? Math.max(toleranceSec, eventToleranceSec) : toleranceSec;
  const ageMs = now - at;
  // Written as "not within" so that a NaN clock or tolerance refuses instead of accepting.
  if (!(ageMs <= pastSec * 1000)) fail("TIMESTAMP_OUT_OF_RANGE", `request is ${Math.round(ageMs / 1000)} s old`);
  if (!(-ageMs <= toleranceSec * 1000)) fail("TIMESTAMP_OUT_OF_RANGE", `request is ${Math.round(-ageMs / 1000)} s in the future`);
}
