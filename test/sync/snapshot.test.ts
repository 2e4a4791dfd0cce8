import { describe, expect, it } from "vitest";
import type { ListItem, ListMetadata } from "../../src/alexa/list-api.ts";
import { buildSnapshot, mergeItems } from "../../src/sync/snapshot.ts";

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
