/**
 * @module user/assistant
 * An MCP tool call (src/mcp) against the lists a Durable Object holds: the
 * pure tool code reads the skill store as the voice layer does and names at
 * most one change, applied here with `source: "assistant"` webhooks and the
 * store's undo journal. The object calls this inside its transaction, so the
 * change and its webhooks commit before the result leaves. Kept apart from
 * the object so that moving the lists to another object (list spaces) moves
 * one call.
 */
import { callTool, failure, type ToolCall, type ToolResult } from "../mcp/call.ts";
import { StoreError, type ListStore } from "./lists/list-store.ts";
import { SkillStore } from "./lists/skill-store.ts";

/** Who asks: an assistant acting for a person (the MCP client, when its token names one). */
export interface AssistantActor {
  source: "assistant";
  /** The OAuth client that made the call (`client_id` / `azp`), or null. */
  clientId: string | null;
}

/**
 * Runs `call` on `store` at `now`. The household store (Alexa's own lists) has
 * nothing to run it on.
 * @example const result = runAssistantCall(this.lists, { name: "read_list", arguments: {} }, now);
 */
export function runAssistantCall(store: ListStore, call: ToolCall, now: number): ToolResult {
  if (!(store instanceof SkillStore)) return failure("These lists are kept in Alexa's own list feature, which assistants can't reach here.");
  return callTool(call, store, (change) => {
    try {
      store.applyVoice(change, now, "assistant");
      return null;
    } catch (e) {
      if (e instanceof StoreError) return e.code;
      throw e;
    }
  });
}
