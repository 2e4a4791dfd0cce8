/**
 * @module alexa-user/lists/skill-ignored
 * What the skill store (ALEXA_LISTS=skill) does with the household path's
 * inbound events: it acknowledges them without effect, with a warning. One
 * place for both stores that answer as the skill store: the Alexa user's view
 * of it (space-held.ts) and the list space's own (src/space/skill-store.ts).
 */
import type { BridgeMessage } from "../../protocol/bridge-message.ts";
import { NOTHING, type Apply } from "../inbound/context.ts";

/**
 * `ListStore.applyDelivered`: the skill store never sends list operations as
 * skill messages; one that arrives is someone else's.
 * @example class Store implements ListStore { readonly applyDelivered = ignoreDelivered; }
 */
export async function ignoreDelivered(msg: BridgeMessage): Promise<Apply> {
  console.warn(`skill store: a bridge ${msg.op.kind} operation arrived by message; the skill store sends none, acknowledged without effect`);
  return NOTHING;
}

/**
 * `ListStore.listEvent`: list events come from Alexa's household lists, which
 * the skill store does not use.
 * @example class Store implements ListStore { readonly listEvent = ignoreListEvent; }
 */
export async function ignoreListEvent(): Promise<Apply> {
  console.warn("skill store: household list event acknowledged without effect (ALEXA_LISTS=skill)");
  return NOTHING;
}
