/**
 * @module voice/speech
 * Every sentence the skill says, per locale, behind one interface: the
 * dialogue decides what to say, these modules how to say it. Each locale is a
 * plain object of strings and small functions, so a missing sentence is a type
 * error, not a silent English fallback.
 *
 * Values given to the functions are already escaped for SSML (see
 * voice/ssml), except those of the `card…` members, which build plain card
 * text. Sentences here contain no markup, so the escaped values are the only
 * entities in them.
 */
import type { Locale } from "../intents.ts";
import type { DefaultListKind, StoreErrorCode, UndoableChange } from "../types.ts";
import { deDE } from "./de-DE.ts";
import { enGB } from "./en-GB.ts";
import { enUS } from "./en-US.ts";

/**
 * A list as a sentence names it: a default list by kind, a custom list by its (escaped) name.
 * @example const garden: ListRef = { kind: null, name: "Garden" };
 */
export interface ListRef {
  kind: DefaultListKind | null;
  name: string;
}

/**
 * Items as one spoken phrase and how many it names, for agreement.
 * @example const items: ItemsPhrase = { text: "milk, eggs and 3 more", count: 5 };
 */
export interface ItemsPhrase {
  text: string;
  count: number;
}

/**
 * What "undo" reverts, in speakable form.
 * @example speech.undone({ kind: "add", list: { kind: "shopping", name: "Shopping" }, items: { text: "milk", count: 1 } })
 */
export interface UndoneChange {
  kind: UndoableChange["kind"];
  /** The list as the change left it (renameList: with its new name). */
  list: ListRef;
  /** The items (createList: those it created, else the list's name; renameList: the old name). */
  items: ItemsPhrase;
  /** For `status`: the status the undone change had set. */
  status?: "active" | "completed";
  /** For `add`: the checked-off items it had put back (`items` are those it created, count 0 if none). */
  reactivated?: ItemsPhrase;
}

/**
 * What is done to a whole list by voice.
 * @example const action: ListAction = "rename";
 */
export type ListAction = "delete" | "rename" | "clear";

/**
 * An operation on one item that a question can be about.
 * @example const op: ItemOp = "checkOff";
 */
export type ItemOp = "remove" | "checkOff" | "uncheck";

/**
 * Every reply of one locale.
 * @example speechFor("en-GB").cleared(3, { kind: "shopping", name: "Shopping" }) // "Cleared 3 ticked-off items from your shopping list."
 */
export interface Speech {
  welcome: string;
  welcomeReprompt: string;
  help: string;
  helpReprompt: string;
  fallback: string;
  fallbackReprompt: string;
  goodbye: string;
  /** Reprompt while a session opened with "open list helper" stays open. */
  anythingElse: string;
  /** After a question was dropped (cancel, no). */
  okay: string;
  /** "No" to "Did you mean …?". */
  leftAlone: string;
  /** Account linking required and missing, expired or refused: said with the LinkAccount card. */
  linkAccount: string;
  /** The app's sign-in service could not be reached to check the linked account. */
  linkingUnavailable: string;

  /** How a list is named in an enumeration ("shopping", "to-do", "hardware store"). */
  listLabel(list: ListRef): string;
  /** "and 12 more", as the last element of a joined list of items. */
  andMore(count: number): string;

  added(items: ItemsPhrase, list: ListRef): string;
  alreadyThere(items: ItemsPhrase, list: ListRef): string;
  /** Checked-off items an add put back: "Milk was checked off; I put it back on your shopping list." */
  putBack(items: ItemsPhrase, list: ListRef): string;
  /** The same after a sentence that named the list: "Milk was checked off; I put it back." */
  alsoPutBack(items: ItemsPhrase): string;
  /** Active items an add left alone, after a sentence that named the list: "Milk was already on it." */
  alsoAlreadyThere(items: ItemsPhrase): string;
  askItemsToAdd(list: ListRef): string;
  listFull(list: ListRef, max: number, room: number): string;
  valueTooLong(max: number): string;
  unknownList(spoken: string, labels: string): string;

  askItem(op: ItemOp): string;
  done(op: ItemOp, value: string, list: ListRef): string;
  alreadyCheckedOff(value: string, list: ListRef): string;
  notCheckedOff(value: string, list: ListRef): string;
  notFound(spoken: string, list: ListRef | null): string;
  /** One option of a "which one?" question when its name alone is not enough. */
  choiceOnList(value: string, list: ListRef): string;
  /** The question itself ("Oat milk or almond milk?"), from the options joined with "or". */
  whichOne(options: string): string;
  whichOneReprompt(options: string): string;
  didYouMean(value: string): string;
  didYouMeanReprompt(value: string): string;

  readList(list: ListRef, total: number, items: string): string;
  readMore(items: string): string;
  listEmpty(list: ListRef): string;
  checkedOffCount(count: number): string;
  sayMore: string;
  sayMoreReprompt: string;
  endOfList(list: ListRef): string;
  lists(count: number, labels: string): string;

  cleared(count: number, list: ListRef): string;
  nothingToClear(list: ListRef): string;
  undone(change: UndoneChange): string;
  /** Undo put back only `items`: `left` more did not fit, the list holds at most `max`. */
  undonePartly(items: ItemsPhrase, list: ListRef, left: number, max: number): string;
  nothingToUndo: string;

  askListName: string;
  createdList(name: string): string;
  listNameTaken(name: string): string;
  tooManyLists(max: number): string;
  listNameTooLong(max: number): string;

  /** "Yes" or "no" with no question open: a short hint, not an apology. */
  noQuestion: string;
  /** A yes/no question's reprompt. */
  yesOrNo(question: string): string;

  /** Said after adding to the to-do list from "remind me to …": not an Alexa reminder. */
  notAReminder: string;
  /** "add nails to my hardware store list" without that list: offer to create it (`items` may be empty). */
  offerCreate(name: string, items: ItemsPhrase): string;
  createdAndAdded(name: string, items: ItemsPhrase): string;
  /** "No" to offerCreate. */
  addedNothing: string;

  confirmDeleteList(list: ListRef, items: number): string;
  deletedList(list: ListRef): string;
  cannotDelete(list: ListRef): string;
  /** Delete, rename or clear without a list named: which list, and how to say it. */
  askWhichList(action: ListAction): string;
  askNewName(list: ListRef): string;
  renamedList(old: ListRef, name: string): string;
  cannotRename(list: ListRef): string;
  confirmClearList(list: ListRef, items: number): string;
  clearedList(list: ListRef, items: number): string;

  /** "is milk on my shopping list": active, checked off, or not there. */
  isOnList(value: string, list: ListRef | null, status: "active" | "completed" | null): string;
  itemCount(list: ListRef, active: number, completed: number): string;
  /** What is checked off on one list; `items` empty: nothing. */
  checkedOffOn(list: ListRef, items: ItemsPhrase): string;
  nothingCheckedOff: string;
  /** One list in "what's on all my lists". */
  summaryLine(list: ListRef, active: number, items: ItemsPhrase): string;
  /** After the summed-up lists: "And 12 more lists." */
  moreLists(count: number): string;

  /** A slot value too long to take (src/voice/turn.ts MAX_SLOT_LENGTH). */
  tooMuchAtOnce: string;

  /** For a store refusal, without the turn's details. */
  error(code: StoreErrorCode): string;

  /** Card title for a list (plain text). */
  cardTitle(list: ListRef): string;
  cardEmpty: string;
  cardCheckedOff: string;
  cardMore(count: number): string;
}

const SPEECH: Record<Locale, Speech> = { "en-US": enUS, "en-GB": enGB, "de-DE": deDE };

/**
 * The sentences for a locale.
 * @example speechFor("de-DE").goodbye // "Tschüss!"
 */
export function speechFor(locale: Locale): Speech {
  return SPEECH[locale];
}
