/**
 * @module voice/dialogue
 * The conversation: one turn in, one reply out (what to say, what to change,
 * whether the session stays open). Pure: the user's lists come in as a
 * read-only VoiceLists, the session as plain attributes; the one change a turn
 * asks for is applied by the caller afterwards (a refusal is spoken with
 * errorReply).
 *
 * Session rule. The session stays open (reprompt non-null) when
 * - the reply asks something: "Oat milk or almond milk?", "Did you mean oat
 *   milk?", "What should I add?", or "Say more to hear the rest.";
 * - the reply invites a next step by nature: welcome, help, fallback, and
 *   "Okay." after a cancelled question;
 * - or the session was opened by a LaunchRequest ("open list helper"); then
 *   every other reply ends with "Anything else?" (the reprompt too).
 * Otherwise, i.e. in a one-shot request ("ask list helper to add milk"), it
 * ends after the answer. Stop, Cancel without a question, NavigateHome and
 * SessionEndedRequest always end it.
 *
 * Session attributes (ours only, validated on read): `launched`, `listId` (the
 * list talked about, the default for the next add), `reading` (list and
 * offset for "more"), `pending` (the open question and its candidates). A
 * pending question is answered by AnswerItemIntent or by the same intent again
 * ("remove the oat milk"); for a "which list?" question also by any intent
 * whose list slot names one of the lists. Any other intent drops the question
 * and is handled as a new request: "add oat milk" while "remove: oat milk or
 * almond milk?" is open adds, it does not remove. An answer that names none of
 * the candidates is taken as a correction (the same operation on what was said
 * now); "yes" to an either/or question asks it again. Fuzzy matches never act
 * without a yes ("Did you mean oat milk?").
 */
import { DEFAULT_LIST_IDS, type Locale } from "./intents.ts";
import { matchItem, matchList, sameItem, listNameTaken } from "./match.ts";
import { speechFor, type ItemOp, type ItemsPhrase, type ListRef, type Speech } from "./speech/index.ts";
import { CARD_LIMIT } from "./response.ts";
import { splitItems } from "./split.ts";
import { escapeSsml, joinAnd, joinOr } from "./ssml.ts";
import {
  LIMITS,
  type ItemStatus,
  type StoreErrorCode,
  type VoiceCard,
  type VoiceChange,
  type VoiceItem,
  type VoiceListSummary,
  type VoiceLists,
  type VoiceReply,
  type VoiceSlot,
  type VoiceTurn,
} from "./types.ts";

/**
 * Items read per turn ("milk, eggs, …, and 12 more").
 * @example reading.offset + PAGE_SIZE // where "more" continues
 */
export const PAGE_SIZE = 5;
/** Items named in a confirmation before "and N more". */
const NAMED_ITEMS = 10;
/** Lists named in an enumeration before "and N more". */
const NAMED_LISTS = 20;

interface Candidate {
  listId: string;
  itemId: string;
  value: string;
}

type Pending =
  /** `listId`: the list the request named, where a corrected answer is looked for (null: every list). */
  | { kind: "choose"; op: ItemOp; candidates: Candidate[]; listId: string | null }
  | { kind: "confirm"; op: ItemOp; candidate: Candidate; listId: string | null }
  | { kind: "item"; op: ItemOp | "add"; listId: string | null }
  | { kind: "listName" };

interface Reading {
  listId: string;
  offset: number;
}

interface State {
  launched: boolean;
  listId: string | null;
  reading: Reading | null;
  pending: Pending | null;
}

interface Ctx {
  locale: Locale;
  say: Speech;
  lists: VoiceLists;
  state: State;
}

/** What one handler decided; `finish` turns it into a VoiceReply. */
interface Say {
  speech: string;
  change?: VoiceChange;
  card?: VoiceCard;
  /** A question: the session stays open with this reprompt. */
  ask?: string;
  pending?: Pending;
  reading?: Reading;
  /** The reply invites a next step: the session stays open with this reprompt. */
  invite?: string;
  /** The list this turn was about. */
  listId?: string;
  /** End the session whatever else holds. */
  end?: boolean;
}

const OPS: Record<string, ItemOp> = {
  RemoveItemIntent: "remove",
  CheckOffItemIntent: "checkOff",
  UncheckItemIntent: "uncheck",
};

// ---------------------------------------------------------------- session state

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readCandidate(value: unknown): Candidate | null {
  if (!isObject(value)) return null;
  const { listId, itemId, value: v } = value;
  return typeof listId === "string" && typeof itemId === "string" && typeof v === "string"
    ? { listId, itemId, value: v }
    : null;
}

function isOp(value: unknown): value is ItemOp {
  return value === "remove" || value === "checkOff" || value === "uncheck";
}

function scopeOf(value: Record<string, unknown>): string | null {
  return typeof value["listId"] === "string" ? value["listId"] : null;
}

function readPending(value: unknown): Pending | null {
  if (!isObject(value)) return null;
  switch (value["kind"]) {
    case "choose": {
      const candidates = Array.isArray(value["candidates"]) ? value["candidates"].map(readCandidate) : [];
      const valid = candidates.filter((c): c is Candidate => c !== null);
      return isOp(value["op"]) && valid.length > 1 && valid.length === candidates.length
        ? { kind: "choose", op: value["op"], candidates: valid, listId: scopeOf(value) }
        : null;
    }
    case "confirm": {
      const candidate = readCandidate(value["candidate"]);
      return isOp(value["op"]) && candidate
        ? { kind: "confirm", op: value["op"], candidate, listId: scopeOf(value) }
        : null;
    }
    case "item": {
      const op = value["op"];
      const listId = value["listId"];
      return (isOp(op) || op === "add") && (typeof listId === "string" || listId === null)
        ? { kind: "item", op, listId }
        : null;
    }
    case "listName":
      return { kind: "listName" };
    default:
      return null;
  }
}

function readState(session: Record<string, unknown>): State {
  const reading = session["reading"];
  return {
    launched: session["launched"] === true,
    listId: typeof session["listId"] === "string" ? session["listId"] : null,
    reading:
      isObject(reading) && typeof reading["listId"] === "string" && Number.isSafeInteger(reading["offset"])
        ? { listId: reading["listId"], offset: Math.max(0, reading["offset"] as number) }
        : null,
    pending: readPending(session["pending"]),
  };
}

function writeState(state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (state.launched) out["launched"] = true;
  if (state.listId !== null) out["listId"] = state.listId;
  if (state.reading) out["reading"] = state.reading;
  if (state.pending) out["pending"] = state.pending;
  return out;
}

function finish(ctx: Ctx, s: Say): VoiceReply {
  const state: State = {
    launched: ctx.state.launched,
    listId: s.listId ?? ctx.state.listId,
    reading: s.reading ?? null,
    pending: s.pending ?? null,
  };
  let speech = s.speech;
  let reprompt: string | null = null;
  if (s.end) reprompt = null;
  else if (s.ask !== undefined) reprompt = s.ask;
  else if (s.invite !== undefined) reprompt = s.invite;
  else if (state.launched) {
    reprompt = ctx.say.anythingElse;
    speech = speech ? `${speech} ${ctx.say.anythingElse}` : ctx.say.anythingElse;
  }
  return {
    change: s.change ?? null,
    speech,
    reprompt,
    card: s.card ?? null,
    session: reprompt === null ? {} : writeState(state),
  };
}

// ---------------------------------------------------------------- phrasing

function ref(list: { defaultKind: VoiceListSummary["defaultKind"]; name: string }): ListRef {
  return { kind: list.defaultKind, name: escapeSsml(list.name) };
}

function phrase(ctx: Ctx, values: readonly string[], named = NAMED_ITEMS): ItemsPhrase {
  const shown = values.slice(0, named).map(escapeSsml);
  const rest = values.length - shown.length;
  return { text: joinAnd(rest > 0 ? [...shown, ctx.say.andMore(rest)] : shown, ctx.locale), count: values.length };
}

function labels(ctx: Ctx, lists: readonly VoiceListSummary[]): string {
  return phrase(ctx, lists.map((l) => ctx.say.listLabel({ kind: l.defaultKind, name: l.name })), NAMED_LISTS).text;
}

function sentences(...parts: (string | false | null | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p.length > 0).join(" ");
}

// ---------------------------------------------------------------- lists

type Resolved = { list: VoiceListSummary } | { reply: VoiceReply };

function defaultList(ctx: Ctx, all: readonly VoiceListSummary[]): VoiceListSummary | null {
  return (
    all.find((l) => l.id === ctx.state.listId) ??
    all.find((l) => l.defaultKind === DEFAULT_LIST_IDS.shopping) ??
    all[0] ??
    null
  );
}

/** The list a slot names; when the slot is empty, the list talked about, else shopping. */
function resolveList(ctx: Ctx, slot: VoiceSlot | undefined): Resolved {
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

function listById(ctx: Ctx, id: string): VoiceListSummary | undefined {
  return ctx.lists.lists().find((l) => l.id === id);
}

// ---------------------------------------------------------------- add

function addItems(ctx: Ctx, text: string, listSlot: VoiceSlot | undefined): VoiceReply {
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
  const values = splitItems(text, ctx.locale, known);
  if (values.length === 0) return askItems();
  if (values.some((v) => v.length > LIMITS.maxValueLength)) {
    return finish(ctx, { speech: ctx.say.valueTooLong(LIMITS.maxValueLength), listId: list.id });
  }

  const items = ctx.lists.items(list.id);
  const active = items.filter((i) => i.status === "active");
  const already: string[] = [];
  const fresh: string[] = [];
  for (const v of values) {
    const existing = active.find((i) => sameItem(i.value, v, ctx.locale));
    if (existing) already.push(existing.value);
    else if (!fresh.some((f) => sameItem(f, v, ctx.locale))) fresh.push(v); // "banana and bananas": once
  }
  if (fresh.length === 0) {
    return finish(ctx, { speech: ctx.say.alreadyThere(phrase(ctx, already), ref(list)), listId: list.id });
  }
  const room = LIMITS.maxItemsPerList - items.length;
  if (fresh.length > room) {
    return finish(ctx, {
      speech: ctx.say.listFull(ref(list), LIMITS.maxItemsPerList, Math.max(0, room)),
      listId: list.id,
    });
  }
  return finish(ctx, {
    speech:
      already.length > 0
        ? ctx.say.addedSomeAlready(phrase(ctx, fresh), phrase(ctx, already), ref(list))
        : ctx.say.added(phrase(ctx, fresh), ref(list)),
    change: { kind: "add", listId: list.id, values: fresh },
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

function itemOp(ctx: Ctx, op: ItemOp, text: string, listSlot: VoiceSlot | undefined, scopeIds?: string[]): VoiceReply {
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

  const pool: PoolItem[] = scope.flatMap((list) =>
    ctx.lists.items(list.id).map((i) => ({ listId: list.id, itemId: i.id, value: i.value, status: i.status, list })),
  );
  const wanted = WANTED[op];
  // Active before completed, so that of two equal items the open one is removed.
  const preferred = pool
    .filter((i) => wanted === null || i.status === wanted)
    .sort((a, b) => (a.status === b.status ? 0 : a.status === "active" ? -1 : 1));
  const other = pool.filter((i) => wanted !== null && i.status !== wanted);
  const wrongState = (): VoiceReply | null => {
    const hit = other.find((i) => sameItem(text, i.value, ctx.locale));
    if (!hit) return null;
    const value = escapeSsml(hit.value);
    const speech =
      op === "checkOff" ? ctx.say.alreadyCheckedOff(value, ref(hit.list)) : ctx.say.notCheckedOff(value, ref(hit.list));
    return finish(ctx, { speech, listId: hit.listId });
  };

  const match = matchItem(text, preferred, ctx.locale, { groupOf: (i) => i.listId });
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
function answer(ctx: Ctx, pending: Pending, intent: string, slots: Record<string, VoiceSlot>): VoiceReply | null {
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

function readList(ctx: Ctx, listSlot: VoiceSlot | undefined): VoiceReply {
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

function more(ctx: Ctx): VoiceReply {
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

function listLists(ctx: Ctx): VoiceReply {
  const all = ctx.lists.lists();
  return finish(ctx, { speech: ctx.say.lists(all.length, labels(ctx, all)) });
}

function clearCompleted(ctx: Ctx, listSlot: VoiceSlot | undefined): VoiceReply {
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

function undo(ctx: Ctx): VoiceReply {
  const last = ctx.lists.lastChange();
  if (!last) return finish(ctx, { speech: ctx.say.nothingToUndo });
  const list = ref({ defaultKind: last.defaultKind, name: last.listName });
  const change = { kind: last.kind, list, items: phrase(ctx, last.values) };
  return finish(ctx, {
    speech: ctx.say.undone(last.status ? { ...change, status: last.status } : change),
    change: { kind: "undo" },
  });
}

function cleanListName(name: string, locale: Locale): string {
  const words = name.trim().split(/\s+/).filter((w) => w.length > 0);
  const suffix = locale === "de-DE" ? "liste" : "list";
  if (words.length > 1 && words[words.length - 1]?.toLowerCase() === suffix) words.pop();
  return words.join(" ");
}

function createList(ctx: Ctx, spoken: string): VoiceReply {
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

// ---------------------------------------------------------------- entry points

function fallback(ctx: Ctx): VoiceReply {
  return finish(ctx, { speech: ctx.say.fallback, invite: ctx.say.fallbackReprompt });
}

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

