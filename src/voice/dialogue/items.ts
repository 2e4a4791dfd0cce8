/**
 * @module voice/dialogue/items
 * Requests about items: add ("milk eggs and bread", split into items; an
 * item already there is not added twice, one there but checked off is put
 * back), and remove, check off, uncheck, which match what was said against
 * the items and act only on a sure match. Otherwise they ask (see session.ts
 * for the session rule), and the next turn's answer is taken here too.
 *
 * A pending question is answered by AnswerItemIntent or by the same intent
 * again ("remove the oat milk"); for a "which list?" question also by any
 * intent whose list slot names one of the lists. Any other intent drops the
 * question and is handled as a new request: "add oat milk" while "remove: oat
 * milk or almond milk?" is open adds, it does not remove. An answer that names
 * none of the candidates is taken as a correction (the same operation on what
 * was said now); "yes" to an either/or question asks it again. Fuzzy matches
 * never act without a yes ("Did you mean oat milk?").
 */
import type { Locale } from "../intents.ts";
import { itemKeyer, matchItem, matchList, sameAs, sameItem, sameKey } from "../match.ts";
import type { ItemOp } from "../speech/index.ts";
import { splitItems } from "../split.ts";
import { escapeSsml, joinOr } from "../ssml.ts";
import {
  LIMITS,
  type ItemStatus,
  type VoiceChange,
  type VoiceItem,
  type VoiceListSummary,
  type VoiceReply,
  type VoiceSlot,
} from "../types.ts";
import { createList, defaultList, listById, resolveList } from "./lists.ts";
import { phrase, ref, sentences } from "./phrasing.ts";
import { addTarget } from "./target.ts";
import { finish, type Candidate, type Ctx, type ItemPending as Pending } from "./session.ts";

/** The item operations by intent. */
export const OPS: Record<string, ItemOp> = {
  RemoveItemIntent: "remove",
  CheckOffItemIntent: "checkOff",
  UncheckItemIntent: "uncheck",
};

// ---------------------------------------------------------------- add

/** `note`: a sentence said after a successful add ("… not an Alexa reminder"). */
export function addItems(ctx: Ctx, said: string, spokenList: VoiceSlot | undefined, note?: string): VoiceReply {
  const target = addTarget(ctx, said, spokenList);
  if ("reply" in target) return target.reply;
  const { text, listSlot } = target;
  const resolved = resolveList(ctx, listSlot);
  if ("reply" in resolved) return resolved.reply;
  const { list } = resolved;
  const askItems = (): VoiceReply =>
    finish(ctx, {
      speech: ctx.say.askItemsToAdd(ref(list)),
      ask: ctx.say.askItemsToAdd(ref(list)),
      pending: { kind: "item", op: "add", listId: list.id },
      listId: list.id,
    });
  if (!text.trim()) return askItems();

  const known = ctx.lists.lists().flatMap((l) => ctx.lists.items(l.id).map((i) => i.value));
  // Never more items than a list holds: more cannot fit, whatever is already there.
  const values = splitItems(text, ctx.locale, known, LIMITS.maxItemsPerList + 1);
  if (values.length === 0) return askItems();
  if (values.some((v) => v.length > LIMITS.maxValueLength)) {
    return finish(ctx, { speech: ctx.say.valueTooLong(LIMITS.maxValueLength), listId: list.id });
  }

  // What is there already stays as it is; what is there checked off is put
  // back (the active one wins when both are); the rest is new. Each name is
  // normalised once (keyOf), and sorting stops once the new items overflow the room.
  const keyOf = itemKeyer(ctx.locale);
  const items = ctx.lists.items(list.id);
  const room = LIMITS.maxItemsPerList - items.length;
  const active = items.filter((i) => i.status === "active").map((i) => ({ i, key: keyOf(i.value) }));
  const completed = items.filter((i) => i.status === "completed").map((i) => ({ i, key: keyOf(i.value) }));
  const already: string[] = [];
  const reactivated: VoiceItem[] = [];
  const fresh: { v: string; key: ReturnType<typeof keyOf> }[] = [];
  for (const v of values) {
    const key = keyOf(v);
    const existing = active.find((a) => sameKey(a.key, key, ctx.locale));
    if (existing) {
      already.push(existing.i.value);
      continue;
    }
    const checkedOff = completed.find((c) => sameKey(c.key, key, ctx.locale));
    if (checkedOff) {
      if (!reactivated.includes(checkedOff.i)) reactivated.push(checkedOff.i);
      continue;
    }
    if (!fresh.some((f) => sameKey(f.key, key, ctx.locale))) fresh.push({ v, key }); // "banana and bananas": once
    if (fresh.length > room) break;
  }
  if (fresh.length === 0 && reactivated.length === 0) {
    return finish(ctx, { speech: ctx.say.alreadyThere(phrase(ctx, already), ref(list)), listId: list.id });
  }
  if (fresh.length > room) {
    return finish(ctx, {
      speech: ctx.say.listFull(ref(list), LIMITS.maxItemsPerList, Math.max(0, room)),
      listId: list.id,
    });
  }
  const added = fresh.map((f) => f.v);
  const putBack = phrase(ctx, reactivated.map((i) => i.value));
  return finish(ctx, {
    // The first sentence names the list, the others refer to it.
    speech: sentences(
      fresh.length > 0 && ctx.say.added(phrase(ctx, added), ref(list)),
      reactivated.length > 0 && (fresh.length > 0 ? ctx.say.alsoPutBack(putBack) : ctx.say.putBack(putBack, ref(list))),
      already.length > 0 && ctx.say.alsoAlreadyThere(phrase(ctx, already)),
      note,
    ),
    change: {
      kind: "add",
      listId: list.id,
      values: added,
      ...(reactivated.length > 0 ? { reactivateIds: reactivated.map((i) => i.id) } : {}),
    },
    listId: list.id,
  });
}

// ---------------------------------------------------------------- remove / check off / uncheck

interface PoolItem extends Candidate {
  status: ItemStatus;
  list: VoiceListSummary;
}

const WANTED: Record<ItemOp, ItemStatus | null> = { remove: null, checkOff: "active", uncheck: "completed" };

function candidate(item: PoolItem): Candidate {
  return { listId: item.listId, itemId: item.itemId, value: item.value };
}

/** Acts on one item, after checking it is still there and in the right state. */
function act(ctx: Ctx, op: ItemOp, target: Candidate): VoiceReply {
  const list = listById(ctx, target.listId);
  const item: VoiceItem | undefined = list ? ctx.lists.items(list.id).find((i) => i.id === target.itemId) : undefined;
  if (!list || !item) {
    return finish(ctx, { speech: ctx.say.notFound(escapeSsml(target.value), list ? ref(list) : null) });
  }
  const value = escapeSsml(item.value);
  if (op === "checkOff" && item.status === "completed") {
    return finish(ctx, { speech: ctx.say.alreadyCheckedOff(value, ref(list)), listId: list.id });
  }
  if (op === "uncheck" && item.status === "active") {
    return finish(ctx, { speech: ctx.say.notCheckedOff(value, ref(list)), listId: list.id });
  }
  const change: VoiceChange =
    op === "remove"
      ? { kind: "remove", listId: list.id, itemIds: [item.id] }
      : { kind: "status", listId: list.id, itemIds: [item.id], status: op === "checkOff" ? "completed" : "active" };
  return finish(ctx, { speech: ctx.say.done(op, value, ref(list)), change, listId: list.id });
}

/** "oat milk or almond milk"; "milk on your shopping list or milk on your garden list" for equal names. */
function options(ctx: Ctx, items: readonly Candidate[]): string {
  const all = ctx.lists.lists();
  const said = items.map((it) => {
    const twin = items.some((o) => o !== it && sameItem(o.value, it.value, ctx.locale));
    const list = twin ? all.find((l) => l.id === it.listId) : undefined;
    return list ? ctx.say.choiceOnList(escapeSsml(it.value), ref(list)) : escapeSsml(it.value);
  });
  return joinOr(said, ctx.locale);
}

function askWhich(ctx: Ctx, op: ItemOp, items: readonly PoolItem[], scope: string | null): VoiceReply {
  const joined = options(ctx, items);
  return finish(ctx, {
    speech: ctx.say.whichOne(joined),
    ask: ctx.say.whichOneReprompt(joined),
    pending: { kind: "choose", op, candidates: items.map(candidate), listId: scope },
  });
}

export function itemOp(ctx: Ctx, op: ItemOp, text: string, listSlot: VoiceSlot | undefined, scopeIds?: string[]): VoiceReply {
  let scope: VoiceListSummary[];
  let named: VoiceListSummary | null = null;
  if (listSlot && (listSlot.value.trim() || listSlot.resolvedId)) {
    const resolved = resolveList(ctx, listSlot);
    if ("reply" in resolved) return resolved.reply;
    named = resolved.list;
    scope = [named];
  } else {
    const all = ctx.lists.lists();
    scope = scopeIds ? all.filter((l) => scopeIds.includes(l.id)) : all;
    if (scope.length === 1) named = scope[0] ?? null;
  }
  if (!text.trim()) {
    return finish(ctx, {
      speech: ctx.say.askItem(op),
      ask: ctx.say.askItem(op),
      pending: { kind: "item", op, listId: named?.id ?? null },
    });
  }

  const keyOf = itemKeyer(ctx.locale);
  const wanted = WANTED[op];
  // In the wanted state first; for a remove, active before completed (each in list order), so that of two
  // equal items the open one is removed. One pass: a store may hold 50,000 items.
  const preferred: PoolItem[] = [];
  const other: PoolItem[] = [];
  const completedToo: PoolItem[] = [];
  for (const list of scope) {
    for (const i of ctx.lists.items(list.id)) {
      const item: PoolItem = { listId: list.id, itemId: i.id, value: i.value, status: i.status, list };
      if (wanted === null) (i.status === "active" ? preferred : completedToo).push(item);
      else (i.status === wanted ? preferred : other).push(item);
    }
  }
  for (const item of completedToo) preferred.push(item);
  const wrongState = (): VoiceReply | null => {
    const same = sameAs(text, ctx.locale, keyOf);
    const hit = other.find((i) => same(i.value));
    if (!hit) return null;
    const value = escapeSsml(hit.value);
    const speech =
      op === "checkOff" ? ctx.say.alreadyCheckedOff(value, ref(hit.list)) : ctx.say.notCheckedOff(value, ref(hit.list));
    return finish(ctx, { speech, listId: hit.listId });
  };

  const match = matchItem(text, preferred, ctx.locale, { groupOf: (i) => i.listId, keyOf });
  switch (match.kind) {
    case "one":
      if (match.exact) return act(ctx, op, match.item);
      return (
        wrongState() ??
        finish(ctx, {
          speech: ctx.say.didYouMean(escapeSsml(match.item.value)),
          ask: ctx.say.didYouMeanReprompt(escapeSsml(match.item.value)),
          pending: { kind: "confirm", op, candidate: candidate(match.item), listId: named?.id ?? null },
        })
      );
    case "ambiguous": {
      if (match.exact) {
        const here = match.items.find((i) => i.listId === ctx.state.listId);
        if (here) return act(ctx, op, here);
        return askWhich(ctx, op, match.items, named?.id ?? null);
      }
      return wrongState() ?? askWhich(ctx, op, match.items, named?.id ?? null);
    }
    case "none":
      return (
        wrongState() ??
        finish(ctx, { speech: ctx.say.notFound(escapeSsml(text.trim()), named ? ref(named) : null), listId: named?.id })
      );
  }
}

// ---------------------------------------------------------------- answers to a pending question

/** "the first one", "die zweite": words that pick the n-th option (the last entry: the last option). */
const ORDINALS: Record<Locale, readonly (readonly string[])[]> = {
  "en-US": [["first", "1st"], ["second", "2nd"], ["third", "3rd"], ["last"]],
  "en-GB": [["first", "1st"], ["second", "2nd"], ["third", "3rd"], ["last"]],
  "de-DE": [
    ["erste", "ersten", "erster", "erstes"],
    ["zweite", "zweiten", "zweiter", "zweites"],
    ["dritte", "dritten", "dritter", "drittes"],
    ["letzte", "letzten", "letzter", "letztes"],
  ],
};

function ordinal(text: string, count: number, locale: Locale): number | null {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  const table = ORDINALS[locale];
  const index = table.findIndex((forms) => forms.some((f) => words.includes(f)));
  if (index < 0) return null;
  return index === table.length - 1 ? count - 1 : index;
}

/** The candidate an answer picks, or null. */
function pick(ctx: Ctx, candidates: readonly Candidate[], text: string, listSlot: VoiceSlot | undefined): Candidate | null {
  let narrowed: readonly Candidate[] = candidates;
  if (text) {
    const m = matchItem(text, candidates, ctx.locale, { groupOf: (c) => `${c.listId}\u0000${c.itemId}` });
    if (m.kind === "one") return m.item;
    if (m.kind === "ambiguous") narrowed = m.items;
  }
  const listIds = [...new Set(narrowed.map((c) => c.listId))];
  if (listIds.length > 1) {
    const lists = ctx.lists.lists().filter((l) => listIds.includes(l.id));
    const spoken = listSlot && (listSlot.value || listSlot.resolvedId) ? listSlot : text ? text : null;
    const list = spoken ? matchList(spoken, lists, ctx.locale) : null;
    const onList = list ? narrowed.filter((c) => c.listId === list.id) : [];
    if (onList.length === 1) return onList[0] ?? null;
  }
  const index = ordinal(text, candidates.length, ctx.locale);
  return index === null ? null : (candidates[index] ?? null);
}

function reAsk(ctx: Ctx, pending: Pending): VoiceReply {
  switch (pending.kind) {
    case "choose": {
      const joined = options(ctx, pending.candidates);
      return finish(ctx, { speech: ctx.say.whichOneReprompt(joined), ask: ctx.say.whichOneReprompt(joined), pending });
    }
    case "confirm": {
      const v = escapeSsml(pending.candidate.value);
      return finish(ctx, { speech: ctx.say.didYouMeanReprompt(v), ask: ctx.say.didYouMeanReprompt(v), pending });
    }
    case "item": {
      const list = (pending.listId ? listById(ctx, pending.listId) : undefined) ?? defaultList(ctx, ctx.lists.lists());
      const speech =
        pending.op !== "add" ? ctx.say.askItem(pending.op) : list ? ctx.say.askItemsToAdd(ref(list)) : ctx.say.fallback;
      return finish(ctx, { speech, ask: speech, pending });
    }
    case "listName":
      return finish(ctx, { speech: ctx.say.askListName, ask: ctx.say.askListName, pending });
  }
}

/** An answer that names none of the candidates: the same operation on what was said now. */
function correction(
  ctx: Ctx,
  pending: Pending & { kind: "choose" | "confirm" },
  text: string,
  listSlot: VoiceSlot | undefined,
): VoiceReply {
  return itemOp(ctx, pending.op, text, listSlot, pending.listId ? [pending.listId] : undefined);
}

function dropQuestion(ctx: Ctx): VoiceReply {
  return finish(ctx, { speech: `${ctx.say.okay} ${ctx.say.anythingElse}`, invite: ctx.say.anythingElse });
}

/** The reply when this turn answers the pending question; null: handle it as a new request. */
export function answer(ctx: Ctx, pending: Pending, intent: string, slots: Record<string, VoiceSlot>): VoiceReply | null {
  if (intent === "AMAZON.CancelIntent") return dropQuestion(ctx);
  if (intent === "AMAZON.NoIntent") {
    return pending.kind === "confirm" ? finish(ctx, { speech: ctx.say.leftAlone }) : dropQuestion(ctx);
  }
  if (intent === "AMAZON.YesIntent") {
    return pending.kind === "confirm" ? act(ctx, pending.op, pending.candidate) : reAsk(ctx, pending);
  }
  const isAnswer = intent === "AnswerItemIntent";
  const text = (slots["item"]?.value ?? slots["items"]?.value ?? "").trim();
  const listSlot = slots["list"];

  switch (pending.kind) {
    case "choose": {
      const sameOp = OPS[intent] === pending.op;
      const spansLists = new Set(pending.candidates.map((c) => c.listId)).size > 1;
      const byList = spansLists && !!listSlot && !OPS[intent] && intent !== "AddItemsIntent";
      if (!isAnswer && !sameOp && !byList) return null;
      const chosen = pick(ctx, pending.candidates, isAnswer || sameOp ? text : "", listSlot);
      if (chosen) return act(ctx, pending.op, chosen);
      if (text && (isAnswer || sameOp)) return correction(ctx, pending, text, sameOp ? listSlot : undefined);
      return reAsk(ctx, pending);
    }
    case "confirm": {
      if (!isAnswer && OPS[intent] !== pending.op) return null;
      if (!text) return reAsk(ctx, pending);
      if (sameItem(text, pending.candidate.value, ctx.locale)) return act(ctx, pending.op, pending.candidate);
      return correction(ctx, pending, text, OPS[intent] ? listSlot : undefined);
    }
    case "item": {
      if (!isAnswer) return null;
      if (!text) return reAsk(ctx, pending);
      const list = pending.listId ? listById(ctx, pending.listId) : undefined;
      const listRef: VoiceSlot | undefined = list ? { value: list.name, resolvedId: list.id } : undefined;
      return pending.op === "add" ? addItems(ctx, text, listRef) : itemOp(ctx, pending.op, text, listRef);
    }
    case "listName": {
      const name = isAnswer ? text : intent === "CreateListIntent" ? (slots["listName"]?.value ?? "").trim() : null;
      if (name === null) return null;
      return name ? createList(ctx, name) : reAsk(ctx, pending);
    }
  }
}
