/**
 * @module sync/split
 * Keeps every webhook body small. Each queued webhook is one SQLite row of the
 * user's Durable Object, and Durable Object SQLite caps a row (and a string)
 * at 2 MB; a body near that cap also makes a slow, fragile POST to the app.
 * So every webhook body stays within {@link MAX_WEBHOOK_BODY_BYTES} (512 KiB),
 * and its `data` within {@link WEBHOOK_DATA_MAX_BYTES} (the rest is the
 * envelope: type, user ids, timestamp). Item webhooks naming many items (a
 * release of many held deletes, a voice "clear completed" on a long list)
 * are cut into several webhooks of the same type, in order, each a complete
 * payload for its items; snapshots are cut the same way (src/sync/snapshot.ts).
 */
import { itemsChanged, itemsDeleted, type ChangeSource, type ItemsChangedData, type ItemsDeletedData, type WebhookItem } from "./payloads.ts";

/** Largest webhook body written to the queue (UTF-8 bytes). */
export const MAX_WEBHOOK_BODY_BYTES = 512 * 1024;
/** Room kept for the envelope around `data` (`type`, `userId` up to 512 characters, `appUserId`, `timestamp`). */
export const WEBHOOK_ENVELOPE_RESERVE_BYTES = 4 * 1024;
/** Largest `data` of one webhook (UTF-8 bytes of its JSON). */
export const WEBHOOK_DATA_MAX_BYTES = MAX_WEBHOOK_BODY_BYTES - WEBHOOK_ENVELOPE_RESERVE_BYTES;

const encoder = new TextEncoder();

/** UTF-8 bytes of `value` as JSON. @example jsonBytes({ a: "é" }) // 10 */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).byteLength;
}

/**
 * Cuts `items` into consecutive runs whose sizes (plus one byte of comma each)
 * add up to at most `budget`; an item larger than `budget` gets a run of its
 * own. At least one run, even for no items.
 * @example chunkBySize(["a", "b", "c"], () => 3, 8) // [["a","b"],["c"]]
 */
export function chunkBySize<T>(items: readonly T[], sizeOf: (item: T) => number, budget: number): T[][] {
  const runs: T[][] = [[]];
  let used = 0;
  for (const item of items) {
    const size = sizeOf(item) + 1;
    if (runs.at(-1)!.length > 0 && used + size > budget) {
      runs.push([]);
      used = 0;
    }
    runs.at(-1)!.push(item);
    used += size;
  }
  return runs;
}

/**
 * `alexa.list.items.created` / `.updated` data for `items`, in as many
 * payloads as needed to keep each within `maxBytes`.
 * @example for (const d of splitItemsChanged(listId, items, "voice")) webhooks.enqueue(type, d);
 */
export function splitItemsChanged(listId: string, items: readonly WebhookItem[], source: ChangeSource, maxBytes = WEBHOOK_DATA_MAX_BYTES): ItemsChangedData[] {
  const budget = maxBytes - jsonBytes(itemsChanged(listId, [], source));
  return chunkBySize(items, jsonBytes, budget).map((run) => itemsChanged(listId, run, source));
}

/**
 * `alexa.list.items.deleted` data for `ids`, in as many payloads as needed to
 * keep each within `maxBytes`; each carries the `appItemIds` of its own ids.
 * @example for (const d of splitItemsDeleted(listId, ids, appIds, "alexa-app")) webhooks.enqueue(type, d);
 */
export function splitItemsDeleted(
  listId: string,
  ids: readonly string[],
  appItemIds: Readonly<Record<string, string>>,
  source: ChangeSource,
  maxBytes = WEBHOOK_DATA_MAX_BYTES,
): ItemsDeletedData[] {
  const budget = maxBytes - jsonBytes(itemsDeleted(listId, [], {}, source));
  // The id in listItemIds, and `"id":"appId",` in appItemIds when it has one.
  const sizeOf = (id: string): number => {
    const appId = Object.hasOwn(appItemIds, id) ? appItemIds[id] : undefined;
    return jsonBytes(id) + (appId === undefined ? 0 : jsonBytes(id) + jsonBytes(appId) + 2);
  };
  return chunkBySize(ids, sizeOf, budget).map((run) => {
    const own: Record<string, string> = {};
    for (const id of run) if (Object.hasOwn(appItemIds, id)) own[id] = appItemIds[id]!;
    return itemsDeleted(listId, run, own, source);
  });
}
