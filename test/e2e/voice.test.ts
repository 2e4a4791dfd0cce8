/**
 * End to end, skill store (ALEXA_LISTS=skill, the default): a person talks to
 * the skill through the emulator's NLU (real utterances, resolved against
 * skill-package/interactionModels/custom/<locale>.json, signed IntentRequests
 * in a session) ⇄ the Worker (real `wrangler dev`, the lists in the user's
 * Durable Object) ⇄ the app (the fake backend: webhooks in, REST out). Each
 * scenario is checked on both sides: what the person heard, what the app
 * received, and what `GET /v1/users/{userId}/lists` holds. One stack for the
 * file; every scenario uses its own person (so its own Alexa user).
 */
import { describe, expect, it } from "vitest";
import { LONG_TEST_MS, RETRY_WAIT_MS, TEST_MS, WAIT_MS } from "../../scripts/lib/budgets.ts";
import type { Operation } from "../../emulator/app/bridge-client.ts";
import type { WebhookRecord } from "../../emulator/app/webhook-log.ts";
import type { VoiceTurn } from "../../emulator/voice.ts";
import type { HeldList, WebhookItem as Item } from "../../src/contract/schemas.ts";
import { type E2E, enabledPerson, eventually, useE2E, webhooks } from "./harness.ts";

let e: E2E;
useE2E({ alexaLists: "skill" }, (started) => (e = started));

const emu = (): E2E["stack"]["emulator"]["emulator"] => e.stack.emulator.emulator;

interface ItemsData {
  listId: string;
  defaultKind: string | null;
  source: string;
  items: Item[];
}

/** Says `text` as `person` and expects a usable 200 answer. */
async function say(person: string, text: string, opts: { locale?: string } = {}): Promise<VoiceTurn> {
  const t = await emu().say(person, text, opts);
  expect(t.status, `"${text}": ${t.error ?? ""} ${JSON.stringify(t.response)}`).toBe(200);
  expect(t.error, `"${text}"`).toBeUndefined();
  return t;
}

/** `GET /v1/users/{userId}/lists`. */
async function lists(userId: string): Promise<{ status: number; lists: HeldList[] }> {
  const res = await e.bridge.request<{ lists: HeldList[] }>("GET", ["users", userId, "lists"]);
  return { status: res.status, lists: res.status === 200 ? res.body.lists : [] };
}

async function defaultList(userId: string, kind: "shopping" | "todo"): Promise<HeldList> {
  const r = await lists(userId);
  expect(r.status).toBe(200);
  const l = r.lists.find((x) => x.defaultKind === kind);
  expect(l, `${kind} list of ${userId}`).toBeDefined();
  return l!;
}

const itemHooks = (userId: string, type: string): (WebhookRecord & { data: ItemsData })[] =>
  webhooks(e, userId, type) as (WebhookRecord & { data: ItemsData })[];

/** The app creates an item by REST: the skill store applies it at once (202 completed). */
async function appCreates(userId: string, list: string, value: string, appItemId?: string): Promise<Operation> {
  const res = await e.bridge.createItem(userId, list, { value, ...(appItemId ? { appItemId } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.status).toBe("completed");
  return res.body;
}

/**
 * Adds a marker by voice and waits for its webhook: webhooks are sent in
 * order per user, so everything queued before it has arrived by then.
 */
async function drainWebhooks(person: string, userId: string, locale = "en-US"): Promise<void> {
  const value = locale.startsWith("de") ? "Nudeln" : "pasta";
  const before = itemHooks(userId, "alexa.list.items.created").length;
  await say(person, locale.startsWith("de") ? `füge ${value} zur Einkaufsliste hinzu` : `add ${value} to my shopping list`, { locale });
  await eventually(
    "marker webhook",
    () => itemHooks(userId, "alexa.list.items.created").slice(before).some((w) => w.data.items.some((i) => i.value === value)),
    WAIT_MS,
  );
}

describe("voice ⇄ app", () => {
  it("'add milk eggs and bread to my shopping list': one items.created webhook with three items, source voice; the lists hold them", async () => {
    const p = await enabledPerson(e, "ann");
    const t = await say("ann", "add milk eggs and bread to my shopping list");
    expect(t.request).toMatchObject({ type: "IntentRequest", intent: "AddItemsIntent" });
    expect(t.speech).toMatch(/milk.*eggs.*bread/i);

    const hook = await eventually("items.created", () => itemHooks(p.userId, "alexa.list.items.created")[0]);
    expect(hook.data).toMatchObject({
      defaultKind: "shopping",
      source: "voice",
      items: [
        { value: "milk", status: "active" },
        { value: "eggs", status: "active" },
        { value: "bread", status: "active" },
      ],
    });
    expect(hook.receipts).toBe(1);
    const shopping = await defaultList(p.userId, "shopping");
    expect(shopping.items.map((i) => i.value)).toEqual(["milk", "eggs", "bread"]);
    expect(shopping.items.map((i) => i.id)).toEqual(hook.data.items.map((i) => i.id));
    // Still exactly one after the queue is drained.
    await drainWebhooks("ann", p.userId);
    expect(itemHooks(p.userId, "alexa.list.items.created").filter((w) => w.data.items.some((i) => i.value === "milk"))).toHaveLength(1);
  }, TEST_MS);

  it("the app creates coffee by REST; 'what's on my shopping list' speaks it; outbox.completed once, no item webhook for the app's own change", async () => {
    const p = await enabledPerson(e, "ben");
    const op = await appCreates(p.userId, "shopping", "coffee", "app-coffee");
    const shopping = await defaultList(p.userId, "shopping");
    expect(shopping.items).toEqual([expect.objectContaining({ value: "coffee", status: "active", appItemId: "app-coffee", version: 1 })]);

    const t = await say("ben", "what's on my shopping list");
    expect(t.request).toMatchObject({ type: "IntentRequest", intent: "ReadListIntent" });
    expect(t.speech).toMatch(/coffee/i);

    const done = await eventually("outbox.completed", () => webhooks(e, p.userId, "outbox.completed").find((w) => (w.data as { opId: string }).opId === op.id));
    expect(done.data).toMatchObject({ opId: op.id, source: "app" });
    await drainWebhooks("ben", p.userId);
    expect(webhooks(e, p.userId, "outbox.completed").filter((w) => (w.data as { opId: string }).opId === op.id)).toHaveLength(1);
    const echoes = webhooks(e, p.userId, "alexa.list.items.").filter((w) => (w.data as ItemsData).items?.some((i) => i.value === "coffee"));
    expect(echoes).toEqual([]);
  }, TEST_MS);

  it("voice and the app edit the same item: created and renamed by the app, checked off by voice at version 3; after the app deletes it, a check-off changes nothing", async () => {
    const p = await enabledPerson(e, "cat");
    await appCreates(p.userId, "shopping", "milk", "app-milk");
    const renamed = await e.bridge.updateItem(p.userId, "shopping", "app-milk", { value: "oat milk" });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(202);
    expect(renamed.body).toMatchObject({ status: "completed", result: { version: 2 } });

    const t = await say("cat", "check off oat milk");
    expect(t.request).toMatchObject({ intent: "CheckOffItemIntent" });
    const updated = await eventually("items.updated", () => itemHooks(p.userId, "alexa.list.items.updated").at(-1));
    expect(updated.data).toMatchObject({ source: "voice", items: [{ value: "oat milk", status: "completed", version: 3, appItemId: "app-milk" }] });
    expect((await defaultList(p.userId, "shopping")).items).toEqual([expect.objectContaining({ value: "oat milk", status: "completed", version: 3 })]);

    const deleted = await e.bridge.deleteItem(p.userId, "shopping", "app-milk");
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(202);
    expect(deleted.body.status).toBe("completed");
    const itemHooksBefore = webhooks(e, p.userId, "alexa.list.items.").length;

    const again = await say("cat", "check off oat milk");
    expect(again.speech).toBeTruthy();
    expect((await defaultList(p.userId, "shopping")).items).toEqual([]);
    await drainWebhooks("cat", p.userId);
    // Only the marker's webhook came after: the second check-off changed nothing.
    const after = webhooks(e, p.userId, "alexa.list.items.").slice(itemHooksBefore);
    expect(after.map((w) => [w.type, (w.data as ItemsData).items?.map((i) => i.value)])).toEqual([["alexa.list.items.created", ["pasta"]]]);
  }, TEST_MS);
});

describe("adding what is there checked off", () => {
  it("the app's milk is checked off; 'add milk to my shopping list' puts that item back: items.updated with the app's id at version 2, no second milk", async () => {
    const p = await enabledPerson(e, "ida");
    const res = await e.bridge.createItem(p.userId, "shopping", { value: "milk", status: "completed", appItemId: "app-milk" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);

    const t = await say("ida", "add milk to my shopping list");
    expect(t.request).toMatchObject({ type: "IntentRequest", intent: "AddItemsIntent" });
    expect(t.speech).toMatch(/milk was checked off; I put it back on your shopping list/i);
    const updated = await eventually("items.updated", () => itemHooks(p.userId, "alexa.list.items.updated").at(-1));
    expect(updated.data).toMatchObject({ source: "voice", items: [{ value: "milk", status: "active", version: 2, appItemId: "app-milk" }] });
    expect((await defaultList(p.userId, "shopping")).items).toEqual([expect.objectContaining({ value: "milk", status: "active", version: 2, appItemId: "app-milk" })]);
    await drainWebhooks("ida", p.userId);
    expect(itemHooks(p.userId, "alexa.list.items.created").filter((w) => w.data.items.some((i) => i.value === "milk"))).toEqual([]);
  }, TEST_MS);
});

describe("a long session", () => {
  /** What the skill store should hold: items with versions, and the voice undo stack (depth 20). */
  class Model {
    items: { value: string; status: "active" | "completed"; version: number }[] = [];
    undo: ({ kind: "add"; value: string; version: number } | { kind: "status"; value: string; version: number; prev: "active" | "completed" })[] = [];
    add(value: string): void {
      this.items.push({ value, status: "active", version: 1 });
      this.#remember({ kind: "add", value, version: 1 });
    }
    checkOff(value: string): void {
      const it = this.items.find((i) => i.value === value)!;
      if (it.status === "completed") return;
      it.status = "completed";
      it.version += 1;
      this.#remember({ kind: "status", value, version: it.version, prev: "active" });
    }
    revert(): void {
      const last = this.undo.pop();
      if (!last) return;
      const it = this.items.find((i) => i.value === last.value);
      // Undo leaves an item alone that changed since (src/space/skill-store.ts #unchanged).
      if (!it || it.version !== last.version) return;
      if (last.kind === "add") this.items = this.items.filter((i) => i !== it);
      else {
        it.status = last.prev;
        it.version += 1;
      }
    }
    #remember(entry: Model["undo"][number]): void {
      this.undo.push(entry);
      if (this.undo.length > 20) this.undo.shift();
    }
  }

  // Distinct vocabulary items, none a near match of another (no "did you mean" questions).
  const GROCERIES = [
    "eggs", "bread", "butter", "apples", "bananas", "coffee", "tea", "sugar", "flour", "rice", "pasta", "tomatoes",
    "potatoes", "onions", "chicken", "cereal", "salt", "oranges", "lemons", "grapes", "pineapple", "mango",
    "watermelon", "garlic", "carrots", "celery", "lettuce", "spinach", "broccoli", "mushrooms", "corn", "cabbage",
    "ginger", "basil", "bagels", "tortillas", "croissants", "crackers", "steak", "bacon", "salmon", "shrimp", "tuna",
    "spaghetti", "noodles", "vinegar", "ketchup", "mustard", "honey", "oatmeal", "cinnamon", "popcorn", "pretzels",
    "cookies", "almonds", "walnuts", "raisins", "diapers", "tissues", "napkins", "bleach", "sponges", "batteries",
  ];

  it("open the skill, then 99 turns (add, check off, read, more, undo) in one session: all 200, the session stays open, the lists end as the model", async () => {
    const p = await enabledPerson(e, "dan");
    const opened = await say("dan", "open list helper");
    expect(opened.request.type).toBe("LaunchRequest");
    expect(opened.sessionOpen).toBe(true);
    const sessionId = opened.sessionId;

    const model = new Model();
    const pattern = ["add", "add", "check", "read", "add", "more", "undo", "add", "check", "undo", "read", "add"] as const;
    let next = 0;
    let rnd = 7;
    const pick = <T>(xs: T[]): T => xs[(rnd = (rnd * 31 + 11) % 9973) % xs.length]!;
    for (let turn = 1; turn <= 99; turn++) {
      let step: (typeof pattern)[number] = pattern[turn % pattern.length]!;
      const active = model.items.filter((i) => i.status === "active");
      if (step === "add" && next >= GROCERIES.length) step = "read";
      if (step === "check" && active.length === 0) step = "read";
      let text: string;
      switch (step) {
        case "add": {
          const value = GROCERIES[next++]!;
          text = `add ${value} to my shopping list`;
          model.add(value);
          break;
        }
        case "check": {
          const value = pick(active).value;
          text = `check off ${value}`;
          model.checkOff(value);
          break;
        }
        case "read":
          text = "what's on my shopping list";
          break;
        case "more":
          text = "more";
          break;
        case "undo":
          text = "undo";
          model.revert();
          break;
      }
      const t = await say("dan", text);
      expect(t.sessionOpen, `turn ${turn} "${text}": ${t.speech}`).toBe(true);
      expect(t.sessionId, `turn ${turn}`).toBe(sessionId);
      expect(t.newSession).toBe(false);
      if (step === "read" && model.items.some((i) => i.status === "active")) expect(t.speech, `turn ${turn}`).toMatch(new RegExp(model.items.find((i) => i.status === "active")!.value, "i"));
    }
    const turns = emu().voiceLog({ person: "dan", limit: 200 }).filter((t) => t.sessionId === sessionId);
    expect(turns).toHaveLength(100);
    expect(turns.filter((t) => t.status !== 200)).toEqual([]);

    const shopping = await defaultList(p.userId, "shopping");
    const byValue = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);
    expect(shopping.items.map((i) => ({ value: i.value, status: i.status, version: i.version })).sort(byValue)).toEqual([...model.items].sort(byValue));
    expect(model.items.length).toBeGreaterThan(5);
    expect(model.items.some((i) => i.status === "completed")).toBe(true);
    expect((await defaultList(p.userId, "todo")).items).toEqual([]);
  }, LONG_TEST_MS);
});

describe("faults and recovery", () => {
  it("the app down for a while (503, then connection refused): the voice changes' webhooks arrive later, in order, each once", async () => {
    const p = await enabledPerson(e, "eve");
    const refusedBefore = e.stack.app.app.log.stats().refused;
    e.stack.app.app.outages.add({ mode: "503", count: 1 });
    e.stack.app.app.outages.add({ mode: "refuse", count: 1 });
    for (const v of ["apples", "bread", "cheese"]) await say("eve", `add ${v} to my shopping list`);
    // The Worker answered every turn while the app was down, from its own lists.
    expect((await defaultList(p.userId, "shopping")).items.map((i) => i.value)).toEqual(["apples", "bread", "cheese"]);

    const created = await eventually(
      "three items.created webhooks",
      () => {
        const hs = itemHooks(p.userId, "alexa.list.items.created");
        return hs.length === 3 ? hs : null;
      },
      RETRY_WAIT_MS,
      200,
    );
    expect(created.map((w) => w.data.items.map((i) => i.value))).toEqual([["apples"], ["bread"], ["cheese"]]);
    expect(created.map((w) => w.receipts)).toEqual([1, 1, 1]);
    expect(e.stack.app.app.outages.list()).toEqual([]);
    expect(e.stack.app.app.log.stats().refused - refusedBefore).toBe(2);
  }, TEST_MS);

  it("the Worker restarted mid-session: the lists survive, and the person goes on talking", async () => {
    const p = await enabledPerson(e, "fay");
    const opened = await say("fay", "open list helper");
    await say("fay", "add butter to my shopping list");
    await e.stack.restartWorker();
    const t = await say("fay", "what's on my shopping list");
    expect(t.sessionId).toBe(opened.sessionId);
    expect(t.speech).toMatch(/butter/i);
    await say("fay", "add sugar to my shopping list");
    expect((await defaultList(p.userId, "shopping")).items.map((i) => i.value)).toEqual(["butter", "sugar"]);
    await eventually("both webhooks", () => itemHooks(p.userId, "alexa.list.items.created").length === 2, RETRY_WAIT_MS);
  }, LONG_TEST_MS);
});

describe("skill lifecycle", () => {
  it("disable and re-enable: the old user's lists are erased (404), the new user id starts with empty shopping and to-do lists", async () => {
    const p = await enabledPerson(e, "gus");
    await say("gus", "add flour to my shopping list");
    expect((await defaultList(p.userId, "shopping")).items.map((i) => i.value)).toEqual(["flour"]);

    emu().disable("gus");
    await eventually("alexa.user.disabled", () => webhooks(e, p.userId, "alexa.user.disabled").length === 1);
    await eventually("old user erased", async () => {
      const res = await e.bridge.request<{ error: string }>("GET", ["users", p.userId, "lists"]);
      return res.status === 404 && res.body.error === "USER_NOT_FOUND";
    });

    const again = await enabledPerson(e, "gus");
    expect(again.userId).not.toBe(p.userId);
    const fresh = await lists(again.userId);
    expect(fresh.status).toBe(200);
    const kinds = fresh.lists.filter((l) => l.defaultKind !== null).map((l) => [l.defaultKind, l.items.length]).sort();
    expect(kinds).toEqual([
      ["shopping", 0],
      ["todo", 0],
    ]);
    const t = await say("gus", "what's on my shopping list");
    expect(t.userId).toBe(again.userId);
    expect(t.speech).not.toMatch(/flour/i);
  }, TEST_MS);
});

describe("German", () => {
  it("'füge Käse zur Einkaufsliste hinzu' (de-DE): Käse on the shopping list, a German answer, the webhook with source voice", async () => {
    const p = await enabledPerson(e, "hanna");
    const t = await say("hanna", "füge Käse zur Einkaufsliste hinzu", { locale: "de-DE" });
    expect(t.locale).toBe("de-DE");
    expect(t.request).toMatchObject({ type: "IntentRequest", intent: "AddItemsIntent" });
    expect(t.speech).toMatch(/Käse/);
    expect(t.speech).toMatch(/Einkaufsliste/);
    const hook = await eventually("items.created", () => itemHooks(p.userId, "alexa.list.items.created")[0]);
    expect(hook.data).toMatchObject({ defaultKind: "shopping", source: "voice", items: [{ value: "Käse", status: "active" }] });
    expect((await defaultList(p.userId, "shopping")).items.map((i) => i.value)).toEqual(["Käse"]);
  }, TEST_MS);
});

describe("whole lists and questions by voice", () => {
  it("en-US, en-GB and de-DE: list names without 'list', a missing list created on yes, tasks, questions, rename, clear with undo, delete on yes, a hint for a stray no", async () => {
    const named = async (userId: string, name: string) => (await lists(userId)).lists.find((l) => l.name === name);

    const us = await enabledPerson(e, "lena");
    await say("lena", "create a list called hardware store");
    expect((await say("lena", "add screws to hardware store")).speech).toMatch(/Added screws to your hardware store list/);
    expect((await named(us.userId, "hardware store"))?.items.map((i) => i.value)).toEqual(["screws"]);
    expect((await say("lena", "how many items are on my hardware store list")).speech).toMatch(/has 1 item/);
    expect((await say("lena", "is milk on my shopping list")).speech).toMatch(/^No, milk isn't on your shopping list/);
    const offer = await say("lena", "add nails to my garage list");
    expect(offer.speech).toMatch(/I don't have a garage list yet\. Should I create it and add nails\?/);
    expect(offer.sessionOpen).toBe(true);
    await say("lena", "yes");
    expect((await named(us.userId, "garage"))?.items.map((i) => i.value)).toEqual(["nails"]);
    expect((await say("lena", "remind me to call mom")).speech).toMatch(/not an Alexa reminder/);
    expect((await defaultList(us.userId, "todo")).items.map((i) => i.value)).toEqual(["call mom"]);
    expect((await say("lena", "clear my to do list")).speech).toMatch(/Remove the 1 item from your to-do list\?/);
    await say("lena", "yes");
    expect((await defaultList(us.userId, "todo")).items).toEqual([]);
    await say("lena", "undo");
    expect((await defaultList(us.userId, "todo")).items.map((i) => i.value)).toEqual(["call mom"]);
    expect((await say("lena", "delete my garage list")).speech).toMatch(/Delete your garage list with 1 item\?/);
    await say("lena", "yes");
    expect(await named(us.userId, "garage")).toBeUndefined();
    await eventually("list.deleted", () => webhooks(e, us.userId, "alexa.list.deleted").length > 0);
    expect((await say("lena", "no")).speech).toMatch(/no question open/);

    const gb = await enabledPerson(e, "olly");
    await say("olly", "create a list called garden", { locale: "en-GB" });
    await say("olly", "rename my garden list to allotment", { locale: "en-GB" });
    expect(await named(gb.userId, "allotment")).toBeDefined();
    await say("olly", "pop a trowel on allotment", { locale: "en-GB" });
    expect((await say("olly", "what's on all my lists", { locale: "en-GB" })).speech).toMatch(/Allotment list, 1 item: trowel\./);

    const de = await enabledPerson(e, "greta");
    await say("greta", "erstelle eine Liste namens Baumarkt", { locale: "de-DE" });
    await say("greta", "füge Schrauben zu Baumarkt hinzu", { locale: "de-DE" });
    expect((await named(de.userId, "Baumarkt"))?.items.map((i) => i.value)).toEqual(["Schrauben"]);
    expect((await say("greta", "lösche meine Baumarktliste", { locale: "de-DE" })).speech).toMatch(/Soll ich deine Liste Baumarkt mit einem Eintrag löschen\?/);
    await say("greta", "ja", { locale: "de-DE" });
    expect(await named(de.userId, "Baumarkt")).toBeUndefined();
  }, 120_000);
});
