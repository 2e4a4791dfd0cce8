/**
 * @module space/assistant-call
 * One MCP tool call (src/mcp, pure) on a list space's skill store, for an
 * assistant actor: the tool reads the lists through the actor's own view (so
 * `undo_last_change` sees that client's last change, never a family member's
 * or another client's) and names at most one change, applied on the voice
 * path with the actor's webhooks (`source: "assistant"`) and undo entry. The
 * space object (src/space/list-space.ts) runs this inside its transaction, so
 * a tool call is one Durable Object request and its change and webhooks
 * commit before the result leaves; {@link callToolInSpace} is that
 * transaction (a space the call's first change creates, an erased space).
 */
import { callTool, type ToolCall, type ToolResult } from "../mcp/call.ts";
import { StoreError } from "../shared/list-store.ts";
import type { Tombstone } from "../shared/tombstone.ts";
import type { AssistantActor } from "./actor.ts";
import type { SpaceAssistantReply } from "./rpc.ts";
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

/** What a tool call needs from the space's object (src/space/list-space.ts). */
export interface ToolCallSpace {
  now: number;
  store: SkillStore;
  tombstone: Tombstone;
  /** The space has its meta row. */
  exists(): boolean;
  /** Writes the meta row and the default lists. */
  create(): void;
  /** Runs `fn` in one transaction as the actor (rolled back when it throws). */
  commit(fn: () => void): void;
  /** Starts sending what was queued. */
  afterCommit(): void;
}

/** Rolls back a tool call that changed nothing in a space it would have created (a read writes no row). */
class NothingWritten {}

/**
 * The object's `callTool`, in one transaction: reads through the actor's
 * view, its change (if any) with `source: "assistant"` webhooks and the
 * actor's own undo entry. A space that does not exist yet is created by the
 * call's first change (as the app's first write creates it; a call that
 * changes nothing leaves no row). `erased`: the space was erased and the
 * token (`issuedAt`, the token's `iat`) is not newer than the erasure, so it
 * may not start it again.
 * @example return callToolInSpace({ now: this.now(), store, tombstone, exists, create, commit, afterCommit }, actor, call, iat);
 */
export function callToolInSpace(space: ToolCallSpace, actor: AssistantActor, call: ToolCall, issuedAt: number | null): SpaceAssistantReply {
  const { now, tombstone } = space;
  const erasedAt = tombstone.active(now) ? tombstone.erasedAt() : null;
  if (erasedAt !== null && (issuedAt === null || issuedAt <= erasedAt)) return { outcome: "erased" };
  const existed = erasedAt === null && space.exists();
  let outcome!: AssistantCallOutcome;
  try {
    space.commit(() => {
      if (!existed) {
        if (erasedAt !== null) tombstone.clear();
        space.create();
      }
      outcome = runAssistantCall(space.store, actor, call, now);
      if (!existed && !outcome.applied) throw new NothingWritten();
    });
  } catch (e) {
    if (!(e instanceof NothingWritten)) throw e;
  }
  if (outcome.applied) space.afterCommit();
  console.log(`mcp: ${call.name} by ${actor.clientId}${outcome.result.isError ? " (refused)" : ""}`);
  return { outcome: "answered", result: outcome.result };
}
