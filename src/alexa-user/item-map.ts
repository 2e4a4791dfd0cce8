/**
 * @module alexa-user/item-map
 * The map between the app's item ids and Alexa's (list id, item id, version),
 * plus every Alexa item the object has seen, app id or not: knowing which list
 * an item lives on is what lets a later `ItemsCreated` on another list be
 * recognised as a move, and lets `itemRef` be an Alexa item id.
 *
 * Keyed by the Alexa item id (stable across moves, per Amazon). An app id
 * points at one Alexa item at most (unique index). Synchronous SQL.
 */
import { ensureTable, notWithoutRowid } from "../storage/schema.ts";

/** One mapped item. */
export interface MappedItem {
  alexaItemId: string;
  listId: string;
  /** The app's id, when the item came from (or was claimed by) the app. */
  appItemId: string | null;
  /** Last version seen (ours or Alexa's); `null` if never read. */
  version: number | null;
  updatedAt: number;
}

interface Row extends Record<string, SqlStorageValue> {
  alexa_item_id: string;
  list_id: string;
  app_item_id: string | null;
  version: number | null;
  updated_at: number;
}

/**
 * Creates the table (idempotent).
 * @example migrateItemMap(ctx.storage.sql);
 */
export function migrateItemMap(sql: SqlStorage): void {
  // WITHOUT ROWID: the key is the table (one row per insert, not two); older databases are rebuilt.
  ensureTable(sql, "item_map", (t) => `CREATE TABLE IF NOT EXISTS ${t} (
      alexa_item_id TEXT PRIMARY KEY,
      list_id TEXT NOT NULL,
      app_item_id TEXT,
      version INTEGER,
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID`, {
    columns: "alexa_item_id, list_id, app_item_id, version, updated_at",
    outdated: notWithoutRowid,
  });
  sql.exec(`CREATE UNIQUE INDEX IF NOT EXISTS item_map_app ON item_map (app_item_id) WHERE app_item_id IS NOT NULL`);
  sql.exec(`CREATE INDEX IF NOT EXISTS item_map_list ON item_map (list_id)`);
}

/**
 * @example
 * const map = new ItemMap(sql);
 * map.upsert({ alexaItemId: item.id, listId, version: item.version, appItemId: "app-42" }, now);
 * map.byAppId("app-42")?.alexaItemId; // item.id
 */
export class ItemMap {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** @example map.byAlexaId("item-1") */
  byAlexaId(alexaItemId: string): MappedItem | null {
    return toItem(this.#sql.exec<Row>(`SELECT * FROM item_map WHERE alexa_item_id = ?`, alexaItemId).toArray()[0]);
  }

  /** @example map.byAppId("app-42") */
  byAppId(appItemId: string): MappedItem | null {
    return toItem(this.#sql.exec<Row>(`SELECT * FROM item_map WHERE app_item_id = ?`, appItemId).toArray()[0]);
  }

  /**
   * An operation's `itemRef`: the app's id if mapped, else an Alexa item id
   * the object knows; `null` when neither.
   * @example map.resolveRef(op.itemRef)
   */
  resolveRef(itemRef: string): MappedItem | null {
    return this.byAppId(itemRef) ?? this.byAlexaId(itemRef);
  }

  /**
   * Records where an item lives and its version. An `appItemId` of
   * `undefined` keeps the existing one; a new app id takes over from any other
   * item that held it (the app re-pointed its item).
   * @example map.upsert({ alexaItemId, listId, version: 2 }, now);
   */
  upsert(
    entry: { alexaItemId: string; listId: string; version: number | null; appItemId?: string | null },
    now: number,
  ): void {
    if (entry.appItemId) {
      this.#sql.exec(
        `UPDATE item_map SET app_item_id = NULL WHERE app_item_id = ? AND alexa_item_id <> ?`,
        entry.appItemId,
        entry.alexaItemId,
      );
    }
    this.#sql.exec(
      `INSERT INTO item_map (alexa_item_id, list_id, app_item_id, version, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (alexa_item_id) DO UPDATE SET
         list_id = excluded.list_id,
         app_item_id = CASE WHEN ? THEN excluded.app_item_id ELSE item_map.app_item_id END,
         version = COALESCE(excluded.version, item_map.version),
         updated_at = excluded.updated_at`,
      entry.alexaItemId,
      entry.listId,
      entry.appItemId ?? null,
      entry.version,
      now,
      entry.appItemId === undefined ? 0 : 1,
    );
  }

  /** Forgets an item (deleted on Alexa). @example map.remove("item-1") */
  remove(alexaItemId: string): void {
    this.#sql.exec(`DELETE FROM item_map WHERE alexa_item_id = ?`, alexaItemId);
  }

  /** Every item known on a list. @example map.itemsOnList(listId) */
  itemsOnList(listId: string): MappedItem[] {
    return this.#sql
      .exec<Row>(`SELECT * FROM item_map WHERE list_id = ? ORDER BY alexa_item_id`, listId)
      .toArray()
      .map((r) => toItem(r)!);
  }

  /** Every known item. @example map.all().length */
  all(): MappedItem[] {
    return this.#sql
      .exec<Row>(`SELECT * FROM item_map ORDER BY alexa_item_id`)
      .toArray()
      .map((r) => toItem(r)!);
  }
}

function toItem(row: Row | undefined): MappedItem | null {
  if (!row) return null;
  return {
    alexaItemId: row.alexa_item_id,
    listId: row.list_id,
    appItemId: row.app_item_id,
    version: row.version,
    updatedAt: row.updated_at,
  };
}
