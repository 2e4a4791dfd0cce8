/**
 * @module skill/responses
 * Short, valid answers to the interactive requests (launch, intents, session
 * end), so that the skill passes certification: it is a list-sync skill with
 * nothing to say beyond what it does and how to stop it. Pure: the Worker
 * answers these itself, without touching the user's Durable Object.
 *
 * Trade-off: English only. The skill's value is the background sync, not the
 * conversation; localising three sentences can come with a second locale.
 */
import type { ResponseEnvelope } from "ask-sdk-model";

const WELCOME =
  "Your Alexa lists are kept in sync with your app. Add or check off items with Alexa as usual, and they show up in the app. What would you like to do?";
const HELP =
  "This skill syncs your Alexa shopping and to-do lists with your app. Just use your lists as usual, for example say: add milk to my shopping list. To stop, say stop.";
const FALLBACK = "Sorry, I can't help with that. This skill only keeps your lists in sync with your app. You can say help, or stop.";
const GOODBYE = "Goodbye.";
const REPROMPT = "You can say help, or stop.";

/** Request types the Worker answers directly (household store). */
export { INTERACTIVE_TYPES } from "../alexa-user/envelope.ts";

/**
 * The response to an interactive request: `LaunchRequest`, `IntentRequest`
 * (Help, Stop, Cancel, Fallback, NavigateHome, anything else) or
 * `SessionEndedRequest` (which must not speak).
 * @example
 * interactiveResponse({ type: "IntentRequest", intent: { name: "AMAZON.HelpIntent" } }).response.outputSpeech
 * // { type: "PlainText", text: "This skill syncs ..." }
 */
export function interactiveResponse(request: { type: string; intent?: { name?: unknown } }): ResponseEnvelope {
  switch (request.type) {
    case "LaunchRequest":
      return ask(WELCOME);
    case "IntentRequest":
      switch (request.intent?.name) {
        case "AMAZON.HelpIntent":
          return ask(HELP);
        case "AMAZON.StopIntent":
        case "AMAZON.CancelIntent":
          return tell(GOODBYE);
        case "AMAZON.NavigateHomeIntent":
          return { version: "1.0", response: { shouldEndSession: true } };
        default:
          // AMAZON.FallbackIntent and anything the model may add later.
          return ask(FALLBACK);
      }
    default:
      // SessionEndedRequest: Alexa ignores any speech here; the answer is an empty acknowledgement.
      return { version: "1.0", response: {} };
  }
}

function ask(text: string): ResponseEnvelope {
  return {
    version: "1.0",
    response: {
      outputSpeech: { type: "PlainText", text },
      reprompt: { outputSpeech: { type: "PlainText", text: REPROMPT } },
      shouldEndSession: false,
    },
  };
}

function tell(text: string): ResponseEnvelope {
  return { version: "1.0", response: { outputSpeech: { type: "PlainText", text }, shouldEndSession: true } };
}
