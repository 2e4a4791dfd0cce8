/**
 * @module emulator/people
 * The emulated customers: each person has a household (lists that outlive
 * the skill) and, while the skill is enabled, an enablement with a
 * skill-scoped user id, an optional linked account and list permissions.
 * Disabling and re-enabling gives a new user id; list and item ids stay.
 * Also resolves the friendly references people type (`shopping`, a list
 * name, an item's text) to ids.
 */
import { type Household, type ItemRecord, type ListRecord, ListApiError } from "./household.ts";

export type ListPermission = "read" | "write";
export const LIST_PERMISSIONS: readonly ListPermission[] = ["read", "write"];
/** The scopes Alexa reports in `acceptedPermissions`. */
export const PERMISSION_SCOPES: Record<ListPermission, string> = {
  read: "alexa::household:lists:read",
  write: "alexa::household:lists:write",
};

export interface Enablement {
  userId: string;
  linkedAccessToken: string | null;
  /** Who the linking token names (`sub` and the app's claims), null when unlinked or opaque. */
  linkClaims: Record<string, unknown> | null;
  permissions: Set<ListPermission>;
  enabledAt: number;
}

export interface Person {
  name: string;
  accountId: string;
  household: Household;
  enablement: Enablement | null;
  /** Every user id this person has had, oldest first. */
  pastUserIds: string[];
}

/** What the control API shows of a person. */
export interface PersonView {
  name: string;
  accountId: string;
  enabled: boolean;
  userId: string | null;
  linked: boolean;
  /** `sub` and the app's claims (e.g. `household`) of the linking token; null when unlinked or not a JWT. */
  linkClaims: Record<string, unknown> | null;
  permissions: ListPermission[];
  pastUserIds: string[];
  shoppingListId: string;
  todoListId: string;
}

/** @example personView(person).enabled */
export function personView(p: Person): PersonView {
  return {
    name: p.name,
    accountId: p.accountId,
    enabled: p.enablement !== null,
    userId: p.enablement?.userId ?? null,
    linked: p.enablement?.linkedAccessToken != null,
    linkClaims: p.enablement?.linkClaims ? { ...p.enablement.linkClaims } : null,
    permissions: p.enablement ? [...p.enablement.permissions].sort() : [],
    pastUserIds: [...p.pastUserIds],
    shoppingListId: p.household.shoppingListId,
    todoListId: p.household.todoListId,
  };
}

export interface ItemView {
  id: string;
  value: string;
  status: string;
  version: number;
  createdTime: string;
  updatedTime: string;
}

export interface ListView {
  listId: string;
  name: string;
  kind: string;
  state: string;
  version: number;
  items: ItemView[];
}

/** An item with ISO dates (the control API's format). @example itemView(item).createdTime */
export function itemView(i: ItemRecord): ItemView {
  return {
    id: i.id,
    value: i.value,
    status: i.status,
    version: i.version,
    createdTime: new Date(i.createdAt).toISOString(),
    updatedTime: new Date(i.updatedAt).toISOString(),
  };
}

/** A list with all its items. @example listView(list).items */
export function listView(l: ListRecord): ListView {
  return { listId: l.listId, name: l.name, kind: l.kind, state: l.state, version: l.version, items: [...l.items.values()].map(itemView) };
}

/**
 * A list by `shopping`, `todo`, id, or name (case-insensitive).
 * @example resolveList(person.household, "shopping").listId
 */
export function resolveList(h: Household, ref: string): ListRecord {
  const key = ref.trim().toLowerCase();
  if (key === "shopping") return h.list(h.shoppingListId);
  if (key === "todo" || key === "to-do") return h.list(h.todoListId);
  const lists = h.lists();
  const found = lists.find((l) => l.listId === ref) ?? lists.find((l) => l.name.toLowerCase() === key);
  if (!found) throw new ListApiError(404, "NOT_FOUND", `No list "${ref}".`);
  return found;
}

/**
 * An item of `list` by id or text (case-insensitive; active items first).
 * @example resolveItem(list, "milk").id
 */
export function resolveItem(list: ListRecord, ref: string): ItemRecord {
  const byId = list.items.get(ref);
  if (byId) return byId;
  const key = ref.trim().toLowerCase();
  const matches = [...list.items.values()].filter((i) => i.value.toLowerCase() === key);
  const found = matches.find((i) => i.status === "active") ?? matches[0];
  if (!found) throw new ListApiError(404, "NOT_FOUND", `No item "${ref}" on "${list.name}".`);
  return found;
}
