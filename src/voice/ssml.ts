/**
 * @module voice/ssml
 * SSML text helpers: escaping values for `<speak>`, joining items the way each
 * locale says a list ("milk, eggs and bread"; "Milch, Eier und Brot"), and
 * cutting an SSML fragment to a length without breaking its XML.
 *
 * Trade-off: joins are written by hand rather than with `Intl.ListFormat`,
 * whose en-US output has the serial comma ("milk, eggs, and bread") and whose
 * exact output can change with the ICU data of the runtime; the replies here
 * must not change under the tests. Escaping also drops the characters XML 1.0
 * forbids (control characters, lone surrogates), which an item value written
 * through the REST API could contain and which would make Alexa reject the
 * whole response.
 */
import type { Locale } from "./intents.ts";

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** True for the characters XML 1.0 allows (tab, LF, CR, and U+0020 on, without surrogates and U+FFFE/U+FFFF). */
function xmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000
  );
}

function xmlSafe(text: string): string {
  let out = "";
  for (const ch of text) if (xmlChar(ch.codePointAt(0) ?? 0)) out += ch; // lone surrogates come as one unit
  return out;
}

/**
 * Text made safe to put inside `<speak>`: `& < > " '` become entities, and
 * characters that XML forbids are dropped.
 * @example escapeSsml("salt & <pepper>") // "salt &amp; &lt;pepper&gt;"
 */
export function escapeSsml(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

const AND: Record<Locale, string> = { "en-US": "and", "en-GB": "and", "de-DE": "und" };
const OR: Record<Locale, string> = { "en-US": "or", "en-GB": "or", "de-DE": "oder" };

function join(parts: readonly string[], word: string): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} ${word} ${parts[parts.length - 1] ?? ""}`;
}

/**
 * Parts (already escaped) joined with commas and the locale's "and", no serial comma.
 * @example joinAnd(["milk", "eggs", "bread"], "en-US") // "milk, eggs and bread"
 * @example joinAnd(["Milch", "Eier", "Brot"], "de-DE") // "Milch, Eier und Brot"
 */
export function joinAnd(parts: readonly string[], locale: Locale): string {
  return join(parts, AND[locale]);
}

/**
 * Parts (already escaped) joined with commas and the locale's "or".
 * @example joinOr(["oat milk", "almond milk"], "en-GB") // "oat milk or almond milk"
 */
export function joinOr(parts: readonly string[], locale: Locale): string {
  return join(parts, OR[locale]);
}

/**
 * The fragment with its first letter upper-cased (for a sentence that starts with an item).
 * @example capitalize("oat milk or almond milk?") // "Oat milk or almond milk?"
 */
export function capitalize(fragment: string): string {
  const first = fragment.codePointAt(0);
  if (first === undefined || fragment.startsWith("&") || fragment.startsWith("<")) return fragment;
  const ch = String.fromCodePoint(first);
  return ch.toUpperCase() + fragment.slice(ch.length);
}

interface Cut {
  at: number;
  close: string;
}

/**
 * An SSML fragment cut to at most `max` characters: at the last sentence end
 * if that keeps at least half of `max`, else at the last space, else between
 * two characters; never inside an entity, a tag or a surrogate pair, and with
 * the tags still open at the cut closed again, so the result stays well formed.
 * @example truncateSsml("Milk. Eggs &amp; ham. Bread", 16) // "Milk. Eggs &amp;"
 */
export function truncateSsml(fragment: string, max: number): string {
  if (fragment.length <= max) return fragment;
  const open: string[] = [];
  const closing = (): string => open.map((name) => `</${name}>`).reverse().join("");
  let sentence: Cut | null = null;
  let word: Cut | null = null;
  let any: Cut = { at: 0, close: "" };
  const consider = (at: number, kind: "sentence" | "word" | "any"): void => {
    const close = closing();
    if (at + close.length > max) return;
    const cut = { at, close };
    any = cut;
    if (kind !== "any") word = cut;
    if (kind === "sentence") sentence = cut;
  };

  let i = 0;
  while (i < fragment.length && i <= max) {
    const ch = fragment[i] ?? "";
    if (ch === "<") {
      const end = fragment.indexOf(">", i);
      if (end < 0) break; // an unterminated tag: nothing after this point is safe
      const tag = fragment.slice(i, end + 1);
      const name = /^<\/?([A-Za-z][\w:.-]*)/.exec(tag)?.[1];
      if (name && tag.startsWith("</")) {
        const at = open.lastIndexOf(name);
        if (at >= 0) open.splice(at);
      } else if (name && !tag.endsWith("/>")) {
        open.push(name);
      }
      i = end + 1;
      consider(i, "any");
      continue;
    }
    if (ch === "&") {
      const end = fragment.indexOf(";", i);
      i = end > i && end - i <= 10 ? end + 1 : i + 1;
      consider(i, "any");
      continue;
    }
    if (/\s/.test(ch)) {
      const before = fragment.slice(0, i).trimEnd();
      consider(before.length, /[.!?]$/.test(before) ? "sentence" : "word");
    }
    const code = fragment.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    consider(i, "any");
  }
  const chosen: Cut = pick(sentence, max) ?? pick(word, max) ?? any;
  return fragment.slice(0, chosen.at).trimEnd() + chosen.close;
}

function pick(cut: Cut | null, max: number): Cut | null {
  return cut && cut.at >= max / 2 ? cut : null;
}
