// The MCP tools as pure code (src/mcp/call.ts): what a call reads and the one
// change it asks for, against the voice tests' in-memory lists.
import { describe, expect, it } from "vitest";
import { callTool, type ToolResult } from "../../src/mcp/call.ts";
import type { StoreErrorCode, VoiceChange } from "../../src/voice/types.ts";
import { FakeLists } from "../voice/fakes.ts";

function lists(): FakeLists {
  return new FakeLists([
    { id: "shop", name: "Shopping list", defaultKind: "shopping", items: ["milk", ["eggs", "completed"], "oat milk"] },
    { id: "todo", name: "To-do list", defaultKind: "todo", items: ["call mom"] },
    { id: "garden", name: "Garden", items: ["milk", "seeds"] },
  ]);
}

function run(l: FakeLists, name: string, args: Record<string, unknown>, refuse: StoreErrorCode | null = null): { result: ToolResult; changes: VoiceChange[] } {
  const changes: VoiceChange[] = [];
  const result = callTool({ name, arguments: args }, l, (c) => {
    changes.push(c);
    return refuse;
  });
  return { result, changes };
}

describe("MCP tools (pure)", () => {
  it("add_items: one add change; a checked-off item is put back, an active one left alone, new ones created", () => {
    const l = lists();
    const { result, changes } = run(l, "add_items", { items: ["milk", "Eggs and bread"] });
    expect(changes).toEqual([{ kind: "add", listId: "shop", values: ["bread"], reactivateIds: [l.data[0]!.items[1]!.id] }]);
    expect(result.structuredContent).toEqual({
      list: "Shopping list",
      added: ["bread"],
      putBack: ["eggs"],
      alreadyThere: ["milk"],
      message: "I added bread to your shopping list. Eggs are also back on your shopping list, no longer checked off. Milk is already there.",
    });
  });

  it("a name found on two lists asks which; naming the list acts on it", () => {
    const ask = run(lists(), "remove_items", { items: ["milk"] });
    expect(ask.changes).toEqual([]);
    expect(ask.result).toEqual({ isError: true, content: [{ type: "text", text: "Milk is on your shopping list or your Garden list. Which list do you mean?" }] });
    const l = lists();
    const ok = run(l, "remove_items", { items: ["milk"], list: "garden" });
    expect(ok.changes).toEqual([{ kind: "remove", listId: "garden", itemIds: [l.data[2]!.items[0]!.id] }]);
  });

  it("check_off_items: already checked off is reported, not changed; nothing to do and nothing found is an error sentence", () => {
    const l = lists();
    const r = run(l, "check_off_items", { items: ["eggs", "oat milk"] });
    expect(r.changes).toEqual([{ kind: "status", listId: "shop", itemIds: [l.data[0]!.items[2]!.id], status: "completed" }]);
    expect(r.result.structuredContent).toMatchObject({ checkedOff: ["oat milk"], alreadyCheckedOff: ["eggs"], notFound: [] });
    const none = run(lists(), "check_off_items", { items: ["caviar"], list: "to-do" });
    expect(none).toEqual({ changes: [], result: { isError: true, content: [{ type: "text", text: "I couldn't find caviar on your to-do list." }] } });
  });

  it("a store refusal becomes a sentence without its code", () => {
    const r = run(lists(), "add_items", { items: ["bread"] }, "LIST_FULL");
    expect(r.result).toEqual({ isError: true, content: [{ type: "text", text: "That list is full: it holds at most 500 items. Remove or clear some first." }] });
  });

  it("rename and delete act only on a list named exactly; the default lists are refused", () => {
    expect(run(lists(), "delete_list", { list: "Gardn" }).result).toMatchObject({ isError: true, content: [{ text: "Did you mean your Garden list? Say its name exactly." }] });
    expect(run(lists(), "delete_list", { list: "shopping" }).result).toMatchObject({ isError: true, content: [{ text: "Your shopping list can't be deleted, but it can be cleared." }] });
    const del = run(lists(), "delete_list", { list: "garden list" });
    expect(del.changes).toEqual([{ kind: "deleteList", listId: "garden" }]);
    expect(del.result.structuredContent).toMatchObject({ list: "Garden", itemsDeleted: 2 });
    expect(run(lists(), "rename_list", { list: "Garden", name: "shopping" }).result).toMatchObject({ isError: true, content: [{ text: "You already have a list called shopping." }] });
    expect(run(lists(), "rename_list", { list: "Garden", name: "Yard" }).changes).toEqual([{ kind: "renameList", listId: "garden", name: "Yard" }]);
  });

  it("read tools change nothing; bad arguments and unknown lists are sentences", () => {
    const r = run(lists(), "read_list", {});
    expect(r.changes).toEqual([]);
    expect(r.result.structuredContent).toEqual({ list: "Shopping list", active: ["milk", "oat milk"], completed: ["eggs"], message: "Your shopping list has milk and oat milk. Checked off: eggs." });
    expect(run(lists(), "list_lists", {}).result.structuredContent).toMatchObject({ lists: [{ name: "Shopping list", kind: "shopping", active: 2, completed: 1 }, { kind: "todo" }, { kind: "custom" }] });
    expect(run(lists(), "read_list", { list: "camping" }).result).toMatchObject({ isError: true, content: [{ text: "You don't have a list called camping. Your lists are shopping list, to-do list and Garden list." }] });
    expect(run(lists(), "create_list", { name: "" }).result).toMatchObject({ isError: true, content: [{ text: "A list's name has 1 to 100 characters." }] });
    expect(run(lists(), "undo_last_change", {}).result).toMatchObject({ isError: true, content: [{ text: "There's nothing to undo." }] });
  });
});
