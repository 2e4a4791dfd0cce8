/**
 * @module voice/dialogue/lists
 * Which list a turn means, and what is done with a whole list: read it (a
 * page at a time, "more" for the rest, with a card in the app), name the
 * lists, clear the checked-off items, undo the last change, create a list.
 * Item-level requests are in items.ts.
 */
import { DEFAULT_LIST_IDS, type Locale } from "../intents.ts";
import { matchList, listNameTaken } from "../match.ts";
import { CARD_LIMIT } from "../response.ts";
import type { UndoneChange } from "../speech/index.ts";
import { escapeSsml, joinAnd } from "../ssml.ts";
import { LIMITS, type VoiceCard, type VoiceItem, type VoiceListSummary, type VoiceReply, type VoiceSlot } from "../types.ts";
import { labels, phrase, ref, sentences } from "./phrasing.ts";
import { fallback, finish, type Ctx } from "./session.ts";

/**
 * Items read per turn ("milk, eggs, …, and 12 more").
 * @example reading.offset + PAGE_SIZE // where "more" continues
 */
export const PAGE_SIZE = 5;

// ---------------------------------------------------------------- which list

type Resolved = { list: VoiceListSummary } | { reply: VoiceReply };

export function defaultList(ctx: Ctx, all: readonly VoiceListSummary[]): VoiceListSummary | null {
  return (
    all.find((l) => l.id === ctx.state.listId) ??
    all.find((l) => l.defaultKind === DEFAULT_LIST_IDS.shopping) ??
    all[0] ??
    null
  );
}

/** The list a slot names; when the slot is empty, the list talked about, else shopping. */
export function resolveList(ctx: Ctx, slot: VoiceSlot | undefined): Resolved {
  const all = ctx.lists.lists();
  if (slot && (slot.value.trim() || slot.resolvedId)) {
    const list = matchList(slot, all, ctx.locale);
    if (list) return { list };
    return {
      reply: finish(ctx, { speech: ctx.say.unknownList(escapeSsml(slot.value.trim()), labels(ctx, all)) }),
    };
  }
  const list = defaultList(ctx, all);
  return list ? { list } : { reply: finish(ctx, { speech: ctx.say.error("LIST_NOT_FOUND") }) };
}

export function listById(ctx: Ctx, id: string): VoiceListSummary | undefined {
  return ctx.lists.lists().find((l) => l.id === id);
}

// ---------------------------------------------------------------- reading

function listCard(ctx: Ctx, list: VoiceListSummary, items: readonly VoiceItem[]): VoiceCard {
  const title = ctx.say.cardTitle({ kind: list.defaultKind, name: list.name });
  if (items.length === 0) return { title, content: ctx.say.cardEmpty };
  const active = items.filter((i) => i.status === "active").map((i) => ({ text: i.value, item: true }));
  const completed = items.filter((i) => i.status === "completed").map((i) => ({ text: `✓ ${i.value}`, item: true }));
  const lines =
    completed.length > 0
      ? [...active, { text: "", item: false }, { text: ctx.say.cardCheckedOff, item: false }, ...completed]
      : active;
  // Title and content together within the limit, with room kept for "… and N more".
  const budget = CARD_LIMIT - title.length;
  let content = "";
  let shown = 0;
  for (const line of lines) {
    const next = content ? `${content}\n${line.text}` : line.text;
    const left = items.length - shown - (line.item ? 1 : 0);
    const reserve = left > 0 ? ctx.say.cardMore(left).length + 1 : 0;
    if (next.length + reserve > budget) {
      content = `${content}\n${ctx.say.cardMore(items.length - shown)}`.trim();
      break;
    }
    content = next;
    if (line.item) shown++;
  }
  return { title, content };
}

export function readList(ctx: Ctx, listSlot: VoiceSlot | undefined): VoiceReply {
  const resolved = resolveList(ctx, listSlot);
  if ("reply" in resolved) return resolved.reply;
  const { list } = resolved;
  const items = ctx.lists.items(list.id);
  const active = items.filter((i) => i.status === "active");
  const completed = items.length - active.length;
  const card = listCard(ctx, list, items);
  const checked = completed > 0 ? ctx.say.checkedOffCount(completed) : null;
  if (active.length === 0) {
    return finish(ctx, { speech: sentences(ctx.say.listEmpty(ref(list)), checked), card, listId: list.id });
  }
  const page = active.slice(0, PAGE_SIZE).map((i) => escapeSsml(i.value));
  const rest = active.length - page.length;
  const text = joinAnd(rest > 0 ? [...page, ctx.say.andMore(rest)] : page, ctx.locale);
  const speech = sentences(ctx.say.readList(ref(list), active.length, text), checked, rest > 0 && ctx.say.sayMore);
  if (rest === 0) return finish(ctx, { speech, card, listId: list.id });
  return finish(ctx, {
    speech,
    card,
    listId: list.id,
    ask: ctx.say.sayMoreReprompt,
    reading: { listId: list.id, offset: PAGE_SIZE },
  });
}

export function more(ctx: Ctx): VoiceReply {
  const reading = ctx.state.reading;
  if (!reading) return fallback(ctx);
  const list = listById(ctx, reading.listId);
  if (!list) return finish(ctx, { speech: ctx.say.error("LIST_NOT_FOUND") });
  const active = ctx.lists.items(list.id).filter((i) => i.status === "active");
  const page = active.slice(reading.offset, reading.offset + PAGE_SIZE).map((i) => escapeSsml(i.value));
  if (page.length === 0) return finish(ctx, { speech: ctx.say.endOfList(ref(list)), listId: list.id });
  const rest = active.length - reading.offset - page.length;
  const text = joinAnd(rest > 0 ? [...page, ctx.say.andMore(rest)] : page, ctx.locale);
  if (rest === 0) {
    return finish(ctx, { speech: sentences(ctx.say.readMore(text), ctx.say.endOfList(ref(list))), listId: list.id });
  }
  return finish(ctx, {
    speech: sentences(ctx.say.readMore(text), ctx.say.sayMore),
    ask: ctx.say.sayMoreReprompt,
    reading: { listId: list.id, offset: reading.offset + PAGE_SIZE },
    listId: list.id,
  });
}

// ---------------------------------------------------------------- lists, clear, undo, create

export function listLists(ctx: Ctx): VoiceReply {
  const all = ctx.lists.lists();
  return finish(ctx, { speech: ctx.say.lists(all.length, labels(ctx, all)) });
}

export function clearCompleted(ctx: Ctx, listSlot: VoiceSlot | undefined): VoiceReply {
  const resolved = resolveList(ctx, listSlot);
  if ("reply" in resolved) return resolved.reply;
  const { list } = resolved;
  const count = ctx.lists.items(list.id).filter((i) => i.status === "completed").length;
  if (count === 0) return finish(ctx, { speech: ctx.say.nothingToClear(ref(list)), listId: list.id });
  return finish(ctx, {
    speech: ctx.say.cleared(count, ref(list)),
    change: { kind: "clearCompleted", listId: list.id },
    listId: list.id,
  });
}

export function undo(ctx: Ctx): VoiceReply {
  const last = ctx.lists.lastChange();
  if (!last) return finish(ctx, { speech: ctx.say.nothingToUndo });
  const list = ref({ defaultKind: last.defaultKind, name: last.listName });
  // Items to put back on a list that has filled up since: what fits goes back, and the answer says so.
  if (last.fits !== undefined) {
    if (last.fits <= 0) return finish(ctx, { speech: ctx.say.listFull(list, LIMITS.maxItemsPerList, 0) });
    const back = phrase(ctx, last.values.slice(0, last.fits));
    return finish(ctx, {
      speech: ctx.say.undonePartly(back, list, last.values.length - last.fits, LIMITS.maxItemsPerList),
      change: { kind: "undo" },
    });
  }
  const change: UndoneChange = { kind: last.kind, list, items: phrase(ctx, last.values) };
  if (last.status) change.status = last.status;
  if (last.reactivated?.length) change.reactivated = phrase(ctx, last.reactivated);
  return finish(ctx, {
    speech: ctx.say.undone(change),
    change: { kind: "undo" },
  });
}

/** Articles before a list's name as said ("a hardware store list", "die Baumarktliste"). */
const LEADS: Record<Locale, readonly string[]> = {
  "en-US": ["my", "the", "a", "an", "our"],
  "en-GB": ["my", "the", "a", "an", "our"],
  "de-DE": ["meine", "meiner", "die", "der", "eine", "einer", "unsere"],
};

/**
 * A new list's name as said, without an article before it and a separate "list" word after it.
 * @example cleanListName("the hardware store list", "en-US") // "hardware store"
 */
export function cleanListName(name: string, locale: Locale): string {
  const words = name.trim().split(/\s+/).filter((w) => w.length > 0);
  while (words.length > 1 && LEADS[locale].includes(words[0]!.toLowerCase())) words.shift();
  const suffix = locale === "de-DE" ? "liste" : "list";
  if (words.length > 1 && words[words.length - 1]?.toLowerCase() === suffix) words.pop();
  return words.join(" ");
}

export function createList(ctx: Ctx, spoken: string): VoiceReply {
  const name = cleanListName(spoken, ctx.locale);
  if (!name) {
    return finish(ctx, { speech: ctx.say.askListName, ask: ctx.say.askListName, pending: { kind: "listName" } });
  }
  const all = ctx.lists.lists();
  if (name.length > LIMITS.maxListNameLength) {
    return finish(ctx, { speech: ctx.say.listNameTooLong(LIMITS.maxListNameLength) });
  }
  if (all.length >= LIMITS.maxLists) return finish(ctx, { speech: ctx.say.tooManyLists(LIMITS.maxLists) });
  if (listNameTaken(name, all, ctx.locale)) return finish(ctx, { speech: ctx.say.listNameTaken(escapeSsml(name)) });
  return finish(ctx, { speech: ctx.say.createdList(escapeSsml(name)), change: { kind: "createList", name } });
}
