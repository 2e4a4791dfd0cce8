import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { ADOPT_SETTLE_MS } from "../../../src/sync/adopt.ts";
import { DEDUPE_RETENTION_MS } from "../../../src/alexa-user/dedupe.ts";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import {
  bridge,
  clock,
  CUSTOM,
  enqueueOp,
  envelope,
  type LostAnswer,
  messageEnvelope,
  newUserId,
  operation,
  rid,
  settle,
  SHOPPING,
  T0,
  TODO,
  userStub,
} from "../fakes.ts";
import { knownUser, send, useFakes } from "../harness.ts";

const { household, app } = useFakes();

/** Enqueues `op` in the outbox and delivers it as Alexa would. */
async function deliver(user: string, stub: DurableObjectStub<AlexaUser>, op: Record<string, unknown>) {
  const opId = await enqueueOp(stub, op);
  const res = await send(messageEnvelope(user, bridge(opId, op)));
  return { opId, res };
}

const ACK = { status: 200, body: { version: "1.0", response: {} } };

describe("bridge operations", () => {
  it("create on \"shopping\": resolves the default list once, creates the item, records ids, completes the operation", async () => {
    const { user, stub } = await knownUser("create");
    const first = await deliver(user, stub, { kind: "create", list: "shopping", value: "milk", appItemId: "app-1" });
    const second = await deliver(user, stub, { kind: "create", list: "shopping", value: "bread", status: "completed" });
    await settle(stub);

    expect(first.res).toEqual(ACK);
    expect(second.res).toEqual(ACK);
    const items = [...household.lists.get(SHOPPING)!.items.values()];
    expect(items.map((i) => [i.value, i.status])).toEqual([
      ["milk", "active"],
      ["bread", "completed"],
    ]);
    // The default list ids were read once and cached.
    expect(household.calls.filter((c) => c.method === "GET" && c.path === "/v2/householdlists/")).toHaveLength(1);

    const op = await operation(stub, first.opId);
    expect(op.status).toBe("completed");
    expect(op.result).toEqual({ alexaItemId: items[0]!.id, listId: SHOPPING, version: 1, appItemId: "app-1" });
    const mapped = await runInDurableObject(stub, (i: AlexaUser) => i.items.byAppId("app-1"));
    expect(mapped).toMatchObject({ alexaItemId: items[0]!.id, listId: SHOPPING, version: 1 });
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed", "outbox.completed"]);
    expect(app.accepted()[1]!.data).toMatchObject({ opId: first.opId, result: { alexaItemId: items[0]!.id } });
  });

  it("update, complete and delete find the item by the app's id", async () => {
    const { user, stub } = await knownUser("ucd");
    await deliver(user, stub, { kind: "create", list: "todo", value: "call mum", appItemId: "app-7" });
    const id = [...household.lists.get(TODO)!.items.keys()][0]!;

    const u = await deliver(user, stub, { kind: "update", list: "todo", itemRef: "app-7", value: "call mum today" });
    expect(household.item(TODO, id)).toMatchObject({ value: "call mum today", status: "active", version: 2 });
    expect((await operation(stub, u.opId)).result).toEqual({ alexaItemId: id, listId: TODO, version: 2, appItemId: "app-7" });

    await deliver(user, stub, { kind: "complete", list: "todo", itemRef: "app-7" });
    expect(household.item(TODO, id)).toMatchObject({ value: "call mum today", status: "completed", version: 3 });

    const d = await deliver(user, stub, { kind: "delete", list: "todo", itemRef: "app-7" });
    expect(household.item(TODO, id)).toBeUndefined();
    expect((await operation(stub, d.opId)).result).toEqual({ alexaItemId: id, listId: TODO, deleted: true, appItemId: "app-7" });
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.items.byAppId("app-7"))).toBeNull();
  });

  it("an itemRef that is an Alexa item id works on a list given by id", async () => {
    const { user, stub } = await knownUser("alexaref");
    const item = household.addItem(CUSTOM, "hammer");
    const op = await deliver(user, stub, { kind: "update", list: CUSTOM, itemRef: item.id, status: "completed" });
    expect(op.res).toEqual(ACK);
    expect(household.item(CUSTOM, item.id)).toMatchObject({ status: "completed", version: 2 });
    expect((await operation(stub, op.opId)).status).toBe("completed");
  });

  it("a permanent List API failure (404) fails the operation and is acknowledged", async () => {
    const { user, stub } = await knownUser("perm");
    const op = await deliver(user, stub, { kind: "update", list: "shopping", itemRef: "no-such-item", value: "x" });
    await settle(stub);
    expect(op.res).toEqual(ACK);
    const view = await operation(stub, op.opId);
    expect(view.status).toBe("failed");
    expect(view.error).toMatch(/^NOT_FOUND/);
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.failed"]);
  });

  it("an invalid operation fails without calling Amazon", async () => {
    const { user, stub } = await knownUser("invalid");
    const op = await deliver(user, stub, { kind: "update", list: "shopping", itemRef: "app-1" });
    expect(op.res).toEqual(ACK);
    expect((await operation(stub, op.opId)).error).toMatch(/^INVALID_OPERATION/);
    expect(household.calls).toHaveLength(0);
  });

  it("a message without apiAccessToken fails the operation (UNAUTHORIZED)", async () => {
    const { user, stub } = await knownUser("notoken");
    const op = { kind: "create", list: "todo", value: "x" };
    const opId = await enqueueOp(stub, op);
    const res = await send(envelope(user, { type: "Messaging.MessageReceived", message: bridge(opId, op) }, { token: null }));
    expect(res).toEqual(ACK);
    expect((await operation(stub, opId)).error).toMatch(/^UNAUTHORIZED/);
  });

  it("sync reads every list (active and completed) and sends alexa.list.snapshot", async () => {
    const { user, stub } = await knownUser("sync");
    await deliver(user, stub, { kind: "create", list: "shopping", value: "milk", appItemId: "app-milk" });
    const done = household.addItem(TODO, "taxes", "completed");
    const hammer = household.addItem(CUSTOM, "hammer");
    const sync = await deliver(user, stub, { kind: "sync" });
    await settle(stub);

    expect(sync.res).toEqual(ACK);
    for (const listId of [SHOPPING, TODO, CUSTOM]) {
      for (const status of ["active", "completed"]) {
        expect(household.calls.some((c) => c.method === "GET" && c.path === `/v2/householdlists/${listId}/${status}`)).toBe(true);
      }
    }
    const snapshot = app.accepted().find((b) => b.type === "alexa.list.snapshot")!;
    expect(snapshot.data.opId).toBe(sync.opId);
    expect(snapshot.data.syncedAt).toBe(new Date(T0).toISOString());
    const lists = snapshot.data.lists as Array<{ listId: string; defaultKind: string | null; items: Array<Record<string, unknown>> }>;
    expect(lists.map((l) => [l.listId, l.defaultKind, l.items.map((i) => [i.value, i.status, i.appItemId])])).toEqual([
      [SHOPPING, "shopping", [["milk", "active", "app-milk"]]],
      [TODO, "todo", [["taxes", "completed", null]]],
      [CUSTOM, null, [["hammer", "active", null]]],
    ]);
    expect((await operation(stub, sync.opId)).result).toEqual({ lists: 3, items: 3 });
    const profile = await runInDurableObject(stub, (i: AlexaUser) => i.profile.get());
    expect(profile?.lastFullSyncAt).toBe(T0);
    // The sync taught the object where every item lives.
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.items.byAlexaId(done.id)?.listId)).toBe(TODO);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.items.byAlexaId(hammer.id)?.listId)).toBe(CUSTOM);
  });

  it("kind \"message\" goes to the app as alexa.message.received with its opId", async () => {
    const { user, stub } = await knownUser("rawmsg");
    const op = await deliver(user, stub, { kind: "message", data: { hello: "world" } });
    await settle(stub);
    expect(op.res).toEqual(ACK);
    expect(app.accepted().map((b) => [b.type, b.data])).toEqual([
      ["alexa.user.enabled", {}],
      ["alexa.message.received", { data: { hello: "world" }, opId: op.opId }],
      ["outbox.completed", expect.objectContaining({ opId: op.opId })],
    ]);
  });

  it("a message without the bridge marker goes to the app as alexa.message.received", async () => {
    const user = newUserId("foreign");
    const stub = await userStub(user);
    const res = await send(messageEnvelope(user, { from: "another sender", n: 1 }));
    await settle(stub);
    expect(res).toEqual(ACK);
    expect(app.accepted().map((b) => [b.type, b.data])).toEqual([["alexa.message.received", { data: { from: "another sender", n: 1 } }]]);
  });
});

describe("duplicates", () => {
  it("the same opId delivered again with another requestId has no second effect", async () => {
    const { user, stub } = await knownUser("dup-op");
    const op = { kind: "create", list: "shopping", value: "eggs" };
    const opId = await enqueueOp(stub, op);
    const a = await send(messageEnvelope(user, bridge(opId, op)));
    const b = await send(messageEnvelope(user, bridge(opId, op)));
    await settle(stub);
    expect(a).toEqual(ACK);
    expect(b).toEqual(ACK);
    expect(household.lists.get(SHOPPING)!.items.size).toBe(1);
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed"]);
  });

  it("100 concurrent identical deliveries give one side effect and 100 acknowledgements", async () => {
    const { user, stub } = await knownUser("dup-100");
    const op = { kind: "create", list: "shopping", value: "coffee" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());
    const answers = await Promise.all(Array.from({ length: 100 }, () => send(message)));
    await settle(stub);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(household.writes()).toHaveLength(1);
    expect(household.lists.get(SHOPPING)!.items.size).toBe(1);
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed"]);
  });

  it("List API 500 → 503 → redelivery → exactly one item", async () => {
    const { user, stub } = await knownUser("dup-500");
    household.fail("POST", "/items", 500);
    const op = { kind: "create", list: TODO, value: "water plants" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());

    const first = await send(message);
    expect(first).toEqual({ status: 503, body: { error: "UPSTREAM_UNAVAILABLE", message: "List API: SERVER_ERROR" } });
    expect(household.lists.get(TODO)!.items.size).toBe(0);
    expect((await operation(stub, opId)).status).not.toBe("completed");

    clock.t = T0 + ADOPT_SETTLE_MS; // Alexa redelivers 30 s or more later
    const again = await Promise.all([send(message), send(message)]);
    await settle(stub);
    expect(again).toEqual([ACK, ACK]);
    expect(household.lists.get(TODO)!.items.size).toBe(1);
    expect((await operation(stub, opId)).status).toBe("completed");
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed"]);
  });

  it("after the dedupe records expired, a completed operation is still not applied twice", async () => {
    const { user, stub } = await knownUser("dup-late");
    const op = { kind: "create", list: "shopping", value: "late" };
    const opId = await enqueueOp(stub, op);
    await send(messageEnvelope(user, bridge(opId, op)));
    clock.t = T0 + DEDUPE_RETENTION_MS + 1;
    await runDurableObjectAlarm(stub);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.dedupe.lookup([`op:${opId}`]))).toBeNull();

    const res = await send(messageEnvelope(user, bridge(opId, op)));
    expect(res).toEqual(ACK);
    expect(household.lists.get(SHOPPING)!.items.size).toBe(1);
  });
});

describe("a create whose answer was lost (Amazon created the item)", () => {
  /** The object's recorded create attempts (empty once the operation completed). */
  const attempts = (stub: DurableObjectStub<AlexaUser>) =>
    runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.sql.exec(`SELECT * FROM op_progress`).toArray());

  it.each<[string, LostAnswer]>([
    ["a 500 after the commit", 500],
    ["a dropped connection", "network"],
    ["a timeout", "hang"],
  ])("%s → 503 → redelivery adopts the item: exactly one on the list, outbox.completed with its id", async (_name, how) => {
    const { user, stub } = await knownUser("lost");
    // A short List API deadline, so the "hang" case times out at once.
    await runInDurableObject(stub, (i: AlexaUser) => {
      i.listApiTimeoutMs = 50;
    });
    household.loseAnswer("POST", "/items", how);
    const op = { kind: "create", list: "shopping", value: "oat milk", appItemId: "app-oat" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());

    const first = await send(message);
    expect(first.status).toBe(503);
    expect(household.lists.get(SHOPPING)!.items.size).toBe(1);
    expect(await attempts(stub)).toHaveLength(1);

    clock.t = T0 + 30_000; // Alexa redelivers 30 s later
    expect(await send(message)).toEqual(ACK);
    await settle(stub);

    const items = [...household.lists.get(SHOPPING)!.items.values()];
    expect(items.map((i) => i.value)).toEqual(["oat milk"]);
    expect(household.writes()).toHaveLength(1);
    const view = await operation(stub, opId);
    expect(view.status).toBe("completed");
    expect(view.result).toEqual({ alexaItemId: items[0]!.id, listId: SHOPPING, version: 1, appItemId: "app-oat" });
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed"]);
    expect(app.accepted()[1]!.data).toMatchObject({ opId, result: { alexaItemId: items[0]!.id } });
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.items.byAppId("app-oat")?.alexaItemId)).toBe(items[0]!.id);
    expect(await attempts(stub)).toEqual([]);

    // Its ItemsCreated event, arriving now, is recognised as the bridge's own write.
    await send(envelope(user, { type: "AlexaHouseholdListEvent.ItemsCreated", body: { listId: SHOPPING, listItemIds: [items[0]!.id] } }));
    await settle(stub);
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed"]);
  });

  // Found by the soak (docs/soak.md, finding 7): the lost create's own ItemsCreated beat the redelivery.
  it("its ItemsCreated arriving before the redelivery completes the operation with that item: the app hears of it once, as its own", async () => {
    const { user, stub } = await knownUser("lost-event-first");
    household.loseAnswer("POST", "/items", 500);
    const op = { kind: "create", list: "shopping", value: "rye bread", appItemId: "app-rye" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());
    expect((await send(message)).status).toBe(503);
    const made = [...household.lists.get(SHOPPING)!.items.values()][0]!;

    clock.t = T0 + 2000;
    await send(envelope(user, { type: "AlexaHouseholdListEvent.ItemsCreated", body: { listId: SHOPPING, listItemIds: [made.id] } }));
    await settle(stub);
    expect((await operation(stub, opId)).result).toEqual({ alexaItemId: made.id, listId: SHOPPING, version: 1, appItemId: "app-rye" });
    expect(await attempts(stub)).toEqual([]);

    // The person renames it; then the message is redelivered: nothing more is created.
    household.editItem(SHOPPING, made.id, "sourdough");
    await send(envelope(user, { type: "AlexaHouseholdListEvent.ItemsUpdated", body: { listId: SHOPPING, listItemIds: [made.id] } }));
    clock.t = T0 + 30_000;
    expect(await send(message)).toEqual(ACK);
    await settle(stub);

    expect([...household.lists.get(SHOPPING)!.items.values()].map((i) => i.value)).toEqual(["sourdough"]);
    expect(household.writes()).toHaveLength(1);
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.completed", "alexa.list.items.updated"]);
    expect(app.accepted()[2]!.data).toMatchObject({ items: [expect.objectContaining({ id: made.id, value: "sourdough", appItemId: "app-rye" })] });
  });

  it("an item that only looks like a lost create (another value, or created before the attempt) is the person's", async () => {
    const { user, stub } = await knownUser("lost-event-other");
    household.loseAnswer("POST", "/items", 500);
    const op = { kind: "create", list: "shopping", value: "jam", appItemId: "app-jam" };
    const opId = await enqueueOp(stub, op);
    expect((await send(messageEnvelope(user, bridge(opId, op), rid()))).status).toBe(503);
    const other = household.addItem(SHOPPING, "jelly", "active", T0 + 1000);
    const before = household.addItem(SHOPPING, "jam", "active", T0 - 5 * 60_000);

    await send(envelope(user, { type: "AlexaHouseholdListEvent.ItemsCreated", body: { listId: SHOPPING, listItemIds: [other.id, before.id] } }));
    await settle(stub);

    expect((await operation(stub, opId)).status).not.toBe("completed");
    expect(await attempts(stub)).toHaveLength(1);
    expect(app.types()).toEqual(["alexa.user.enabled", "alexa.list.items.created"]);
  });

  // Found by the soak (docs/soak.md, finding 10).
  it("the app sends the create again (a new operation, same appItemId) before the first one's redelivery: one item, both operations name it", async () => {
    const { user, stub } = await knownUser("lost-sibling");
    household.loseAnswer("POST", "/items", 500);
    const op = { kind: "create", list: "shopping", value: "honey", appItemId: "app-honey" };
    const first = await enqueueOp(stub, op);
    expect((await send(messageEnvelope(user, bridge(first, op), rid()))).status).toBe(503);
    const second = await enqueueOp(stub, op);

    clock.t = T0 + 5000;
    expect(await send(messageEnvelope(user, bridge(second, op), rid()))).toEqual(ACK);
    const firstAgain = messageEnvelope(user, bridge(first, op), rid());
    clock.t = T0 + 30_000;
    expect(await send(firstAgain)).toEqual(ACK);
    await settle(stub);

    const items = [...household.lists.get(SHOPPING)!.items.values()];
    expect(items.map((i) => i.value)).toEqual(["honey"]);
    expect(household.writes()).toHaveLength(1);
    for (const opId of [first, second]) {
      expect((await operation(stub, opId)).result).toMatchObject({ alexaItemId: items[0]!.id, appItemId: "app-honey" });
    }
    expect(await attempts(stub)).toEqual([]);
  });

  it("the object evicted while Amazon was creating: the redelivery after the restart adopts the item", async () => {
    const { user, stub } = await knownUser("lost-evict");
    household.loseAnswer("POST", "/items", "hang");
    const op = { kind: "create", list: TODO, value: "book dentist" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());

    // The old instance's call ends (a timeout) without committing anything, as a crash would.
    await runInDurableObject(stub, (i: AlexaUser) => {
      i.listApiTimeoutMs = 1000;
    });
    const first = send(message);
    await vi.waitFor(() => expect(household.writes()).toHaveLength(1));
    await evictDurableObject(stub);
    expect((await first).status).toBe(503);
    expect(household.lists.get(TODO)!.items.size).toBe(1);

    const restarted = await userStub(user);
    expect(await send(message)).toEqual(ACK);
    await settle(restarted);
    const items = [...household.lists.get(TODO)!.items.values()];
    expect(items).toHaveLength(1);
    expect(household.writes()).toHaveLength(1);
    expect((await operation(restarted, opId)).result).toMatchObject({ alexaItemId: items[0]!.id, listId: TODO });
  });

  it("adopts only an item with the same value, created since the attempt, that nobody else claimed", async () => {
    const { user, stub } = await knownUser("lost-pick");
    // Before the attempt (beyond the clock-skew allowance): the user's own "bread".
    const older = household.addItem(SHOPPING, "bread", "active", T0 - 5 * 60_000);
    // After the attempt, but mapped to another app item: not ours either.
    clock.t = T0 + 1000;
    const claimed = await deliver(user, stub, { kind: "create", list: "shopping", value: "bread", appItemId: "app-other" });
    clock.t = T0 + 2000;
    household.addItem(SHOPPING, "brie", "active", T0 + 2000);
    household.loseAnswer("POST", "/items", 500);
    const op = { kind: "create", list: "shopping", value: "bread", appItemId: "app-bread" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());
    expect((await send(message)).status).toBe(503);
    const ours = [...household.lists.get(SHOPPING)!.items.values()].at(-1)!;

    clock.t = T0 + 60_000;
    expect(await send(message)).toEqual(ACK);
    const claimedId = ((await operation(stub, claimed.opId)).result as { alexaItemId: string }).alexaItemId;
    expect((await operation(stub, opId)).result).toMatchObject({ alexaItemId: ours.id, appItemId: "app-bread" });
    expect(new Set([older.id, claimedId, ours.id]).size).toBe(3);
    expect([...household.lists.get(SHOPPING)!.items.values()].map((i) => i.value)).toEqual(["bread", "bread", "brie", "bread"]);
  });

  it("a completed create is looked for on the completed list", async () => {
    const { user, stub } = await knownUser("lost-done");
    household.loseAnswer("POST", "/items", 502);
    const op = { kind: "create", list: CUSTOM, value: "nails", status: "completed" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());
    expect((await send(message)).status).toBe(503);
    expect(await send(message)).toEqual(ACK);
    const items = [...household.lists.get(CUSTOM)!.items.values()];
    expect(items.map((i) => [i.value, i.status])).toEqual([["nails", "completed"]]);
    expect((await operation(stub, opId)).result).toMatchObject({ alexaItemId: items[0]!.id });
    expect(household.calls.some((c) => c.method === "GET" && c.path === `/v2/householdlists/${CUSTOM}/completed`)).toBe(true);
  });

  // Found by the soak (docs/soak.md, finding 12): a hung create that Amazon served after the bridge gave up.
  it("a retry sooner than ADOPT_SETTLE_MS that finds nothing answers 503 and creates nothing; the late commit is then adopted", async () => {
    const { user, stub } = await knownUser("lost-late");
    household.fail("POST", "/items", 500);
    const op = { kind: "create", list: "shopping", value: "pasta", status: "completed" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());
    expect((await send(message)).status).toBe(503);

    clock.t = T0 + 2000;
    expect(await send(message)).toEqual({ status: 503, body: expect.objectContaining({ error: "CREATE_SETTLING" }) });
    expect(household.writes()).toHaveLength(1); // only the first, failed POST
    // Amazon commits the hung request late.
    const late = household.addItem(SHOPPING, "pasta", "completed", T0 + 6000);

    clock.t = T0 + ADOPT_SETTLE_MS + 1000;
    expect(await send(message)).toEqual(ACK);
    await settle(stub);
    expect([...household.lists.get(SHOPPING)!.items.values()].map((i) => i.id)).toEqual([late.id]);
    expect((await operation(stub, opId)).result).toMatchObject({ alexaItemId: late.id });
  });

  it("nothing to adopt (the create never reached Amazon): the retry creates it, once", async () => {
    const { user, stub } = await knownUser("lost-none");
    household.fail("POST", "/items", 503);
    const op = { kind: "create", list: "todo", value: "walk dog" };
    const opId = await enqueueOp(stub, op);
    const message = messageEnvelope(user, bridge(opId, op), rid());
    expect((await send(message)).status).toBe(503);
    expect(household.lists.get(TODO)!.items.size).toBe(0);
    clock.t = T0 + ADOPT_SETTLE_MS;
    expect(await send(message)).toEqual(ACK);
    expect(household.lists.get(TODO)!.items.size).toBe(1);
    expect(household.writes().filter((c) => c.method === "POST")).toHaveLength(2);
    expect((await operation(stub, opId)).status).toBe("completed");
    expect(await attempts(stub)).toEqual([]);
  });
});
