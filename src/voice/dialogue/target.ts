/**
 * @module voice/dialogue/target
 * Which list an add goes to when the model could not tell: people leave out
 * the word "list" ("add screws to hardware store", "zu Baumarkt"), and the
 * model then hears it all as items. When the item text ends in "to / on /
 * onto <a list the person has>" (de "zu / zur / zum / auf / in"), that end is
 * the list. Only a list they have, by its exact name (or a default list's
 * synonym), never a fuzzy guess: "add a card to mom" stays one item unless
 * there is a list called mom. A list slot that names no list is an offer to
 * create it (manage.ts).
 */
import type { Locale } from "../intents.ts";
import { listKey, matchList } from "../match.ts";
import { LIST_SYNONYMS } from "../vocabulary.ts";
import type { VoiceListSummary, VoiceReply, VoiceSlot } from "../types.ts";
import { offerCreate } from "./manage.ts";
import type { Ctx } from "./session.ts";

/** The words before a list's name at the end of an add. */
const INTO: Record<Locale, readonly string[]> = {
  "en-US": ["to", "on", "onto", "in", "into"],
  "en-GB": ["to", "on", "onto", "in", "into"],
  "de-DE": ["zu", "zur", "zum", "auf", "in", "an"],
};

/**
 * The list these words name exactly (its name, or a default list's synonym), or null.
 * @example knownList("the hardware store", lists, "en-US")?.name // "Hardware store"
 */
export function knownList(words: string, lists: readonly VoiceListSummary[], locale: Locale): VoiceListSummary | null {
  const key = listKey(words, locale);
  if (!key) return null;
  const synonyms = LIST_SYNONYMS[locale];
  for (const kind of ["shopping", "todo"] as const) {
    if (synonyms[kind].some((s) => listKey(s, locale) === key)) return lists.find((l) => l.defaultKind === kind) ?? null;
  }
  return lists.find((l) => listKey(l.name, locale) === key) ?? null;
}

/**
 * The items and the list at the end of what was said, or null when it names none of the person's lists.
 * @example listAtEnd("screws to hardware store", lists, "en-US") // { text: "screws", list: <Hardware store> }
 */
export function listAtEnd(text: string, lists: readonly VoiceListSummary[], locale: Locale): { text: string; list: VoiceListSummary } | null {
  const tokens = text.trim().split(/\s+/);
  // From the right: the shortest name wins ("to to do" is the to-do list).
  for (let i = tokens.length - 2; i >= 1; i--) {
    if (!INTO[locale].includes(tokens[i]!.toLowerCase())) continue;
    const list = knownList(tokens.slice(i + 1).join(" "), lists, locale);
    if (list) return { text: tokens.slice(0, i).join(" "), list };
  }
  return null;
}

/**
 * Where an add goes: the text and list slot to use, or the reply that offers to create the named list.
 * @example addTarget(ctx, "screws to hardware store", undefined) // { text: "screws", listSlot: { value: "Hardware store", resolvedId: <its id> } }
 */
export function addTarget(
  ctx: Ctx,
  text: string,
  listSlot: VoiceSlot | undefined,
): { text: string; listSlot: VoiceSlot | undefined } | { reply: VoiceReply } {
  const slotted = !!listSlot && (listSlot.value.trim() !== "" || listSlot.resolvedId !== null);
  // Most adds name no list and say no "to …": nothing to look up then.
  if (!slotted && !text.split(/\s+/).some((w) => INTO[ctx.locale].includes(w.toLowerCase()))) return { text, listSlot };
  const all = ctx.lists.lists();
  if (listSlot && slotted) {
    if (matchList(listSlot, all, ctx.locale)) return { text, listSlot };
    const offer = offerCreate(ctx, listSlot.value, text);
    return offer ? { reply: offer } : { text, listSlot };
  }
  const found = listAtEnd(text, all, ctx.locale);
  return found ? { text: found.text, listSlot: { value: found.list.name, resolvedId: found.list.id } } : { text, listSlot };
}
