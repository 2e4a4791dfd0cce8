/**
 * @module sync/payloads
 * The `data` of every webhook the inbound side sends to the app, and pure
 * builders for them. One place, so the README and the app's parser have a
 * single source. Times are ISO 8601 UTC.
 */
import type { ListItem, ListMetadata } from "../alexa/list-api.ts";
import { defaultListKind, type DefaultListKind } from "../alexa/list-ids.ts";

/** Webhook `type`s sent by the inbound side. */
export const WebhookType = {
  itemsCreated: "alexa.list.items.created",
  itemsUpdated: "alexa.list.items.updated",
  itemsDeleted: "alexa.list.items.deleted",
  itemMoved: "alexa.list.item.moved",
  listCreated: "alexa.list.created",
  listUpdated: "alexa.list.updated",
  listDeleted: "alexa.list.deleted",
  snapshot: "alexa.list.snapshot",
  messageReceived: "alexa.message.received",
  userEnabled: "alexa.user.enabled",
  userDisabled: "alexa.user.disabled",
  accountLinked: "alexa.user.account_linked",
  permissionsChanged: "alexa.user.permissions_changed",
} as const;

/**
 * Where a change came from: said to the skill (`voice`, skill store), made in
 * the Alexa app or by Alexa's own list features (`alexa-app`, household store:
 * list events), made by the app itself through the REST API (`app`, on the
 * `outbox.completed` that confirms it), by an assistant acting for an app user
 * (`assistant`, skill store), or brought in when a personal list space merged
 * into a linked one (`merge`, skill store: docs/account-linking.md).
 */
export type ChangeSource = "voice" | "alexa-app" | "app" | "assistant" | "merge";

/** An Alexa item as the app sees it: the List API's item without its `href`, plus the app's id. */
export type WebhookItem = Omit<ListItem, "href"> & {
  /** The app's id for this item, when the bridge knows it. */
  appItemId: string | null;
};

/** `alexa.list.items.created` / `.updated`. */
export interface ItemsChangedData {
  listId: string;
  defaultKind: DefaultListKind | null;
  items: WebhookItem[];
  source: ChangeSource;
}

/** `alexa.list.items.deleted`. */
export interface ItemsDeletedData {
  listId: string;
  defaultKind: DefaultListKind | null;
  listItemIds: string[];
  /** Alexa item id → the app's id, for the deleted items the bridge had mapped. */
  appItemIds: Record<string, string>;
  source: ChangeSource;
}

/** `alexa.list.item.moved`. */
export interface ItemMovedData {
  itemId: string;
  fromListId: string;
  toListId: string;
  fromDefaultKind: DefaultListKind | null;
  toDefaultKind: DefaultListKind | null;
  item: WebhookItem;
  source: ChangeSource;
}

/** A list's fields as the app sees them (also in snapshots). */
export type ListData = Pick<ListMetadata, "listId" | "name" | "state" | "version" | "defaultKind">;

/** `alexa.list.created` / `.updated`. */
export type ListChangedData = ListData & { source: ChangeSource };

/** `alexa.list.deleted`. */
export interface ListDeletedData {
  listId: string;
  source: ChangeSource;
}

/** `alexa.message.received`: a foreign message, or a bridge `kind:"message"` operation (with its `opId`). */
export interface MessageReceivedData {
  data: unknown;
  opId?: string;
}

/**
 * An item as the app sees it.
 * @example webhookItem(item, map.byAlexaId(item.id)?.appItemId ?? null)
 */
export function webhookItem(item: ListItem, appItemId: string | null): WebhookItem {
  return {
    id: item.id,
    value: item.value,
    status: item.status,
    version: item.version,
    createdTime: item.createdTime,
    updatedTime: item.updatedTime,
    appItemId,
  };
}

/**
 * @example itemsChanged(listId, [webhookItem(item, null)], "alexa-app")
 */
export function itemsChanged(listId: string, items: WebhookItem[], source: ChangeSource): ItemsChangedData {
  return { listId, defaultKind: defaultListKind(listId), items, source };
}

/**
 * @example itemsDeleted(listId, ["i1"], { i1: "app-1" }, "voice")
 */
export function itemsDeleted(listId: string, ids: string[], appItemIds: Record<string, string>, source: ChangeSource): ItemsDeletedData {
  return { listId, defaultKind: defaultListKind(listId), listItemIds: ids, appItemIds, source };
}

/**
 * @example itemMoved("A", "B", webhookItem(item, null), "alexa-app")
 */
export function itemMoved(fromListId: string, toListId: string, item: WebhookItem, source: ChangeSource): ItemMovedData {
  return {
    itemId: item.id,
    fromListId,
    toListId,
    fromDefaultKind: defaultListKind(fromListId),
    toDefaultKind: defaultListKind(toListId),
    item,
    source,
  };
}

/**
 * The list fields the app gets (drops links and status maps).
 * @example listData(metadata)
 */
export function listData(list: ListMetadata): ListData {
  return { listId: list.listId, name: list.name, state: list.state, version: list.version, defaultKind: list.defaultKind };
}

/**
 * `alexa.list.created` / `.updated` data.
 * @example listChanged(metadata, "voice")
 */
export function listChanged(list: ListMetadata, source: ChangeSource): ListChangedData {
  return { ...listData(list), source };
}
