/**
 * @module user/dispatch
 * Hands a verified Alexa request to its user's Durable Object.
 * Placeholder: acknowledges everything until the inbound issue lands.
 */
import type { RequestEnvelope } from "ask-sdk-model";
import type { Env } from "../env.ts";
import { json } from "../http.ts";

/**
 * Routes a verified request to `context.System.user.userId`'s object and
 * returns that object's answer (200 only once its effects are durable).
 * @example return dispatchAlexaRequest(env, envelope);
 */
export async function dispatchAlexaRequest(_env: Env, _envelope: RequestEnvelope): Promise<Response> {
  return json({ version: "1.0", response: {} });
}
