// The REST API on the skill store (ALEXA_LISTS=skill): operations apply at
// once, complete with outbox.completed, and refuse with a 4xx what cannot apply.
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../../src/voice/types.ts";
import { newUserId, T0 } from "../../alexa-user/fakes.ts";
import { useFakes } from "../../alexa-user/harness.ts";
import { api, enabledUser, hooks, lists, userPath, values, inPersonalSpace } from "../../space/skill-harness.ts";

const { app } = useFakes();

async function user(tag: string): Promise<string> {
  const id = newUserId(tag);
  await enabledUser(id);
  return id;
}

describe("skill store: items through the REST API", () => {
  it("a create is applied at once: 202 completed, outbox.completed with the item and source app, no item webhook", async () => {
    const u = await user("create");
    const r = await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "app-milk" });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ kind: "create", status: "completed", result: { appItemId: "app-milk", version: 1, item: { value: "milk", status: "active", appItemId: "app-milk" } } });
    const done = await hooks(app, u, "outbox.completed");
    expect(done).toHaveLength(1);
    expect(done[0]!.data).toMatchObject({ opId: r.body.id, kind: "create", source: "app", result: { item: { value: "milk" } } });
    expect(await hooks(app, u, "alexa.list.items.created")).toEqual([]);
    expect(await values(u, "shopping")).toEqual(["milk"]);
    const op = await api("GET", userPath(u, `/operations/${r.body.id as string}`));
    expect(op.body).toMatchObject({ status: "completed" });
  });

  it("shopping and to-do exist for every user; GET lists shows items with the app's ids", async () => {
    const u = await user("lists");
    await api("POST", userPath(u, "/lists/todo/items"), { value: "call mum", status: "completed", appItemId: "t1" });
    const all = await lists(u);
    expect(all.map((l) => l.defaultKind)).toEqual(["shopping", "todo"]);
    expect(all[1]!.items).toMatchObject([{ value: "call mum", status: "completed", appItemId: "t1", version: 1 }]);
  });

  it("update, complete and delete by the app's id or the item id; each raises the version", async () => {
    const u = await user("edit");
    const created = await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "a1" });
    const itemId = (created.body.result as { alexaItemId: string }).alexaItemId;
    const renamed = await api("PATCH", userPath(u, "/lists/shopping/items/a1"), { value: "oat milk" });
    expect(renamed.body).toMatchObject({ kind: "update", status: "completed", result: { version: 2, item: { value: "oat milk" } } });
    const done = await api("PATCH", userPath(u, `/lists/shopping/items/${itemId}`), { status: "completed" });
    expect(done.body).toMatchObject({ kind: "complete", result: { version: 3, item: { status: "completed" } } });
    const del = await api("DELETE", userPath(u, "/lists/shopping/items/a1"));
    expect(del.body).toMatchObject({ kind: "delete", status: "completed", result: { alexaItemId: itemId, deleted: true, appItemId: "a1" } });
    expect(await values(u, "shopping")).toEqual([]);
  });

  it("a create with an app id already on a list completes with that item instead of adding a second one", async () => {
    const u = await user("dup-app-id");
    const first = await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "a1" });
    const second = await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "a1" });
    expect(second.status).toBe(202);
    expect((second.body.result as { alexaItemId: string }).alexaItemId).toBe((first.body.result as { alexaItemId: string }).alexaItemId);
    expect(await values(u, "shopping")).toEqual(["milk"]);
  });

  it("a create of a value that is on the list checked off creates a second item (only voice puts a checked-off item back)", async () => {
    const u = await user("create-completed");
    await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", status: "completed" });
    const r = await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk" });
    expect(r.body).toMatchObject({ kind: "create", status: "completed", result: { version: 1, item: { value: "milk", status: "active" } } });
    expect(await values(u, "shopping", "completed")).toEqual(["milk"]);
    expect(await values(u, "shopping", "active")).toEqual(["milk"]);
  });

  it("Idempotency-Key: the same request replays the operation; a different one is 422", async () => {
    const u = await user("idem");
    const headers = { "idempotency-key": "k-1" };
    const a = await api("POST", userPath(u, "/lists/shopping/items"), { value: "eggs" }, headers);
    const b = await api("POST", userPath(u, "/lists/shopping/items"), { value: "eggs" }, headers);
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    expect(await values(u, "shopping")).toEqual(["eggs"]);
    const c = await api("POST", userPath(u, "/lists/shopping/items"), { value: "bread" }, headers);
    expect(c.status).toBe(422);
    expect(c.body.error).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("refusals are 4xx naming the reason, and nothing is stored", async () => {
    const u = await user("refuse");
    const missingItem = await api("PATCH", userPath(u, "/lists/shopping/items/nope"), { value: "x" });
    expect(missingItem).toMatchObject({ status: 404, body: { error: "ITEM_NOT_FOUND" } });
    const missingList = await api("POST", userPath(u, "/lists/lst_unknown/items"), { value: "x" });
    expect(missingList).toMatchObject({ status: 404, body: { error: "LIST_NOT_FOUND" } });
    expect(await hooks(app, u, "outbox.completed")).toEqual([]);
    expect(await hooks(app, u, "outbox.failed")).toEqual([]);
  });

  it("a full list refuses one more item with 409 LIST_FULL", async () => {
    const u = await user("full");
    await inPersonalSpace(u, (o) => {
      const store = o.store;
      const listId = store.listId("shopping")!;
      for (let i = 0; i < LIMITS.maxItemsPerList; i += 50) {
        store.applyVoice({ kind: "add", listId, values: Array.from({ length: 50 }, (_, k) => `item ${i + k}`) }, T0);
      }
    });
    const r = await api("POST", userPath(u, "/lists/shopping/items"), { value: "one too many" });
    expect(r).toMatchObject({ status: 409, body: { error: "LIST_FULL" } });
    expect((await values(u, "shopping")).length).toBe(LIMITS.maxItemsPerList);
  });

  it("an item longer than 256 characters is a 400 naming the field", async () => {
    const u = await user("long");
    const r = await api("POST", userPath(u, "/lists/shopping/items"), { value: "x".repeat(LIMITS.maxValueLength + 1) });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: "VALIDATION_FAILED", message: expect.stringContaining("value") });
  });

  it("sync: the lists as alexa.list.snapshot, then outbox.completed", async () => {
    const u = await user("sync");
    await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "m" });
    const r = await api("POST", userPath(u, "/sync"));
    expect(r.body).toMatchObject({ kind: "sync", status: "completed", result: { lists: 2, items: 1 } });
    const types = (await hooks(app, u)).map((h) => h.type);
    expect(types.slice(-2)).toEqual(["alexa.list.snapshot", "outbox.completed"]);
    const snapshot = (await hooks(app, u, "alexa.list.snapshot"))[0]!.data;
    expect(snapshot).toMatchObject({ opId: r.body.id, part: 1, parts: 1, lists: [{ defaultKind: "shopping", items: [{ value: "milk", appItemId: "m" }] }, { defaultKind: "todo", items: [] }] });
  });

  it("a raw message still travels through Skill Messaging (queued, not applied)", async () => {
    const u = await user("message");
    const r = await api("POST", userPath(u, "/messages"), { data: { hello: "world" } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ kind: "message", status: "queued" });
  });
});

describe("skill store: lists through the REST API", () => {
  it("create, rename and delete a custom list", async () => {
    const u = await user("custom");
    const created = await api("POST", userPath(u, "/lists"), { name: "Hardware store" });
    expect(created.body).toMatchObject({ kind: "createList", status: "completed", result: { name: "Hardware store", version: 1 } });
    const listId = (created.body.result as { listId: string }).listId;
    await api("POST", userPath(u, `/lists/${listId}/items`), { value: "screws" });
    const renamed = await api("PATCH", userPath(u, `/lists/${listId}`), { name: "DIY" });
    expect(renamed.body).toMatchObject({ status: "completed", result: { name: "DIY", version: 2 } });
    expect(await values(u, "DIY")).toEqual(["screws"]);
    const del = await api("DELETE", userPath(u, `/lists/${listId}`));
    expect(del.body).toMatchObject({ status: "completed", result: { listId, deleted: true } });
    expect((await lists(u)).map((l) => l.name)).toEqual(["Shopping list", "To-do list"]);
  });

  it("names are unique whatever the case; the default lists cannot be renamed or deleted", async () => {
    const u = await user("names");
    await api("POST", userPath(u, "/lists"), { name: "Hardware" });
    expect(await api("POST", userPath(u, "/lists"), { name: "  hardware " })).toMatchObject({ status: 409, body: { error: "LIST_NAME_TAKEN" } });
    expect(await api("DELETE", userPath(u, "/lists/shopping"))).toMatchObject({ status: 409, body: { error: "NOT_SUPPORTED" } });
    expect(await api("PATCH", userPath(u, "/lists/todo"), { name: "Chores" })).toMatchObject({ status: 409, body: { error: "NOT_SUPPORTED" } });
    expect(await api("POST", userPath(u, "/lists"), { name: "" })).toMatchObject({ status: 400, body: { error: "VALIDATION_FAILED" } });
  });

  it("at most 100 lists: the 101st is 409 TOO_MANY_LISTS", async () => {
    const u = await user("many");
    for (let i = 0; i < LIMITS.maxLists - 2; i++) expect((await api("POST", userPath(u, "/lists"), { name: `list ${i}` })).status).toBe(202);
    expect(await api("POST", userPath(u, "/lists"), { name: "one more" })).toMatchObject({ status: 409, body: { error: "TOO_MANY_LISTS" } });
    expect((await lists(u)).length).toBe(LIMITS.maxLists);
  });

  it("an unknown user is 404 USER_NOT_FOUND", async () => {
    const r = await api("GET", userPath(newUserId("ghost"), "/lists"));
    expect(r).toMatchObject({ status: 404, body: { error: "USER_NOT_FOUND" } });
  });
});
