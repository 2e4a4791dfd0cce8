import { describe, expect, it } from "vitest";
import type { ListItem } from "../../src/alexa/list-api.ts";
import { ADOPT_CLOCK_SKEW_MS, pickAdoptable } from "../../src/sync/adopt.ts";

const T = Date.UTC(2031, 5, 1, 8, 0, 0);
const at = (ms: number): string => new Date(ms).toISOString();
const item = (id: string, value: string, createdMs: number | null): ListItem => ({
  id,
  value,
  status: "active",
  version: 1,
  createdTime: createdMs === null ? null : at(createdMs),
  updatedTime: null,
});
const attempt = { value: "milk", attemptedAt: T };
const nobody = (): boolean => false;

describe("pickAdoptable", () => {
  it("adopts the item with the same value created since the attempt", () => {
    const mine = item("b", "milk", T + 800);
    expect(pickAdoptable([item("a", "eggs", T + 500), mine], attempt, nobody)).toBe(mine);
  });

  it("allows the clock-skew allowance before the attempt, and nothing earlier", () => {
    expect(pickAdoptable([item("a", "milk", T - ADOPT_CLOCK_SKEW_MS)], attempt, nobody)?.id).toBe("a");
    expect(pickAdoptable([item("a", "milk", T - ADOPT_CLOCK_SKEW_MS - 1000)], attempt, nobody)).toBeNull();
  });

  it("never adopts a claimed item, a different value (case and spaces count), or an item without a creation time", () => {
    const candidates = [item("a", "milk", T + 1), item("b", "Milk", T + 2), item("c", "milk ", T + 3), item("d", "milk", null)];
    expect(pickAdoptable(candidates, attempt, (id) => id === "a")).toBeNull();
  });

  it("of several, the earliest created wins (ties: the lowest id), whatever the order read", () => {
    const late = item("z", "milk", T + 5000);
    const early1 = item("m", "milk", T + 1000);
    const early2 = item("k", "milk", T + 1000);
    expect(pickAdoptable([late, early1, early2], attempt, nobody)).toBe(early2);
  });

  it("nothing to adopt in an empty list", () => {
    expect(pickAdoptable([], attempt, nobody)).toBeNull();
  });
});
