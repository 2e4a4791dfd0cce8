import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { ItemMap, migrateItemMap } from "../../src/alexa-user/item-map.ts";
import { newUserId } from "./fakes.ts";

function withMap(fn: (m: ItemMap) => void): Promise<void> {
  return runInDurableObject(env.ALEXA_USER.getByName(newUserId("map")), (_i: AlexaUser, state) => {
    migrateItemMap(state.storage.sql);
    fn(new ItemMap(state.storage.sql));
  });
}

describe("ItemMap", () => {
  it("resolves an itemRef by the app's id first, then by the Alexa id", () =>
    withMap((m) => {
      m.upsert({ alexaItemId: "a1", listId: "L", version: 1, appItemId: "app-1" }, 1);
      m.upsert({ alexaItemId: "app-1", listId: "M", version: 1 }, 1);
      expect(m.resolveRef("app-1")?.alexaItemId).toBe("a1");
      expect(m.resolveRef("a1")?.appItemId).toBe("app-1");
      expect(m.resolveRef("zzz")).toBeNull();
    }));

  it("an update without appItemId keeps it; a move changes the list; version null keeps the version", () =>
    withMap((m) => {
      m.upsert({ alexaItemId: "a1", listId: "L", version: 1, appItemId: "app-1" }, 1);
      m.upsert({ alexaItemId: "a1", listId: "M", version: null }, 2);
      expect(m.byAlexaId("a1")).toEqual({ alexaItemId: "a1", listId: "M", appItemId: "app-1", version: 1, updatedAt: 2 });
      m.upsert({ alexaItemId: "a1", listId: "M", version: 5, appItemId: null }, 3);
      expect(m.byAlexaId("a1")?.appItemId).toBeNull();
    }));

  it("an app id moves to the item that claims it last", () =>
    withMap((m) => {
      m.upsert({ alexaItemId: "a1", listId: "L", version: 1, appItemId: "app-1" }, 1);
      m.upsert({ alexaItemId: "a2", listId: "L", version: 1, appItemId: "app-1" }, 2);
      expect(m.byAppId("app-1")?.alexaItemId).toBe("a2");
      expect(m.byAlexaId("a1")?.appItemId).toBeNull();
    }));

  it("lists and removes", () =>
    withMap((m) => {
      m.upsert({ alexaItemId: "a1", listId: "L", version: 1 }, 1);
      m.upsert({ alexaItemId: "a2", listId: "M", version: 1 }, 1);
      expect(m.itemsOnList("L").map((i) => i.alexaItemId)).toEqual(["a1"]);
      m.remove("a1");
      expect(m.all().map((i) => i.alexaItemId)).toEqual(["a2"]);
    }));
});
