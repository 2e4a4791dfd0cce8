import { describe, expect, it } from "vitest";
import { isOwnCreateEcho, isOwnDeleteEcho, isOwnItemEcho, type OwnWrite } from "../../src/sync/echo.ts";

const writes: OwnWrite[] = [
  { itemId: "i1", listId: "L", version: 1 },
  { itemId: "i1", listId: "L", version: 2 },
  { itemId: "i2", listId: "L", version: null },
];

describe("echo suppression", () => {
  it("an item read back at a version the bridge wrote is an echo", () => {
    expect(isOwnItemEcho({ id: "i1", version: 1 }, "L", writes)).toBe(true);
    expect(isOwnItemEcho({ id: "i1", version: 2 }, "L", writes)).toBe(true);
  });

  it("a later version (a user edit) or another item is not", () => {
    expect(isOwnItemEcho({ id: "i1", version: 3 }, "L", writes)).toBe(false);
    expect(isOwnItemEcho({ id: "i3", version: 1 }, "L", writes)).toBe(false);
  });

  it("the same item and version read on another list (a person moved it) is not", () => {
    expect(isOwnItemEcho({ id: "i1", version: 2 }, "M", writes)).toBe(false);
  });

  it("a create's echo is one only where the object still knows the item (not moved away since, then back)", () => {
    expect(isOwnCreateEcho({ id: "i1", version: 1 }, "L", { knownListId: null, held: false }, writes)).toBe(true);
    expect(isOwnCreateEcho({ id: "i1", version: 1 }, "L", { knownListId: "L", held: false }, writes)).toBe(true);
    expect(isOwnCreateEcho({ id: "i1", version: 1 }, "L", { knownListId: "M", held: false }, writes)).toBe(false);
    expect(isOwnCreateEcho({ id: "i1", version: 1 }, "L", { knownListId: "L", held: true }, writes)).toBe(false);
  });

  it("a recorded delete never matches a created or updated item", () => {
    expect(isOwnItemEcho({ id: "i2", version: 0 }, "L", writes)).toBe(false);
  });

  it("a delete is an echo for the same item, on any list (a deleted item is gone from all; finding 14)", () => {
    expect(isOwnDeleteEcho("i2", "L", writes)).toBe(true);
    // The stale half of a move from M to L made before the bridge deleted the item on L.
    expect(isOwnDeleteEcho("i2", "M", writes)).toBe(true);
    expect(isOwnDeleteEcho("i1", "L", writes)).toBe(false);
  });
});
