import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { DELETE_HOLD_MS } from "../../../src/sync/moves.ts";
import {
  bridge,
  clock,
  CUSTOM,
  enqueueOp,
  listEvent,
  messageEnvelope,
  newUserId,
  settle,
  SHOPPING,
  skillEvent,
  T0,
  TODO,
  TOKEN,
  userStub,
} from "../fakes.ts";
import { send, useFakes } from "../harness.ts";

const { household, app } = useFakes();

describe("item events", () => {
  it("ItemsCreated reads each item with the event's token and sends alexa.list.items.created", async () => {
    const user = newUserId("created");
    const stub = await userStub(user);
    const a = household.addItem(SHOPPING, "milk");
    const b = household.addItem(SHOPPING, "eggs");

    const res = await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [a.id, b.id] }));
    await settle(stub);

    expect(res).toEqual({ status: 200, body: { version: "1.0", response: {} } });
    const reads = household.calls.filter((c) => c.method === "GET");
    expect(reads.map((c) => c.path).sort()).toEqual(
      [`/v2/householdlists/${SHOPPING}/items/${a.id}`, `/v2/householdlists/${SHOPPING}/items/${b.id}`].sort(),
    );
    expect(reads.every((c) => c.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(app.accepted()).toEqual([
      {
        type: "alexa.list.items.created",
        userId: user,
        timestamp: new Date(T0).toISOString(),
        data: {
          listId: SHOPPING,
          defaultKind: "shopping",
          items: [
            { id: a.id, value: "milk", status: "active", version: 1, createdTime: "2017-07-22T10:41:04.000Z", updatedTime: "2017-07-22T10:41:04.000Z", appItemId: null },
            { id: b.id, value: "eggs", status: "active", version: 1, createdTime: "2017-07-22T10:41:04.000Z", updatedTime: "2017-07-22T10:41:04.000Z", appItemId: null },
          ],
          source: "alexa-app",
        },
      },
    ]);
  });

  it("an item deleted before it could be read (404) is skipped, the rest is sent", async () => {
    const user = newUserId("skip404");
    const stub = await userStub(user);
    const a = household.addItem(TODO, "call mum");

    const res = await send(listEvent(user, "ItemsCreated", { listId: TODO, listItemIds: ["gone-item", a.id] }));
    await settle(stub);

    expect(res.status).toBe(200);
    expect(app.accepted()).toHaveLength(1);
    expect(app.accepted()[0]!.data).toMatchObject({ listId: TODO, defaultKind: "todo", items: [{ id: a.id, value: "call mum" }] });
  });

  it("an event whose items are all gone sends nothing but is acknowledged", async () => {
    const user = newUserId("allgone");
    const stub = await userStub(user);
    const res = await send(listEvent(user, "ItemsUpdated", { listId: TODO, listItemIds: ["nope"] }));
    await settle(stub);
    expect(res.status).toBe(200);
    expect(app.deliveries).toHaveLength(0);
  });

  it("ItemsUpdated sends alexa.list.items.updated with the current item", async () => {
    const user = newUserId("updated");
    const stub = await userStub(user);
    const a = household.addItem(CUSTOM, "nails");
    household.editItem(CUSTOM, a.id, "screws");

    await send(listEvent(user, "ItemsUpdated", { listId: CUSTOM, listItemIds: [a.id] }));
    await settle(stub);

    expect(app.types()).toEqual(["alexa.list.items.updated"]);
    expect(app.accepted()[0]!.data).toMatchObject({
      listId: CUSTOM,
      defaultKind: null,
      items: [{ id: a.id, value: "screws", version: 2 }],
    });
  });

  it("ItemsDeleted is held for a possible move, then released by the alarm as alexa.list.items.deleted", async () => {
    const user = newUserId("deleted");
    const stub = await userStub(user);
    const res = await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: ["item-x", "item-y"] }));
    await settle(stub);
    expect(res.status).toBe(200);
    expect(app.deliveries).toHaveLength(0);

    clock.t = T0 + DELETE_HOLD_MS;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);

    expect(app.accepted()).toEqual([
      expect.objectContaining({
        type: "alexa.list.items.deleted",
        data: { listId: SHOPPING, defaultKind: "shopping", listItemIds: ["item-x", "item-y"], appItemIds: {}, source: "alexa-app" },
      }),
    ]);
  });

  it("a user's delete of an item the app created carries the app's id", async () => {
    const user = newUserId("deleted-mapped");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    const op = { kind: "create", list: "shopping", value: "flour", appItemId: "app-flour" };
    await send(messageEnvelope(user, bridge(await enqueueOp(stub, op), op)));
    const id = [...household.lists.get(SHOPPING)!.items.keys()][0]!;
    household.lists.get(SHOPPING)!.items.delete(id);

    await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [id] }));
    clock.t = T0 + DELETE_HOLD_MS;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(app.accepted().at(-1)).toMatchObject({
      type: "alexa.list.items.deleted",
      data: { listId: SHOPPING, listItemIds: [id], appItemIds: { [id]: "app-flour" } },
    });
  });

  it("a List API 500 answers 503 and records nothing; the redelivery has exactly one effect", async () => {
    const user = newUserId("retry");
    const stub = await userStub(user);
    const a = household.addItem(SHOPPING, "bread");
    household.fail("GET", `/items/${a.id}`, 500);
    const event = listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [a.id] });

    const first = await send(event);
    await settle(stub);
    expect(first).toEqual({ status: 503, body: { error: "UPSTREAM_UNAVAILABLE", message: "List API: SERVER_ERROR" } });
    expect(app.deliveries).toHaveLength(0);

    const second = await send(event);
    const third = await send(event);
    await settle(stub);
    expect(second.status).toBe(200);
    expect(third.status).toBe(200);
    expect(app.types()).toEqual(["alexa.list.items.created"]);
    // Two reads: the failed one and the redelivery; the duplicate read nothing.
    expect(household.calls.filter((c) => c.path.endsWith(a.id))).toHaveLength(2);
  });

  it("an unexpected failure in the handler answers 503 (never a 500) and records nothing; fixed, the redelivery is handled", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const user = newUserId("unexpected");
    const stub = await userStub(user);
    // A bug in the handler, once. (A bad ALEXA_API_ENDPOINT no longer does it: src/alexa/endpoints.ts falls back to the default.)
    await runInDurableObject(stub, (instance: AlexaUser) => {
      vi.spyOn(instance.lists, "listEvent").mockRejectedValueOnce(new TypeError("a bug"));
    });
    const a = household.addItem(SHOPPING, "rice");
    const event = listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [a.id] });

    const first = await send(event);
    expect(first).toEqual({ status: 503, body: { error: "INTERNAL" } });
    expect(errors).toHaveBeenCalled();
    expect(household.calls).toHaveLength(0);

    expect((await send(event)).status).toBe(200);
    await settle(stub);
    expect(app.types()).toEqual(["alexa.list.items.created"]);
  });

  it("a malformed event body is a 400 and is not recorded", async () => {
    const user = newUserId("bad");
    await userStub(user);
    const res = await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: "nope" }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "BAD_EVENT_BODY" });
  });
});

describe("list events", () => {
  it("ListCreated and ListUpdated send the list's metadata", async () => {
    const user = newUserId("lists");
    const stub = await userStub(user);
    household.addList("new-list", "Camping");

    await send(listEvent(user, "ListCreated", { listId: "new-list" }));
    household.lists.get("new-list")!.name = "Camping trip";
    household.lists.get("new-list")!.version = 2;
    await send(listEvent(user, "ListUpdated", { listId: "new-list" }));
    await settle(stub);

    expect(app.accepted().map((b) => [b.type, b.data])).toEqual([
      ["alexa.list.created", { listId: "new-list", name: "Camping", state: "active", version: 1, defaultKind: null, source: "alexa-app" }],
      ["alexa.list.updated", { listId: "new-list", name: "Camping trip", state: "active", version: 2, defaultKind: null, source: "alexa-app" }],
    ]);
  });

  it("ListDeleted sends just the id", async () => {
    const user = newUserId("listdel");
    const stub = await userStub(user);
    await send(listEvent(user, "ListDeleted", { listId: "old-list" }));
    await settle(stub);
    expect(app.accepted().map((b) => [b.type, b.data])).toEqual([["alexa.list.deleted", { listId: "old-list", source: "alexa-app" }]]);
    expect(household.calls).toHaveLength(0);
  });

  it("a list gone before it could be read is skipped", async () => {
    const user = newUserId("listgone");
    const stub = await userStub(user);
    const res = await send(listEvent(user, "ListCreated", { listId: "vanished" }));
    await settle(stub);
    expect(res.status).toBe(200);
    expect(app.deliveries).toHaveLength(0);
  });
});

describe("echo suppression", () => {
  it("events caused by the bridge's own create, update and delete are not sent to the app", async () => {
    const user = newUserId("echo");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));

    const c = await enqueueOp(stub, { kind: "create", list: "shopping", value: "milk", appItemId: "app-1" });
    await send(messageEnvelope(user, bridge(c, { kind: "create", list: "shopping", value: "milk", appItemId: "app-1" })));
    const created = [...household.lists.get(SHOPPING)!.items.values()][0]!;
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [created.id] }));

    const u = await enqueueOp(stub, { kind: "update", list: "shopping", itemRef: "app-1", value: "oat milk" });
    await send(messageEnvelope(user, bridge(u, { kind: "update", list: "shopping", itemRef: "app-1", value: "oat milk" })));
    await send(listEvent(user, "ItemsUpdated", { listId: SHOPPING, listItemIds: [created.id] }));

    const d = await enqueueOp(stub, { kind: "delete", list: "shopping", itemRef: "app-1" });
    await send(messageEnvelope(user, bridge(d, { kind: "delete", list: "shopping", itemRef: "app-1" })));
    await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [created.id] }));
    await settle(stub);

    clock.t = T0 + DELETE_HOLD_MS;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(household.lists.get(SHOPPING)!.items.size).toBe(0);
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed", "outbox.completed", "outbox.completed"]);
  });

  it("a user edit after the bridge's write is not an echo", async () => {
    const user = newUserId("notecho");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    const op = { kind: "create", list: TODO, value: "tax return", appItemId: "app-9" };
    await send(messageEnvelope(user, bridge(await enqueueOp(stub, op), op)));
    const item = [...household.lists.get(TODO)!.items.values()][0]!;
    household.editItem(TODO, item.id, "tax return 2030");

    await send(listEvent(user, "ItemsUpdated", { listId: TODO, listItemIds: [item.id] }));
    await settle(stub);

    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed", "alexa.list.items.updated"]);
    expect(app.accepted()[2]!.data).toMatchObject({ items: [{ id: item.id, value: "tax return 2030", version: 2, appItemId: "app-9" }] });
  });
});

describe("echo suppression, late echoes", () => {
  it("the echo of the bridge's create arriving after a person edited the item is not sent as a creation (found by the soak)", async () => {
    const user = newUserId("late-echo");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    const op = { kind: "create", list: "shopping", value: "flour", appItemId: "app-f" };
    await send(messageEnvelope(user, bridge(await enqueueOp(stub, op), op)));
    const item = [...household.lists.get(SHOPPING)!.items.values()][0]!;
    household.editItem(SHOPPING, item.id, "rye flour");

    await send(listEvent(user, "ItemsUpdated", { listId: SHOPPING, listItemIds: [item.id] }));
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));
    await settle(stub);

    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed", "alexa.list.items.updated"]);
  });
});

describe("moves between lists", () => {
  // Found by the soak (docs/soak.md, finding 5): the moved item keeps its id and
  // version, so without the list in the echo check its create read as the
  // bridge's own echo and the held delete was then dropped as a move's tail.
  for (const order of ["delete first", "create first"] as const) {
    it(`the app's item moved by a person before its create echo arrived reaches the app as a move (${order})`, async () => {
      const user = newUserId(`move-own-${order.split(" ")[0]}`);
      const stub = await userStub(user);
      await send(skillEvent(user, "SkillEnabled"));
      const op = { kind: "create", list: "shopping", value: "milk", appItemId: "app-milk" };
      await send(messageEnvelope(user, bridge(await enqueueOp(stub, op), op)));
      const item = [...household.lists.get(SHOPPING)!.items.values()][0]!;
      household.moveItem(item.id, SHOPPING, TODO);

      // The create's echo, read after the move, finds nothing on the shopping list.
      await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));
      const halves = [
        listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [item.id] }),
        listEvent(user, "ItemsCreated", { listId: TODO, listItemIds: [item.id] }),
      ];
      for (const e of order === "delete first" ? halves : halves.reverse()) await send(e);
      await settle(stub);
      clock.t = T0 + DELETE_HOLD_MS * 3;
      await runDurableObjectAlarm(stub);
      await settle(stub);

      expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed", "alexa.list.item.moved"]);
      expect(app.accepted()[2]!.data).toMatchObject({
        itemId: item.id,
        fromListId: SHOPPING,
        toListId: TODO,
        item: expect.objectContaining({ id: item.id, value: "milk", appItemId: "app-milk" }),
        source: "alexa-app",
      });
    });
  }

  it("delete first, then create on another list: one alexa.list.item.moved, no delete", async () => {
    const user = newUserId("move-df");
    const stub = await userStub(user);
    const item = household.addItem(SHOPPING, "batteries");
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));

    household.moveItem(item.id, SHOPPING, CUSTOM);
    await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [item.id] }));
    clock.t += 5_000;
    await send(listEvent(user, "ItemsCreated", { listId: CUSTOM, listItemIds: [item.id] }));
    await settle(stub);

    clock.t = T0 + DELETE_HOLD_MS * 3;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.list.items.created", "alexa.list.item.moved"]);
    expect(app.accepted()[1]!.data).toEqual({
      itemId: item.id,
      fromListId: SHOPPING,
      toListId: CUSTOM,
      fromDefaultKind: "shopping",
      toDefaultKind: null,
      item: expect.objectContaining({ id: item.id, value: "batteries" }),
      source: "alexa-app",
    });
  });

  // Found by the soak (docs/soak.md, finding 9): a move keeps the version, so the way back looked like the create's echo.
  it("the app's item moved away and back to the list the bridge wrote it to: the way back is a move, not an echo", async () => {
    const user = newUserId("move-own-back");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    const op = { kind: "create", list: "todo", value: "bread", appItemId: "app-bread" };
    await send(messageEnvelope(user, bridge(await enqueueOp(stub, op), op)));
    const item = [...household.lists.get(TODO)!.items.values()][0]!;
    await send(listEvent(user, "ItemsCreated", { listId: TODO, listItemIds: [item.id] }));

    household.moveItem(item.id, TODO, SHOPPING);
    await send(listEvent(user, "ItemsDeleted", { listId: TODO, listItemIds: [item.id] }));
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));
    household.moveItem(item.id, SHOPPING, TODO);
    await send(listEvent(user, "ItemsCreated", { listId: TODO, listItemIds: [item.id] }));
    await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [item.id] }));
    await settle(stub);
    clock.t = T0 + DELETE_HOLD_MS * 3;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed", "alexa.list.item.moved", "alexa.list.item.moved"]);
    expect(app.accepted()[3]!.data).toMatchObject({ fromListId: SHOPPING, toListId: TODO, item: expect.objectContaining({ appItemId: "app-bread" }) });
  });

  // Found by the soak (docs/soak.md, finding 6): the events of a move there and back, reordered.
  it("there and back (A→B→A) with the B create delayed: nothing is reported, not a second creation", async () => {
    const user = newUserId("move-back");
    const stub = await userStub(user);
    const item = household.addItem(SHOPPING, "candles");
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));

    household.moveItem(item.id, SHOPPING, CUSTOM);
    household.moveItem(item.id, CUSTOM, SHOPPING);
    await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [item.id] }));
    await send(listEvent(user, "ItemsDeleted", { listId: CUSTOM, listItemIds: [item.id] }));
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));
    await send(listEvent(user, "ItemsCreated", { listId: CUSTOM, listItemIds: [item.id] }));
    await settle(stub);
    clock.t = T0 + DELETE_HOLD_MS * 3;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.list.items.created"]);
  });

  it("a stale delete of a move, arriving after the item came back, does not remove it from the app", async () => {
    const user = newUserId("move-stale");
    const stub = await userStub(user);
    const item = household.addItem(SHOPPING, "matches");
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));

    household.moveItem(item.id, SHOPPING, CUSTOM);
    await send(listEvent(user, "ItemsCreated", { listId: CUSTOM, listItemIds: [item.id] }));
    household.moveItem(item.id, CUSTOM, SHOPPING);
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));
    await send(listEvent(user, "ItemsDeleted", { listId: CUSTOM, listItemIds: [item.id] }));
    // The first move's delete, redelivered late: the item is back on the shopping list.
    await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [item.id] }));
    await settle(stub);
    clock.t = T0 + DELETE_HOLD_MS * 3;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.list.items.created", "alexa.list.item.moved", "alexa.list.item.moved"]);
    expect(app.accepted()[2]!.data).toMatchObject({ fromListId: CUSTOM, toListId: SHOPPING });
  });

  it("a delete confirmed by reading the item needs the List API: a 429 answers 503 and records nothing", async () => {
    const user = newUserId("move-429");
    const stub = await userStub(user);
    const item = household.addItem(SHOPPING, "rope");
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));
    household.lists.get(SHOPPING)!.items.delete(item.id);

    household.fail("GET", `/items/${item.id}`, 429);
    const res = await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [item.id] }));
    expect(res.status).toBe(503);
    expect((await send(listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: [item.id] }))).status).toBe(200);
    clock.t = T0 + DELETE_HOLD_MS * 3;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.list.items.created", "alexa.list.items.deleted"]);
  });

  it("create first, then delete on the old list: one alexa.list.item.moved, the delete is dropped", async () => {
    const user = newUserId("move-cf");
    const stub = await userStub(user);
    const item = household.addItem(TODO, "paint fence");
    await send(listEvent(user, "ItemsCreated", { listId: TODO, listItemIds: [item.id] }));

    household.moveItem(item.id, TODO, CUSTOM);
    await send(listEvent(user, "ItemsCreated", { listId: CUSTOM, listItemIds: [item.id] }));
    await send(listEvent(user, "ItemsDeleted", { listId: TODO, listItemIds: [item.id] }));
    await settle(stub);
    clock.t = T0 + DELETE_HOLD_MS * 3;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.list.items.created", "alexa.list.item.moved"]);
    expect(app.accepted()[1]!.data).toMatchObject({ itemId: item.id, fromListId: TODO, toListId: CUSTOM });
  });

  it("a held delete survives eviction and is released by the alarm", async () => {
    const user = newUserId("move-evict");
    let stub = await userStub(user);
    await send(listEvent(user, "ItemsDeleted", { listId: CUSTOM, listItemIds: ["item-77"] }));
    const { evictDurableObject } = await import("cloudflare:test");
    await evictDurableObject(stub);
    stub = await userStub(user);

    clock.t = T0 + DELETE_HOLD_MS;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);
    expect(app.types()).toEqual(["alexa.list.items.deleted"]);
  });
});
