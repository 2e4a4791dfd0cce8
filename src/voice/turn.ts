/**
 * @module voice/turn
 * Reads one interactive request (the `request` and `session` objects of an
 * ask-sdk-model RequestEnvelope) into the small VoiceTurn the dialogue works
 * on. Defensive on purpose: the envelope has been verified as Amazon's, but
 * its shape is still untrusted JSON, so nothing here throws; a request it
 * cannot read becomes an `AMAZON.FallbackIntent` turn, which the dialogue
 * answers with a short hint.
 *
 * Slots: `slots.<name>.value` is what was said; a multiple-value slot
 * (`slotValue.type === "List"`) is read as its values joined with commas, so
 * the splitter sees them as separate items. The first authority whose status
 * is `ER_SUCCESS_MATCH` gives `resolvedId` (e.g. `shopping` for "groceries").
 * A value longer than {@link MAX_SLOT_LENGTH} is not passed on (`tooLong`, its
 * value empty): Alexa's own utterances are short, and the dialogue's work
 * grows with what it is given (it answers with a short sentence instead).
 */
import { localeOf } from "./intents.ts";
import type { VoiceSlot, VoiceTurn } from "./types.ts";

const FALLBACK = "AMAZON.FallbackIntent";

/**
 * Most characters of a slot value the dialogue takes: a few items or one
 * long one (an item is at most 256). Longer ones are answered, not read.
 * @example readTurn(request, session, "en-US").slots.items?.tooLong // true for a 500-character value
 */
export const MAX_SLOT_LENGTH = 400;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function spokenValue(slot: Json): string | null {
  const value = str(slot["value"]);
  if (value !== null && value.trim().length > 0) return value.trim();
  const slotValue = slot["slotValue"];
  if (!isObject(slotValue)) return null;
  if (slotValue["type"] === "Simple") return str(slotValue["value"])?.trim() || null;
  if (slotValue["type"] === "List") {
    const values = array(slotValue["values"])
      .map((v) => (isObject(v) ? str(v["value"])?.trim() : undefined))
      .filter((v): v is string => !!v);
    return values.length > 0 ? values.join(", ") : null;
  }
  return null;
}

function resolvedId(slot: Json): string | null {
  const resolutions = slot["resolutions"];
  if (!isObject(resolutions)) return null;
  for (const authority of array(resolutions["resolutionsPerAuthority"])) {
    if (!isObject(authority)) continue;
    const status = authority["status"];
    if (!isObject(status) || status["code"] !== "ER_SUCCESS_MATCH") continue;
    const [first] = array(authority["values"]);
    const value = isObject(first) ? first["value"] : undefined;
    const id = isObject(value) ? str(value["id"]) : null;
    if (id) return id;
  }
  return null;
}

function readSlots(raw: unknown): Record<string, VoiceSlot> {
  const slots: Record<string, VoiceSlot> = {};
  if (!isObject(raw)) return slots;
  for (const [key, slot] of Object.entries(raw)) {
    if (!isObject(slot)) continue;
    const name = str(slot["name"]) ?? key;
    const value = spokenValue(slot);
    const id = resolvedId(slot);
    if (value === null && id === null) continue;
    slots[name] = value !== null && value.length > MAX_SLOT_LENGTH ? { value: "", resolvedId: null, tooLong: true } : { value: value ?? "", resolvedId: id };
  }
  return slots;
}

/**
 * The session attributes (`session.attributes`), or an empty object.
 * @example sessionAttributes({ new: false, attributes: { listId: "L1" } }) // { listId: "L1" }
 */
export function sessionAttributes(session: unknown): Record<string, unknown> {
  const attributes = isObject(session) ? session["attributes"] : undefined;
  return isObject(attributes) ? { ...attributes } : {};
}

/**
 * The turn a request asks for.
 * @example
 * readTurn(
 *   { type: "IntentRequest", intent: { name: "AddItemsIntent", slots: { items: { name: "items", value: "milk and eggs" } } } },
 *   { new: true },
 *   "en-GB",
 * );
 * // { kind: "intent", locale: "en-GB", intent: "AddItemsIntent",
 * //   slots: { items: { value: "milk and eggs", resolvedId: null } }, session: {} }
 */
export function readTurn(request: unknown, session: unknown, locale: unknown): VoiceTurn {
  const lang = localeOf(locale ?? (isObject(request) ? request["locale"] : undefined));
  const attributes = sessionAttributes(session);
  const fallback: VoiceTurn = { kind: "intent", locale: lang, intent: FALLBACK, slots: {}, session: attributes };
  if (!isObject(request)) return fallback;
  switch (request["type"]) {
    case "LaunchRequest":
      return { kind: "launch", locale: lang, session: attributes };
    case "SessionEndedRequest":
      return { kind: "ended", locale: lang, reason: str(request["reason"]) };
    case "IntentRequest": {
      const intent = request["intent"];
      const name = isObject(intent) ? str(intent["name"]) : null;
      if (!isObject(intent) || !name) return fallback;
      return { kind: "intent", locale: lang, intent: name, slots: readSlots(intent["slots"]), session: attributes };
    }
    default:
      return fallback;
  }
}
