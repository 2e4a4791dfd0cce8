import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ListItem, ListMetadata } from "../../src/alexa/list-api.ts";
import { buildSnapshot, mergeItems, splitSnapshot, type SnapshotData, type SnapshotPart } from "../../src/sync/snapshot.ts";

const item = (id: string, version: number, status: "active" | "completed" = "active"): ListItem => ({
  id,
  value: `v-${id}`,
  status,
  version,
  createdTime: "2030-01-01T00:00:00.000Z",
  updatedTime: null,
});
const meta = (listId: string, defaultKind: ListMetadata["defaultKind"]): ListMetadata => ({
  listId,
  name: `name-${listId}`,
  state: "active",
  version: 3,
  defaultKind,
  statusMap: [{ href: "/x", status: "active" }],
});

describe("mergeItems", () => {
  it("keeps one entry per id, the higher version", () => {
    const merged = mergeItems([item("a", 1), item("b", 1)], [item("a", 2, "completed"), item("c", 1, "completed")]);
    expect(merged.map((i) => [i.id, i.version, i.status])).toEqual([
      ["a", 2, "completed"],
      ["b", 1, "active"],
      ["c", 1, "completed"],
    ]);
  });
});

describe("buildSnapshot", () => {
  it("lists every list with its items, the app ids known, and no links", () => {
    const snap = buildSnapshot(
      [
        { metadata: meta("S", "shopping"), active: [item("a", 1)], completed: [item("b", 4, "completed")] },
        { metadata: meta("C", null), active: [], completed: [] },
      ],
      (id) => (id === "a" ? "app-a" : null),
      "op_9",
      Date.UTC(2030, 0, 2),
    );
    expect(snap).toEqual({
      syncedAt: "2030-01-02T00:00:00.000Z",
      opId: "op_9",
      lists: [
        {
          listId: "S",
          name: "name-S",
          state: "active",
          version: 3,
          defaultKind: "shopping",
          items: [
            { id: "a", value: "v-a", status: "active", version: 1, createdTime: "2030-01-01T00:00:00.000Z", updatedTime: null, appItemId: "app-a" },
            { id: "b", value: "v-b", status: "completed", version: 4, createdTime: "2030-01-01T00:00:00.000Z", updatedTime: null, appItemId: null },
          ],
        },
        { listId: "C", name: "name-C", state: "active", version: 3, defaultKind: null, items: [] },
      ],
    });
  });
});

describe("splitSnapshot", () => {
  const bytes = (v: unknown): number => new TextEncoder().encode(JSON.stringify(v)).byteLength;
  const snapshotOf = (sizes: number[], valueLength = 20): SnapshotData =>
    buildSnapshot(
      sizes.map((n, l) => ({
        metadata: meta(`L${l}`, null),
        active: Array.from({ length: n }, (_, i) => ({ ...item(`${l}-${i}`, 1), value: "é".repeat(valueLength) })),
        completed: [],
      })),
      () => null,
      "op_s",
      Date.UTC(2030, 0, 2),
    );
  /** The lists back from the parts: entries of one list joined, in order. */
  const reassemble = (parts: SnapshotPart[]) => {
    const out = new Map<string, string[]>();
    for (const e of parts.flatMap((p) => p.lists)) out.set(e.listId, [...(out.get(e.listId) ?? []), ...e.items.map((i) => i.id)]);
    return [...out].map(([listId, ids]) => ({ listId, ids }));
  };
  const original = (s: SnapshotData) => s.lists.map((l) => ({ listId: l.listId, ids: l.items.map((i) => i.id) }));

  it("a snapshot within the bound is one part (part 1 of 1), lists untouched", () => {
    const snap = snapshotOf([2, 0]);
    expect(splitSnapshot(snap)).toEqual([{ syncedAt: snap.syncedAt, opId: "op_s", part: 1, parts: 1, lists: snap.lists }]);
    expect(splitSnapshot(snapshotOf([]))).toEqual([{ syncedAt: snap.syncedAt, opId: "op_s", part: 1, parts: 1, lists: [] }]);
  });

  it("packs whole lists in order, and cuts a list too big alone by items (itemsPart/itemsParts)", () => {
    const snap = snapshotOf([3, 3, 40, 1]);
    const max = 3000;
    const parts = splitSnapshot(snap, max);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(max);
    expect(parts.map((p) => [p.part, p.parts])).toEqual(parts.map((_p, i) => [i + 1, parts.length]));
    const entries = parts.flatMap((p) => p.lists);
    const big = entries.filter((e) => e.listId === "L2");
    expect(big.length).toBeGreaterThan(1);
    expect(big.map((e) => [e.itemsPart, e.itemsParts])).toEqual(big.map((_e, i) => [i + 1, big.length]));
    expect(big.every((e) => e.name === "name-L2" && e.version === 3)).toBe(true);
    expect(entries.filter((e) => e.listId !== "L2").map((e) => Object.keys(e))).toEqual(
      [0, 1, 3].map(() => ["listId", "name", "state", "version", "defaultKind", "items"]),
    );
    expect(reassemble(parts)).toEqual(original(snap));
  });

  it("any snapshot: every part within the bound, and the parts give back exactly the snapshot", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(30), { maxLength: 12 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1500, max: 6000 }), (sizes, len, max) => {
        const snap = snapshotOf(sizes, len);
        const parts = splitSnapshot(snap, max);
        for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(max);
        expect(reassemble(parts)).toEqual(original(snap));
        expect(parts.every((p) => p.syncedAt === snap.syncedAt && p.opId === snap.opId && p.parts === parts.length)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
