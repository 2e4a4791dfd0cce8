/**
 * @module mcp/call
 * One `tools/call`, pure: the arguments are checked against the tool's
 * schema, the lists are read through the voice layer's seam (`VoiceLists`),
 * and the call becomes at most one `VoiceChange`, which the caller applies
 * (the space's Durable Object: the skill store's `applyVoice`, in its
 * transaction). So a tool does exactly what the same words said to the skill
 * do: the same splitting, "already on the list" rule, matching, limits and
 * undo journal. What the tools decide is in item-tools.ts and list-tools.ts.
 *
 * Every failure is a result with `isError: true` and one sentence a person
 * can hear (never a code or an id): the assistant reads it out or fixes the
 * call. A success carries `structuredContent` (the tool's outputSchema) and
 * the same object as JSON text, for clients that read only text.
 */
import * as v from "valibot";
import type { Locale } from "../voice/intents.ts";
import { LIMITS, type StoreErrorCode, type VoiceChange, type VoiceLists } from "../voice/types.ts";
import { planItemTool } from "./item-tools.ts";
import { planListTool } from "./list-tools.ts";
import { MAX_ITEMS_PER_CALL } from "./schemas.ts";
import { isToolName, TOOL_SPECS, type ToolName } from "./tools.ts";
import { refusalSentence } from "./words.ts";

/** A `tools/call` request's params. @example const call: ToolCall = { name: "read_list", arguments: { list: "shopping" } }; */
export interface ToolCall {
  name: string;
  arguments?: Record<string, unknown> | undefined;
}

/** A `tools/call` result (MCP `CallToolResult`). */
export interface ToolResult {
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  [key: string]: unknown;
}

/**
 * Applies a change in the caller's store; answers the store's refusal code,
 * or null once it is applied.
 */
export type ApplyChange = (change: VoiceChange) => StoreErrorCode | null;

/** What a tool decided: the structured answer and the change it needs, or a sentence saying why not. */
export type Plan = { change: VoiceChange | null; result: { message: string } & Record<string, unknown> } | { error: string };

/** What the tool planners get. */
export interface ToolContext {
  lists: VoiceLists;
  locale: Locale;
}

/**
 * Runs one tool call against `lists`, applying its change with `apply`.
 * @example
 * const result = callTool({ name: "add_items", arguments: { items: ["milk, eggs and bread"] } }, store, (change) => {
 *   try { store.applyVoice(change, now, "assistant"); return null; } catch (e) { if (e instanceof StoreError) return e.code; throw e; }
 * });
 * result.structuredContent // { list: "Shopping", added: ["milk", "eggs", "bread"], putBack: [], alreadyThere: [], message: "…" }
 */
export function callTool(call: ToolCall, lists: VoiceLists, apply: ApplyChange, locale: Locale = "en-US"): ToolResult {
  if (!isToolName(call.name)) return failure("I can't do that with your lists.");
  const spec = TOOL_SPECS[call.name];
  const parsed = v.safeParse(spec.input, call.arguments ?? {});
  if (!parsed.success) return failure(badArguments(call.name, parsed.issues));
  const plan = planTool(call.name, parsed.output as Record<string, unknown>, { lists, locale });
  if ("error" in plan) return failure(plan.error);
  if (plan.change) {
    const refused = apply(plan.change);
    if (refused !== null) return failure(refusalSentence(refused));
  }
  return success(plan.result);
}

function planTool(name: ToolName, args: Record<string, unknown>, ctx: ToolContext): Plan {
  switch (name) {
    case "add_items":
    case "remove_items":
    case "check_off_items":
    case "uncheck_items":
      return planItemTool(name, args as { items: string[]; list?: string }, ctx);
    default:
      return planListTool(name, args, ctx);
  }
}

/**
 * A successful result: `structuredContent` and its JSON as text.
 * @example success({ message: "Done." }).content[0].text // '{"message":"Done."}'
 */
export function success(structured: Record<string, unknown>): ToolResult {
  return { content: [{ type: "text", text: JSON.stringify(structured) }], structuredContent: structured };
}

/**
 * A failed call: one sentence, `isError: true`.
 * @example failure("There's nothing to undo.").isError // true
 */
export function failure(sentence: string): ToolResult {
  return { content: [{ type: "text", text: sentence }], isError: true };
}

/** What was wrong with the arguments, in words (the first problem only). */
function badArguments(name: ToolName, issues: readonly v.BaseIssue<unknown>[]): string {
  const field = issues[0]?.path?.[0]?.key;
  switch (field) {
    case "items":
      return `Name between 1 and ${MAX_ITEMS_PER_CALL} items, each at most ${LIMITS.maxValueLength} characters.`;
    case "list":
      return name === "rename_list" || name === "delete_list" ? "Say which list, by its name." : "Say which list by its name, or leave the list out.";
    case "name":
      return `A list's name has 1 to ${LIMITS.maxListNameLength} characters.`;
    default:
      return "I couldn't make sense of that request.";
  }
}
