import { describe, expect, it } from "vitest";
import { AppView } from "../../../../emulator/app/app-view.ts";
import { FakeApp } from "../../../../emulator/app/server.ts";
import type { WebhookBody } from "../../../../emulator/app/webhook-log.ts";
import { type BusEvent, EventBus } from "../../../../emulator/events.ts";
import { webhookHeaders } from "../../../../src/webhooks/standard-webhooks.ts";

const U = "amzn1.ask.account.U";
const SHOP = "shop-list-id";
const TODO = "todo-list-id";

function item(id: string, value: string, version = 1, status: "active" | "completed" = "active", appItemId: string | null = null) {
  return { id, value, status, version, createdTime: "2026-01-01T00:00:00Z", updatedTime: "2026-01-01T00:00:00Z", appItemId };
}

function w(type: string, data: unknown, userId = U): WebhookBody {
  return { type, userId, timestamp: "2026-01-01T00:00:00Z", data };
}

const values = (view: AppView, userId = U): [string, string[]][] =>
  view.lists(userId).map((l) => [l.name, l.items.map((i) => `${i.value}${i.status === "completed" ? " ✓" : ""}`)]);

describe("app view: the lists an app builds from webhooks", () => {
  it("applies created, updated, deleted and moved items in order, under the default lists' names", () => {
    const view = new AppView();
    view.apply(w("alexa.list.items.created", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "milk"), item("i2", "eggs")], source: "voice" }));
    view.apply(w("alexa.list.items.updated", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "milk", 2, "completed")], source: "voice" }));
    view.apply(w("alexa.list.items.created", { listId: TODO, defaultKind: "todo", items: [item("t1", "call mom")], source: "alexa-app" }));
    expect(values(view)).toEqual([
      ["Shopping List", ["milk ✓", "eggs"]],
      ["To-do List", ["call mom"]],
    ]);
    view.apply(
      w("alexa.list.item.moved", {
        itemId: "i2",
        fromListId: SHOP,
        toListId: TODO,
        fromDefaultKind: "shopping",
        toDefaultKind: "todo",
        item: item("i2", "eggs", 3),
        source: "alexa-app",
      }),
    );
    view.apply(w("alexa.list.items.deleted", { listId: SHOP, defaultKind: "shopping", listItemIds: ["i1"], appItemIds: {}, source: "voice" }));
    expect(values(view)).toEqual([
      ["Shopping List", []],
      ["To-do List", ["call mom", "eggs"]],
    ]);
    expect(view.lists(U)[1]?.items.map((i) => i.source)).toEqual(["alexa-app", "alexa-app"]);
    expect(view.stats(U)).toEqual({ applied: 5, lastType: "alexa.list.items.deleted" });
  });

  it("ignores an update older than the item it holds, and unknown types", () => {
    const view = new AppView();
    view.apply(w("alexa.list.items.created", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "milk", 3)], source: "voice" }));
    expect(view.apply(w("alexa.list.items.updated", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "MILK", 2)], source: "voice" }))).toBe(false);
    expect(view.apply(w("alexa.user.enabled", {}))).toBe(false);
    expect(values(view)).toEqual([["Shopping List", ["milk"]]]);
  });

  it("keeps users apart", () => {
    const view = new AppView();
    view.apply(w("alexa.list.items.created", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "milk")], source: "voice" }, "A"));
    view.apply(w("alexa.list.items.created", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "tea")], source: "voice" }, "B"));
    expect([values(view, "A"), values(view, "B"), view.users()]).toEqual([[["Shopping List", ["milk"]]], [["Shopping List", ["tea"]]], ["A", "B"]]);
  });

  it("skill store: the webhooks of one list space, whichever Alexa user acted (or none: the app's own), build one view, under the space's id", () => {
    const view = new AppView();
    const inSpace = (type: string, data: unknown, userId?: string): WebhookBody => ({ ...w(type, data, userId as string), spaceId: "fam-1" });
    view.apply(inSpace("alexa.list.items.created", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "milk")], source: "voice" }, "amzn1.ask.account.A"));
    view.apply(inSpace("alexa.list.items.created", { listId: SHOP, defaultKind: "shopping", items: [item("i2", "eggs")], source: "voice" }, "amzn1.ask.account.B"));
    view.apply(inSpace("alexa.list.items.updated", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "milk", 2, "completed")], source: "app" }));
    expect(values(view, "fam-1")).toEqual([["Shopping List", ["milk ✓", "eggs"]]]);
    expect(view.lists("amzn1.ask.account.A")).toEqual([]);
    expect(view.users()).toEqual(["fam-1"]);
  });

  it("list created, renamed and deleted", () => {
    const view = new AppView();
    view.apply(w("alexa.list.created", { listId: "L", name: "Hardware", state: "active", version: 1, defaultKind: null, source: "alexa-app" }));
    view.apply(w("alexa.list.updated", { listId: "L", name: "Tools", state: "active", version: 2, defaultKind: null, source: "alexa-app" }));
    expect(values(view)).toEqual([["Tools", []]]);
    view.apply(w("alexa.list.deleted", { listId: "L", source: "alexa-app" }));
    expect(values(view)).toEqual([]);
  });

  it("a snapshot replaces everything once its last part has arrived", () => {
    const view = new AppView();
    view.apply(w("alexa.list.items.created", { listId: SHOP, defaultKind: "shopping", items: [item("old", "stale")], source: "voice" }));
    const list = { listId: SHOP, name: "Shopping", state: "active", version: 1, defaultKind: "shopping" };
    expect(view.apply(w("alexa.list.snapshot", { syncedAt: "x", opId: "op1", part: 1, parts: 2, lists: [{ ...list, itemsPart: 1, itemsParts: 2, items: [item("a", "apples")] }] }))).toBe(false);
    expect(values(view)).toEqual([["Shopping List", ["stale"]]]);
    view.apply(w("alexa.list.snapshot", { syncedAt: "x", opId: "op1", part: 2, parts: 2, lists: [{ ...list, itemsPart: 2, itemsParts: 2, items: [item("b", "bananas", 1, "completed")] }, { listId: TODO, name: "To-do", state: "active", version: 1, defaultKind: "todo", items: [] }] }));
    expect(values(view)).toEqual([
      ["Shopping", ["apples", "bananas ✓"]],
      ["To-do", []],
    ]);
  });

  it("outbox.completed: an item result (skill store), an id-only result with the value asked for (household store), a deletion; outbox.failed", () => {
    const view = new AppView();
    view.apply(w("outbox.completed", { opId: "op1", kind: "create", source: "app", result: { alexaItemId: "i1", listId: SHOP, version: 1, appItemId: "app-1", item: item("i1", "bread", 1, "active", "app-1") } }));
    view.expect(U, "op2", { kind: "create", value: "butter" });
    view.apply(w("outbox.completed", { opId: "op2", kind: "create", source: "app", result: { alexaItemId: "i2", listId: SHOP, version: 1, appItemId: "app-2" } }));
    view.expect(U, "op3", { kind: "complete", status: "completed" });
    view.apply(w("outbox.completed", { opId: "op3", kind: "complete", source: "app", result: { alexaItemId: "i2", listId: SHOP, version: 2, appItemId: "app-2" } }));
    expect(values(view)).toEqual([[SHOP, ["bread", "butter ✓"]]]);
    expect(view.lists(U)[0]?.items.map((i) => [i.appItemId, i.source])).toEqual([
      ["app-1", "app"],
      ["app-2", "app"],
    ]);
    view.apply(w("outbox.completed", { opId: "op4", kind: "delete", source: "app", result: { alexaItemId: "i1", listId: SHOP, deleted: true, appItemId: "app-1" } }));
    view.apply(w("outbox.failed", { opId: "op5", kind: "update", status: "failed", reason: "item not found", source: "app" }));
    expect(values(view)).toEqual([[SHOP, ["butter ✓"]]]);
    expect(view.operations(U).map((o) => [o.opId, o.status, o.error])).toEqual([
      ["op5", "failed", "item not found"],
      ["op4", "completed", undefined],
      ["op3", "completed", undefined],
      ["op2", "completed", undefined],
      ["op1", "completed", undefined],
    ]);
  });
});

describe("fake app: its view and its events", () => {
  const SECRET = "whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQ=";
  async function signed(id: string, body: object): Promise<Request> {
    const text = JSON.stringify(body);
    const headers = await webhookHeaders(SECRET, id, Math.floor(Date.now() / 1000), text);
    return new Request("http://app.test/webhooks", { method: "POST", headers, body: text });
  }

  it("applies each webhook-id once and publishes received, repeat, refused and app-view events", async () => {
    const events = new EventBus();
    const seen: BusEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const app = new FakeApp({ secret: SECRET, events });
    const body = w("alexa.list.items.created", { listId: SHOP, defaultKind: "shopping", items: [item("i1", "milk")], source: "voice" });
    const outage = app.outages.add({ mode: "503" });
    await app.handle(await signed("msg_1", body));
    app.outages.remove(outage.id);
    await app.handle(await signed("msg_1", body));
    await app.handle(await signed("msg_1", body));
    expect(values(app.view)).toEqual([["Shopping List", ["milk"]]]);
    expect(seen.map((e) => [e.type, (e.data as { outcome?: string }).outcome ?? null])).toEqual([
      ["webhook", "refused"],
      ["webhook", "received"],
      ["app-view", null],
      ["webhook", "repeat"],
    ]);
    expect(seen[3]?.data).toMatchObject({ webhookId: "msg_1", receipts: 2, type: "alexa.list.items.created" });
  });
});
