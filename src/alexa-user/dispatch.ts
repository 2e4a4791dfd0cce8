/**
 * @module alexa-user/dispatch
 * Hands a verified Alexa request to the right place:
 * - interactive requests (launch, intents, session end), with the skill store
 *   (`ALEXA_LISTS=skill`, the default), go straight to the list space the
 *   verified token names (`APP_OAUTH_SPACE_CLAIM`), or to the person's
 *   personal space (src/space): one hop when the person is a member there;
 *   otherwise (first turn, a new link, the 0.2 upgrade) to the Alexa user's
 *   object, which settles the membership and asks the space. With the
 *   household store they are answered here, in the Worker, without creating a
 *   Durable Object (src/skill/responses.ts);
 * - messages, list events and skill events go to the Durable Object named by
 *   `context.System.user.userId`, which answers `{status, body}`; the RPC
 *   carries the fields read by `readEnvelope`, not the whole envelope;
 * - anything else (e.g. `System.ExceptionEncountered`, other skill events) is
 *   acknowledged: Alexa needs a 200, and there is nothing to do.
 * If the object cannot be reached, the answer is 503 so that Alexa redelivers.
 *
 * Account linking (src/linking, docs/account-linking.md), when verification is
 * configured: the linked-account token of an interactive request
 * (`context.System.user.accessToken`) and of `SkillAccountLinked`
 * (`body.accessToken`) is verified here, before any object is called (it is
 * I/O); the object gets the verdict, never the token. The user's object
 * settles a verified link (its space, the appUserId → userId mapping),
 * ordered by event time. With `APP_REQUIRE_LINKING=true`
 * a voice request without a valid token gets a LinkAccount card, and one whose
 * token cannot be checked now (JWKS or introspection down, or a kid the key
 * set lacks within the refetch cooldown, e.g. right after a key rotation)
 * "try again shortly", both from here. A `SkillAccountLinked` whose token cannot be
 * checked now is answered 503 (Alexa redelivers events for an hour); one with a
 * refused token is acknowledged, and the user is not linked.
 */
import type { RequestEnvelope } from "ask-sdk-model";
import type { Env } from "../env.ts";
import { json, jsonError } from "../http.ts";
import { INTERACTIVE_TYPES, interactiveResponse } from "../skill/responses.ts";
import { happenedAt, linkAppUser, linkingFor, linkStatus, readLinkToken, type LinkStatus } from "../linking/index.ts";
import { linkingResponse } from "../voice/linking.ts";
import { readEnvelope, readRequestType, readUserId } from "./envelope.ts";
import { handledByUserObject } from "./inbound/route.ts";
import { listStoreKind, voiceInUserObject } from "../shared/list-store.ts";
import { spaceStub } from "../space/rpc.ts";
import { personalSpaceId } from "../space/space-id.ts";

const ACK_BODY = { version: "1.0", response: {} } as const;
const ACCOUNT_LINKED = "AlexaSkillEvent.SkillAccountLinked";

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
  const linking = linkingFor(env);
  if (!linking.ok) {
    console.error(`alexa: not serving: ${linking.reason}`);
    return jsonError(503, "NOT_CONFIGURED");
  }
  const interactive = INTERACTIVE_TYPES.has(type);
  const linkedEvent = type === ACCOUNT_LINKED && linking.config !== null;
  let link: LinkStatus | null = null;
  if ((interactive || linkedEvent) && linking.config !== null) {
    const userId = readUserId(envelope);
    if (userId === null) return jsonError(400, "MISSING_USER_ID", "context.System.user.userId is required");
    const request = envelope.request as { locale?: unknown; body?: { accessToken?: unknown } };
    const token = interactive ? readLinkToken(envelope) : typeof request.body?.accessToken === "string" && request.body.accessToken !== "" ? request.body.accessToken : null;
    const verdict: LinkStatus = (await linkStatus(env, token)) ?? { state: "absent" };
    link = verdict;
    if (linkedEvent && verdict.state === "unavailable") return jsonError(503, "LINKING_UNAVAILABLE");
    if (interactive && linking.requireLinking && type !== "SessionEndedRequest" && verdict.state !== "linked") {
      return json(linkingResponse(request.locale, verdict.state === "unavailable" ? "unavailable" : "not_linked"));
    }
    // Household voice turns never reach the user's object: the mapping is written here. Everything
    // else links in the user's object, ordered by event time (src/alexa-user/space-link.ts).
    if (verdict.state === "linked" && interactive && !voiceInUserObject(store)) {
      try {
        await linkAppUser(env, verdict.appUserId, userId, happenedAt(envelope, Date.now()), { once: true });
      } catch (e) {
        console.error(`${type}: app user mapping not updated`, e);
      }
    }
  }
  if (interactive && !voiceInUserObject(store)) {
    return json(interactiveResponse(envelope.request as { type: string; intent?: { name?: unknown } }));
  }
  if (!interactive && !handledByUserObject(type)) {
    if (type === "System.ExceptionEncountered") console.warn(`Alexa reported an error with a previous response: ${exceptionSummary(envelope.request)}`);
    return json(ACK_BODY);
  }
  const userId = readUserId(envelope);
  if (userId === null) return jsonError(400, "MISSING_USER_ID", "context.System.user.userId is required");
  // Read here, so the RPC carries only the fields the object uses.
  const req = readEnvelope(envelope);
  if ("error" in req) return jsonError(400, req.error);
  if (link !== null) {
    req.link = link;
    // The token stays in the Worker (verified above).
    if (linkedEvent) req.body = {};
  }
  try {
    if (interactive) {
      // The skill store's fast path: the space named by the verified token (or the personal one) answers
      // a member's turn directly; anyone else goes through their Alexa user's object, which settles it.
      const spaceId = link?.state === "linked" ? link.spaceId : await personalSpaceId(userId);
      const reply = await spaceStub(env, spaceId).voiceTurn({ kind: "voice", userId, appUserId: link?.state === "linked" ? link.appUserId : null }, req.voice!);
      if (reply.outcome === "answered") return json(reply.body);
    }
    const answer = await env.ALEXA_USER.getByName(userId).handleInbound(req);
    return json(answer.body, answer.status);
  } catch (e) {
    console.error(`${type}: user object unavailable`, e);
    return jsonError(503, "USER_OBJECT_UNAVAILABLE");
  }
}

/** A code-like token (`INVALID_RESPONSE`, a request id), else a placeholder: nothing free-form reaches the log. */
function token(value: unknown): string {
  return typeof value === "string" && /^[A-Za-z0-9._:-]{1,200}$/.test(value) ? value : "(none)";
}

/**
 * What is logged of a `System.ExceptionEncountered`: the error's type and the
 * request it is about, never `error.message`, which can quote the answer's
 * SSML and so the person's items.
 * @example exceptionSummary({ error: { type: "INVALID_RESPONSE", message: "…<speak>milk</speak>…" } }) // "error.type=INVALID_RESPONSE cause.requestId=(none)"
 */
export function exceptionSummary(request: unknown): string {
  const r = (request ?? {}) as { error?: { type?: unknown }; cause?: { requestId?: unknown } };
  return `error.type=${token(r.error?.type)} cause.requestId=${token(r.cause?.requestId)}`;
}
