/**
 * @module mcp/tools
 * The tools the MCP endpoint offers (`tools/list`): one per thing a person
 * asks of their lists, names fixed (Alexa+ and other assistants learn them).
 * Each says when to call it and what it answers, with its input and output
 * schemas (schemas.ts) and the hints a client may use to decide whether to
 * confirm first: `readOnlyHint` (changes nothing), `destructiveHint` (may take
 * something away), `idempotentHint` (calling twice does no more than once).
 * `openWorldHint` is false everywhere: the tools reach only these lists.
 * Pure data; what a call does is in call.ts.
 */
import * as s from "./schemas.ts";

/** The tool names, fixed. @example const name: ToolName = "add_items"; */
export type ToolName =
  | "add_items"
  | "remove_items"
  | "check_off_items"
  | "uncheck_items"
  | "read_list"
  | "list_lists"
  | "create_list"
  | "rename_list"
  | "delete_list"
  | "clear_completed"
  | "undo_last_change";

interface ToolSpec {
  title: string;
  description: string;
  input: s.ObjectSchema;
  output: s.ObjectSchema;
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
}

const UNDO_NOTE = "The change can be reverted with undo_last_change.";

/** Every tool, by name. @example TOOL_SPECS.add_items.readOnly // false */
export const TOOL_SPECS: Record<ToolName, ToolSpec> = {
  add_items: {
    title: "Add items",
    description: `Call when the person wants things put on a list ("add milk, eggs and bread", "put call the plumber on my to-do list"). Several items at once. An item already on the list is not added twice; one that is there checked off is made active again. Returns what was added, put back, or already there. ${UNDO_NOTE}`,
    input: s.ItemsArgs,
    output: s.AddResult,
    readOnly: false,
    destructive: false,
    idempotent: true,
  },
  remove_items: {
    title: "Remove items",
    description: `Call when the person wants items taken off a list ("remove the eggs"), not merely checked off. Several items at once; only items that match what was said are removed, and a name matching items on several lists asks for the list. Returns what was removed and what was not found. ${UNDO_NOTE}`,
    input: s.ItemsArgs,
    output: s.RemoveResult,
    readOnly: false,
    destructive: true,
    idempotent: true,
  },
  check_off_items: {
    title: "Check off items",
    description: `Call when the person has bought or done something ("I got the milk", "check off eggs"). The items stay on the list as completed. Returns what was checked off, what already was, and what was not found. ${UNDO_NOTE}`,
    input: s.ItemsArgs,
    output: s.CheckOffResult,
    readOnly: false,
    destructive: false,
    idempotent: true,
  },
  uncheck_items: {
    title: "Uncheck items",
    description: `Call when a checked-off item is needed again ("uncheck the milk", "I still need eggs"). Returns what is active again, what was not checked off, and what was not found. ${UNDO_NOTE}`,
    input: s.ItemsArgs,
    output: s.UncheckResult,
    readOnly: false,
    destructive: false,
    idempotent: true,
  },
  read_list: {
    title: "Read a list",
    description: "Call when the person asks what is on a list (\"what's on my shopping list?\"). Returns the list's active items and its checked-off items, oldest first. Changes nothing.",
    input: s.ListArgs,
    output: s.ReadResult,
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  list_lists: {
    title: "List the lists",
    description: "Call when the person asks which lists they have, or to find the exact name of a list. Returns every list with its kind and how many items are active and checked off. Changes nothing.",
    input: s.NoArgs,
    output: s.ListsResult,
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  create_list: {
    title: "Create a list",
    description: `Call when the person wants a new list ("make a hardware store list"). Fails when a list of that name exists. Returns the new list's name. ${UNDO_NOTE}`,
    input: s.CreateListArgs,
    output: s.ListResult,
    readOnly: false,
    destructive: false,
    idempotent: false,
  },
  rename_list: {
    title: "Rename a list",
    description: `Call when the person wants a list called something else. The shopping and to-do lists keep their names. Returns the new and the old name. ${UNDO_NOTE}`,
    input: s.RenameListArgs,
    output: s.RenameResult,
    readOnly: false,
    destructive: false,
    idempotent: true,
  },
  delete_list: {
    title: "Delete a list",
    description: `Call only when the person clearly asks to delete a whole list; it goes with all its items. The shopping and to-do lists cannot be deleted. Returns the list's name and how many items went with it. ${UNDO_NOTE}`,
    input: s.RequiredListArgs,
    output: s.DeleteResult,
    readOnly: false,
    destructive: true,
    idempotent: false,
  },
  clear_completed: {
    title: "Clear checked-off items",
    description: `Call when the person wants the checked-off items removed from a list ("clear the completed items"). Active items stay. Returns the items removed. ${UNDO_NOTE}`,
    input: s.ListArgs,
    output: s.ClearResult,
    readOnly: false,
    destructive: true,
    idempotent: true,
  },
  undo_last_change: {
    title: "Undo the last change",
    description: "Call when the person says \"undo\" or \"that was wrong\" right after a change made through these tools (within the hour). Reverts that one change, and calling again goes one change further back; items edited since are left alone. Returns what was undone.",
    input: s.NoArgs,
    output: s.UndoResult,
    readOnly: false,
    destructive: true,
    idempotent: false,
  },
};

/** The tool names in the order `tools/list` gives them. */
export const TOOL_NAMES = Object.keys(TOOL_SPECS) as ToolName[];

/** A tool as `tools/list` describes it (MCP 2025-06-18 and later; older clients ignore what they do not know). */
export interface ToolDescription {
  name: ToolName;
  title: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
  outputSchema: { type: "object"; [key: string]: unknown };
  annotations: { title: string; readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: false };
}

/**
 * What `tools/list` answers.
 * @example describeTools().map((t) => t.name) // ["add_items", "remove_items", …]
 */
export function describeTools(): ToolDescription[] {
  return TOOL_NAMES.map((name) => {
    const spec = TOOL_SPECS[name];
    return {
      name,
      title: spec.title,
      description: spec.description,
      inputSchema: s.jsonSchemaOf(spec.input),
      outputSchema: s.jsonSchemaOf(spec.output),
      annotations: { title: spec.title, readOnlyHint: spec.readOnly, destructiveHint: spec.destructive, idempotentHint: spec.idempotent, openWorldHint: false },
    };
  });
}

/** True for a known tool name. @example isToolName("add_items") // true */
export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_SPECS, name);
}
