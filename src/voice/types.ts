/**
 * @module voice/types
 * The seam between the pure voice layer (src/voice: reading a turn, the
 * dialogue, speech) and the skill list store in the user's Durable Object
 * (src/alexa-user/lists): what the dialogue may read of the user's lists, and the
 * one change it may ask the store to make per turn. Synchronous on purpose:
 * the store answers from the object's SQLite, inside the user's serial queue.
 */
import type { Locale } from "./intents.ts";

export type ItemStatus = "active" | "completed";
export type DefaultListKind = "shopping" | "todo";

/** The skill store's bounds (also the REST API's, for the skill store). */
export const LIMITS = {
  /** Lists per user, the two default lists included (Alexa's own household limit). */
  maxLists: 100,
  /** Items per list, active and completed together. */
  maxItemsPerList: 500,
  /** Characters of an item's value (Alexa's list item limit). */
  maxValueLength: 256,
  /** Characters of a list's name. */
  maxListNameLength: 100,
} as const;

export interface VoiceItem {
  id: string;
  value: string;
  status: ItemStatus;
}

export interface VoiceListSummary {
  id: string;
  name: string;
  /** `shopping` / `todo` for the two lists every user has, else null (a custom list). */
  defaultKind: DefaultListKind | null;
  active: number;
  completed: number;
}

/** What the latest undoable voice change did, for "undo" to say what it reverts. */
export interface UndoableChange {
  kind: "add" | "remove" | "status" | "clearCompleted" | "createList" | "deleteList" | "renameList" | "clearList";
  listId: string;
  /** The list's name after the change (for deleteList: the name it had). */
  listName: string;
  defaultKind: DefaultListKind | null;
  /**
   * The item values it touched; for `add` and `createList` the items it
   * created (createList: the list's name when it created none); for
   * `deleteList` / `clearList` the items that went with it; for `renameList`
   * the list's old name.
   */
  values: string[];
  /** For `status`: the status it set. */
  status?: ItemStatus;
  /** For `add`: the values of the checked-off items it put back (set active), if any. */
  reactivated?: string[];
  /**
   * Set when undoing it would put back items (remove, clearCompleted) and not
   * all fit on the list any more: how many do (the first of `values`; 0: none,
   * and the store refuses the undo with LIST_FULL).
   */
  fits?: number;
}

/** Read access to one user's lists (the skill store implements it). */
export interface VoiceLists {
  /** Every list, the two default lists first. */
  lists(): VoiceListSummary[];
  /** A list's items, oldest first; empty for an unknown id. */
  items(listId: string): VoiceItem[];
  /** The change "undo" would revert now, or null (nothing to undo, or it is too old). */
  lastChange(): UndoableChange | null;
}

/**
 * The one change a turn asks the store to make (applied in the turn's transaction).
 * An `add` creates `values` and sets the checked-off items `reactivateIds` (on
 * the same list, matching what was said) back to active: saying an item that
 * is there but checked off puts it back instead of adding it twice.
 */
export type VoiceChange =
  | { kind: "add"; listId: string; values: string[]; reactivateIds?: string[] }
  | { kind: "remove"; listId: string; itemIds: string[] }
  | { kind: "status"; listId: string; itemIds: string[]; status: ItemStatus }
  | { kind: "clearCompleted"; listId: string }
  /** A new list, with `values` as its first items ("create it and add nails"). */
  | { kind: "createList"; name: string; values?: string[] }
  /** A custom list and its items (the shopping and to-do lists cannot be deleted: NOT_SUPPORTED). */
  | { kind: "deleteList"; listId: string }
  | { kind: "renameList"; listId: string; name: string }
  /** Every item of the list, active and checked off. */
  | { kind: "clearList"; listId: string }
  | { kind: "undo" };

/** Why the store refused a change (REST answers these as 4xx, voice speaks them). */
export type StoreErrorCode =
  | "LIST_NOT_FOUND"
  | "ITEM_NOT_FOUND"
  | "LIST_FULL"
  | "TOO_MANY_LISTS"
  | "LIST_NAME_TAKEN"
  | "VALUE_TOO_LONG"
  | "NOTHING_TO_UNDO"
  /** A REST create whose `appItemId` already names another item (on another list, or with another value). */
  | "APP_ITEM_ID_TAKEN"
  /** The operation does not exist for this store or list (deleting a default list; list management on the household store). */
  | "NOT_SUPPORTED";

/** A card shown in the Alexa app. */
export interface VoiceCard {
  title: string;
  content: string;
}

/** The dialogue's answer to one turn. */
export interface VoiceReply {
  /** What to change, or null. */
  change: VoiceChange | null;
  /** An SSML fragment (item text already escaped), without `<speak>`; empty: say nothing. */
  speech: string;
  /** Said when the person says nothing; non-null exactly when the session stays open. */
  reprompt: string | null;
  /** A simple card (e.g. the list just read), or null. */
  card: VoiceCard | null;
  /** Ask the person to link their account (a `LinkAccount` card). */
  linkAccount?: boolean;
  /** Session attributes for the next turn (ignored when the session ends). */
  session: Record<string, unknown>;
}

/** One interactive request, as the dialogue sees it. */
export type VoiceTurn =
  | { kind: "launch"; locale: Locale; session: Record<string, unknown> }
  | {
      kind: "intent";
      locale: Locale;
      /** The intent name as Alexa sent it (unknown names are answered like Fallback). */
      intent: string;
      /** Slot name → spoken value (entity-resolved id for `list` slots, see readTurn). */
      slots: Record<string, VoiceSlot>;
      session: Record<string, unknown>;
    }
  | { kind: "ended"; locale: Locale; reason: string | null };

/** A slot as Alexa filled it. */
export interface VoiceSlot {
  /** What the person said (`slots.<name>.value`). */
  value: string;
  /** The entity-resolution id of a successful match (`ER_SUCCESS_MATCH`), e.g. `shopping`. */
  resolvedId: string | null;
  /** Set when what was said is longer than the turn reader takes (`value` is then empty; src/voice/turn.ts). */
  tooLong?: true;
}
