/**
 * @module sync/echo
 * Echo suppression, decided without I/O. The List API tells nobody who made a
 * change: an item the bridge itself created, updated or deleted comes back as
 * an ordinary `ItemsCreated` / `ItemsUpdated` / `ItemsDeleted` event. The
 * bridge remembers each of its writes as (item id, version) and each delete as
 * an item id; an event whose item, read back, still has one of those exact
 * versions is its own echo and is not sent to the app again.
 *
 * An echo also matches the list the bridge wrote to: an item of the bridge's
 * moved by a person before its echo arrived keeps its id and version on the
 * new list, and that create is a move the app must hear of (found by the
 * soak, docs/soak.md finding 5).
 *
 * Trade-off: matching on the version read back (not on the event alone) means
 * a user edit that lands after the bridge's write (a higher version) is never
 * mistaken for an echo; the price is that an event for an earlier user edit,
 * overwritten by the bridge since, is dropped, which is right: the app already
 * holds the newer state the bridge wrote.
 */

/** A write the bridge made through the List API. `version` `null` = a delete. */
export interface OwnWrite {
  itemId: string;
  listId: string;
  version: number | null;
}

/**
 * True when `item`, as read on `listId` after an event, is exactly what the bridge wrote there.
 * @example
 * isOwnItemEcho({ id: "i1", version: 2 }, "L", [{ itemId: "i1", listId: "L", version: 2 }]); // true
 * isOwnItemEcho({ id: "i1", version: 3 }, "L", [{ itemId: "i1", listId: "L", version: 2 }]); // false: a user edit
 * isOwnItemEcho({ id: "i1", version: 2 }, "M", [{ itemId: "i1", listId: "L", version: 2 }]); // false: a user move
 */
export function isOwnItemEcho(item: { id: string; version: number }, listId: string, writes: readonly OwnWrite[]): boolean {
  return writes.some((w) => w.itemId === item.id && w.listId === listId && w.version !== null && w.version === item.version);
}

/**
 * True when an `ItemsCreated` for `item`, read on `listId`, is the echo of the
 * bridge's own create or update there. Not when the object has since seen the
 * item move or go: it knows the item on another list (`knownListId`), or holds
 * a delete of it (`held`). The bridge never moves items, so the item's coming
 * back to the list the bridge wrote to, at the same version (a move keeps it),
 * is a move the app must hear of (found by the soak, docs/soak.md finding 9).
 * @example
 * const w = [{ itemId: "i1", listId: "L", version: 1 }];
 * isOwnCreateEcho({ id: "i1", version: 1 }, "L", { knownListId: "L", held: false }, w); // true
 * isOwnCreateEcho({ id: "i1", version: 1 }, "L", { knownListId: "M", held: false }, w); // false: moved back
 * isOwnCreateEcho({ id: "i1", version: 1 }, "L", { knownListId: "L", held: true }, w);  // false: moved away and back
 */
export function isOwnCreateEcho(
  item: { id: string; version: number },
  listId: string,
  since: { knownListId: string | null; held: boolean },
  writes: readonly OwnWrite[],
): boolean {
  if (since.held || (since.knownListId !== null && since.knownListId !== listId)) return false;
  return isOwnItemEcho(item, listId, writes);
}

/**
 * True when an `ItemsDeleted` for `itemId` on `listId` follows the bridge's
 * own delete. On any list: an item the bridge deleted exists nowhere any more
 * (ids are never reused), so a delete of it from another list is the stale
 * half of a move made before the bridge's delete, which found the item on the
 * list it had moved to (src/alexa-user/inbound/messages.ts; docs/soak.md, finding
 * 14). The app asked for the delete and hears nothing more.
 * @example
 * isOwnDeleteEcho("i1", "L", [{ itemId: "i1", listId: "L", version: null }]); // true
 * isOwnDeleteEcho("i1", "M", [{ itemId: "i1", listId: "L", version: null }]); // true: moved from M to L, then deleted
 */
export function isOwnDeleteEcho(itemId: string, _listId: string, writes: readonly OwnWrite[]): boolean {
  return writes.some((w) => w.itemId === itemId && w.version === null);
}
