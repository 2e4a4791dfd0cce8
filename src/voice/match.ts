/**
 * @module voice/match
 * Which item, or which list, a person means. Speech recognition rarely gives
 * back the exact spelling on the list ("the banana" for "Bananas"), so:
 *
 * - Items are compared normalised, singular/plural-insensitive (the rules
 *   are in item-key.ts).
 * - An exact normalised match wins outright. Otherwise fuse.js (token search,
 *   diacritics ignored) proposes near misses; a candidate counts only if its
 *   score is at most 0.35 and its match starts at a word (German: or ends at
 *   one, as in Milch → Hafermilch), so "tea" does not find "steak". Every
 *   candidate within 0.1 of the best is "close": two or more are ambiguous
 *   (at most three are offered), one is a single weak match, which the
 *   dialogue confirms before acting.
 *
 * Trade-off: fuzzy matching finds what a person meant despite recognition
 * errors, at the price of sometimes asking; destructive actions never act on
 * a fuzzy match without a yes.
 *
 * Cost (a turn runs inside the user's object and may see 100 lists × 500
 * items): exact matching normalises each name at most once per turn and most
 * not at all (item-key.ts); fuzzy matching is bounded: only a spoken name of
 * at most {@link FUZZY_MAX_WORDS} words is searched fuzzily, and among at
 * most {@link FUZZY_MAX_ITEMS} candidates (beyond that, those sharing the most
 * letter pairs with it). Below those bounds the result is what an unbounded
 * search gives.
 */
import Fuse from "fuse.js";
import { DEFAULT_LIST_IDS, type Locale } from "./intents.ts";
import { fold, itemKeyer, sameAs, type ItemKey } from "./item-key.ts";
import type { VoiceListSummary } from "./types.ts";
import { LIST_SYNONYMS } from "./vocabulary.ts";

export { itemKeyer, itemWords, sameAs, sameItem, sameKey, type ItemKey } from "./item-key.ts";

/**
 * At most this many candidates are offered in a "which one?" question.
 * @example matchItem("milk", fiveMilks, "en-US") // { kind: "ambiguous", items: <the 3 closest>, exact: false }
 */
export const MAX_CHOICES = 3;
const MAX_SCORE = 0.35;
const CLOSE = 0.1;

/**
 * What a spoken item name refers to among the candidates.
 * @example const m: ItemMatch<VoiceItem> = { kind: "one", item, exact: true };
 */
export type ItemMatch<T> =
  /** `exact`: the normalised names are equal; otherwise a single weak (fuzzy) candidate. */
  | { kind: "one"; item: T; exact: boolean }
  /** Two or more candidates; `exact`: several exact matches in different groups (e.g. lists). */
  | { kind: "ambiguous"; items: T[]; exact: boolean }
  | { kind: "none" };

/**
 * How matchItem treats equal candidates.
 * @example matchItem("milk", pool, "en-US", { groupOf: (c) => c.listId })
 */
export interface MatchOptions<T> {
  /**
   * Candidates in one group are interchangeable when they match exactly (the
   * first is taken); exact matches in several groups are ambiguous. Default:
   * one group. The dialogue groups by list.
   */
  groupOf?: (item: T) => string;
  /** The turn's memo of normalised names ({@link itemKeyer}), shared with its other comparisons. */
  keyOf?: (text: string) => ItemKey;
}

/** Fuzzy search only for a spoken name of at most this many words (a longer one matches exactly or not at all). */
export const FUZZY_MAX_WORDS = 8;
/** Fuzzy search among at most this many candidates (one full list fits whole). */
export const FUZZY_MAX_ITEMS = 500;


/** A letter pair as an index into a 64 Ki table (ASCII upper case folded; other characters may share a slot, which only ranks them). */
const pairIndex = (a: number, b: number): number => (((a >= 65 && a <= 90 ? a + 32 : a) & 0xff) << 8) | ((b >= 65 && b <= 90 ? b + 32 : b) & 0xff);

/**
 * The {@link FUZZY_MAX_ITEMS} of `items` whose names share the most letter
 * pairs with `spoken` (those with as many as the last one taken: the first),
 * in their order; all of them when fewer. Counting only, no strings made.
 */
function fuzzyCandidates<T extends { value: string }>(items: readonly T[], spoken: string): readonly T[] {
  if (items.length <= FUZZY_MAX_ITEMS) return items;
  const wanted = new Uint8Array(65536);
  for (let i = 0; i + 1 < spoken.length; i++) wanted[pairIndex(spoken.charCodeAt(i), spoken.charCodeAt(i + 1))] = 1;
  const shared = new Int32Array(items.length);
  const histogram = new Int32Array(LIMIT_PAIRS + 1);
  items.forEach((item, index) => {
    const v = item.value;
    let n = 0;
    for (let i = 0; i + 1 < v.length; i++) n += wanted[pairIndex(v.charCodeAt(i), v.charCodeAt(i + 1))]!;
    shared[index] = n;
    histogram[Math.min(n, LIMIT_PAIRS)]!++;
  });
  // The least shared count taken: everything above it, and the first ones at it up to the bound.
  let taken = 0;
  let least = LIMIT_PAIRS;
  while (least >= 1 && taken + histogram[least]! <= FUZZY_MAX_ITEMS) taken += histogram[least--]!;
  let atLeast = least >= 1 ? FUZZY_MAX_ITEMS - taken : 0;
  return items.filter((_, index) => {
    const n = Math.min(shared[index]!, LIMIT_PAIRS);
    if (n > least) return true;
    if (n === least && atLeast > 0) return atLeast-- > 0;
    return false;
  });
}

/** Shared pair counts above this rank alike (a name is at most 256 characters). */
const LIMIT_PAIRS = 256;

function atWordEdge(key: string, ranges: readonly (readonly [number, number])[], locale: Locale): boolean {
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  if (!first || !last) return false;
  const startsWord = first[0] === 0 || key[first[0] - 1] === " ";
  const endsWord = last[1] === key.length - 1 || key[last[1] + 1] === " ";
  return startsWord || (locale === "de-DE" && endsWord);
}

/**
 * The item (or items) a spoken name refers to.
 * @example
 * matchItem("milk", [{ value: "oat milk" }, { value: "almond milk" }], "en-US")
 * // { kind: "ambiguous", items: [{ value: "oat milk" }, { value: "almond milk" }], exact: false }
 * matchItem("banana", [{ value: "Bananas" }], "en-US") // { kind: "one", item: { value: "Bananas" }, exact: true }
 */
export function matchItem<T extends { value: string }>(
  spoken: string,
  items: readonly T[],
  locale: Locale,
  options: MatchOptions<T> = {},
): ItemMatch<T> {
  const groupOf = options.groupOf ?? (() => "");
  const keyOf = options.keyOf ?? itemKeyer(locale);
  const said = keyOf(spoken);
  if (said.words.length === 0 || items.length === 0) return { kind: "none" };

  const same = sameAs(spoken, locale, keyOf);
  const exact = firstPerGroup(items.filter((it) => same(it.value)), groupOf);
  const [onlyExact] = exact;
  if (onlyExact && exact.length === 1) return { kind: "one", item: onlyExact, exact: true };
  if (exact.length > 1) return { kind: "ambiguous", items: exact, exact: true };
  if (said.words.length > FUZZY_MAX_WORDS) return { kind: "none" };

  const keyed = fuzzyCandidates(items, said.fuzzy).map((item) => ({ item, key: keyOf(item.value).fuzzy }));
  const fuse = new Fuse(keyed, {
    keys: ["key"],
    includeScore: true,
    includeMatches: true,
    ignoreDiacritics: true,
    ignoreLocation: true,
    useTokenSearch: true,
    threshold: 0.4,
  });
  const hits = fuse
    .search(said.fuzzy)
    .filter((r) => (r.score ?? 1) <= MAX_SCORE && atWordEdge(r.item.key, r.matches?.[0]?.indices ?? [], locale));
  const best = hits[0]?.score ?? 1;
  const close = hits.filter((r) => (r.score ?? 1) <= best + CLOSE);
  const distinct: { item: T; key: string }[] = [];
  for (const hit of close) {
    const item = hit.item.item;
    const key = `${groupOf(item)}\u0000${keyOf(item.value).fuzzy}`;
    if (!distinct.some((d) => d.key === key)) distinct.push({ item, key });
  }
  const [single] = distinct;
  if (!single) return { kind: "none" };
  if (distinct.length === 1) return { kind: "one", item: single.item, exact: false };
  return { kind: "ambiguous", items: distinct.slice(0, MAX_CHOICES).map((d) => d.item), exact: false };
}

function firstPerGroup<T>(items: readonly T[], groupOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((it) => {
    const g = groupOf(it);
    if (seen.has(g)) return false;
    seen.add(g);
    return true;
  });
}

const LIST_LEAD: Record<Locale, readonly string[]> = {
  "en-US": ["my", "our", "the", "a", "an"],
  "en-GB": ["my", "our", "the", "a", "an"],
  "de-DE": ["mein", "meine", "meiner", "meinen", "meinem", "unsere", "unser", "unserer", "die", "der", "den", "dem"],
};

/**
 * A list name as compared: lower case, hyphens as spaces, a leading "my"/"the"
 * (de "meine", "die", …) and a trailing "list" (de "Liste", also as the end
 * of a compound: "Baumarktliste" → "baumarkt") removed.
 * @example listKey("my Hardware Store list", "en-US") // "hardware store"
 * @example listKey("meine Einkaufsliste", "de-DE") // "einkaufs"
 */
export function listKey(name: string, locale: Locale): string {
  let ws = fold(name).split(" ").filter((w) => w.length > 0);
  while (ws.length > 1 && LIST_LEAD[locale].includes(ws[0] ?? "")) ws = ws.slice(1);
  const suffix = locale === "de-DE" ? "liste" : "list";
  const last = ws[ws.length - 1] ?? "";
  if (ws.length > 1 && (last === suffix || last === `${suffix}s`)) ws = ws.slice(0, -1);
  else if (locale === "de-DE" && last.length > suffix.length && last.endsWith(suffix)) {
    ws = [...ws.slice(0, -1), last.slice(0, -suffix.length)];
  }
  return ws.join(" ");
}

/**
 * A list slot as readTurn gives it, or just the words.
 * @example const spoken: SpokenList = { value: "groceries", resolvedId: "shopping" };
 */
export type SpokenList = { value: string; resolvedId: string | null } | string;

/**
 * The list a person named: the entity-resolved id (`shopping`, `todo`, or a
 * list's own id) first, then the default lists' synonyms, then the lists'
 * names (exact, then fuzzy when one list is clearly closest); null if none.
 * @example matchList({ value: "groceries", resolvedId: "shopping" }, lists, "en-US")?.defaultKind // "shopping"
 * @example matchList("my hardware list", lists, "en-US")?.name // "Hardware store"
 */
export function matchList(
  spoken: SpokenList,
  lists: readonly VoiceListSummary[],
  locale: Locale,
): VoiceListSummary | null {
  const value = typeof spoken === "string" ? spoken : spoken.value;
  const resolvedId = typeof spoken === "string" ? null : spoken.resolvedId;
  if (resolvedId === DEFAULT_LIST_IDS.shopping || resolvedId === DEFAULT_LIST_IDS.todo) {
    const found = lists.find((l) => l.defaultKind === resolvedId);
    if (found) return found;
  }
  if (resolvedId) {
    const found = lists.find((l) => l.id === resolvedId);
    if (found) return found;
  }
  const key = listKey(value, locale);
  if (key.length === 0) return null;
  const synonyms = LIST_SYNONYMS[locale];
  for (const kind of ["shopping", "todo"] as const) {
    if (synonyms[kind].some((s) => listKey(s, locale) === key)) {
      const found = lists.find((l) => l.defaultKind === kind);
      if (found) return found;
    }
  }
  const exact = lists.find((l) => listKey(l.name, locale) === key);
  if (exact) return exact;

  const fuse = new Fuse(
    lists.map((list) => ({ list, key: listKey(list.name, locale) })),
    { keys: ["key"], includeScore: true, ignoreDiacritics: true, ignoreLocation: true, useTokenSearch: true, threshold: 0.4 },
  );
  const [first, second] = fuse.search(key).filter((r) => (r.score ?? 1) <= MAX_SCORE);
  if (!first) return null;
  if (second && (second.score ?? 1) - (first.score ?? 1) < CLOSE) return null;
  return first.item.list;
}

/**
 * True when `name` would name an existing list (its name, or a default list's synonym).
 * @example listNameTaken("Shopping", lists, "en-US") // true
 */
export function listNameTaken(name: string, lists: readonly VoiceListSummary[], locale: Locale): boolean {
  const key = listKey(name, locale);
  if (lists.some((l) => listKey(l.name, locale) === key)) return true;
  const synonyms = LIST_SYNONYMS[locale];
  return [...synonyms.shopping, ...synonyms.todo].some((s) => listKey(s, locale) === key);
}
