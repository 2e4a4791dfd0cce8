/**
 * @module voice/dialogue/phrasing
 * Small helpers that turn lists and item values into the pieces the speech
 * sentences take (voice/speech): escaped list references, "milk, eggs and 3
 * more", sentences joined. Shared by items.ts and lists.ts, so they live apart.
 */
import { escapeSsml, joinAnd } from "../ssml.ts";
import type { ItemsPhrase, ListRef } from "../speech/index.ts";
import type { VoiceListSummary } from "../types.ts";
import type { Ctx } from "./session.ts";

/** Items named in a confirmation before "and N more". */
const NAMED_ITEMS = 10;
/** Lists named in an enumeration before "and N more". */
const NAMED_LISTS = 20;

export function ref(list: { defaultKind: VoiceListSummary["defaultKind"]; name: string }): ListRef {
  return { kind: list.defaultKind, name: escapeSsml(list.name) };
}

export function phrase(ctx: Ctx, values: readonly string[], named = NAMED_ITEMS): ItemsPhrase {
  const shown = values.slice(0, named).map(escapeSsml);
  const rest = values.length - shown.length;
  return { text: joinAnd(rest > 0 ? [...shown, ctx.say.andMore(rest)] : shown, ctx.locale), count: values.length };
}

export function labels(ctx: Ctx, lists: readonly VoiceListSummary[]): string {
  return phrase(ctx, lists.map((l) => ctx.say.listLabel({ kind: l.defaultKind, name: l.name })), NAMED_LISTS).text;
}

export function sentences(...parts: (string | false | null | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p.length > 0).join(" ");
}
