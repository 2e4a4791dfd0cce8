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
import type { Locale } from "../intents.ts";
import { speechFor } from "../speech/index.ts";
import type { StoreErrorCode, VoiceLists, VoiceReply, VoiceSlot, VoiceTurn } from "../types.ts";
import { addItems, answer, itemOp, OPS } from "./items.ts";
import { clearCompleted, createList, listLists, more, readList, undo } from "./lists.ts";
import { fallback, finish, readState, type Ctx } from "./session.ts";

export { PAGE_SIZE } from "./lists.ts";

function intentReply(ctx: Ctx, intent: string, slots: Record<string, VoiceSlot>): VoiceReply {
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
    case "AMAZON.HelpIntent":
      return finish(ctx, { speech: ctx.say.help, invite: ctx.say.helpReprompt });
    case "AMAZON.StopIntent":
    case "AMAZON.CancelIntent":
      return finish(ctx, { speech: ctx.say.goodbye, end: true });
    case "AMAZON.NavigateHomeIntent":
      return finish(ctx, { speech: "", end: true });
    default:
      // AMAZON.FallbackIntent, Yes/No outside a question, AnswerItemIntent without one, unknown intents.
      return fallback(ctx);
  }
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
  const pending = ctx.state.pending;
  if (pending) {
    const answered = answer(ctx, pending, turn.intent, turn.slots);
    if (answered) return answered;
  }
  return intentReply(ctx, turn.intent, turn.slots);
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
