/**
 * @module emulator/nlu/text
 * How the emulator's NLU sees text, the way Alexa's speech recogniser hands
 * it over: words only, no punctuation except apostrophes inside words
 * ("what's"), hyphens and commas become spaces ("to-do" → "to do",
 * "milk, eggs" → "milk eggs"). Matching is on lower case; slot values keep
 * the words as they were typed (so "Milch" stays "Milch").
 */

/** The words of `text`: `lower` for matching, `orig` (same positions) for slot values. */
export interface Words {
  lower: string[];
  orig: string[];
}

/**
 * Splits text into words as described above.
 * @example words("Alexa, what's on my to-do list?").lower // ["alexa", "what's", "on", "my", "to", "do", "list"]
 */
export function words(text: string): Words {
  const orig = text
    .normalize("NFC")
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[^\p{L}\p{M}\p{N}'\s]+/gu, " ")
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter((w) => w !== "");
  return { orig, lower: orig.map((w) => w.toLowerCase()) };
}

/**
 * The normalised form of a phrase: its lower-case words joined by one space.
 * @example normalise("To-Do  List") // "to do list"
 */
export function normalise(text: string): string {
  return words(text).lower.join(" ");
}
