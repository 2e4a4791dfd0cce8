// Whole lists by voice on the skill store (ALEXA_LISTS=skill): delete, rename,
// clear, and "create it and add nails", each asked first where items would go,
// heard by the app as webhooks with source "voice", and reverted by undo.
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/shared/list-store.ts";
import { LIMITS } from "../../src/voice/types.ts";
import { useFakes } from "../alexa-user/harness.ts";
import { Conversation, enabledUser, hooks, inPersonalSpace, lists, slot, values } from "./skill-harness.ts";
import { newUserId } from "../alexa-user/fakes.ts";

const { app } = useFakes();

async function person(tag: string, locale = "en-US"): Promise<Conversation> {
  const id = newUserId(tag);
  await enabledUser(id);
  return new Conversation(id, locale);
}

/** A person with a hardware store list holding nails and screws (sandpaper checked off). */
async function withHardware(tag: string): Promise<Conversation> {
  const c = await person(tag);
  await c.intent("CreateListIntent", { listName: "hardware store" });
  await c.intent("AddItemsIntent", { items: "nails and screws and sandpaper", list: "hardware store" });
  await c.intent("CheckOffItemIntent", { item: "sandpaper", list: "hardware store" });
  return c;
}

const names = async (userId: string) => (await lists(userId)).map((l) => l.name);

describe("deleting a list by voice", () => {
  it("asks with the item count, deletes on yes (the app hears alexa.list.deleted), and undo brings list and items back", async () => {
    const c = await withHardware("del");
    const q = await c.intent("DeleteListIntent", { list: "hardware store" });
    expect(q.ssml).toContain("Delete your hardware store list with 3 items?");
    expect(q.body.response?.shouldEndSession).toBe(false);
    expect(await names(c.userId)).toContain("hardware store");
    await c.intent("AMAZON.YesIntent");
    expect(await names(c.userId)).not.toContain("hardware store");
    const deleted = await hooks(app, c.userId, "alexa.list.deleted");
    expect(deleted.at(-1)!.data).toMatchObject({ source: "voice" });

    const undone = await c.intent("UndoIntent");
    expect(undone.ssml).toContain("Undone: your hardware store list is back.");
    expect(await values(c.userId, "hardware store", "active")).toEqual(["nails", "screws"]);
    expect(await values(c.userId, "hardware store", "completed")).toEqual(["sandpaper"]);
    expect((await hooks(app, c.userId, "alexa.list.created")).length).toBe(2);
  });

  it("no leaves the list alone; the shopping list cannot be deleted", async () => {
    const c = await withHardware("del-no");
    await c.intent("DeleteListIntent", { list: "hardware store" });
    const no = await c.intent("AMAZON.NoIntent");
    expect(no.ssml).toContain("Okay, I left it as it is.");
    expect(await values(c.userId, "hardware store")).toHaveLength(3);
    const shopping = await c.intent("DeleteListIntent", { list: slot("list", "shopping", "shopping") });
    expect(shopping.ssml).toContain("can't be deleted");
    expect((await lists(c.userId)).some((l) => l.defaultKind === "shopping")).toBe(true);
  });
});

describe("renaming and clearing by voice", () => {
  it("rename changes the name (alexa.list.updated), undo gives the old name back", async () => {
    const c = await withHardware("rename");
    const t = await c.intent("RenameListIntent", { list: "hardware store", listName: "tools" });
    expect(t.ssml).toContain("Your hardware store list is now called tools.");
    expect(await names(c.userId)).toContain("tools");
    expect((await hooks(app, c.userId, "alexa.list.updated")).at(-1)!.data).toMatchObject({ name: "tools", source: "voice" });
    await c.intent("UndoIntent");
    expect(await names(c.userId)).toContain("hardware store");
    expect(await values(c.userId, "hardware store")).toHaveLength(3);
  });

  it("clear asks first, then removes every item, checked off or not; undo brings them all back", async () => {
    const c = await withHardware("clear-all");
    const q = await c.intent("ClearListIntent", { list: "hardware store" });
    expect(q.ssml).toContain("Remove all 3 items from your hardware store list?");
    expect(await values(c.userId, "hardware store")).toHaveLength(3);
    await c.intent("AMAZON.YesIntent");
    expect(await values(c.userId, "hardware store")).toEqual([]);
    expect((await hooks(app, c.userId, "alexa.list.items.deleted")).at(-1)!.data).toMatchObject({ source: "voice" });
    await c.intent("UndoIntent");
    expect(await values(c.userId, "hardware store", "active")).toEqual(["nails", "screws"]);
    expect(await values(c.userId, "hardware store", "completed")).toEqual(["sandpaper"]);
  });
});

describe("adding to a list the person does not have", () => {
  it("offers to create it; yes creates it with the items in one change, and one undo takes both back", async () => {
    const c = await person("create-add");
    const q = await c.intent("AddItemsIntent", { items: "nails and glue", list: "garage" });
    expect(q.ssml).toContain("I don't have a garage list yet. Should I create it and add nails and glue?");
    expect(await names(c.userId)).not.toContain("garage");
    const yes = await c.intent("AMAZON.YesIntent");
    expect(yes.ssml).toContain("Created your garage list and added nails and glue.");
    expect(await values(c.userId, "garage")).toEqual(["nails", "glue"]);
    expect((await hooks(app, c.userId, "alexa.list.items.created")).at(-1)!.data).toMatchObject({ source: "voice", items: [{ value: "nails" }, { value: "glue" }] });
    await c.intent("UndoIntent");
    expect(await names(c.userId)).not.toContain("garage");
  });

  it("no adds nothing and creates nothing", async () => {
    const c = await person("create-add-no");
    await c.intent("AddItemsIntent", { items: "nails", list: "garage" });
    const no = await c.intent("AMAZON.NoIntent");
    expect(no.ssml).toContain("Okay, I didn't add anything.");
    expect(await names(c.userId)).not.toContain("garage");
    expect(await values(c.userId, "shopping")).toEqual([]);
  });

  it("German: 'zu Baumarkt' adds to the Baumarkt list the person has", async () => {
    const c = await person("de-zu", "de-DE");
    await c.intent("CreateListIntent", { listName: "Baumarkt" });
    await c.intent("AddItemsIntent", { items: "Schrauben zu Baumarkt" });
    expect(await values(c.userId, "Baumarkt")).toEqual(["Schrauben"]);
    expect(await values(c.userId, "shopping")).toEqual([]);
  });
});

describe("the store checks before it writes", () => {
  it("a createList with more items than fit is refused whole: no list is left behind", async () => {
    const c = await person("create-too-many");
    const refused = await inPersonalSpace(c.userId, (o) => {
      const store = o.store;
      try {
        store.applyVoice({ kind: "createList", name: "too many", values: Array.from({ length: LIMITS.maxItemsPerList + 1 }, (_, i) => `t${i}`) }, Date.now());
        return null;
      } catch (e) {
        return e instanceof StoreError ? e.code : String(e);
      }
    });
    expect(refused).toBe("LIST_FULL");
    expect(await names(c.userId)).not.toContain("too many");
  });
});
