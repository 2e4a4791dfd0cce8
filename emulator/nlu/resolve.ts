/**
 * @module emulator/nlu/resolve
 * Turns an utterance into what Alexa's NLU would send the skill, using the
 * skill's own interaction model (emulator/nlu/model):
 *
 * 1. words only (emulator/nlu/text): lower case, punctuation dropped except
 *    apostrophes; a leading "Alexa" is dropped;
 * 2. an invocation is recognised and removed: "ask <name> to …", "tell
 *    <name> …", "open <name> and …", "… using <name>"; German "frag <name>
 *    …", "sag <name> …", "öffne <name> und …". "open <name>", "start
 *    <name>", "ask <name>", "öffne <name>" or the name alone is a
 *    `LaunchRequest`. Without an invocation the whole utterance is for the
 *    skill (as inside a session);
 * 3. every sample is a pattern over the words, each `{slot}` taking one or
 *    more words (`AMAZON.NUMBER`: digits). The sample with the most literal
 *    words wins (the most specific), then the one with fewer slots, then the
 *    first declared. Slot values are whatever words fill the slot: Alexa does
 *    not restrict custom slot types to their listed values;
 * 4. for a custom slot type whose values have ids, entity resolution as
 *    Alexa does it: the value compared case-insensitively with each value's
 *    name and synonyms, `ER_SUCCESS_MATCH` with every value it names, else
 *    `ER_SUCCESS_NO_MATCH` (without `values`);
 * 5. nothing matches: `AMAZON.FallbackIntent`.
 *
 * Fillers: the request is matched as said and also without the words people
 * wrap requests in ("please", "um", "can you", "bitte", "mal", "danke"), as
 * Alexa's statistical NLU looks past them; the better match wins, the one
 * without fillers on a tie (so "please" never ends up in a slot).
 *
 * Why hand-written: no maintained library emulates Alexa's sample matching.
 * `virtual-alexa` (bespoken, npm 0.7.x) is the one that tried, and it is
 * barely maintained; Amazon's own simulator is a cloud service (`ask
 * dialog`, SMAPI) that needs a deployed skill and credentials. What is here
 * is small enough to read in one sitting and follows the rules below.
 *
 * Limits: no speech recognition (the text is taken as heard, no
 * homophones, no numbers spoken as words for `AMAZON.NUMBER`), no
 * statistical NLU (no fuzzy matching of near-miss phrasings, no synonym
 * guessing, no confidence; a sample that is only a slot catches everything
 * the others do not, where Alexa might still choose the fallback), no dialog
 * management (`dialogState`, slot elicitation), no entity resolution for
 * built-in slot types or for types without ids.
 */
import { languageOf, type Language } from "./builtins.ts";
import type { CompiledModel, CompiledSample, TypeValue } from "./model.ts";
import { normalise, words, type Words } from "./text.ts";

export type ResolutionStatusCode = "ER_SUCCESS_MATCH" | "ER_SUCCESS_NO_MATCH";

/** A slot's `resolutions`, in Alexa's shape. */
export interface SlotResolutions {
  resolutionsPerAuthority: {
    authority: string;
    status: { code: ResolutionStatusCode };
    values?: { value: { name: string; id?: string } }[];
  }[];
}

export interface ResolvedSlot {
  value: string;
  resolutions?: SlotResolutions;
}

export type Resolved =
  | { type: "LaunchRequest" }
  | {
      type: "IntentRequest";
      intent: string;
      /** Filled slots only. */
      slots: Record<string, ResolvedSlot>;
      /** The sample or built-in phrase that matched; null for the fallback. */
      sample: string | null;
    };

export interface ResolveOptions {
  /** For the entity-resolution authority `amzn1.er-authority.echo-sdk.<skillId>.<TYPE>`. */
  skillId?: string;
}

export const FALLBACK_INTENT = "AMAZON.FallbackIntent";
const UNKNOWN_SKILL = "amzn1.ask.skill.unknown";

interface InvocationPhrases {
  /** "<verb> <name>" opens the skill. */
  launch: string[];
  /** "<name> <verb>" opens the skill (German word order). */
  launchAfter: string[];
  /** "<verb> <name> [connector] <request>"; the verb alone with the name opens it. */
  ask: string[];
  askConnectors: string[];
  /** "<launch verb> <name> <connector> <request>". */
  launchConnectors: string[];
  /** "<request> <word> <name>". */
  suffix: string[];
}

const INVOCATION: Record<Language, InvocationPhrases> = {
  en: {
    launch: ["open", "start", "launch", "begin", "load", "run", "resume", "play", "use", "talk to", "go to"],
    launchAfter: [],
    ask: ["ask", "tell", "use", "have"],
    askConnectors: ["to", "for", "about", "if", "whether", "that"],
    launchConnectors: ["and", "to"],
    suffix: ["using", "with", "from", "on"],
  },
  de: {
    launch: ["öffne", "starte", "aktiviere", "lade", "beginne", "spiele", "spiel"],
    launchAfter: ["öffnen", "starten", "aktivieren"],
    ask: ["frag", "frage", "sag", "sage", "bitte", "bitt"],
    askConnectors: ["ob", "nach", "dass", "zu", "um"],
    launchConnectors: ["und"],
    suffix: ["mit"],
  },
};

/** Words people wrap a request in, which Alexa's statistical NLU looks past. */
interface Fillers {
  /** Dropped wherever they stand ("add milk please", "setz bitte Milch auf die Liste"). */
  anywhere: string[];
  /** Dropped at the start ("um add milk", "can you add milk"), longest first. */
  lead: string[];
  /** Dropped at the end ("… thanks"). */
  tail: string[];
}

const FILLERS: Record<Language, Fillers> = {
  en: {
    anywhere: ["please"],
    lead: ["can you", "could you", "would you", "will you", "um", "uh", "oh", "hey", "hmm"],
    tail: ["thanks", "thank you", "for me"],
  },
  de: {
    anywhere: ["bitte", "mal"],
    lead: ["kannst du", "könntest du", "würdest du", "äh", "ähm", "also", "hm", "ach", "oh"],
    tail: ["danke", "für mich"],
  },
};

/** The words without fillers; null when there are none (or nothing else). */
function withoutFillers(said: Words, f: Fillers): Words | null {
  let keep = said.lower.map((w) => !f.anywhere.includes(w));
  const at = (phrase: string, i: number): boolean => phrase.split(" ").every((p, k) => said.lower[i + k] === p);
  let start = 0;
  let end = said.lower.length;
  for (let again = true; again; ) {
    again = false;
    while (start < end && !keep[start]) start++;
    const lead = f.lead.find((p) => at(p, start) && start + p.split(" ").length < end);
    if (lead) {
      start += lead.split(" ").length;
      again = true;
    }
    while (end > start && !keep[end - 1]) end--;
    const tail = f.tail.find((p) => end - p.split(" ").length > start && at(p, end - p.split(" ").length));
    if (tail) {
      end -= tail.split(" ").length;
      again = true;
    }
  }
  keep = keep.map((k, i) => k && i >= start && i < end);
  if (keep.every(Boolean) || !keep.some(Boolean)) return null;
  return { lower: said.lower.filter((_, i) => keep[i]), orig: said.orig.filter((_, i) => keep[i]) };
}

/** A stretch of the utterance's words that is the request to the skill. */
interface Span {
  start: number;
  end: number;
}

interface Match {
  sample: CompiledSample;
  slots: Record<string, string>;
}

/**
 * What the skill receives for `text`; null when nothing is said (or only "Alexa").
 * @example
 * resolveUtterance(model, "Alexa, ask list bridge to add milk to my shopping list")
 * // { type: "IntentRequest", intent: "AddItemsIntent", slots: { items: { value: "milk" }, list: { value: "shopping", resolutions: … } }, sample: "add {items} to my {list} list" }
 */
export function resolveUtterance(model: CompiledModel, text: string, opts: ResolveOptions = {}): Resolved | null {
  const w = words(text);
  let from = 0;
  if (w.lower[0] === "alexa") from = 1;
  const lower = w.lower.slice(from);
  const orig = w.orig.slice(from);
  if (lower.length === 0) return null;

  const lang = languageOf(model.locale);
  const form = lang ? invocationForm(lower, model.invocation, INVOCATION[lang]) : { spans: [{ start: 0, end: lower.length }] };
  if (form === "launch") return { type: "LaunchRequest" };

  let best: Match | null = null;
  for (const span of form.spans) {
    const said = { lower: lower.slice(span.start, span.end), orig: orig.slice(span.start, span.end) };
    // Without the fillers first: on a tie it wins, so "please" does not end up in a slot.
    const plain = lang ? withoutFillers(said, FILLERS[lang]) : null;
    for (const w of plain ? [plain, said] : [said]) {
      const m = bestMatch(model, w.lower, w.orig);
      if (m && (best === null || better(m.sample, best.sample))) best = m;
    }
  }
  if (!best) return { type: "IntentRequest", intent: FALLBACK_INTENT, slots: {}, sample: null };

  const intent = model.intents.get(best.sample.intent);
  const slots: Record<string, ResolvedSlot> = {};
  for (const [name, value] of Object.entries(best.slots)) {
    const type = intent?.slots.get(name);
    const resolutions = type === undefined ? undefined : resolve(model, type, value, opts.skillId ?? UNKNOWN_SKILL);
    slots[name] = resolutions ? { value, resolutions } : { value };
  }
  return { type: "IntentRequest", intent: best.sample.intent, slots, sample: best.sample.text };
}

/**
 * Entity resolution for one slot value, or undefined when the type gets none
 * (built-in types, custom types without ids).
 * @example resolve(model, "LIST_NAME", "Grocery", skillId)?.resolutionsPerAuthority[0]?.values // [{ value: { name: "shopping", id: "shopping" } }]
 */
export function resolve(model: CompiledModel, typeName: string, value: string, skillId: string): SlotResolutions | undefined {
  const type = model.types.get(typeName);
  if (!type || !type.hasIds) return undefined;
  const found: TypeValue[] = type.byPhrase.get(normalise(value)) ?? [];
  const authority = `amzn1.er-authority.echo-sdk.${skillId}.${typeName}`;
  if (found.length === 0) return { resolutionsPerAuthority: [{ authority, status: { code: "ER_SUCCESS_NO_MATCH" } }] };
  return {
    resolutionsPerAuthority: [
      {
        authority,
        status: { code: "ER_SUCCESS_MATCH" },
        values: found.map((v) => ({ value: v.id === undefined ? { name: v.name } : { name: v.name, id: v.id } })),
      },
    ],
  };
}

/** Whether sample `a` is preferred over `b` when both match. */
function better(a: CompiledSample, b: CompiledSample): boolean {
  if (a.literalWords !== b.literalWords) return a.literalWords > b.literalWords;
  if (a.slots.length !== b.slots.length) return a.slots.length < b.slots.length;
  return a.order < b.order;
}

function bestMatch(model: CompiledModel, lower: string[], orig: string[]): Match | null {
  if (lower.length === 0) return null;
  const text = lower.join(" ");
  let best: Match | null = null;
  for (const sample of model.samples) {
    if (best && !better(sample, best.sample)) continue;
    const m = sample.pattern.exec(text);
    if (!m) continue;
    const slots: Record<string, string> = {};
    sample.slots.forEach((name, i) => {
      const at = m.indices?.[i + 1];
      if (!at) return;
      const first = spacesIn(text.slice(0, at[0]));
      const count = spacesIn(text.slice(at[0], at[1])) + 1;
      slots[name] = orig.slice(first, first + count).join(" ");
    });
    best = { sample, slots };
  }
  return best;
}

function spacesIn(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === " ") n++;
  return n;
}

/**
 * Where the request is in an utterance that may name the skill: "launch",
 * or the spans to try (with and without an optional connector word).
 */
function invocationForm(lower: string[], name: string[], p: InvocationPhrases): "launch" | { spans: Span[] } {
  const n = name.length;
  const whole = { spans: [{ start: 0, end: lower.length }] };
  const nameAt = (i: number): boolean => i >= 0 && i + n <= lower.length && name.every((w, k) => lower[i + k] === w);
  const verbAt0 = (verbs: string[]): number => {
    for (const v of verbs) {
      const vw = v.split(" ");
      if (vw.every((w, k) => lower[k] === w)) return vw.length;
    }
    return 0;
  };
  if (lower.length === n && nameAt(0)) return "launch";
  if (lower.length === n + 1 && nameAt(0) && p.launchAfter.includes(lower[n] as string)) return "launch";

  const askLen = verbAt0(p.ask);
  if (askLen && nameAt(askLen)) {
    const rest = askLen + n;
    if (rest === lower.length) return "launch";
    const spans: Span[] = [{ start: rest, end: lower.length }];
    if (p.askConnectors.includes(lower[rest] as string) && rest + 1 < lower.length) spans.push({ start: rest + 1, end: lower.length });
    return { spans };
  }
  const launchLen = verbAt0(p.launch);
  if (launchLen && nameAt(launchLen)) {
    const rest = launchLen + n;
    if (rest === lower.length) return "launch";
    if (p.launchConnectors.includes(lower[rest] as string) && rest + 1 < lower.length) return { spans: [{ start: rest + 1, end: lower.length }] };
  }
  const suffixAt = lower.length - n - 1;
  if (suffixAt > 0 && nameAt(suffixAt + 1) && p.suffix.includes(lower[suffixAt] as string)) return { spans: [{ start: 0, end: suffixAt }] };
  return whole;
}
