/**
 * @module voice/item-key
 * When two item names are the same item, and how that is decided cheaply on
 * a large store (src/voice/match.ts uses it; kept apart so that each reads in
 * one sitting). Items are compared normalised: lower case, punctuation and
 * hyphens as spaces, apostrophes dropped, articles/fillers at the edges
 * trimmed, and word by word singular/plural-insensitive. English: two words
 * are the same when `pluralize.singular` or `pluralize.plural` makes them
 * equal. German (a small rule, no dictionary): after folding ä/ö/ü to a/o/u
 * and ß to ss, two words are the same when equal or when one is the other
 * plus -e, -n, -en, -er, -nen or -s, the -s only after at least three letters
 * (Brot/Brote, Banane/Bananen, Ei/Eier, Apfel/Äpfel, Tee/Tees; but Ei ≠ Eis).
 *
 * Cost (a turn runs inside the user's object and may see 100 lists × 500
 * items): each name is normalised once per turn ({@link itemKeyer}; a plain
 * lower-case name skips the regular expressions), and {@link sameAs} rules
 * out most names with one substring search before normalising any. The
 * result is what comparing every pair gives, except that a Latin plural said
 * in its English form ("octopuses") no longer finds the other ("octopi") on a
 * name of plain ASCII.
 */
import pluralize from "pluralize";
import type { Locale } from "./intents.ts";
import { FILLERS, trimFillers } from "./split.ts";

const GERMAN_PLURAL_ENDINGS = ["e", "n", "en", "er", "nen", "s"] as const;

/**
 * Lower case, apostrophes dropped, other punctuation as spaces.
 * @example fold("Mom's oat-milk!") // "moms oat milk"
 */
export function fold(text: string): string {
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
  const passes = new RegExp([...forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), "['’`]", "[^ -~]"].join("|"), "i");
  return (value) => passes.test(value);
}

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
