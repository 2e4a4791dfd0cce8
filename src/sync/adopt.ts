/**
 * @module sync/adopt
 * Exactly-once creates over a List API whose create is not idempotent,
 * decided without I/O. Before the bridge calls `createItem` for an operation it
 * durably records an *attempt* (list, value, time). When the same operation is
 * applied again and an attempt is on record, the first call may have created
 * the item even though its answer was lost (timeout, a 5xx after Amazon
 * committed, the object evicted before it committed the result). The bridge
 * then reads the list and *adopts* an item instead of creating another:
 *
 * - same `value` (exactly; Amazon stores the value as sent);
 * - created at or after the attempt, less {@link ADOPT_CLOCK_SKEW_MS} (the
 *   List API's times are whole seconds, and Amazon's clock is not ours);
 * - not claimed by anything else: not mapped to an app item, not written by
 *   the bridge for another operation (the caller decides, see `claimed`);
 * - of several, the earliest created (ties: the lowest id), so two lost
 *   attempts with the same value each adopt their own, in order.
 *
 * Limits (the heuristic's price):
 * - two identical values on the same list in the same window cannot be told
 *   apart. If the user adds the same value after the attempt and the bridge's
 *   create never reached Amazon, the user's item is adopted (linked to the
 *   app's item; no second one is made). If both exist, the earlier created
 *   wins, which is the bridge's unless the user's landed first; the other
 *   item reaches the app as an ordinary `alexa.list.items.created`;
 * - an item the user edited (value), moved to another list or ticked off
 *   (status) before both the retry and the item's own `ItemsCreated` (which
 *   adopts it as it arrives, with the same rule) is not found, and the retry
 *   creates another;
 * - an item whose `createdTime` Amazon did not send (or sent unreadable) is
 *   never adopted: without a time it could be anyone's.
 */
import type { ListItem } from "../alexa/list-api.ts";

/** How much earlier than the attempt an item may claim to be created and still be the attempt's. */
export const ADOPT_CLOCK_SKEW_MS = 10_000;

/**
 * How long after an attempt a retry that finds nothing to adopt waits before
 * creating (it answers 503, and Alexa redelivers): a create the List API
 * commits after the bridge's 4 s deadline has gone by (a hung request is
 * served late) must be there to be adopted, or the retry makes a second item.
 * Alexa's own first redelivery comes 30 s or more later, so in production this
 * only bites redeliveries that come sooner. Found by the soak (docs/soak.md,
 * finding 12); a commit later than this still makes a second item.
 */
export const ADOPT_SETTLE_MS = 15_000;

/**
 * True when a retry of `attempt` that found nothing to adopt must wait (see {@link ADOPT_SETTLE_MS}).
 * @example if (tooSoonToCreateAgain(attempt, now)) answer503();
 */
export function tooSoonToCreateAgain(attempt: Pick<CreateAttempt, "attemptedAt">, now: number): boolean {
  return now < attempt.attemptedAt + ADOPT_SETTLE_MS;
}

/** A create the bridge started: what it asked for, and when (ms since epoch, taken before the call). */
export interface CreateAttempt {
  listId: string;
  value: string;
  status: "active" | "completed";
  attemptedAt: number;
}

/**
 * The item a lost create most likely made, or `null` (create it).
 * @example
 * const mine = pickAdoptable(list.items, attempt, (id) => map.byAlexaId(id)?.appItemId != null);
 * if (mine) complete(mine); else create();
 */
export function pickAdoptable(
  candidates: readonly ListItem[],
  attempt: Pick<CreateAttempt, "value" | "attemptedAt">,
  claimed: (itemId: string) => boolean,
  skewMs: number = ADOPT_CLOCK_SKEW_MS,
): ListItem | null {
  const since = attempt.attemptedAt - skewMs;
  let best: { item: ListItem; at: number } | null = null;
  for (const item of candidates) {
    if (item.value !== attempt.value || item.createdTime === null) continue;
    const at = Date.parse(item.createdTime);
    if (!Number.isFinite(at) || at < since || claimed(item.id)) continue;
    if (!best || at < best.at || (at === best.at && item.id < best.item.id)) best = { item, at };
  }
  return best?.item ?? null;
}
