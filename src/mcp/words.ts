/**
 * @module mcp/words
 * The sentences the MCP tools answer with: plain text (not SSML) that an
 * assistant can read out as it is, naming lists and items the way the
 * skill's speech does ("your shopping list", "milk, eggs and bread"). No
 * codes and no ids: a person hears these. English only for now; the
 * matching itself follows the locale given (call.ts).
 */
import pluralize from "pluralize";
import type { Locale } from "../voice/intents.ts";
import { joinAnd, joinOr } from "../voice/ssml.ts";
import { LIMITS, type StoreErrorCode, type UndoableChange, type VoiceListSummary } from "../voice/types.ts";

type Named = Pick<VoiceListSummary, "name" | "defaultKind">;

/**
 * "shopping list", "to-do list", "Hardware store list" ("Garden list" stays as it is).
 * @example listLabel({ name: "Hardware store", defaultKind: null }) // "Hardware store list"
 */
export function listLabel(list: Named): string {
  if (list.defaultKind === "shopping") return "shopping list";
  if (list.defaultKind === "todo") return "to-do list";
  return /\blist$/i.test(list.name.trim()) ? list.name : `${list.name} list`;
}

/** @example your({ name: "Shopping", defaultKind: "shopping" }) // "your shopping list" */
export function your(list: Named): string {
  return `your ${listLabel(list)}`;
}

/** @example and(["milk", "eggs", "bread"]) // "milk, eggs and bread" */
export function and(parts: readonly string[], locale: Locale = "en-US"): string {
  return joinAnd(parts, locale);
}

/** @example or(["oat milk", "almond milk"]) // "oat milk or almond milk" */
export function or(parts: readonly string[], locale: Locale = "en-US"): string {
  return joinOr(parts, locale);
}

/** "is" or "are", for a list of items ("eggs" are, as the skill's speech has it). @example isAre(["milk"]) // "is" */
export function isAre(items: readonly string[]): string {
  if (items.length !== 1) return "are";
  const last = items[0]!.trim().split(/\s+/).pop() ?? "";
  return /^[a-z]+$/i.test(last) && last.length > 2 && pluralize.isPlural(last) && !pluralize.isSingular(last) ? "are" : "is";
}

/** Sentences joined, the empty ones dropped, each capitalised. @example sentences("added milk.", false) // "Added milk." */
export function sentences(...parts: (string | false | null | undefined)[]): string {
  return parts
    .filter((p): p is string => typeof p === "string" && p !== "")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join(" ");
}

/**
 * Why the store refused a change, said without its code.
 * @example refusalSentence("LIST_FULL") // "That list is full: it holds at most 500 items. Remove or clear some first."
 */
export function refusalSentence(code: StoreErrorCode): string {
  switch (code) {
    case "LIST_NOT_FOUND":
      return "That list doesn't exist anymore.";
    case "ITEM_NOT_FOUND":
      return "That item isn't on the list anymore.";
    case "LIST_FULL":
      return `That list is full: it holds at most ${LIMITS.maxItemsPerList} items. Remove or clear some first.`;
    case "TOO_MANY_LISTS":
      return `You have ${LIMITS.maxLists} lists, the most there can be. Delete one first.`;
    case "LIST_NAME_TAKEN":
      return "There's already a list with that name.";
    case "VALUE_TOO_LONG":
      return `That's too long: an item can have ${LIMITS.maxValueLength} characters, a list's name ${LIMITS.maxListNameLength}.`;
    case "NOTHING_TO_UNDO":
      return "There's nothing to undo.";
    case "APP_ITEM_ID_TAKEN":
      return "That item is already on another list.";
    case "NOT_SUPPORTED":
      return "The shopping and to-do lists can't be renamed or deleted.";
  }
}

/**
 * What undoing `change` does, as said after it is done.
 * @example undoneSentence({ kind: "add", listId: "l", listName: "Shopping", defaultKind: "shopping", values: ["milk"] })
 * // "Undone: I took milk off your shopping list again."
 */
export function undoneSentence(change: UndoableChange): string {
  const list = your({ name: change.listName, defaultKind: change.defaultKind });
  const what = and(change.values);
  switch (change.kind) {
    case "add": {
      const back = change.reactivated ?? [];
      const took = change.values.length > 0 ? `I took ${what} off ${list} again` : null;
      const checked = back.length > 0 ? `${and(back)} ${isAre(back)} checked off again` : null;
      return `Undone: ${[took, checked].filter(Boolean).join(", and ")}.`;
    }
    case "remove":
      return `Undone: ${what} ${isAre(change.values)} back on ${list}.`;
    case "status":
      return change.status === "completed"
        ? `Undone: ${what} ${isAre(change.values)} not checked off anymore.`
        : `Undone: ${what} ${isAre(change.values)} checked off again.`;
    case "clearCompleted":
      return `Undone: the checked-off items are back on ${list}.`;
    case "createList":
      return `Undone: I deleted ${list} again.`;
    case "renameList":
      return `Undone: ${list} is called ${what} again.`;
    case "deleteList":
      return `Undone: ${list} is back.`;
    case "clearList":
      return `Undone: ${what} ${isAre(change.values)} back on ${list}.`;
  }
}
