/**
 * @module emulator/app/app-view
 * What an app backend would build from the bridge's webhooks: per owner of
 * lists (the list space a skill-store webhook names in `spaceId`, shared by
 * every Alexa user in it; else the Alexa `userId`), the lists and their
 * items, by applying each webhook in the order it arrived (the bridge sends
 * one owner's webhooks in order, each `webhook-id` once per app, so
 * redeliveries are not applied twice: see webhook-log).
 *
 * - `alexa.list.items.created` / `.updated`: upsert the items (an older
 *   `version` than the one held is ignored);
 * - `alexa.list.items.deleted`: remove them; `alexa.list.item.moved`: move it;
 * - `alexa.list.created` / `.updated` / `.deleted`: the list's fields;
 * - `alexa.list.snapshot`: the parts of one sync are gathered, and the last
 *   part replaces everything held for the user;
 * - `outbox.completed`: the result of an app operation (an item result, a
 *   deletion, a list result); `outbox.failed`: recorded with its reason.
 *   When a result names an item but does not carry it (the household store
 *   answers ids and versions only), the value the app asked for is used
 *   (see {@link AppView.expect}).
 *
 * Pure and synchronous; the fake app feeds it.
 */
import type { WebhookBody } from "./webhook-log.ts";

export type ItemStatus = "active" | "completed";

export interface AppItem {
  id: string;
  value: string;
  status: ItemStatus;
  version: number;
  appItemId: string | null;
  /** Where the last change came from (`voice`, `alexa-app`, `app`, `snapshot`). */
  source: string;
}

export interface AppList {
  listId: string;
  name: string;
  defaultKind: string | null;
  state: string;
  items: AppItem[];
}

/** An app operation as the app knows it from `outbox.*` webhooks. */
export interface AppOperation {
  opId: string;
  kind: string;
  status: "completed" | "failed";
  result?: unknown;
  error?: string;
}

/** What the app asked for in an operation, for results that carry only ids. */
export interface Expected {
  kind: string;
  value?: string;
  status?: ItemStatus;
}

interface ListState {
  listId: string;
  name: string | null;
  defaultKind: string | null;
  state: string;
  items: Map<string, AppItem>;
}

interface UserState {
  lists: Map<string, ListState>;
  operations: AppOperation[];
  expected: Map<string, Expected>;
  /** Parts of the snapshot being gathered, by opId. */
  snapshot: { opId: string; lists: Map<string, ListState> } | null;
  lastType: string | null;
  applied: number;
}

interface RawItem {
  id: string;
  value: string;
  status: ItemStatus;
  version: number;
  appItemId?: string | null;
}

interface RawList {
  listId: string;
  name?: string;
  state?: string;
  defaultKind?: string | null;
  items?: RawItem[];
}

const MAX_OPERATIONS = 100;

/** The name an app shows for a list whose name it has not been told. */
export function defaultListName(defaultKind: string | null, listId: string): string {
  if (defaultKind === "shopping") return "Shopping List";
  if (defaultKind === "todo") return "To-do List";
  return listId;
}

/**
 * Whose lists a webhook is about: its list space, else its Alexa user.
 * @example viewOwner({ type: "alexa.list.items.created", userId: "A", spaceId: "fam-1", timestamp, data }) // "fam-1"
 */
export function viewOwner(w: Pick<WebhookBody, "userId" | "spaceId">): string {
  return w.spaceId ?? w.userId;
}

/**
 * @example
 * const view = new AppView();
 * view.apply({ type: "alexa.list.items.created", userId, timestamp, data: { listId, defaultKind: "shopping", items: [item], source: "voice" } });
 * view.lists(userId); // [{ listId, name: "Shopping List", items: [{ value: "milk", … }] }]
 */
export class AppView {
  readonly #users = new Map<string, UserState>();

  /** Applies one webhook; returns true when the owner's view changed. Unknown types are ignored. */
  apply(w: WebhookBody): boolean {
    const u = this.#user(viewOwner(w));
    const d = (w.data ?? {}) as Record<string, unknown>;
    const changed = this.#apply(u, w.type, d);
    if (changed) {
      u.lastType = w.type;
      u.applied += 1;
    }
    return changed;
  }

  /** Remembers what the app asked for in operation `opId`, for a result that carries only ids. */
  expect(userId: string, opId: string, what: Expected): void {
    const u = this.#user(userId);
    u.expected.set(opId, what);
    if (u.expected.size > MAX_OPERATIONS) u.expected.delete(u.expected.keys().next().value as string);
  }

  users(): string[] {
    return [...this.#users.keys()];
  }

  /** The user's lists as the app holds them: shopping, then to-do, then by name. */
  lists(userId: string): AppList[] {
    const u = this.#users.get(userId);
    if (!u) return [];
    return [...u.lists.values()].map(listOut).sort(byKindThenName);
  }

  /** Operations the app heard back about, newest first. */
  operations(userId: string): AppOperation[] {
    return structuredClone([...(this.#users.get(userId)?.operations ?? [])].reverse());
  }

  /** How many webhooks changed the user's view, and the type of the last one. */
  stats(userId: string): { applied: number; lastType: string | null } {
    const u = this.#users.get(userId);
    return { applied: u?.applied ?? 0, lastType: u?.lastType ?? null };
  }

  clear(): void {
    this.#users.clear();
  }

  #user(userId: string): UserState {
    let u = this.#users.get(userId);
    if (!u) {
      u = { lists: new Map(), operations: [], expected: new Map(), snapshot: null, lastType: null, applied: 0 };
      this.#users.set(userId, u);
    }
    return u;
  }

  #apply(u: UserState, type: string, d: Record<string, unknown>): boolean {
    const source = typeof d.source === "string" ? d.source : "unknown";
    switch (type) {
      case "alexa.list.items.created":
      case "alexa.list.items.updated": {
        const list = listFor(u.lists, str(d.listId), nullableStr(d.defaultKind));
        let changed = false;
        for (const raw of arr<RawItem>(d.items)) changed = upsert(list, raw, source) || changed;
        return changed;
      }
      case "alexa.list.items.deleted": {
        const list = u.lists.get(str(d.listId));
        if (!list) return false;
        let changed = false;
        for (const id of arr<string>(d.listItemIds)) changed = list.items.delete(id) || changed;
        return changed;
      }
      case "alexa.list.item.moved": {
        const item = d.item as RawItem | undefined;
        const itemId = str(d.itemId) || item?.id || "";
        u.lists.get(str(d.fromListId))?.items.delete(itemId);
        if (item) upsert(listFor(u.lists, str(d.toListId), nullableStr(d.toDefaultKind)), { ...item, id: itemId }, source, true);
        return true;
      }
      case "alexa.list.created":
      case "alexa.list.updated": {
        const list = listFor(u.lists, str(d.listId), nullableStr(d.defaultKind));
        if (typeof d.name === "string") list.name = d.name;
        if (typeof d.state === "string") list.state = d.state;
        return true;
      }
      case "alexa.list.deleted":
        return u.lists.delete(str(d.listId));
      case "alexa.list.snapshot":
        return this.#snapshot(u, d);
      case "outbox.completed":
        return this.#completed(u, d);
      case "outbox.failed": {
        pushOp(u, { opId: str(d.opId), kind: str(d.kind), status: "failed", error: str(d.error ?? d.reason) || "failed" });
        u.expected.delete(str(d.opId));
        return true;
      }
      default:
        return false;
    }
  }

  #snapshot(u: UserState, d: Record<string, unknown>): boolean {
    const opId = str(d.opId);
    const part = typeof d.part === "number" ? d.part : 1;
    const parts = typeof d.parts === "number" ? d.parts : 1;
    if (part === 1 || !u.snapshot || u.snapshot.opId !== opId) u.snapshot = { opId, lists: new Map() };
    for (const raw of arr<RawList>(d.lists)) {
      const list = listFor(u.snapshot.lists, raw.listId, raw.defaultKind ?? null);
      if (raw.name !== undefined) list.name = raw.name;
      if (raw.state !== undefined) list.state = raw.state;
      for (const item of raw.items ?? []) upsert(list, item, "snapshot", true);
    }
    if (part < parts) return false;
    u.lists = u.snapshot.lists;
    u.snapshot = null;
    return true;
  }

  #completed(u: UserState, d: Record<string, unknown>): boolean {
    const opId = str(d.opId);
    const kind = str(d.kind);
    const result = (d.result ?? null) as Record<string, unknown> | null;
    pushOp(u, { opId, kind, status: "completed", result });
    const expected = u.expected.get(opId);
    u.expected.delete(opId);
    if (!result) return true;
    const listId = str(result.listId);
    if (result.deleted === true && typeof result.alexaItemId === "string") {
      u.lists.get(listId)?.items.delete(result.alexaItemId);
    } else if (result.deleted === true && kind === "deleteList") {
      u.lists.delete(listId);
    } else if (result.item && typeof result.item === "object") {
      upsert(listFor(u.lists, listId, null), result.item as RawItem, "app");
    } else if (typeof result.alexaItemId === "string" && listId) {
      const list = listFor(u.lists, listId, null);
      const held = list.items.get(result.alexaItemId);
      const value = expected?.value ?? held?.value;
      if (value !== undefined) {
        upsert(
          list,
          {
            id: result.alexaItemId,
            value,
            status: expected?.kind === "complete" ? "completed" : (expected?.status ?? held?.status ?? "active"),
            version: typeof result.version === "number" ? result.version : (held?.version ?? 1),
            appItemId: nullableStr(result.appItemId),
          },
          "app",
        );
      }
    } else if ((kind === "createList" || kind === "renameList") && listId && typeof result.name === "string") {
      listFor(u.lists, listId, null).name = result.name;
    }
    return true;
  }
}

function listFor(lists: Map<string, ListState>, listId: string, defaultKind: string | null): ListState {
  let l = lists.get(listId);
  if (!l) {
    l = { listId, name: null, defaultKind, state: "active", items: new Map() };
    lists.set(listId, l);
  } else if (defaultKind && !l.defaultKind) {
    l.defaultKind = defaultKind;
  }
  return l;
}

/** Inserts or replaces an item unless the one held is newer; `force` ignores versions (snapshots, moves). */
function upsert(list: ListState, raw: RawItem, source: string, force = false): boolean {
  if (typeof raw?.id !== "string") return false;
  const held = list.items.get(raw.id);
  if (held && !force && typeof raw.version === "number" && raw.version < held.version) return false;
  list.items.set(raw.id, {
    id: raw.id,
    value: String(raw.value ?? held?.value ?? ""),
    status: raw.status === "completed" ? "completed" : "active",
    version: typeof raw.version === "number" ? raw.version : (held?.version ?? 1),
    appItemId: raw.appItemId ?? held?.appItemId ?? null,
    source,
  });
  return true;
}

function pushOp(u: UserState, op: AppOperation): void {
  u.operations.push(op);
  if (u.operations.length > MAX_OPERATIONS) u.operations.shift();
}

function listOut(l: ListState): AppList {
  return {
    listId: l.listId,
    name: l.name ?? defaultListName(l.defaultKind, l.listId),
    defaultKind: l.defaultKind,
    state: l.state,
    items: [...l.items.values()].map((i) => ({ ...i })),
  };
}

function byKindThenName(a: AppList, b: AppList): number {
  const rank = (l: AppList): number => (l.defaultKind === "shopping" ? 0 : l.defaultKind === "todo" ? 1 : 2);
  return rank(a) - rank(b) || a.name.localeCompare(b.name);
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function nullableStr(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

function arr<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
