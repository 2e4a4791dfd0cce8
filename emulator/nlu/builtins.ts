/**
 * @module emulator/nlu/builtins
 * What people say for Alexa's built-in intents, in English and German. Alexa
 * ships these phrases with the intents (a model declares `AMAZON.HelpIntent`
 * with no samples and still gets "help"); a model may add its own samples,
 * which emulator/nlu/model compiles beside these.
 *
 * Trade-off: a hand-picked list of the common phrasings, not Amazon's (which
 * is not published); anything not here falls through to the model's own
 * samples or to `AMAZON.FallbackIntent`.
 */

export type Language = "en" | "de";

/** The built-in intents the emulator knows phrases for. */
export type BuiltInWithPhrases =
  | "AMAZON.HelpIntent"
  | "AMAZON.StopIntent"
  | "AMAZON.CancelIntent"
  | "AMAZON.YesIntent"
  | "AMAZON.NoIntent"
  | "AMAZON.MoreIntent"
  | "AMAZON.NextIntent"
  | "AMAZON.NavigateHomeIntent";

/**
 * Built-in intents every custom skill has, declared or not (Amazon requires
 * them in every model). Others (yes, no, more, next) match only when the
 * model declares them.
 */
export const ALWAYS_PRESENT: ReadonlySet<string> = new Set([
  "AMAZON.HelpIntent",
  "AMAZON.StopIntent",
  "AMAZON.CancelIntent",
  "AMAZON.NavigateHomeIntent",
]);

export const BUILT_IN_PHRASES: Record<Language, Record<BuiltInWithPhrases, readonly string[]>> = {
  en: {
    "AMAZON.HelpIntent": ["help", "help me", "i need help", "what can i say", "what can you do", "how does this work", "what do i do"],
    "AMAZON.StopIntent": ["stop", "stop it", "off", "shut up", "be quiet", "quiet", "enough", "that's enough", "that's all", "i'm done", "goodbye", "bye"],
    "AMAZON.CancelIntent": ["cancel", "cancel that", "never mind", "nevermind", "forget it", "forget that"],
    "AMAZON.YesIntent": ["yes", "yeah", "yep", "yup", "sure", "ok", "okay", "yes please", "correct", "that's right", "right", "please do", "go ahead", "do it"],
    "AMAZON.NoIntent": ["no", "nope", "nah", "no thanks", "no thank you", "not really", "no way"],
    "AMAZON.MoreIntent": ["more", "tell me more", "read more", "more please", "keep going", "go on"],
    "AMAZON.NextIntent": ["next", "next one", "the next one", "skip", "skip it", "skip this"],
    "AMAZON.NavigateHomeIntent": ["go home", "home", "go to the home screen", "home screen", "back to home", "go back home"],
  },
  de: {
    "AMAZON.HelpIntent": ["hilfe", "hilf mir", "ich brauche hilfe", "was kann ich sagen", "was kannst du", "was kannst du alles", "wie funktioniert das"],
    "AMAZON.StopIntent": ["stopp", "stop", "halt", "hör auf", "aufhören", "sei still", "ruhe", "genug", "das reicht", "das war's", "tschüss", "ende"],
    "AMAZON.CancelIntent": ["abbrechen", "brich ab", "vergiss es", "egal", "lass es", "schon gut"],
    "AMAZON.YesIntent": ["ja", "jawohl", "jep", "genau", "ja bitte", "klar", "sicher", "richtig", "okay", "ok", "gerne", "mach das"],
    "AMAZON.NoIntent": ["nein", "nee", "nö", "nein danke", "lieber nicht", "auf keinen fall"],
    "AMAZON.MoreIntent": ["mehr", "erzähl mehr", "lies mehr", "mehr bitte", "lies weiter", "mach weiter"],
    "AMAZON.NextIntent": ["weiter", "nächste", "nächstes", "der nächste", "die nächste", "das nächste", "überspringen"],
    "AMAZON.NavigateHomeIntent": ["zum startbildschirm", "startbildschirm", "zur startseite", "geh nach hause", "zurück zum startbildschirm"],
  },
};

/**
 * The language whose phrases a locale uses; null when the emulator has none.
 * @example languageOf("en-GB") // "en"; languageOf("de-AT") // "de"; languageOf("fr-FR") // null
 */
export function languageOf(locale: string): Language | null {
  const lang = locale.slice(0, 2).toLowerCase();
  return lang === "en" || lang === "de" ? lang : null;
}
