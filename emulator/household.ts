/**
 * @module emulator/household
 * One Amazon household's lists, with the List Management API's semantics:
 * per-object versions (409 on a stale one), `Object not found` 404s, the two
 * default lists (base64 ids, undeletable), at most 100 active lists, archived
 * lists read-only. Every change reports the list event Alexa would send, to
 * the `emit` callback, whoever made it (a person in the app or a skill
 * through the API).
 *
 * Pure state: no I/O, time from `now`. Trade-offs: no pagination (a list is
 * returned whole); the list's own version changes only with its metadata.
 */
import { defaultListId, newObjectId } from "./ids.ts";

export type ItemStatus = "active" | "completed";
export type ListState = "active" | "archived";
export type ListKind = "shopping" | "todo" | "custom";

export interface ItemRecord {
  id: string;
  value: string;
  status: ItemStatus;
  version: number;
  /** ms since epoch */
  createdAt: number;
  updatedAt: number;
}

export interface ListRecord {
  listId: string;
  name: string;
  state: ListState;
  version: number;
  kind: ListKind;
  /** Insertion order is the order the API returns. */
  items: Map<string, ItemRecord>;
}

/** A list event as Alexa names it (`AlexaHouseholdListEvent.<type>`). */
export type ListEvent =
  | { type: "ItemsCreated" | "ItemsUpdated" | "ItemsDeleted"; listId: string; listItemIds: string[] }
  | { type: "ListCreated" | "ListUpdated" | "ListDeleted"; listId: string };

/** An error the List API reports as `{type, message}` with an HTTP status. */
export class ListApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const MAX_ACTIVE_LISTS = 100;
const MAX_TEXT = 256;
export const SHOPPING_LIST_NAME = "Alexa shopping list";
export const TODO_LIST_NAME = "Alexa to-do list";

const notFound = (): ListApiError => new ListApiError(404, "NOT_FOUND", "Object not found");

/**
 * The lists of one household.
 * @example
 * const h = new Household("amzn1.account.X", () => Date.now(), (e) => events.push(e));
 * const item = h.createItem(h.shoppingListId, { value: "milk" });
 */
export class Household {
  readonly #lists = new Map<string, ListRecord>();
  readonly shoppingListId: string;
  readonly todoListId: string;

  constructor(
    accountId: string,
    private readonly now: () => number,
    private readonly emit: (event: ListEvent) => void,
  ) {
    this.shoppingListId = defaultListId(accountId, "SHOPPING_ITEM");
    this.todoListId = defaultListId(accountId, "TASK");
    this.#lists.set(this.shoppingListId, newList(this.shoppingListId, SHOPPING_LIST_NAME, "shopping"));
    this.#lists.set(this.todoListId, newList(this.todoListId, TODO_LIST_NAME, "todo"));
  }

  /** All lists, defaults first. */
  lists(): ListRecord[] {
    return [...this.#lists.values()];
  }

  /** The list, or a 404 `ListApiError`. */
  list(listId: string): ListRecord {
    const list = this.#lists.get(listId);
    if (!list) throw notFound();
    return list;
  }

  item(listId: string, itemId: string): ItemRecord {
    const item = this.list(listId).items.get(itemId);
    if (!item) throw notFound();
    return item;
  }

  createList(input: { name?: unknown; state?: unknown }): ListRecord {
    const name = text(input.name, "name");
    if (input.state !== undefined && input.state !== "active") {
      throw new ListApiError(400, "INVALID_REQUEST", "A new list must be active.");
    }
    const active = this.lists().filter((l) => l.state === "active");
    if (active.length >= MAX_ACTIVE_LISTS) {
      throw new ListApiError(409, "CONFLICT", `At most ${MAX_ACTIVE_LISTS} active lists.`);
    }
    this.#assertNameFree(name, null);
    const list = newList(newObjectId(), name, "custom");
    this.#lists.set(list.listId, list);
    this.emit({ type: "ListCreated", listId: list.listId });
    return list;
  }

  /** `version` is required through the API (`requireVersion`), optional for a person in the app. */
  updateList(listId: string, input: { name?: unknown; state?: unknown; version?: unknown }, requireVersion: boolean): ListRecord {
    const list = this.list(listId);
    checkVersion(list.version, input.version, requireVersion);
    const name = input.name === undefined ? list.name : text(input.name, "name");
    const state = input.state === undefined ? list.state : listState(input.state);
    if (list.kind !== "custom" && (name !== list.name || state !== list.state)) {
      throw new ListApiError(403, "FORBIDDEN", "Default lists cannot be renamed or archived.");
    }
    if (state === "active" && list.state === "archived") {
      if (this.lists().filter((l) => l.state === "active").length >= MAX_ACTIVE_LISTS) {
        throw new ListApiError(409, "CONFLICT", `At most ${MAX_ACTIVE_LISTS} active lists.`);
      }
    }
    if (name !== list.name) this.#assertNameFree(name, listId);
    list.name = name;
    list.state = state;
    list.version += 1;
    this.emit({ type: "ListUpdated", listId });
    return list;
  }

  deleteList(listId: string): void {
    const list = this.list(listId);
    if (list.kind !== "custom") throw new ListApiError(403, "FORBIDDEN", "Default lists cannot be deleted.");
    this.#lists.delete(listId);
    this.emit({ type: "ListDeleted", listId });
  }

  createItem(listId: string, input: { value?: unknown; status?: unknown }): ItemRecord {
    const list = this.#writable(listId);
    const value = text(input.value, "value");
    const status = input.status === undefined ? "active" : itemStatus(input.status);
    const t = this.now();
    const item: ItemRecord = { id: newObjectId(), value, status, version: 1, createdAt: t, updatedAt: t };
    list.items.set(item.id, item);
    this.emit({ type: "ItemsCreated", listId, listItemIds: [item.id] });
    return item;
  }

  updateItem(
    listId: string,
    itemId: string,
    input: { value?: unknown; status?: unknown; version?: unknown },
    requireVersion: boolean,
  ): ItemRecord {
    const list = this.#writable(listId);
    const item = list.items.get(itemId);
    if (!item) throw notFound();
    checkVersion(item.version, input.version, requireVersion);
    const value = input.value === undefined ? item.value : text(input.value, "value");
    const status = input.status === undefined ? item.status : itemStatus(input.status);
    item.value = value;
    item.status = status;
    item.version += 1;
    item.updatedAt = this.now();
    this.emit({ type: "ItemsUpdated", listId, listItemIds: [itemId] });
    return item;
  }

  deleteItem(listId: string, itemId: string): void {
    const list = this.#writable(listId);
    if (!list.items.delete(itemId)) throw notFound();
    this.emit({ type: "ItemsDeleted", listId, listItemIds: [itemId] });
  }

  /** What the Alexa app does: delete on the source, create on the destination, same item id. */
  moveItem(fromListId: string, itemId: string, toListId: string): ItemRecord {
    const from = this.#writable(fromListId);
    const to = this.#writable(toListId);
    const item = from.items.get(itemId);
    if (!item) throw notFound();
    if (from === to) return item;
    from.items.delete(itemId);
    item.updatedAt = this.now();
    to.items.set(itemId, item);
    this.emit({ type: "ItemsDeleted", listId: fromListId, listItemIds: [itemId] });
    this.emit({ type: "ItemsCreated", listId: toListId, listItemIds: [itemId] });
    return item;
  }

  #writable(listId: string): ListRecord {
    const list = this.list(listId);
    if (list.state === "archived") throw new ListApiError(403, "FORBIDDEN", "The list is archived (read-only).");
    return list;
  }

  #assertNameFree(name: string, exceptListId: string | null): void {
    const taken = this.lists().some(
      (l) => l.listId !== exceptListId && l.state === "active" && l.name.toLowerCase() === name.toLowerCase(),
    );
    if (taken) throw new ListApiError(409, "CONFLICT", `An active list named "${name}" already exists.`);
  }
}

function newList(listId: string, name: string, kind: ListKind): ListRecord {
  return { listId, name, state: "active", version: 1, kind, items: new Map() };
}

function text(v: unknown, field: string): string {
  if (typeof v !== "string" || v.trim() === "" || v.length > MAX_TEXT) {
    throw new ListApiError(400, "INVALID_REQUEST", `"${field}" must be a non-empty string of at most ${MAX_TEXT} characters.`);
  }
  return v;
}

function itemStatus(v: unknown): ItemStatus {
  if (v === "active" || v === "completed") return v;
  throw new ListApiError(400, "INVALID_REQUEST", `"status" must be "active" or "completed".`);
}

function listState(v: unknown): ListState {
  if (v === "active" || v === "archived") return v;
  throw new ListApiError(400, "INVALID_REQUEST", `"state" must be "active" or "archived".`);
}

function checkVersion(current: number, given: unknown, required: boolean): void {
  if (given === undefined) {
    if (required) throw new ListApiError(400, "INVALID_REQUEST", `"version" is required.`);
    return;
  }
  if (typeof given !== "number" || !Number.isInteger(given)) {
    throw new ListApiError(400, "INVALID_REQUEST", `"version" must be an integer.`);
  }
  if (given !== current) {
    throw new ListApiError(409, "CONFLICT", `Version ${given} is stale; the current version is ${current}.`);
  }
}
