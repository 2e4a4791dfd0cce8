/**
 * @module voice/split
 * Cuts what a person said into list items: "milk, eggs and bread" → milk, eggs,
 * bread. Alexa's own list path dropped all but one item of such an utterance
 * (ALEXA-NOTES), and its speech recognition writes no commas ("milk eggs and
 * bread"), so this is done here, per locale:
 *
 * 1. Split on commas/semicolons, then on the locale's conjunctions ("and",
 *    "&", "plus"; de "und", "sowie", "&"), except where the conjunction lies
 *    inside a known phrase ("mac and cheese", "salt and pepper" when known).
 * 2. Trim articles and fillers at the edges ("some", "a", "the"; de "ein",
 *    "etwas", "die", …).
 * 3. A multi-word chunk that is not itself a known phrase is cut into known
 *    items when it segments completely into them (longest match first, with
 *    backtracking; fillers between items are dropped): "milk eggs" → milk,
 *    eggs; "oat milk" stays whole because it is known as such.
 * 4. Drop empties and case-insensitive duplicates (the first spelling stays).
 *
 * Known = the locale's ITEM_WORDS plus what the caller passes (the user's own
 * items). Limit of the heuristic: two unknown items spoken without a
 * conjunction stay one item ("kale quinoa and bread" → "kale quinoa", bread),
 * and two known words that the person meant as one unknown item are split
 * ("milk cheese"). Matching is by exact lower-case words: no plural tolerance.
 */
import type { Locale } from "./intents.ts";
import { ITEM_WORDS } from "./vocabulary.ts";

const CONJUNCTIONS: Record<Locale, readonly string[]> = {
  "en-US": ["and", "&", "plus"],
  "en-GB": ["and", "&", "plus"],
  "de-DE": ["und", "sowie", "&"],
};

/**
 * Words that are not part of an item when they stand at its edges.
 * @example FILLERS["de-DE"].includes("etwas") // true
 */
export const FILLERS: Record<Locale, readonly string[]> = {
  "en-US": ["some", "a", "an", "the", "more"],
  "en-GB": ["some", "a", "an", "the", "more"],
  "de-DE": ["ein", "eine", "einen", "einem", "einer", "etwas", "noch", "der", "die", "das", "den", "dem"],
};

/**
 * The text without fillers at either edge, whitespace collapsed.
 * @example trimFillers("some oat milk", "en-US") // "oat milk"
 * @example trimFillers("etwas Milch", "de-DE") // "Milch"
 */
export function trimFillers(text: string, locale: Locale): string {
  return trimEdges(words(text), locale).join(" ");
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

function isFiller(word: string, locale: Locale): boolean {
  return FILLERS[locale].includes(word.toLowerCase());
}

function trimEdges(tokens: readonly string[], locale: Locale): string[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && isFiller(tokens[start] ?? "", locale)) start++;
  while (end > start && isFiller(tokens[end - 1] ?? "", locale)) end--;
  return tokens.slice(start, end);
}

interface Vocabulary {
  phrases: Set<string>;
  /** Known phrases with a conjunction inside, as lower-case token lists. */
  withConjunction: string[][];
  longest: number;
}

/** An edge word cut at " " that is not a word: empty (a space at the edge) or holding other whitespace. */
const oddWord = (w: string): boolean => w === "" || /\s/.test(w);

/** The locale's own words, tokenised once per isolate (rebuilding them cost ~25 % of an add turn). */
const BASE = new Map<Locale, Vocabulary>();

function vocabulary(locale: Locale, known: readonly string[], said: ReadonlySet<string>): Vocabulary {
  let base = BASE.get(locale);
  if (!base) {
    base = extend({ phrases: new Set(), withConjunction: [], longest: 1 }, locale, ITEM_WORDS[locale]);
    BASE.set(locale, base);
  }
  // Only known items whose first and last words were said can match (a store may hold 50,000): the rest is
  // not tokenised.
  const relevant = known.filter((k) => {
    const space = k.indexOf(" ");
    const first = (space < 0 ? k : k.slice(0, space)).toLowerCase();
    const last = space < 0 ? first : k.slice(k.lastIndexOf(" ") + 1).toLowerCase();
    if (said.has(first) && said.has(last)) return true;
    // Cut at single spaces the edge words are right unless they hold other whitespace (or are empty): then tokenise.
    return (oddWord(first) || oddWord(last)) && words(k.toLowerCase()).every((w) => said.has(w));
  });
  if (relevant.length === 0) return base;
  return extend({ phrases: new Set(base.phrases), withConjunction: [...base.withConjunction], longest: base.longest }, locale, relevant);
}

function extend(vocab: Vocabulary, locale: Locale, entries: readonly string[]): Vocabulary {
  const conj = CONJUNCTIONS[locale];
  const { phrases, withConjunction } = vocab;
  let longest = vocab.longest;
  for (const entry of entries) {
    const tokens = words(entry.toLowerCase());
    if (tokens.length === 0) continue;
    const key = tokens.join(" ");
    if (phrases.has(key)) continue;
    phrases.add(key);
    longest = Math.max(longest, tokens.length);
    if (tokens.slice(1, -1).some((t) => conj.includes(t))) withConjunction.push(tokens);
  }
  withConjunction.sort((a, b) => b.length - a.length);
  return { phrases, withConjunction, longest };
}

/** Every token the chunks below can hold, lower case: with and without the punctuation that ends a chunk. */
function saidWords(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().split(/[\s,;]+/)) {
    out.add(w);
    out.add(w.replace(/[.!?]+$/, ""));
  }
  return out;
}

/** Token lists between the unprotected conjunctions of one comma chunk. */
function splitOnConjunctions(tokens: readonly string[], locale: Locale, vocab: Vocabulary): string[][] {
  const conj = CONJUNCTIONS[locale];
  const lower = tokens.map((t) => t.toLowerCase());
  const out: string[][] = [];
  let current: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const phrase = vocab.withConjunction.find((p) => p.every((t, k) => lower[i + k] === t));
    if (phrase) {
      current.push(...tokens.slice(i, i + phrase.length));
      i += phrase.length;
      continue;
    }
    if (conj.includes(lower[i] ?? "")) {
      out.push(current);
      current = [];
    } else {
      current.push(tokens[i] ?? "");
    }
    i++;
  }
  out.push(current);
  return out;
}

/**
 * The chunk as known items (longest first, backtracking), or null when it
 * does not segment fully. Iterative, from the end: `step[i]` is how the rest
 * from token i segments (a phrase's length, -1 for a filler skipped, 0: it
 * does not), the choice the recursive search would make first; linear in the
 * tokens (times the longest phrase), and no recursion to overflow the stack.
 */
function segment(tokens: readonly string[], locale: Locale, vocab: Vocabulary): string[][] | null {
  const lower = tokens.map((t) => t.toLowerCase());
  const n = tokens.length;
  const step = new Int32Array(n + 1);
  const ok = new Uint8Array(n + 1);
  ok[n] = 1;
  for (let start = n - 1; start >= 0; start--) {
    for (let len = Math.min(vocab.longest, n - start); len >= 1; len--) {
      if (ok[start + len] && vocab.phrases.has(lower.slice(start, start + len).join(" "))) {
        step[start] = len;
        ok[start] = 1;
        break;
      }
    }
    if (!ok[start] && start > 0 && ok[start + 1] && isFiller(lower[start] ?? "", locale)) {
      step[start] = -1;
      ok[start] = 1;
    }
  }
  if (!ok[0]) return null;
  const out: string[][] = [];
  for (let i = 0; i < n; ) {
    const len = step[i]!;
    if (len > 0) out.push(tokens.slice(i, i + len));
    i += len > 0 ? len : 1;
  }
  return out;
}

/**
 * The items in `text`, in the order said, without duplicates.
 * @example splitItems("milk, eggs and bread", "en-US") // ["milk", "eggs", "bread"]
 * @example splitItems("milk eggs and bread", "en-US") // ["milk", "eggs", "bread"]
 * @example splitItems("mac and cheese and some oat milk", "en-US") // ["mac and cheese", "oat milk"]
 * @example splitItems("Milch Eier und Brot", "de-DE") // ["Milch", "Eier", "Brot"]
 * @example splitItems("salt and pepper", "en-US", ["salt and pepper"]) // ["salt and pepper"]
 * @example splitItems("milk, eggs and bread", "en-US", [], 2) // ["milk", "eggs"] (at most `max`)
 */
export function splitItems(text: string, locale: Locale, known: readonly string[] = [], max = Infinity): string[] {
  const vocab = vocabulary(locale, known, saidWords(text));
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (tokens: readonly string[]): void => {
    const value = tokens.join(" ").replace(/^[\s.!?]+|[\s.!?]+$/g, "");
    const key = value.toLowerCase();
    if (value.length === 0 || seen.has(key) || out.length >= max) return;
    seen.add(key);
    out.push(value);
  };
  for (const chunk of text.split(/[,;\n]/)) {
    const said = chunk.replace(/[.!?]+\s*$/, "");
    for (const part of splitOnConjunctions(words(said), locale, vocab)) {
      if (out.length >= max) return out;
      const tokens = trimEdges(part, locale);
      if (tokens.length === 0) continue;
      const whole = tokens.join(" ").toLowerCase();
      const pieces = tokens.length > 1 && !vocab.phrases.has(whole) ? segment(tokens, locale, vocab) : null;
      if (pieces) pieces.forEach(push);
      else push(tokens);
    }
  }
  return out;
}
