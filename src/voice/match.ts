/**
 * @module voice/match
 * Which item, or which list, a person means. Speech recognition rarely gives
 * back the exact spelling on the list ("the banana" for "Bananas"), so:
 *
 * - Items are compared normalised: lower case, punctuation and hyphens as
 *   spaces, apostrophes dropped, articles/fillers at the edges trimmed, and
 *   word by word singular/plural-insensitive. English: two words are the same
 *   when `pluralize.singular` or `pluralize.plural` makes them equal. German
 *   (a small rule, no dictionary): after folding ä/ö/ü to a/o/u and ß to ss,
 *   two words are the same when equal or when one is the other plus -e, -n,
 *   -en, -er, -nen or -s, the -s only after at least three letters (Brot/Brote,
 *   Banane/Bananen, Ei/Eier, Apfel/Äpfel, Tee/Tees; but Ei ≠ Eis).
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
 * items): each name is normalised once per turn ({@link itemKeyer}, a plain
 * lower-case name skips the regular expressions), and only names that pass a
 * cheap substring test are normalised at all (mayBeSame); fuzzy matching is
 * bounded: only a spoken name of at most {@link FUZZY_MAX_WORDS} words is
 * searched fuzzily, and among at most {@link FUZZY_MAX_ITEMS} candidates
 * (beyond that, those sharing the most letter pairs with it). Below those
 * bounds the result is what an unbounded search gives, except that a Latin
 * plural said in its English form ("octopuses") no longer finds the other
 * ("octopi") on a plain lower-case name.
 */
import Fuse from "fuse.js";
import pluralize from "pluralize";
import { DEFAULT_LIST_IDS, type Locale } from "./intents.ts";
import { FILLERS, trimFillers } from "./split.ts";
import type { VoiceListSummary } from "./types.ts";
import { LIST_SYNONYMS } from "./vocabulary.ts";

/**
 * At most this many candidates are offered in a "which one?" question.
 * @example matchItem("milk", fiveMilks, "en-US") // { kind: "ambiguous", items: <the 3 closest>, exact: false }
 */
export const MAX_CHOICES = 3;
const MAX_SCORE = 0.35;
const CLOSE = 0.1;
const GERMAN_PLURAL_ENDINGS = ["e", "n", "en", "er", "nen", "s"] as const;

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

function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/['’`]/g, "")
    .replace(/[^\p{L}\p{N}&]+/gu, " ")
    .trim();
}

/**
 * The words an item name is compared by: lower case, punctuation as spaces,
 * fillers at the edges trimmed.
 * @example itemWords("The Bananas!", "en-US") // ["bananas"]
 */
export function itemWords(text: string, locale: Locale): string[] {
  const lower = text.toLowerCase();
  // Most names are plain words: the same words as fold and trimFillers give, without their regular expressions.
  if (PLAIN.test(lower)) {
    const ws = lower.split(" ");
    let start = 0;
    let end = ws.length;
    while (start < end && FILLERS[locale].includes(ws[start]!)) start++;
    while (end > start && FILLERS[locale].includes(ws[end - 1]!)) end--;
    return ws.slice(start, end);
  }
  const folded = trimFillers(fold(text), locale);
  return folded.length > 0 ? folded.split(" ") : [];
}

const PLAIN = /^[a-z0-9]+(?: [a-z0-9]+)*$/;

function germanFold(word: string): string {
  return word.replace(/ä/g, "a").replace(/ö/g, "o").replace(/ü/g, "u").replace(/ß/g, "ss");
}

function sameWord(a: string, b: string, locale: Locale): boolean {
  if (a === b) return true;
  if (locale === "de-DE") {
    const [x, y] = [germanFold(a), germanFold(b)];
    const [short, long] = x.length <= y.length ? [x, y] : [y, x];
    if (short === long) return true;
    return GERMAN_PLURAL_ENDINGS.some(
      (ending) => long === short + ending && (ending !== "s" || short.length >= 3),
    );
  }
  return singular(a) === singular(b) || plural(a) === plural(b);
}

/**
 * pluralize's rules are a list of regular expressions tried one by one: about
 * 20 µs a word. A turn compares every word of the new items with every word
 * on the list, so the forms are memoised per isolate (bounded: cleared when
 * full); the words people put on lists repeat.
 */
const FORMS_MAX = 10_000;
const singulars = new Map<string, string>();
const plurals = new Map<string, string>();

function memo(cache: Map<string, string>, word: string, compute: (w: string) => string): string {
  let form = cache.get(word);
  if (form === undefined) {
    if (cache.size >= FORMS_MAX) cache.clear();
    form = compute(word);
    cache.set(word, form);
  }
  return form;
}

const singular = (word: string): string => memo(singulars, word, (w) => pluralize.singular(w));
const plural = (word: string): string => memo(plurals, word, (w) => pluralize.plural(w));

/**
 * An item name normalised once: its words, and the key fuzzy search compares
 * (English: each word singular; German: umlauts folded).
 * @example const key: ItemKey = { words: ["oat", "milk"], fuzzy: "oat milk" };
 */
export interface ItemKey {
  words: readonly string[];
  fuzzy: string;
}

/**
 * A memo of {@link ItemKey}s for one turn: each name is normalised once, however often it is compared.
 * @example const keyOf = itemKeyer("en-US"); sameKey(keyOf("the Banana"), keyOf("bananas"), "en-US") // true
 */
export function itemKeyer(locale: Locale): (text: string) => ItemKey {
  const memo = new Map<string, ItemKey>();
  return (text) => {
    let key = memo.get(text);
    if (key === undefined) {
      const words = itemWords(text, locale);
      key = { words, fuzzy: (locale === "de-DE" ? words.map(germanFold) : words.map(singular)).join(" ") };
      memo.set(text, key);
    }
    return key;
  };
}

/**
 * {@link sameItem} on normalised names.
 * @example sameKey(keyOf("Äpfel"), keyOf("Apfel"), "de-DE") // true
 */
export function sameKey(x: ItemKey, y: ItemKey, locale: Locale): boolean {
  const a = x.words;
  const b = y.words;
  if (a.length === 0 || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameWord(a[i]!, b[i]!, locale)) return false;
  return true;
}

/**
 * True when two item names are the same item (case, articles, singular/plural ignored).
 * @example sameItem("the Banana", "bananas", "en-US") // true
 * @example sameItem("Äpfel", "Apfel", "de-DE") // true
 */
export function sameItem(a: string, b: string, locale: Locale): boolean {
  const keyOf = itemKeyer(locale);
  return sameKey(keyOf(a), keyOf(b), locale);
}

/**
 * A cheap test an item name must pass to be the same item as `said` (so most
 * of a large store is never normalised): a name of plain lower-case words
 * contains a form of one spoken word (the one whose forms are longest).
 * English: the word, its plural, or what its singular and that singular's
 * plural start with ("strawberr", "m" for mouse/mice); German: the folded
 * word or it without a plural ending. A name with what normalising drops
 * (apostrophes) or anything beyond ASCII always passes.
 */
function mayBeSame(said: ItemKey, locale: Locale): (value: string) => boolean {
  // Each word's forms; the word whose shortest form is longest rules out the most.
  const formsOf = (word: string): string[] => {
    if (locale === "de-DE") {
      const folded = germanFold(word);
      return [folded, ...GERMAN_PLURAL_ENDINGS.filter((e) => folded.endsWith(e) && folded.length > e.length).map((e) => folded.slice(0, -e.length))];
    }
    const one = singular(word);
    return [word, commonPrefix(one, plural(one)), plural(word)];
  };
  const shortest = (fs: readonly string[]): number => Math.min(...fs.map((f) => f.length));
  const forms = said.words.map(formsOf).reduce((a, b) => (shortest(b) > shortest(a) ? b : a));
  if (shortest(forms) === 0) return () => true;
  // One case-insensitive search, no lower-case copy per name. Normalising drops apostrophes (and German folds
  // umlauts and ß), and beyond ASCII case folding differs: such a name may hold a form unseen, so it passes.
  const holds = new RegExp(forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "i");
  return (value) => holds.test(value) || UNSEEN.test(value);
}

const UNSEEN = /['’`]|[^ -~]/;

/**
 * A test for names that are the same item as `spoken` (as {@link sameItem}),
 * quick on a large store: most names are ruled out without being normalised.
 * @example items.filter(sameAs("milk", "en-US", keyOf)) // every milk, "Milk" and "the milks"
 */
export function sameAs(spoken: string, locale: Locale, keyOf: (text: string) => ItemKey = itemKeyer(locale)): (value: string) => boolean {
  const said = keyOf(spoken);
  if (said.words.length === 0) return () => false;
  const may = mayBeSame(said, locale);
  return (value) => may(value) && sameKey(said, keyOf(value), locale);
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

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
