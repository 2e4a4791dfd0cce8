/**
 * @module alexa-user/inbound/full-sync
 * The two halves of a full sync (`kind:"sync"`, also the periodic
 * reconciliation): {@link readHousehold} reads every list, active and
 * completed items, through the List API (I/O only); {@link applySync} records
 * what was read (where every item lives, the default list ids, the sync time),
 * forgets items Alexa no longer has, queues `alexa.list.snapshot` (in parts,
 * src/sync/snapshot.ts) and completes
 * the operation (synchronous SQL, for one transaction). The object runs them
 * after Alexa's answer (src/alexa-user/sync-runner.ts).
 */
import { ListApiError, type ListApi } from "../../alexa/list-api.ts";
import { WebhookType } from "../../sync/payloads.ts";
import { buildSnapshot, splitSnapshot, type ReadList } from "../../sync/snapshot.ts";
import { mapLimit, type InboundParts } from "./context.ts";

/** Lists read in parallel by a full sync. */
const SYNC_CONCURRENCY = 4;

/**
 * Reads every list of the household; a list deleted meanwhile is left out.
 * Any other failure rejects (a `ListApiError`).
 * @example const lists = await readHousehold(api);
 */
export async function readHousehold(api: ListApi): Promise<ReadList[]> {
  const metadata = await api.getListsMetadata();
  const read = await mapLimit(metadata, SYNC_CONCURRENCY, async (m): Promise<ReadList | null> => {
    try {
      const [active, completed] = await Promise.all([api.getList(m.listId, "active"), api.getList(m.listId, "completed")]);
      return { metadata: m, active: active.items, completed: completed.items };
    } catch (e) {
      // Deleted between the metadata read and this one.
      if (e instanceof ListApiError && e.code === "NOT_FOUND") return null;
      throw e;
    }
  });
  return read.filter((l): l is ReadList => l !== null);
}

/**
 * Records a finished read and tells the app (run it inside a transaction).
 * @example ctx.storage.transactionSync(() => applySync(parts, lists, opId, now));
 */
export function applySync(
  parts: Pick<InboundParts, "items" | "profile" | "held" | "webhooks" | "outbox">,
  lists: readonly ReadList[],
  opId: string,
  now: number,
): void {
  const { items, profile } = parts;
  const seen = new Set<string>();
  for (const l of lists) {
    if (l.metadata.defaultKind) profile.setDefaultListId(l.metadata.defaultKind, l.metadata.listId);
    for (const i of [...l.active, ...l.completed]) {
      seen.add(i.id);
      items.upsert({ alexaItemId: i.id, listId: l.metadata.listId, version: i.version }, now);
    }
  }
  // Items Alexa no longer has are gone; a delete held for a move keeps its entry until released.
  for (const known of items.all()) {
    if (!seen.has(known.alexaItemId) && !parts.held.get(known.alexaItemId)) items.remove(known.alexaItemId);
  }
  const snapshot = buildSnapshot(lists, (id) => items.byAlexaId(id)?.appItemId ?? null, opId, now);
  profile.setLastFullSyncAt(now);
  // In parts small enough for one row each, in order, in this one transaction.
  for (const part of splitSnapshot(snapshot)) parts.webhooks.enqueue(WebhookType.snapshot, part);
  parts.outbox.complete(opId, {
    lists: lists.length,
    items: snapshot.lists.reduce((n, l) => n + l.items.length, 0),
  });
}
