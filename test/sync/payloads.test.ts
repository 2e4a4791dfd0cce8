import { describe, expect, it } from "vitest";
import { itemMoved, itemsChanged, itemsDeleted } from "../../src/sync/payloads.ts";

const SHOP = btoa("amzn1.account.X-SHOPPING_ITEM");
const TODO = btoa("amzn1.account.X-TASK");
const item = { id: "i", value: "milk", status: "active" as const, version: 2, createdTime: null, updatedTime: null, appItemId: null };

describe("webhook payloads", () => {
  it("name the default list kind from the list id", () => {
    expect(itemsChanged(SHOP, [item], "alexa-app").defaultKind).toBe("shopping");
    expect(itemsDeleted(TODO, ["i"], {}, "voice").defaultKind).toBe("todo");
    expect(itemsChanged("custom", [], "voice").defaultKind).toBeNull();
  });

  it("say where the change came from", () => {
    expect(itemsChanged(SHOP, [item], "voice").source).toBe("voice");
    expect(itemsDeleted(SHOP, ["i"], {}, "alexa-app").source).toBe("alexa-app");
  });

  it("a move carries both lists and the item", () => {
    expect(itemMoved(SHOP, "custom", item, "alexa-app")).toEqual({
      itemId: "i",
      fromListId: SHOP,
      toListId: "custom",
      fromDefaultKind: "shopping",
      toDefaultKind: null,
      item,
      source: "alexa-app",
    });
  });
});
