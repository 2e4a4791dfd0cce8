/**
 * @module voice/linking
 * The replies when a request cannot be tied to a person in the app
 * (`APP_REQUIRE_LINKING=true`, docs/account-linking.md): a LinkAccount card
 * with a short line, or "try again shortly" when the app's sign-in service is
 * down (never a 5xx: Alexa would only say the skill failed). Pure.
 */
import { localeOf } from "./intents.ts";
import { buildResponse } from "./response.ts";
import { speechFor } from "./speech/index.ts";
import type { ResponseEnvelope } from "ask-sdk-model";

/** Why the request is not linked. @example const why: NotLinkedReason = "unavailable"; */
export type NotLinkedReason = "not_linked" | "unavailable";

/**
 * The response for a request without a usable linked account.
 * @example
 * linkingResponse("en-US", "not_linked").response.card // { type: "LinkAccount" }
 * linkingResponse("de-DE", "unavailable").response.card // undefined
 */
export function linkingResponse(requestLocale: unknown, reason: NotLinkedReason): ResponseEnvelope {
  const speech = speechFor(localeOf(requestLocale));
  return buildResponse({
    change: null,
    speech: reason === "not_linked" ? speech.linkAccount : speech.linkingUnavailable,
    reprompt: null,
    card: null,
    linkAccount: reason === "not_linked",
    session: {},
  });
}
