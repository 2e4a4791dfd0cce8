/**
 * @module space/assistant-call
 * One MCP tool call (src/mcp, pure) on a list space's skill store, for an
 * assistant actor: the tool reads the lists through the actor's own view (so
 * `undo_last_change` sees that client's last change, never a family member's
 * or another client's) and names at most one change, applied on the voice
 * path with the actor's webhooks (`source: "assistant"`) and undo entry. The
 * space object (src/space/list-space.ts) runs this inside its transaction, so
 * a tool call is one Durable Object request and its change and webhooks
 * commit before the result leaves.
 */
import { callTool, type ToolCall, type ToolResult } from "../mcp/call.ts";
import { StoreError } from "../shared/list-store.ts";
import type { AssistantActor } from "./actor.ts";
import type { SkillStore } from "./skill-store.ts";

/** What a tool call did: its result, and whether it changed anything. */
export interface AssistantCallOutcome {
  result: ToolResult;
  applied: boolean;
}

/**
 * Runs `call` on `store` as `actor` at `now`.
 * @example const { result, applied } = runAssistantCall(this.store, actor, { name: "read_list", arguments: {} }, now);
 */
export function runAssistantCall(store: SkillStore, actor: AssistantActor, call: ToolCall, now: number): AssistantCallOutcome {
  let applied = false;
  const result = callTool(call, store.viewFor(actor), (change) => {
    try {
      store.applyVoice(change, now, actor);
      applied = true;
      return null;
    } catch (e) {
      if (e instanceof StoreError) return e.code;
      throw e;
    }
  });
  return { result, applied };
}
