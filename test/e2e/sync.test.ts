/**
 * End to end, household store (ALEXA_LISTS=household, the List Management
 * API path): Alexa (the emulator) ⇄ the Worker (real `wrangler dev`) ⇄ the
 * app (the fake backend). Each scenario is checked on both sides: what Amazon
 * holds and delivered, and what the app received. One stack for the file;
 * every scenario uses its own person (so its own Alexa user).
 */
import { describe, expect, it } from "vitest";
import { LONG_TEST_MS, RETRY_WAIT_MS, TEST_MS, WAIT_MS } from "../../scripts/lib/budgets.ts";
import type { Operation } from "../../emulator/app/bridge-client.ts";
import {
  alexaValues,
  type E2E,
  enabledPerson,
  eventually,
  itemsCreatedAtApp,
  runCron,
  useE2E,
  webhooks,
} from "./harness.ts";

let e: E2E;
useE2E({ alexaLists: "household" }, (started) => (e = started));

const emu = (): E2E["stack"]["emulator"]["emulator"] => e.stack.emulator.emulator;

interface CompletedData {
  opId: string;
  result: { alexaItemId: string; listId: string; appItemId: string | null };
}

function completedFor(userId: string, opId: string): CompletedData[] {
  return webhooks(e, userId, "outbox.completed")
    .map((w) => w.data as CompletedData)
    .filter((d) => d.opId === opId);
}

/** The app creates an item through the REST API and waits for the operation to finish. */
async function appCreates(userId: string, list: string, value: string, appItemId: string): Promise<Operation> {
  const res = await e.bridge.createItem(userId, list, { value, appItemId });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return e.bridge.waitForOperation(userId, res.body.id, { timeoutMs: WAIT_MS, pollMs: 200 });
}

/**
 * Adds a marker item as a person and waits for its webhook: webhooks are
 * ordered per user, so anything the bridge queued before has arrived by then.
 */
async function drainWebhooks(person: string, userId: string): Promise<void> {
  const marker = emu().addItem(person, "todo", `marker ${Date.now()}`);
  await eventually("marker webhook", () => itemsCreatedAtApp(e, userId).some((i) => i.id === marker.id), WAIT_MS);
}

describe("Alexa → app", () => {
  it("a person adds milk to the Alexa shopping list: the app's webhook receives it", async () => {
    const p = await enabledPerson(e, "ann");
    const milk = emu().addItem("ann", "shopping", "milk");
    const hook = await eventually("milk webhook", () => webhooks(e, p.userId, "alexa.list.items.created").find((w) =>
      (w.data as { items: { id: string }[] }).items.some((i) => i.id === milk.id),
    ));
    expect(hook.data).toMatchObject({ listId: p.shoppingListId, defaultKind: "shopping", items: [{ id: milk.id, value: "milk", status: "active" }] });
    // The webhook is sent in the background once the event is stored, so it may reach the app
    // before the Worker's 200 reaches Alexa: wait for the delivery to settle.
    const delivery = await eventually("ItemsCreated delivered", () =>
      emu().deliveries.list({ person: "ann", type: "ItemsCreated" }).find((d) => d.state === "delivered"),
    );
    expect(delivery.attempts.at(-1)!.status).toBe(200);
  }, TEST_MS);
});

describe("app → Alexa", () => {
  it("the app creates an item: skill message, List API, on the Alexa list, outbox.completed with the Alexa id, echo not forwarded", async () => {
    const p = await enabledPerson(e, "ben");
    const op = await appCreates(p.userId, "shopping", "eggs", "app-eggs");
    expect(op.status).toBe("completed");
    const { alexaItemId } = op.result as { alexaItemId: string };

    // Alexa's side: the item is there, put there by the skill while handling the message.
    expect(emu().list("ben", "shopping").items.get(alexaItemId)?.value).toBe("eggs");
    const messages = emu().deliveries.list({ person: "ben", type: "Messaging.MessageReceived" });
    expect(messages.some((d) => d.state === "delivered" && (d.content as { opId?: string }).opId === op.id)).toBe(true);
    expect(emu().calls({ api: "lists" }).some((c) => c.method === "POST" && c.status === 201)).toBe(true);

    // The app's side: outbox.completed once, with the Alexa id.
    const done = await eventually("outbox.completed", () => completedFor(p.userId, op.id)[0]);
    expect(done.result).toMatchObject({ alexaItemId, listId: p.shoppingListId, appItemId: "app-eggs" });

    // The ItemsCreated echo was delivered to the skill, and not forwarded to the app.
    await eventually("echo delivered", () =>
      emu()
        .deliveries.list({ person: "ben", type: "ItemsCreated" })
        .find((d) => (d.content as { listItemIds: string[] }).listItemIds.includes(alexaItemId) && d.state === "delivered"),
    );
    await drainWebhooks("ben", p.userId);
    expect(itemsCreatedAtApp(e, p.userId).filter((i) => i.id === alexaItemId)).toEqual([]);
    expect(completedFor(p.userId, op.id)).toHaveLength(1);
  }, TEST_MS);

  it("Alexa delivers the same message twice, concurrently: one item", async () => {
    const p = await enabledPerson(e, "cat");
    emu().deliveryFaults.add({ mode: "duplicate", concurrent: true, count: 1, match: "Messaging" });
    const op = await appCreates(p.userId, "todo", "call mom", "app-mom");
    expect(op.status).toBe("completed");
    const copies = await eventually("both copies delivered", () => {
      const d = emu().deliveries.list({ person: "cat", type: "Messaging.MessageReceived" }).filter((x) => (x.content as { opId?: string }).opId === op.id);
      return d.length === 2 && d.every((x) => x.state === "delivered") ? d : null;
    });
    expect(copies[0]!.requestId).toBe(copies[1]!.requestId);
    expect(alexaValues(e, "cat", "todo").filter((v) => v === "call mom")).toHaveLength(1);
    await drainWebhooks("cat", p.userId);
    expect(completedFor(p.userId, op.id)).toHaveLength(1);
  }, TEST_MS);
});

describe("faults and recovery", () => {
  it("429s and 500s from Amazon, the app down, the Worker restarted: every change arrives exactly once each way", async () => {
    const p = await enabledPerson(e, "dan");
    // The Worker caches its LWA token (KV); revoking it makes the next message need a new one.
    emu().revokeLwaTokens();
    const faults = emu().endpointFaults;
    faults.add({ api: "lists", mode: "429", count: 3, retryAfterSeconds: 1 });
    faults.add({ api: "messaging", mode: "500", count: 2 });
    faults.add({ api: "lwa", mode: "500", count: 1 });
    e.stack.app.app.outages.add({ mode: "503", count: 1 });
    e.stack.app.app.outages.add({ mode: "refuse", count: 1 });

    const fromAlexa = ["apples", "bread"].map((v) => emu().addItem("dan", "shopping", v));
    const requested = await Promise.all(
      ["cheese", "dates"].map(async (value) => {
        const res = await e.bridge.createItem(p.userId, "shopping", { value, appItemId: `app-${value}` });
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        return res.body.id;
      }),
    );
    await e.stack.restartWorker();

    // App → Alexa: both operations complete, each item exactly once on Alexa's list.
    const ops = await Promise.all(requested.map((id) => e.bridge.waitForOperation(p.userId, id, { timeoutMs: RETRY_WAIT_MS, pollMs: 250 })));
    expect(ops.map((o) => o.status)).toEqual(["completed", "completed"]);
    const values = alexaValues(e, "dan", "shopping");
    expect(values.filter((v) => v === "cheese")).toHaveLength(1);
    expect(values.filter((v) => v === "dates")).toHaveLength(1);

    // Alexa → app: each item in exactly one webhook (retries reuse the webhook id).
    await eventually(
      "apples and bread at the app",
      () => fromAlexa.every((item) => itemsCreatedAtApp(e, p.userId).some((i) => i.id === item.id)),
      RETRY_WAIT_MS,
      250,
    );
    await drainWebhooks("dan", p.userId);
    for (const item of fromAlexa) expect(itemsCreatedAtApp(e, p.userId).filter((i) => i.id === item.id)).toHaveLength(1);
    for (const op of ops) expect(completedFor(p.userId, op.id)).toHaveLength(1);
    const ownIds = ops.map((o) => (o.result as { alexaItemId: string }).alexaItemId);
    expect(itemsCreatedAtApp(e, p.userId).filter((i) => ownIds.includes(i.id))).toEqual([]);

    // The faults really happened.
    expect(faults.list()).toEqual([]);
    expect(emu().calls({ api: "lists" }).filter((c) => c.fault).length).toBe(3);
    expect(emu().calls({ api: "messaging" }).filter((c) => c.fault).length).toBe(2);
    expect(emu().calls({ api: "messaging" }).some((c) => c.status === 401)).toBe(true);
    expect(emu().calls({ api: "lwa" }).filter((c) => c.fault).length).toBe(1);
    expect(e.stack.app.app.log.stats().refused).toBeGreaterThanOrEqual(2);
  }, LONG_TEST_MS);
});

describe("skill lifecycle", () => {
  it("disable and re-enable: the old user's data is erased, the new user id works", async () => {
    const p = await enabledPerson(e, "eve");
    const before = await appCreates(p.userId, "shopping", "flour", "app-flour");
    expect(before.status).toBe("completed");

    emu().disable("eve");
    await eventually("alexa.user.disabled", () => webhooks(e, p.userId, "alexa.user.disabled").length === 1);
    await eventually("old user erased", async () => {
      const res = await e.bridge.getOperation(p.userId, before.id);
      return res.status === 404 && (res.body as unknown as { error: string }).error === "USER_NOT_FOUND";
    });
    const refused = await e.bridge.createItem(p.userId, "shopping", { value: "sugar" });
    expect(refused.status).toBe(404);

    const again = await enabledPerson(e, "eve");
    expect(again.userId).not.toBe(p.userId);
    const after = await appCreates(again.userId, "shopping", "butter", "app-butter");
    expect(after.status).toBe("completed");
    expect(alexaValues(e, "eve", "shopping")).toEqual(expect.arrayContaining(["flour", "butter"]));
    const yeast = emu().addItem("eve", "shopping", "yeast");
    await eventually("yeast at the app under the new user id", () => itemsCreatedAtApp(e, again.userId).some((i) => i.id === yeast.id));
    expect(itemsCreatedAtApp(e, p.userId).some((i) => i.id === yeast.id)).toBe(false);
  }, LONG_TEST_MS);
});

describe("reconciliation", () => {
  it("an event the emulator dropped is repaired by the next reconciliation sync (cron)", async () => {
    const p = await enabledPerson(e, "fay");
    emu().deliveryFaults.add({ mode: "drop", count: 1, match: "ItemsCreated" });
    const milk = emu().addItem("fay", "shopping", "milk");
    expect(emu().deliveries.list({ person: "fay", type: "ItemsCreated" })[0]!.state).toBe("dropped");
    expect(itemsCreatedAtApp(e, p.userId).some((i) => i.id === milk.id)).toBe(false);

    interface Snapshot {
      lists: { listId: string; items: { id: string; value: string }[] }[];
    }
    // The registry visits a quarter of its shards per cron run: a few runs reach every user.
    const snapshot = await eventually(
      "a snapshot with milk",
      async () => {
        await runCron(e);
        return webhooks(e, p.userId, "alexa.list.snapshot")
          .map((w) => w.data as Snapshot)
          .find((s) => s.lists.some((l) => l.items.some((i) => i.id === milk.id)));
      },
      RETRY_WAIT_MS,
      2000,
    );
    const shopping = snapshot.lists.find((l) => l.listId === p.shoppingListId);
    expect(shopping?.items.map((i) => i.value)).toContain("milk");
    expect(emu().calls({ api: "lists" }).some((c) => c.method === "GET" && c.path.endsWith("/active"))).toBe(true);
  }, LONG_TEST_MS);
});
