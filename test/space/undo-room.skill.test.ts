// Undo never takes a list past its 500 items (issue 23, point 3): the issue's
// trace (clear 300 checked-off items of a full list, the app fills it again,
// "undo") put 800 items on the list. Now undo puts back what fits and says
// so, or, with no room at all, answers that the list is full and keeps the
// change for an undo once there is room.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { personalSpaceId } from "../../src/space/space-id.ts";
import { LIMITS } from "../../src/voice/types.ts";
import { UNDO_ENTRY_MAX_BYTES } from "../../src/space/undo-journal.ts";
import { newUserId, T0 } from "../alexa-user/fakes.ts";
import { useFakes } from "../alexa-user/harness.ts";
import { Conversation, enabledUser, inPersonalSpace, values } from "./skill-harness.ts";

const { app } = useFakes();

/** App (REST) creates on the shopping list: no undo entry of their own. */
async function appCreates(userId: string, values: string[], status: "active" | "completed" = "active", appItemId?: (k: number) => string): Promise<void> {
  await inPersonalSpace(userId, (o) => {
    const store = o.store;
    for (const [k, value] of values.entries()) {
      const r = store.accept({ kind: "create", list: "shopping", value, status, ...(appItemId ? { appItemId: appItemId(k) } : {}) }, {}, T0);
      if ("outcome" in r && r.outcome === "refused") throw new Error(`create ${value}: ${r.code}`);
    }
  });
}

/**
 * Items in the `alexa.list.items.created` webhooks for `userId`, sent or still
 * queued (the app's 900 creates queue 900 `outbox.completed` ahead of them).
 */
async function createdItems(userId: string): Promise<number> {
  const count = (bodies: { data: Record<string, unknown> }[]): number => bodies.reduce((n, b) => n + (b.data.items as unknown[]).length, 0);
  return runInDurableObject(env.LIST_SPACES.getByName(await personalSpaceId(userId)), (_o, state) => {
    const queued = state.storage.sql
      .exec<{ body: string }>(`SELECT body FROM webhook_queue WHERE type = 'alexa.list.items.created'`)
      .toArray()
      .map((r) => JSON.parse(r.body) as { data: Record<string, unknown> });
    const sent = app.accepted().filter((b) => b.userId === userId && b.type === "alexa.list.items.created");
    return count(queued) + count(sent);
  });
}

/** App (REST) deletes of the first `count` shopping items. */
async function appDeletes(userId: string, count: number): Promise<void> {
  await inPersonalSpace(userId, (o) => {
    const store = o.store;
    const ids = store.viewFor({ kind: "voice", userId, appUserId: null }).items(store.listId("shopping")!).slice(0, count).map((i) => i.id);
    for (const itemRef of ids) store.accept({ kind: "delete", list: "shopping", itemRef }, {}, T0);
  });
}

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, k) => `${prefix} ${k}`);

describe("undo and the list's 500 items", () => {
  it("the issue's trace: undo of a clear on a list the app filled again is refused as full, then puts back what fits, never past 500", async () => {
    const c = new Conversation(newUserId("undo-room"));
    await enabledUser(c.userId);
    await appCreates(c.userId, range("kept", 200));
    await appCreates(c.userId, range("done", 300), "completed");
    expect((await c.intent("ClearCompletedIntent", {})).status).toBe(200);
    expect((await values(c.userId, "shopping")).length).toBe(200);
    await appCreates(c.userId, range("new", 300));

    // No room: the list-full answer, nothing put back, and the change stays to undo.
    const full = await c.intent("UndoIntent");
    expect(full.status).toBe(200);
    expect(full.ssml).toContain("Your shopping list is full: it holds at most 500 items.");
    expect((await values(c.userId, "shopping")).length).toBe(LIMITS.maxItemsPerList);

    // Room for 120 of the 300: those go back (the first ones), the answer says the rest didn't fit.
    await appDeletes(c.userId, 120);
    const before = await createdItems(c.userId);
    const partly = await c.intent("UndoIntent");
    expect(partly.ssml).toContain("Undone in part: done 0, done 1, done 2, done 3, done 4, done 5, done 6, done 7, done 8, done 9 and 110 more are back on your shopping list, but 180 items didn't fit: it holds at most 500 items.");
    const after = await values(c.userId, "shopping");
    expect(after.length).toBe(LIMITS.maxItemsPerList);
    expect(after.filter((v) => v.startsWith("done"))).toEqual(range("done", 120));
    expect(await values(c.userId, "shopping", "completed")).toEqual(range("done", 120));
    expect((await createdItems(c.userId)) - before).toBe(120);

    // The change is undone (taken from the journal): nothing is left to undo.
    expect((await c.intent("UndoIntent")).ssml).toContain("There's nothing to undo.");
    expect((await values(c.userId, "shopping")).length).toBe(LIMITS.maxItemsPerList);
  });

  it("when everything fits, undo of a remove is as before", async () => {
    const c = new Conversation(newUserId("undo-room-fits"));
    await enabledUser(c.userId);
    await appCreates(c.userId, range("x", 499));
    await c.intent("AddItemsIntent", { items: "milk" });
    await c.intent("RemoveItemIntent", { item: "milk" });
    const t = await c.intent("UndoIntent");
    expect(t.ssml).toContain("Undone: milk is back on your shopping list.");
    expect((await values(c.userId, "shopping")).length).toBe(500);
  });

  for (const [locale, full, partly] of [
    ["en-GB", "Your shopping list is full: it holds at most 500 items.", "Undone in part: done 0 is back on your shopping list, but 1 item didn't fit: it holds at most 500 items."],
    ["de-DE", "Deine Einkaufsliste ist voll: Sie fasst höchstens 500 Einträge.", "Nur zum Teil rückgängig gemacht: Ich habe done 0 wieder auf deine Einkaufsliste gesetzt, aber ein Eintrag passt nicht mehr darauf: Sie fasst höchstens 500 Einträge."],
  ] as const) {
    it(`${locale}: the full and the partial answer`, async () => {
      const c = new Conversation(newUserId(`undo-room-${locale}`), locale);
      await enabledUser(c.userId);
      await appCreates(c.userId, range("kept", 498));
      await appCreates(c.userId, range("done", 2), "completed");
      await c.intent("ClearCompletedIntent", {});
      await appCreates(c.userId, range("new", 2));
      expect((await c.intent("UndoIntent")).ssml).toContain(full);
      await appDeletes(c.userId, 1);
      expect((await c.intent("UndoIntent")).ssml).toContain(partly);
      expect((await values(c.userId, "shopping")).length).toBe(500);
    });
  }

  it("the largest undo entry (a clear of 500 items of 256 three-byte characters, each with such an app id) stays within the journal's bound, and undoes", async () => {
    const c = new Conversation(newUserId("undo-entry-size"));
    await enabledUser(c.userId);
    // 3-byte characters in UTF-8 (and JSON keeps them as they are): the most bytes 256 characters can take there.
    const long = (k: number, what: string): string => `${what} ${k} `.padEnd(LIMITS.maxValueLength, "€");
    await appCreates(c.userId, Array.from({ length: LIMITS.maxItemsPerList }, (_, k) => long(k, "item")), "completed", (k) => long(k, "app"));
    await c.intent("ClearCompletedIntent", {});
    expect((await values(c.userId, "shopping")).length).toBe(0);
    const bytes = await runInDurableObject(env.LIST_SPACES.getByName(await personalSpaceId(c.userId)), (_o, state) =>
      state.storage.sql.exec<{ n: number }>(`SELECT MAX(length(CAST(entry AS BLOB))) AS n FROM skill_undo`).one().n,
    );
    expect(bytes).toBeGreaterThan(LIMITS.maxItemsPerList * LIMITS.maxValueLength * 3 * 2);
    expect(bytes).toBeLessThan(900 * 1024);
    expect(bytes).toBeLessThanOrEqual(UNDO_ENTRY_MAX_BYTES);
    expect((await c.intent("UndoIntent")).ssml).toContain("Undone: the checked-off items are back on your shopping list.");
    expect((await values(c.userId, "shopping", "completed")).length).toBe(LIMITS.maxItemsPerList);
  });
});
