/**
 * @module voice/dialogue/manage
 * Changing a whole list by voice: delete it, rename it, clear it, and create
 * it on the way when an add names a list the person does not have yet. What
 * loses items asks first ("Delete your hardware store list with 3 items?")
 * and acts only on yes; the answers to these questions are taken here too
 * (answerList). The shopping and to-do lists can be cleared but neither
 * deleted nor renamed, as over REST.
 */
import { listNameTaken, matchList, sameAs } from "../match.ts";
import { splitItems } from "../split.ts";
import { escapeSsml } from "../ssml.ts";
import { LIMITS, type VoiceListSummary, type VoiceReply, type VoiceSlot } from "../types.ts";
import { cleanListName, listById } from "./lists.ts";
import { labels, phrase, ref } from "./phrasing.ts";
import type { ListAction } from "../speech/index.ts";
import { finish, type Ctx, type ListPending } from "./session.ts";

/** Characters of items an offer to create a list keeps in the session until the answer. */
const MAX_WAITING_CHARS = 4000;

function named(slot: VoiceSlot | undefined): slot is VoiceSlot {
  return !!slot && (slot.value.trim() !== "" || slot.resolvedId !== null);
}

/** The list a delete, rename or clear names; a reply when it names none (or none we have). */
function target(ctx: Ctx, slot: VoiceSlot | undefined, action: ListAction): { list: VoiceListSummary } | { reply: VoiceReply } {
  if (!named(slot)) return { reply: finish(ctx, { speech: ctx.say.askWhichList(action), invite: ctx.say.askWhichList(action) }) };
  const all = ctx.lists.lists();
  const list = matchList(slot, all, ctx.locale);
  if (list) return { list };
  return { reply: finish(ctx, { speech: ctx.say.unknownList(escapeSsml(slot.value.trim()), labels(ctx, all)) }) };
}

/** "delete milk" heard as "delete the list milk": an item of that name, and no list, is an item removal. */
export function meantAnItem(ctx: Ctx, slot: VoiceSlot | undefined): slot is VoiceSlot {
  if (!named(slot) || slot.resolvedId || matchList(slot, ctx.lists.lists(), ctx.locale)) return false;
  const same = sameAs(slot.value.trim(), ctx.locale);
  return ctx.lists.lists().some((l) => ctx.lists.items(l.id).some((i) => same(i.value)));
}

function confirm(ctx: Ctx, question: string, pending: ListPending, listId: string): VoiceReply {
  return finish(ctx, { speech: question, ask: ctx.say.yesOrNo(question), pending, listId });
}

/**
 * "delete my hardware store list": asks, with the item count; acts on yes.
 * @example deleteList(ctx, { value: "hardware store", resolvedId: null }).speech // "Delete your hardware store list with 3 items?"
 */
export function deleteList(ctx: Ctx, slot: VoiceSlot | undefined): VoiceReply {
  const t = target(ctx, slot, "delete");
  if ("reply" in t) return t.reply;
  const { list } = t;
  if (list.defaultKind) return finish(ctx, { speech: ctx.say.cannotDelete(ref(list)), listId: list.id });
  const question = ctx.say.confirmDeleteList(ref(list), list.active + list.completed);
  return confirm(ctx, question, { kind: "confirmList", action: "delete", listId: list.id }, list.id);
}

/**
 * "clear my shopping list": asks how many items go; removes them all on yes (undo brings them back).
 * @example clearList(ctx, { value: "shopping", resolvedId: "shopping" }).speech // "Remove all 5 items from your shopping list?"
 */
export function clearList(ctx: Ctx, slot: VoiceSlot | undefined): VoiceReply {
  const t = named(slot) ? target(ctx, slot, "clear") : null;
  if (t && "reply" in t) return t.reply;
  const list = t?.list ?? listById(ctx, ctx.state.listId ?? "") ?? ctx.lists.lists()[0];
  if (!list) return finish(ctx, { speech: ctx.say.error("LIST_NOT_FOUND") });
  const count = list.active + list.completed;
  if (count === 0) return finish(ctx, { speech: ctx.say.listEmpty(ref(list)), listId: list.id });
  return confirm(ctx, ctx.say.confirmClearList(ref(list), count), { kind: "confirmList", action: "clear", listId: list.id }, list.id);
}

/** A new name as spoken, checked as createList checks it; the reply when it will not do. */
function checkName(ctx: Ctx, spoken: string, except: string | null): { name: string } | { reply: VoiceReply } {
  const name = cleanListName(spoken, ctx.locale);
  if (name.length > LIMITS.maxListNameLength) return { reply: finish(ctx, { speech: ctx.say.listNameTooLong(LIMITS.maxListNameLength) }) };
  const others = ctx.lists.lists().filter((l) => l.id !== except);
  if (listNameTaken(name, others, ctx.locale)) return { reply: finish(ctx, { speech: ctx.say.listNameTaken(escapeSsml(name)) }) };
  return { name };
}

/**
 * "rename my garden list to yard".
 * @example renameList(ctx, { value: "garden", resolvedId: null }, "yard").speech // "Your garden list is now called yard."
 */
export function renameList(ctx: Ctx, slot: VoiceSlot | undefined, newName: string): VoiceReply {
  const t = target(ctx, slot, "rename");
  if ("reply" in t) return t.reply;
  const { list } = t;
  if (list.defaultKind) return finish(ctx, { speech: ctx.say.cannotRename(ref(list)), listId: list.id });
  if (!cleanListName(newName, ctx.locale)) {
    const q = ctx.say.askNewName(ref(list));
    return finish(ctx, { speech: q, ask: q, pending: { kind: "newName", listId: list.id }, listId: list.id });
  }
  const checked = checkName(ctx, newName, list.id);
  if ("reply" in checked) return checked.reply;
  return finish(ctx, {
    speech: ctx.say.renamedList(ref(list), escapeSsml(checked.name)),
    change: { kind: "renameList", listId: list.id, name: checked.name },
    listId: list.id,
  });
}

/**
 * An add to a list the person does not have: offer to create it with the
 * items; null when no list of that name can be made (then the add explains
 * the unknown list as before).
 */
export function offerCreate(ctx: Ctx, spokenList: string, text: string): VoiceReply | null {
  const name = cleanListName(spokenList, ctx.locale);
  const all = ctx.lists.lists();
  if (!name || name.length > LIMITS.maxListNameLength || all.length >= LIMITS.maxLists || listNameTaken(name, all, ctx.locale)) return null;
  const values = splitItems(text, ctx.locale);
  // The items wait in the session attributes for the yes: keep them well inside Alexa's 24 KB response.
  if (values.length > LIMITS.maxItemsPerList || values.some((v) => v.length > LIMITS.maxValueLength) || values.join("").length > MAX_WAITING_CHARS) {
    return null;
  }
  const question = ctx.say.offerCreate(escapeSsml(name), phrase(ctx, values));
  return finish(ctx, { speech: question, ask: ctx.say.yesOrNo(question), pending: { kind: "createAndAdd", name, values } });
}

/** The reply when this turn answers a question about a whole list; null: a new request. */
export function answerList(ctx: Ctx, pending: ListPending, intent: string, slots: Record<string, VoiceSlot>): VoiceReply | null {
  const no = intent === "AMAZON.NoIntent" || intent === "AMAZON.CancelIntent";
  const yes = intent === "AMAZON.YesIntent";
  if (pending.kind === "newName") {
    if (no) return finish(ctx, { speech: ctx.say.leftAlone });
    const spoken = intent === "AnswerItemIntent" ? slots["item"]?.value : intent === "CreateListIntent" ? slots["listName"]?.value : undefined;
    if (spoken === undefined) return null;
    const list = listById(ctx, pending.listId);
    return list ? renameList(ctx, { value: list.name, resolvedId: list.id }, spoken) : finish(ctx, { speech: ctx.say.error("LIST_NOT_FOUND") });
  }
  if (no) return finish(ctx, { speech: pending.kind === "createAndAdd" ? ctx.say.addedNothing : ctx.say.leftAlone });
  if (!yes) return null;
  if (pending.kind === "createAndAdd") {
    const values = phrase(ctx, pending.values);
    return finish(ctx, {
      speech: ctx.say.createdAndAdded(escapeSsml(pending.name), values),
      change: { kind: "createList", name: pending.name, values: pending.values },
    });
  }
  const list = listById(ctx, pending.listId);
  if (!list) return finish(ctx, { speech: ctx.say.error("LIST_NOT_FOUND") });
  if (pending.action === "delete") {
    // The deleted list is no longer the one talked about.
    const after: Ctx = { ...ctx, state: { ...ctx.state, listId: null } };
    return finish(after, { speech: ctx.say.deletedList(ref(list)), change: { kind: "deleteList", listId: list.id } });
  }
  const count = ctx.lists.items(list.id).length;
  if (count === 0) return finish(ctx, { speech: ctx.say.listEmpty(ref(list)), listId: list.id });
  return finish(ctx, { speech: ctx.say.clearedList(ref(list), count), change: { kind: "clearList", listId: list.id }, listId: list.id });
}
