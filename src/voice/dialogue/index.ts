/**
 * @module voice/dialogue
 * The conversation: one turn in, one reply out (what to say, what to change,
 * whether the session stays open). Pure: the user's lists come in as a
 * read-only VoiceLists, the session as plain attributes; the one change a turn
 * asks for is applied by the caller afterwards (a refusal is spoken with
 * errorReply).
 *
 * Session rule, in short (in full in session.ts): the session stays open when
 * the reply asks something, invites a next step by nature, or the session was
 * opened by a LaunchRequest (then "Anything else?" ends every other reply);
 * a one-shot request ends after the answer. An open question is answered
 * first (items.ts); any other intent drops it and is a new request.
 *
 * Here: the entry points and the dispatch by intent. The requests themselves
 * are in items.ts (add, remove, check off, uncheck, and the questions they
 * ask) and lists.ts (read, more, list the lists, clear, undo, create).
 */
import { DEFAULT_LIST_IDS, type Locale } from "../intents.ts";
import { speechFor } from "../speech/index.ts";
import type { StoreErrorCode, VoiceLists, VoiceReply, VoiceSlot, VoiceTurn } from "../types.ts";
import { addItems, answer, itemOp, OPS } from "./items.ts";
import { clearCompleted, createList, listLists, more, readList, undo } from "./lists.ts";
import { answerList, clearList, deleteList, meantAnItem, renameList } from "./manage.ts";
import { countItems, isOnList, readAll, readCompleted } from "./questions.ts";
import { fallback, finish, readState, type Ctx, type ItemPending, type ListPending } from "./session.ts";

const LIST_QUESTIONS: ReadonlySet<string> = new Set(["confirmList", "createAndAdd", "newName"]);

/** Requests about whole lists: never an answer to a question about items ("which list?" included). */
const LIST_REQUESTS: ReadonlySet<string> = new Set([
  "AddTaskIntent",
  "DeleteListIntent",
  "RenameListIntent",
  "ClearListIntent",
  "IsOnListIntent",
  "CountItemsIntent",
  "ReadCompletedIntent",
  "ReadAllListsIntent",
]);

function isListPending(p: ItemPending | ListPending): p is ListPending {
  return LIST_QUESTIONS.has(p.kind);
}

/** The list slot of the list to add a task to. */
const TODO: VoiceSlot = { value: "", resolvedId: DEFAULT_LIST_IDS.todo };

export { PAGE_SIZE } from "./lists.ts";

/** "remove everything from my shopping list" heard as an item called "everything": clearing the list. */
const EVERYTHING: Record<Locale, readonly string[]> = {
  "en-US": ["everything", "all", "all items", "all the items", "all of it", "the whole list"],
  "en-GB": ["everything", "all", "all items", "all the items", "all of it", "the whole list"],
  "de-DE": ["alles", "alle einträge", "alle sachen", "die ganze liste"],
};

function intentReply(ctx: Ctx, intent: string, slots: Record<string, VoiceSlot>): VoiceReply {
  const said = (slots["item"]?.value ?? "").trim().toLowerCase();
  if (intent === "RemoveItemIntent" && EVERYTHING[ctx.locale].includes(said)) return clearList(ctx, slots["list"]);
  const op = OPS[intent];
  if (op) return itemOp(ctx, op, slots["item"]?.value ?? "", slots["list"]);
  switch (intent) {
    case "AddItemsIntent":
      return addItems(ctx, slots["items"]?.value ?? slots["item"]?.value ?? "", slots["list"]);
    case "ReadListIntent":
      return readList(ctx, slots["list"]);
    case "AMAZON.MoreIntent":
    case "AMAZON.NextIntent":
      return more(ctx);
    case "ListListsIntent":
      return listLists(ctx);
    case "ClearCompletedIntent":
      return clearCompleted(ctx, slots["list"]);
    case "UndoIntent":
      return undo(ctx);
    case "CreateListIntent":
      return createList(ctx, slots["listName"]?.value ?? "");
    case "AddTaskIntent":
      return addItems(ctx, slots["task"]?.value ?? "", TODO, ctx.say.notAReminder);
    case "DeleteListIntent":
      // "delete milk" heard as a list called milk: the item it names.
      return meantAnItem(ctx, slots["list"]) ? itemOp(ctx, "remove", slots["list"].value, undefined) : deleteList(ctx, slots["list"]);
    case "RenameListIntent":
      return renameList(ctx, slots["list"], slots["listName"]?.value ?? "");
    case "ClearListIntent":
      return clearList(ctx, slots["list"]);
    case "IsOnListIntent":
      return isOnList(ctx, slots["item"]?.value ?? "", slots["list"]);
    case "CountItemsIntent":
      return countItems(ctx, slots["list"]);
    case "ReadCompletedIntent":
      return readCompleted(ctx, slots["list"]);
    case "ReadAllListsIntent":
      return readAll(ctx);
    case "AMAZON.YesIntent":
    case "AMAZON.NoIntent":
      // No question open: "yes" to "say more to hear the rest" reads on; otherwise a hint.
      if (ctx.state.reading) return intent === "AMAZON.YesIntent" ? more(ctx) : finish(ctx, { speech: ctx.say.okay });
      return finish(ctx, { speech: ctx.say.noQuestion, invite: ctx.say.fallbackReprompt });
    case "AMAZON.HelpIntent":
      return finish(ctx, { speech: ctx.say.help, invite: ctx.say.helpReprompt });
    case "AMAZON.StopIntent":
    case "AMAZON.CancelIntent":
      return finish(ctx, { speech: ctx.say.goodbye, end: true });
    case "AMAZON.NavigateHomeIntent":
      return finish(ctx, { speech: "", end: true });
    default:
      // AMAZON.FallbackIntent, AnswerItemIntent without a question, unknown intents.
      return fallback(ctx);
  }
}

const LEADING_ARTICLES: readonly string[] = ["my", "the", "our", "meine", "meiner", "die", "der", "unsere", "unserer"];

/** The word for "list" as said before or instead of a list's name ("auf die Liste Baumarkt", "auf meiner Liste"). */
const LIST_WORD: Record<Locale, string> = { "en-US": "list", "en-GB": "list", "de-DE": "liste" };

/**
 * The list slot as meant: "Liste Baumarkt" is the list Baumarkt, and "list" or
 * "meine Liste" alone names no particular list (the one talked about, else shopping).
 */
function meantSlots(slots: Record<string, VoiceSlot>, locale: Locale): Record<string, VoiceSlot> {
  const list = slots["list"];
  if (!list || list.resolvedId) return slots;
  const word = LIST_WORD[locale];
  const words = list.value.trim().split(/\s+/);
  while (words.length > 1 && LEADING_ARTICLES.includes(words[0]!.toLowerCase())) words.shift();
  if (words.length === 1 && words[0]!.toLowerCase() === word) {
    const { list: _generic, ...rest } = slots;
    return rest;
  }
  if (words.length > 1 && words[0]!.toLowerCase() === word) return { ...slots, list: { value: words.slice(1).join(" "), resolvedId: null } };
  return slots;
}

/**
 * The reply to one turn.
 * @example
 * const reply = converse(
 *   { kind: "intent", locale: "en-US", intent: "AddItemsIntent",
 *     slots: { items: { value: "milk eggs and bread", resolvedId: null } }, session: {} },
 *   store,
 * );
 * // reply.change: { kind: "add", listId: <shopping id>, values: ["milk", "eggs", "bread"] }
 * // reply.speech: "Added milk, eggs and bread to your shopping list."; reply.reprompt: null (one-shot)
 */
export function converse(turn: VoiceTurn, lists: VoiceLists): VoiceReply {
  if (turn.kind === "ended") return { change: null, speech: "", reprompt: null, card: null, session: {} };
  const say = speechFor(turn.locale);
  if (turn.kind === "launch") {
    const ctx: Ctx = { locale: turn.locale, say, lists, state: { ...readState(turn.session), launched: true } };
    return finish(ctx, { speech: say.welcome, invite: say.welcomeReprompt });
  }
  const ctx: Ctx = { locale: turn.locale, say, lists, state: readState(turn.session) };
  // Said too much at once (readTurn did not take it): a short answer, no work on it; an open question stays open.
  if (Object.values(turn.slots).some((s) => s.tooLong)) {
    return finish(ctx, { speech: say.tooMuchAtOnce, ...(ctx.state.pending ? { ask: say.tooMuchAtOnce, pending: ctx.state.pending } : {}) });
  }
  const slots = meantSlots(turn.slots, turn.locale);
  const pending = ctx.state.pending;
  if (pending) {
    const answered = isListPending(pending)
      ? answerList(ctx, pending, turn.intent, slots)
      : LIST_REQUESTS.has(turn.intent)
        ? null
        : answer(ctx, pending, turn.intent, slots);
    if (answered) return answered;
  }
  return intentReply(ctx, turn.intent, slots);
}

const EMPTY: VoiceLists = { lists: () => [], items: () => [], lastChange: () => null };

/**
 * The reply when the store refused the turn's change. Pass the turn's session
 * attributes to keep a session opened by LaunchRequest open.
 * @example errorReply("LIST_FULL", "en-US").speech // "Sorry, that list is full. …"
 * @example errorReply("NOTHING_TO_UNDO", "de-DE", turn.session).reprompt // "Noch etwas?" if launched, else null
 */
export function errorReply(code: StoreErrorCode, locale: Locale, session: Record<string, unknown> = {}): VoiceReply {
  const state = readState(session);
  const ctx: Ctx = { locale, say: speechFor(locale), lists: EMPTY, state: { ...state, pending: null, reading: null } };
  return finish(ctx, { speech: ctx.say.error(code) });
}
