/**
 * @module emulator/nlu/model
 * Loads an interaction model (the ASK CLI layout,
 * `skill-package/interactionModels/custom/<locale>.json`) and indexes it for
 * emulator/nlu/resolve: every sample compiled to an anchored pattern (a
 * `{slot}` captures one or more words), the built-in intents' phrases added
 * (emulator/nlu/builtins), and each custom slot type's values and synonyms
 * keyed by their normalised text for entity resolution.
 *
 * A model Alexa would refuse to build (a sample naming a slot its intent does
 * not declare, a slot without a type, no intents) is refused here too, with
 * the file and intent named. Files are read at run time, so an edited model
 * is picked up on the next utterance ({@link ModelCache} checks the file's
 * modification time).
 */
import type { v1 } from "ask-smapi-model";
import { ALWAYS_PRESENT, BUILT_IN_PHRASES, type BuiltInWithPhrases, languageOf } from "./builtins.ts";
import { normalise, words } from "./text.ts";

/** A model file as the ASK CLI writes it. */
export type ModelFile = v1.skill.interactionModel.InteractionModelData;

/** One sample (or built-in phrase), ready to match. */
export interface CompiledSample {
  intent: string;
  /** As written in the model (or the built-in phrase). */
  text: string;
  /** Over the utterance's lower-case words joined by single spaces; one group per slot. */
  pattern: RegExp;
  /** Slot names in the order of the pattern's groups. */
  slots: string[];
  /** Words of the sample outside slots: the more, the more specific. */
  literalWords: number;
  /** Declaration order, the last tie-breaker. */
  order: number;
}

export interface IntentInfo {
  name: string;
  /** Slot name → slot type, in declaration order. */
  slots: Map<string, string>;
}

export interface TypeValue {
  name: string;
  id?: string;
}

export interface SlotTypeIndex {
  name: string;
  /** Whether any value has an id (such types get entity resolution). */
  hasIds: boolean;
  /** Normalised value name or synonym → the values it names. */
  byPhrase: Map<string, TypeValue[]>;
}

export interface CompiledModel {
  locale: string;
  /** Where it was read from (for messages). */
  source: string;
  /** Normalised words of the invocation name. */
  invocation: string[];
  intents: Map<string, IntentInfo>;
  samples: CompiledSample[];
  types: Map<string, SlotTypeIndex>;
}

/** A model that cannot be read or would not build. */
export class ModelError extends Error {
  override readonly name = "ModelError";
  constructor(
    message: string,
    /** `missing`: no file for the locale; `locale`: not a locale; `invalid`: unreadable or would not build. */
    readonly kind: "missing" | "locale" | "invalid" = "invalid",
  ) {
    super(message);
  }
}

/** `<repo>/skill-package/interactionModels/custom/`. */
export const DEFAULT_MODEL_DIR = new URL("../../skill-package/interactionModels/custom/", import.meta.url);

/**
 * Indexes a parsed model file.
 * @example const model = compileModel(JSON.parse(text), "en-US", "en-US.json");
 */
export function compileModel(data: unknown, locale: string, source = `${locale}.json`): CompiledModel {
  const lm = (data as Partial<ModelFile> | null)?.interactionModel?.languageModel;
  const fail = (what: string): never => {
    throw new ModelError(`${source}: ${what}`);
  };
  if (!lm || typeof lm !== "object") return fail("no interactionModel.languageModel");
  if (typeof lm.invocationName !== "string" || normalise(lm.invocationName) === "") return fail("no invocationName");
  if (!Array.isArray(lm.intents) || lm.intents.length === 0) return fail("no intents");

  const intents = new Map<string, IntentInfo>();
  const samples: CompiledSample[] = [];
  const lang = languageOf(locale);
  let order = 0;
  for (const intent of lm.intents) {
    if (typeof intent?.name !== "string" || intent.name === "") return fail("an intent without a name");
    if (intents.has(intent.name)) return fail(`intent ${intent.name} is declared twice`);
    const slots = new Map<string, string>();
    for (const slot of intent.slots ?? []) {
      if (typeof slot?.name !== "string" || typeof slot.type !== "string") return fail(`${intent.name}: a slot needs a name and a type`);
      slots.set(slot.name, slot.type);
    }
    intents.set(intent.name, { name: intent.name, slots });
    for (const text of intent.samples ?? []) {
      if (typeof text !== "string") return fail(`${intent.name}: samples must be strings`);
      const compiled = compileSample(intent.name, text, slots, order++);
      if (typeof compiled === "string") return fail(`${intent.name}: ${compiled}`);
      if (compiled) samples.push(compiled);
    }
  }
  // Built-in phrases: for the intents every skill has, and for the other built-ins the model declares.
  for (const name of Object.keys(BUILT_IN_PHRASES.en) as BuiltInWithPhrases[]) {
    if (!ALWAYS_PRESENT.has(name) && !intents.has(name)) continue;
    if (!intents.has(name)) intents.set(name, { name, slots: new Map() });
    for (const phrase of lang ? BUILT_IN_PHRASES[lang][name] : []) {
      const compiled = compileSample(name, phrase, new Map(), order++);
      if (compiled && typeof compiled !== "string") samples.push(compiled);
    }
  }

  const types = new Map<string, SlotTypeIndex>();
  for (const type of lm.types ?? []) {
    if (typeof type?.name !== "string") return fail("a slot type without a name");
    const index: SlotTypeIndex = { name: type.name, hasIds: false, byPhrase: new Map() };
    for (const v of type.values ?? []) {
      if (typeof v?.name?.value !== "string") return fail(`${type.name}: a value without name.value`);
      const value: TypeValue = v.id === undefined || v.id === "" ? { name: v.name.value } : { name: v.name.value, id: v.id };
      if (value.id !== undefined) index.hasIds = true;
      for (const phrase of [v.name.value, ...(v.name.synonyms ?? [])]) {
        const key = normalise(phrase);
        if (key === "") continue;
        const list = index.byPhrase.get(key) ?? [];
        if (!list.includes(value)) list.push(value);
        index.byPhrase.set(key, list);
      }
    }
    types.set(type.name, index);
  }
  for (const intent of intents.values()) {
    for (const [slot, type] of intent.slots) {
      if (!type.startsWith("AMAZON.") && !types.has(type)) return fail(`${intent.name}: slot ${slot} has type ${type}, which the model does not define`);
    }
  }
  return { locale, source, invocation: words(lm.invocationName).lower, intents, samples, types };
}

/**
 * One sample as a pattern; a string says what is wrong with it; null for an
 * empty sample.
 */
function compileSample(intent: string, text: string, slots: Map<string, string>, order: number): CompiledSample | string | null {
  const parts: string[] = [];
  const slotNames: string[] = [];
  let literalWords = 0;
  for (const piece of text.split(/(\{[^{}]*\})/)) {
    const slot = /^\{([^{}]*)\}$/.exec(piece);
    if (slot) {
      const name = (slot[1] as string).trim();
      const type = slots.get(name);
      if (type === undefined) return `sample "${text}" uses {${name}}, which the intent does not declare`;
      if (slotNames.includes(name)) return `sample "${text}" uses {${name}} twice`;
      slotNames.push(name);
      parts.push(type === "AMAZON.NUMBER" ? "(\\d+)" : "(\\S+(?: \\S+)*)");
    } else {
      if (/[{}]/.test(piece)) return `sample "${text}" has an unbalanced brace`;
      for (const w of words(piece).lower) {
        parts.push(escapeRegExp(w));
        literalWords += 1;
      }
    }
  }
  if (parts.length === 0) return null;
  return { intent, text, pattern: new RegExp(`^${parts.join(" ")}$`, "du"), slots: slotNames, literalWords, order };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A locale as used in file names (guards against paths in a locale). */
export function isLocale(locale: string): boolean {
  return /^[a-z]{2}-[A-Z]{2}$/.test(locale);
}

/** Where a locale's model lives under `dir` (a path or a `file:` URL). */
export function modelLocation(locale: string, dir: string | URL = DEFAULT_MODEL_DIR): string | URL {
  if (dir instanceof URL) return new URL(`${locale}.json`, dir.href.endsWith("/") ? dir : new URL(dir.href + "/"));
  return `${dir.replace(/[\\/]+$/, "")}/${locale}.json`;
}

function shown(where: string | URL): string {
  return where instanceof URL ? decodeURIComponent(where.pathname) : where;
}

/**
 * Reads and compiles a locale's model from `dir`.
 * @example const model = await loadModel("en-US"); // skill-package/interactionModels/custom/en-US.json
 */
export async function loadModel(locale: string, dir: string | URL = DEFAULT_MODEL_DIR): Promise<CompiledModel> {
  if (!isLocale(locale)) throw new ModelError(`not a locale: "${locale}" (e.g. en-US)`, "locale");
  const where = modelLocation(locale, dir);
  const { readFile } = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(where, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT") throw new ModelError(`no interaction model for ${locale} at ${shown(where)}`, "missing");
    throw new ModelError(`cannot read ${shown(where)}: ${String(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ModelError(`${shown(where)} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return compileModel(data, locale, shown(where));
}

/**
 * Compiled models by locale, re-read when the file changes.
 * @example const models = new ModelCache(); const m = await models.get("de-DE");
 */
export class ModelCache {
  readonly #entries = new Map<string, { mtimeMs: number; size: number; model: CompiledModel }>();

  constructor(readonly dir: string | URL = DEFAULT_MODEL_DIR) {}

  async get(locale: string): Promise<CompiledModel> {
    if (!isLocale(locale)) throw new ModelError(`not a locale: "${locale}" (e.g. en-US)`, "locale");
    const where = modelLocation(locale, this.dir);
    const { stat } = await import("node:fs/promises");
    let info: { mtimeMs: number; size: number };
    try {
      info = await stat(where);
    } catch {
      this.#entries.delete(locale);
      throw new ModelError(`no interaction model for ${locale} at ${shown(where)}`, "missing");
    }
    const cached = this.#entries.get(locale);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.model;
    const model = await loadModel(locale, this.dir);
    this.#entries.set(locale, { mtimeMs: info.mtimeMs, size: info.size, model });
    return model;
  }
}
