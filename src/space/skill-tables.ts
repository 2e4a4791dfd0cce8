/**
 * @module space/skill-tables
 * The skill store's tables in the list space's Durable Object (SQLite) and the
 * mapping of their rows to the List API's shapes (`ListMetadata`, `ListItem`),
 * so the skill store's lists reach the app in exactly the household's webhook
 * and snapshot formats. Synchronous SQL; no decisions here.
 *
 * - `skill_lists`: one row per list; `name_key` (trimmed, lower case) keeps
 *   names unique; `default_kind` marks the shopping and to-do lists. The two
 *   default lists have fixed ids shaped like Alexa's (base64 of `…-SHOPPING_ITEM`
 *   / `…-TASK`), so `defaultListKind` recognises them everywhere.
 * - `skill_items`: one row per item; `seq` (AUTOINCREMENT, never reused) is the
 *   list order, so an item restored by "undo" goes back to its place.
 * - `skill_undo`: the latest voice changes with what reverts them (JSON),
 *   per actor (src/space/actor.ts), read and written only by the undo journal
 *   (undo-journal.ts). Its `seq` is a plain rowid: nothing outlives its
 *   entry, and AUTOINCREMENT would write a `sqlite_sequence` row (billed) on
 *   every voice change.
 *
 * These tables live in the list space's object (src/space/list-space.ts).
 * Before 0.3 they lived in each Alexa user's object, `skill_undo` without its
 * `actor` column; src/alexa-user/legacy-lists.ts moves such lists once.
 */
import { rebuildTable, tableSql, type Schema } from "../storage/schema.ts";
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

/**
 * Creates the tables if missing (idempotent).
 * @example migrateSkillLists(ctx.storage.sql);
 */
export function migrateSkillLists(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS skill_lists (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    default_kind TEXT UNIQUE,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`);
  sql.exec(`CREATE TABLE IF NOT EXISTS skill_items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    list_id TEXT NOT NULL,
    value TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    app_item_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`);
  sql.exec(`CREATE INDEX IF NOT EXISTS skill_items_list ON skill_items (list_id, seq)`);
  sql.exec(`CREATE UNIQUE INDEX IF NOT EXISTS skill_items_app ON skill_items (app_item_id) WHERE app_item_id IS NOT NULL`);
  const undo = (t: string) => `CREATE TABLE IF NOT EXISTS ${t} (seq INTEGER PRIMARY KEY, actor TEXT NOT NULL, at INTEGER NOT NULL, entry TEXT NOT NULL)`;
  // Before skill-lists version 2 it had AUTOINCREMENT (at most a few rows per actor to copy).
  if (/AUTOINCREMENT/i.test(tableSql(sql, "skill_undo") ?? "")) rebuildTable(sql, "skill_undo", undo, "seq, actor, at, entry");
  sql.exec(undo("skill_undo"));
  // No index on actor: the journal holds a few entries per speaker (LIMITS, the undo window), so a
  // scan reads a handful of rows (cheap) where the index would write one more row per voice change.
  sql.exec(`DROP INDEX IF EXISTS skill_undo_actor`);
}

/**
 * The skill store's tables as a versioned schema (src/storage/schema.ts), for
 * the object that holds the lists.
 * @example ensureSchema(ctx, SKILL_LISTS_SCHEMA);
 */
export const SKILL_LISTS_SCHEMA: Schema = { name: "skill-lists", version: 2, migrate: migrateSkillLists };


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
