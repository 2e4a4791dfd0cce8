/**
 * @module space/skill-rows
 * The skill store's rows (skill-tables.ts) read and written one statement at
 * a time: no decisions beyond the store's bounds ({@link LIMITS}), which every
 * writer (voice, REST, undo, merge) shares. Synchronous SQL, run inside the
 * space object's transaction. Split from the store so that voice changes,
 * app operations and merges each read as one short module.
 */
import { StoreError } from "../shared/list-store.ts";
import type { ReadList } from "../sync/snapshot.ts";
import { LIMITS, type DefaultListKind, type ItemStatus, type VoiceListSummary } from "../voice/types.ts";
import { DEFAULT_LIST_ID, DEFAULT_LIST_NAME, nameKey, newId, toListItem, toMetadata, type ItemRow, type ListRow } from "./skill-tables.ts";

/** Shopping, then to-do, then custom lists in the order they were made. */
const LIST_ORDER = "CASE l.default_kind WHEN 'shopping' THEN 0 WHEN 'todo' THEN 1 ELSE 2 END, l.seq, l.id";

/** A new list's `seq`: after every list (`seq` is unindexed; a space holds at most 100 lists). */
const NEXT_LIST_SEQ = "(SELECT COALESCE(MAX(seq), 0) + 1 FROM skill_lists)";

/** A new item's fields. */
export interface NewItem {
  value: string;
  status?: ItemStatus | undefined;
  appItemId?: string | undefined;
}

/**
 * @example
 * const rows = new SkillRows(sql, () => Date.now());
 * rows.addItems(rows.listByRef("shopping"), [{ value: "milk" }], now);
 */
export class SkillRows {
  readonly sql: SqlStorage;
  readonly #now: () => number;
  #defaultsReady = false;

  constructor(sql: SqlStorage, now: () => number) {
    this.sql = sql;
    this.#now = now;
    // Its tables: migrateSkillLists (skill-tables.ts), made current by the owning object's schema.
  }

  /** Creates the shopping and to-do lists if missing (0 rows written once they exist). @example rows.ensureDefaults() */
  ensureDefaults(): void {
    if (this.#defaultsReady) return;
    // Read first: an INSERT that hits the conflict still counts a row written (billed), at every object start.
    const present = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_lists WHERE default_kind IS NOT NULL`).one().n;
    if (present === 2) {
      this.#defaultsReady = true;
      return;
    }
    const now = this.#now();
    for (const kind of ["shopping", "todo"] as const satisfies readonly DefaultListKind[]) {
      this.sql.exec(
        `INSERT INTO skill_lists (id, seq, name, name_key, default_kind, version, created_at, updated_at) VALUES (?, ${NEXT_LIST_SEQ}, ?, ?, ?, 1, ?, ?)
         ON CONFLICT DO NOTHING`,
        DEFAULT_LIST_ID[kind],
        DEFAULT_LIST_NAME[kind],
        nameKey(DEFAULT_LIST_NAME[kind]),
        kind,
        now,
        now,
      );
    }
    this.#defaultsReady = true;
  }

  /** Forgets that the defaults exist (after the tables were dropped). @example rows.reset() */
  reset(): void {
    this.#defaultsReady = false;
  }

  /** @example rows.summaries()[0]?.defaultKind // "shopping" */
  summaries(): VoiceListSummary[] {
    this.ensureDefaults();
    return this.sql
      .exec<ListRow & { active: number; completed: number }>(
        `SELECT l.*, COALESCE(SUM(i.status = 'active'), 0) AS active, COALESCE(SUM(i.status = 'completed'), 0) AS completed
         FROM skill_lists l LEFT JOIN skill_items i ON i.list_id = l.id
         GROUP BY l.id ORDER BY ${LIST_ORDER}`,
      )
      .toArray()
      .map((r) => ({ id: r.id, name: r.name, defaultKind: r.default_kind, active: r.active, completed: r.completed }));
  }

  /** Every list with its items, as snapshots show them. @example rows.readLists()[0]?.active */
  readLists(): ReadList[] {
    this.ensureDefaults();
    const lists = this.sql.exec<ListRow>(`SELECT * FROM skill_lists l ORDER BY ${LIST_ORDER}`).toArray();
    return lists.map((l) => {
      const items = this.itemRows(l.id).map(toListItem);
      return { metadata: toMetadata(l), active: items.filter((i) => i.status === "active"), completed: items.filter((i) => i.status === "completed") };
    });
  }

  /** Item id → the app's id. @example rows.appIds().get(itemId) */
  appIds(): Map<string, string> {
    const rows = this.sql.exec<{ id: string; app_item_id: string }>(`SELECT id, app_item_id FROM skill_items WHERE app_item_id IS NOT NULL`).toArray();
    return new Map(rows.map((r) => [r.id, r.app_item_id]));
  }

  /** The id of a list reference: `shopping`, `todo`, or a list id. @example rows.listId("todo") */
  listId(ref: string): string | null {
    if (ref === "shopping" || ref === "todo") return DEFAULT_LIST_ID[ref];
    return this.listRow(ref)?.id ?? null;
  }

  /** @example rows.list(listId).name */
  list(listId: string): ListRow {
    const row = this.listRow(listId);
    if (!row) throw new StoreError("LIST_NOT_FOUND", "no such list");
    return row;
  }

  /** @example rows.listByRef("shopping") */
  listByRef(ref: string): ListRow {
    const id = this.listId(ref);
    const row = id === null ? null : this.listRow(id);
    if (!row) throw new StoreError("LIST_NOT_FOUND", `no list "${ref}" (use shopping, todo or a list id)`);
    return row;
  }

  /** @example rows.listRow(id)?.name */
  listRow(id: string): ListRow | null {
    return this.sql.exec<ListRow>(`SELECT * FROM skill_lists WHERE id = ?`, id).toArray()[0] ?? null;
  }

  /** A list by its name (as {@link nameKey} compares names). @example rows.listByName("Hardware") */
  listByName(name: string): ListRow | null {
    return this.sql.exec<ListRow>(`SELECT * FROM skill_lists WHERE name_key = ?`, nameKey(name)).toArray()[0] ?? null;
  }

  /** @example rows.itemRows(listId).length */
  itemRows(listId: string): ItemRow[] {
    return this.sql.exec<ItemRow>(`SELECT * FROM skill_items WHERE list_id = ? ORDER BY seq`, listId).toArray();
  }

  /** @example rows.itemRow("itm_…")?.value */
  itemRow(id: string): ItemRow | null {
    return this.sql.exec<ItemRow>(`SELECT * FROM skill_items WHERE id = ?`, id).toArray()[0] ?? null;
  }

  /** @example rows.itemByAppId("app-42") */
  itemByAppId(appItemId: string): ItemRow | null {
    return this.sql.exec<ItemRow>(`SELECT * FROM skill_items WHERE app_item_id = ?`, appItemId).toArray()[0] ?? null;
  }

  /** An operation's `itemRef` on the operation's list: the app's id first, then the store's item id. @example rows.itemByRef(list, "app-42") */
  itemByRef(list: ListRow, ref: string): ItemRow {
    const row = [this.itemByAppId(ref), this.itemRow(ref)].find((r) => r?.list_id === list.id);
    if (!row) throw new StoreError("ITEM_NOT_FOUND", `no item "${ref}" on the list "${list.name}" (an app item id or an item id)`);
    return row;
  }

  /** The rows of `ids` that are on `listId`. @example rows.rowsOn(listId, change.itemIds) */
  rowsOn(listId: string, ids: readonly string[]): ItemRow[] {
    return ids.map((id) => this.itemRow(id)).filter((r): r is ItemRow => r !== null && r.list_id === listId);
  }

  /** Items on a list. @example rows.itemCount(listId) */
  itemCount(listId: string): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_items WHERE list_id = ?`, listId).one().n;
  }

  /**
   * Adds items, checked first (value length, room on the list), so a refusal writes nothing.
   * @example rows.addItems(list, [{ value: "milk" }], now)
   */
  addItems(list: ListRow, items: readonly NewItem[], now: number): ItemRow[] {
    for (const i of items) checkValue(i.value);
    const count = this.itemCount(list.id);
    if (count + items.length > LIMITS.maxItemsPerList) {
      throw new StoreError("LIST_FULL", `the list "${list.name}" holds ${count} items; at most ${LIMITS.maxItemsPerList} fit`);
    }
    return items.map((i) => this.insertItem({ id: newId("itm"), listId: list.id, value: i.value.trim(), status: i.status ?? "active", version: 1, appItemId: i.appItemId ?? null, createdAt: now }, now));
  }

  /**
   * Writes one item row as given (undo's restore and merges keep ids). Its
   * place: `seq` when given and still free on the list (undo puts an item
   * back where it was), else the end of the list (highest `seq` + 1; the
   * table's key, skill-tables.ts, so finding it reads one row).
   * @example rows.insertItem({ id, listId, value, status, version: 1, appItemId: null, createdAt: now }, now)
   */
  insertItem(i: { seq?: number; id: string; listId: string; value: string; status: ItemStatus; version: number; appItemId: string | null; createdAt: number }, now: number): ItemRow {
    const wanted = i.seq ?? null;
    return this.sql
      .exec<ItemRow>(
        `INSERT INTO skill_items (list_id, seq, id, value, status, version, app_item_id, created_at, updated_at)
         VALUES (?1, CASE WHEN ?2 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM skill_items WHERE list_id = ?1 AND seq = ?2) THEN ?2
                     ELSE (SELECT COALESCE(MAX(seq), 0) + 1 FROM skill_items WHERE list_id = ?1) END,
                 ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING *`,
        i.listId, wanted, i.id, i.value, i.status, i.version, i.appItemId, i.createdAt, now,
      )
      .one();
  }

  /** @example rows.updateItem(row, { status: "completed" }, now).version */
  updateItem(row: ItemRow, change: { value?: string | undefined; status?: ItemStatus | undefined }, now: number): ItemRow {
    return this.sql
      .exec<ItemRow>(
        `UPDATE skill_items SET value = ?, status = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING *`,
        change.value?.trim() ?? row.value,
        change.status ?? row.status,
        now,
        row.id,
      )
      .one();
  }

  /** @example rows.deleteItems([row]) */
  deleteItems(rows: readonly ItemRow[]): void {
    for (const r of rows) this.sql.exec(`DELETE FROM skill_items WHERE id = ?`, r.id);
  }

  /**
   * A new custom list (`id`: keep that id, for merges), checked for its name and the list count.
   * @example rows.createList("Hardware store", now)
   */
  createList(rawName: string, now: number, id: string = newId("lst")): ListRow {
    const name = this.checkNewName(rawName, null);
    const count = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_lists`).one().n;
    if (count >= LIMITS.maxLists) throw new StoreError("TOO_MANY_LISTS", `there are ${count} lists, the most there can be`);
    return this.insertList({ id, name, version: 1, createdAt: now }, now);
  }

  /**
   * Writes one custom list row as given (undo's restore and merges keep ids; `seq` given: its old place, else after every list).
   * @example rows.insertList({ id: "lst_…", name: "Hardware", version: 1, createdAt: now }, now)
   */
  insertList(l: { seq?: number; id: string; name: string; version: number; createdAt: number }, now: number): ListRow {
    return this.sql
      .exec<ListRow>(
        `INSERT INTO skill_lists (id, seq, name, name_key, default_kind, version, created_at, updated_at)
         VALUES (?, COALESCE(?, ${NEXT_LIST_SEQ}), ?, ?, NULL, ?, ?, ?) RETURNING *`,
        l.id, l.seq ?? null, l.name, nameKey(l.name), l.version, l.createdAt, now,
      )
      .one();
  }

  /** @example rows.renameList(list, "DIY", now).version */
  renameList(list: ListRow, rawName: string, now: number): ListRow {
    if (list.default_kind) throw new StoreError("NOT_SUPPORTED", "the shopping and to-do lists keep their names");
    const name = this.checkNewName(rawName, list.id);
    return this.sql
      .exec<ListRow>(`UPDATE skill_lists SET name = ?, name_key = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING *`, name, nameKey(name), now, list.id)
      .one();
  }

  /** Deletes a custom list and its items (the default lists stay: NOT_SUPPORTED). @example rows.deleteList(list) */
  deleteList(list: ListRow): void {
    if (list.default_kind) throw new StoreError("NOT_SUPPORTED", "the shopping and to-do lists cannot be deleted");
    this.sql.exec(`DELETE FROM skill_items WHERE list_id = ?`, list.id);
    this.sql.exec(`DELETE FROM skill_lists WHERE id = ?`, list.id);
  }

  /** A valid, untaken list name (`except`: the list being renamed). @example rows.checkNewName(" DIY ", null) // "DIY" */
  checkNewName(raw: string, except: string | null): string {
    const name = raw.trim().replace(/\s+/g, " ");
    if (name === "" || name.length > LIMITS.maxListNameLength) {
      throw new StoreError("VALUE_TOO_LONG", `a list name is 1 to ${LIMITS.maxListNameLength} characters`);
    }
    const taken = this.listByName(name);
    if (taken && taken.id !== except) throw new StoreError("LIST_NAME_TAKEN", `there is already a list called "${name}"`);
    return name;
  }
}

/**
 * An item value must be 1 to {@link LIMITS.maxValueLength} characters once trimmed.
 * @example checkValue("milk")
 */
export function checkValue(value: string): void {
  const v = value.trim();
  if (v === "" || v.length > LIMITS.maxValueLength) {
    throw new StoreError("VALUE_TOO_LONG", `an item is 1 to ${LIMITS.maxValueLength} characters`);
  }
}
