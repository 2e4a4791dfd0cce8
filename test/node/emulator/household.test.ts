import { describe, expect, it } from "vitest";
import { Household, ListApiError, type ListEvent, MAX_ACTIVE_LISTS } from "../../../emulator/household.ts";

function household(): { h: Household; events: ListEvent[]; clock: { t: number } } {
  const events: ListEvent[] = [];
  const clock = { t: Date.UTC(2026, 0, 1) };
  const h = new Household("amzn1.account.TESTACCOUNT", () => clock.t, (e) => events.push(e));
  return { h, events, clock };
}

function apiError(fn: () => unknown): ListApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ListApiError) return e;
    throw e;
  }
  throw new Error("expected a ListApiError");
}

describe("Household", () => {
  it("starts with the two default lists, base64 ids ending in -SHOPPING_ITEM and -TASK", () => {
    const { h } = household();
    expect(atob(h.shoppingListId)).toBe("amzn1.account.TESTACCOUNT-SHOPPING_ITEM");
    expect(atob(h.todoListId)).toBe("amzn1.account.TESTACCOUNT-TASK");
    expect(h.lists().map((l) => [l.name, l.kind, l.state, l.version])).toEqual([
      ["Alexa shopping list", "shopping", "active", 1],
      ["Alexa to-do list", "todo", "active", 1],
    ]);
  });

  it("creates items (identical creates make distinct items) and emits ItemsCreated for each", () => {
    const { h, events } = household();
    const a = h.createItem(h.shoppingListId, { value: "milk" });
    const b = h.createItem(h.shoppingListId, { value: "milk" });
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ value: "milk", status: "active", version: 1 });
    expect(events).toEqual([
      { type: "ItemsCreated", listId: h.shoppingListId, listItemIds: [a.id] },
      { type: "ItemsCreated", listId: h.shoppingListId, listItemIds: [b.id] },
    ]);
  });

  it("updates need the current version through the API: missing is 400, stale is 409", () => {
    const { h, events, clock } = household();
    const item = h.createItem(h.todoListId, { value: "call mom" });
    expect(apiError(() => h.updateItem(h.todoListId, item.id, { status: "completed" }, true)).status).toBe(400);
    clock.t += 1000;
    const updated = h.updateItem(h.todoListId, item.id, { status: "completed", version: 1 }, true);
    expect(updated).toMatchObject({ status: "completed", value: "call mom", version: 2 });
    expect(updated.updatedAt).toBe(updated.createdAt + 1000);
    const stale = apiError(() => h.updateItem(h.todoListId, item.id, { value: "x", version: 1 }, true));
    expect([stale.status, stale.type]).toEqual([409, "CONFLICT"]);
    expect(h.item(h.todoListId, item.id).value).toBe("call mom");
    expect(events.at(-1)).toEqual({ type: "ItemsUpdated", listId: h.todoListId, listItemIds: [item.id] });
  });

  it("a person's update needs no version", () => {
    const { h } = household();
    const item = h.createItem(h.todoListId, { value: "a" });
    expect(h.updateItem(h.todoListId, item.id, { value: "b" }, false).version).toBe(2);
  });

  it("a second delete is 'Object not found'", () => {
    const { h, events } = household();
    const item = h.createItem(h.shoppingListId, { value: "eggs" });
    h.deleteItem(h.shoppingListId, item.id);
    const err = apiError(() => h.deleteItem(h.shoppingListId, item.id));
    expect([err.status, err.type, err.message]).toEqual([404, "NOT_FOUND", "Object not found"]);
    expect(events.map((e) => e.type)).toEqual(["ItemsCreated", "ItemsDeleted"]);
  });

  it("moving keeps the item id: ItemsDeleted on the source, then ItemsCreated on the destination", () => {
    const { h, events } = household();
    const item = h.createItem(h.shoppingListId, { value: "batteries" });
    h.moveItem(h.shoppingListId, item.id, h.todoListId);
    expect(h.list(h.shoppingListId).items.size).toBe(0);
    expect(h.item(h.todoListId, item.id).value).toBe("batteries");
    expect(events.slice(1)).toEqual([
      { type: "ItemsDeleted", listId: h.shoppingListId, listItemIds: [item.id] },
      { type: "ItemsCreated", listId: h.todoListId, listItemIds: [item.id] },
    ]);
  });

  it("rejects bad values and statuses with 400", () => {
    const { h } = household();
    expect(apiError(() => h.createItem(h.todoListId, { value: "" })).status).toBe(400);
    expect(apiError(() => h.createItem(h.todoListId, { value: 3 })).status).toBe(400);
    expect(apiError(() => h.createItem(h.todoListId, { value: "x".repeat(257) })).status).toBe(400);
    expect(apiError(() => h.createItem(h.todoListId, { value: "ok", status: "done" })).status).toBe(400);
    expect(apiError(() => h.createItem("nope", { value: "ok" })).status).toBe(404);
  });

  it("custom lists: created, renamed with versions, name clashes 409, deleted; default lists are protected", () => {
    const { h, events } = household();
    const list = h.createList({ name: "Hardware", state: "active" });
    expect(apiError(() => h.createList({ name: "hardware" })).status).toBe(409);
    expect(apiError(() => h.updateList(list.listId, { name: "Tools", version: 7 }, true)).status).toBe(409);
    expect(h.updateList(list.listId, { name: "Tools", version: 1 }, true)).toMatchObject({ name: "Tools", version: 2 });
    expect(apiError(() => h.deleteList(h.shoppingListId)).status).toBe(403);
    expect(apiError(() => h.updateList(h.todoListId, { name: "Mine" }, false)).status).toBe(403);
    h.deleteList(list.listId);
    expect(apiError(() => h.list(list.listId)).status).toBe(404);
    expect(events).toEqual([
      { type: "ListCreated", listId: list.listId },
      { type: "ListUpdated", listId: list.listId },
      { type: "ListDeleted", listId: list.listId },
    ]);
  });

  it("an archived list is read-only", () => {
    const { h } = household();
    const list = h.createList({ name: "Old" });
    const item = h.createItem(list.listId, { value: "thing" });
    h.updateList(list.listId, { state: "archived", version: 1 }, true);
    expect(apiError(() => h.createItem(list.listId, { value: "more" })).status).toBe(403);
    expect(apiError(() => h.deleteItem(list.listId, item.id)).status).toBe(403);
    expect(h.item(list.listId, item.id).value).toBe("thing");
  });

  it(`allows at most ${MAX_ACTIVE_LISTS} active lists, defaults included`, () => {
    const { h } = household();
    for (let i = 0; i < MAX_ACTIVE_LISTS - 2; i++) h.createList({ name: `list ${i}` });
    const err = apiError(() => h.createList({ name: "one too many" }));
    expect(err.status).toBe(409);
    h.updateList(h.lists()[2]!.listId, { state: "archived" }, false);
    expect(h.createList({ name: "fits again" }).state).toBe("active");
  });
});
