/**
 * @module sync/moves
 * Move detection, decided without I/O. Alexa reports moving an item between
 * lists as `ItemsDeleted` on the source plus `ItemsCreated` on the destination,
 * with the same item id, in either order. The app must see one move, not a
 * loss and a new item.
 *
 * Design (both orders):
 * - delete first: a delete that is not the bridge's own echo is *held* for
 *   {@link DELETE_HOLD_MS} (durably, released by the object's alarm). A create
 *   of the same id on another list within that time turns the held delete into
 *   a move; otherwise the delete is released to the app as a delete.
 * - create first: the object remembers which list every item it has seen lives
 *   on. A create of a known id on a different list is a move at once; the
 *   delete that follows finds the item living elsewhere and is dropped as the
 *   tail of that move.
 * - a create of an item the object never saw, followed by its delete, cannot
 *   be told apart from a real delete on the other list; the delete is dropped
 *   if the item is by then known to live on another list, so the app never
 *   loses an item that still exists.
 * - events of several moves arrive in any order (redelivery, 503s): a create
 *   on the list the app already has the item on is no news (A→B→A); a delete
 *   from the list the app has it on is confirmed by reading the item first
 *   ({@link deleteNeedsRead}): still there, the delete is a stale half of an
 *   earlier move and is dropped. Found by the soak (docs/soak.md, finding 6).
 *
 * Trade-off: every user delete reaches the app up to {@link DELETE_HOLD_MS}
 * late, in exchange for never reporting a move as a loss.
 */

/** How long a delete waits for the create half of a move. */
export const DELETE_HOLD_MS = 45_000;

/** A delete waiting for a possible create elsewhere. */
export interface HeldDelete {
  itemId: string;
  listId: string;
  heldAt: number;
  releaseAt: number;
}

/** What an `ItemsCreated` for one item means. */
export type CreatedOutcome =
  | { kind: "created"; cancelHeld: boolean }
  | { kind: "moved"; fromListId: string; cancelHeld: boolean }
  /** The app already has it on this list (the bridge's own create edited before its echo, a sync's read, a move back). */
  | { kind: "known"; cancelHeld: boolean };

/**
 * Classifies an item created on `toListId`, given where the object last knew
 * it (`knownListId`, `null` if unknown) and a held delete of it, if any.
 * @example
 * classifyCreated("i1", "B", "A", null);                 // moved from A (create first)
 * classifyCreated("i1", "B", "A", { listId: "A", ... }); // moved from A (delete first)
 * classifyCreated("i1", "A", "A", { listId: "A", ... }); // known: back where it was, the hold is cancelled
 * classifyCreated("i1", "B", null, null);                // created
 */
export function classifyCreated(
  _itemId: string,
  toListId: string,
  knownListId: string | null,
  held: Pick<HeldDelete, "listId"> | null,
): CreatedOutcome {
  if (held && held.listId !== toListId) return { kind: "moved", fromListId: held.listId, cancelHeld: true };
  const cancelHeld = held !== null;
  if (knownListId === toListId) return { kind: "known", cancelHeld };
  if (knownListId !== null) return { kind: "moved", fromListId: knownListId, cancelHeld };
  // Unknown, or deleted then created again on a list the app never had it on: new to the app.
  return { kind: "created", cancelHeld };
}

/** What an `ItemsDeleted` for one item means. */
export type DeletedOutcome =
  /** The bridge's own delete: nothing to tell the app. */
  | { kind: "echo" }
  /** The item lives on another list now (create-first move): nothing to tell. */
  | { kind: "moved-away" }
  /** Read back, the item is still on that list: a stale half of an earlier move. */
  | { kind: "stale" }
  /** Hold it until `releaseAt`. */
  | { kind: "hold"; releaseAt: number };

/**
 * True when a delete must be confirmed by reading the item before it is
 * held: the app has the item on that very list, so a delete that arrives
 * after the item came back there (A→B→A, reordered) would otherwise remove
 * an item that exists.
 * @example
 * deleteNeedsRead("A", "A", false); // true
 * deleteNeedsRead("A", "B", false); // false: moved away, nothing to confirm
 */
export function deleteNeedsRead(fromListId: string, knownListId: string | null, ownDelete: boolean): boolean {
  return !ownDelete && knownListId === fromListId;
}

/**
 * Classifies an item deleted from `fromListId`; `stillOnList` is what reading
 * it back found (false when it was not read, see {@link deleteNeedsRead}).
 * @example
 * classifyDeleted("B", "A", false, now);       // moved-away: the create already arrived on A
 * classifyDeleted("A", "A", false, now);       // hold until now + DELETE_HOLD_MS
 * classifyDeleted("A", "A", false, now, true); // stale: the item is back on A
 */
export function classifyDeleted(
  fromListId: string,
  knownListId: string | null,
  ownDelete: boolean,
  now: number,
  stillOnList = false,
): DeletedOutcome {
  if (ownDelete) return { kind: "echo" };
  if (knownListId !== null && knownListId !== fromListId) return { kind: "moved-away" };
  if (stillOnList) return { kind: "stale" };
  return { kind: "hold", releaseAt: now + DELETE_HOLD_MS };
}

/**
 * At release time: send the held delete, or drop it because the item turned
 * up on another list meanwhile.
 * @example
 * releaseHeldDelete({ listId: "A", ... }, "B"); // "drop"
 * releaseHeldDelete({ listId: "A", ... }, "A"); // "send"
 */
export function releaseHeldDelete(held: Pick<HeldDelete, "listId">, knownListId: string | null): "send" | "drop" {
  return knownListId !== null && knownListId !== held.listId ? "drop" : "send";
}
