// Voice on the skill store (ALEXA_LISTS=skill), through the Worker's dispatch
// into the user's object: what people say changes their lists, the app hears
// it as webhooks with source "voice", and every intent answers in every locale.
import { describe, expect, it, vi } from "vitest";
import { HANDLED_INTENTS, LOCALES } from "../../src/voice/intents.ts";
import { LIMITS } from "../../src/voice/types.ts";
import { UNDO_WINDOW_MS } from "../../src/space/undo-journal.ts";
import { clock, listEvent, newUserId, T0 } from "../alexa-user/fakes.ts";
import { send, useFakes } from "../alexa-user/harness.ts";
import { api, Conversation, enabledUser, hooks, inPersonalSpace, lists, slot, userPath, values } from "./skill-harness.ts";

const { app } = useFakes();

async function person(tag: string, locale = "en-US"): Promise<Conversation> {
  const id = newUserId(tag);
  await enabledUser(id);
  return new Conversation(id, locale);
}

/** Slot values that make sense for each custom intent, per language. */
const SAMPLE_SLOTS: Record<string, { en: Record<string, string>; de: Record<string, string> }> = {
  AddItemsIntent: { en: { items: "milk" }, de: { items: "Milch" } },
  RemoveItemIntent: { en: { item: "milk" }, de: { item: "Milch" } },
  CheckOffItemIntent: { en: { item: "milk" }, de: { item: "Milch" } },
  UncheckItemIntent: { en: { item: "milk" }, de: { item: "Milch" } },
  ReadListIntent: { en: {}, de: {} },
  ListListsIntent: { en: {}, de: {} },
  ClearCompletedIntent: { en: {}, de: {} },
  UndoIntent: { en: {}, de: {} },
  CreateListIntent: { en: { listName: "hardware" }, de: { listName: "Baumarkt" } },
  AnswerItemIntent: { en: { item: "milk" }, de: { item: "Milch" } },
  AddTaskIntent: { en: { task: "call mom" }, de: { task: "Mama anrufen" } },
  DeleteListIntent: { en: { list: "hardware" }, de: { list: "Baumarkt" } },
  RenameListIntent: { en: { list: "hardware", listName: "tools" }, de: { list: "Baumarkt", listName: "Werkzeug" } },
  ClearListIntent: { en: {}, de: {} },
  IsOnListIntent: { en: { item: "milk" }, de: { item: "Milch" } },
  CountItemsIntent: { en: {}, de: {} },
  ReadCompletedIntent: { en: {}, de: {} },
  ReadAllListsIntent: { en: {}, de: {} },
};

/** Well-formed XML (the SSML Alexa would parse): every tag closed, only escaped `&` and `<`. */
function wellFormedSsml(ssml: string): boolean {
  if (!/^<speak>[\s\S]*<\/speak>$/.test(ssml)) return false;
  const stack: string[] = [];
  for (const m of ssml.matchAll(/<(\/?)([a-zA-Z:-]+)[^<>]*?(\/?)>/g)) {
    if (m[3] === "/") continue;
    if (m[1] === "/") {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  const text = ssml.replace(/<[^<>]+>/g, "");
  return stack.length === 0 && !/[<>]/.test(text) && !/&(?!(amp|lt|gt|quot|apos);)/.test(text);
}

const ACTOR = (userId: string) => ({ kind: "voice" as const, userId, appUserId: null });

describe("every intent in every locale", () => {
  for (const locale of LOCALES) {
    it(`${locale}: each handled intent answers 200 with well-formed speech`, async () => {
      const c = await person(`all-${locale}`, locale);
      const lang = locale.startsWith("de") ? "de" : "en";
      expect((await c.launch()).status).toBe(200);
      for (const intent of HANDLED_INTENTS) {
        const t = await c.intent(intent, SAMPLE_SLOTS[intent]?.[lang] ?? {});
        expect(t.status, `${locale} ${intent}`).toBe(200);
        expect(t.body.version).toBe("1.0");
        if (intent !== "AMAZON.NavigateHomeIntent") expect(wellFormedSsml(t.ssml), `${locale} ${intent}: ${t.ssml}`).toBe(true);
        // A reprompt exactly when the session stays open.
        expect(t.body.response?.reprompt !== undefined, `${locale} ${intent}`).toBe(t.body.response?.shouldEndSession === false);
      }
      expect(await c.ended()).toMatchObject({ status: 200 });
    });
  }
});

describe("adding by voice", () => {
  it("'add milk eggs and bread to my shopping list' is three items, one webhook with source voice", async () => {
    const c = await person("add3");
    const t = await c.intent("AddItemsIntent", { items: "milk eggs and bread", list: slot("list", "shopping", "shopping") });
    expect(t.status).toBe(200);
    expect(t.ssml).toMatch(/milk[\s\S]*eggs[\s\S]*bread/);
    expect(await values(c.userId, "shopping")).toEqual(["milk", "eggs", "bread"]);
    const created = await hooks(app, c.userId, "alexa.list.items.created");
    expect(created).toHaveLength(1);
    expect(created[0]!.data).toMatchObject({ defaultKind: "shopping", source: "voice", items: [{ value: "milk" }, { value: "eggs" }, { value: "bread" }] });
  });

  it("the list left out goes to the shopping list; a to-do item goes to the to-do list", async () => {
    const c = await person("default-list");
    await c.intent("AddItemsIntent", { items: "butter" });
    await c.intent("AddItemsIntent", { items: "call mom", list: slot("list", "to do", "todo") });
    expect(await values(c.userId, "shopping")).toEqual(["butter"]);
    expect(await values(c.userId, "todo")).toEqual(["call mom"]);
  });

  it("item text is escaped for SSML: salt & <pepper> does not break the answer", async () => {
    const c = await person("ssml");
    const t = await c.intent("AddItemsIntent", { items: "salt & <pepper>" });
    expect(t.status).toBe(200);
    expect(wellFormedSsml(t.ssml)).toBe(true);
    expect(t.ssml).toContain("&lt;pepper&gt;");
    const read = await c.intent("ReadListIntent", {});
    expect(wellFormedSsml(read.ssml)).toBe(true);
  });

  it("German: 'füge Milch und Eier zur Einkaufsliste hinzu' adds two items", async () => {
    const c = await person("de", "de-DE");
    const t = await c.intent("AddItemsIntent", { items: "Milch und Eier", list: slot("list", "Einkaufsliste", "shopping") });
    expect(t.status).toBe(200);
    expect(await values(c.userId, "shopping")).toEqual(["Milch", "Eier"]);
  });

  it("a full list is explained, not a 5xx, and nothing is added", async () => {
    const c = await person("full");
    await inPersonalSpace(c.userId, (o) => {
      const store = o.store;
      const listId = store.listId("shopping")!;
      for (let i = 0; i < LIMITS.maxItemsPerList; i += 100) store.applyVoice({ kind: "add", listId, values: Array.from({ length: 100 }, (_, k) => `thing ${i + k}`) }, T0);
      return o.webhooks.drain();
    });
    const before = (await hooks(app, c.userId)).length;
    const t = await c.intent("AddItemsIntent", { items: "one more thing" });
    expect(t.status).toBe(200);
    expect(wellFormedSsml(t.ssml)).toBe(true);
    expect((await values(c.userId, "shopping")).length).toBe(LIMITS.maxItemsPerList);
    expect((await hooks(app, c.userId)).length).toBe(before);
  });
});

describe("adding what is there checked off", () => {
  /** The shopping list's items as the REST API shows them. */
  async function shopping(userId: string): Promise<{ id: string; value: string; status: string; version: number }[]> {
    return (await lists(userId)).find((l) => l.defaultKind === "shopping")!.items;
  }

  it("'add milk' with milk checked off puts that item back: the same id, version up, an updated webhook as an uncheck's, no second item", async () => {
    const c = await person("readd");
    await c.intent("AddItemsIntent", { items: "milk" });
    await c.intent("CheckOffItemIntent", { item: "milk" });
    const [before] = await shopping(c.userId);
    expect(before).toMatchObject({ status: "completed", version: 2 });
    const t = await c.intent("AddItemsIntent", { items: "milk", list: slot("list", "shopping", "shopping") });
    expect(t.ssml).toContain("Milk was checked off; I put it back on your shopping list.");
    expect(await shopping(c.userId)).toEqual([{ ...before, status: "active", version: 3 }]);
    expect(await hooks(app, c.userId, "alexa.list.items.created")).toHaveLength(1);
    const updated = (await hooks(app, c.userId, "alexa.list.items.updated")).at(-1)!;
    expect(updated.data).toMatchObject({ defaultKind: "shopping", source: "voice", items: [{ id: before!.id, value: "milk", status: "active", version: 3 }] });
  });

  it("undo checks it off again (and the app hears it); undo leaves it alone if the app changed it since", async () => {
    const c = await person("readd-undo");
    await c.intent("AddItemsIntent", { items: "milk" });
    await c.intent("CheckOffItemIntent", { item: "milk" });
    await c.intent("AddItemsIntent", { items: "milk" });
    const t = await c.intent("UndoIntent");
    expect(t.ssml).toContain("Undone: milk is checked off again.");
    expect(await shopping(c.userId)).toMatchObject([{ value: "milk", status: "completed", version: 4 }]);
    expect((await hooks(app, c.userId)).at(-1)).toMatchObject({ type: "alexa.list.items.updated", data: { source: "voice", items: [{ status: "completed", version: 4 }] } });

    await c.intent("AddItemsIntent", { items: "milk" });
    const [milk] = await shopping(c.userId);
    await api("PATCH", userPath(c.userId, `/lists/shopping/items/${milk!.id}`), { value: "oat milk" });
    await c.intent("UndoIntent");
    expect(await shopping(c.userId)).toMatchObject([{ value: "oat milk", status: "active", version: 6 }]);
  });

  it("'add milk, eggs and bread' with milk checked off and eggs there: bread created, milk put back, eggs alone; one answer, one undo", async () => {
    const c = await person("readd-mix");
    await c.intent("AddItemsIntent", { items: "milk and eggs" });
    await c.intent("CheckOffItemIntent", { item: "milk" });
    const before = (await hooks(app, c.userId)).length;
    const t = await c.intent("AddItemsIntent", { items: "milk eggs and bread" });
    expect(t.ssml).toContain("Added bread to your shopping list. Milk was checked off; I put it back. Eggs were already on it.");
    expect(await shopping(c.userId)).toMatchObject([
      { value: "milk", status: "active", version: 3 },
      { value: "eggs", status: "active", version: 1 },
      { value: "bread", status: "active", version: 1 },
    ]);
    const turn = (await hooks(app, c.userId)).slice(before).map((h) => [h.type, h.data.source, (h.data.items as { value: string }[]).map((i) => i.value)]);
    expect(turn).toEqual([
      ["alexa.list.items.created", "voice", ["bread"]],
      ["alexa.list.items.updated", "voice", ["milk"]],
    ]);
    const undone = await c.intent("UndoIntent");
    expect(undone.ssml).toContain("Undone: I took bread off your shopping list again, and milk is checked off again.");
    // (Active items first, as the REST API lists them.)
    expect(await shopping(c.userId)).toMatchObject([
      { value: "eggs", status: "active", version: 1 },
      { value: "milk", status: "completed", version: 4 },
    ]);
    // Further back: the check-off, then the first add; both leave milk alone, changed since (version 4).
    await c.intent("UndoIntent");
    await c.intent("UndoIntent");
    expect(await shopping(c.userId)).toMatchObject([{ value: "milk", status: "completed", version: 4 }]);
  });

  it("an active milk and a checked-off one: the active one wins and nothing changes", async () => {
    const c = await person("readd-both");
    await api("POST", userPath(c.userId, "/lists/shopping/items"), { value: "milk", status: "completed" });
    await api("POST", userPath(c.userId, "/lists/shopping/items"), { value: "milk" });
    const before = await shopping(c.userId);
    const t = await c.intent("AddItemsIntent", { items: "milk" });
    expect(t.ssml).toContain("Milk was already on your shopping list.");
    expect(await shopping(c.userId)).toEqual(before);
    expect(await hooks(app, c.userId, "alexa.list.items.updated")).toEqual([]);
  });

  it("German: 'füge Milch hinzu' with Milch checked off answers in German and puts it back", async () => {
    const c = await person("readd-de", "de-DE");
    await c.intent("AddItemsIntent", { items: "Milch" });
    await c.intent("CheckOffItemIntent", { item: "Milch" });
    const t = await c.intent("AddItemsIntent", { items: "Milch" });
    expect(t.ssml).toContain("Milch hattest du auf deiner Einkaufsliste abgehakt; ich habe den Haken entfernt.");
    expect(await values(c.userId, "shopping", "active")).toEqual(["Milch"]);
  });

  it("applyVoice puts back only checked-off items of that list; otherwise nothing changes and nothing is kept for undo", async () => {
    const c = await person("readd-store");
    await c.intent("AddItemsIntent", { items: "milk" });
    await c.intent("AddItemsIntent", { items: "call mom", list: slot("list", "to do", "todo") });
    await c.intent("CheckOffItemIntent", { item: "call mom" });
    const before = await lists(c.userId);
    await inPersonalSpace(c.userId, (o) => {
      const store = o.store;
      const shoppingId = store.listId("shopping")!;
      const [milk] = store.viewFor(ACTOR(c.userId)).items(shoppingId);
      const [callMom] = store.viewFor(ACTOR(c.userId)).items(store.listId("todo")!);
      const last = store.viewFor(ACTOR(c.userId)).lastChange();
      // milk is active; call mom is on another list.
      store.applyVoice({ kind: "add", listId: shoppingId, values: [], reactivateIds: [milk!.id, callMom!.id, "itm_unknown"] }, T0);
      expect(store.viewFor(ACTOR(c.userId)).lastChange()).toEqual(last);
    });
    expect(await lists(c.userId)).toEqual(before);
  });
});

describe("changing and reading by voice", () => {
  it("the app adds by REST; the person hears it read back, with a card", async () => {
    const c = await person("read");
    await api("POST", userPath(c.userId, "/lists/shopping/items"), { value: "coffee" });
    const t = await c.intent("ReadListIntent", { list: slot("list", "shopping", "shopping") });
    expect(t.ssml).toContain("coffee");
    expect(t.body.response?.card).toMatchObject({ type: "Simple", content: expect.stringContaining("coffee") });
  });

  it("check off, uncheck and remove: item webhooks with source voice", async () => {
    const c = await person("edit");
    await c.intent("AddItemsIntent", { items: "bananas" });
    await c.intent("CheckOffItemIntent", { item: "banana" });
    expect(await values(c.userId, "shopping", "completed")).toEqual(["bananas"]);
    await c.intent("UncheckItemIntent", { item: "bananas" });
    expect(await values(c.userId, "shopping", "active")).toEqual(["bananas"]);
    await c.intent("RemoveItemIntent", { item: "the bananas" });
    expect(await values(c.userId, "shopping")).toEqual([]);
    const types = (await hooks(app, c.userId)).filter((h) => h.type.startsWith("alexa.list.")).map((h) => [h.type, h.data.source]);
    expect(types).toEqual([
      ["alexa.list.items.created", "voice"],
      ["alexa.list.items.updated", "voice"],
      ["alexa.list.items.updated", "voice"],
      ["alexa.list.items.deleted", "voice"],
    ]);
  });

  it("two close candidates: a question, answered in the same session", async () => {
    const c = await person("which");
    await c.intent("AddItemsIntent", { items: "oat milk and almond milk" });
    const q = await c.intent("RemoveItemIntent", { item: "milk" });
    expect(q.body.response?.shouldEndSession).toBe(false);
    expect(q.ssml).toMatch(/oat milk[\s\S]*almond milk|almond milk[\s\S]*oat milk/i);
    expect(await values(c.userId, "shopping")).toEqual(["oat milk", "almond milk"]);
    await c.intent("AnswerItemIntent", { item: "oat milk" });
    expect(await values(c.userId, "shopping")).toEqual(["almond milk"]);
  });

  it("undo reverts the last voice change, and the app hears it", async () => {
    const c = await person("undo");
    await c.intent("AddItemsIntent", { items: "cheese" });
    await c.intent("UndoIntent");
    expect(await values(c.userId, "shopping")).toEqual([]);
    const last = (await hooks(app, c.userId)).at(-1)!;
    expect(last).toMatchObject({ type: "alexa.list.items.deleted", data: { source: "voice" } });
    const nothing = await c.intent("UndoIntent");
    expect(nothing.status).toBe(200);
  });

  it("undo after undo goes further back; an hour on there is nothing left to undo", async () => {
    const c = await person("undo-journal");
    await c.intent("AddItemsIntent", { items: "cheese" });
    await c.intent("AddItemsIntent", { items: "butter" });
    await c.intent("UndoIntent");
    await c.intent("UndoIntent");
    expect(await values(c.userId, "shopping")).toEqual([]);
    await c.intent("AddItemsIntent", { items: "tea" });
    clock.t += UNDO_WINDOW_MS;
    const late = await c.intent("UndoIntent");
    expect(late.ssml).toContain("There's nothing to undo.");
    expect(await values(c.userId, "shopping")).toEqual(["tea"]);
  });

  it("clear completed removes the checked-off items only", async () => {
    const c = await person("clear");
    await c.intent("AddItemsIntent", { items: "rice and pasta" });
    await c.intent("CheckOffItemIntent", { item: "rice" });
    await c.intent("ClearCompletedIntent", {});
    expect(await values(c.userId, "shopping")).toEqual(["pasta"]);
  });

  it("a list created by voice is a list the app hears of and can be added to by name", async () => {
    const c = await person("create-list");
    await c.intent("CreateListIntent", { listName: "hardware store" });
    const created = await hooks(app, c.userId, "alexa.list.created");
    expect(created[0]!.data).toMatchObject({ name: expect.stringMatching(/hardware store/i), source: "voice", defaultKind: null });
    await c.intent("AddItemsIntent", { items: "screws", list: "hardware store" });
    expect(await values(c.userId, created[0]!.data.name as string)).toEqual(["screws"]);
  });

  it("a long list is read in part, within Alexa's limits, and 'more' goes on", async () => {
    const c = await person("long");
    await inPersonalSpace(c.userId, (o) => {
      const store = o.store;
      const listId = store.listId("shopping")!;
      for (let i = 0; i < 500; i += 100) store.applyVoice({ kind: "add", listId, values: Array.from({ length: 100 }, (_, k) => `${"long item & <name> ".repeat(12)}${i + k}`.slice(0, 256)) }, T0);
    });
    await c.launch();
    const t = await c.intent("ReadListIntent", {});
    expect(JSON.stringify(t.body).length).toBeLessThanOrEqual(24 * 1024);
    expect(t.ssml.length).toBeLessThanOrEqual(8000);
    expect(wellFormedSsml(t.ssml)).toBe(true);
    const more = await c.intent("AMAZON.MoreIntent");
    expect(more.ssml).not.toBe(t.ssml);
    expect(wellFormedSsml(more.ssml)).toBe(true);
  });
});

describe("voice and the app on the same item", () => {
  it("converge by version: the app renames, the person checks it off, the app sees the later version", async () => {
    const c = await person("converge");
    const created = await api("POST", userPath(c.userId, "/lists/shopping/items"), { value: "milk", appItemId: "app-1" });
    expect(created.body).toMatchObject({ result: { version: 1 } });
    const renamed = await api("PATCH", userPath(c.userId, "/lists/shopping/items/app-1"), { value: "oat milk" });
    expect(renamed.body).toMatchObject({ result: { version: 2, item: { value: "oat milk" } } });
    await c.intent("CheckOffItemIntent", { item: "oat milk" });
    const updated = (await hooks(app, c.userId, "alexa.list.items.updated")).at(-1)!;
    expect(updated.data).toMatchObject({ source: "voice", items: [{ value: "oat milk", status: "completed", version: 3, appItemId: "app-1" }] });
    // The app deletes it; a later voice check-off finds nothing and says so.
    await api("DELETE", userPath(c.userId, "/lists/shopping/items/app-1"));
    const t = await c.intent("UncheckItemIntent", { item: "oat milk" });
    expect(t.status).toBe(200);
    expect(await values(c.userId, "shopping")).toEqual([]);
  });
});

describe("the object's bookkeeping", () => {
  it("a 100-turn session keeps answering and leaves the lists as said", async () => {
    const c = await person("hundred");
    await c.launch();
    for (let i = 0; i < 50; i++) {
      expect((await c.intent("AddItemsIntent", { items: `thing ${i}` })).status).toBe(200);
      expect((await c.intent(i % 2 === 0 ? "CheckOffItemIntent" : "ReadListIntent", i % 2 === 0 ? { item: `thing ${i}` } : {})).status).toBe(200);
    }
    expect((await values(c.userId, "shopping")).length).toBe(50);
    expect((await values(c.userId, "shopping", "completed")).length).toBe(25);
  });

  it("household list events are acknowledged without effect", async () => {
    const c = await person("no-household");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const r = await send(listEvent(c.userId, "ItemsCreated", { listId: "x", listItemIds: ["i1"] }));
    expect(r.status).toBe(200);
    expect(warn).toHaveBeenCalled();
    expect(await hooks(app, c.userId, "alexa.list.items.created")).toEqual([]);
  });

  it("an intent request without an intent is answered, never a 5xx", async () => {
    const c = await person("broken");
    const t = await c.intent("", {});
    expect(t.status).toBe(200);
  });
});
