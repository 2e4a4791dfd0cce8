/**
 * @module voice/dialogue/questions
 * Questions about the lists that change nothing: "is milk on my shopping
 * list", "how many items are on my shopping list", "what did I check off",
 * "what's on all my lists". Answers are short: a count and a few items, the
 * rest is one "read my … list" away.
 */
import { sameAs } from "../match.ts";
import { trimFillers } from "../split.ts";
import { escapeSsml } from "../ssml.ts";
import type { VoiceItem, VoiceReply, VoiceSlot } from "../types.ts";
import { resolveList } from "./lists.ts";
import { phrase, ref, sentences } from "./phrasing.ts";
import { fallback, finish, type Ctx } from "./session.ts";

/** Items named per list, and lists summed up, in "what's on all my lists". */
const SUMMARY_ITEMS = 3;
const SUMMARY_LISTS = 10;

/** Words before the item in a question that are not part of it ("is there any butter"). */
const QUESTION_WORDS: Record<Ctx["locale"], readonly string[]> = {
  "en-US": ["there", "any", "some"],
  "en-GB": ["there", "any", "some"],
  "de-DE": ["noch", "schon"],
};

function named(slot: VoiceSlot | undefined): slot is VoiceSlot {
  return !!slot && (slot.value.trim() !== "" || slot.resolvedId !== null);
}

/**
 * "is milk on my shopping list": yes, yes but checked off, or no; without a list, every list is looked at.
 * @example isOnList(ctx, "milk", undefined).speech // "Yes, milk is on your shopping list."
 */
export function isOnList(ctx: Ctx, text: string, slot: VoiceSlot | undefined): VoiceReply {
  const words = text.trim().split(/\s+/);
  while (words.length > 1 && QUESTION_WORDS[ctx.locale].includes(words[0]!.toLowerCase())) words.shift();
  const said = trimFillers(words.join(" "), ctx.locale);
  if (!said) return fallback(ctx);
  let scope = ctx.lists.lists();
  if (named(slot)) {
    const resolved = resolveList(ctx, slot);
    if ("reply" in resolved) return resolved.reply;
    scope = [resolved.list];
  }
  const value = escapeSsml(said);
  // An open item first, wherever it is; a checked-off one only if no list has it open.
  const same = sameAs(said, ctx.locale);
  for (const status of ["active", "completed"] as const) {
    for (const list of scope) {
      const hit = ctx.lists.items(list.id).find((i) => i.status === status && same(i.value));
      if (hit) return finish(ctx, { speech: ctx.say.isOnList(escapeSsml(hit.value), ref(list), status), listId: list.id });
    }
  }
  const only = scope.length === 1 ? scope[0]! : null;
  return finish(ctx, { speech: ctx.say.isOnList(value, only ? ref(only) : null, null), ...(only ? { listId: only.id } : {}) });
}

/**
 * "how many items are on my shopping list" (the open ones; the checked-off ones are mentioned).
 * @example countItems(ctx, undefined).speech // "Your shopping list has 3 items."
 */
export function countItems(ctx: Ctx, slot: VoiceSlot | undefined): VoiceReply {
  const resolved = resolveList(ctx, slot);
  if ("reply" in resolved) return resolved.reply;
  const { list } = resolved;
  return finish(ctx, { speech: ctx.say.itemCount(ref(list), list.active, list.completed), listId: list.id });
}

const completed = (items: readonly VoiceItem[]): string[] => items.filter((i) => i.status === "completed").map((i) => i.value);

/**
 * "what did I check off": the checked-off items of the named list, or of every list that has some.
 * @example readCompleted(ctx, undefined).speech // "Checked off on your shopping list: milk and eggs."
 */
export function readCompleted(ctx: Ctx, slot: VoiceSlot | undefined): VoiceReply {
  if (named(slot)) {
    const resolved = resolveList(ctx, slot);
    if ("reply" in resolved) return resolved.reply;
    const { list } = resolved;
    return finish(ctx, { speech: ctx.say.checkedOffOn(ref(list), phrase(ctx, completed(ctx.lists.items(list.id)))), listId: list.id });
  }
  const parts = ctx.lists
    .lists()
    .filter((l) => l.completed > 0)
    .map((l) => ctx.say.checkedOffOn(ref(l), phrase(ctx, completed(ctx.lists.items(l.id)))));
  return finish(ctx, { speech: parts.length > 0 ? sentences(...parts) : ctx.say.nothingCheckedOff });
}

/**
 * "what's on all my lists": per list its open items' count and the first few.
 * @example readAll(ctx).speech // "Shopping list, 3 items: milk, eggs and bread. To-do list: empty."
 */
export function readAll(ctx: Ctx): VoiceReply {
  const all = ctx.lists.lists();
  const lines = all.slice(0, SUMMARY_LISTS).map((l) => {
    const active = ctx.lists.items(l.id).filter((i) => i.status === "active").map((i) => i.value);
    return ctx.say.summaryLine(ref(l), active.length, phrase(ctx, active, SUMMARY_ITEMS));
  });
  const rest = all.length - lines.length;
  return finish(ctx, { speech: sentences(...lines, rest > 0 && ctx.say.moreLists(rest)) });
}
