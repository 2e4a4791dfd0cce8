/**
 * @module user/dispatch
 * Hands a verified Alexa request to the right place:
 * - interactive requests (launch, intents, session end) go to the user's
 *   object when it holds the lists (`ALEXA_LISTS=skill`, the default), which
 *   answers from them; with the household store they are answered here, in
 *   the Worker, without creating a Durable Object (src/skill/responses.ts);
 * - messages, list events and skill events go to the Durable Object named by
 *   `context.System.user.userId`, which answers `{status, body}`; the RPC
 *   carries the fields read by `readEnvelope`, not the whole envelope;
 * - anything else (e.g. `System.ExceptionEncountered`, other skill events) is
 *   acknowledged: Alexa needs a 200, and there is nothing to do.
 * If the object cannot be reached, the answer is 503 so that Alexa redelivers.
 */
import type { RequestEnvelope } from "ask-sdk-model";
import type { Env } from "../env.ts";
import { json, jsonError } from "../http.ts";
import { INTERACTIVE_TYPES, interactiveResponse } from "../skill/responses.ts";
import { readEnvelope, readRequestType, readUserId } from "./envelope.ts";
import { handledByUserObject } from "./inbound/route.ts";
import { listStoreKind, voiceInUserObject } from "./lists/list-store.ts";

const ACK_BODY = { version: "1.0", response: {} } as const;

/**
 * Routes a verified request and returns the answer for Alexa (200 from the
 * object only once its effects are durable).
 * @example return dispatchAlexaRequest(env, envelope);
 */
export async function dispatchAlexaRequest(env: Env, envelope: RequestEnvelope): Promise<Response> {
  const type = readRequestType(envelope);
  if (type === null) return jsonError(400, "MISSING_REQUEST", "request.type is required");
  const store = listStoreKind(env);
  if (store === null) {
    console.error(`alexa: not serving: ALEXA_LISTS must be skill or household (got ${JSON.stringify(env.ALEXA_LISTS)})`);
    return jsonError(503, "NOT_CONFIGURED");
  }
  const interactive = INTERACTIVE_TYPES.has(type);
  if (interactive && !voiceInUserObject(store)) {
    return json(interactiveResponse(envelope.request as { type: string; intent?: { name?: unknown } }));
  }
  if (!interactive && !handledByUserObject(type)) {
    if (type === "System.ExceptionEncountered") console.warn("Alexa reported an error with a previous response", envelope.request);
    return json(ACK_BODY);
  }
  const userId = readUserId(envelope);
  if (userId === null) return jsonError(400, "MISSING_USER_ID", "context.System.user.userId is required");
  // Read here, so the RPC carries only the fields the object uses.
  const req = readEnvelope(envelope);
  if ("error" in req) return jsonError(400, req.error);
  try {
    const answer = await env.ALEXA_USER.getByName(userId).handleInbound(req);
    return json(answer.body, answer.status);
  } catch (e) {
    console.error(`${type}: user object unavailable`, e);
    return jsonError(503, "USER_OBJECT_UNAVAILABLE");
  }
}
