/**
 * @module voice/response
 * Turns a VoiceReply into the JSON Alexa expects (an ask-sdk-model
 * ResponseEnvelope) and keeps it within Alexa's limits whatever the lists
 * hold: `outputSpeech` at most 8,000 characters (`<speak>` included), a card's
 * title and content at most 8,000 characters together, the whole response at
 * most 24 KB (ALEXA-NOTES). Limits are enforced here, at the last step, so
 * that no reply can exceed them, however it was built.
 *
 * Trade-off: when the response is too large, the card is trimmed first (the
 * app shows the whole list anyway), then the speech, then the reprompt; a
 * trimmed text ends at a line, sentence or word boundary ("…" marks a cut
 * card), never inside an SSML entity or tag. Session attributes are only
 * dropped as a last resort, which would lose a pending question but keep the
 * response valid.
 */
import type { ResponseEnvelope, ui } from "ask-sdk-model";
import { truncateSsml } from "./ssml.ts";
import type { VoiceCard, VoiceReply } from "./types.ts";

/**
 * Characters of `outputSpeech.ssml` (and of a reprompt), `<speak>` included.
 * @example buildResponse(reply).response.outputSpeech.ssml.length <= SPEECH_LIMIT
 */
export const SPEECH_LIMIT = 8000;
/**
 * Characters of a card's title and content together.
 * @example card.title.length + card.content.length <= CARD_LIMIT
 */
export const CARD_LIMIT = 8000;
/**
 * Bytes of the whole response body (24 KB).
 * @example new TextEncoder().encode(JSON.stringify(buildResponse(reply))).length <= RESPONSE_LIMIT
 */
export const RESPONSE_LIMIT = 24 * 1024;

const SPEAK_TAGS = "<speak></speak>".length;
const CUT = "…";
const encoder = new TextEncoder();

function ssml(fragment: string): ui.SsmlOutputSpeech {
  return { type: "SSML", ssml: `<speak>${fragment}</speak>` };
}

/** Plain text cut to `max` characters at a line (else word) boundary, "…" marking the cut. */
function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= CUT.length) return "";
  let room = max - CUT.length;
  // Never split a surrogate pair.
  const code = text.charCodeAt(room - 1);
  if (code >= 0xd800 && code <= 0xdbff) room--;
  const head = text.slice(0, room);
  const line = head.lastIndexOf("\n");
  if (line >= room / 2) return `${head.slice(0, line + 1)}${CUT}`;
  const space = head.lastIndexOf(" ");
  if (space >= room / 2) return `${head.slice(0, space)}${CUT}`;
  return `${head}${CUT}`;
}

function simpleCard(card: VoiceCard): ui.SimpleCard {
  const title = cutText(card.title, 200);
  return { type: "Simple", title, content: cutText(card.content, CARD_LIMIT - title.length) };
}

function bytes(envelope: ResponseEnvelope): number {
  return encoder.encode(JSON.stringify(envelope)).length;
}

/** How many UTF-16 units to remove from the end of `text` to save `needed` bytes of JSON. */
function unitsFor(text: string, needed: number): number {
  let saved = 0;
  let units = 0;
  while (units < text.length && saved < needed) {
    const code = text.codePointAt(text.length - units - 1) ?? 0;
    const low = code >= 0xdc00 && code <= 0xdfff && units + 1 < text.length;
    const point = low ? (text.codePointAt(text.length - units - 2) ?? 0) : code;
    const size = point >= 0x10000 ? 4 : point >= 0x800 ? 3 : point >= 0x80 ? 2 : point === 0x22 || point === 0x5c ? 2 : 1;
    saved += size;
    units += point >= 0x10000 ? 2 : 1;
  }
  return units;
}

/** Shrinks the envelope in place until it fits RESPONSE_LIMIT: card, speech, reprompt, then session. */
function fit(envelope: ResponseEnvelope, speech: string, reprompt: string | null): void {
  const response = envelope.response;
  let fragment = speech;
  let again = reprompt;
  for (let round = 0; round < 64; round++) {
    const excess = bytes(envelope) - RESPONSE_LIMIT;
    if (excess <= 0) return;
    // The margin covers the cut marks and the cut falling back to a boundary.
    const needed = excess + 16;
    const card = response.card;
    if (card?.type === "Simple" && card.content) {
      const cut = unitsFor(card.content, needed);
      card.content = card.content.length > cut ? cutText(card.content, card.content.length - cut) : "";
      continue;
    }
    if (card?.type === "Simple") {
      delete response.card;
      continue;
    }
    if (fragment.length > 0) {
      const cut = unitsFor(fragment, needed);
      fragment = fragment.length > cut ? truncateSsml(fragment, fragment.length - cut) : "";
      if (fragment) response.outputSpeech = ssml(fragment);
      else delete response.outputSpeech;
      continue;
    }
    if (again) {
      const cut = unitsFor(again, needed);
      again = again.length > cut ? truncateSsml(again, again.length - cut) : "";
      response.reprompt = { outputSpeech: ssml(again) };
      continue;
    }
    delete envelope.sessionAttributes;
    return;
  }
}

/**
 * The response for a reply: SSML speech, a reprompt only while the session
 * stays open, the card (Simple, or LinkAccount when `linkAccount`), the
 * session attributes; all within Alexa's limits.
 * @example
 * buildResponse({ change: null, speech: "Added salt &amp; pepper.", reprompt: null, card: null, session: {} })
 * // { version: "1.0", response: { outputSpeech: { type: "SSML", ssml: "<speak>Added salt &amp; pepper.</speak>" },
 * //   shouldEndSession: true } }
 */
export function buildResponse(reply: VoiceReply): ResponseEnvelope {
  const open = reply.reprompt !== null;
  const speech = truncateSsml(reply.speech, SPEECH_LIMIT - SPEAK_TAGS);
  const reprompt = reply.reprompt === null ? null : truncateSsml(reply.reprompt, SPEECH_LIMIT - SPEAK_TAGS);
  const response: ResponseEnvelope["response"] = {};
  if (speech) response.outputSpeech = ssml(speech);
  if (reprompt !== null) response.reprompt = { outputSpeech: ssml(reprompt) };
  if (reply.linkAccount) response.card = { type: "LinkAccount" };
  else if (reply.card) response.card = simpleCard(reply.card);
  response.shouldEndSession = !open;
  const envelope: ResponseEnvelope = { version: "1.0", response };
  if (open) envelope.sessionAttributes = reply.session;
  fit(envelope, speech, reprompt);
  return envelope;
}
