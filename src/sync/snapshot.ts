/**
 * @module sync/snapshot
 * Builds the `alexa.list.snapshot` webhook of a full sync from the lists read
 * through the List API (each list's active and completed items), without I/O.
 * An item read under both statuses (it changed while the two pages were read)
 * appears once, at its higher version.
 */
import type { ListItem, ListMetadata } from "../alexa/list-api.ts";
import { listData, webhookItem, type ListData, type WebhookItem } from "./payloads.ts";

/** One list as read by a sync. */
export interface ReadList {
  metadata: ListMetadata;
  active: ListItem[];
  completed: ListItem[];
}

/** `alexa.list.snapshot`. */
export interface SnapshotData {
  /** ISO 8601: when the sync finished reading. */
  syncedAt: string;
  /** The operation that asked for the sync. */
  opId: string;
  lists: Array<ListData & { items: WebhookItem[] }>;
}

/**
 * @example
 * buildSnapshot([{ metadata, active, completed }], (id) => appIds.get(id) ?? null, "op_1", now);
 */
export function buildSnapshot(
  lists: readonly ReadList[],
  appItemIdOf: (alexaItemId: string) => string | null,
  opId: string,
  now: number,
): SnapshotData {
  return {
    syncedAt: new Date(now).toISOString(),
    opId,
    lists: lists.map((l) => ({ ...listData(l.metadata), items: mergeItems(l.active, l.completed).map((i) => webhookItem(i, appItemIdOf(i.id))) })),
  };
}

/**
 * Active then completed items, one entry per id (the higher version wins).
 * @example mergeItems([a1], [a1v2, c1]) // [a1v2, c1]
 */
export function mergeItems(active: readonly ListItem[], completed: readonly ListItem[]): ListItem[] {
  const byId = new Map<string, ListItem>();
  for (const item of [...active, ...completed]) {
    const seen = byId.get(item.id);
    if (!seen || item.version > seen.version) byId.set(item.id, item);
  }
  return [...byId.values()];
}
