/**
 * @module alexa-user/inbound/route
 * Which requests the user's object handles, and the handler of each.
 * Interactive requests (launch, intents, session end) never get here: the
 * Worker answers them (src/skill/responses.ts) without creating an object.
 */
import type { InboundRequest } from "../envelope.ts";
import { NOTHING, type Apply, type InboundParts } from "./context.ts";
import { LIST_EVENT_PREFIX } from "./list-events.ts";
import { handleMessage, MESSAGE_RECEIVED } from "./messages.ts";
import { handleSkillEvent, SKILL_EVENT_TYPES } from "./skill-events.ts";

/**
 * True for the request types that change a user's state.
 * @example handledByUserObject("AlexaHouseholdListEvent.ItemsCreated") // true
 */
export function handledByUserObject(type: string): boolean {
  return type === MESSAGE_RECEIVED || type.startsWith(LIST_EVENT_PREFIX) || SKILL_EVENT_TYPES.has(type);
}

/**
 * Runs the handler of `req` (its I/O) and returns its durable effects.
 * @example const apply = await routeInbound(req, parts, now);
 */
export async function routeInbound(req: InboundRequest, parts: InboundParts, now: number): Promise<Apply> {
  if (req.type === MESSAGE_RECEIVED) return handleMessage(req, parts, now);
  if (req.type.startsWith(LIST_EVENT_PREFIX)) return parts.lists.listEvent(req, parts, now);
  if (SKILL_EVENT_TYPES.has(req.type)) return handleSkillEvent(req, parts, now);
  return NOTHING;
}
