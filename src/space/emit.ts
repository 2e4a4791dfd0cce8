/**
 * @module space/emit
 * The item and list webhooks of the skill store's changes, split to the
 * webhook size limit (src/sync/split.ts), in the household's formats.
 */
import type { WebhookPort } from "../shared/ports.ts";
import { listChanged, webhookItem, WebhookType, type ChangeSource } from "../sync/payloads.ts";
import { splitItemsChanged, splitItemsDeleted } from "../sync/split.ts";
import { toListItem, toMetadata, type ItemRow, type ListRow } from "./skill-tables.ts";

/**
 * `alexa.list.items.created` / `.updated` for rows of one list.
 * @example emitChanged(webhooks, WebhookType.itemsCreated, listId, rows, "voice");
 */
export function emitChanged(webhooks: WebhookPort, type: string, listId: string, rows: readonly ItemRow[], source: ChangeSource): void {
  if (rows.length === 0) return;
  const items = rows.map((r) => webhookItem(toListItem(r), r.app_item_id));
  for (const data of splitItemsChanged(listId, items, source)) webhooks.enqueue(type, data);
}

/**
 * `alexa.list.items.deleted` for rows of one list.
 * @example emitDeleted(webhooks, listId, rows, "voice");
 */
export function emitDeleted(webhooks: WebhookPort, listId: string, rows: readonly ItemRow[], source: ChangeSource): void {
  if (rows.length === 0) return;
  const appIds: Record<string, string> = {};
  for (const r of rows) if (r.app_item_id) appIds[r.id] = r.app_item_id;
  for (const data of splitItemsDeleted(listId, rows.map((r) => r.id), appIds, source)) webhooks.enqueue(WebhookType.itemsDeleted, data);
}

/**
 * `alexa.list.created`.
 * @example emitListCreated(webhooks, list, "voice");
 */
export function emitListCreated(webhooks: WebhookPort, list: ListRow, source: ChangeSource): void {
  webhooks.enqueue(WebhookType.listCreated, listChanged(toMetadata(list), source));
}
