/**
 * @module space/skill-tables
 * The skill store's tables in the list space's Durable Object (SQLite) and the
 * mapping of their rows to the List API's shapes (`ListMetadata`, `ListItem`),
 * so the skill store's lists reach the app in exactly the household's webhook
 * and snapshot formats. Synchronous SQL; no decisions here.
 *
 * - `skill_lists`: one row per list, `WITHOUT ROWID` keyed by `id`; `name_key`
 *   (trimmed, lower case) keeps names unique; `default_kind` marks the
 *   shopping and to-do lists (a partial unique index: custom lists write no
 *   entry in it); `seq` is the order lists were made in (unindexed: a space
 *   holds at most 100 lists). A list writes 2 rows (3 for a default list),
 *   where the rowid table with AUTOINCREMENT and three unique indexes wrote
 *   5. The two default lists have fixed ids shaped like Alexa's (base64 of `…-SHOPPING_ITEM`
 *   / `…-TASK`), so `defaultListKind` recognises them everywhere.
 * - `skill_items`: one row per item, `WITHOUT ROWID` keyed by `(list_id, seq)`:
 *   the key is the list order (a list's items are one range of the table),
 *   and `id` a unique index; an insert writes 2 rows (3 with an app id),
 *   where a rowid table with its two indexes and AUTOINCREMENT wrote 4. A new
 *   item's `seq` is the list's highest + 1, so a `seq` comes back only when
 *   the list's last item was deleted and another added after; "undo" then
 *   puts the deleted item back at the end of the list instead of at its old
 *   place (skill-rows.ts `insertItem`: its old `seq` only while free).
 * - `skill_undo`: the latest voice changes with what reverts them (JSON),
 *   per actor (src/space/actor.ts), read and written only by the undo journal
 *   (undo-journal.ts): a fixed set of slots per actor (`PRIMARY KEY (actor,
 *   slot)`, no rowid), overwritten in place, so a change writes one row even
 *   when the journal is full.
 *
 * These tables live in the list space's object (src/space/list-space.ts).
 * Before 0.3 they lived in each Alexa user's object, `skill_undo` without its
 * `actor` column; src/alexa-user/legacy-lists.ts moves such lists once.
 */
import { ensureTable, notWithoutRowid, tableSql, type Schema } from "../storage/schema.ts";
import { UNDO_DEPTH } from "./undo-journal.ts";
import type { ListItem, ListMetadata } from "../alexa/list-api.ts";
import type { DefaultListKind, ItemStatus } from "../voice/types.ts";

/** Ids of the two lists every space has. */
export const DEFAULT_LIST_ID: Record<DefaultListKind, string> = {
  shopping: btoa("alexa-list-bridge.skill-SHOPPING_ITEM"),
  todo: btoa("alexa-list-bridge.skill-TASK"),
};

/** Their names as stored (each locale says them its own way, src/voice/speech). */
export const DEFAULT_LIST_NAME: Record<DefaultListKind, string> = { shopping: "Shopping list", todo: "To-do list" };

export interface ListRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  name: string;
  name_key: string;
  default_kind: DefaultListKind | null;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface ItemRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  list_id: string;
  value: string;
  status: ItemStatus;
  version: number;
  app_item_id: string | null;
  created_at: number;
  updated_at: number;
}

/** `skill_lists`: keyed by id; `seq` (creation order, at most 100 lists) needs no index. */
const listsTable = (t: string) => `CREATE TABLE IF NOT EXISTS ${t} (
    id TEXT NOT NULL PRIMARY KEY,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    default_kind TEXT,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID`;

/** `skill_items`: the list order is the key, the item id a unique index (2 rows written per item). */
const itemsTable = (t: string) => `CREATE TABLE IF NOT EXISTS ${t} (
    list_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    app_item_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (list_id, seq)
  ) WITHOUT ROWID`;

/** `skill_undo`: {@link UNDO_DEPTH}-many slots per actor, overwritten in place (undo-journal.ts). */
const undoTable = (t: string) =>
  `CREATE TABLE IF NOT EXISTS ${t} (actor TEXT NOT NULL, slot INTEGER NOT NULL, n INTEGER NOT NULL, at INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (actor, slot)) WITHOUT ROWID`;

/**
 * Creates the tables if missing, and brings older layouts to these
 * (idempotent): `skill_lists` and `skill_items` of list-space schema 1
 * (rowid tables with an AUTOINCREMENT `seq`) keep every row as it was (ids,
 * `seq`, names, default kinds, app ids); `skill_undo` with a rowid `seq`
 * keeps each actor's latest {@link UNDO_DEPTH} entries, in their order.
 * @example migrateSkillLists(ctx.storage.sql);
 */
export function migrateSkillLists(sql: SqlStorage): void {
  // Before list-space schema 2: AUTOINCREMENT `seq` as rowid and unique indexes on id, name_key and default_kind (5 rows per list).
  ensureTable(sql, "skill_lists", listsTable, { columns: "id, seq, name, name_key, default_kind, version, created_at, updated_at", outdated: notWithoutRowid });
  sql.exec(`CREATE UNIQUE INDEX IF NOT EXISTS skill_lists_default ON skill_lists (default_kind) WHERE default_kind IS NOT NULL`);
  // (The rebuild drops the old table's indexes with it; the key replaces `skill_items_list`.)
  ensureTable(sql, "skill_items", itemsTable, { columns: "list_id, seq, id, value, status, version, app_item_id, created_at, updated_at", outdated: notWithoutRowid });
  sql.exec(`CREATE UNIQUE INDEX IF NOT EXISTS skill_items_app ON skill_items (app_item_id) WHERE app_item_id IS NOT NULL`);
  const undo = tableSql(sql, "skill_undo");
  if (undo !== null && !/\bslot\b/.test(undo)) {
    // Before list-space schema 2: one row per entry under a rowid `seq` (an INSERT and a prune DELETE per change).
    sql.exec(undoTable("skill_undo_rebuild"));
    sql.exec(
      `INSERT INTO skill_undo_rebuild (actor, slot, n, at, entry)
       SELECT actor, k - 1, seq, at, entry FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY actor ORDER BY seq DESC) AS k FROM skill_undo) WHERE k <= ?`,
      UNDO_DEPTH,
    );
    sql.exec(`DROP TABLE skill_undo`);
    sql.exec(`ALTER TABLE skill_undo_rebuild RENAME TO skill_undo`);
  }
  sql.exec(undoTable("skill_undo"));
  sql.exec(`DROP INDEX IF EXISTS skill_undo_actor`);
}

/**
 * The skill store's tables as a versioned schema (src/storage/schema.ts), for
 * the object that holds the lists.
 * @example ensureSchema(ctx, SKILL_LISTS_SCHEMA);
 */
export const SKILL_LISTS_SCHEMA: Schema = { name: "skill-lists", version: 3, migrate: migrateSkillLists };


/**
 * The key that keeps list names unique: trimmed, inner spaces collapsed, lower case.
 * @example nameKey("  Hardware   Store ") // "hardware store"
 */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/** A new id: `<prefix>_` and 24 hex digits. @example newId("itm") // "itm_3f…" */
export function newId(prefix: "itm" | "lst"): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** @example toMetadata(row).defaultKind // "shopping" */
export function toMetadata(row: ListRow): ListMetadata {
  return { listId: row.id, name: row.name, state: "active", version: row.version, defaultKind: row.default_kind };
}

/** @example toListItem(row).createdTime // "2031-01-01T12:00:00.000Z" */
export function toListItem(row: ItemRow): ListItem {
  return {
    id: row.id,
    value: row.value,
    status: row.status,
    version: row.version,
    createdTime: iso(row.created_at),
    updatedTime: iso(row.updated_at),
  };
}
