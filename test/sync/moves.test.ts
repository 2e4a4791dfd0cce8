import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyCreated, classifyDeleted, DELETE_HOLD_MS, releaseHeldDelete } from "../../src/sync/moves.ts";

describe("classifyCreated", () => {
  it("a held delete on another list makes it a move (delete first)", () => {
    expect(classifyCreated("i", "B", "A", { listId: "A" })).toEqual({ kind: "moved", fromListId: "A", cancelHeld: true });
  });

  it("a known item on another list makes it a move (create first)", () => {
    expect(classifyCreated("i", "B", "A", null)).toEqual({ kind: "moved", fromListId: "A", cancelHeld: false });
  });

  it("an unknown item, or one known on the same list, is created", () => {
    expect(classifyCreated("i", "B", null, null)).toEqual({ kind: "created", cancelHeld: false });
    expect(classifyCreated("i", "B", "B", null)).toEqual({ kind: "created", cancelHeld: false });
  });

  it("deleted then created again on the same list cancels the held delete", () => {
    expect(classifyCreated("i", "B", "B", { listId: "B" })).toEqual({ kind: "created", cancelHeld: true });
  });
});

describe("classifyDeleted", () => {
  it("the bridge's own delete is an echo", () => {
    expect(classifyDeleted("A", "A", true, 0)).toEqual({ kind: "echo" });
  });
  it("an item living on another list is the tail of a move", () => {
    expect(classifyDeleted("A", "B", false, 0)).toEqual({ kind: "moved-away" });
  });
  it("anything else is held", () => {
    expect(classifyDeleted("A", "A", false, 1000)).toEqual({ kind: "hold", releaseAt: 1000 + DELETE_HOLD_MS });
    expect(classifyDeleted("A", null, false, 1000)).toEqual({ kind: "hold", releaseAt: 1000 + DELETE_HOLD_MS });
  });
});

describe("releaseHeldDelete", () => {
  it("sends unless the item turned up elsewhere", () => {
    expect(releaseHeldDelete({ listId: "A" }, null)).toBe("send");
    expect(releaseHeldDelete({ listId: "A" }, "A")).toBe("send");
    expect(releaseHeldDelete({ listId: "A" }, "B")).toBe("drop");
  });
});

/** Replays a move's two events in a given order through the pure decisions, with a tiny state. */
function replay(order: Array<"delete" | "create">, from: string, to: string) {
  let known: string | null = from;
  let held: { listId: string } | null = null;
  const out: string[] = [];
  for (const e of order) {
    if (e === "delete") {
      const d = classifyDeleted(from, known, false, 0);
      if (d.kind === "hold") held = { listId: from };
    } else {
      const c = classifyCreated("i", to, known, held);
      if (c.cancelHeld) held = null;
      known = to;
      out.push(c.kind === "moved" ? `moved:${c.fromListId}->${to}` : "created");
    }
  }
  if (held && releaseHeldDelete(held, known) === "send") out.push("deleted");
  return out;
}

describe("a move, in either order", () => {
  it("is reported as exactly one move", () => {
    fc.assert(
      fc.property(fc.constantFrom<Array<"delete" | "create">>(["delete", "create"], ["create", "delete"]), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (order, a, b) => {
        fc.pre(a !== b);
        expect(replay(order, a, b)).toEqual([`moved:${a}->${b}`]);
      }),
    );
  });
});
