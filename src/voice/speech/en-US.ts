/**
 * @module voice/speech/en-US
 * The replies in American English. en-GB reuses most of them (see en-GB.ts).
 * Short by design: a confirmation names what changed and nothing else. The
 * verb after a single item agrees with it by `pluralize.isPlural` on its last
 * word ("Eggs are back", "Milk is back"); a word pluralize cannot tell (or an
 * escaped symbol) takes the singular.
 */
import pluralize from "pluralize";
import { capitalize } from "../ssml.ts";
import type { StoreErrorCode } from "../types.ts";
import type { ItemOp, ItemsPhrase, ListRef, Speech, UndoneChange } from "./index.ts";

/**
 * How a sentence names a list: "shopping list", "to-do list", "hardware store list" (no second "list").
 * @example englishListName({ kind: null, name: "Hardware store" }) // "Hardware store list"
 */
export function englishListName(list: ListRef): string {
  if (list.kind === "shopping") return "shopping list";
  if (list.kind === "todo") return "to-do list";
  return /\blist$/i.test(list.name) ? list.name : `${list.name} list`;
}

const your = (list: ListRef): string => `your ${englishListName(list)}`;
const items = (n: number): string => (n === 1 ? "1 item" : `${n} items`);
/** True when the phrase takes a plural verb: several items, or one whose last word is plural ("eggs"). */
function plural(what: string | ItemsPhrase): boolean {
  if (typeof what !== "string" && what.count !== 1) return true;
  const text = typeof what === "string" ? what : what.text;
  const last = text.trim().split(/\s+/).pop() ?? "";
  return /^[a-z]+$/i.test(last) && last.length > 2 && pluralize.isPlural(last) && !pluralize.isSingular(last);
}
const was = (what: string | ItemsPhrase): string => (plural(what) ? "were" : "was");
const is = (what: string | ItemsPhrase): string => (plural(what) ? "are" : "is");
const isnt = (what: string | ItemsPhrase): string => (plural(what) ? "aren't" : "isn't");
const them = (what: string | ItemsPhrase): string => (plural(what) ? "them" : "it");

function undone(change: UndoneChange, words: EnglishWords): string {
  const { checkedOff, checkedOffItems, anymore } = words;
  const list = change.kind === "createList" ? `the ${englishListName(change.list)}` : your(change.list);
  const what = change.items.text;
  switch (change.kind) {
    case "add": {
      const back = change.reactivated;
      if (!back) return `Undone: I took ${what} off ${list} again.`;
      const checkedAgain = `${back.text} ${is(back)} ${checkedOff} again`;
      return change.items.count > 0 ? `Undone: I took ${what} off ${list} again, and ${checkedAgain}.` : `Undone: ${checkedAgain}.`;
    }
    case "remove":
      return `Undone: ${what} ${is(change.items)} back on ${list}.`;
    case "status":
      return change.status === "completed"
        ? `Undone: ${what} ${isnt(change.items)} ${checkedOff} ${anymore}.`
        : `Undone: ${what} ${is(change.items)} ${checkedOff} again.`;
    case "clearCompleted":
      return `Undone: the ${checkedOffItems} items are back on ${list}.`;
    case "createList":
      return `Undone: I deleted ${list} again.`;
    case "deleteList":
      return `Undone: ${your(change.list)} is back.`;
    case "renameList":
      return `Undone: ${your(change.list)} is called ${what} again.`;
    case "clearList":
      return `Undone: ${what} ${is(change.items)} back on ${your(change.list)}.`;
  }
}

/** The words where American and British English differ. */
export interface EnglishWords {
  /** The verb ("check off"), the participle ("checked off"), the adjective ("checked-off"). */
  checkOff: string;
  checkedOff: string;
  checkedOffItems: string;
  /** The to-do in the help's example ("call mom"). */
  callParent: string;
  anymore: string;
}

/**
 * The English replies with the given words (en-GB passes its own).
 * @example english({ ...words, checkOff: "tick off", checkedOff: "ticked off" }).done("checkOff", "milk", shopping)
 * // "Ticked off milk on your shopping list."
 */
export function english(words: EnglishWords): Speech {
  const done: Record<ItemOp, (value: string, list: ListRef) => string> = {
    remove: (v, l) => `Removed ${v} from ${your(l)}.`,
    checkOff: (v, l) => `${capitalize(words.checkedOff)} ${v} on ${your(l)}.`,
    uncheck: (v, l) => `${capitalize(v)} ${is(v)} back on ${your(l)}.`,
  };
  const errors: Record<StoreErrorCode, string> = {
    LIST_NOT_FOUND: "Sorry, I can't find that list anymore.",
    ITEM_NOT_FOUND: "Sorry, that item isn't on the list anymore.",
    LIST_FULL: `Sorry, that list is full. Remove something, or clear the ${words.checkedOffItems} items, first.`,
    TOO_MANY_LISTS: "Sorry, you already have as many lists as I can keep.",
    LIST_NAME_TAKEN: "Sorry, you already have a list with that name.",
    VALUE_TOO_LONG: "Sorry, that's too long for one item.",
    NOTHING_TO_UNDO: "There's nothing to undo.",
    APP_ITEM_ID_TAKEN: "Sorry, that item is already there.",
    NOT_SUPPORTED: "Sorry, I can't do that with this list.",
  };
  return {
    welcome: `Welcome to list helper. You can say: add milk, eggs and bread to my shopping list. Or ask: what's on my shopping list? What would you like to do?`,
    welcomeReprompt: "What would you like to do? For ideas, say help.",
    help:
      `I keep your lists. For example, say: add milk, eggs and bread to my shopping list. ` +
      `Ask: what's on my shopping list? Or say: ${words.checkOff} milk, remove ${words.callParent} from my to-do list, or undo. ` +
      `You can also ask: is milk on my shopping list? And you can rename, clear or delete a list. ` +
      `What would you like to do?`,
    helpReprompt: "What would you like to do?",
    fallback: "Sorry, I can't help with that here. You can say, for example: add milk to my shopping list. Or say help.",
    fallbackReprompt: "What would you like to do? Or say help.",
    goodbye: "Goodbye!",
    anythingElse: "Anything else?",
    okay: "Okay.",
    leftAlone: "Okay, I left it as it is.",
    linkAccount: "To use your lists, please link your account. I've sent a card to the Alexa app.",
    linkingUnavailable: "Sorry, I can't reach your account right now. Please try again shortly.",

    listLabel: (list) => (list.kind === "shopping" ? "shopping" : list.kind === "todo" ? "to-do" : list.name),
    andMore: (n) => `${n} more`,

    added: (it, l) => `Added ${it.text} to ${your(l)}.`,
    alreadyThere: (it, l) => `${capitalize(it.text)} ${was(it)} already on ${your(l)}.`,
    putBack: (it, l) => `${capitalize(it.text)} ${was(it)} ${words.checkedOff}; I put ${them(it)} back on ${your(l)}.`,
    alsoPutBack: (it) => `${capitalize(it.text)} ${was(it)} ${words.checkedOff}; I put ${them(it)} back.`,
    alsoAlreadyThere: (it) => `${capitalize(it.text)} ${was(it)} already on it.`,
    askItemsToAdd: (l) => `What should I add to ${your(l)}?`,
    listFull: (l, max, room) =>
      room > 0
        ? `That doesn't fit: ${your(l)} holds at most ${max} items and has room for ${items(room)} more. Remove something, or clear the ${words.checkedOffItems} items, first.`
        : `${capitalize(your(l))} is full: it holds at most ${max} items. Remove something, or clear the ${words.checkedOffItems} items, first.`,
    valueTooLong: (max) => `That's too long for one item: an item can have at most ${max} characters.`,
    unknownList: (spoken, labels) => `I couldn't find a list called ${spoken}. Your lists are: ${labels}.`,

    askItem: (op) =>
      op === "remove"
        ? "Which item should I remove?"
        : op === "checkOff"
          ? `Which item should I ${words.checkOff}?`
          : "Which item should I put back on the list?",
    done: (op, v, l) => done[op](v, l),
    alreadyCheckedOff: (v, l) => `${capitalize(v)} ${is(v)} already ${words.checkedOff} on ${your(l)}.`,
    notCheckedOff: (v, l) => `${capitalize(v)} ${isnt(v)} ${words.checkedOff} on ${your(l)}.`,
    notFound: (spoken, l) => `I couldn't find ${spoken} on ${l ? your(l) : "any of your lists"}.`,
    choiceOnList: (v, l) => `${v} on ${your(l)}`,
    whichOne: (options) => `${capitalize(options)}?`,
    whichOneReprompt: (options) => `Which one: ${options}?`,
    didYouMean: (v) => `Did you mean ${v}?`,
    didYouMeanReprompt: (v) => `Did you mean ${v}? Say yes or no.`,

    readList: (l, total, list) =>
      total === 1 ? `${capitalize(your(l))} has 1 item: ${list}.` : `${capitalize(your(l))} has ${total} items: ${list}.`,
    readMore: (list) => `${capitalize(list)}.`,
    listEmpty: (l) => `${capitalize(your(l))} is empty.`,
    checkedOffCount: (n) => (n === 1 ? `1 item is ${words.checkedOff}.` : `${n} items are ${words.checkedOff}.`),
    sayMore: "Say more to hear the rest.",
    sayMoreReprompt: "Say more to hear the rest, or stop.",
    endOfList: (l) => `That's everything on ${your(l)}.`,
    lists: (n, labels) => (n === 1 ? `You have 1 list: ${labels}.` : `You have ${n} lists: ${labels}.`),

    cleared: (n, l) => `Cleared ${n} ${words.checkedOffItems} ${n === 1 ? "item" : "items"} from ${your(l)}.`,
    nothingToClear: (l) => `There's nothing ${words.checkedOff} on ${your(l)}.`,
    undone: (change) => undone(change, words),
    undonePartly: (it, l, left, max) =>
      `Undone in part: ${it.text} ${is(it)} back on ${your(l)}, but ${items(left)} didn't fit: it holds at most ${max} items.`,
    nothingToUndo: "There's nothing to undo.",

    askListName: "What should the new list be called?",
    createdList: (name) => `Created your ${name} list.`,
    listNameTaken: (name) => `You already have a list called ${name}.`,
    tooManyLists: (max) => `You already have ${max} lists, which is as many as I can keep.`,
    listNameTooLong: (max) => `That name is too long: a list name can have at most ${max} characters.`,

    noQuestion: "There's no question open right now. You can say, for example: add milk, or what's on my shopping list?",
    yesOrNo: (q) => `${q} Say yes or no.`,

    notAReminder: "That's on your list; it's not an Alexa reminder.",
    offerCreate: (name, it) =>
      `I don't have ${/^[aeiou]/i.test(name) ? "an" : "a"} ${englishListName({ kind: null, name })} yet. ` +
      (it.count > 0 ? `Should I create it and add ${it.text}?` : "Should I create it?"),
    createdAndAdded: (name, it) =>
      it.count > 0 ? `Created your ${englishListName({ kind: null, name })} and added ${it.text}.` : `Created your ${englishListName({ kind: null, name })}.`,
    addedNothing: "Okay, I didn't add anything.",

    confirmDeleteList: (l, n) => (n === 0 ? `Delete ${your(l)}? It's empty.` : `Delete ${your(l)} with ${items(n)}?`),
    deletedList: (l) => `Deleted ${your(l)}.`,
    cannotDelete: (l) => `${capitalize(your(l))} can't be deleted. To empty it, say: clear my ${englishListName(l)}.`,
    askWhichList: (action) =>
      `Which list? Say, for example: ${action === "delete" ? "delete my hardware store list" : action === "rename" ? "rename my garden list to backyard" : "clear my shopping list"}.`,
    askNewName: (l) => `What should ${your(l)} be called?`,
    renamedList: (old, name) => `${capitalize(your(old))} is now called ${name}.`,
    cannotRename: (l) => `${capitalize(your(l))} keeps its name.`,
    confirmClearList: (l, n) => `Remove ${n === 1 ? "the 1 item" : `all ${n} items`} from ${your(l)}?`,
    clearedList: (l, n) => `Removed ${n === 1 ? "the 1 item" : `all ${n} items`} from ${your(l)}. Say undo to bring them back.`,

    isOnList: (v, l, status) =>
      status === "active"
        ? `Yes, ${v} ${is(v)} on ${l ? your(l) : "your list"}.`
        : status === "completed"
          ? `${capitalize(v)} ${is(v)} on ${l ? your(l) : "your list"}, but ${words.checkedOff}.`
          : `No, ${v} ${isnt(v)} on ${l ? your(l) : "any of your lists"}.`,
    itemCount: (l, active, completed) => {
      const head = active === 0 ? `${capitalize(your(l))} has no open items.` : `${capitalize(your(l))} has ${items(active)}.`;
      return completed === 0 ? head : `${head} ${completed === 1 ? `1 more is ${words.checkedOff}.` : `${completed} more are ${words.checkedOff}.`}`;
    },
    checkedOffOn: (l, it) =>
      it.count === 0 ? `Nothing is ${words.checkedOff} on ${your(l)}.` : `${capitalize(words.checkedOff)} on ${your(l)}: ${it.text}.`,
    nothingCheckedOff: `Nothing is ${words.checkedOff} on any of your lists.`,
    summaryLine: (l, n, it) => {
      const name = capitalize(englishListName(l));
      return n === 0 ? `${name}: empty.` : `${name}, ${items(n)}: ${it.text}.`;
    },

    moreLists: (n) => (n === 1 ? "And 1 more list." : `And ${n} more lists.`),

    tooMuchAtOnce: "Sorry, that was too much at once. Please say a few items at a time.",

    error: (code) => errors[code],

    cardTitle: (l) => capitalize(englishListName(l)),
    cardEmpty: "(empty)",
    cardCheckedOff: `${capitalize(words.checkedOff)}:`,
    cardMore: (n) => `… and ${n} more`,
  };
}

/**
 * American English.
 * @example enUS.added({ text: "milk, eggs and bread", count: 3 }, { kind: "shopping", name: "Shopping" })
 * // "Added milk, eggs and bread to your shopping list."
 */
export const enUS: Speech = english({
  checkOff: "check off",
  checkedOff: "checked off",
  checkedOffItems: "checked-off",
  callParent: "call mom",
  anymore: "anymore",
});
