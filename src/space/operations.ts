/**
 * @module space/operations
 * The app's REST operations on a space's lists, applied at once inside the
 * space object's transaction: the change, its result (the `outbox.completed`
 * of the operation) and, for a sync, the snapshot webhooks commit together.
 * The app hears its own changes only as `outbox.completed`.
 */
import { StoreError } from "../shared/list-store.ts";
import type { WebhookPort } from "../shared/ports.ts";
import type { BridgeOperation } from "../protocol/bridge-message.ts";
import { webhookItem, WebhookType, type WebhookItem } from "../sync/payloads.ts";
import { buildSnapshot, splitSnapshot } from "../sync/snapshot.ts";
import { checkValue, type SkillRows } from "./skill-rows.ts";
import { toListItem, type ItemRow } from "./skill-tables.ts";
import { Outbox } from "../shared/outbox/outbox.ts";

/** The operations a space applies (skill messages go to an Alexa user, not to a space). */
export type SpaceOperation = Exclude<BridgeOperation, { kind: "message" }>;

/**
 * Applies one operation and answers its result (what `outbox.completed` carries).
 * @example applyOperation(rows, webhooks, { kind: "create", list: "shopping", value: "milk" }, opId, now)
 */
export function applyOperation(rows: SkillRows, webhooks: WebhookPort, op: SpaceOperation, opId: string, now: number): unknown {
  rows.ensureDefaults();
  switch (op.kind) {
    case "create": {
      const list = rows.listByRef(op.list);
      const existing = op.appItemId ? rows.itemByAppId(op.appItemId) : null;
      // The same item created again (same list and value) answers that item; any other item keeps its app id.
      if (existing && (existing.list_id !== list.id || existing.value !== op.value.trim())) {
        throw new StoreError("APP_ITEM_ID_TAKEN", `appItemId "${op.appItemId}" already names another item (${existing.id})`);
      }
      const row = existing ?? rows.addItems(list, [{ value: op.value, status: op.status, appItemId: op.appItemId }], now)[0]!;
      return itemResult(row);
    }
    case "update":
    case "complete": {
      const row = rows.itemByRef(rows.listByRef(op.list), op.itemRef);
      const change = op.kind === "complete" ? { status: "completed" as const } : { value: op.value, status: op.status };
      if (change.value !== undefined) checkValue(change.value);
      return itemResult(rows.updateItem(row, change, now));
    }
    case "delete": {
      const row = rows.itemByRef(rows.listByRef(op.list), op.itemRef);
      rows.deleteItems([row]);
      return { alexaItemId: row.id, listId: row.list_id, deleted: true, appItemId: row.app_item_id };
    }
    case "sync": {
      const lists = rows.readLists();
      const appIds = rows.appIds();
      const snapshot = buildSnapshot(lists, (id) => appIds.get(id) ?? null, opId, now);
      for (const part of splitSnapshot(snapshot)) webhooks.enqueue(WebhookType.snapshot, part);
      return { lists: lists.length, items: snapshot.lists.reduce((n, l) => n + l.items.length, 0) };
    }
    case "createList": {
      const list = rows.createList(op.name, now);
      return { listId: list.id, name: list.name, version: list.version };
    }
    case "renameList": {
      const row = rows.renameList(rows.listByRef(op.list), op.name, now);
      return { listId: row.id, name: row.name, version: row.version };
    }
    case "deleteList": {
      const list = rows.listByRef(op.list);
      rows.deleteList(list);
      return { listId: list.id, deleted: true };
    }
  }
}

function itemResult(row: ItemRow): { alexaItemId: string; listId: string; version: number; appItemId: string | null; item: WebhookItem } {
  return { alexaItemId: row.id, listId: row.list_id, version: row.version, appItemId: row.app_item_id, item: webhookItem(toListItem(row), row.app_item_id) };
}

/**
 * The outbox's operation bookkeeping (ids, idempotency keys, results,
 * retention) for a space, whose operations are applied at once: it sends no
 * skill messages, so its transport refuses and it has no recipient.
 * @example const outbox = operationBook({ sql, webhooks, now, wake: (at) => void schedule.wakeAt(at) });
 */
export function operationBook(d: { sql: SqlStorage; webhooks: WebhookPort; now: () => number; wake: (at: number) => void }): Outbox {
  return new Outbox({
    sql: d.sql,
    webhooks: d.webhooks,
    transport: {
      send: () => Promise.reject(new Error("a list space sends no skill messages")),
      fetch: () => Promise.reject(new Error("a list space sends no skill messages")),
      tokens: { getToken: () => Promise.reject(new Error("no token in a list space")), invalidate: async () => {} },
    },
    recipient: () => null,
    wake: d.wake,
    now: d.now,
  });
}
