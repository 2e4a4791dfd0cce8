/**
 * @module sync/snapshot
 * Builds the `alexa.list.snapshot` webhook of a full sync from the lists read
 * through the List API (each list's active and completed items), without I/O.
 * An item read under both statuses (it changed while the two pages were read)
 * appears once, at its higher version.
 *
 * Size: each webhook is one SQLite row of the user's Durable Object, and rows
 * are capped at about 2 MB; 100 lists of many items exceed that, the insert
 * would throw, and the sync could never be delivered. {@link splitSnapshot}
 * therefore cuts a snapshot into parts whose `data` is at most
 * {@link SNAPSHOT_PART_MAX_BYTES} as UTF-8 JSON: `{syncedAt, opId, part, parts,
 * lists}` (1-based `part` of `parts`, also when there is one). Lists stay
 * whole and in order; a list too big for a part on its own is cut into
 * consecutive entries of its items, each carrying the list's fields plus
 * `itemsPart`/`itemsParts`. Trade-off: parts are packed greedily in order, not
 * optimally, so the app can reassemble by simply concatenating.
 */
import type { ListItem, ListMetadata } from "../alexa/list-api.ts";
import { listData, webhookItem, type ListData, type WebhookItem } from "./payloads.ts";
import { WEBHOOK_DATA_MAX_BYTES } from "./split.ts";

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
 * Largest `data` of one snapshot webhook, in bytes of UTF-8 JSON: the bound
 * of every webhook's `data` (src/sync/split.ts), so that the whole body stays
 * within 512 KiB, a quarter of the row cap.
 */
export const SNAPSHOT_PART_MAX_BYTES = WEBHOOK_DATA_MAX_BYTES;

/** One list (or, for a list too big for a part, one run of its items) in a snapshot part. */
export type SnapshotListEntry = ListData & { itemsPart?: number; itemsParts?: number; items: WebhookItem[] };

/** `alexa.list.snapshot` as sent: one part of a snapshot. */
export interface SnapshotPart {
  syncedAt: string;
  opId: string;
  /** 1-based. */
  part: number;
  parts: number;
  lists: SnapshotListEntry[];
}

/** Room reserved for a part or item counter (up to six digits, more than enough). */
const COUNTER = 999_999;

/**
 * Cuts a snapshot into parts of at most `maxBytes` of JSON each, in order (at
 * least one part, even with no lists). An entry that cannot be cut further
 * (a single item with its list's fields) larger than `maxBytes` gets a part of
 * its own; with item values capped at 256 characters by Amazon, that needs a
 * bound far below any sensible one.
 * @example
 * for (const part of splitSnapshot(buildSnapshot(lists, appIdOf, opId, now))) webhooks.enqueue("alexa.list.snapshot", part);
 */
export function splitSnapshot(snapshot: SnapshotData, maxBytes: number = SNAPSHOT_PART_MAX_BYTES): SnapshotPart[] {
  const overhead = byteLength({ syncedAt: snapshot.syncedAt, opId: snapshot.opId, part: COUNTER, parts: COUNTER, lists: [] });
  const budget = maxBytes - overhead;
  const entries: Array<{ entry: SnapshotListEntry; size: number }> = [];
  for (const list of snapshot.lists) {
    const size = byteLength(list);
    if (size <= budget) entries.push({ entry: list, size });
    else entries.push(...splitList(list, budget));
  }

  let group: SnapshotListEntry[] = [];
  const groups = [group];
  let used = 0;
  for (const { entry, size } of entries) {
    if (group.length > 0 && used + 1 + size > budget) {
      group = [];
      groups.push(group);
      used = 0;
    }
    used += (group.length > 0 ? 1 : 0) + size; // 1: the comma
    group.push(entry);
  }
  return groups.map((lists, i) => ({ syncedAt: snapshot.syncedAt, opId: snapshot.opId, part: i + 1, parts: groups.length, lists }));
}

/** A list's items in consecutive runs, each run with the list's fields, within `budget`. */
function splitList(list: SnapshotData["lists"][number], budget: number): Array<{ entry: SnapshotListEntry; size: number }> {
  const { items, ...fields } = list;
  const base = byteLength({ ...fields, itemsPart: COUNTER, itemsParts: COUNTER, items: [] });
  const runs: Array<{ items: WebhookItem[]; size: number }> = [{ items: [], size: base }];
  for (const item of items) {
    const itemSize = byteLength(item);
    let run = runs.at(-1)!;
    if (run.items.length > 0 && run.size + 1 + itemSize > budget) {
      run = { items: [], size: base };
      runs.push(run);
    }
    run.size += itemSize + (run.items.length > 0 ? 1 : 0);
    run.items.push(item);
  }
  return runs.map((run, i) => ({ entry: { ...fields, itemsPart: i + 1, itemsParts: runs.length, items: run.items }, size: run.size }));
}

function byteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
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
