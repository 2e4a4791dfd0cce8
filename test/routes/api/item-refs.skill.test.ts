// REST item operations on the skill store find the item on the list their
// path names (issue 23, point 4): before, update, complete and delete found
// it on any of the user's lists (`DELETE …/lists/todo/items/itm_X` deleted a
// shopping item, `…/lists/nope/items/…` succeeded), and a create whose
// appItemId named an item elsewhere answered that item without adding.
import { describe, expect, it } from "vitest";
import { useFakes } from "../../alexa-user/harness.ts";
import { newUserId } from "../../alexa-user/fakes.ts";
import { api, enabledUser, hooks, userPath, values } from "../../space/skill-harness.ts";

const { app } = useFakes();

async function user(tag: string): Promise<string> {
  const id = newUserId(tag);
  await enabledUser(id);
  return id;
}

/** A shopping item with app id `a1`; its store id. */
async function milk(u: string): Promise<string> {
  const r = await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "a1" });
  expect(r.status).toBe(202);
  return (r.body.result as { alexaItemId: string }).alexaItemId;
}

describe("skill store: an item operation names the item's list", () => {
  for (const [what, ref] of [
    ["the app's id", (_id: string) => "a1"],
    ["the item id", (id: string) => id],
  ] as const) {
    it(`by ${what}: update, complete and delete on another list are 404 ITEM_NOT_FOUND and change nothing`, async () => {
      const u = await user("other-list");
      const id = await milk(u);
      const path = userPath(u, `/lists/todo/items/${encodeURIComponent(ref(id))}`);
      expect(await api("PATCH", path, { value: "oat milk" })).toMatchObject({ status: 404, body: { error: "ITEM_NOT_FOUND" } });
      expect(await api("PATCH", path, { status: "completed" })).toMatchObject({ status: 404, body: { error: "ITEM_NOT_FOUND" } });
      expect(await api("DELETE", path)).toMatchObject({ status: 404, body: { error: "ITEM_NOT_FOUND" } });
      expect(await values(u, "shopping", "active")).toEqual(["milk"]);
      // On its own list it is found.
      const del = await api("DELETE", userPath(u, `/lists/shopping/items/${encodeURIComponent(ref(id))}`));
      expect(del).toMatchObject({ status: 202, body: { status: "completed", result: { alexaItemId: id, deleted: true } } });
      expect(await values(u, "shopping")).toEqual([]);
    });
  }

  it("an unknown list is 404 LIST_NOT_FOUND for update, complete and delete, even when the item exists elsewhere", async () => {
    const u = await user("unknown-list");
    const id = await milk(u);
    for (const ref of ["a1", id]) {
      const path = userPath(u, `/lists/nope/items/${ref}`);
      expect(await api("PATCH", path, { value: "x" })).toMatchObject({ status: 404, body: { error: "LIST_NOT_FOUND" } });
      expect(await api("PATCH", path, { status: "completed" })).toMatchObject({ status: 404, body: { error: "LIST_NOT_FOUND" } });
      expect(await api("DELETE", path)).toMatchObject({ status: 404, body: { error: "LIST_NOT_FOUND" } });
    }
    expect(await values(u, "shopping", "active")).toEqual(["milk"]);
    expect((await hooks(app, u, "outbox.completed")).map((h) => h.data.kind)).toEqual(["create"]);
  });

  it("a create whose appItemId names an item on another list, or with another value, is 409 APP_ITEM_ID_TAKEN; the same create answers the same item", async () => {
    const u = await user("app-id-taken");
    const id = await milk(u);
    expect(await api("POST", userPath(u, "/lists/todo/items"), { value: "milk", appItemId: "a1" })).toMatchObject({ status: 409, body: { error: "APP_ITEM_ID_TAKEN" } });
    expect(await api("POST", userPath(u, "/lists/shopping/items"), { value: "bread", appItemId: "a1" })).toMatchObject({ status: 409, body: { error: "APP_ITEM_ID_TAKEN" } });
    expect(await values(u, "todo")).toEqual([]);
    expect(await values(u, "shopping")).toEqual(["milk"]);
    const same = await api("POST", userPath(u, "/lists/shopping/items"), { value: " milk ", appItemId: "a1" });
    expect(same).toMatchObject({ status: 202, body: { status: "completed", result: { alexaItemId: id, appItemId: "a1" } } });
    expect(await values(u, "shopping")).toEqual(["milk"]);
  });

  it("a create replayed with its Idempotency-Key answers the first operation, even after the item changed", async () => {
    const u = await user("replay");
    const headers = { "idempotency-key": "create-a1" };
    const first = await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "a1" }, headers);
    expect(first.status).toBe(202);
    await api("PATCH", userPath(u, "/lists/shopping/items/a1"), { value: "oat milk" });
    const again = await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "a1" }, headers);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    // Without the key it is a new create of an app id that now names another value.
    expect(await api("POST", userPath(u, "/lists/shopping/items"), { value: "milk", appItemId: "a1" })).toMatchObject({ status: 409, body: { error: "APP_ITEM_ID_TAKEN" } });
    expect(await values(u, "shopping")).toEqual(["oat milk"]);
  });
});
